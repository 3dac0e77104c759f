import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DnsError } from '../../../../../../main/core/challenges/dns/dns-error.ts';
import {
  backoffMs,
  createHttpApi,
  defaultVerdict,
  scrubSecrets,
  serverWaitMs,
  type HttpApiOptions,
} from '../../../../../../main/core/challenges/dns/http-api.ts';
import { createRecordingLogger, type RecordingLogger } from '../../../../../support/recording-logger.ts';
import { createTestCa, type TestCa } from '../../../../../support/test-ca.ts';
import { startVendorServer, type VendorHandler, type VendorServer } from '../../../../../support/vendor-server.ts';

const TOKEN = 'cf-S3cret-T0ken-value';

let ca: TestCa;
let server: VendorServer | undefined;
let logger: RecordingLogger;
let sleeps: number[];

beforeAll(async () => {
  ca = await createTestCa({ hosts: ['127.0.0.1'] });
});

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function serve(handler: VendorHandler): Promise<VendorServer> {
  server = await startVendorServer(handler, { ca });
  return server;
}

function api(running: VendorServer, overrides: Partial<HttpApiOptions> = {}): ReturnType<typeof createHttpApi> {
  logger = createRecordingLogger();
  sleeps = [];
  return createHttpApi({
    provider: 'cloudflare',
    label: 'Cloudflare',
    context: {
      logger,
      extraCaPem: running.caPem,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    },
    secrets: [TOKEN],
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<DnsError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(DnsError);
  return error as DnsError;
}

const get = (running: VendorServer, path = '/zones') => () => ({
  method: 'GET' as const,
  url: `${running.url}${path}`,
  headers: { authorization: `Bearer ${TOKEN}` },
});

describe('createHttpApi', () => {
  it('sends what build returns over HTTPS trusted through extraCaPem and returns the answer', async () => {
    const running = await serve((request) => ({ status: 200, body: { ok: true, echo: request.body } }));
    const response = await api(running).request('list the zones', () => ({
      method: 'POST',
      url: new URL('/zones?name=example.com', running.url),
      headers: { 'Content-Type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: '{"name":"x"}',
    }));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.json()).toEqual({ ok: true, echo: '{"name":"x"}' });
    const [recorded] = running.requests;
    expect(recorded?.method).toBe('POST');
    expect(recorded?.url.pathname).toBe('/zones');
    expect(recorded?.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json', 'content-length': '12' });
    expect(recorded?.headers['user-agent']).toMatch(/^CertDesk\//);
  });

  it('retries a 429 after the Retry-After seconds, building the request afresh each time', async () => {
    const running = await serve(() => (running.requests.length === 1
      ? { status: 429, headers: { 'retry-after': '7' }, body: { errors: [{ message: 'slow down' }] } }
      : { status: 200, body: { ok: true } }));
    let builds = 0;
    const response = await api(running).request('list the zones', () => {
      builds += 1;
      return { method: 'GET', url: `${running.url}/zones?nonce=${builds}` };
    });
    expect(response.status).toBe(200);
    expect(sleeps).toEqual([7000]);
    expect(running.requests.map((request) => request.url.searchParams.get('nonce'))).toEqual(['1', '2']);
    const warning = logger.entries.find((entry) => entry.level === 'warn');
    expect(warning?.message).toBe('DNS provider API call retried');
    expect(warning?.fields).toMatchObject({ provider: 'cloudflare', failure: 'rate_limited', attempt: 1, waitMs: 7000, host: new URL(running.url).host });
  });

  it('backs off 1 s, 2 s, 4 s on 5xx and gives up after maxAttempts with a server_error', async () => {
    const running = await serve(() => ({ status: 502, body: 'bad gateway' }));
    const error = await failure(api(running).request('list the zones', get(running)));
    expect(running.requests).toHaveLength(4);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(error.failure).toBe('server_error');
    expect(error.transient).toBe(true);
    expect(error.message).toBe('Unable to list the zones at Cloudflare, the API answered HTTP 502 (bad gateway) (after 4 tries)');
    expect(error.remedy).toContain('Cloudflare reported an error');
  });

  it('honours maxAttempts and X-RateLimit-Reset on a rate limit, and says when to retry', async () => {
    const running = await serve(() => ({ status: 429, headers: { 'x-ratelimit-reset': '3' }, body: '' }));
    const error = await failure(api(running, { maxAttempts: 2 }).request('list the zones', get(running)));
    expect(running.requests).toHaveLength(2);
    expect(sleeps).toEqual([3000]);
    expect(error.failure).toBe('rate_limited');
    expect(error.code).toBe('dns_failed');
    expect(error.retryAfterMs).toBe(3000);
    expect(error.remedy).toMatch(/^Try again after \d{4}-\d\d-\d\dT/);
  });

  it('gives up at once when the server asks to wait more than 5 minutes', async () => {
    const running = await serve(() => ({ status: 429, headers: { 'retry-after': '3600' }, body: '' }));
    const error = await failure(api(running).request('add the TXT record _acme-challenge.example.com', get(running)));
    expect(running.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(error.failure).toBe('rate_limited');
    expect(error.message).toMatch(/^Unable to add the TXT record _acme-challenge\.example\.com at Cloudflare, the API limit was reached: the API answered HTTP 429; it asks to wait 3600 s, until \d{4}-/);
    expect(error.retryAfterMs).toBe(3_600_000);
  });

  it('never retries an authentication failure, and uses the kind\'s auth remedy', async () => {
    const running = await serve(() => ({ status: 403, body: { success: false } }));
    const error = await failure(api(running, { authRemedy: 'Check the API token; it needs Zone:Read and DNS:Edit.' }).request('list the zones', get(running)));
    expect(running.requests).toHaveLength(1);
    expect(error.failure).toBe('auth');
    expect(error.code).toBe('needs_admin');
    expect(error.message).toContain('the credentials were rejected: the API answered HTTP 403');
    expect(error.remedy).toBe('Check the API token; it needs Zone:Read and DNS:Edit.');
  });

  it('never retries a 404 (zone_not_found) or another 4xx (bad_config)', async () => {
    const running = await serve((request) => ({ status: request.url.pathname === '/missing' ? 404 : 400, body: 'no' }));
    const client = api(running);
    expect((await failure(client.request('find the zone', get(running, '/missing')))).failure).toBe('zone_not_found');
    expect((await failure(client.request('add the record', get(running, '/bad')))).failure).toBe('bad_config');
    expect(running.requests).toHaveLength(2);
  });

  it('scrubs secrets from messages, remedies and logs, also URL-encoded', async () => {
    const running = await serve((request) => ({ status: request.url.pathname === '/retry' ? 500 : 401, body: `invalid token ${TOKEN} (${encodeURIComponent(`${TOKEN}/x`)})` }));
    const client = api(running, { maxAttempts: 2, secrets: [TOKEN, `${TOKEN}/x`], authRemedy: `Check the token ${TOKEN}.` });
    const auth = await failure(client.request(`list zones with ${TOKEN}`, get(running, '/auth')));
    const retried = await failure(client.request('list the zones', get(running, '/retry')));
    for (const text of [auth.message, auth.remedy ?? '', retried.message, ...logger.lines]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(encodeURIComponent(TOKEN));
    }
    expect(auth.message).toContain('invalid token [redacted] ([redacted])');
    expect(auth.remedy).toBe('Check the token [redacted].');
    expect(logger.lines.some((line) => line.includes('[redacted]'))).toBe(true);
  });

  it('treats a request that gets no answer within requestTimeoutMs as a network failure', async () => {
    const running = await serve(() => new Promise(() => undefined));
    const timed = createHttpApi({ provider: 'cloudflare', label: 'Cloudflare', context: { logger: createRecordingLogger(), extraCaPem: running.caPem, requestTimeoutMs: 200 }, secrets: [], maxAttempts: 1 });
    const error = await failure(timed.request('list the zones', get(running)));
    expect(error.failure).toBe('network');
    expect(error.message).toBe(`Unable to list the zones at Cloudflare, ${new URL(running.url).host} did not answer within 200 ms`);
    expect(error.remedy).toContain(`connectivity to ${new URL(running.url).host}`);
  });

  it('reports a refused connection as a network failure naming the host, after retrying', async () => {
    const running = await serve(() => ({ status: 200, body: {} }));
    const client = api(running, { maxAttempts: 2 });
    const url = running.url;
    await running.stop();
    const error = await failure(client.request('list the zones', () => ({ method: 'GET', url: `${url}/zones` })));
    expect(error.failure).toBe('network');
    expect(error.message).toBe(`Unable to list the zones at Cloudflare, the connection to ${new URL(url).host} was refused (ECONNREFUSED) (after 2 tries)`);
    expect(sleeps).toEqual([1000]);
  });

  it('retries a dropped connection', async () => {
    const running = await serve(() => (running.requests.length === 1 ? { status: 200, drop: true } : { status: 200, body: { ok: true } }));
    const response = await api(running).request('list the zones', get(running));
    expect(response.json()).toEqual({ ok: true });
    expect(running.requests).toHaveLength(2);
  });

  it('does not retry a server whose certificate is not trusted', async () => {
    const running = await serve(() => ({ status: 200, body: {} }));
    const untrusting = createHttpApi({ provider: 'cloudflare', label: 'Cloudflare', context: { logger: createRecordingLogger() }, secrets: [] });
    const error = await failure(untrusting.request('list the zones', get(running)));
    expect(error.failure).toBe('network');
    expect(error.message).toMatch(/the TLS certificate of 127\.0\.0\.1:\d+ is not trusted \(/);
    expect(running.requests).toHaveLength(0);
  });

  it('lets interpret read errors out of a 200 body, with the wait it asks for', async () => {
    const running = await serve(() => (running.requests.length === 1
      ? { status: 200, body: { Code: 'Throttling.User', Message: 'Request was denied due to user flow control.' } }
      : { status: 200, body: { Code: 'OK' } }));
    const client = api(running, {
      interpret: (response) => {
        const body = response.json() as { Code: string; Message?: string };
        if (body.Code === 'OK') return undefined;
        return { failure: 'rate_limited', message: `${body.Code}: ${body.Message ?? ''}`, retryAfterMs: 1500 };
      },
    });
    const response = await client.request('list the zones', get(running));
    expect(response.json()).toEqual({ Code: 'OK' });
    expect(sleeps).toEqual([1500]);
    expect(logger.entries[0]?.fields).toMatchObject({ reason: 'Throttling.User: Request was denied due to user flow control.' });
  });

  it('uses the verdict\'s remedy and never retries what interpret calls auth', async () => {
    const running = await serve(() => ({ status: 400, body: { Code: 'InvalidAccessKeyId.NotFound' } }));
    const client = api(running, { interpret: () => ({ failure: 'auth', message: 'the AccessKey ID does not exist', remedy: 'Check accessKeyId.' }) });
    const error = await failure(client.request('list the zones', get(running)));
    expect(error.message).toBe('Unable to list the zones at Cloudflare, the AccessKey ID does not exist');
    expect(error.remedy).toBe('Check accessKeyId.');
    expect(running.requests).toHaveLength(1);
  });

  it('json() throws a server_error naming the provider when the body is not JSON', async () => {
    const running = await serve(() => ({ status: 200, headers: { 'content-type': 'text/html' }, body: `<html>captive portal ${TOKEN}</html>` }));
    const response = await api(running).request('list the zones', get(running));
    let thrown: unknown;
    try {
      response.json();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DnsError);
    expect((thrown as DnsError).failure).toBe('server_error');
    expect((thrown as DnsError).message).toBe('Unable to list the zones at Cloudflare, the answer is not JSON (HTTP 200, text/html: <html>captive portal [redacted]</html>)');
  });

  it('rejects a URL that is not http(s) as bad_config without sending anything', async () => {
    const running = await serve(() => ({ status: 200, body: {} }));
    const error = await failure(api(running).request('list the zones', () => ({ method: 'GET', url: 'ftp://127.0.0.1/zones' })));
    expect(error.failure).toBe('bad_config');
    expect(running.requests).toHaveLength(0);
  });

  it('rejects with the signal\'s reason when aborted while a request is in flight', async () => {
    const controller = new AbortController();
    const running = await serve(() => {
      controller.abort(new Error('stopped by the admin'));
      return new Promise(() => undefined);
    });
    await expect(api(running).request('list the zones', get(running), controller.signal)).rejects.toThrow('stopped by the admin');
    expect(running.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('rejects with the signal\'s reason when aborted during a wait', async () => {
    const running = await serve(() => ({ status: 503, body: '' }));
    const controller = new AbortController();
    const client = createHttpApi({
      provider: 'cloudflare',
      label: 'Cloudflare',
      context: {
        logger: createRecordingLogger(),
        extraCaPem: running.caPem,
        sleep: () => {
          controller.abort(new Error('stopped by the admin'));
          return Promise.reject(controller.signal.reason as Error);
        },
      },
      secrets: [],
    });
    await expect(client.request('list the zones', get(running), controller.signal)).rejects.toThrow('stopped by the admin');
    expect(running.requests).toHaveLength(1);
  });
});

describe('serverWaitMs', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  it.each([
    [{ 'retry-after': '120' }, 120_000],
    [{ 'retry-after': 'Sun, 01 Jun 2025 12:00:30 GMT' }, 30_000],
    [{ 'retry-after': 'Sun, 01 Jun 2025 11:00:00 GMT' }, 0],
    [{ 'ratelimit-reset': '15' }, 15_000],
    [{ 'x-ratelimit-reset': '2' }, 2_000],
    [{ 'x-ratelimit-reset': String(now / 1000 + 45) }, 45_000],
    [{ 'retry-after': 'soon', 'ratelimit-reset': '4' }, 4_000],
    [{ 'x-ratelimit-reset': 'soon' }, undefined],
    [{}, undefined],
  ])('%j → %s ms', (headers, expected) => {
    expect(serverWaitMs(headers, now)).toBe(expected);
  });
});

describe('backoffMs', () => {
  it.each([[1, 1000], [2, 2000], [3, 4000], [6, 32_000], [7, 60_000], [20, 60_000]])('after try %i waits %i ms', (attempt, expected) => {
    expect(backoffMs(attempt)).toBe(expected);
  });
});

describe('defaultVerdict', () => {
  it.each([
    [200, undefined],
    [204, undefined],
    [301, 'bad_config'],
    [400, 'bad_config'],
    [401, 'auth'],
    [403, 'auth'],
    [404, 'zone_not_found'],
    [409, 'bad_config'],
    [429, 'rate_limited'],
    [500, 'server_error'],
    [503, 'server_error'],
  ])('HTTP %i → %s', (status, expected) => {
    expect(defaultVerdict(status, '')?.failure).toBe(expected);
  });
});

describe('scrubSecrets', () => {
  it('replaces the longest secret first and ignores empty ones', () => {
    expect(scrubSecrets('a abc b ab', ['ab', 'abc', ''])).toBe('a [redacted] b [redacted]');
  });
});
