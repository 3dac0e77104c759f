import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, createServer, request as httpsRequest, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { LOOPBACK, withPortRetry } from './ports.ts';
import type { TestCa } from './test-ca.ts';

/**
 * An HTTPS reverse proxy in front of an ACME server (Pebble) that records every request and injects
 * scripted faults: the lost finalize response, the dropped connection, 429 with `Retry-After`, 5xx,
 * slow answers, and responses held back while a test kills the client (DESIGN.md "Tests").
 *
 * How the client is kept on the proxy: the `Host` header is forwarded unchanged, so Pebble (which
 * builds every URL it hands out, and checks every JWS `url`, from the request's `Host`) already
 * speaks in the proxy's URLs; on top of that, any absolute upstream URL in a body or a
 * `Location`/`Link` header is rewritten to the proxy's, so a server that used its own address would
 * not lead the client around the proxy either. An account must therefore be registered through the
 * proxy: Pebble ties the account URL (the JWS `kid`) to the host it was registered on.
 */

/** Which requests a fault applies to. */
export interface RequestMatcher {
  /** HTTP method, case-insensitive (`POST`, `GET`, `HEAD`); any method when omitted. */
  readonly method?: string;
  /** Tested against the request path without the query string, e.g. `/^\/finalize-order\//`. */
  readonly path: RegExp;
  /**
   * Which matching requests, 1-based and counted from when the fault was added: one occurrence, a
   * list of them, or `'every'`. Default `1`: only the first matching request.
   */
  readonly nth?: number | ReadonlyArray<number> | 'every';
}

/** An ACME problem document (RFC 8555 §6.7) for an injected error response. */
export interface ProblemDocument {
  /** The full type URN, e.g. `urn:ietf:params:acme:error:rateLimited`. */
  readonly type: string;
  readonly detail: string;
}

/** What happens to a matching request. */
export type Fault =
  /** Forwarded; once the upstream has answered, the client's connection is destroyed unanswered. */
  | { readonly kind: 'dropResponse' }
  /** The client's connection is destroyed without forwarding: the upstream never sees the request. */
  | { readonly kind: 'dropBeforeForward' }
  /**
   * Answered by the proxy with `status`, `headers` and either `problem` (as
   * `application/problem+json`) or `body` (as `text/plain`). Not forwarded unless `afterForward`,
   * in which case the upstream processes the request first and its answer is replaced.
   */
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly problem?: ProblemDocument;
      readonly body?: string;
      readonly afterForward?: boolean;
    }
  /**
   * Waits `ms` before forwarding. If the client disconnects meanwhile, the request is not forwarded
   * (it never left the client's network, as far as the upstream can tell).
   */
  | { readonly kind: 'delay'; readonly ms: number }
  /**
   * Forwarded; the upstream's answer is kept until {@link FaultHandle.release} (or
   * {@link AcmeFaultProxy.stop}), then sent if the client is still connected.
   */
  | { readonly kind: 'hold' };

/** What the proxy saw of one request and did with it. */
export interface RecordedRequest {
  /** 1-based arrival order. */
  readonly seq: number;
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** The fault applied, if any. */
  readonly fault?: Fault['kind'];
  /** Whether the upstream received the request (and answered it). */
  readonly reachedUpstream: boolean;
  /** The upstream's status, when it answered. */
  readonly upstreamStatus?: number;
  /** The status the client received; `undefined` when its connection was dropped or it went away. */
  readonly clientStatus?: number;
}

/** A fault added with {@link AcmeFaultProxy.inject}. */
export interface FaultHandle {
  /** How many requests it has been applied to so far. */
  readonly hits: number;
  /**
   * Resolves with the request once the fault has been applied to its `n`-th request (default 1)
   * and has taken effect at the upstream: for `hold`, `dropResponse` and `status` with
   * `afterForward`, once the upstream answered; for the others, once the request arrived.
   */
  fired(n?: number): Promise<RecordedRequest>;
  /** `hold` only: sends every held answer (to clients still connected) and holds no more. */
  release(): void;
  /** Stops applying the fault to further requests (held answers stay held until released). */
  remove(): void;
}

/** Filters for {@link AcmeFaultProxy.count}. */
export interface CountFilter {
  readonly method?: string;
  readonly path: RegExp;
  /** Only requests the upstream received (`true`) or did not (`false`); default: all. */
  readonly reachedUpstream?: boolean;
}

/** A running proxy from {@link startAcmeFaultProxy}. */
export interface AcmeFaultProxy {
  /** `https://127.0.0.1:<port>`, the proxy's origin. */
  readonly origin: string;
  /** The upstream's directory URL, moved onto the proxy (`<origin>/dir` for Pebble). */
  readonly directoryUrl: string;
  readonly port: number;
  /** Adds a fault; faults are tried in the order added, the first one due for a request wins. */
  inject(matcher: RequestMatcher, fault: Fault): FaultHandle;
  /** Every request so far, oldest first (snapshots). */
  requests(): ReadonlyArray<RecordedRequest>;
  /** How many recorded requests match `filter`. */
  count(filter: CountFilter): number;
  /** Resolves with the first request, past or future, matching `filter`. */
  waitForRequest(filter: CountFilter): Promise<RecordedRequest>;
  /** Forgets the recorded requests and removes every fault, releasing held answers. */
  reset(): void;
  /** Closes the listener and every connection, releases held answers; safe to call twice. */
  stop(): Promise<void>;
}

/** Options for {@link startAcmeFaultProxy}. */
export interface AcmeFaultProxyOptions {
  /** Any URL of the upstream ACME server (e.g. `pebble.directoryUrl`); only its origin is used. */
  readonly upstream: string;
  /**
   * The test CA whose leaf the upstream serves (`startPebble({ ca })`): the proxy serves the same
   * leaf (it names 127.0.0.1), so a client trusting that CA trusts the proxy too, and trusts the
   * upstream with it.
   */
  readonly ca: TestCa;
}

/**
 * Headers that belong to one connection (RFC 9110 §7.6.1) and are not forwarded; `content-length`
 * is recomputed because bodies may be rewritten.
 */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'content-length']);

/** Bodies the rewriting looks into; anything else (none in ACME) passes through byte for byte. */
const textualContent = /json|text|pem/i;

/** Bound on the upstream's answer to one forwarded request; loopback Pebble answers in ms. */
const UPSTREAM_TIMEOUT_MS = 30_000;

interface Entry {
  readonly matcher: RequestMatcher;
  readonly fault: Fault;
  seen: number;
  hits: number;
  removed: boolean;
  released: boolean;
  readonly held: Array<() => void>;
  readonly fired: RecordedRequest[];
  readonly waiters: Array<{ n: number; resolve: (request: RecordedRequest) => void }>;
}

interface MutableRecord {
  seq: number;
  method: string;
  path: string;
  fault?: Fault['kind'];
  reachedUpstream: boolean;
  upstreamStatus?: number;
  clientStatus?: number;
}

interface UpstreamAnswer {
  readonly status: number;
  readonly rawHeaders: ReadonlyArray<string>;
  readonly body: Buffer;
}

function methodMatches(expected: string | undefined, actual: string): boolean {
  return expected === undefined || expected.toUpperCase() === actual.toUpperCase();
}

function due(matcher: RequestMatcher, occurrence: number): boolean {
  const nth = matcher.nth ?? 1;
  if (nth === 'every') return true;
  return typeof nth === 'number' ? nth === occurrence : nth.includes(occurrence);
}

function snapshot(record: MutableRecord): RecordedRequest {
  return { ...record };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });
}

/** Resolves `true` after `ms`, or `false` as soon as `socket` closes. */
function waitUnlessClosed(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      socket.off('close', onClose);
      resolve(true);
    }, ms);
    socket.once('close', onClose);
  });
}

/**
 * Starts the proxy on a free 127.0.0.1 port, serving `options.ca`'s leaf and forwarding to
 * `options.upstream` over HTTPS (trusting only that CA). Every request is recorded; faults are
 * added with {@link AcmeFaultProxy.inject}. Always call {@link AcmeFaultProxy.stop}. Rejects if no
 * port can be bound after a few tries.
 */
export async function startAcmeFaultProxy(options: AcmeFaultProxyOptions): Promise<AcmeFaultProxy> {
  const upstream = new URL(options.upstream);
  const upstreamOrigin = upstream.origin;
  const agent = new HttpsAgent({ ca: options.ca.caCertPem, keepAlive: true });
  const records: MutableRecord[] = [];
  const requestWaiters: Array<{ filter: CountFilter; resolve: (request: RecordedRequest) => void }> = [];
  let entries: Entry[] = [];
  let origin = '';

  const matchesFilter = (record: MutableRecord, filter: CountFilter): boolean =>
    methodMatches(filter.method, record.method) &&
    filter.path.test(record.path) &&
    (filter.reachedUpstream === undefined || filter.reachedUpstream === record.reachedUpstream);

  const rewrite = (text: string): string => (origin === '' ? text : text.split(upstreamOrigin).join(origin));

  const pickFault = (method: string, path: string): Entry | undefined => {
    let chosen: Entry | undefined;
    for (const entry of entries) {
      if (entry.removed || !methodMatches(entry.matcher.method, method) || !entry.matcher.path.test(path)) continue;
      entry.seen += 1;
      if (chosen === undefined && due(entry.matcher, entry.seen)) chosen = entry;
    }
    if (chosen !== undefined) chosen.hits += 1;
    return chosen;
  };

  const markFired = (entry: Entry, record: MutableRecord): void => {
    const fired = snapshot(record);
    entry.fired.push(fired);
    for (const waiter of entry.waiters.filter((w) => w.n === entry.fired.length)) waiter.resolve(fired);
  };

  const forward = (request: IncomingMessage, body: Buffer): Promise<UpstreamAnswer> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value === undefined || hopByHop.has(name)) continue;
        headers[name] = value;
      }
      if (body.length > 0) headers['content-length'] = String(body.length);
      const outgoing = httpsRequest(
        {
          protocol: 'https:',
          hostname: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.url,
          headers,
          agent,
          timeout: UPSTREAM_TIMEOUT_MS,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            resolve({ status: response.statusCode ?? 502, rawHeaders: response.rawHeaders, body: Buffer.concat(chunks) });
          });
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`upstream timed out after ${UPSTREAM_TIMEOUT_MS} ms`)));
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const send = (response: ServerResponse, record: MutableRecord, status: number, headers: Array<[string, string]>, body: Buffer): void => {
    if (response.destroyed || response.socket === null || response.socket.destroyed) return;
    record.clientStatus = status;
    const flat: Array<[string, string]> = [...headers, ['content-length', String(body.length)]];
    response.writeHead(status, flat.flat());
    response.end(body);
  };

  const relay = (response: ServerResponse, record: MutableRecord, answer: UpstreamAnswer): void => {
    const headers: Array<[string, string]> = [];
    let contentType = '';
    for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
      const name = answer.rawHeaders[i] ?? '';
      const value = answer.rawHeaders[i + 1] ?? '';
      const lower = name.toLowerCase();
      if (hopByHop.has(lower)) continue;
      if (lower === 'content-type') contentType = value;
      headers.push([name, lower === 'location' || lower === 'link' ? rewrite(value) : value]);
    }
    const body = textualContent.test(contentType) ? Buffer.from(rewrite(answer.body.toString('utf8'))) : answer.body;
    send(response, record, answer.status, headers, body);
  };

  const inject = (response: ServerResponse, record: MutableRecord, fault: Extract<Fault, { kind: 'status' }>): void => {
    const headers: Array<[string, string]> = Object.entries(fault.headers ?? {});
    let body = Buffer.alloc(0);
    if (fault.problem !== undefined) {
      headers.push(['content-type', 'application/problem+json']);
      body = Buffer.from(JSON.stringify({ ...fault.problem, status: fault.status }));
    } else if (fault.body !== undefined) {
      headers.push(['content-type', 'text/plain']);
      body = Buffer.from(fault.body);
    }
    send(response, record, fault.status, headers, body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = request.method ?? 'GET';
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const record: MutableRecord = { seq: records.length + 1, method, path, reachedUpstream: false };
    records.push(record);
    for (const waiter of requestWaiters.filter((w) => matchesFilter(record, w.filter))) {
      requestWaiters.splice(requestWaiters.indexOf(waiter), 1);
      waiter.resolve(snapshot(record));
    }
    const socket = request.socket;
    const body = await readBody(request);
    const entry = pickFault(method, path);
    const fault = entry?.fault;
    if (entry !== undefined && fault !== undefined) record.fault = fault.kind;

    if (fault?.kind === 'dropBeforeForward') {
      socket.destroy();
      if (entry !== undefined) markFired(entry, record);
      return;
    }
    if (fault?.kind === 'status' && fault.afterForward !== true) {
      inject(response, record, fault);
      if (entry !== undefined) markFired(entry, record);
      return;
    }
    if (fault?.kind === 'delay') {
      if (entry !== undefined) markFired(entry, record);
      if (!(await waitUnlessClosed(socket, fault.ms))) return;
    }

    let answer: UpstreamAnswer;
    try {
      answer = await forward(request, body);
    } catch (error) {
      send(response, record, 502, [['content-type', 'text/plain']], Buffer.from(`acme-fault-proxy: upstream failed: ${String(error)}`));
      return;
    }
    record.reachedUpstream = true;
    record.upstreamStatus = answer.status;

    switch (fault?.kind) {
      case 'dropResponse':
        socket.destroy();
        if (entry !== undefined) markFired(entry, record);
        return;
      case 'status':
        inject(response, record, fault);
        if (entry !== undefined) markFired(entry, record);
        return;
      case 'hold':
        if (entry !== undefined && !entry.released) {
          const released = new Promise<void>((resolve) => {
            entry.held.push(resolve);
          });
          markFired(entry, record);
          await released;
        } else if (entry !== undefined) {
          markFired(entry, record);
        }
        relay(response, record, answer);
        return;
      default:
        relay(response, record, answer);
    }
  };

  const server: Server = createServer({ cert: options.ca.leafCertPem, key: options.ca.leafKeyPem }, (request, response) => {
    response.on('error', () => undefined);
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent && !response.destroyed) {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`acme-fault-proxy: ${String(error)}`);
      }
    });
  });
  // A client killed mid-handshake or mid-request is part of the tests, not an error.
  server.on('tlsClientError', () => undefined);
  server.on('clientError', (_error, socket) => socket.destroy());

  const port = await withPortRetry(
    () =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: LOOPBACK, port: 0 }, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
  );
  origin = `https://${LOOPBACK}:${port}`;

  const releaseAll = (): void => {
    for (const entry of entries) {
      entry.released = true;
      for (const release of entry.held.splice(0)) release();
    }
  };

  let stopped: Promise<void> | undefined;
  return {
    origin,
    port,
    directoryUrl: `${origin}${upstream.pathname}`,
    inject(matcher, fault) {
      const entry: Entry = { matcher, fault, seen: 0, hits: 0, removed: false, released: false, held: [], fired: [], waiters: [] };
      entries.push(entry);
      return {
        get hits() {
          return entry.hits;
        },
        fired(n = 1) {
          const already = entry.fired[n - 1];
          if (already !== undefined) return Promise.resolve(already);
          return new Promise((resolve) => {
            entry.waiters.push({ n, resolve });
          });
        },
        release() {
          entry.released = true;
          for (const release of entry.held.splice(0)) release();
        },
        remove() {
          entry.removed = true;
        },
      };
    },
    requests: () => records.map(snapshot),
    count: (filter) => records.filter((record) => matchesFilter(record, filter)).length,
    waitForRequest(filter) {
      const found = records.find((record) => matchesFilter(record, filter));
      if (found !== undefined) return Promise.resolve(snapshot(found));
      return new Promise((resolve) => {
        requestWaiters.push({ filter, resolve });
      });
    },
    reset() {
      releaseAll();
      entries = [];
      records.length = 0;
    },
    stop() {
      stopped ??= (async () => {
        releaseAll();
        await new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
          server.closeAllConnections();
        });
        agent.destroy();
      })();
      return stopped;
    },
  };
}

/** `429 rateLimited` with `Retry-After: seconds` (RFC 8555 §6.6), as Let's Encrypt sends it. */
export function rateLimited(retryAfterSeconds: number): Fault {
  return {
    kind: 'status',
    status: 429,
    headers: { 'Retry-After': String(retryAfterSeconds) },
    problem: { type: 'urn:ietf:params:acme:error:rateLimited', detail: 'acme-fault-proxy: too many new orders recently' },
  };
}

/**
 * `503 Service Unavailable`: with a `serverInternal` problem document and `Retry-After: 1` when
 * `problem` is true (a CA's own maintenance answer), else a bare text body (a load balancer's).
 */
export function serviceUnavailable(options: { readonly problem: boolean }): Fault {
  return options.problem
    ? {
        kind: 'status',
        status: 503,
        headers: { 'Retry-After': '1' },
        problem: { type: 'urn:ietf:params:acme:error:serverInternal', detail: 'acme-fault-proxy: service unavailable' },
      }
    : { kind: 'status', status: 503, body: 'Service Unavailable' };
}

/** One HTTP-01 validation request that went through an {@link Http01Relay}. */
export interface RelayedRequest {
  readonly path: string;
  /** The target's status, or 502 when nothing answered on the target port. */
  readonly status: number;
  readonly userAgent: string | undefined;
}

/** A running relay from {@link startHttp01Relay}. */
export interface Http01Relay {
  /** The port it listens on (the port the CA validates on). */
  readonly port: number;
  /** Every request relayed so far, oldest first. */
  requests(): ReadonlyArray<RelayedRequest>;
  /** Resolves once `count` requests, past or future, were answered with `status` (default 200). */
  waitForAnswers(count: number, status?: number): Promise<void>;
  /** Resolves once `count` requests have arrived, answered or not (e.g. waiting while paused). */
  waitForArrivals(count: number): Promise<void>;
  /** Keeps every request from now on waiting, unrelayed, until {@link resume}. */
  pause(): void;
  /** Relays the waiting requests and stops pausing. */
  resume(): void;
  /** Forgets the requests relayed so far and resumes. */
  reset(): void;
  /** Closes the listener and its connections; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * A plain-HTTP relay from `listenPort` (the port Pebble validates HTTP-01 on) to `targetPort` on
 * 127.0.0.1 (where the client under test serves its proofs), recording each validation request and
 * the answer. It lets a test wait until the CA has fetched a proof before killing the client, which
 * otherwise races the CA's validation. Rejects if `listenPort` cannot be bound.
 */
export async function startHttp01Relay(listenPort: number, targetPort: number): Promise<Http01Relay> {
  const relayed: RelayedRequest[] = [];
  const waiters: Array<{ done: () => boolean; resolve: () => void }> = [];
  let arrivals = 0;
  let gate: { readonly opened: Promise<void>; readonly open: () => void } | undefined;
  const answered = (status: number): number => relayed.filter((request) => request.status === status).length;
  const notify = (): void => {
    for (const waiter of waiters.filter((w) => w.done())) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  const waitFor = (done: () => boolean): Promise<void> => {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      waiters.push({ done, resolve });
    });
  };
  const record = (request: RelayedRequest): void => {
    relayed.push(request);
    notify();
  };
  const open = (): void => {
    gate?.open();
    gate = undefined;
  };
  const server = createHttpServer((request, response) => {
    const path = request.url ?? '/';
    const userAgent = request.headers['user-agent'];
    arrivals += 1;
    notify();
    void (gate?.opened ?? Promise.resolve()).then(() => {
      relayOne(request, response, path, userAgent);
    });
  });
  const relayOne = (request: IncomingMessage, response: ServerResponse, path: string, userAgent: string | undefined): void => {
    const outgoing = httpRequest({ host: LOOPBACK, port: targetPort, method: request.method, path, headers: request.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const status = answer.statusCode ?? 502;
        response.writeHead(status, answer.headers);
        response.end(Buffer.concat(chunks));
        record({ path, status, userAgent });
      });
    });
    outgoing.on('error', () => {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end('http-01 relay: nothing answered on the target port');
      record({ path, status: 502, userAgent });
    });
    request.pipe(outgoing);
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port: listenPort }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let stopped: Promise<void> | undefined;
  return {
    port: listenPort,
    requests: () => [...relayed],
    waitForAnswers: (count, status = 200) => waitFor(() => answered(status) >= count),
    waitForArrivals: (count) => waitFor(() => arrivals >= count),
    pause() {
      if (gate !== undefined) return;
      let release = (): void => undefined;
      const opened = new Promise<void>((resolve) => {
        release = resolve;
      });
      gate = { opened, open: release };
    },
    resume: open,
    reset() {
      open();
      relayed.length = 0;
      arrivals = 0;
    },
    stop() {
      open();
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
