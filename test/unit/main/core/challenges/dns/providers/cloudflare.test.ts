import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DnsError } from '../../../../../../../main/core/challenges/dns/dns-error.ts';
import {
  CLOUDFLARE_DEFAULT_BASE_URL,
  cloudflareDefinition,
  createCloudflareProvider,
  interpretCloudflareResponse,
  isDoneAnyway,
  type CloudflareOptions,
} from '../../../../../../../main/core/challenges/dns/providers/cloudflare.ts';
import type { DnsProvider } from '../../../../../../../main/core/challenges/dns/provider.ts';
import { createRecordingLogger, type RecordingLogger } from '../../../../../../support/recording-logger.ts';
import { createTestCa, type TestCa } from '../../../../../../support/test-ca.ts';
import { startVendorServer, type VendorReply, type VendorRequest, type VendorServer } from '../../../../../../support/vendor-server.ts';

const TOKEN = 'Yx7-cloudflare-test-token-0123456789abcd';
const ZONE_ID = '023e105f4ecef8ad9ca31a8372d0c353';
const OTHER_ZONE_ID = '9a7806061c88ada191ed06f989cc3dac';

interface FakeRecord {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly content: string;
  readonly ttl: number;
}

/** Cloudflare's envelope for a success. */
const ok = (result: unknown, resultInfo?: unknown): VendorReply => ({
  status: 200,
  body: { success: true, errors: [], messages: [], result, ...(resultInfo === undefined ? {} : { result_info: resultInfo }) },
});

/** Cloudflare's envelope for a failure. */
const fail = (status: number, code: number, message: string, headers?: Record<string, string>): VendorReply => ({
  status,
  ...(headers === undefined ? {} : { headers }),
  body: { success: false, errors: [{ code, message }], messages: [], result: null },
});

/**
 * A stand-in for Cloudflare's API v4, as documented: zones `example.com` and `example.org`, TXT
 * records kept in memory. Every request must carry exactly `Authorization: Bearer <TOKEN>`; bodies
 * are checked field by field. `override` answers a request first when it returns a reply.
 */
class FakeCloudflare {
  readonly records = new Map<string, FakeRecord>();
  token = TOKEN;
  tokenStatus = 'active';
  override: ((request: VendorRequest) => VendorReply | undefined) | undefined;
  #next = 1;
  readonly zones = [
    { id: ZONE_ID, name: 'example.com', status: 'active' },
    { id: OTHER_ZONE_ID, name: 'example.org', status: 'active' },
  ];

  handle(request: VendorRequest): VendorReply {
    const overridden = this.override?.(request);
    if (overridden !== undefined) return overridden;
    if (request.headers.authorization !== `Bearer ${this.token}`) return fail(403, 10000, 'Authentication error');
    const path = request.url.pathname.replace(/^\/client\/v4/, '');
    const query = request.url.searchParams;
    if (request.method === 'GET' && path === '/user/tokens/verify') {
      return ok({ id: 'ed17574386854bf78a67040be0a770b0', status: this.tokenStatus });
    }
    if (request.method === 'GET' && path === '/zones') {
      const name = query.get('name');
      if (name !== null) return ok(this.zones.filter((zone) => zone.name === name), { page: 1, per_page: 20, count: 1, total_count: 1, total_pages: 1 });
      // One zone per page, so pagination is exercised.
      const page = Number(query.get('page') ?? '1');
      const zone = this.zones[page - 1];
      return ok(zone === undefined ? [] : [zone], { page, per_page: 1, count: 1, total_count: this.zones.length, total_pages: this.zones.length });
    }
    const zoneMatch = /^\/zones\/([0-9a-f]{32})(\/dns_records(?:\/([0-9a-f]+))?)?$/.exec(path);
    const zone = this.zones.find((candidate) => candidate.id === zoneMatch?.[1]);
    if (zoneMatch === null) return fail(400, 7000, 'No route for that URI');
    if (zone === undefined) return fail(400, 7003, 'Could not route to /zones/x, perhaps your object identifier is invalid?');
    if (zoneMatch[2] === undefined && request.method === 'GET') return ok(zone);
    const recordId = zoneMatch[3];
    if (request.method === 'POST' && recordId === undefined) {
      expect(request.headers['content-type']).toBe('application/json');
      const body = JSON.parse(request.body) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['content', 'name', 'ttl', 'type']);
      expect(body).toMatchObject({ type: 'TXT', ttl: 120 });
      const name = String(body.name);
      const content = String(body.content);
      if ([...this.records.values()].some((record) => record.name === name && record.content === content)) return fail(400, 81058, 'An identical record already exists.');
      const record = { id: `${String(this.#next++).padStart(8, '0')}abcdef`, type: 'TXT', name, content, ttl: Number(body.ttl) };
      this.records.set(record.id, record);
      return ok({ ...record, zone_id: zone.id, zone_name: zone.name, proxied: false });
    }
    if (request.method === 'GET' && recordId === undefined) {
      expect(request.body).toBe('');
      const matches = [...this.records.values()].filter((record) => (query.get('type') === null || record.type === query.get('type'))
        && (query.get('name') === null || record.name === query.get('name'))
        && (query.get('content') === null || record.content === query.get('content')));
      return ok(matches, { page: 1, per_page: 100, count: matches.length, total_count: matches.length, total_pages: 1 });
    }
    if (request.method === 'DELETE' && recordId !== undefined) {
      if (!this.records.delete(recordId)) return fail(404, 81044, 'Record does not exist.');
      return ok({ id: recordId });
    }
    return fail(405, 10405, `Method ${request.method} not allowed`);
  }

  values(name: string): string[] {
    return [...this.records.values()].filter((record) => record.name === name).map((record) => record.content).sort();
  }
}

let ca: TestCa;
let server: VendorServer;
let cloudflare: FakeCloudflare;
let logger: RecordingLogger;
let sleeps: number[];

beforeAll(async () => {
  ca = await createTestCa({ hosts: ['127.0.0.1'] });
  server = await startVendorServer((request) => cloudflare.handle(request), { ca });
});

afterAll(async () => {
  await server.stop();
});

afterEach(() => {
  cloudflare.override = undefined;
});

function provider(options: Partial<CloudflareOptions> = {}): DnsProvider {
  cloudflare = new FakeCloudflare();
  logger = createRecordingLogger();
  sleeps = [];
  (server.requests as VendorRequest[]).length = 0;
  return createCloudflareProvider({ apiToken: TOKEN, endpoint: `${server.url}/client/v4`, ...options }, {
    logger,
    extraCaPem: server.caPem,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
}

async function rejection(promise: Promise<unknown>): Promise<DnsError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(DnsError);
  return error as DnsError;
}

const calls = (): string[] => server.requests.map((request) => `${request.method} ${request.url.pathname.replace('/client/v4', '')}${request.url.search}`);

describe('createCloudflareProvider against a Cloudflare stand-in', () => {
  it('finds the zone by walking up the name and adds the TXT record with the documented body', async () => {
    const dns = provider();
    await dns.present('_acme-challenge.www.example.com.', 'value-one');
    expect(calls()).toEqual([
      'GET /zones?name=_acme-challenge.www.example.com',
      'GET /zones?name=www.example.com',
      'GET /zones?name=example.com',
      `POST /zones/${ZONE_ID}/dns_records`,
    ]);
    const post = server.requests.at(-1);
    expect(post?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(post?.body ?? '')).toEqual({ type: 'TXT', name: '_acme-challenge.www.example.com', content: 'value-one', ttl: 120 });
    expect(cloudflare.values('_acme-challenge.www.example.com')).toEqual(['value-one']);
    expect(logger.entries.at(-1)).toMatchObject({ message: 'Cloudflare TXT record added', fields: { provider: 'cloudflare', fqdn: '_acme-challenge.www.example.com.', zoneId: ZONE_ID } });
  });

  it('keeps a wildcard\'s and its apex\'s values apart and removes only its own, once the zone is known', async () => {
    const dns = provider();
    await dns.present('_acme-challenge.example.com.', 'apex');
    await dns.present('_acme-challenge.example.com.', 'wildcard');
    expect(cloudflare.values('_acme-challenge.example.com')).toEqual(['apex', 'wildcard']);
    await dns.cleanup('_acme-challenge.example.com.', 'wildcard');
    expect(cloudflare.values('_acme-challenge.example.com')).toEqual(['apex']);
    // The zone was looked up once for the name; cleanup lists with name and content, then deletes one id.
    expect(calls().filter((call) => call.startsWith('GET /zones?name='))).toHaveLength(2);
    const listing = server.requests.find((request) => request.method === 'GET' && request.url.pathname.endsWith('/dns_records'));
    expect(Object.fromEntries(listing?.url.searchParams ?? [])).toEqual({ type: 'TXT', name: '_acme-challenge.example.com', content: 'wildcard', per_page: '100' });
    expect(calls().filter((call) => call.startsWith('DELETE'))).toEqual([`DELETE /zones/${ZONE_ID}/dns_records/00000002abcdef`]);
  });

  it('treats an existing value (81058) as presented, and a missing one as cleaned up', async () => {
    const dns = provider();
    await dns.present('_acme-challenge.example.com.', 'same');
    await dns.present('_acme-challenge.example.com.', 'same');
    expect(cloudflare.values('_acme-challenge.example.com')).toEqual(['same']);
    expect(logger.entries.map((entry) => entry.message)).toContain('Cloudflare TXT value already present');
    await dns.cleanup('_acme-challenge.example.com.', 'same');
    await dns.cleanup('_acme-challenge.example.com.', 'same');
    expect(cloudflare.values('_acme-challenge.example.com')).toEqual([]);
    expect(logger.entries.at(-1)?.message).toBe('Cloudflare TXT value already gone');
    expect(calls().filter((call) => call.startsWith('DELETE'))).toHaveLength(1);
  });

  it('tolerates a record deleted between listing and deleting it (81044)', async () => {
    const dns = provider();
    await dns.present('_acme-challenge.example.com.', 'racy');
    cloudflare.override = (request) => (request.method === 'DELETE' ? fail(404, 81044, 'Record does not exist.') : undefined);
    await dns.cleanup('_acme-challenge.example.com.', 'racy');
    expect(logger.entries.at(-1)).toMatchObject({ message: 'Cloudflare TXT value already gone' });
  });

  it('uses the configured zone id without looking the zone up', async () => {
    const dns = provider({ zoneId: OTHER_ZONE_ID });
    await dns.present('_acme-challenge.example.org.', 'direct');
    expect(calls()).toEqual([`POST /zones/${OTHER_ZONE_ID}/dns_records`]);
  });

  it('says which names it tried when no zone holds the name, and writes nothing', async () => {
    const dns = provider();
    const error = await rejection(dns.present('_acme-challenge.www.example.net.', 'v'));
    expect(error.failure).toBe('zone_not_found');
    expect(error.message).toBe('Unable to find the zone of _acme-challenge.www.example.net at Cloudflare, zone not found: the API token sees no zone named _acme-challenge.www.example.net, www.example.net, example.net');
    expect(calls().some((call) => call.startsWith('POST'))).toBe(false);
  });

  it('reports a zone id that does not exist as zone_not_found', async () => {
    const dns = provider({ zoneId: 'ffffffffffffffffffffffffffffffff' });
    const error = await rejection(dns.present('_acme-challenge.example.com.', 'v'));
    expect(error.failure).toBe('zone_not_found');
    expect(error.message).toContain('7003 Could not route');
    expect(error.remedy).toMatch(/zone id/);
  });

  it('rejects a wrong token once (no retry) with the permissions to check, never quoting the token', async () => {
    const dns = provider({ apiToken: 'wrong-token-value-abcdef' });
    cloudflare.token = TOKEN;
    const error = await rejection(dns.present('_acme-challenge.example.com.', 'v'));
    expect(error).toMatchObject({ failure: 'auth', code: 'needs_admin', transient: false });
    expect(error.message).toBe('Unable to find the zone of _acme-challenge.example.com at Cloudflare, the API token was rejected (HTTP 403: 10000 Authentication error)');
    expect(error.remedy).toContain('Zone → Zone → Read and Zone → DNS → Edit');
    expect(server.requests).toHaveLength(1);
    for (const text of [error.message, error.remedy ?? '', ...logger.lines]) expect(text).not.toContain('wrong-token-value-abcdef');
  });

  it('waits as Retry-After says on a 429 and then goes on', async () => {
    const dns = provider({ zoneId: ZONE_ID });
    let limited = 1;
    cloudflare.override = () => (limited-- > 0 ? fail(429, 971, 'Please wait and consider throttling your request speed', { 'retry-after': '3' }) : undefined);
    await dns.present('_acme-challenge.example.com.', 'after-wait');
    expect(sleeps).toEqual([3000]);
    expect(cloudflare.values('_acme-challenge.example.com')).toEqual(['after-wait']);
    expect(logger.entries.find((entry) => entry.level === 'warn')?.fields).toMatchObject({ failure: 'rate_limited', waitMs: 3000 });
  });

  it('gives up on a server that keeps failing with a transient server_error', async () => {
    const dns = provider({ zoneId: ZONE_ID });
    cloudflare.override = () => fail(502, 0, 'Bad gateway');
    const error = await rejection(dns.present('_acme-challenge.example.com.', 'v'));
    expect(error).toMatchObject({ failure: 'server_error', transient: true });
    expect(server.requests).toHaveLength(4);
  });

  it('check() verifies the token and lists every page of zones, changing nothing', async () => {
    const dns = provider();
    await expect(dns.check()).resolves.toEqual({ zones: ['example.com.', 'example.org.'] });
    expect(calls()).toEqual(['GET /user/tokens/verify', 'GET /zones?per_page=50&page=1', 'GET /zones?per_page=50&page=2']);
    expect(server.requests.every((request) => request.method === 'GET')).toBe(true);
  });

  it('check() names the configured zone, and refuses a token that is not active', async () => {
    const withZone = provider({ zoneId: OTHER_ZONE_ID });
    await expect(withZone.check()).resolves.toEqual({ zones: ['example.org.'] });
    const disabled = provider();
    cloudflare.tokenStatus = 'disabled';
    const error = await rejection(disabled.check());
    expect(error.failure).toBe('auth');
    expect(error.message).toBe('Unable to verify the API token at Cloudflare, the token is disabled');
  });

  it('check() rejects an invalid token as Cloudflare answers it (401, code 1000)', async () => {
    const dns = provider();
    cloudflare.override = () => fail(401, 1000, 'Invalid API Token');
    const error = await rejection(dns.check());
    expect(error.failure).toBe('auth');
    expect(error.message).toContain('(HTTP 401: 1000 Invalid API Token)');
  });

  it('refuses an empty token or a non-https API URL at once', () => {
    expect(() => createCloudflareProvider({ apiToken: ' ' }, { logger: createRecordingLogger() })).toThrow(/API token is empty/);
    expect(() => createCloudflareProvider({ apiToken: TOKEN, endpoint: 'http://api.example' }, { logger: createRecordingLogger() })).toThrow(/must start with https/);
  });
});

describe('interpretCloudflareResponse', () => {
  const envelope = (success: boolean, codes: number[]): string => JSON.stringify({ success, errors: codes.map((code) => ({ code, message: `m${code}` })), messages: [], result: null });
  it.each([
    [200, envelope(true, []), undefined],
    [200, envelope(false, [10000]), 'auth'],
    [400, envelope(false, [6003, 6111]), 'auth'],
    [401, envelope(false, [1000]), 'auth'],
    [403, envelope(false, [9109]), 'auth'],
    [429, envelope(false, [971]), 'rate_limited'],
    [400, envelope(false, [10429]), 'rate_limited'],
    [400, envelope(false, [7003]), 'zone_not_found'],
    [404, envelope(false, [1001]), 'zone_not_found'],
    [400, envelope(false, [9005]), 'bad_config'],
    [500, envelope(false, [10002]), 'server_error'],
    [502, '<html>bad gateway</html>', 'server_error'],
    [404, 'not found', undefined],
  ])('HTTP %i %s → %s', (status, body, failure) => {
    expect(interpretCloudflareResponse({ status, body })?.failure).toBe(failure);
  });

  it('treats "already exists" and "does not exist" as done', () => {
    expect(isDoneAnyway({ body: envelope(false, [81057]) })).toBe(true);
    expect(isDoneAnyway({ body: envelope(false, [81058]) })).toBe(true);
    expect(isDoneAnyway({ body: envelope(false, [81044]) })).toBe(true);
    expect(isDoneAnyway({ body: envelope(false, [81053]) })).toBe(false);
    expect(isDoneAnyway({ body: 'not json' })).toBe(false);
  });
});

describe('cloudflareDefinition', () => {
  it('declares the token as the one secret and validates the optional zone id and API URL', () => {
    expect(cloudflareDefinition.fields.map((field) => [field.key, field.secret, field.optional === true])).toEqual([
      ['apiToken', true, false],
      ['zoneId', false, true],
      ['endpoint', false, true],
    ]);
    const zoneId = cloudflareDefinition.fields.find((field) => field.key === 'zoneId');
    expect(zoneId?.validate?.(ZONE_ID)).toBeUndefined();
    expect(zoneId?.validate?.('example.com')).toMatch(/32 hexadecimal digits/);
    for (const field of cloudflareDefinition.fields) {
      expect(field.help.en).not.toBe('');
      expect(field.help['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('takes an https endpoint only (the API token travels to it)', () => {
    const endpoint = cloudflareDefinition.fields.find((field) => field.key === 'endpoint');
    expect(endpoint?.validate?.(CLOUDFLARE_DEFAULT_BASE_URL)).toBeUndefined();
    expect(endpoint?.validate?.('http://api.cloudflare.com/client/v4')).toBe('it must start with https://');
  });

  it('builds a provider from stored credentials through the kind\'s create', async () => {
    provider();
    const built = cloudflareDefinition.create({ apiToken: TOKEN, endpoint: `${server.url}/client/v4`, zoneId: ZONE_ID }, { logger, extraCaPem: server.caPem });
    expect(built.kind).toBe('cloudflare');
    await built.present('_acme-challenge.example.com.', 'via-definition');
    expect(cloudflare.values('_acme-challenge.example.com')).toEqual(['via-definition']);
  });
});
