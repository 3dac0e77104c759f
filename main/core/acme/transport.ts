import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import acme from 'acme-client';
import { version } from '../version.ts';
import { parseRetryAfter } from './problems.ts';

/** What acme-client's HttpClient expects back from `request()` (the subset of an axios response it reads). */
export interface AcmeResponse {
  readonly status: number;
  /** Lower-cased header names; repeated headers joined with `, ` (`link` as acme-client expects). */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON for JSON content types, else the body as text (a PEM chain for certificate downloads). */
  readonly data: unknown;
}

/** One HTTP exchange, as the order log records it (no bodies, no JWS: nothing secret). */
export interface AcmeExchange {
  readonly method: string;
  readonly url: string;
  readonly status?: number;
  /** The problem `type` of an error response, when it had one. */
  readonly problemType?: string;
  readonly retryAfter?: string;
  readonly durationMs: number;
  /** A transport failure (`ECONNRESET`, `timeout`, …) instead of a response. */
  readonly error?: string;
}

/** A request that never got an HTTP response (reset, refused, timed out, TLS failure). */
export class AcmeTransportError extends Error {
  override readonly name = 'AcmeTransportError';
  /** Node's error code (`ECONNRESET`, `ECONNREFUSED`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, …) or `timeout`. */
  readonly code: string;
  readonly method: string;
  readonly url: string;

  constructor(method: string, url: string, code: string, cause: unknown) {
    super(`Unable to reach the CA, ${method.toUpperCase()} ${url} failed: ${code}`, { cause });
    this.code = code;
    this.method = method;
    this.url = url;
  }
}

/**
 * An error response from the CA (HTTP status >= 400), with what is needed to classify it: the
 * status, the body (a problem document, RFC 8555 §6.7, when the CA sent one; untrusted, unparsed)
 * and the `Retry-After` header. `badNonce` is not raised as this: acme-client retries it itself.
 */
export class AcmeHttpError extends Error {
  override readonly name = 'AcmeHttpError';
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(method: string, url: string, response: AcmeResponse) {
    const detail = problemDetail(response.data);
    super(`The CA answered ${method.toUpperCase()} ${url} with HTTP ${response.status}${detail === undefined ? '' : `: ${detail}`}`);
    this.method = method;
    this.url = url;
    this.status = response.status;
    this.body = response.data;
    this.headers = response.headers;
  }
}

/** How the transport behaves; every field has a default suited to public CAs. */
export interface TransportOptions {
  /** PEM of extra CAs to trust besides the system ones (a private CA, Pebble in tests). */
  readonly extraCaPem?: string;
  /** Per-request timeout. Default 30 s: Let's Encrypt answers in well under a second; a stall is a fault. */
  readonly timeoutMs?: number;
  /**
   * Attempts for idempotent requests (GET, HEAD) on connection errors and 5xx. Default 4.
   * Signed POSTs are never replayed here: the order runner decides (re-read, never re-finalize).
   */
  readonly idempotentAttempts?: number;
  /** First backoff delay for idempotent retries, doubled each time. Default 1 s. */
  readonly retryBaseMs?: number;
  /** Called for every exchange, for the order log. */
  readonly onExchange?: (exchange: AcmeExchange) => void;
  /** Sleeps; injectable so tests need not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * badNonce retries per signed request (acme-client's default is 5). Each retry uses the nonce the
 * rejection carried, so it costs one request; a CA rejecting nonces at random cannot fail a run.
 */
const maxBadNonceRetries = 10;

/**
 * How long a signed request waits for a nonce from requests in flight before fetching its own:
 * longer than a loopback or LAN round trip, far shorter than a CA's slow finalize.
 */
const nonceWaitMs = 250;

/** The longest Retry-After the transport waits out itself before retrying a GET/HEAD. */
const maxIdempotentWaitMs = 60_000;

const badNonceType = 'urn:ietf:params:acme:error:badNonce';

/** Caps the nonce pool: servers expire nonces, so hoarding more than a few only wastes them. */
const maxPooledNonces = 8;

/** Response bodies above this size are refused: a certificate chain is a few KiB, a directory less. */
const maxBodyBytes = 1024 * 1024;

/** The error code of a response refused for its size. */
const tooLarge = 'response_too_large';

/**
 * The HTTP layer under acme-client, owned by CertDesk: it replaces the library's module-wide axios
 * instance (which replays any request, POSTs included, on 5xx and 429) for one client.
 *
 * - Idempotent requests (GET, HEAD) are retried on connection errors and 5xx with exponential
 *   backoff, honouring `Retry-After`; signed POSTs never are (DESIGN.md rule 2).
 * - Every `Replay-Nonce` the server sends is pooled and handed out for the next signed request, so a
 *   run fetches a fresh nonce (HEAD newNonce) only when the pool is empty (RFC 8555 §7.2).
 * - Each client may trust an extra CA; nothing is set process-wide.
 * - Every exchange is reported to `onExchange` (method, URL, status, problem type, Retry-After).
 * - The last `Retry-After` per URL is kept for the runner's polling (`retryAfterFor`).
 *
 * Safe for concurrent use by one client's parallel requests.
 */
export class AcmeTransport {
  readonly #options: Required<Omit<TransportOptions, 'extraCaPem' | 'onExchange'>> & { onExchange: TransportOptions['onExchange'] | undefined };
  readonly #agent: https.Agent;
  readonly #nonces: string[] = [];
  readonly #retryAfter = new Map<string, string>();
  #nonceRequests = 0;
  #requests = 0;
  #inFlight = 0;
  #fetchingNonce = false;
  readonly #nonceWaiters: Array<() => void> = [];

  constructor(options: TransportOptions = {}) {
    this.#options = {
      timeoutMs: options.timeoutMs ?? 30_000,
      idempotentAttempts: options.idempotentAttempts ?? 4,
      retryBaseMs: options.retryBaseMs ?? 1000,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      onExchange: options.onExchange,
    };
    // One secure context built once: passing `ca` instead makes the agent rebuild a key from every
    // root certificate on each request.
    this.#agent = new https.Agent({
      keepAlive: true,
      ...(options.extraCaPem === undefined ? {} : { secureContext: tls.createSecureContext({ ca: [...tls.rootCertificates, options.extraCaPem] }) }),
    });
  }

  /** How many HTTP requests went out, and how many of them were for a fresh nonce. */
  get stats(): { requests: number; nonceRequests: number } {
    return { requests: this.#requests, nonceRequests: this.#nonceRequests };
  }

  /** The `Retry-After` header of the last response from `url`, if it had one. */
  retryAfterFor(url: string): string | undefined {
    return this.#retryAfter.get(url);
  }

  /**
   * A nonce for the next signed request: a pooled one, else a fresh one from `newNonce`
   * (RFC 8555 §7.2). `newNonceUrl` is only resolved when the pool is empty.
   */
  async nonce(newNonceUrl: () => Promise<string>): Promise<string> {
    const deadline = Date.now() + nonceWaitMs;
    for (;;) {
      const pooled = this.#nonces.pop();
      if (pooled !== undefined) return pooled;
      // Requests in flight (a nonce fetch among them) each bring a nonce back: wait briefly for one
      // instead of asking for another, so parallel orders share the pool. Briefly, because a slow
      // request (a finalize the CA takes seconds over) must not hold up everyone else: after a
      // total wait of `nonceWaitMs` the caller fetches its own.
      const remaining = deadline - Date.now();
      if (remaining > 0 && (this.#inFlight > 0 || this.#fetchingNonce)) {
        await new Promise<void>((resolve) => {
          const wake = (): void => {
            clearTimeout(timer);
            const index = this.#nonceWaiters.indexOf(wake);
            if (index !== -1) this.#nonceWaiters.splice(index, 1);
            resolve();
          };
          const timer = setTimeout(wake, remaining);
          this.#nonceWaiters.push(wake);
        });
        continue;
      }
      this.#fetchingNonce = true;
      let response: AcmeResponse;
      try {
        this.#nonceRequests += 1;
        response = await this.request(await newNonceUrl(), 'head');
      } finally {
        this.#fetchingNonce = false;
        // A waiter re-checks: it takes a pooled nonce, waits on requests in flight, or (when this
        // fetch failed before any request settled) fetches its own, so nobody waits forever.
        this.#nonceWaiters.shift()?.();
      }
      const fresh = response.headers['replay-nonce'];
      if (fresh === undefined) {
        throw new AcmeTransportError('head', 'newNonce', `no Replay-Nonce (HTTP ${response.status})`, undefined);
      }
      // request() pooled it; take it back out, unless a waiter woken meanwhile already did.
      const index = this.#nonces.lastIndexOf(fresh);
      if (index !== -1) {
        this.#nonces.splice(index, 1);
        return fresh;
      }
    }
  }

  /** acme-client's `HttpClient.request(url, method, opts)`, implemented with node:https. */
  async request(url: string, method: string, opts: { data?: unknown; headers?: Record<string, string> } = {}): Promise<AcmeResponse> {
    const verb = method.toLowerCase();
    const idempotent = verb === 'get' || verb === 'head';
    const attempts = idempotent ? this.#options.idempotentAttempts : 1;
    for (let attempt = 1; ; attempt += 1) {
      let response: AcmeResponse;
      try {
        response = await this.#send(url, verb, opts);
      } catch (error) {
        // Trust failures and oversized answers would fail the same way again.
        if (attempt >= attempts || !(error instanceof AcmeTransportError) || isTrustError(error.code) || error.code === tooLarge) throw error;
        await this.#options.sleep(this.#backoff(attempt, undefined));
        continue;
      }
      if (response.status >= 500 && attempt < attempts) {
        await this.#options.sleep(this.#backoff(attempt, response.headers['retry-after']));
        continue;
      }
      if (response.status >= 400 && problemTypeOf(response.data).problemType !== badNonceType) {
        throw new AcmeHttpError(verb, url, response);
      }
      return response;
    }
  }

  /** Releases pooled connections. */
  close(): void {
    this.#agent.destroy();
  }

  #backoff(attempt: number, retryAfter: string | undefined): number {
    const now = new Date();
    const until = parseRetryAfter(retryAfter, now);
    const ms = until === undefined ? undefined : until.getTime() - now.getTime();
    // Honour a short Retry-After (seconds or HTTP-date) on idempotent requests; a long one is the runner's business.
    if (ms !== undefined && ms <= maxIdempotentWaitMs) return ms;
    return this.#options.retryBaseMs * 2 ** (attempt - 1);
  }

  #send(url: string, method: string, opts: { data?: unknown; headers?: Record<string, string> }): Promise<AcmeResponse> {
    const started = Date.now();
    const target = new URL(url);
    const body = opts.data === undefined ? undefined : Buffer.from(JSON.stringify(opts.data));
    const headers: Record<string, string> = {
      'User-Agent': `CertDesk/${version} acme-client/${acmeClientVersion}`,
      Accept: 'application/json, application/pem-certificate-chain;q=0.9, */*;q=0.5',
      ...(body === undefined ? {} : { 'Content-Type': 'application/jose+json', 'Content-Length': String(body.length) }),
    };
    this.#requests += 1;
    this.#inFlight += 1;
    const report = (exchange: Omit<AcmeExchange, 'method' | 'url' | 'durationMs'>): void => {
      this.#options.onExchange?.({ method: method.toUpperCase(), url, durationMs: Date.now() - started, ...exchange });
    };

    return new Promise<AcmeResponse>((resolve, reject) => {
      let settled = false;
      const fail = (code: string, cause: unknown): void => {
        if (settled) return;
        settled = true;
        this.#settled();
        report({ error: code });
        reject(new AcmeTransportError(method, url, code, cause));
      };
      const module = target.protocol === 'http:' ? http : https;
      const request = module.request(
        target,
        {
          method: method.toUpperCase(),
          headers,
          timeout: this.#options.timeoutMs,
          ...(target.protocol === 'https:' ? { agent: this.#agent } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          let failed = false;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBodyBytes && !failed) {
              failed = true;
              fail(tooLarge, undefined);
              request.destroy();
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', (error) => {
            if (failed) return;
            failed = true;
            fail(errorCode(error), error);
          });
          res.on('end', () => {
            // A response cut off for its size was already reported and rejected.
            if (failed) return;
            const responseHeaders = flattenHeaders(res.headers);
            const text = Buffer.concat(chunks).toString('utf8');
            const data = parseBody(text, responseHeaders['content-type']);
            const nonce = responseHeaders['replay-nonce'];
            const problem = problemTypeOf(data);
            // acme-client answers badNonce by re-signing with that response's nonce itself (§6.5);
            // pooling it too would spend it twice.
            const badNonce = problem.problemType === badNonceType;
            if (nonce !== undefined && !badNonce && /^[A-Za-z0-9_-]+$/.test(nonce)) this.#poolNonce(nonce);
            const retryAfter = responseHeaders['retry-after'];
            if (retryAfter === undefined) this.#retryAfter.delete(url);
            else this.#retryAfter.set(url, retryAfter);
            const status = res.statusCode ?? 0;
            report({
              status,
              ...(retryAfter === undefined ? {} : { retryAfter }),
              ...(status >= 400 ? problem : {}),
            });
            settled = true;
            this.#settled();
            resolve({ status, headers: responseHeaders, data });
          });
        },
      );
      request.on('timeout', () => {
        request.destroy(Object.assign(new Error('timeout'), { code: 'timeout' }));
      });
      request.on('error', (error) => {
        if (settled) return;
        fail(errorCode(error), error);
      });
      request.end(body);
    });
  }

  #poolNonce(nonce: string): void {
    this.#nonces.push(nonce);
    if (this.#nonces.length > maxPooledNonces) this.#nonces.shift();
  }

  /** Wakes one nonce waiter per settled request (it finds a pooled nonce, or fetches its own). */
  #settled(): void {
    this.#inFlight -= 1;
    this.#nonceWaiters.shift()?.();
  }
}

/** The acme-client version, for the User-Agent RFC 8555 §6.1 asks clients to send. */
const acmeClientVersion = '5';

/**
 * Builds an acme-client `Client` whose HTTP goes through `transport` instead of the library's
 * module-wide axios instance. Throws if acme-client's internals no longer look as expected, rather
 * than silently falling back to blind replays.
 */
export function createAcmeClient(options: acme.ClientOptions, transport: AcmeTransport): acme.Client {
  const client = new acme.Client(options);
  const internals = client as unknown as { http?: Record<string, unknown> };
  const httpClient = internals.http;
  if (
    httpClient === undefined ||
    typeof httpClient.request !== 'function' ||
    typeof httpClient.getNonce !== 'function' ||
    typeof httpClient.getResourceUrl !== 'function' ||
    typeof httpClient.signedRequest !== 'function' ||
    typeof httpClient.getDirectory !== 'function'
  ) {
    throw new Error('Unable to set up the ACME client, acme-client internals changed (HttpClient.request/getNonce not found)');
  }
  const getResourceUrl = (httpClient.getResourceUrl as (resource: string) => Promise<string>).bind(httpClient);
  httpClient.request = (url: string, method: string, opts?: { data?: unknown; headers?: Record<string, string> }) =>
    transport.request(url, method, opts);
  httpClient.getNonce = () => transport.nonce(() => getResourceUrl('newNonce'));
  // When acme-client's badNonce retries run out it returns the error response and the caller
  // throws the bare detail; raise it as the classified error it is instead.
  const signedRequest = (httpClient.signedRequest as (url: string, ...rest: unknown[]) => Promise<AcmeResponse>).bind(httpClient);
  httpClient.signedRequest = async (url: string, ...rest: unknown[]) => {
    const response = await signedRequest(url, ...rest);
    if (response.status >= 400 && problemTypeOf(response.data).problemType === badNonceType) throw new AcmeHttpError('post', url, response);
    return response;
  };
  httpClient.maxBadNonceRetries = maxBadNonceRetries;
  // Parallel orders on a fresh client would each fetch the directory; share the one in flight.
  const getDirectory = (httpClient.getDirectory as () => Promise<unknown>).bind(httpClient);
  let directory: Promise<unknown> | undefined;
  httpClient.getDirectory = () => {
    directory ??= getDirectory().finally(() => {
      directory = undefined;
    });
    return directory;
  };
  return client;
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType !== undefined && /json/i.test(contentType)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function problemTypeOf(data: unknown): { problemType?: string } {
  if (typeof data === 'object' && data !== null && 'type' in data && typeof data.type === 'string') {
    return { problemType: data.type.slice(0, 200) };
  }
  return {};
}

function problemDetail(data: unknown): string | undefined {
  if (typeof data === 'object' && data !== null && 'detail' in data && typeof data.detail === 'string') {
    return data.detail.replace(/\s+/g, ' ').slice(0, 500);
  }
  return undefined;
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.message : 'unknown';
}

/** TLS trust failures are configuration problems: retrying cannot help. */
function isTrustError(code: string): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS/.test(code);
}
