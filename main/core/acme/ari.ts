/**
 * ACME Renewal Information (ARI, RFC 9773): the certificate identifier the CA knows a certificate
 * by, and the CA's suggested renewal window for it, validated before anything trusts it.
 *
 * The window feeds `renewalDecision` (../renewal/renewal-window.ts), which picks the moment inside
 * it; the identifier is also the `replaces` value of a renewal order (RFC 9773 §5). No clock and no
 * HTTP of its own: callers pass `now` and a `request` function (the engine's `AcmeTransport`).
 */

import { CertDeskError } from '../errors.ts';
import { splitPemChain } from '../vault/x509.ts';
import { headerValue, parseRetryAfter, type ResponseHeaders } from './problems.ts';
import type { AriWindow } from '../renewal/renewal-window.ts';

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
const dayMs = 24 * hourMs;

/**
 * Shortest wait before asking for the window again: one minute. RFC 9773 §4.3.2 requires clients to
 * limit their checking interval and suggests treating values under a minute as a minute.
 */
export const minRenewalInfoRetryMs = minuteMs;

/**
 * Longest wait before asking for the window again: one day, the limit RFC 9773 §4.3.2 gives as its
 * example. A CA that must revoke within 24 hours (§4.3.1) relies on clients asking at least daily;
 * a longer `Retry-After` is more likely a broken header than advice.
 */
export const maxRenewalInfoRetryMs = dayMs;

/**
 * When to ask again after a response without a usable `Retry-After`, or after any failure: six
 * hours, the default RFC 9773 §4.3.3 prescribes for long-term errors (a missing or invalid
 * `Retry-After` is one). Temporary errors (timeouts, 5xx) have already been retried with backoff by
 * the transport by the time they reach this module, so they count as long-term too (§4.3.3).
 */
export const defaultRenewalInfoRetryMs = 6 * hourMs;

/**
 * How far ahead a suggested window may reach: 825 days, the longest TLS server certificate lifetime
 * the CA/Browser Forum ever allowed (2018–2020). A window beyond it cannot be meant for a certificate
 * an ACME CA issues today: its end is clamped to this horizon and a window starting beyond it is
 * rejected. Nothing is lost by clamping, since the window is fetched again at least daily.
 */
export const maxWindowHorizonMs = 825 * dayMs;

/** Largest RenewalInfo body parsed: a RenewalInfo object (RFC 9773 §4.2) is a few hundred bytes. */
const maxBodyLength = 64 * 1024;

/** Longest `explanationURL` kept; browsers and servers commonly accept URLs of this length. */
const maxExplanationUrlLength = 2000;

/** Longest timestamp read; an RFC 3339 date-time with nanoseconds and an offset is 35 characters. */
const maxTimestampLength = 64;

/** The DER of OID 2.5.29.35, id-ce-authorityKeyIdentifier (RFC 5280 §4.2.1.1). */
const authorityKeyIdentifierOid = Uint8Array.of(0x55, 0x1d, 0x23);

/** A RenewalInfo identifier: two unpadded base64url strings joined by "." (RFC 9773 §4.1). */
const certIdPattern = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** What the `request` function passed to {@link fetchRenewalInfo} resolves to (an `AcmeResponse` fits). */
export interface RenewalInfoResponse {
  readonly status: number;
  readonly headers: ResponseHeaders;
  /** The body: parsed JSON, or text or bytes to parse. Untrusted. */
  readonly data: unknown;
}

/** What {@link fetchRenewalInfo} needs. */
export interface FetchRenewalInfoOptions {
  /** The directory's `renewalInfo` URL (see {@link renewalInfoUrl}). */
  readonly renewalInfoUrl: string;
  /** The certificate's identifier (see {@link ariCertId}). */
  readonly certId: string;
  /**
   * Sends an unauthenticated GET (RFC 9773 §4.1: not POST-as-GET), e.g.
   * `(url) => transport.request(url, 'get')`. May throw (`AcmeHttpError`, `AcmeTransportError`) or
   * resolve with any status; both are handled.
   */
  readonly request: (url: string) => Promise<RenewalInfoResponse>;
  readonly now: Date;
}

/** The CA's validated answer (RFC 9773 §4.2). */
export interface RenewalInfo {
  /** `suggestedWindow`: `start` is before `end`; `end` is at most {@link maxWindowHorizonMs} after `now`. */
  readonly window: { readonly start: Date; readonly end: Date };
  /** `explanationURL`, when the CA sent an absolute http(s) URL; show it to the admin (§4.2 SHOULD). */
  readonly explanationUrl?: string;
  /**
   * When to fetch the window again: the response's `Retry-After` clamped to
   * [{@link minRenewalInfoRetryMs}, {@link maxRenewalInfoRetryMs}] from `now`, or
   * {@link defaultRenewalInfoRetryMs} when absent or unparsable (§4.3.2, §4.3.3).
   */
  readonly retryAfter: Date;
}

/**
 * A failure to get a usable window. Besides the `acme_failed` code and a remedy it carries when to
 * ask again: `now` + {@link defaultRenewalInfoRetryMs} (RFC 9773 §4.3.3). Meanwhile the certificate
 * renews on the admin's policy, as §4.2 says for an invalid response.
 */
export class RenewalInfoError extends CertDeskError {
  /** When the next RenewalInfo request may go out. */
  readonly retryAfter: Date;

  constructor(message: string, retryAfter: Date, options: { cause?: unknown } = {}) {
    super('acme_failed', message, {
      remedy:
        `Nothing to do now: CertDesk renews this certificate on its own schedule and asks the CA again after ${retryAfter.toISOString()}. ` +
        "If this keeps happening, check the CA's status page or tell the CA.",
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.retryAfter = retryAfter;
  }
}

/**
 * The certificate's ARI identifier (RFC 9773 §4.1): base64url of its Authority Key Identifier's
 * `keyIdentifier`, ".", base64url of its serial number's DER content octets, both without padding.
 * For the certificate of RFC 9773 Appendix A this is `aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE`.
 *
 * Both parts are the bytes the certificate itself carries, read from its DER: re-encoding a parsed
 * serial (say, `X509Certificate.serialNumber`) would drop the leading zero byte that DER requires
 * when the first content byte has its high bit set (`00 87 65 43 21` in the RFC's example), and the
 * CA would not recognise the identifier. The first certificate of a PEM chain is used.
 *
 * Throws `invalid_data` when `certPem` holds no well-formed certificate, or one without an Authority
 * Key Identifier `keyIdentifier`; such a certificate renews on the admin's policy instead.
 */
export function ariCertId(certPem: string): string {
  const [leaf] = splitPemChain(certPem);
  if (leaf === undefined) throw identifyError('it holds no PEM certificate');
  const body = leaf.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw identifyError('its PEM is not valid base64');
  const der = new Uint8Array(Buffer.from(body, 'base64'));
  let parts: { keyIdentifier: Uint8Array | undefined; serial: Uint8Array };
  try {
    parts = readIdentityFields(der);
  } catch (error) {
    throw identifyError('it is not a well-formed X.509 certificate', error);
  }
  if (parts.keyIdentifier === undefined) {
    throw new CertDeskError(
      'invalid_data',
      'Unable to identify the certificate for ARI, it has no Authority Key Identifier keyIdentifier (RFC 5280 §4.2.1.1)',
      {
        remedy:
          "CertDesk renews it on the renewal policy instead of the CA's suggested window. Certificates from ACME CAs always carry one: check that this is the certificate the CA issued.",
      },
    );
  }
  return `${base64url(parts.keyIdentifier)}.${base64url(parts.serial)}`;
}

/**
 * The `renewalInfo` URL from an ACME directory object (RFC 9773 §3), or `undefined` when the
 * directory offers none (the CA does not support ARI) or the value is not an absolute http(s) URL
 * without credentials. Never throws.
 */
export function renewalInfoUrl(directory: unknown): string | undefined {
  if (typeof directory !== 'object' || directory === null || Array.isArray(directory)) return undefined;
  const value = (directory as Readonly<Record<string, unknown>>).renewalInfo;
  if (typeof value !== 'string' || value.length > maxExplanationUrlLength) return undefined;
  return httpUrl(value);
}

/**
 * Fetches and validates the CA's suggested renewal window for one certificate: an unauthenticated
 * GET of `<renewalInfoUrl>/<certId>` (RFC 9773 §4.1) whose body is a RenewalInfo object (§4.2).
 *
 * The body is untrusted: `suggestedWindow.start` and `.end` must be RFC 3339 date-times with a time
 * zone, `start` strictly before `end` (§4.2: anything else is invalid), and `start` less than
 * {@link maxWindowHorizonMs} after `now`; `end` is clamped to that horizon. A window wholly in the
 * past is kept: it is how a CA asks for renewal now (e.g. before a revocation). An `explanationURL`
 * that is not an absolute http(s) URL is dropped, never fatal. `Retry-After` becomes
 * {@link RenewalInfo.retryAfter}.
 *
 * Do not call it for an expired or already replaced certificate (§4.3). Throws `invalid_input` for a
 * malformed `renewalInfoUrl` or `certId` (a bug of the caller, nothing is sent), and
 * {@link RenewalInfoError} (`acme_failed`, with the time to ask again) when the request fails,
 * answers other than 2xx, or carries no valid RenewalInfo object.
 */
export async function fetchRenewalInfo(options: FetchRenewalInfoOptions): Promise<RenewalInfo> {
  const { now } = options;
  const base = httpUrl(options.renewalInfoUrl);
  if (base === undefined) {
    throw new CertDeskError('invalid_input', `Unable to fetch renewal information, '${options.renewalInfoUrl.slice(0, 200)}' is not an http(s) URL`, {
      remedy: "Pass the 'renewalInfo' URL from the CA's directory.",
    });
  }
  if (!certIdPattern.test(options.certId) || options.certId.length > 1024) {
    throw new CertDeskError('invalid_input', 'Unable to fetch renewal information, the certificate identifier is not two base64url parts joined by "."', {
      remedy: 'Compute the identifier with ariCertId() from the certificate (RFC 9773 §4.1).',
    });
  }
  // RFC 9773 §4.1 joins with '/'; a directory URL ending in '/' must not turn that into '//'.
  const url = `${base.replace(/\/+$/, '')}/${options.certId}`;
  const failAfter = new Date(now.getTime() + defaultRenewalInfoRetryMs);
  const fail = (reason: string, cause?: unknown): RenewalInfoError =>
    new RenewalInfoError(`Unable to fetch renewal information from ${url}, ${reason}`, failAfter, cause === undefined ? {} : { cause });

  let response: RenewalInfoResponse;
  try {
    response = await options.request(url);
  } catch (error) {
    throw fail(describeRequestError(error), error);
  }
  if (!Number.isInteger(response.status) || response.status < 200 || response.status > 299) {
    throw fail(`the CA answered HTTP ${String(response.status)}`);
  }
  const document = decodeBody(response.data);
  if (document === undefined) throw fail('the answer is not a JSON object');
  const suggested = document.suggestedWindow;
  if (typeof suggested !== 'object' || suggested === null || Array.isArray(suggested)) {
    throw fail("the answer has no 'suggestedWindow' object");
  }
  const { start: startText, end: endText } = suggested as Readonly<Record<string, unknown>>;
  const start = parseRfc3339(startText);
  const end = parseRfc3339(endText);
  if (start === undefined || end === undefined) throw fail("'suggestedWindow' start or end is not an RFC 3339 date-time");
  if (start >= end) throw fail("'suggestedWindow' does not end after it starts");
  const horizon = now.getTime() + maxWindowHorizonMs;
  if (start >= horizon) throw fail(`'suggestedWindow' starts more than ${String(maxWindowHorizonMs / dayMs)} days from now`);

  const explanationUrl = typeof document.explanationURL === 'string' && document.explanationURL.length <= maxExplanationUrlLength
    ? httpUrl(document.explanationURL)
    : undefined;
  return {
    window: { start: new Date(start), end: new Date(Math.min(end, horizon)) },
    ...(explanationUrl === undefined ? {} : { explanationUrl }),
    retryAfter: nextFetchAt(headerValue(response.headers, 'retry-after'), now),
  };
}

/** The {@link AriWindow} `renewalDecision` takes, from a fetched {@link RenewalInfo}. */
export function toAriWindow(info: RenewalInfo): AriWindow {
  return { start: info.window.start, end: info.window.end, retryAfter: info.retryAfter };
}

/** `Retry-After` → when to fetch again, clamped per RFC 9773 §4.3.2, six hours when missing (§4.3.3). */
function nextFetchAt(value: string | undefined, now: Date): Date {
  const nowMs = now.getTime();
  const at = parseRetryAfter(value, now);
  if (at === undefined) return new Date(nowMs + defaultRenewalInfoRetryMs);
  return new Date(Math.min(Math.max(at.getTime(), nowMs + minRenewalInfoRetryMs), nowMs + maxRenewalInfoRetryMs));
}

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 §5.6 `date-time` in milliseconds since the epoch, or `undefined`. A time zone is
 * required (a local time would mean something else on every machine); fractions beyond
 * milliseconds are truncated; a leap second (`:60`) rolls into the next minute.
 */
function parseRfc3339(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length > maxTimestampLength) return undefined;
  const match = rfc3339.exec(value);
  if (match === null) return undefined;
  const number = (text: string | undefined): number => (text === undefined ? 0 : Number(text));
  const [year, month, day, hour, minute, second, offsetHour, offsetMinute] = [1, 2, 3, 4, 5, 6, 9, 10].map((i) => number(match[i])) as [
    number, number, number, number, number, number, number, number,
  ];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60 || offsetHour > 23 || offsetMinute > 59) return undefined;
  const at = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  at.setUTCFullYear(year, month - 1, day);
  // Rejects 30 February and the like, which Date would roll into the next month.
  if (at.getUTCDate() !== day || at.getUTCMonth() !== month - 1) return undefined;
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offset = (match[8] === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute) * minuteMs;
  return at.setUTCHours(hour, minute, second, millis) - offset;
}

/** The body as a JSON object, or `undefined`: parsed JSON, or JSON text or bytes up to {@link maxBodyLength}. */
function decodeBody(data: unknown): Readonly<Record<string, unknown>> | undefined {
  let value = data;
  if (value instanceof Uint8Array) {
    if (value.length > maxBodyLength) return undefined;
    value = Buffer.from(value).toString('utf8');
  }
  if (typeof value === 'string') {
    if (value.length > maxBodyLength) return undefined;
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Readonly<Record<string, unknown>>) : undefined;
}

/** `value` as a normalised absolute http(s) URL without credentials, or `undefined`. */
function httpUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') return undefined;
  return url.href;
}

/** What went wrong, from an `AcmeHttpError` (`status`), an `AcmeTransportError` (`code`) or anything else. */
function describeRequestError(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { status, code } = error as { status?: unknown; code?: unknown };
    if (typeof status === 'number') return `the CA answered HTTP ${String(status)}`;
    if (typeof code === 'string') return `the request failed (${code.slice(0, 100)})`;
  }
  return `the request failed (${error instanceof Error ? error.message.slice(0, 200) : 'unknown error'})`;
}

function identifyError(reason: string, cause?: unknown): CertDeskError {
  return new CertDeskError('invalid_data', `Unable to identify the certificate for ARI, ${reason}`, {
    remedy: 'Re-import the certificate from the file the CA delivered.',
    ...(cause === undefined ? {} : { cause }),
  });
}

function base64url(bytes: Uint8Array): string {
  // Node's base64url alphabet never pads, as RFC 9773 §4.1 requires.
  return Buffer.from(bytes).toString('base64url');
}

/** One DER element: its tag and where its contents lie in the buffer. */
interface Element {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

/**
 * Reads the serial number and the AKI keyIdentifier from a certificate's DER (RFC 5280 §4.1):
 * Certificate → tbsCertificate → [0] version?, serialNumber, …, [3] extensions → the extension
 * 2.5.29.35 → AuthorityKeyIdentifier → [0] keyIdentifier. Throws on anything malformed.
 */
function readIdentityFields(der: Uint8Array): { keyIdentifier: Uint8Array | undefined; serial: Uint8Array } {
  const certificate = readElement(der, 0, der.length);
  if (certificate.tag !== 0x30 || certificate.end !== der.length) throw new Error('not a single SEQUENCE');
  const [tbs] = children(der, certificate);
  if (tbs?.tag !== 0x30) throw new Error('no tbsCertificate');
  const fields = children(der, tbs);
  const serialIndex = fields[0]?.tag === 0xa0 ? 1 : 0;
  const serial = fields[serialIndex];
  if (serial?.tag !== 0x02 || serial.end === serial.start) throw new Error('no serialNumber');
  // issuerUniqueID [1] and subjectUniqueID [2] may precede extensions; only [3] matters.
  const extensionsWrapper = fields.slice(serialIndex + 1).find((field) => field.tag === 0xa3);
  const [extensions] = extensionsWrapper === undefined ? [] : children(der, extensionsWrapper);
  let keyIdentifier: Uint8Array | undefined;
  for (const extension of extensions === undefined ? [] : children(der, extensions)) {
    const parts = children(der, extension);
    const [oid] = parts;
    const value = parts.at(-1);
    if (oid?.tag !== 0x06 || !bytesEqual(der.subarray(oid.start, oid.end), authorityKeyIdentifierOid)) continue;
    if (value?.tag !== 0x04) throw new Error('AKI without an OCTET STRING value');
    const aki = readElement(der, value.start, value.end);
    if (aki.tag !== 0x30 || aki.end !== value.end) throw new Error('AKI is not a SEQUENCE');
    const id = children(der, aki).find((part) => part.tag === 0x80);
    if (id !== undefined && id.end > id.start) keyIdentifier = der.slice(id.start, id.end);
  }
  return { keyIdentifier, serial: der.slice(serial.start, serial.end) };
}

function children(der: Uint8Array, parent: Element): Element[] {
  const result: Element[] = [];
  for (let offset = parent.start; offset < parent.end; ) {
    const element = readElement(der, offset, parent.end);
    result.push(element);
    offset = element.end;
  }
  return result;
}

/** The element at `offset`, which must end by `limit`. DER only: no indefinite lengths, one-byte tags. */
function readElement(der: Uint8Array, offset: number, limit: number): Element {
  const tag = der[offset];
  const first = der[offset + 1];
  if (tag === undefined || first === undefined || offset + 2 > limit) throw new Error('truncated');
  if ((tag & 0x1f) === 0x1f) throw new Error('multi-byte tag');
  let length = first;
  let start = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    // 0x80 is BER's indefinite length; more than 4 length bytes would describe gigabytes.
    if (count === 0 || count > 4 || start + count > limit) throw new Error('bad length');
    length = 0;
    for (let i = 0; i < count; i += 1) length = length * 256 + (der[start + i] ?? 0);
    start += count;
  }
  const end = start + length;
  if (end > limit) throw new Error('truncated');
  return { tag, start, end };
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
