import { createHash, createHmac } from 'node:crypto';

/**
 * Huawei Cloud API Gateway AK/SK request signing (`SDK-HMAC-SHA256`), as the "API Request Signing
 * Guide" specifies it (support.huaweicloud.com/intl/en-us/devg-apisign/api-sign-algorithm-002.html
 * to -005.html): a canonical request, a string to sign, an HMAC-SHA256 with the secret key, and an
 * `Authorization` header. Pure functions over node:crypto; nothing here does I/O or keeps a secret.
 */

/** The algorithm name that starts the string to sign and the `Authorization` header. */
export const HUAWEI_SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';

/** SHA-256 of the empty string: the payload hash of a request without a body. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** An AK/SK pair from the Huawei Cloud console ("My Credentials > Access Keys"). */
export interface HuaweiCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** One request to sign. */
export interface HuaweiRequestToSign {
  readonly method: string;
  /** The full request URL; its host (port included unless default) is signed as `host`. */
  readonly url: URL;
  /** Headers to send and sign (any case), besides `host` and `x-sdk-date` which are added. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The body as sent (UTF-8); `''` or absent for none. */
  readonly body?: string;
}

/** The intermediate values of a signature, exposed for tests and for a verifying server. */
export interface HuaweiSignature {
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  /** Lower-case header names, sorted, `;`-separated. */
  readonly signedHeaders: string;
  /** Lower-case hex HMAC-SHA256 of the string to sign under the secret key. */
  readonly signature: string;
  /** `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<…>, Signature=<…>`. */
  readonly authorization: string;
}

/** `2019-11-15T03:36:55.123Z` → `20191115T033655Z`, the `X-Sdk-Date` format (UTC, no fraction). */
export function formatSdkDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * RFC 3986 percent-encoding of everything but the unreserved characters (`A-Z a-z 0-9 - _ . ~`), as
 * the guide asks for path segments, query names and values. `encodeURIComponent` leaves
 * `! ' ( ) *` alone, so those are encoded here too.
 */
export function huaweiUriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The canonical URI: each path segment decoded then re-encoded, and always a trailing `/` (the
 * guide: "If a URI does not end with a slash (/), add a slash at its end", though the request itself
 * is sent without it).
 */
function canonicalUri(url: URL): string {
  const encoded = url.pathname.split('/').map((segment) => huaweiUriEncode(decodeURIComponent(segment))).join('/');
  return encoded.endsWith('/') ? encoded : `${encoded}/`;
}

/** The canonical query: parameters sorted by encoded name (then value), `name=value` joined by `&`. */
function canonicalQuery(url: URL): string {
  const pairs = [...url.searchParams].map(([name, value]) => [huaweiUriEncode(name), huaweiUriEncode(value)] as const);
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

/**
 * Signs `request` with `credentials` at `date` (default now) and returns every intermediate value.
 * The signed headers are the given ones plus `host` (from the URL) and `x-sdk-date`; names are
 * lower-cased and values trimmed. Throws a plain `Error` if a header appears twice in different
 * cases (the signature would be ambiguous).
 */
export function signHuaweiRequest(request: HuaweiRequestToSign, credentials: HuaweiCredentials, date: Date = new Date()): HuaweiSignature {
  const sdkDate = formatSdkDate(date);
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    const lower = name.toLowerCase();
    if (headers.has(lower)) throw new Error(`the header ${lower} is given twice`);
    headers.set(lower, value.trim());
  }
  headers.set('host', request.url.host);
  headers.set('x-sdk-date', sdkDate);
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(';');
  const body = request.body ?? '';
  const payloadHash = body === '' ? EMPTY_SHA256 : createHash('sha256').update(body, 'utf8').digest('hex');
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalUri(request.url),
    canonicalQuery(request.url),
    names.map((name) => `${name}:${headers.get(name) ?? ''}\n`).join(''),
    signedHeaders,
    payloadHash,
  ].join('\n');
  const stringToSign = [
    HUAWEI_SIGNING_ALGORITHM,
    sdkDate,
    createHash('sha256').update(canonicalRequest, 'utf8').digest('hex'),
  ].join('\n');
  const signature = createHmac('sha256', credentials.secretAccessKey).update(stringToSign, 'utf8').digest('hex');
  return {
    canonicalRequest,
    stringToSign,
    signedHeaders,
    signature,
    authorization: `${HUAWEI_SIGNING_ALGORITHM} Access=${credentials.accessKeyId}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/**
 * The headers to send for `request`: the given ones plus `X-Sdk-Date` and `Authorization`. `Host`
 * is left to the HTTP client, which derives it from the URL exactly as it was signed.
 */
export function huaweiSignedHeaders(request: HuaweiRequestToSign, credentials: HuaweiCredentials, date: Date = new Date()): Record<string, string> {
  const signed = signHuaweiRequest(request, credentials, date);
  return { ...request.headers, 'X-Sdk-Date': formatSdkDate(date), Authorization: signed.authorization };
}
