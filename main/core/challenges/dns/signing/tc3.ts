import { createHash, createHmac } from 'node:crypto';

/**
 * Tencent Cloud API 3.0 request signature "v3" (TC3-HMAC-SHA256), as Tencent Cloud's "Signature v3"
 * documentation describes it:
 *
 *   CanonicalRequest = METHOD \n URI \n QUERY \n CanonicalHeaders \n SignedHeaders \n hex(SHA256(body))
 *   StringToSign     = "TC3-HMAC-SHA256" \n timestamp \n date/service/tc3_request \n hex(SHA256(CanonicalRequest))
 *   SecretSigning    = HMAC(HMAC(HMAC("TC3" + SecretKey, date), service), "tc3_request")
 *   Signature        = hex(HMAC(SecretSigning, StringToSign))
 *
 * `date` is the UTC date of the timestamp (never the local one: a request signed near midnight in
 * UTC+8 would otherwise fail).
 */

/** The algorithm name in the string to sign and the `Authorization` header. */
export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';

/** What one signature covers. */
export interface Tc3Request {
  readonly secretId: string;
  readonly secretKey: string;
  /** The product's short name, the first label of its host (`dnspod`, `cvm`). */
  readonly service: string;
  /** Unix time in seconds; also sent as `X-TC-Timestamp`. Tencent rejects requests more than 5 minutes off. */
  readonly timestamp: number;
  /** HTTP method; default `POST`. */
  readonly method?: string;
  /** Canonical URI; default `/` (API 3.0 always uses `/`). */
  readonly path?: string;
  /** The URL-encoded query string of a GET (`Limit=10&Offset=0`); default `''` (always so for POST). */
  readonly query?: string;
  /**
   * The headers to sign, by name; `content-type` and `host` are required. Names and values are
   * lower-cased and trimmed, as the documentation's concatenation rules say.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** The exact body sent (`''` for GET). */
  readonly payload: string;
}

/** The signature and its intermediate strings (the latter for tests and a server that verifies). */
export interface Tc3Signature {
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  /** `YYYY-MM-DD/<service>/tc3_request`. */
  readonly credentialScope: string;
  readonly signedHeaders: string;
  /** Lower-case hex. */
  readonly signature: string;
  /** The whole `Authorization` header value. */
  readonly authorization: string;
}

/** Lower-case hex SHA-256 of `text`'s UTF-8 bytes. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

/** The UTC date (`2019-02-25`) of a Unix timestamp in seconds. */
export function tc3Date(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

/**
 * Signs one request. Pure; the secret key appears in no returned string. Throws a plain `Error` if
 * `content-type` or `host` is missing from `headers` (a programming error, not an admin's).
 */
export function signTc3(request: Tc3Request): Tc3Signature {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers)) headers.set(name.trim().toLowerCase(), value.trim().toLowerCase());
  for (const required of ['content-type', 'host']) {
    if (!headers.has(required)) throw new Error(`TC3 signing needs the ${required} header`);
  }
  const names = [...headers.keys()].sort();
  const canonicalHeaders = names.map((name) => `${name}:${headers.get(name) ?? ''}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    (request.method ?? 'POST').toUpperCase(),
    request.path ?? '/',
    request.query ?? '',
    canonicalHeaders,
    signedHeaders,
    sha256Hex(request.payload),
  ].join('\n');
  const date = tc3Date(request.timestamp);
  const credentialScope = `${date}/${request.service}/tc3_request`;
  const stringToSign = [TC3_ALGORITHM, String(request.timestamp), credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const secretSigning = hmac(hmac(hmac(`TC3${request.secretKey}`, date), request.service), 'tc3_request');
  const signature = hmac(secretSigning, stringToSign).toString('hex');
  return {
    canonicalRequest,
    stringToSign,
    credentialScope,
    signedHeaders,
    signature,
    authorization: `${TC3_ALGORITHM} Credential=${request.secretId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
