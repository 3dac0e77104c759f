import { domainToASCII } from 'node:url';
import { CertDeskError } from './errors.ts';

/**
 * Ids of certificates and names of CA accounts and DNS providers: lower-case letters, digits, `.`,
 * `_` and `-`, starting with a letter or digit, at most 64 characters. They name folders and files,
 * so nothing else is allowed.
 */
const namePattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Validates an id or name; throws `invalid_input` saying what is allowed. */
export function validateName(kind: string, value: string): string {
  if (!namePattern.test(value) || value.includes('..')) {
    throw new CertDeskError('invalid_input', `Unable to use ${JSON.stringify(value)} as a ${kind}, it may contain only a-z, 0-9, '.', '_' and '-'`, {
      remedy: `Choose a ${kind} of 1-64 characters that starts with a letter or digit, e.g. "example-com".`,
    });
  }
  return value;
}

/**
 * Normalises a domain for an ACME identifier (RFC 8555 §7.1.4, §9.7.7): trims, lower-cases, drops a
 * trailing dot, converts an IDN to punycode (`bücher.example` → `xn--bcher-kva.example`), and checks
 * the DNS rules (labels of 1-63 letters, digits and hyphens, not starting or ending with a hyphen;
 * at most 253 characters; at least two labels). A leading `*.` (wildcard) is kept.
 * IP addresses are refused. Throws `invalid_input` naming the domain and the problem.
 */
export function normalizeDomain(input: string): string {
  const raw = input.trim().replace(/\.$/, '');
  const wildcard = raw.startsWith('*.');
  const body = wildcard ? raw.slice(2) : raw;
  const fail = (reason: string): never => {
    throw new CertDeskError('invalid_input', `Unable to use the domain ${JSON.stringify(input)}, ${reason}`, {
      remedy: 'Give a fully qualified domain name such as example.com, www.example.com or *.example.com.',
    });
  };
  if (body === '') fail('it is empty');
  if (body.includes('*')) fail('a wildcard may only be the whole leftmost label ("*.example.com")');
  // Checked before domainToASCII, which parses URL hosts and would silently drop "/path", "?q" or
  // "#x" and skip tabs: only letters (any script), digits, hyphens and dots are a domain.
  if (body.includes(':')) fail('IP addresses are not supported; use a domain name');
  // Underscores pass here so the label check below names the label; 。．｡ are UTS #46 dots.
  if (!/^[\p{L}\p{M}\p{N}._\u3002\uFF0E\uFF61-]+$/u.test(body)) fail('it contains characters a domain name cannot have');
  const ascii = domainToASCII(body.toLowerCase());
  if (ascii === '') fail('it is not a valid domain name');
  // After the conversion: it also turns "0x7f.1" or full-width digits into a dotted IPv4 address.
  if (/^[0-9.]+$/.test(ascii)) fail('IP addresses are not supported; use a domain name');
  if (ascii.length + (wildcard ? 2 : 0) > 253) fail('it is longer than 253 characters');
  const labels = ascii.split('.');
  if (labels.length < 2) fail('it needs at least two labels (e.g. example.com)');
  for (const label of labels) {
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) fail(`the label ${JSON.stringify(label)} is not a valid DNS label`);
  }
  return wildcard ? `*.${ascii}` : ascii;
}
