import { createHmac, randomUUID } from 'node:crypto';

/**
 * Alibaba Cloud's RPC-style request signature, version 1.0 (HMAC-SHA1), as its "signature method
 * V2 for RPC APIs" documentation describes it and Alibaba Cloud DNS (alidns 2015-01-09) still
 * accepts it: every parameter, common ones included, goes in the query string; the signature covers
 * the sorted, percent-encoded parameters.
 *
 *   CanonicalizedQueryString = join('&', sorted(percentEncode(name) '=' percentEncode(value)))
 *   StringToSign = METHOD '&' percentEncode('/') '&' percentEncode(CanonicalizedQueryString)
 *   Signature    = Base64(HMAC-SHA1(AccessKeySecret '&', StringToSign))
 */

/** The `SignatureMethod` common parameter this module implements. */
export const ALIBABA_SIGNATURE_METHOD = 'HMAC-SHA1';

/** The `SignatureVersion` common parameter this module implements. */
export const ALIBABA_SIGNATURE_VERSION = '1.0';

/**
 * Percent-encodes `value` by Alibaba's rules (RFC 3986): UTF-8 bytes, `A–Z a–z 0–9 - _ . ~` kept,
 * every other byte as `%XX` in upper case, so a space is `%20` (never `+`) and `*` is `%2A`.
 * `encodeURIComponent` keeps `! ' ( ) *`, which Alibaba encodes.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The canonicalized query string: parameters sorted by name (ordinal order, as the vendor's SDKs
 * compare), each `percentEncode(name)=percentEncode(value)`, joined by `&`. `Signature` must not be
 * among them.
 */
export function canonicalizedQuery(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name] ?? '')}`)
    .join('&');
}

/** The string to sign for `method` (`GET` or `POST`) and the request's parameters (without `Signature`). */
export function rpcStringToSign(method: string, params: Readonly<Record<string, string>>): string {
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonicalizedQuery(params))}`;
}

/**
 * The `Signature` parameter (Base64, not yet percent-encoded) for `method` and `params`, keyed with
 * the AccessKey secret followed by `&` as the vendor specifies. Pure; never logs the secret.
 */
export function rpcSignature(method: string, params: Readonly<Record<string, string>>, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(rpcStringToSign(method, params), 'utf8').digest('base64');
}

/** What {@link signRpcRequest} needs besides the operation's own parameters. */
export interface RpcCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
}

/** Options of {@link signRpcRequest}; the defaults are what a live request needs. */
export interface RpcSignOptions {
  /** HTTP method the parameters travel with; default `GET`. */
  readonly method?: string;
  /** Signing time; default now. Alibaba rejects requests more than 15 minutes off. */
  readonly now?: Date;
  /** `SignatureNonce`; default a random UUID (the vendor refuses a nonce it saw in the last 15 minutes). */
  readonly nonce?: string;
  /** `Format`; default `JSON`. */
  readonly format?: string;
}

/** `2016-02-23T12:46:24Z`: ISO 8601 in UTC without milliseconds, as the `Timestamp` parameter wants. */
export function rpcTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * Adds the common parameters (`AccessKeyId`, `Format`, `SignatureMethod`, `SignatureNonce`,
 * `SignatureVersion`, `Timestamp`) to `params` (which carry `Action`, `Version` and the operation's
 * parameters), signs them, and returns the complete query string, `Signature` included, ready to
 * follow `?`. Call it once per attempt: the nonce and timestamp must be fresh each time.
 */
export function signRpcRequest(
  params: Readonly<Record<string, string>>,
  credentials: RpcCredentials,
  options: RpcSignOptions = {},
): string {
  const all: Record<string, string> = {
    ...params,
    AccessKeyId: credentials.accessKeyId,
    Format: options.format ?? 'JSON',
    SignatureMethod: ALIBABA_SIGNATURE_METHOD,
    SignatureNonce: options.nonce ?? randomUUID(),
    SignatureVersion: ALIBABA_SIGNATURE_VERSION,
    Timestamp: rpcTimestamp(options.now ?? new Date()),
  };
  const signature = rpcSignature(options.method ?? 'GET', all, credentials.accessKeySecret);
  return `${canonicalizedQuery(all)}&Signature=${percentEncode(signature)}`;
}
