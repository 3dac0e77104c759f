import { CertDeskError } from '../../errors.ts';
import type { ChallengeInput } from '../solver.ts';

/** The path prefix the CA requests for HTTP-01 (RFC 8555 §8.3); the token follows it directly. */
export const ACME_CHALLENGE_PATH = '/.well-known/acme-challenge/';

/**
 * A token in the base64url alphabet without padding (RFC 8555 §8.1). No `.`, `/`, `\` or `%`, so a
 * valid token can never leave the challenge folder as a file name nor be decoded into a path.
 * Up to 128 characters: Let's Encrypt and Pebble send 43 (256 bits); 128 leaves room for any CA
 * while keeping the webroot's temp file name (`.<token>.<12 hex>.tmp`) far below NAME_MAX (255).
 */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The JWK thumbprint part of a key authorization: base64url of a SHA-256 digest (RFC 8555 §8.1,
 * RFC 7638), always 43 characters.
 */
const THUMBPRINT_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Whether `token` is a well-formed ACME challenge token (RFC 8555 §8.1): 1–128 base64url characters,
 * no padding. Both HTTP-01 solvers check this before a token reaches a lookup or a file name.
 */
export function isValidToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/**
 * Checks that `challenge` can be answered over HTTP-01 and throws otherwise:
 * - a wildcard authorization: `CertDeskError('needs_admin')`, since CAs only offer DNS-01 for
 *   wildcards;
 * - a token outside the base64url alphabet: `CertDeskError('needs_admin')` (never a path);
 * - a `value` that is not `<token>.<43-character thumbprint>` (RFC 8555 §8.1): a plain `Error`,
 *   because that is a caller's bug (e.g. the DNS-01 digest passed by mistake).
 *
 * `solver` names the solver in messages (`standalone`, `webroot`). Neither the token nor the value
 * is put in a message.
 */
export function checkHttp01Challenge(challenge: ChallengeInput, solver: string): void {
  if (challenge.wildcard) {
    throw new CertDeskError(
      'needs_admin',
      `Unable to validate *.${challenge.domain} over HTTP-01, a wildcard name can only be validated with DNS-01`,
      { remedy: 'Use a DNS provider for this certificate (--dns <provider>), or list the exact names instead of the wildcard.' },
    );
  }
  if (!isValidToken(challenge.token)) {
    throw new CertDeskError(
      'needs_admin',
      `Unable to answer the HTTP-01 challenge for ${challenge.domain} through the ${solver} solver, the CA sent a token outside the base64url alphabet`,
      { remedy: 'The CA broke RFC 8555 §8.1; report it to the CA, or validate this certificate with DNS-01.' },
    );
  }
  const prefix = `${challenge.token}.`;
  if (!challenge.value.startsWith(prefix) || !THUMBPRINT_PATTERN.test(challenge.value.slice(prefix.length))) {
    throw new Error(
      `Unable to answer the HTTP-01 challenge for ${challenge.domain}, the value is not the key authorization <token>.<thumbprint>`,
    );
  }
}
