import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DnsError } from '../../../../../../../main/core/challenges/dns/dns-error.ts';
import {
  checkHuaweiRegion,
  createHuaweiCloudProvider,
  huaweiApiBase,
  huaweicloudDefinition,
  huaweiVerdict,
  readHuaweiError,
  type HuaweiCloudOptions,
} from '../../../../../../../main/core/challenges/dns/providers/huaweicloud.ts';
import type { ProviderContext } from '../../../../../../../main/core/challenges/dns/provider.ts';
import { signHuaweiRequest } from '../../../../../../../main/core/challenges/dns/signing/huawei-sdk-hmac.ts';
import { createRecordingLogger, type RecordingLogger } from '../../../../../../support/recording-logger.ts';
import { createTestCa, type TestCa } from '../../../../../../support/test-ca.ts';
import { startVendorServer, type VendorReply, type VendorRequest, type VendorServer } from '../../../../../../support/vendor-server.ts';

const AK = 'HPUAEXAMPLEAK0000001';
const SK = 'hwSecretKeyExample0123456789abcdefghijKLMN';
const PROJECT = '0123456789abcdef0123456789abcdef';

/** The largest clock skew Huawei's API Gateway accepts on X-Sdk-Date (its signing guide: 15 minutes). */
const MAX_SKEW_MS = 15 * 60_000;

interface FakeSet {
  id: string;
  zoneId: string;
  name: string;
  type: string;
  ttl: number;
  records: string[];
}

/** Huawei's error bodies: API Gateway's and the DNS service's shapes (API reference, "Error Codes"). */
const gatewayError = (status: number, code: string, message: string, headers: Record<string, string> = {}): VendorReply =>
  ({ status, headers, body: { error_code: code, error_msg: message, request_id: 'req-0001' } });
const dnsError = (status: number, code: string, message: string): VendorReply => ({ status, body: { code, message } });

/**
 * A stand-in for Huawei Cloud DNS v2: checks every request's SDK-HMAC-SHA256 signature by re-signing
 * it (the signer is pinned to Huawei's documented example in its own test), its method, path, query
 * and body, holds zones and record sets in memory, and answers with the API reference's shapes.
 * `inject` can answer a request before the fake does (errors, throttling, races).
 */
function createFakeHuawei() {
  let nextId = 1;
  const zones = [
    { id: 'zone-example', name: 'example.com.' },
    { id: 'zone-myexample', name: 'myexample.com.' },
    { id: 'zone-other', name: 'other.org.' },
  ];
  const sets: FakeSet[] = [
    { id: 'rs-spf', zoneId: 'zone-example', name: 'example.com.', type: 'TXT', ttl: 300, records: ['"v=spf1 -all"'] },
    { id: 'rs-www', zoneId: 'zone-example', name: 'www.example.com.', type: 'A', ttl: 300, records: ['192.0.2.1'] },
    { id: 'rs-foreign', zoneId: 'zone-example', name: '_acme-challenge.foreign.example.com.', type: 'TXT', ttl: 120, records: ['"keep-me"'] },
  ];
  const problems: string[] = [];
  const state = {
    zones,
    sets,
    problems,
    /** Page size the fake applies to zone lists (real Huawei honours `limit`; this exercises paging). */
    zonePageSize: 500,
    inject: undefined as ((request: VendorRequest) => VendorReply | undefined) | undefined,
  };

  const verify = (request: VendorRequest): VendorReply | undefined => {
    const authorization = request.headers.authorization ?? '';
    const match = /^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(authorization);
    if (match === null) return gatewayError(401, 'APIGW.0301', 'Incorrect IAM authentication information: Authorization header is malformed');
    const [, access = '', signedHeaders = '', signature = ''] = match;
    const sdkDate = request.headers['x-sdk-date'] ?? '';
    const dateMatch = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(sdkDate);
    if (dateMatch === null) return gatewayError(401, 'APIGW.0301', 'Incorrect IAM authentication information: x-sdk-date is invalid');
    const [, y, mo, d, h, mi, s] = dateMatch.map(Number);
    const date = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s));
    if (Math.abs(Date.now() - date.getTime()) > MAX_SKEW_MS) return gatewayError(401, 'APIGW.0301', 'Incorrect IAM authentication information: signature expired');
    const names = signedHeaders.split(';');
    if (!names.includes('host') || !names.includes('x-sdk-date')) return gatewayError(401, 'APIGW.0301', 'Incorrect IAM authentication information: host and x-sdk-date must be signed');
    const headers: Record<string, string> = {};
    for (const name of names) {
      if (name === 'host' || name === 'x-sdk-date') continue;
      const value = request.headers[name];
      if (value === undefined) return gatewayError(401, 'APIGW.0301', `Incorrect IAM authentication information: signed header ${name} is missing`);
      headers[name] = value;
    }
    const url = new URL(`${request.url.pathname}${request.url.search}`, `https://${request.headers.host ?? ''}`);
    const expected = signHuaweiRequest({ method: request.method, url, headers, body: request.body }, { accessKeyId: AK, secretAccessKey: SK }, date);
    if (access !== AK) return gatewayError(401, 'APIGW.0301', 'Incorrect IAM authentication information: AK access failed to reach the limit,forbidden');
    if (expected.signedHeaders !== signedHeaders || expected.signature !== signature) {
      return gatewayError(401, 'APIGW.0301', 'Incorrect IAM authentication information: verify aksk signature fail');
    }
    return undefined;
  };

  const expectQuery = (request: VendorRequest, expected: Record<string, string>): boolean => {
    const actual = Object.fromEntries(request.url.searchParams);
    const ok = JSON.stringify(Object.keys(actual).sort()) === JSON.stringify(Object.keys(expected).sort())
      && Object.entries(expected).every(([key, value]) => actual[key] === value)
      && [...request.url.searchParams].length === Object.keys(expected).length;
    if (!ok) problems.push(`${request.method} ${request.url.pathname}: query ${request.url.search} is not ${JSON.stringify(expected)}`);
    return ok;
  };

  const setJson = (set: FakeSet, status?: string) => ({
    id: set.id, name: set.name, type: set.type, ttl: set.ttl, records: set.records, status: status ?? 'ACTIVE', description: null,
    zone_id: set.zoneId, zone_name: zones.find((zone) => zone.id === set.zoneId)?.name, default: false, project_id: PROJECT,
    links: { self: `https://dns.cn-north-4.myhuaweicloud.com/v2/zones/${set.zoneId}/recordsets/${set.id}` },
  });

  const readBody = (request: VendorRequest): { name?: unknown; type?: unknown; ttl?: unknown; records?: unknown } | undefined => {
    if (request.headers['content-type'] !== 'application/json') {
      problems.push(`${request.method} ${request.url.pathname}: content-type ${String(request.headers['content-type'])}`);
      return undefined;
    }
    try {
      return JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      problems.push(`${request.method} ${request.url.pathname}: body is not JSON`);
      return undefined;
    }
  };

  const handler = (request: VendorRequest): VendorReply => {
    const rejected = verify(request);
    if (rejected !== undefined) return rejected;
    const injected = state.inject?.(request);
    if (injected !== undefined) return injected;
    const path = request.url.pathname;
    if (request.method === 'GET' && path === '/v2/zones') {
      const name = request.url.searchParams.get('name');
      if (name !== null) {
        if (!expectQuery(request, { type: 'public', name })) return dnsError(400, 'DNS.0002', 'Invalid request.');
        // ListPublicZones matches `name` fuzzily (the API reference: "Fuzzy search will work").
        const found = zones.filter((zone) => zone.name.includes(name));
        return { status: 200, body: { links: { self: request.url.href }, zones: found.map((zone) => ({ ...zone, zone_type: 'public', status: 'ACTIVE', ttl: 300 })), metadata: { total_count: found.length } } };
      }
      const offset = Number(request.url.searchParams.get('offset'));
      if (!expectQuery(request, { type: 'public', limit: '500', offset: String(offset) })) return dnsError(400, 'DNS.0002', 'Invalid request.');
      const page = zones.slice(offset, offset + state.zonePageSize);
      return { status: 200, body: { links: { self: request.url.href }, zones: page.map((zone) => ({ ...zone, zone_type: 'public', status: 'ACTIVE' })), metadata: { total_count: zones.length } } };
    }
    const setsPath = /^\/v2\/zones\/([^/]+)\/recordsets(?:\/([^/]+))?$/.exec(path);
    if (setsPath === null) return dnsError(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment');
    const [, zoneId = '', setId] = setsPath;
    if (!zones.some((zone) => zone.id === zoneId)) return dnsError(404, 'DNS.0302', 'This zone does not exist.');
    if (request.method === 'GET' && setId === undefined) {
      const name = request.url.searchParams.get('name') ?? '';
      if (!expectQuery(request, { type: 'TXT', name, search_mode: 'equal' })) return dnsError(400, 'DNS.0002', 'Invalid request.');
      const found = sets.filter((set) => set.zoneId === zoneId && set.type === 'TXT' && set.name === name);
      return { status: 200, body: { links: { self: request.url.href }, recordsets: found.map((set) => setJson(set)), metadata: { total_count: found.length } } };
    }
    if (request.method === 'POST' && setId === undefined) {
      expectQuery(request, {});
      const body = readBody(request);
      const keys = body === undefined ? [] : Object.keys(body).sort();
      if (body === undefined || JSON.stringify(keys) !== '["name","records","ttl","type"]' || body.type !== 'TXT' || body.ttl !== 300
        || !Array.isArray(body.records) || typeof body.name !== 'string') {
        problems.push(`POST ${path}: unexpected body ${request.body}`);
        return dnsError(400, 'DNS.0002', 'Invalid request.');
      }
      const name = body.name;
      if (sets.some((set) => set.zoneId === zoneId && set.name === name && set.type === 'TXT')) return dnsError(400, 'DNS.0312', 'This record set already exists.');
      const created: FakeSet = { id: `rs-${nextId++}`, zoneId, name, type: 'TXT', ttl: 300, records: body.records as string[] };
      sets.push(created);
      return { status: 202, body: setJson(created, 'PENDING_CREATE') };
    }
    const index = sets.findIndex((set) => set.zoneId === zoneId && set.id === setId);
    if (index < 0) return dnsError(404, 'DNS.0313', 'This record set does not exist.');
    const existing = sets[index] as FakeSet;
    if (request.method === 'PUT') {
      expectQuery(request, {});
      const body = readBody(request);
      if (body === undefined || body.name !== existing.name || body.type !== 'TXT' || body.ttl !== existing.ttl || !Array.isArray(body.records)) {
        problems.push(`PUT ${path}: unexpected body ${request.body}`);
        return dnsError(400, 'DNS.0002', 'Invalid request.');
      }
      existing.records = body.records as string[];
      return { status: 202, body: setJson(existing, 'PENDING_UPDATE') };
    }
    if (request.method === 'DELETE') {
      expectQuery(request, {});
      if (request.body !== '') problems.push(`DELETE ${path}: has a body`);
      sets.splice(index, 1);
      return { status: 202, body: setJson(existing, 'PENDING_DELETE') };
    }
    problems.push(`unexpected ${request.method} ${path}`);
    return dnsError(400, 'DNS.0002', 'Invalid request.');
  };

  return { state, handler };
}

let ca: TestCa;
let fake: ReturnType<typeof createFakeHuawei>;
let server: VendorServer;
let logger: RecordingLogger = createRecordingLogger();
let waits: number[] = [];
const running: Array<{ server: VendorServer; problems: string[] }> = [];

beforeAll(async () => {
  ca = await createTestCa({ hosts: ['127.0.0.1'] });
});

/** Starts a fresh stand-in (fresh zones, records and request log) for one test. */
async function start(): Promise<void> {
  fake = createFakeHuawei();
  server = await startVendorServer(fake.handler, { ca });
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

function provider(overrides: Partial<HuaweiCloudOptions> = {}) {
  return createHuaweiCloudProvider({ accessKeyId: AK, secretAccessKey: SK, endpoint: server.url, ...overrides }, context());
}

function txtAt(name: string): string[] | undefined {
  return fake.state.sets.find((set) => set.name === name && set.type === 'TXT')?.records;
}

async function rejection(promise: Promise<unknown>): Promise<DnsError> {
  const error: unknown = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof DnsError)) throw new Error(`expected a DnsError, got ${String(error)}`);
  return error;
}

function expectNoSecret(error: DnsError): void {
  const everything = JSON.stringify({ message: error.message, remedy: error.remedy, logs: logger.lines });
  expect(everything).not.toContain(SK);
}

describe('createHuaweiCloudProvider against a Huawei Cloud DNS stand-in', () => {
  it('adds the wildcard and apex values on one name, then removes each without touching other records', async () => {
    await start();
    const dns = provider({ projectId: PROJECT });
    const before = structuredClone(fake.state.sets.filter((set) => set.name !== '_acme-challenge.example.com.'));

    await dns.present('_acme-challenge.example.com.', 'wildcard-value');
    expect(txtAt('_acme-challenge.example.com.')).toEqual(['"wildcard-value"']);
    await dns.present('_acme-challenge.example.com.', 'apex-value');
    expect(txtAt('_acme-challenge.example.com.')).toEqual(['"wildcard-value"', '"apex-value"']);

    // The exact requests, in order: discovery walks up the labels, then read, create / update.
    const writes = server.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.url.pathname} ${request.body}`);
    expect(writes).toEqual([
      'POST /v2/zones/zone-example/recordsets {"name":"_acme-challenge.example.com.","type":"TXT","ttl":300,"records":["\\"wildcard-value\\""]}',
      'PUT /v2/zones/zone-example/recordsets/rs-1 {"name":"_acme-challenge.example.com.","type":"TXT","ttl":300,"records":["\\"wildcard-value\\"","\\"apex-value\\""]}',
    ]);
    expect(server.requests.slice(0, 2).map((request) => request.url.searchParams.get('name'))).toEqual(['_acme-challenge.example.com.', 'example.com.']);
    expect(server.requests.every((request) => request.headers['x-project-id'] === PROJECT && request.headers.authorization?.includes('x-project-id'))).toBe(true);

    await dns.cleanup('_acme-challenge.example.com.', 'wildcard-value');
    expect(txtAt('_acme-challenge.example.com.')).toEqual(['"apex-value"']);
    await dns.cleanup('_acme-challenge.example.com.', 'apex-value');
    expect(txtAt('_acme-challenge.example.com.')).toBeUndefined();
    expect(fake.state.sets).toEqual(before);
    expect(server.requests.at(-1)?.method).toBe('DELETE');
  });

  it('treats a value already present, and a value or set already gone, as done without writing', async () => {
    await start();
    fake.state.sets.push({ id: 'rs-mixed', zoneId: 'zone-example', name: '_acme-challenge.www.example.com.', type: 'TXT', ttl: 60, records: ['"other"', '"mine"'] });
    const dns = provider();
    await dns.present('_acme-challenge.www.example.com', 'mine');
    await dns.cleanup('_acme-challenge.www.example.com.', 'never-added');
    await dns.cleanup('_acme-challenge.nothing.example.com.', 'never-added');
    expect(server.requests.every((request) => request.method === 'GET')).toBe(true);
    await dns.cleanup('_acme-challenge.www.example.com.', 'mine');
    expect(txtAt('_acme-challenge.www.example.com.')).toEqual(['"other"']);
    // The set keeps its own TTL on update.
    expect(JSON.parse(server.requests.at(-1)?.body ?? '{}')).toMatchObject({ ttl: 60, records: ['"other"'] });
  });

  it('compares values unquoted and leaves other clients\' quoting as it was', async () => {
    await start();
    fake.state.sets.push({ id: 'rs-odd', zoneId: 'zone-example', name: '_acme-challenge.odd.example.com.', type: 'TXT', ttl: 300, records: ['"split" "value"', 'bare'] });
    const dns = provider();
    await dns.present('_acme-challenge.odd.example.com.', 'splitvalue');
    await dns.present('_acme-challenge.odd.example.com.', 'bare');
    expect(server.requests.every((request) => request.method === 'GET')).toBe(true);
    await dns.present('_acme-challenge.odd.example.com.', 'new');
    expect(txtAt('_acme-challenge.odd.example.com.')).toEqual(['"split" "value"', 'bare', '"new"']);
  });

  it('picks the zone of exactly the name, not a fuzzy match, and caches it', async () => {
    await start();
    const dns = provider();
    await dns.present('_acme-challenge.myexample.com.', 'v');
    expect(fake.state.sets.find((set) => set.name === '_acme-challenge.myexample.com.')?.zoneId).toBe('zone-myexample');
    const lookups = server.requests.filter((request) => request.url.pathname === '/v2/zones').length;
    await dns.cleanup('_acme-challenge.myexample.com.', 'v');
    expect(server.requests.filter((request) => request.url.pathname === '/v2/zones').length).toBe(lookups);
  });

  it('re-reads once when another client creates the set between our read and our write (DNS.0312)', async () => {
    await start();
    let raced = false;
    fake.state.inject = (request) => {
      if (request.method !== 'POST' || raced) return undefined;
      raced = true;
      fake.state.sets.push({ id: 'rs-racer', zoneId: 'zone-example', name: '_acme-challenge.example.com.', type: 'TXT', ttl: 300, records: ['"racer"'] });
      return dnsError(400, 'DNS.0312', 'This record set already exists.');
    };
    await provider().present('_acme-challenge.example.com.', 'mine');
    expect(txtAt('_acme-challenge.example.com.')).toEqual(['"racer"', '"mine"']);
  });

  it('treats a set deleted by someone else during cleanup as gone (DNS.0313)', async () => {
    await start();
    fake.state.sets.push({ id: 'rs-gone', zoneId: 'zone-example', name: '_acme-challenge.example.com.', type: 'TXT', ttl: 300, records: ['"mine"'] });
    fake.state.inject = (request) => (request.method === 'DELETE' ? dnsError(404, 'DNS.0313', 'This record set does not exist.') : undefined);
    await provider().cleanup('_acme-challenge.example.com.', 'mine');
  });

  it('check() lists every public zone across pages without changing anything', async () => {
    await start();
    fake.state.zonePageSize = 2;
    expect(await provider().check()).toEqual({ zones: ['example.com.', 'myexample.com.', 'other.org.'] });
    expect(server.requests.map((request) => `${request.method} ${request.url.searchParams.get('offset') ?? ''}`)).toEqual(['GET 0', 'GET 2']);
  });

  it('fails with zone_not_found naming the names it looked for', async () => {
    await start();
    const error = await rejection(provider().present('_acme-challenge.example.net.', 'v'));
    expect(error).toMatchObject({ failure: 'zone_not_found', code: 'needs_admin' });
    expect(error.message).toBe('Unable to find the zone of _acme-challenge.example.net at Huawei Cloud DNS, no public zone of this account is named _acme-challenge.example.net, example.net');
    expect(error.remedy).toContain('DNS > Public Zones');
  });

  it('maps a wrong secret key to auth (APIGW.0301) without retrying or leaking the key', async () => {
    await start();
    const dns = createHuaweiCloudProvider({ accessKeyId: AK, secretAccessKey: 'wrong-secret-key-value', endpoint: server.url }, context());
    const error = await rejection(dns.check());
    expect(error).toMatchObject({ failure: 'auth', code: 'needs_admin', transient: false });
    expect(error.message).toBe('Unable to list the public zones at Huawei Cloud DNS, the AK/SK signature was rejected (APIGW.0301: Incorrect IAM authentication information: verify aksk signature fail)');
    expect(error.remedy).toContain('My Credentials > Access Keys');
    expect(server.requests).toHaveLength(1);
    expect(JSON.stringify(error)).not.toContain('wrong-secret-key-value');
    expect(error.message + (error.remedy ?? '') + logger.lines.join('\n')).not.toContain('wrong-secret-key-value');
  });

  it('maps a missing permission to refused (DNS.0013)', async () => {
    await start();
    fake.state.inject = (request) => (request.method === 'POST' ? dnsError(403, 'DNS.0013', 'You do not have the permission to perform this operation using the API.') : undefined);
    const error = await rejection(provider().present('_acme-challenge.example.com.', 'v'));
    expect(error).toMatchObject({ failure: 'refused' });
    expect(error.remedy).toContain('DNS FullAccess');
    expectNoSecret(error);
  });

  it('maps a zone deleted after discovery to zone_not_found (DNS.0302)', async () => {
    await start();
    const dns = provider();
    await dns.present('_acme-challenge.other.org.', 'v');
    fake.state.zones.splice(fake.state.zones.findIndex((zone) => zone.id === 'zone-other'), 1);
    const error = await rejection(dns.cleanup('_acme-challenge.other.org.', 'v'));
    expect(error).toMatchObject({ failure: 'zone_not_found' });
    expect(error.message).toContain('DNS.0302: This zone does not exist.');
  });

  it('waits as long as a throttled answer asks (Retry-After), then succeeds', async () => {
    await start();
    let throttled = 0;
    fake.state.inject = (request) => {
      if (request.method !== 'POST' || throttled >= 2) return undefined;
      throttled++;
      return gatewayError(429, 'APIGW.0308', 'The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 minute', { 'retry-after': '7' });
    };
    await provider().present('_acme-challenge.example.com.', 'v');
    expect(waits).toEqual([7000, 7000]);
    expect(txtAt('_acme-challenge.example.com.')).toEqual(['"v"']);
  });

  it('gives up on persistent flow control without a hint (DNS.0014) after backing off, as rate_limited', async () => {
    await start();
    fake.state.inject = () => dnsError(403, 'DNS.0014', 'Request forbidden by flow control.');
    const error = await rejection(provider().check());
    expect(error).toMatchObject({ failure: 'rate_limited', transient: true });
    expect(error.message).toContain('DNS.0014');
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(server.requests).toHaveLength(4);
    expectNoSecret(error);
  });

  it('reports an endpoint nobody answers on as network, after retrying', async () => {
    await start();
    const url = server.url;
    await server.stop();
    const error = await rejection(createHuaweiCloudProvider({ accessKeyId: AK, secretAccessKey: SK, endpoint: url }, context()).check());
    expect(error).toMatchObject({ failure: 'network', transient: true });
    expect(error.message).toContain('ECONNREFUSED');
    expect(waits).toHaveLength(3);
  });

  it('refuses a malformed region or endpoint at once', () => {
    expect(() => createHuaweiCloudProvider({ accessKeyId: AK, secretAccessKey: SK, region: 'North 4' }, context())).toThrow(/region North 4 is not valid/);
    expect(() => createHuaweiCloudProvider({ accessKeyId: AK, secretAccessKey: SK, endpoint: 'http://dns.example.com' }, context())).toThrow(/must start with https/);
  });
});

describe('readHuaweiError and huaweiVerdict', () => {
  it.each([
    ['{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail"}', 401, 'auth'],
    ['{"code":"DNS.0005","message":"Authentication required."}', 401, 'auth'],
    ['{"code":"DNS.0013","message":"You do not have the permission to perform this operation using the API."}', 403, 'refused'],
    ['{"code":"DNS.0014","message":"Request forbidden by flow control."}', 403, 'rate_limited'],
    ['{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}', 429, 'rate_limited'],
    ['{"code":"DNS.0302","message":"This zone does not exist."}', 404, 'zone_not_found'],
    ['{"code":"DNS.0312","message":"This record set already exists."}', 400, 'server_error'],
    ['{"code":"DNS.0016","message":"This record already exists."}', 400, 'server_error'],
    ['{"code":"DNS.0313","message":"This record set does not exist."}', 404, 'server_error'],
  ])('%s (HTTP %i) → %s', (body, status, failure) => {
    expect(huaweiVerdict(status, readHuaweiError(body))?.failure).toBe(failure);
  });

  it('leaves success, unknown codes and non-JSON bodies to the status defaults', () => {
    expect(huaweiVerdict(202, readHuaweiError('{"code":"DNS.0302"}'))).toBeUndefined();
    expect(huaweiVerdict(400, readHuaweiError('{"code":"DNS.0308","message":"Invalid record set value."}'))).toBeUndefined();
    expect(readHuaweiError('<html>bad gateway</html>')).toBeUndefined();
    expect(readHuaweiError('{"id":"x"}')).toBeUndefined();
  });
});

describe('settings', () => {
  it.each([
    ['cn-north-4', undefined],
    ['ap-southeast-1', undefined],
    ['CN-NORTH-4', 'it is not a region id like cn-north-4 or ap-southeast-1'],
    ['north', 'it is not a region id like cn-north-4 or ap-southeast-1'],
  ])('checkHuaweiRegion(%j)', (value, expected) => {
    expect(checkHuaweiRegion(value)).toBe(expected);
  });

  it('builds the regional endpoint unless one is given', () => {
    expect(huaweiApiBase('cn-north-4', undefined)).toBe('https://dns.cn-north-4.myhuaweicloud.com');
    expect(huaweiApiBase('ap-southeast-1', '')).toBe('https://dns.ap-southeast-1.myhuaweicloud.com');
    expect(huaweiApiBase('cn-north-4', 'https://127.0.0.1:8443/')).toBe('https://127.0.0.1:8443');
  });

  it('declares its fields in both locales, the secret key as a secret, and builds a working provider', async () => {
    expect(huaweicloudDefinition.kind).toBe('huaweicloud');
    expect(huaweicloudDefinition.fields.map((f) => [f.key, f.secret, f.optional ?? false])).toEqual([
      ['accessKeyId', false, false],
      ['secretAccessKey', true, false],
      ['region', false, true],
      ['projectId', false, true],
      ['endpoint', false, true],
    ]);
    for (const f of huaweicloudDefinition.fields) {
      expect(f.label.en).not.toBe('');
      expect(f.label['zh-CN']).not.toBe('');
      expect(f.help['zh-CN']).not.toBe('');
    }
    await start();
    const dns = huaweicloudDefinition.create({ accessKeyId: AK, secretAccessKey: SK, region: 'cn-north-4', endpoint: server.url }, context());
    expect(dns.kind).toBe('huaweicloud');
    expect((await dns.check()).zones).toContain('example.com.');
  });
});
