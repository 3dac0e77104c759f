/**
 * The wizard's domain list as the admin types it: split, normalised and checked as each key is
 * pressed, so a mistake shows next to the name before anything is sent to main. Pure (no store, no
 * DOM beyond the WHATWG `URL` API that converts IDNs), so every rule is tested with a table.
 *
 * Main validates the domains again on `cert:add`; these checks only need to agree with it and with
 * what ACME CAs accept (RFC 8555 §7.1.3: DNS identifiers in ASCII, wildcards only as `*.` prefix).
 */

/** One name of the list, in both forms: what goes into the certificate, and what a person reads. */
export interface ParsedDomain {
  /** The token as typed (trimmed). */
  readonly input: string;
  /** Lower-case ASCII (IDN labels as punycode `xn--…`), with `*.` for a wildcard: what main receives. */
  readonly ascii: string;
  /** The same name with punycode labels decoded, for display; equal to `ascii` for a plain name. */
  readonly unicode: string;
  readonly wildcard: boolean;
}

/**
 * Why a token is not a usable domain name:
 * - `ip_address`: an IPv4 or IPv6 address (ACME's `dns` identifiers are names, not addresses);
 * - `invalid_chars`: a character a host name may not hold (space, `_`, `/`, `:`, `@`, …), or a URL;
 * - `empty_label`: two dots in a row, or a leading dot;
 * - `bad_hyphen`: a label that starts or ends with `-`;
 * - `label_too_long`: a label over 63 characters (after punycode);
 * - `name_too_long`: over 253 characters (after punycode);
 * - `single_label`: no dot at all (`localhost`, `intranet`): no public CA issues for those;
 * - `numeric_tld`: the last label is a number (`example.123`): a top-level domain has letters;
 * - `wildcard_position`: `*` anywhere but as the whole leftmost label;
 * - `wildcard_bare`: `*` or `*.` with nothing under it;
 * - `wildcard_too_broad`: a wildcard directly under a top-level domain (`*.com`);
 * - `duplicate`: the same name again (compared in ASCII, so `Bücher.example` and `xn--bcher-kva.example` match).
 */
export type DomainIssueCode =
  | 'ip_address'
  | 'invalid_chars'
  | 'empty_label'
  | 'bad_hyphen'
  | 'label_too_long'
  | 'name_too_long'
  | 'single_label'
  | 'numeric_tld'
  | 'wildcard_position'
  | 'wildcard_bare'
  | 'wildcard_too_broad'
  | 'duplicate';

/** A token that is not accepted, and why. */
export interface DomainIssue {
  readonly input: string;
  readonly code: DomainIssueCode;
}

/**
 * Something worth knowing that does not block: `wildcard_needs_dns` (a wildcard can only be
 * validated with DNS-01), `covered_by_wildcard` (`www.example.com` next to `*.example.com`; some
 * CAs refuse such a redundant pair).
 */
export interface DomainWarning {
  readonly code: 'wildcard_needs_dns' | 'covered_by_wildcard';
  readonly input: string;
}

/** The outcome of {@link parseDomainList}: accepted names in the order typed, problems, warnings. */
export interface DomainList {
  readonly domains: ReadonlyArray<ParsedDomain>;
  readonly issues: ReadonlyArray<DomainIssue>;
  readonly warnings: ReadonlyArray<DomainWarning>;
  readonly hasWildcard: boolean;
}

/** RFC 1035 §2.3.4: 63 octets a label. */
const maxLabelLength = 63;
/** RFC 1035 §2.3.4 allows 255 octets on the wire, which is 253 characters in dotted text without the root dot. */
const maxNameLength = 253;

/**
 * Separators between names: commas, semicolons, any whitespace, and their full-width forms
 * (`，`, `；`, `、`), which a Chinese input method types.
 */
const separators = /[\s,;\uFF0C\uFF1B\u3001]+/u;

/** A letter-digit-hyphen label (RFC 1123 §2.1), checked after IDN conversion and lower-casing. */
const ldhLabel = /^[a-z0-9-]+$/;

const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Splits what the admin typed into tokens: commas, semicolons, spaces and newlines separate names. */
export function splitDomainInput(text: string): ReadonlyArray<string> {
  return text.split(separators).filter((token) => token !== '');
}

/**
 * Parses a typed list of domain names: lower-cases, converts IDNs to punycode (the URL API's UTS #46
 * mapping, so `Bücher.example` and `例子。中国` work), drops one trailing root dot, and checks every
 * rule in {@link DomainIssueCode}. Never throws: a bad token becomes an issue, the rest still parse.
 */
export function parseDomainList(text: string): DomainList {
  const domains: ParsedDomain[] = [];
  const issues: DomainIssue[] = [];
  const seen = new Set<string>();
  for (const input of splitDomainInput(text)) {
    const result = parseDomain(input);
    if ('code' in result) {
      issues.push(result);
    } else if (seen.has(result.ascii)) {
      issues.push({ input, code: 'duplicate' });
    } else {
      seen.add(result.ascii);
      domains.push(result);
    }
  }
  const wildcardBases = new Set(domains.filter((d) => d.wildcard).map((d) => d.ascii.slice(2)));
  const warnings: DomainWarning[] = [];
  for (const domain of domains) {
    if (domain.wildcard) warnings.push({ code: 'wildcard_needs_dns', input: domain.input });
    else if (wildcardBases.has(parentOf(domain.ascii))) warnings.push({ code: 'covered_by_wildcard', input: domain.input });
  }
  return { domains, issues, warnings, hasWildcard: wildcardBases.size > 0 };
}

/** Parses one token (see {@link parseDomainList}): the name, or why it is not one. */
export function parseDomain(token: string): ParsedDomain | DomainIssue {
  const input = token.trim();
  const issue = (code: DomainIssueCode): DomainIssue => ({ input, code });
  let name = input.toLowerCase();
  if (name.startsWith('[') || (name.includes(':') && !name.includes('/'))) return issue(isIpv6(name) ? 'ip_address' : 'invalid_chars');
  let wildcard = false;
  if (name === '*' || name === '*.') return issue('wildcard_bare');
  if (name.startsWith('*.')) {
    wildcard = true;
    name = name.slice(2);
  }
  if (name.includes('*')) return issue('wildcard_position');
  if (name.endsWith('.') && !name.endsWith('..')) name = name.slice(0, -1);
  if (name === '') return issue(wildcard ? 'wildcard_bare' : 'empty_label');
  if (name.startsWith('.') || name.includes('..')) return issue('empty_label');
  // Every label a number (`1.2.3`, `0x7f.1`): the URL parser's IPv4 shorthands.
  if (ipv4.test(name) || /^(0x[0-9a-f]*|\d+)(\.(0x[0-9a-f]*|\d+))*$/.test(name)) return issue('ip_address');
  // The URL parser refuses these as malformed addresses; say what is wrong instead.
  if (/\.\d+$/.test(name)) return issue('numeric_tld');
  const ascii = toAscii(name);
  if (ascii === null) return issue('invalid_chars');
  if (ipv4.test(ascii)) return issue('ip_address');
  const labels = ascii.split('.');
  if (labels.some((label) => label === '')) return issue('empty_label');
  if (labels.some((label) => !ldhLabel.test(label))) return issue('invalid_chars');
  if (labels.some((label) => label.startsWith('-') || label.endsWith('-'))) return issue('bad_hyphen');
  if (labels.some((label) => label.length > maxLabelLength)) return issue('label_too_long');
  const full = wildcard ? `*.${ascii}` : ascii;
  if (full.length > maxNameLength) return issue('name_too_long');
  if (labels.length < 2) return issue(wildcard ? 'wildcard_too_broad' : 'single_label');
  const unicode = labels.map(decodeLabel).join('.');
  return { input, ascii: full, unicode: wildcard ? `*.${unicode}` : unicode, wildcard };
}

/**
 * A certificate id derived from its first domain: `*.example.com` → `wildcard.example.com`,
 * lower-case, only `[a-z0-9._-]` (other characters become `-`), at most 64 characters, starting with
 * a letter or digit — what main's name rule accepts. Empty when nothing usable is left.
 */
export function certificateIdFor(domain: string): string {
  const base = domain.trim().toLowerCase().replace(/^\*\./, 'wildcard.');
  return base
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64)
    .replace(/[.-]+$/, '');
}

/** The DNS name a TXT record for the DNS-01 challenge goes under (RFC 8555 §8.4): `_acme-challenge.<name>`, without `*.`. */
export function challengeRecordName(domain: string): string {
  return `_acme-challenge.${domain.replace(/^\*\./, '')}`;
}

/** The name one level up (`www.example.com` → `example.com`); `''` for a single label. */
function parentOf(name: string): string {
  const dot = name.indexOf('.');
  return dot === -1 ? '' : name.slice(dot + 1);
}

/** Host name → ASCII through the URL parser (UTS #46 mapping and punycode), or `null` when it refuses. */
function toAscii(name: string): string | null {
  if (/[/?#@\\%\s]/.test(name)) return null;
  try {
    const url = new URL(`http://${name}`);
    if (url.pathname !== '/' || url.port !== '' || url.username !== '') return null;
    return url.hostname;
  } catch {
    return null;
  }
}

function isIpv6(name: string): boolean {
  const bare = name.replace(/^\[/, '').replace(/\]$/, '');
  return /^[0-9a-f:.]+$/.test(bare) && bare.includes(':');
}

// Punycode parameters, RFC 3492 §5.
const base = 36;
const tMin = 1;
const tMax = 26;
const skew = 38;
const damp = 700;
const initialBias = 72;
const initialN = 128;

/** An `xn--` label decoded to Unicode (RFC 3492 §6.2); any other label, or a malformed one, as it is. */
function decodeLabel(label: string): string {
  if (!label.startsWith('xn--')) return label;
  const input = label.slice(4);
  const delimiter = input.lastIndexOf('-');
  // The basic code points before the delimiter are ASCII (RFC 3492 §3.1), one UTF-16 unit each.
  const output: number[] = [];
  for (let index = 0; index < delimiter; index += 1) output.push(input.charCodeAt(index));
  let n = initialN;
  let i = 0;
  let bias = initialBias;
  let position = delimiter > 0 ? delimiter + 1 : 0;
  while (position < input.length) {
    const oldI = i;
    let w = 1;
    for (let k = base; ; k += base) {
      if (position >= input.length) return label;
      const digit = digitOf(input.charCodeAt(position));
      position += 1;
      if (digit >= base) return label;
      i += digit * w;
      const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
      if (digit < t) break;
      w *= base - t;
    }
    bias = adapt(i - oldI, output.length + 1, oldI === 0);
    n += Math.floor(i / (output.length + 1));
    i %= output.length + 1;
    if (n > 0x10ffff) return label;
    output.splice(i, 0, n);
    i += 1;
  }
  return String.fromCodePoint(...output);
}

function digitOf(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 22; // '0'…'9' → 26…35
  if (code >= 0x61 && code <= 0x7a) return code - 0x61; // 'a'…'z' → 0…25
  return base;
}

function adapt(delta: number, numPoints: number, first: boolean): number {
  let d = first ? Math.floor(delta / damp) : Math.floor(delta / 2);
  d += Math.floor(d / numPoints);
  let k = 0;
  while (d > ((base - tMin) * tMax) / 2) {
    d = Math.floor(d / (base - tMin));
    k += base;
  }
  return k + Math.floor(((base - tMin + 1) * d) / (d + skew));
}
