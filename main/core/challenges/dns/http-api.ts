import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { version } from '../../version.ts';
import { DnsError, type DnsFailure } from './dns-error.ts';
import { formatDuration } from './names.ts';
import type { ProviderContext } from './provider.ts';

/** Default bound on one request, connection to last byte: DNS APIs answer in about a second. */
export const HTTP_API_DEFAULT_TIMEOUT_MS = 30_000;

/** Default number of tries of one call when it is rate-limited, answered 5xx or lost on the network. */
export const HTTP_API_DEFAULT_MAX_ATTEMPTS = 4;

/** The first retry waits 1 s, each next one twice as long (1 s, 2 s, 4 s, …). */
const BACKOFF_BASE_MS = 1_000;

/** Bound on the computed backoff: beyond a minute, waiting longer in-process helps nobody. */
const BACKOFF_CAP_MS = 60_000;

/**
 * Longest wait a server may ask for (`Retry-After` and friends) that we sit out in-process. A longer
 * one gives up with a `rate_limited` error naming the time: the renewal's own retry policy (hours)
 * is the right place to wait that long, not a request held open.
 */
export const HTTP_API_MAX_SERVER_WAIT_MS = 5 * 60_000;

/** Bound on a response body: DNS API answers are kilobytes; anything huge is not an answer. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Characters of an unexpected body quoted in a message (scrubbed first). */
const BODY_EXCERPT_CHARS = 200;

/** What replaces a secret in anything logged or thrown. */
export const REDACTED = '[redacted]';

/** One HTTP request to a provider's API, built afresh for every attempt (signatures carry timestamps). */
export interface ApiRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** An `https:` (or, for on-premises APIs, `http:`) URL; anything else is a `bad_config` error. */
  readonly url: string | URL;
  /** Sent as given; `accept: application/json` and a CertDesk `user-agent` are added unless set. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as UTF-8 with its `content-length`; set `content-type` yourself. */
  readonly body?: string;
}

/** An API's answer, whatever its status. */
export interface ApiResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as UTF-8 text. */
  readonly body: string;
  /**
   * The body parsed as JSON. Throws a `server_error` {@link DnsError} naming the provider and the
   * action when it is not JSON, quoting the status and the start of the body (secrets scrubbed).
   */
  json(): unknown;
}

/** How a response is to be read: as which {@link DnsFailure}, with what reason. */
export interface ApiVerdict {
  readonly failure: DnsFailure;
  /** The reason, completing "Unable to <action> at <label>, …" (lower-case start, no final period). */
  readonly message: string;
  /** What the admin can do; default a remedy per failure kind (see {@link createHttpApi}). */
  readonly remedy?: string;
  /** How long the server wants us to wait before the next try, when the body says so. */
  readonly retryAfterMs?: number;
}

/** Options for {@link createHttpApi}. */
export interface HttpApiOptions {
  /** The provider kind (`cloudflare`), for logs. */
  readonly provider: string;
  /** The human name (`Cloudflare`, `Alibaba Cloud DNS`), for messages: "Unable to <action> at Cloudflare, …". */
  readonly label: string;
  /** `extraCaPem`, `requestTimeoutMs` (default 30 s), `sleep`, `logger`. */
  readonly context: ProviderContext;
  /** Values scrubbed (replaced with `[redacted]`) from anything logged or thrown: tokens, keys, passwords. */
  readonly secrets: ReadonlyArray<string>;
  /** Tries per call for `rate_limited`, `server_error` and `network` failures; default 4. */
  readonly maxAttempts?: number;
  /**
   * Vendor-specific reading of a response (many APIs answer 200 or 400 with an error code in the
   * body). Return undefined to accept the response.
   */
  readonly interpret?: (response: ApiResponse) => ApiVerdict | undefined;
  /**
   * Asked first: `true` accepts the response whatever its status, for answers that mean "done" to
   * the caller though the API calls them errors (Cloudflare's 400 "record already exists").
   */
  readonly accept?: (response: ApiResponse) => boolean;
  /**
   * The remedy of an `auth` failure when the verdict gives none: which credential to check and what
   * permission it needs (e.g. "Check the API token; it needs Zone:Read and DNS:Edit."). Default a
   * generic one naming {@link label}.
   */
  readonly authRemedy?: string;
}

/** A provider's API client; see {@link createHttpApi}. */
export interface HttpApi {
  /**
   * Sends the request `build` returns (called again for every attempt) and resolves with the
   * accepted response. `action` completes "Unable to <action> at <label>, …" (e.g. `add the TXT
   * record _acme-challenge.example.com`). Rejects with a {@link DnsError}, or with `signal`'s reason
   * when aborted.
   */
  request(action: string, build: () => ApiRequest | Promise<ApiRequest>, signal?: AbortSignal): Promise<ApiResponse>;
}

/** Replaces every non-empty secret in `text` (as given and URL-encoded) with {@link REDACTED}. */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string>): string {
  let scrubbed = text;
  // Longest first, so a secret that contains another is replaced whole.
  const forms = [...new Set(secrets.filter((secret) => secret !== '').flatMap((secret) => [secret, encodeURIComponent(secret)]))]
    .sort((a, b) => b.length - a.length);
  for (const form of forms) scrubbed = scrubbed.replaceAll(form, REDACTED);
  return scrubbed;
}

/**
 * The backoff before try `attempt + 1` after try `attempt` (1-based) failed: 1 s, 2 s, 4 s, …,
 * capped at 60 s.
 */
export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
}

/** Epoch seconds are ~1.7e9 today; a delta of that size would be 50 years. */
const EPOCH_SECONDS_THRESHOLD = 1e9;

function secondsHeader(value: string | undefined, now: number): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  const seconds = Number(value);
  // X-RateLimit-Reset is epoch seconds at GitHub and many others; RateLimit-Reset (IETF draft) a delta.
  return seconds >= EPOCH_SECONDS_THRESHOLD ? Math.max(0, seconds * 1000 - now) : seconds * 1000;
}

/**
 * How long the server asks us to wait, from `Retry-After` (delay-seconds or HTTP-date, RFC 9110
 * §10.2.3), else `RateLimit-Reset`, else `X-RateLimit-Reset` (a delta in seconds, or epoch seconds
 * when the number is that large). `undefined` when none is present or readable. Pure.
 */
export function serverWaitMs(headers: Readonly<Record<string, string>>, now: number): number | undefined {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    if (/^\s*\d+\s*$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  return secondsHeader(headers['ratelimit-reset'], now) ?? secondsHeader(headers['x-ratelimit-reset'], now);
}

function excerpt(body: string, secrets: ReadonlyArray<string>): string {
  const flat = scrubSecrets(body, secrets).replace(/\s+/g, ' ').trim();
  return flat.length > BODY_EXCERPT_CHARS ? `${flat.slice(0, BODY_EXCERPT_CHARS)}…` : flat;
}

/**
 * The reading of a response no `interpret` hook claimed: 2xx is accepted (`undefined`); 401/403 →
 * `auth`, 404 → `zone_not_found`, 429 → `rate_limited`, 5xx → `server_error`; any other status
 * (another 4xx, a redirect, which is never followed) → `bad_config`. Pure.
 */
export function defaultVerdict(status: number, quoted: string): ApiVerdict | undefined {
  if (status >= 200 && status < 300) return undefined;
  const answered = `the API answered HTTP ${status}${quoted === '' ? '' : ` (${quoted})`}`;
  if (status === 401 || status === 403) return { failure: 'auth', message: `the credentials were rejected: ${answered}` };
  if (status === 404) return { failure: 'zone_not_found', message: `not found: ${answered}` };
  if (status === 429) return { failure: 'rate_limited', message: `the API limit was reached: ${answered}` };
  if (status >= 500) return { failure: 'server_error', message: answered };
  return { failure: 'bad_config', message: answered };
}

const RETRIED: ReadonlySet<DnsFailure> = new Set<DnsFailure>(['rate_limited', 'server_error', 'network']);

/** A network failure, and whether a retry may help (a refused connection may; a bad certificate won't). */
interface NetworkFailure {
  readonly reason: string;
  readonly retry: boolean;
}

const TLS_CODES = /^(?:CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_TLS_CERT|HOSTNAME_MISMATCH|ERR_SSL)/;

function describeNetworkError(error: unknown, host: string, timeoutMs: number): NetworkFailure {
  if (error instanceof RequestTimeout) return { reason: `${host} did not answer within ${formatDuration(timeoutMs)}`, retry: true };
  const code = (error as { code?: unknown }).code;
  const text = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return { reason: `the connection to ${host} was refused (ECONNREFUSED)`, retry: true };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { reason: `the name of ${host} could not be resolved (${code})`, retry: true };
    case 'ECONNRESET':
    case 'EPIPE':
      return { reason: `the connection to ${host} was closed before the answer arrived (${code})`, retry: true };
    default:
      break;
  }
  if (typeof code === 'string' && TLS_CODES.test(code)) {
    return { reason: `the TLS certificate of ${host} is not trusted (${code})`, retry: false };
  }
  return { reason: `the request to ${host} failed (${text})`, retry: true };
}

/** Our own per-request timeout, told apart from every other socket error. */
class RequestTimeout extends Error {}

/** The network layer: one request, one response, no interpretation. */
function send(request: ApiRequest, url: URL, options: { ca: string[] | undefined; timeoutMs: number; signal: AbortSignal | undefined }): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': `CertDesk/${version}` };
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    if (body !== undefined) headers['content-length'] = String(body.length);
    const requestOptions: RequestOptions & { ca?: string[] } = { method: request.method, headers };
    if (url.protocol === 'https:' && options.ca !== undefined) requestOptions.ca = options.ca;
    const outgoing = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, requestOptions);
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const timer = setTimeout(() => { outgoing.destroy(new RequestTimeout()); }, options.timeoutMs);
    const onAbort = (): void => {
      outgoing.destroy();
      const reason: unknown = options.signal?.reason;
      finish(() => { reject(reason instanceof Error ? reason : new Error(String(reason))); });
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    outgoing.on('error', (error) => { finish(() => { reject(error); }); });
    outgoing.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          outgoing.destroy(new Error(`the answer is larger than ${MAX_BODY_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', (error) => { finish(() => { reject(error); }); });
      response.on('end', () => {
        const responseHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) responseHeaders[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
        }
        finish(() => { resolve({ status: response.statusCode ?? 0, headers: responseHeaders, body: Buffer.concat(chunks).toString('utf8') }); });
      });
    });
    outgoing.end(body);
  });
}

function defaultRemedy(failure: DnsFailure, label: string, host: string, authRemedy: string | undefined): string {
  switch (failure) {
    case 'auth':
    case 'refused':
      return authRemedy ?? `Check the ${label} credentials stored for this provider: that they are current, not revoked, and allowed to read zones and edit DNS records.`;
    case 'zone_not_found':
      return `Check that the domain's zone is hosted at ${label} and that these credentials can see it.`;
    case 'network':
      return `Check this machine's connectivity to ${host}: DNS resolution, proxy and firewall.`;
    case 'rate_limited':
      return `Wait a few minutes before trying again, and avoid running many renewals against one ${label} account at once.`;
    case 'server_error':
      return `${label} reported an error on its side; try again later, and check its status page if it persists.`;
    default:
      return `Check the provider's settings (e.g. its API URL) and add it again with certdesk dns add.`;
  }
}

/**
 * Creates the HTTP(S) JSON client every cloud DNS provider uses.
 *
 * Transport: node:https (node:http for `http:` URLs), trusting the system roots plus
 * `context.extraCaPem`; one request bounded by `context.requestTimeoutMs` (default 30 s); redirects
 * are not followed. `build` is called for every attempt, so signatures get fresh timestamps.
 *
 * Reading: `accept` first (`true` returns the response as is); then `interpret`; when it returns
 * `undefined`, 2xx is accepted and any other status
 * gets {@link defaultVerdict} (401/403 `auth`, 404 `zone_not_found`, 429 `rate_limited`, 5xx
 * `server_error`, else `bad_config`).
 *
 * Retries: `rate_limited`, `server_error` and `network` failures are tried again, up to
 * `maxAttempts` tries in all (default 4), after the wait the server asks for (`retryAfterMs` of the
 * verdict, `Retry-After`, `RateLimit-Reset`, `X-RateLimit-Reset`), else an exponential backoff
 * (1 s, 2 s, 4 s, … capped at 60 s), each logged at warn. A server asking for more than 5 minutes
 * ends the call at once with a `rate_limited` error naming the time to retry at. `auth`,
 * `zone_not_found`, `bad_config` (and an untrusted TLS certificate) are never retried.
 *
 * Errors read "Unable to <action> at <label>, <reason>" with a remedy per failure; every secret in
 * `secrets` is replaced with `[redacted]` in messages, remedies and log fields. Abort rejects with the
 * signal's reason, also during a wait. Safe for concurrent use.
 */
export function createHttpApi(options: HttpApiOptions): HttpApi {
  const { label, context } = options;
  const maxAttempts = Math.max(1, options.maxAttempts ?? HTTP_API_DEFAULT_MAX_ATTEMPTS);
  const timeoutMs = context.requestTimeoutMs ?? HTTP_API_DEFAULT_TIMEOUT_MS;
  const ca = context.extraCaPem === undefined || context.extraCaPem.trim() === '' ? undefined : [...rootCertificates, context.extraCaPem];
  const sleep = context.sleep ?? ((ms: number, signal?: AbortSignal) => sleepFor(ms, undefined, { signal }));
  const scrub = (text: string): string => scrubSecrets(text, options.secrets);

  const fail = (failure: DnsFailure, action: string, reason: string, remedy: string | undefined, host: string, retryAfterMs?: number): DnsError =>
    new DnsError(failure, scrub(`Unable to ${action} at ${label}, ${reason}`), {
      remedy: scrub(remedy ?? defaultRemedy(failure, label, host, options.authRemedy)),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });

  const parseUrl = (raw: string | URL, action: string): URL => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw fail('bad_config', action, `${String(raw)} is not a valid URL`, undefined, String(raw));
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw fail('bad_config', action, `${url.protocol} URLs are not supported (only https: and http:)`, undefined, url.host);
    }
    return url;
  };

  return {
    request: async (action, build, signal) => {
      for (let attempt = 1; ; attempt++) {
        signal?.throwIfAborted();
        const request = await build();
        const url = parseUrl(request.url, action);
        const host = url.host;
        let verdict: ApiVerdict | undefined;
        let waitHint: number | undefined;
        let retryable = true;
        try {
          const raw = await send(request, url, { ca, timeoutMs, signal });
          const response: ApiResponse = {
            ...raw,
            json: () => {
              try {
                return JSON.parse(raw.body) as unknown;
              } catch {
                const type = raw.headers['content-type'] ?? 'no content-type';
                throw fail('server_error', action, `the answer is not JSON (HTTP ${raw.status}, ${type}: ${excerpt(raw.body, options.secrets) || 'empty'})`,
                  `${label} answered something other than its API; check the API URL and any proxy in between.`, host);
              }
            },
          };
          if (options.accept?.(response) === true) return response;
          verdict = options.interpret?.(response) ?? defaultVerdict(raw.status, excerpt(raw.body, options.secrets));
          if (verdict === undefined) return response;
          waitHint = verdict.retryAfterMs ?? (verdict.failure === 'rate_limited' || verdict.failure === 'server_error' ? serverWaitMs(raw.headers, Date.now()) : undefined);
        } catch (error) {
          signal?.throwIfAborted();
          if (error instanceof DnsError) throw error;
          const network = describeNetworkError(error, host, timeoutMs);
          verdict = { failure: 'network', message: network.reason };
          retryable = network.retry;
        }

        if (waitHint !== undefined && waitHint > HTTP_API_MAX_SERVER_WAIT_MS) {
          const at = new Date(Date.now() + waitHint);
          throw fail('rate_limited', action, `${verdict.message}; it asks to wait ${formatDuration(waitHint)}, until ${at.toISOString()}`,
            `Try again after ${at.toISOString()}; avoid running many renewals against one ${label} account at once.`, host, waitHint);
        }
        if (!RETRIED.has(verdict.failure) || !retryable || attempt >= maxAttempts) {
          const tries = RETRIED.has(verdict.failure) && retryable && attempt > 1 ? ` (after ${attempt} tries)` : '';
          const remedy = verdict.remedy ?? (verdict.failure === 'rate_limited' && waitHint !== undefined
            ? `Try again after ${new Date(Date.now() + waitHint).toISOString()}; avoid running many renewals against one ${label} account at once.`
            : undefined);
          throw fail(verdict.failure, action, `${verdict.message}${tries}`, remedy, host, waitHint);
        }
        const waitMs = waitHint ?? backoffMs(attempt);
        context.logger.warn('DNS provider API call retried', {
          provider: options.provider,
          action: scrub(action),
          host,
          attempt,
          maxAttempts,
          failure: verdict.failure,
          reason: scrub(verdict.message),
          waitMs,
        });
        await sleep(waitMs, signal);
      }
    },
  };
}
