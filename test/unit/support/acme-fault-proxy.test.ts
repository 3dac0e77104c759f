import { createServer as createHttpServer, get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { Agent, createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rateLimited, serviceUnavailable, startAcmeFaultProxy, startHttp01Relay, type AcmeFaultProxy } from '../../support/acme-fault-proxy.ts';
import { freePorts, LOOPBACK } from '../../support/ports.ts';
import { createTestCa, type TestCa } from '../../support/test-ca.ts';

/**
 * The fault proxy against a small HTTPS upstream that speaks like Pebble: absolute URLs built from
 * its own address in bodies and in `Location`/`Link`, and an echo of the `Host` it was sent.
 */

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let ca: TestCa;
let upstream: Server;
let upstreamOrigin: string;
let proxy: AcmeFaultProxy;
let client: Agent;
/** Paths the upstream received, in order. */
const upstreamHits: string[] = [];

function call(method: string, path: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${proxy.origin}${path}`, { method, agent: client }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

beforeAll(async () => {
  ca = await createTestCa();
  upstream = createServer({ cert: ca.leafCertPem, key: ca.leafKeyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      upstreamHits.push(req.url ?? '');
      const payload = JSON.stringify({
        newOrder: `${upstreamOrigin}/order-plz`,
        host: req.headers.host,
        received: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(req.url === '/order-plz' ? 201 : 200, {
        'content-type': 'application/json',
        location: `${upstreamOrigin}/my-order/1`,
        link: `<${upstreamOrigin}/dir>;rel="index"`,
        'replay-nonce': 'nonce-1',
      });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => upstream.listen({ host: LOOPBACK, port: 0 }, resolve));
  upstreamOrigin = `https://${LOOPBACK}:${(upstream.address() as AddressInfo).port}`;
  proxy = await startAcmeFaultProxy({ upstream: `${upstreamOrigin}/dir`, ca });
  client = new Agent({ ca: ca.caCertPem });
});

afterEach(() => {
  proxy.reset();
  upstreamHits.length = 0;
});

afterAll(async () => {
  client.destroy();
  await proxy.stop();
  await new Promise<void>((resolve) => {
    upstream.close(() => {
      resolve();
    });
    upstream.closeAllConnections();
  });
});

describe('the ACME fault proxy', () => {
  it('forwards with the Host unchanged, rewrites upstream URLs in body, Location and Link, and records the exchange', async () => {
    expect(proxy.directoryUrl).toBe(`${proxy.origin}/dir`);
    const answer = await call('POST', '/order-plz', '{"payload":""}');
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body)).toEqual({ newOrder: `${proxy.origin}/order-plz`, host: `${LOOPBACK}:${proxy.port}`, received: '{"payload":""}' });
    expect(answer.headers.location).toBe(`${proxy.origin}/my-order/1`);
    expect(answer.headers.link).toBe(`<${proxy.origin}/dir>;rel="index"`);
    expect(answer.headers['replay-nonce']).toBe('nonce-1');
    expect(proxy.requests()).toEqual([{ seq: 1, method: 'POST', path: '/order-plz', reachedUpstream: true, upstreamStatus: 201, clientStatus: 201 }]);
    expect(proxy.count({ method: 'post', path: /^\/order-plz$/ })).toBe(1);
    expect(proxy.count({ method: 'GET', path: /^\/order-plz$/ })).toBe(0);
  });

  it('dropBeforeForward destroys the connection and the upstream never sees the request', async () => {
    const fault = proxy.inject({ method: 'POST', path: /^\/finalize-order\// }, { kind: 'dropBeforeForward' });
    await expect(call('POST', '/finalize-order/1', '{}')).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(fault.hits).toBe(1);
    expect(upstreamHits).toEqual([]);
    expect(proxy.requests()[0]).toMatchObject({ fault: 'dropBeforeForward', reachedUpstream: false });
    expect(proxy.requests()[0]?.clientStatus).toBeUndefined();
    // Only the first occurrence by default: the second passes.
    expect((await call('POST', '/finalize-order/1', '{}')).status).toBe(200);
    expect(upstreamHits).toEqual(['/finalize-order/1']);
  });

  it('dropResponse lets the upstream process the request, then destroys the connection unanswered', async () => {
    const fault = proxy.inject({ path: /^\/finalize-order\// }, { kind: 'dropResponse' });
    await expect(call('POST', '/finalize-order/1', '{}')).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(upstreamHits).toEqual(['/finalize-order/1']);
    expect(await fault.fired()).toMatchObject({ path: '/finalize-order/1', reachedUpstream: true, upstreamStatus: 200 });
    expect(proxy.count({ path: /^\/finalize-order\//, reachedUpstream: true })).toBe(1);
  });

  it('answers the chosen occurrences with a problem document and Retry-After, without forwarding them', async () => {
    proxy.inject({ method: 'POST', path: /^\/order-plz$/, nth: [2, 3] }, rateLimited(7));
    expect((await call('POST', '/order-plz')).status).toBe(201);
    const limited = await call('POST', '/order-plz');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    expect(limited.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(limited.body)).toMatchObject({ type: 'urn:ietf:params:acme:error:rateLimited', status: 429 });
    expect((await call('POST', '/order-plz')).status).toBe(429);
    expect((await call('POST', '/order-plz')).status).toBe(201);
    expect(upstreamHits).toEqual(['/order-plz', '/order-plz']);
    expect(proxy.count({ path: /^\/order-plz$/, reachedUpstream: true })).toBe(2);
  });

  it('answers 503 with or without a problem document; afterForward replaces an answer the upstream gave', async () => {
    proxy.inject({ method: 'HEAD', path: /^\/nonce-plz$/ }, serviceUnavailable({ problem: false }));
    proxy.inject({ method: 'GET', path: /^\/dir$/ }, serviceUnavailable({ problem: true }));
    proxy.inject({ method: 'POST', path: /^\/certZ\// }, { kind: 'status', status: 500, afterForward: true, body: 'boom' });
    const head = await call('HEAD', '/nonce-plz');
    expect(head.status).toBe(503);
    const dir = await call('GET', '/dir');
    expect(dir.status).toBe(503);
    expect(dir.headers['retry-after']).toBe('1');
    expect(JSON.parse(dir.body)).toMatchObject({ type: 'urn:ietf:params:acme:error:serverInternal' });
    const cert = await call('POST', '/certZ/1');
    expect(cert).toMatchObject({ status: 500, body: 'boom' });
    expect(upstreamHits).toEqual(['/certZ/1']);
  });

  it('delays a request, and does not forward it when the client gives up during the delay', async () => {
    proxy.inject({ path: /^\/chalZ\// }, { kind: 'delay', ms: 50 });
    expect((await call('POST', '/chalZ/1')).status).toBe(200);
    expect(upstreamHits).toEqual(['/chalZ/1']);

    const fault = proxy.inject({ path: /^\/chalZ\// }, { kind: 'delay', ms: 100 });
    const abandoned = request(`${proxy.origin}/chalZ/2`, { method: 'POST', agent: client });
    abandoned.on('error', () => undefined);
    abandoned.end();
    await fault.fired();
    abandoned.destroy();
    // Well past the delay: had the proxy forwarded the abandoned request, the upstream has it by now.
    await sleep(400);
    expect((await call('GET', '/dir')).status).toBe(200);
    expect(upstreamHits).toEqual(['/chalZ/1', '/dir']);
    expect(proxy.requests().find((r) => r.path === '/chalZ/2')).toMatchObject({ fault: 'delay', reachedUpstream: false });
  });

  it('holds the upstream answer until released', async () => {
    const fault = proxy.inject({ method: 'POST', path: /^\/finalize-order\// }, { kind: 'hold' });
    let settled = false;
    const pending = call('POST', '/finalize-order/1').finally(() => {
      settled = true;
    });
    expect(await fault.fired()).toMatchObject({ reachedUpstream: true, upstreamStatus: 200 });
    expect(upstreamHits).toEqual(['/finalize-order/1']);
    // Another request gets through while the first is held.
    expect((await call('GET', '/dir')).status).toBe(200);
    expect(settled).toBe(false);
    fault.release();
    expect((await pending).status).toBe(200);
    expect(proxy.requests()[0]).toMatchObject({ fault: 'hold', clientStatus: 200 });
  });

  it('waits for a request that has not arrived yet', async () => {
    const waiting = proxy.waitForRequest({ method: 'POST', path: /^\/my-order\// });
    await call('POST', '/my-order/1');
    expect(await waiting).toMatchObject({ method: 'POST', path: '/my-order/1' });
  });
});

describe('the HTTP-01 relay', () => {
  function fetchStatus(port: number, path: string): Promise<number> {
    return new Promise((resolve, reject) => {
      httpGet({ host: LOOPBACK, port, path, headers: { 'user-agent': 'test-va' } }, (response) => {
        response.resume();
        response.on('end', () => {
          resolve(response.statusCode ?? 0);
        });
      }).on('error', reject);
    });
  }

  it('relays to the target, records answers, holds requests while paused, and answers 502 when nothing listens', async () => {
    const [listenPort, targetPort] = await freePorts(2);
    if (listenPort === undefined || targetPort === undefined) throw new Error('no ports');
    const target = createHttpServer((req, res) => {
      res.writeHead(req.url === '/.well-known/acme-challenge/ok' ? 200 : 404);
      res.end('proof');
    });
    await new Promise<void>((resolve) => target.listen({ host: LOOPBACK, port: targetPort }, resolve));
    const relay = await startHttp01Relay(listenPort, targetPort);
    try {
      expect(await fetchStatus(listenPort, '/.well-known/acme-challenge/ok')).toBe(200);
      expect(await fetchStatus(listenPort, '/.well-known/acme-challenge/missing')).toBe(404);
      await relay.waitForAnswers(1);
      expect(relay.requests()).toEqual([
        { path: '/.well-known/acme-challenge/ok', status: 200, userAgent: 'test-va' },
        { path: '/.well-known/acme-challenge/missing', status: 404, userAgent: 'test-va' },
      ]);

      relay.reset();
      relay.pause();
      const paused = fetchStatus(listenPort, '/.well-known/acme-challenge/ok');
      await relay.waitForArrivals(1);
      expect(relay.requests()).toEqual([]);
      await new Promise<void>((resolve) => {
        target.close(() => {
          resolve();
        });
      });
      relay.resume();
      expect(await paused).toBe(502);
      await relay.waitForAnswers(1, 502);
    } finally {
      await relay.stop();
      if (target.listening) target.close();
    }
  });
});
