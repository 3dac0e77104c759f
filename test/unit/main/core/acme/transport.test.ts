import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import acme from 'acme-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AcmeHttpError,
  AcmeTransport,
  AcmeTransportError,
  createAcmeClient,
  type AcmeExchange,
  type TransportOptions,
} from '../../../../../main/core/acme/transport.ts';
import { version } from '../../../../../main/core/version.ts';
import { LOOPBACK } from '../../../../support/ports.ts';
import { createTestCa, type TestCa } from '../../../../support/test-ca.ts';
import { rejection } from '../../support/thrown.ts';

/** One request as the server saw it. */
interface Seen {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

type Handler = (request: Seen, response: ServerResponse) => void;

/** A real HTTPS server on 127.0.0.1 whose behaviour each test sets through `handle`. */
interface TestServer {
  readonly origin: string;
  readonly seen: Seen[];
  /** TCP connections accepted (a TLS handshake that fails still counts one). */
  connections: number;
  handle: Handler;
  close(): Promise<void>;
}

async function startServer(ca: TestCa): Promise<TestServer> {
  const state: { handle: Handler } = {
    handle: (_request, response) => {
      response.writeHead(500).end('no handler');
    },
  };
  const seen: Seen[] = [];
  const server: Server = createServer({ key: ca.leafKeyPem, cert: ca.leafCertPem }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: Seen = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(entry);
      state.handle(entry, response);
    });
  });
  const result: TestServer = {
    origin: '',
    seen,
    connections: 0,
    get handle() {
      return state.handle;
    },
    set handle(handler: Handler) {
      state.handle = handler;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  server.on('connection', () => {
    result.connections += 1;
  });
  // TLS failures are the client's to report; keep them off the test output.
  server.on('tlsClientError', () => undefined);
  server.listen(0, LOOPBACK);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(result, { origin: `https://${LOOPBACK}:${String(port)}` });
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function problem(response: ServerResponse, status: number, type: string, headers: Record<string, string> = {}): void {
  response
    .writeHead(status, { 'Content-Type': 'application/problem+json', ...headers })
    .end(JSON.stringify({ type: `urn:ietf:params:acme:error:${type}`, detail: `a ${type} problem`, status }));
}

/** Drops the connection without answering, as a crashed proxy would. */
function reset(response: ServerResponse): void {
  response.socket?.destroy();
}

let ca: TestCa;
let server: TestServer;

beforeAll(async () => {
  ca = await createTestCa();
  server = await startServer(ca);
});

afterAll(async () => {
  await server.close();
});

const transports: AcmeTransport[] = [];
afterEach(() => {
  for (const transport of transports.splice(0)) transport.close();
  server.seen.length = 0;
  server.connections = 0;
});

/** A transport trusting the test CA, recording sleeps (never waiting) and exchanges. */
function setup(options: Omit<TransportOptions, 'extraCaPem' | 'sleep' | 'onExchange'> & { extraCaPem?: string | null } = {}): {
  transport: AcmeTransport;
  delays: number[];
  exchanges: AcmeExchange[];
} {
  const delays: number[] = [];
  const exchanges: AcmeExchange[] = [];
  const { extraCaPem, ...rest } = options;
  const transport = new AcmeTransport({
    ...rest,
    ...(extraCaPem === null ? {} : { extraCaPem: extraCaPem ?? ca.caCertPem }),
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
    onExchange: (exchange) => exchanges.push(exchange),
  });
  transports.push(transport);
  return { transport, delays, exchanges };
}

const url = (path: string): string => `${server.origin}${path}`;

describe('AcmeTransport: TLS trust', () => {
  it('reaches a server whose CA is trusted through extraCaPem', async () => {
    server.handle = (_request, response) => { json(response, 200, { ok: true }); };
    const { transport } = setup();
    expect((await transport.request(url('/directory'), 'get')).data).toStrictEqual({ ok: true });
  });

  it('without extraCaPem, fails with a TLS trust error and does not retry it', async () => {
    server.handle = (_request, response) => { json(response, 200, { ok: true }); };
    const { transport, delays, exchanges } = setup({ extraCaPem: null });
    const error = await rejection(transport.request(url('/directory'), 'get'));
    expect(error).toBeInstanceOf(AcmeTransportError);
    const transportError = error as AcmeTransportError;
    expect(transportError.code).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER_CERT/);
    expect(transportError.method).toBe('get');
    expect(transportError.url).toBe(url('/directory'));
    expect(transportError.message).toMatch(/^Unable to reach the CA, GET /);
    expect(delays).toStrictEqual([]);
    expect(server.connections).toBe(1);
    expect(server.seen).toStrictEqual([]);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({ method: 'GET', url: url('/directory'), error: transportError.code });
    expect(exchanges[0]?.status).toBeUndefined();
  });
});

describe('AcmeTransport: responses', () => {
  it.each([
    ['application/json', '{"a":1,"b":[true]}', { a: 1, b: [true] }],
    ['application/json; charset=utf-8', '{"a":"ü"}', { a: 'ü' }],
    ['application/problem+json', '{"type":"x"}', { type: 'x' }],
    ['APPLICATION/JSON', '{"a":2}', { a: 2 }],
    ['application/json', 'not json {', 'not json {'],
    ['application/pem-certificate-chain', '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n', '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n'],
    ['text/plain', '{"a":1}', '{"a":1}'],
    ['application/json', '', undefined],
  ])('parses a %s body %j', async (contentType, body, expected) => {
    server.handle = (_request, response) => response.writeHead(200, { 'Content-Type': contentType }).end(body);
    const { transport } = setup();
    const response = await transport.request(url('/x'), 'get');
    expect(response.status).toBe(200);
    expect(response.data).toStrictEqual(expected);
  });

  it('returns a body without a content type as text', async () => {
    server.handle = (_request, response) => {
      response.removeHeader('Content-Type');
      response.writeHead(200).end('{"a":1}');
    };
    const { transport } = setup();
    expect((await transport.request(url('/x'), 'get')).data).toBe('{"a":1}');
  });

  it('lower-cases header names and joins repeated headers with ", " (Link as acme-client reads it)', async () => {
    server.handle = (_request, response) => {
      response.setHeader('Link', ['<https://ca.example/dir>;rel="index"', '<https://ca.example/alt/1>;rel="alternate"']);
      response.setHeader('X-Custom-Header', 'Value');
      response.setHeader('Location', 'https://ca.example/order/1');
      response.writeHead(201).end();
    };
    const { transport } = setup();
    const response = await transport.request(url('/x'), 'get');
    expect(response.status).toBe(201);
    expect(response.headers).toMatchObject({
      link: '<https://ca.example/dir>;rel="index", <https://ca.example/alt/1>;rel="alternate"',
      'x-custom-header': 'Value',
      location: 'https://ca.example/order/1',
    });
    for (const [name, value] of Object.entries(response.headers)) {
      expect(name).toBe(name.toLowerCase());
      expect(typeof value).toBe('string');
    }
    expect(response.data).toBeUndefined();
  });

  it('sends a POST body as JSON with the JOSE content type, the CertDesk User-Agent and an Accept header', async () => {
    server.handle = (_request, response) => { json(response, 200, {}); };
    const { transport } = setup();
    await transport.request(url('/new-order'), 'post', { data: { protected: 'p', payload: '', signature: 's' } });
    const [request] = server.seen;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/new-order');
    expect(JSON.parse(request?.body ?? '')).toStrictEqual({ protected: 'p', payload: '', signature: 's' });
    expect(request?.headers['content-type']).toBe('application/jose+json');
    expect(request?.headers['user-agent']).toBe(`CertDesk/${version} acme-client/5`);
    expect(request?.headers.accept).toMatch(/application\/json/);
  });

  it('raises AcmeHttpError for an error status, with status, parsed body and headers', async () => {
    server.handle = (_request, response) => { problem(response, 403, 'unauthorized', { 'Replay-Nonce': 'n-unauth' }); };
    const { transport } = setup();
    const error = await rejection(transport.request(url('/order/1'), 'post', { data: {} }));
    expect(error).toBeInstanceOf(AcmeHttpError);
    const httpError = error as AcmeHttpError;
    expect(httpError.status).toBe(403);
    expect(httpError.method).toBe('post');
    expect(httpError.url).toBe(url('/order/1'));
    expect(httpError.body).toStrictEqual({ type: 'urn:ietf:params:acme:error:unauthorized', detail: 'a unauthorized problem', status: 403 });
    expect(httpError.headers['replay-nonce']).toBe('n-unauth');
    expect(httpError.headers['content-type']).toBe('application/problem+json');
    expect(httpError.message).toBe(`The CA answered POST ${url('/order/1')} with HTTP 403: a unauthorized problem`);
  });

  it.each([400, 404, 429])('raises AcmeHttpError for %i on a GET without retrying it', async (status) => {
    server.handle = (_request, response) => response.writeHead(status, { 'Retry-After': '5' }).end('nope');
    const { transport, delays } = setup();
    const error = await rejection(transport.request(url('/x'), 'get'));
    expect(error).toBeInstanceOf(AcmeHttpError);
    expect(error).toMatchObject({ status, body: 'nope' });
    expect((error as AcmeHttpError).headers['retry-after']).toBe('5');
    expect(server.seen).toHaveLength(1);
    expect(delays).toStrictEqual([]);
  });

  it('does not raise for badNonce: acme-client re-signs with that response itself (RFC 8555 §6.5)', async () => {
    server.handle = (_request, response) => { problem(response, 400, 'badNonce', { 'Replay-Nonce': 'fresh-from-error' }); };
    const { transport } = setup();
    const response = await transport.request(url('/new-order'), 'post', { data: {} });
    expect(response.status).toBe(400);
    expect(response.headers['replay-nonce']).toBe('fresh-from-error');
    expect(response.data).toMatchObject({ type: 'urn:ietf:params:acme:error:badNonce' });
  });

  it('refuses a body over 1 MiB with an AcmeTransportError, reporting the exchange once', async () => {
    server.handle = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/pem-certificate-chain' });
      response.end(Buffer.alloc(1024 * 1024 + 1024, 'A'));
    };
    const { transport, exchanges } = setup();
    const error = await rejection(transport.request(url('/cert/1'), 'post', { data: {} }));
    expect(error).toBeInstanceOf(AcmeTransportError);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]?.error).toBe((error as AcmeTransportError).code);
  });

  it('accepts a body of exactly 1 MiB', async () => {
    server.handle = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end(Buffer.alloc(1024 * 1024, 'A'));
    };
    const { transport } = setup();
    const response = await transport.request(url('/cert/1'), 'post', { data: {} });
    expect((response.data as string).length).toBe(1024 * 1024);
  });

  it('gives up on a request the server never answers with code "timeout"', async () => {
    server.handle = () => undefined;
    const { transport, exchanges } = setup({ timeoutMs: 200 });
    const error = await rejection(transport.request(url('/finalize/1'), 'post', { data: {} }));
    expect(error).toBeInstanceOf(AcmeTransportError);
    expect((error as AcmeTransportError).code).toBe('timeout');
    expect(server.seen).toHaveLength(1);
    expect(exchanges).toStrictEqual([expect.objectContaining({ method: 'POST', url: url('/finalize/1'), error: 'timeout' })]);
  });

  it('retries a GET that timed out, as any idempotent transport failure', async () => {
    let calls = 0;
    server.handle = (_request, response) => {
      calls += 1;
      if (calls > 1) json(response, 200, { ok: true });
    };
    const { transport, delays } = setup({ timeoutMs: 200 });
    expect((await transport.request(url('/x'), 'get')).data).toStrictEqual({ ok: true });
    expect(delays).toStrictEqual([1000]);
  });
});

describe('AcmeTransport: retries', () => {
  /** Answers from `script` in turn (the last one repeats), counting requests. */
  function script(...steps: Array<(response: ServerResponse) => void>): void {
    let index = 0;
    server.handle = (_request, response) => {
      const step = steps[Math.min(index, steps.length - 1)];
      index += 1;
      step?.(response);
    };
  }
  const ok = (response: ServerResponse): void => { json(response, 200, { ok: true }); };
  const unavailable = (headers: Record<string, string> = {}) => (response: ServerResponse) => { problem(response, 503, 'serverInternal', headers); };

  it.each(['get', 'head'])('retries a %s on 5xx with exponential backoff from retryBaseMs', async (method) => {
    script(unavailable(), unavailable(), ok);
    const { transport, delays, exchanges } = setup();
    const response = await transport.request(url('/x'), method);
    expect(response.status).toBe(200);
    expect(delays).toStrictEqual([1000, 2000]);
    expect(server.seen.map((request) => request.method)).toStrictEqual(Array(3).fill(method.toUpperCase()));
    expect(exchanges.map((exchange) => exchange.status)).toStrictEqual([503, 503, 200]);
  });

  it('honours a custom retryBaseMs', async () => {
    script(unavailable(), unavailable(), ok);
    const { transport, delays } = setup({ retryBaseMs: 50 });
    await transport.request(url('/x'), 'get');
    expect(delays).toStrictEqual([50, 100]);
  });

  it('stops after idempotentAttempts and raises the last 5xx as AcmeHttpError', async () => {
    script(unavailable());
    const { transport, delays } = setup();
    const error = await rejection(transport.request(url('/x'), 'get'));
    expect(error).toBeInstanceOf(AcmeHttpError);
    expect((error as AcmeHttpError).status).toBe(503);
    expect(server.seen).toHaveLength(4);
    expect(delays).toStrictEqual([1000, 2000, 4000]);
  });

  it('makes exactly idempotentAttempts attempts when configured', async () => {
    script(unavailable());
    const { transport, delays } = setup({ idempotentAttempts: 2 });
    await expect(transport.request(url('/x'), 'get')).rejects.toBeInstanceOf(AcmeHttpError);
    expect(server.seen).toHaveLength(2);
    expect(delays).toStrictEqual([1000]);
  });

  it.each([
    ['0', 0],
    ['3', 3000],
    ['60', 60_000],
  ])('waits a short Retry-After of %s s instead of the backoff', async (retryAfter, expected) => {
    script(unavailable({ 'Retry-After': retryAfter }), ok);
    const { transport, delays } = setup();
    await transport.request(url('/x'), 'get');
    expect(delays).toStrictEqual([expected]);
  });

  it.each(['61', '3600', 'soon', '-5'])('falls back to the backoff for a long or unusable Retry-After %j', async (retryAfter) => {
    script(unavailable({ 'Retry-After': retryAfter }), ok);
    const { transport, delays } = setup();
    await transport.request(url('/x'), 'get');
    expect(delays).toStrictEqual([1000]);
  });

  it('honours a short Retry-After given as an HTTP-date (RFC 9110 §10.2.3)', async () => {
    const inTenSeconds = new Date(Math.ceil(Date.now() / 1000) * 1000 + 10_000).toUTCString();
    script(unavailable({ 'Retry-After': inTenSeconds }), ok);
    const { transport, delays } = setup();
    await transport.request(url('/x'), 'get');
    expect(delays).toHaveLength(1);
    // Anything near the date's 10 s, never the 1 s backoff.
    expect(delays[0]).toBeGreaterThan(5_000);
    expect(delays[0]).toBeLessThanOrEqual(11_000);
  });

  it('retries a GET whose connection was reset, with backoff', async () => {
    script(reset, reset, ok);
    const { transport, delays, exchanges } = setup();
    const response = await transport.request(url('/x'), 'get');
    expect(response.data).toStrictEqual({ ok: true });
    expect(delays).toStrictEqual([1000, 2000]);
    expect(server.seen).toHaveLength(3);
    expect(exchanges.map((exchange) => exchange.error ?? exchange.status)).toStrictEqual(['ECONNRESET', 'ECONNRESET', 200]);
  });

  it('raises AcmeTransportError when every attempt of a GET is reset', async () => {
    script(reset);
    const { transport, delays } = setup({ idempotentAttempts: 3 });
    const error = await rejection(transport.request(url('/x'), 'get'));
    expect(error).toBeInstanceOf(AcmeTransportError);
    expect((error as AcmeTransportError).code).toBe('ECONNRESET');
    expect(server.seen).toHaveLength(3);
    expect(delays).toStrictEqual([1000, 2000]);
  });

  it('never retries a POST on 5xx (DESIGN.md rule 2: never finalize blind)', async () => {
    script(unavailable({ 'Retry-After': '1' }), ok);
    const { transport, delays } = setup();
    const error = await rejection(transport.request(url('/finalize/1'), 'post', { data: {} }));
    expect(error).toBeInstanceOf(AcmeHttpError);
    expect((error as AcmeHttpError).status).toBe(503);
    expect(server.seen).toHaveLength(1);
    expect(delays).toStrictEqual([]);
  });

  it('never retries a POST whose connection was reset', async () => {
    script(reset, ok);
    const { transport, delays } = setup();
    const error = await rejection(transport.request(url('/finalize/1'), 'POST', { data: {} }));
    expect(error).toBeInstanceOf(AcmeTransportError);
    expect((error as AcmeTransportError).code).toBe('ECONNRESET');
    expect((error as AcmeTransportError).method).toBe('post');
    expect(server.seen).toHaveLength(1);
    expect(delays).toStrictEqual([]);
  });

  it('raises AcmeTransportError ECONNREFUSED when nothing listens, after the GET attempts', async () => {
    const closed = await startServer(ca);
    const origin = closed.origin;
    await closed.close();
    const { transport, delays } = setup({ idempotentAttempts: 2 });
    const error = await rejection(transport.request(`${origin}/directory`, 'get'));
    expect(error).toBeInstanceOf(AcmeTransportError);
    expect((error as AcmeTransportError).code).toBe('ECONNREFUSED');
    expect(delays).toStrictEqual([1000]);
  });
});

describe('AcmeTransport: nonces (RFC 8555 §7.2)', () => {
  /** A newNonce resolver that counts how often it is asked. */
  function newNonce(): { resolve: () => Promise<string>; calls: () => number } {
    let calls = 0;
    return {
      resolve: () => {
        calls += 1;
        return Promise.resolve(url('/new-nonce'));
      },
      calls: () => calls,
    };
  }

  it('fetches a fresh nonce with HEAD newNonce when the pool is empty', async () => {
    server.handle = (_request, response) => response.writeHead(200, { 'Replay-Nonce': 'fresh-1', 'Cache-Control': 'no-store' }).end();
    const { transport } = setup();
    const resolver = newNonce();
    expect(await transport.nonce(resolver.resolve)).toBe('fresh-1');
    expect(resolver.calls()).toBe(1);
    expect(server.seen.map((request) => `${request.method} ${request.path}`)).toStrictEqual(['HEAD /new-nonce']);
    expect(transport.stats).toStrictEqual({ requests: 1, nonceRequests: 1 });
  });

  it('does not keep the fresh nonce in the pool after handing it out', async () => {
    let n = 0;
    server.handle = (_request, response) => {
      n += 1;
      response.writeHead(200, { 'Replay-Nonce': `fresh-${String(n)}` }).end();
    };
    const { transport } = setup();
    const resolver = newNonce();
    expect(await transport.nonce(resolver.resolve)).toBe('fresh-1');
    expect(await transport.nonce(resolver.resolve)).toBe('fresh-2');
    expect(resolver.calls()).toBe(2);
  });

  it('reuses the Replay-Nonce of any response instead of asking for one', async () => {
    server.handle = (request, response) => { json(response, request.method === 'POST' ? 201 : 200, {}, { 'Replay-Nonce': `from-${request.method}` }); };
    const { transport } = setup();
    const resolver = newNonce();
    await transport.request(url('/directory'), 'get');
    await transport.request(url('/new-order'), 'post', { data: {} });
    const handed = [await transport.nonce(resolver.resolve), await transport.nonce(resolver.resolve)];
    expect(handed.sort()).toStrictEqual(['from-GET', 'from-POST']);
    expect(resolver.calls()).toBe(0);
    expect(server.seen.filter((request) => request.method === 'HEAD')).toStrictEqual([]);
    expect(transport.stats).toStrictEqual({ requests: 2, nonceRequests: 0 });
  });

  it('reuses the nonce of an error response other than badNonce', async () => {
    server.handle = (_request, response) => { problem(response, 403, 'unauthorized', { 'Replay-Nonce': 'from-403' }); };
    const { transport } = setup();
    const resolver = newNonce();
    await expect(transport.request(url('/x'), 'post', { data: {} })).rejects.toBeInstanceOf(AcmeHttpError);
    expect(await transport.nonce(resolver.resolve)).toBe('from-403');
    expect(resolver.calls()).toBe(0);
  });

  it('does not pool the nonce of a badNonce response (acme-client spends it on its retry)', async () => {
    server.handle = (request, response) => {
      if (request.method === 'HEAD') response.writeHead(200, { 'Replay-Nonce': 'from-head' }).end();
      else problem(response, 400, 'badNonce', { 'Replay-Nonce': 'from-bad-nonce' });
    };
    const { transport } = setup();
    const resolver = newNonce();
    await transport.request(url('/new-order'), 'post', { data: {} });
    expect(await transport.nonce(resolver.resolve)).toBe('from-head');
    expect(resolver.calls()).toBe(1);
  });

  it('does not pool a nonce that is not base64url (RFC 8555 §6.5.1)', async () => {
    server.handle = (request, response) => {
      if (request.method === 'HEAD') response.writeHead(200, { 'Replay-Nonce': 'from-head' }).end();
      else json(response, 200, {}, { 'Replay-Nonce': 'not/base64+url=' });
    };
    const { transport } = setup();
    const resolver = newNonce();
    await transport.request(url('/x'), 'get');
    expect(await transport.nonce(resolver.resolve)).toBe('from-head');
  });

  it('caps the pool at 8 nonces, dropping the oldest', async () => {
    let n = 0;
    server.handle = (request, response) => {
      if (request.method === 'HEAD') {
        response.writeHead(200, { 'Replay-Nonce': 'from-head' }).end();
        return;
      }
      n += 1;
      json(response, 200, {}, { 'Replay-Nonce': `pooled-${String(n)}` });
    };
    const { transport } = setup();
    const resolver = newNonce();
    for (let i = 0; i < 10; i += 1) await transport.request(url('/x'), 'get');
    const handed: string[] = [];
    for (let i = 0; i < 8; i += 1) handed.push(await transport.nonce(resolver.resolve));
    expect(resolver.calls()).toBe(0);
    expect(handed.sort()).toStrictEqual(['pooled-10', 'pooled-3', 'pooled-4', 'pooled-5', 'pooled-6', 'pooled-7', 'pooled-8', 'pooled-9']);
    expect(await transport.nonce(resolver.resolve)).toBe('from-head');
    expect(resolver.calls()).toBe(1);
  });

  it('raises AcmeTransportError when newNonce answers without a Replay-Nonce', async () => {
    server.handle = (_request, response) => response.writeHead(200).end();
    const { transport } = setup();
    const error = await rejection(transport.nonce(newNonce().resolve));
    expect(error).toBeInstanceOf(AcmeTransportError);
    expect((error as AcmeTransportError).code).toMatch(/no Replay-Nonce/);
  });

  it('retries newNonce on 5xx like any HEAD', async () => {
    let n = 0;
    server.handle = (_request, response) => {
      n += 1;
      if (n === 1) problem(response, 503, 'serverInternal');
      else response.writeHead(200, { 'Replay-Nonce': 'after-retry' }).end();
    };
    const { transport, delays } = setup();
    expect(await transport.nonce(newNonce().resolve)).toBe('after-retry');
    expect(delays).toStrictEqual([1000]);
  });
});

describe('AcmeTransport: retryAfterFor and onExchange', () => {
  it('remembers the last Retry-After per URL and forgets it when a later response has none', async () => {
    let withHeader = true;
    server.handle = (_request, response) => { json(response, 200, { status: 'processing' }, withHeader ? { 'Retry-After': '7' } : {}); };
    const { transport } = setup();
    expect(transport.retryAfterFor(url('/order/1'))).toBeUndefined();
    await transport.request(url('/order/1'), 'post', { data: {} });
    expect(transport.retryAfterFor(url('/order/1'))).toBe('7');
    expect(transport.retryAfterFor(url('/order/2'))).toBeUndefined();
    withHeader = false;
    await transport.request(url('/order/1'), 'post', { data: {} });
    expect(transport.retryAfterFor(url('/order/1'))).toBeUndefined();
  });

  it('remembers the Retry-After of an error response (429)', async () => {
    server.handle = (_request, response) => { problem(response, 429, 'rateLimited', { 'Retry-After': '3600' }); };
    const { transport } = setup();
    await expect(transport.request(url('/new-order'), 'post', { data: {} })).rejects.toBeInstanceOf(AcmeHttpError);
    expect(transport.retryAfterFor(url('/new-order'))).toBe('3600');
  });

  it('reports method, URL, status and Retry-After of a success, without a problem type', async () => {
    server.handle = (_request, response) => { json(response, 200, { type: 'not-a-problem' }, { 'Retry-After': '2' }); };
    const { transport, exchanges } = setup();
    await transport.request(url('/order/1'), 'post', { data: { secret: 'jws' } });
    expect(exchanges).toHaveLength(1);
    const [exchange] = exchanges;
    expect(exchange).toMatchObject({ method: 'POST', url: url('/order/1'), status: 200, retryAfter: '2' });
    expect(exchange?.problemType).toBeUndefined();
    expect(exchange?.error).toBeUndefined();
    expect(exchange?.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(exchange)).not.toContain('jws');
  });

  it('reports the problem type of an error response', async () => {
    server.handle = (_request, response) => { problem(response, 429, 'rateLimited', { 'Retry-After': '60' }); };
    const { transport, exchanges } = setup();
    await expect(transport.request(url('/new-order'), 'post', { data: {} })).rejects.toBeInstanceOf(AcmeHttpError);
    expect(exchanges).toStrictEqual([
      expect.objectContaining({
        method: 'POST',
        url: url('/new-order'),
        status: 429,
        problemType: 'urn:ietf:params:acme:error:rateLimited',
        retryAfter: '60',
      }),
    ]);
  });

  it('reports a badNonce response with its problem type, though it is not raised', async () => {
    server.handle = (_request, response) => { problem(response, 400, 'badNonce'); };
    const { transport, exchanges } = setup();
    await transport.request(url('/new-order'), 'post', { data: {} });
    expect(exchanges).toStrictEqual([expect.objectContaining({ status: 400, problemType: 'urn:ietf:params:acme:error:badNonce' })]);
  });

  it('reports each attempt of a retried request, and the error code of failed ones', async () => {
    let n = 0;
    server.handle = (_request, response) => {
      n += 1;
      if (n === 1) reset(response);
      else if (n === 2) problem(response, 500, 'serverInternal');
      else json(response, 200, {});
    };
    const { transport, exchanges } = setup();
    await transport.request(url('/x'), 'get');
    expect(exchanges).toStrictEqual([
      expect.objectContaining({ method: 'GET', url: url('/x'), error: 'ECONNRESET' }),
      expect.objectContaining({ method: 'GET', url: url('/x'), status: 500, problemType: 'urn:ietf:params:acme:error:serverInternal' }),
      expect.objectContaining({ method: 'GET', url: url('/x'), status: 200 }),
    ]);
    expect(transport.stats.requests).toBe(3);
  });
});

describe('createAcmeClient', () => {
  /**
   * A tiny ACME server: a directory, newNonce, newAccount and newOrder. Every response carries a
   * fresh Replay-Nonce; signed requests are recorded with their protected header.
   */
  function fakeAcme(options: { badNonceOnce?: boolean } = {}): { signed: Array<{ path: string; nonce: unknown }> } {
    const signed: Array<{ path: string; nonce: unknown }> = [];
    let nonceCounter = 0;
    let badNonceSent = false;
    const nextNonce = (): string => {
      nonceCounter += 1;
      return `nonce-${String(nonceCounter)}`;
    };
    server.handle = (request, response) => {
      if (request.method === 'GET' && request.path === '/directory') {
        json(response, 200, {
          newNonce: url('/new-nonce'),
          newAccount: url('/new-acct'),
          newOrder: url('/new-order'),
          meta: { termsOfService: url('/tos') },
        });
        return;
      }
      if (request.method === 'HEAD' && request.path === '/new-nonce') {
        response.writeHead(200, { 'Replay-Nonce': nextNonce(), 'Cache-Control': 'no-store' }).end();
        return;
      }
      if (request.method === 'POST') {
        const body = JSON.parse(request.body) as { protected: string };
        const header = JSON.parse(Buffer.from(body.protected, 'base64url').toString('utf8')) as { nonce?: unknown };
        signed.push({ path: request.path, nonce: header.nonce });
        if (options.badNonceOnce === true && !badNonceSent) {
          badNonceSent = true;
          problem(response, 400, 'badNonce', { 'Replay-Nonce': 'nonce-after-bad' });
          return;
        }
        if (request.path === '/new-acct') {
          json(response, 201, { status: 'valid' }, { 'Replay-Nonce': nextNonce(), Location: url('/acct/1') });
          return;
        }
        if (request.path === '/new-order') {
          json(
            response,
            201,
            { status: 'pending', identifiers: [{ type: 'dns', value: 'a.example' }], authorizations: [], finalize: url('/finalize/1') },
            { 'Replay-Nonce': nextNonce(), Location: url('/order/1') },
          );
          return;
        }
      }
      response.writeHead(404).end();
    };
    return { signed };
  }

  async function client(transport: AcmeTransport): Promise<acme.Client> {
    const accountKey = await acme.crypto.createPrivateEcdsaKey('P-256');
    return createAcmeClient({ directoryUrl: url('/directory'), accountKey }, transport);
  }

  it('sends every request through the transport with the CertDesk User-Agent', async () => {
    fakeAcme();
    const { transport } = setup();
    const acmeClient = await client(transport);
    expect(await acmeClient.getTermsOfServiceUrl()).toBe(url('/tos'));
    await acmeClient.createAccount({ termsOfServiceAgreed: true });
    expect(acmeClient.getAccountUrl()).toBe(url('/acct/1'));
    expect(server.seen.length).toBeGreaterThanOrEqual(3);
    for (const request of server.seen) expect(request.headers['user-agent']).toBe(`CertDesk/${version} acme-client/5`);
    expect(transport.stats.requests).toBe(server.seen.length);
  });

  it('fetches one nonce for a run and reuses the pooled Replay-Nonce for the next signed request', async () => {
    const { signed } = fakeAcme();
    const { transport } = setup();
    const acmeClient = await client(transport);
    await acmeClient.createAccount({ termsOfServiceAgreed: true });
    const order = await acmeClient.createOrder({ identifiers: [{ type: 'dns', value: 'a.example' }] });
    expect(order.url).toBe(url('/order/1'));
    expect(server.seen.map((request) => `${request.method} ${request.path}`)).toStrictEqual([
      'GET /directory',
      'HEAD /new-nonce',
      'POST /new-acct',
      'POST /new-order',
    ]);
    // nonce-1 from HEAD signs newAccount; nonce-2, from newAccount's response, signs newOrder.
    expect(signed).toStrictEqual([
      { path: '/new-acct', nonce: 'nonce-1' },
      { path: '/new-order', nonce: 'nonce-2' },
    ]);
    expect(transport.stats.nonceRequests).toBe(1);
  });

  it('lets acme-client answer badNonce with the nonce of that response, which is not pooled twice', async () => {
    const { signed } = fakeAcme({ badNonceOnce: true });
    const { transport } = setup();
    const acmeClient = await client(transport);
    await acmeClient.createAccount({ termsOfServiceAgreed: true });
    await acmeClient.createOrder({ identifiers: [{ type: 'dns', value: 'a.example' }] });
    expect(signed).toStrictEqual([
      { path: '/new-acct', nonce: 'nonce-1' },
      { path: '/new-acct', nonce: 'nonce-after-bad' },
      { path: '/new-order', nonce: 'nonce-2' },
    ]);
    expect(transport.stats.nonceRequests).toBe(1);
  });

  it('surfaces an error response as AcmeHttpError instead of acme-client retrying it', async () => {
    fakeAcme();
    const original = server.handle;
    server.handle = (request, response) => {
      if (request.path === '/new-acct') problem(response, 503, 'serverInternal', { 'Replay-Nonce': 'n-503' });
      else original(request, response);
    };
    const { transport } = setup();
    const acmeClient = await client(transport);
    await expect(acmeClient.createAccount({ termsOfServiceAgreed: true })).rejects.toBeInstanceOf(AcmeHttpError);
    expect(server.seen.filter((request) => request.path === '/new-acct')).toHaveLength(1);
  });
});
