import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DnsError } from '../../../../../../../main/core/challenges/dns/dns-error.ts';
import type { ProviderContext } from '../../../../../../../main/core/challenges/dns/provider.ts';
import {
  checkHttpreqEndpoint,
  createHttpreqProvider,
  httpreqDefinition,
  httpreqUrl,
  type HttpreqOptions,
} from '../../../../../../../main/core/challenges/dns/providers/httpreq.ts';
import { createRecordingLogger, type RecordingLogger } from '../../../../../../support/recording-logger.ts';
import { createTestCa, type TestCa } from '../../../../../../support/test-ca.ts';
import { startVendorServer, type VendorReply, type VendorRequest, type VendorServer } from '../../../../../../support/vendor-server.ts';

const USER = 'certdesk';
const PASSWORD = 'hook-password-0123456789';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

/**
 * A webhook speaking lego's httpreq default mode (go-acme.github.io/lego/dns/httpreq/): POST
 * `<base>/present` and `<base>/cleanup` with `{"fqdn", "value"}` as JSON, Basic auth when it has a
 * password; it keeps TXT values per name in memory, adding and removing exactly the one asked for.
 */
function createFakeWebhook(base: string, options: { password?: string } = {}) {
  const records = new Map<string, string[]>([['_acme-challenge.example.com.', ['someone-else']]]);
  const problems: string[] = [];
  const state = { records, problems, inject: undefined as ((request: VendorRequest) => VendorReply | undefined) | undefined };
  const handler = (request: VendorRequest): VendorReply => {
    if (options.password !== undefined && request.headers.authorization !== `Basic ${Buffer.from(`${USER}:${options.password}`).toString('base64')}`) {
      return { status: 401, headers: { 'www-authenticate': 'Basic realm="dns"' }, body: 'Unauthorized' };
    }
    const injected = state.inject?.(request);
    if (injected !== undefined) return injected;
    const action = request.url.pathname === `${base}/present` ? 'present' : request.url.pathname === `${base}/cleanup` ? 'cleanup' : undefined;
    if (action === undefined || request.method !== 'POST') return { status: 404, body: '404 page not found' };
    if (request.url.search !== '') problems.push(`query ${request.url.search}`);
    if (request.headers['content-type'] !== 'application/json') problems.push(`content-type ${String(request.headers['content-type'])}`);
    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      return { status: 400, body: 'not JSON' };
    }
    const { fqdn, value, ...rest } = body as { fqdn?: unknown; value?: unknown };
    if (typeof fqdn !== 'string' || typeof value !== 'string' || Object.keys(rest).length > 0 || !fqdn.endsWith('.')) {
      problems.push(`body ${request.body}`);
      return { status: 400, body: 'bad body' };
    }
    const values = records.get(fqdn) ?? [];
    if (action === 'present' && !values.includes(value)) records.set(fqdn, [...values, value]);
    if (action === 'cleanup') {
      const rest2 = values.filter((v) => v !== value);
      if (rest2.length === 0) records.delete(fqdn);
      else records.set(fqdn, rest2);
    }
    return { status: 200, body: '' };
  };
  return { state, handler };
}

let ca: TestCa;
let fake: ReturnType<typeof createFakeWebhook>;
let server: VendorServer;
let logger: RecordingLogger = createRecordingLogger();
let waits: number[] = [];
const running: Array<{ server: VendorServer; problems: string[] }> = [];

beforeAll(async () => {
  ca = await createTestCa({ hosts: ['127.0.0.1'] });
});

/** Starts a fresh webhook under `/acme` (HTTPS unless `http`). */
async function start(options: { password?: string; http?: boolean } = {}): Promise<void> {
  fake = createFakeWebhook('/acme', options.password === undefined ? {} : { password: options.password });
  server = await startVendorServer(fake.handler, options.http === true ? { http: true } : { ca });
  running.push({ server, problems: fake.state.problems });
  logger = createRecordingLogger();
  waits = [];
}

afterEach(async () => {
  const stopping = running.splice(0);
  await Promise.all(stopping.map((entry) => entry.server.stop()));
  for (const entry of stopping) expect(entry.problems).toEqual([]);
});

function context(): ProviderContext {
  return { logger, extraCaPem: ca.caCertPem, sleep: (ms) => { waits.push(ms); return Promise.resolve(); } };
}

function provider(overrides: Partial<HttpreqOptions> = {}) {
  return createHttpreqProvider({ endpoint: `${server.url}/acme/`, username: USER, password: PASSWORD, ...overrides }, context());
}

async function rejection(promise: Promise<unknown>): Promise<DnsError> {
  const error: unknown = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof DnsError)) throw new Error(`expected a DnsError, got ${String(error)}`);
  return error;
}

function expectNoSecret(error: DnsError): void {
  const everything = JSON.stringify({ message: error.message, remedy: error.remedy, logs: logger.lines });
  expect(everything).not.toContain(PASSWORD);
  expect(everything).not.toContain(BASIC.slice('Basic '.length));
}

describe('createHttpreqProvider against a lego-style webhook', () => {
  it('POSTs {fqdn, value} to /present and /cleanup with Basic auth, so two values coexist and each goes alone', async () => {
    await start({ password: PASSWORD });
    const dns = provider();
    await dns.present('_acme-challenge.example.com', 'wildcard-value');
    await dns.present('_acme-challenge.example.com.', 'apex-value');
    expect(fake.state.records.get('_acme-challenge.example.com.')).toEqual(['someone-else', 'wildcard-value', 'apex-value']);
    await dns.cleanup('_acme-challenge.example.com.', 'wildcard-value');
    await dns.cleanup('_acme-challenge.example.com.', 'apex-value');
    expect(fake.state.records.get('_acme-challenge.example.com.')).toEqual(['someone-else']);
    expect(server.requests.map((request) => [request.method, request.url.pathname, request.body, request.headers.authorization])).toEqual([
      ['POST', '/acme/present', '{"fqdn":"_acme-challenge.example.com.","value":"wildcard-value"}', BASIC],
      ['POST', '/acme/present', '{"fqdn":"_acme-challenge.example.com.","value":"apex-value"}', BASIC],
      ['POST', '/acme/cleanup', '{"fqdn":"_acme-challenge.example.com.","value":"wildcard-value"}', BASIC],
      ['POST', '/acme/cleanup', '{"fqdn":"_acme-challenge.example.com.","value":"apex-value"}', BASIC],
    ]);
  });

  it('sends no Authorization header without credentials, and works over http to this machine', async () => {
    await start({ http: true });
    const dns = createHttpreqProvider({ endpoint: `${server.url}/acme` }, context());
    await dns.present('_acme-challenge.example.org.', 'v');
    expect(fake.state.records.get('_acme-challenge.example.org.')).toEqual(['v']);
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    const withPassword = createHttpreqProvider({ endpoint: `${server.url}/acme`, username: USER, password: PASSWORD }, context());
    await withPassword.cleanup('_acme-challenge.example.org.', 'v');
    expect(fake.state.records.has('_acme-challenge.example.org.')).toBe(false);
  });

  it('maps wrong credentials to auth without retrying or leaking the password', async () => {
    await start({ password: 'the-right-one' });
    const error = await rejection(provider().present('_acme-challenge.example.com.', 'v'));
    expect(error).toMatchObject({ failure: 'auth', code: 'needs_admin' });
    expect(error.message).toBe(`Unable to add the TXT record _acme-challenge.example.com at the httpreq endpoint ${new URL(server.url).host}, the webhook refused the credentials: it answered HTTP 401 (Unauthorized)`);
    expect(error.remedy).toContain('Check the user name and password');
    expect(server.requests).toHaveLength(1);
    expectNoSecret(error);
  });

  it('maps a wrong path to bad_config naming the URLs it POSTs to', async () => {
    await start();
    const dns = createHttpreqProvider({ endpoint: `${server.url}/wrong` }, context());
    const error = await rejection(dns.present('_acme-challenge.example.com.', 'v'));
    expect(error).toMatchObject({ failure: 'bad_config' });
    expect(error.message).toContain('HTTP 404 (404 page not found)');
    expect(error.remedy).toBe(`Check the endpoint: CertDesk POSTs to ${server.url}/wrong/present and ${server.url}/wrong/cleanup, as lego's httpreq provider does.`);
  });

  it('retries a failing webhook with backoff, honouring Retry-After, and ends as server_error', async () => {
    await start();
    fake.state.inject = () => ({ status: 503, headers: { 'retry-after': '2' }, body: 'busy' });
    const dns = createHttpreqProvider({ endpoint: `${server.url}/acme` }, context());
    const error = await rejection(dns.cleanup('_acme-challenge.example.com.', 'v'));
    expect(error).toMatchObject({ failure: 'server_error', transient: true });
    expect(waits).toEqual([2000, 2000, 2000]);
    expect(server.requests).toHaveLength(4);
  });

  it('recovers when the webhook answers again, and reports 429 as rate_limited', async () => {
    await start();
    let failures = 1;
    fake.state.inject = () => (failures-- > 0 ? { status: 500, body: 'oops' } : undefined);
    const dns = createHttpreqProvider({ endpoint: `${server.url}/acme` }, context());
    await dns.present('_acme-challenge.example.com.', 'v');
    expect(waits).toEqual([1000]);
    fake.state.inject = () => ({ status: 429, body: 'slow down' });
    const error = await rejection(dns.present('_acme-challenge.example.com.', 'v'));
    expect(error).toMatchObject({ failure: 'rate_limited' });
  });

  it('maps another 4xx to bad_config quoting the webhook', async () => {
    await start();
    fake.state.inject = () => ({ status: 422, body: 'zone example.com is not managed here' });
    const error = await rejection(createHttpreqProvider({ endpoint: `${server.url}/acme` }, context()).present('_acme-challenge.example.com.', 'v'));
    expect(error).toMatchObject({ failure: 'bad_config' });
    expect(error.message).toContain('the webhook refused the request: it answered HTTP 422 (zone example.com is not managed here)');
  });
});

describe('check', () => {
  it('GETs the endpoint and counts any HTTP answer as reachable, without changing anything', async () => {
    await start();
    expect(await createHttpreqProvider({ endpoint: `${server.url}/acme` }, context()).check()).toEqual({});
    expect(server.requests.map((request) => `${request.method} ${request.url.pathname}`)).toEqual(['GET /acme']);
    fake.state.inject = () => ({ status: 500, body: 'oops' });
    expect(await createHttpreqProvider({ endpoint: `${server.url}/acme` }, context()).check()).toEqual({});
    expect(server.requests).toHaveLength(2);
    expect(fake.state.records.get('_acme-challenge.example.com.')).toEqual(['someone-else']);
  });

  it('reports 401/403 as auth', async () => {
    await start({ password: 'the-right-one' });
    const error = await rejection(provider().check());
    expect(error).toMatchObject({ failure: 'auth' });
    expectNoSecret(error);
  });

  it('reports an endpoint nobody answers on as network', async () => {
    await start();
    const url = server.url;
    await server.stop();
    const error = await rejection(createHttpreqProvider({ endpoint: `${url}/acme` }, context()).check());
    expect(error).toMatchObject({ failure: 'network', transient: true });
    expect(error.message).toContain('ECONNREFUSED');
  });
});

describe('settings', () => {
  it.each([
    ['https://dns-hook.example.com/acme', undefined],
    ['http://127.0.0.1:8080', undefined],
    ['ftp://example.com', 'it must start with https:// or http://'],
    ['https://u:p@example.com', 'it must not contain a user name or password (they are fields of their own)'],
    ['https://example.com/?token=x', 'it must not contain a query or fragment'],
    ['example.com/acme', 'it is not a URL (e.g. https://dns-hook.example.com/acme)'],
  ])('checkHttpreqEndpoint(%j)', (value, expected) => {
    expect(checkHttpreqEndpoint(value)).toBe(expected);
  });

  it.each([
    ['https://h.example/acme', 'https://h.example/acme/present'],
    ['https://h.example/acme/', 'https://h.example/acme/present'],
    ['https://h.example', 'https://h.example/present'],
  ])('httpreqUrl(%j, present)', (endpoint, expected) => {
    expect(httpreqUrl(endpoint, 'present').href).toBe(expected);
  });

  it('refuses RAW mode, half credentials and a password over http to another host', () => {
    const ctx: ProviderContext = { logger: createRecordingLogger() };
    expect(() => createHttpreqProvider({ endpoint: 'https://h.example', mode: 'RAW' }, ctx)).toThrow(/mode RAW is not supported/);
    expect(() => createHttpreqProvider({ endpoint: 'https://h.example', username: USER }, ctx)).toThrow(/only one of the user name and the password/);
    expect(() => createHttpreqProvider({ endpoint: 'http://hook.lan', username: USER, password: PASSWORD }, ctx)).toThrow(/password would be sent in clear over http to hook.lan/);
    expect(() => createHttpreqProvider({ endpoint: 'http://hook.lan' }, ctx)).not.toThrow();
    expect(() => createHttpreqProvider({ endpoint: 'hook.lan' }, ctx)).toThrow(/endpoint is not valid/);
  });

  it('declares default as its only mode, the password as a secret, in both locales', async () => {
    expect(httpreqDefinition.kind).toBe('httpreq');
    expect(httpreqDefinition.fields.map((f) => [f.key, f.secret, f.optional ?? false])).toEqual([
      ['endpoint', false, false],
      ['mode', false, true],
      ['username', false, true],
      ['password', true, true],
    ]);
    expect(httpreqDefinition.fields.find((f) => f.key === 'mode')?.choices).toEqual(['default']);
    expect(httpreqDefinition.fields.find((f) => f.key === 'username')?.validate?.('a:b')).toBe('it must not contain ":" or control characters');
    for (const f of httpreqDefinition.fields) expect(f.help['zh-CN']).not.toBe('');
    await start();
    const dns = httpreqDefinition.create({ endpoint: `${server.url}/acme`, mode: 'default' }, context());
    await dns.present('_acme-challenge.example.net.', 'x');
    expect(fake.state.records.get('_acme-challenge.example.net.')).toEqual(['x']);
  });
});
