import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DnsError, type DnsFailure } from '../../../../../../../main/core/challenges/dns/dns-error.ts';
import type { ApiResponse } from '../../../../../../../main/core/challenges/dns/http-api.ts';
import {
  alidnsDefinition,
  createAlidnsProvider,
  interpretAlidnsResponse,
  isAlidnsDoneAnyway,
  relativeName,
  validateAlidnsEndpoint,
} from '../../../../../../../main/core/challenges/dns/providers/alidns.ts';
import type { DnsProvider } from '../../../../../../../main/core/challenges/dns/provider.ts';
import { createRecordingLogger, type RecordingLogger } from '../../../../../../support/recording-logger.ts';
import { startVendorServer, type VendorReply, type VendorRequest, type VendorServer } from '../../../../../../support/vendor-server.ts';

const ACCESS_KEY_ID = 'LTAI5tCertDeskTest0001';
const ACCESS_KEY_SECRET = 'alidns-test-secret-9f8e7d6c5b4a';

/**
 * The signature check of the stand-in, written from Alibaba's documented rules and independent of
 * main/core/challenges/dns/signing/alibaba-rpc.ts: only A–Z a–z 0–9 - _ . ~ stay literal, byte by
 * byte; parameters sorted; `GET&%2F&<encoded query>`; HMAC-SHA1 keyed with `secret&`.
 */
function documentedEncode(text: string): string {
  const unreserved = /[A-Za-z0-9\-_.~]/;
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && unreserved.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function expectedSignature(params: ReadonlyMap<string, string>, secret: string): string {
  const canonical = [...params.entries()]
    .filter(([name]) => name !== 'Signature')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${documentedEncode(name)}=${documentedEncode(value)}`)
    .join('&');
  return createHmac('sha1', `${secret}&`).update(`GET&%2F&${documentedEncode(canonical)}`).digest('base64');
}

/** The operation parameters each action must carry, exactly (the common ones are checked apart). */
const ACTION_PARAMS: Readonly<Record<string, ReadonlyArray<string>>> = {
  DescribeDomains: ['PageNumber', 'PageSize'],
  DescribeSubDomainRecords: ['DomainName', 'PageNumber', 'PageSize', 'SubDomain', 'Type'],
  AddDomainRecord: ['DomainName', 'RR', 'TTL', 'Type', 'Value'],
  DeleteDomainRecord: ['RecordId'],
};

const COMMON_PARAMS = ['AccessKeyId', 'Action', 'Format', 'Signature', 'SignatureMethod', 'SignatureNonce', 'SignatureVersion', 'Timestamp', 'Version'];

interface StoredRecord {
  readonly RecordId: string;
  readonly DomainName: string;
  readonly RR: string;
  readonly Type: string;
  readonly Value: string;
  readonly TTL: number;
}

/** Answers in the shape of Alibaba's error responses: `{RequestId, HostId, Code, Message, Recommend}`. */
function alibabaError(status: number, code: string, message: string, headers?: Record<string, string>): VendorReply {
  return {
    status,
    ...(headers === undefined ? {} : { headers }),
    body: { RequestId: randomUUID().toUpperCase(), HostId: 'alidns.aliyuncs.com', Code: code, Message: message, Recommend: `https://api.aliyun.com/troubleshoot?q=${code}` },
  };
}

/**
 * An in-memory Alibaba Cloud DNS account behind {@link startVendorServer}: checks every request's
 * method, path, parameter set, common parameters, nonce freshness and signature, then answers with
 * the API's documented JSON shapes (DescribeDomains, DescribeSubDomainRecords, AddDomainRecord,
 * DeleteDomainRecord), errors included.
 */
class FakeAlidns {
  domains: string[] = [];
  records: StoredRecord[] = [];
  /** Problems found in requests; every test expects none. */
  readonly violations: string[] = [];
  /** Replies to send instead of handling, one per request, first in first out. */
  readonly queued: VendorReply[] = [];
  private readonly nonces = new Set<string>();
  private nextId = 1000;

  reset(): void {
    this.domains = ['example.com', 'example.net'];
    // 150 more, so the listing takes two pages of 100.
    for (let index = 0; index < 150; index++) this.domains.push(`filler-${String(index)}.test`);
    this.records = [
      { RecordId: '1', DomainName: 'example.com', RR: 'www', Type: 'A', Value: '192.0.2.10', TTL: 600 },
      { RecordId: '2', DomainName: 'example.com', RR: '_acme-challenge', Type: 'TXT', Value: 'someone-elses-value', TTL: 600 },
      { RecordId: '3', DomainName: 'example.com', RR: '@', Type: 'TXT', Value: 'v=spf1 -all', TTL: 600 },
      { RecordId: '4', DomainName: 'example.net', RR: '_acme-challenge', Type: 'TXT', Value: 'other-zone-value', TTL: 600 },
    ];
    this.violations.length = 0;
    this.queued.length = 0;
  }

  handle(request: VendorRequest): VendorReply {
    if (request.method !== 'GET') this.violations.push(`method ${request.method}`);
    if (request.url.pathname !== '/') this.violations.push(`path ${request.url.pathname}`);
    if (request.body !== '') this.violations.push('a GET with a body');
    const params = new Map<string, string>();
    for (const [name, value] of request.url.searchParams) {
      if (params.has(name)) this.violations.push(`repeated parameter ${name}`);
      params.set(name, value);
    }
    const action = params.get('Action') ?? '';
    const expected = ACTION_PARAMS[action];
    if (expected === undefined) return alibabaError(400, 'InvalidParameter', `The specified parameter "Action" is not valid: ${action}`);
    const names = [...params.keys()].sort();
    const wanted = [...COMMON_PARAMS, ...expected].sort();
    if (names.join(',') !== wanted.join(',')) this.violations.push(`${action} parameters ${names.join(',')} (wanted ${wanted.join(',')})`);
    const common = { Format: 'JSON', Version: '2015-01-09', SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0' };
    for (const [name, value] of Object.entries(common)) {
      if (params.get(name) !== value) this.violations.push(`${name}=${params.get(name) ?? '(none)'}`);
    }
    const timestamp = params.get('Timestamp') ?? '';
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(timestamp) || Math.abs(Date.parse(timestamp) - Date.now()) > 15 * 60_000) {
      return alibabaError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
    }

    // DescribeDomains and DescribeSubDomainRecords both document 100 as the largest PageSize.
    if (params.has('PageSize') && Number(params.get('PageSize')) > 100) this.violations.push(`${action} PageSize ${params.get('PageSize') ?? ''}`);

    const queued = this.queued.shift();
    if (queued !== undefined) return queued;

    if (params.get('AccessKeyId') !== ACCESS_KEY_ID) return alibabaError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    if (params.get('Signature') !== expectedSignature(params, ACCESS_KEY_SECRET)) {
      return alibabaError(403, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');
    }
    const nonce = params.get('SignatureNonce') ?? '';
    if (this.nonces.has(nonce)) return alibabaError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    this.nonces.add(nonce);

    const requestId = randomUUID().toUpperCase();
    const param = (name: string): string => params.get(name) ?? '';
    switch (action) {
      case 'DescribeDomains': {
        const page = Number(param('PageNumber'));
        const size = Number(param('PageSize'));
        const slice = this.domains.slice((page - 1) * size, page * size);
        return {
          status: 200,
          body: {
            RequestId: requestId,
            TotalCount: this.domains.length,
            PageNumber: page,
            PageSize: size,
            Domains: { Domain: slice.map((name, index) => ({ DomainId: `d-${String(index)}`, DomainName: name, PunyCode: name, AliDomain: false, RecordCount: 1, VersionCode: 'mianfei' })) },
          },
        };
      }
      case 'DescribeSubDomainRecords': {
        if (param('Type') !== 'TXT') this.violations.push(`listed type ${param('Type')}`);
        const domain = param('DomainName');
        if (!this.domains.includes(domain)) return alibabaError(400, 'InvalidDomainName.NoExist', 'The specified domain name does not exist. Refresh the page and try again.');
        const matching = this.records.filter((record) => record.DomainName === domain && record.Type === param('Type')
          && (record.RR === '@' ? domain : `${record.RR}.${domain}`) === param('SubDomain'));
        return {
          status: 200,
          body: {
            RequestId: requestId,
            TotalCount: matching.length,
            PageNumber: Number(param('PageNumber')),
            PageSize: Number(param('PageSize')),
            DomainRecords: { Record: matching.map((record) => ({ ...record, Line: 'default', Status: 'ENABLE', Locked: false, Weight: 1 })) },
          },
        };
      }
      case 'AddDomainRecord': {
        const domain = param('DomainName');
        if (!this.domains.includes(domain)) return alibabaError(400, 'InvalidDomainName.NoExist', 'The specified domain name does not exist. Refresh the page and try again.');
        if (param('TTL') !== '600') this.violations.push(`TTL ${param('TTL')}`);
        const duplicate = this.records.some((record) => record.DomainName === domain && record.RR === param('RR') && record.Type === param('Type') && record.Value === param('Value'));
        if (duplicate) return alibabaError(400, 'DomainRecordDuplicate', 'The DNS record already exists.');
        const record: StoredRecord = { RecordId: String(this.nextId++), DomainName: domain, RR: param('RR'), Type: param('Type'), Value: param('Value'), TTL: Number(param('TTL')) };
        this.records.push(record);
        return { status: 200, body: { RequestId: requestId, RecordId: record.RecordId } };
      }
      default: {
        const index = this.records.findIndex((record) => record.RecordId === param('RecordId'));
        if (index < 0) return alibabaError(400, 'DomainRecordNotBelongToUser', 'The DNS record does not exist in this account.');
        this.records.splice(index, 1);
        return { status: 200, body: { RequestId: requestId, RecordId: param('RecordId') } };
      }
    }
  }

  txt(domain: string, rr: string): string[] {
    return this.records.filter((record) => record.DomainName === domain && record.RR === rr && record.Type === 'TXT').map((record) => record.Value).sort();
  }
}

const fake = new FakeAlidns();
let server: VendorServer;
let logger: RecordingLogger;
let waits: number[];

function provider(overrides: { accessKeyId?: string; accessKeySecret?: string; zone?: string; endpoint?: string } = {}): DnsProvider {
  return createAlidnsProvider(
    { accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET, endpoint: server.url, ...overrides },
    { logger, extraCaPem: server.caPem, sleep: (ms) => { waits.push(ms); return Promise.resolve(); } },
  );
}

async function failureOf(promise: Promise<unknown>): Promise<DnsError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  if (!(error instanceof DnsError)) throw new Error(`expected a DnsError, got ${String(error)}`);
  return error;
}

function expectNoSecret(error: DnsError, secret = ACCESS_KEY_SECRET): void {
  expect(`${error.message} ${error.remedy ?? ''}`).not.toContain(secret);
  expect(logger.lines.join('\n')).not.toContain(secret);
}

beforeAll(async () => {
  server = await startVendorServer((request) => fake.handle(request));
});

afterAll(async () => {
  await server.stop();
});

beforeEach(() => {
  fake.reset();
  logger = createRecordingLogger();
  waits = [];
});

describe('createAlidnsProvider against a stand-in of the API', () => {
  it('adds a wildcard’s and its apex’s values side by side and removes only its own', async () => {
    const dns = provider();
    await dns.present('_acme-challenge.example.com.', 'value-for-wildcard');
    await dns.present('_acme-challenge.example.com.', 'value-for-apex');
    expect(fake.txt('example.com', '_acme-challenge')).toEqual(['someone-elses-value', 'value-for-apex', 'value-for-wildcard']);

    await dns.cleanup('_acme-challenge.example.com.', 'value-for-wildcard');
    expect(fake.txt('example.com', '_acme-challenge')).toEqual(['someone-elses-value', 'value-for-apex']);
    await dns.cleanup('_acme-challenge.example.com.', 'value-for-apex');
    expect(fake.txt('example.com', '_acme-challenge')).toEqual(['someone-elses-value']);
    // Unrelated records, in this zone and the other, are untouched.
    expect(fake.records.map((record) => record.RecordId)).toEqual(['1', '2', '3', '4']);
    expect(fake.violations).toEqual([]);
  });

  it('finds the zone by walking up the name against every page of the domain list', async () => {
    fake.domains.push('deep.example.com');
    const dns = provider();
    await dns.present('_acme-challenge.www.deep.example.com.', 'deep-value');
    expect(fake.txt('deep.example.com', '_acme-challenge.www')).toEqual(['deep-value']);
    const pages = server.requests.filter((request) => request.url.searchParams.get('Action') === 'DescribeDomains').slice(-2)
      .map((request) => request.url.searchParams.get('PageNumber'));
    expect(pages).toEqual(['1', '2']);
    expect(fake.violations).toEqual([]);
  });

  it('uses the configured zone without listing the domains', async () => {
    const before = server.requests.length;
    await provider({ zone: 'example.net' }).present('_acme-challenge.example.net.', 'net-value');
    const actions = server.requests.slice(before).map((request) => request.url.searchParams.get('Action'));
    expect(actions).toEqual(['DescribeSubDomainRecords', 'AddDomainRecord']);
    expect(fake.txt('example.net', '_acme-challenge')).toEqual(['net-value', 'other-zone-value']);
  });

  it('sends exactly the documented parameters for an add (RR relative, TXT, TTL 600, the value unquoted)', async () => {
    const before = server.requests.length;
    await provider().present('_acme-challenge.example.com.', 'exact-value_-');
    const add = server.requests.slice(before).find((request) => request.url.searchParams.get('Action') === 'AddDomainRecord');
    expect(Object.fromEntries([...(add?.url.searchParams ?? [])].filter(([name]) => ['DomainName', 'RR', 'Type', 'Value', 'TTL'].includes(name)))).toEqual({
      DomainName: 'example.com', RR: '_acme-challenge', Type: 'TXT', Value: 'exact-value_-', TTL: '600',
    });
    expect(fake.violations).toEqual([]);
  });

  it('treats an already present value and an already removed one as success', async () => {
    const dns = provider();
    await dns.present('_acme-challenge.example.com.', 'twice');
    const added = fake.records.length;
    await dns.present('_acme-challenge.example.com.', 'twice');
    expect(fake.records.length).toBe(added);
    await dns.cleanup('_acme-challenge.example.com.', 'twice');
    await dns.cleanup('_acme-challenge.example.com.', 'twice');
    expect(fake.txt('example.com', '_acme-challenge')).toEqual(['someone-elses-value']);
    expect(logger.lines.some((line) => line.includes('already present'))).toBe(true);
    expect(logger.lines.some((line) => line.includes('already gone'))).toBe(true);
  });

  it('reads DomainRecordDuplicate (a record added between our read and our write) as present', async () => {
    // The listing misses it, the add is told it exists: e.g. another CertDesk added it meanwhile.
    fake.queued.push({ status: 200, body: { RequestId: 'r', TotalCount: 0, PageNumber: 1, PageSize: 100, DomainRecords: { Record: [] } } });
    const before = server.requests.length;
    await provider({ zone: 'example.com' }).present('_acme-challenge.example.com.', 'someone-elses-value');
    expect(server.requests.slice(before).map((request) => request.url.searchParams.get('Action'))).toEqual(['DescribeSubDomainRecords', 'AddDomainRecord']);
    expect(logger.lines.at(-1)).toContain('already present');
    expect(fake.txt('example.com', '_acme-challenge')).toEqual(['someone-elses-value']);
  });

  it('another refused add stays an error', async () => {
    fake.queued.push({ status: 200, body: { RequestId: 'r', TotalCount: 0, PageNumber: 1, PageSize: 100, DomainRecords: { Record: [] } } });
    fake.queued.push(alibabaError(400, 'DomainRecordConflict', 'The DNS record conflicts with other records.'));
    const error = await failureOf(provider({ zone: 'example.com' }).present('_acme-challenge.example.com.', 'conflicting'));
    expect(error.failure).toBe('bad_config');
    expect(error.message).toContain('DomainRecordConflict');
  });

  it('reads DomainRecordNotBelongToUser on delete (removed meanwhile) as gone', async () => {
    const dns = provider({ zone: 'example.com' });
    await dns.present('_acme-challenge.example.com.', 'racing');
    const listing = server.requests.length;
    // Remove it behind the provider's back after it has listed it.
    const original = fake.handle.bind(fake);
    fake.handle = (request) => {
      if (request.url.searchParams.get('Action') === 'DeleteDomainRecord') fake.records = fake.records.filter((record) => record.Value !== 'racing');
      return original(request);
    };
    try {
      await dns.cleanup('_acme-challenge.example.com.', 'racing');
    } finally {
      fake.handle = original;
    }
    expect(server.requests.slice(listing).map((request) => request.url.searchParams.get('Action'))).toEqual(['DescribeSubDomainRecords', 'DeleteDomainRecord']);
    expect(logger.lines.at(-1)).toContain('already gone');
  });

  it('looks a name’s zone up once for present and cleanup', async () => {
    const dns = provider();
    const before = server.requests.length;
    await dns.present('_acme-challenge.example.com.', 'cached');
    await dns.cleanup('_acme-challenge.example.com.', 'cached');
    const listings = server.requests.slice(before).filter((request) => request.url.searchParams.get('Action') === 'DescribeDomains');
    expect(listings).toHaveLength(2); // the two pages, once
  });

  it('check() lists every zone the key reaches, without changing anything', async () => {
    const before = fake.records.length;
    const result = await provider().check();
    expect(result.zones).toHaveLength(152);
    expect(result.zones?.slice(0, 2)).toEqual(['example.com.', 'example.net.']);
    expect(fake.records.length).toBe(before);
  });
});

describe('createAlidnsProvider errors', () => {
  it('a wrong secret is an auth failure (SignatureDoesNotMatch) that quotes no secret', async () => {
    const wrong = 'a-wrong-secret-0000';
    const error = await failureOf(provider({ accessKeySecret: wrong }).present('_acme-challenge.example.com.', 'v'));
    expect(error.failure).toBe('auth');
    expect(error.message).toMatch(/^Unable to list the domains at Alibaba Cloud DNS, the AccessKey was rejected \(SignatureDoesNotMatch/);
    expect(error.remedy).toContain('ram.console.aliyun.com');
    expectNoSecret(error, wrong);
  });

  it('an unknown AccessKey ID is auth, not zone_not_found, although Alibaba answers it with HTTP 404', async () => {
    const error = await failureOf(provider({ accessKeyId: 'LTAI-unknown' }).check());
    expect(error.failure).toBe('auth');
    expect(error.message).toContain('InvalidAccessKeyId.NotFound');
    expectNoSecret(error);
  });

  it('a RAM user without the DNS policy is refused, with the policy in the remedy', async () => {
    fake.queued.push(alibabaError(403, 'Forbidden.RAM', 'User not authorized to operate on the specified resource, or this API doesn\'t support RAM.'));
    const error = await failureOf(provider().check());
    expect(error.failure).toBe('refused');
    expect(error.remedy).toContain('AliyunDNSFullAccess');
    expect(waits).toEqual([]);
  });

  it('a name in none of the account’s domains is zone_not_found', async () => {
    const error = await failureOf(provider().present('_acme-challenge.example.org.', 'v'));
    expect(error.failure).toBe('zone_not_found');
    expect(error.message).toContain('example.org');
    expect(error.remedy).toContain('dns.console.aliyun.com');
  });

  it('a configured zone the account lacks is zone_not_found (InvalidDomainName.NoExist)', async () => {
    const error = await failureOf(provider({ zone: 'example.org' }).present('_acme-challenge.example.org.', 'v'));
    expect(error.failure).toBe('zone_not_found');
    expect(error.message).toContain('InvalidDomainName.NoExist');
  });

  it('a name outside the configured zone is bad_config, before any request', async () => {
    const before = server.requests.length;
    const error = await failureOf(provider({ zone: 'example.net' }).present('_acme-challenge.example.com.', 'v'));
    expect(error.failure).toBe('bad_config');
    expect(server.requests.length).toBe(before);
  });

  it('throttling without a hint is retried with backoff, then succeeds', async () => {
    fake.queued.push(alibabaError(400, 'Throttling.User', 'Request was denied due to user flow control.'));
    fake.queued.push(alibabaError(400, 'Throttling.User', 'Request was denied due to user flow control.'));
    const result = await provider().check();
    expect(result.zones).toHaveLength(152);
    expect(waits).toEqual([1000, 2000]);
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toHaveLength(2);
  });

  it('throttling with Retry-After waits as asked', async () => {
    fake.queued.push(alibabaError(503, 'ServiceUnavailable', 'The request has failed due to a temporary failure of the server.', { 'retry-after': '7' }));
    await provider().check();
    expect(waits).toEqual([7000]);
  });

  it('throttling that persists ends as rate_limited after the tries', async () => {
    for (let index = 0; index < 4; index++) fake.queued.push(alibabaError(400, 'Throttling.User', 'Request was denied due to user flow control.'));
    const error = await failureOf(provider().check());
    expect(error.failure).toBe('rate_limited');
    expect(error.transient).toBe(true);
    expect(error.message).toContain('after 4 tries');
  });

  it('a dropped connection is retried and reported as a network failure', async () => {
    for (let index = 0; index < 4; index++) fake.queued.push({ status: 0, drop: true });
    const error = await failureOf(provider().check());
    expect(error.failure).toBe('network');
    expectNoSecret(error);
  });

  it('an empty key or a bad endpoint is bad_config at once', () => {
    const build = (options: { accessKeySecret?: string; endpoint?: string }) => () => createAlidnsProvider(
      { accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET, ...options }, { logger },
    );
    expect(build({ accessKeySecret: '' })).toThrow(/AccessKey ID or secret is empty/);
    expect(build({ endpoint: 'http://alidns.aliyuncs.com' })).toThrow(DnsError);
    expect(build({ endpoint: 'http://alidns.aliyuncs.com' })).toThrow(/https/);
  });

  it('a server that is not there is a network failure naming the host', async () => {
    const closed = await startVendorServer(() => ({ status: 200 }), { http: true });
    await closed.stop();
    const dns = createAlidnsProvider(
      { accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET, endpoint: closed.url.replace('http:', 'https:') },
      { logger, sleep: () => Promise.resolve() },
    );
    const error = await failureOf(dns.check());
    expect(error.failure).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
  });
});

describe('interpretAlidnsResponse', () => {
  const response = (status: number, body: unknown): ApiResponse => ({
    status,
    headers: {},
    body: JSON.stringify(body),
    json: () => body,
  });
  const error = (code: string): unknown => ({ RequestId: 'r', HostId: 'alidns.aliyuncs.com', Code: code, Message: 'm' });

  it.each<[number, string, DnsFailure | undefined]>([
    [404, 'InvalidAccessKeyId.NotFound', 'auth'],
    [400, 'InvalidAccessKeyId.Inactive', 'auth'],
    [403, 'SignatureDoesNotMatch', 'auth'],
    [400, 'IncompleteSignature', 'auth'],
    [400, 'InvalidTimeStamp.Expired', 'auth'],
    [403, 'Forbidden.RAM', 'refused'],
    [403, 'Forbidden', 'refused'],
    [400, 'Forbidden.RecordLocked', 'refused'],
    [400, 'QuotaExceeded.Record', 'refused'],
    [400, 'InvalidDomainName.NoExist', 'zone_not_found'],
    [400, 'IncorrectDomainUser', 'zone_not_found'],
    [400, 'Throttling', 'rate_limited'],
    [400, 'Throttling.User', 'rate_limited'],
    [400, 'Throttling.Api', 'rate_limited'],
    [400, 'SignatureNonceUsed', 'server_error'],
    [500, 'InternalError', 'server_error'],
    [503, 'ServiceUnavailable', 'server_error'],
    [400, 'InvalidRR.Format', 'bad_config'],
  ])('HTTP %i %s → %s', (status, code, failure) => {
    expect(interpretAlidnsResponse(response(status, error(code)))?.failure).toBe(failure);
  });

  it('accepts the two "already done" codes, and nothing else, through isAlidnsDoneAnyway', () => {
    expect(isAlidnsDoneAnyway(response(400, error('DomainRecordDuplicate')))).toBe(true);
    expect(isAlidnsDoneAnyway(response(400, error('DomainRecordNotBelongToUser')))).toBe(true);
    expect(isAlidnsDoneAnyway(response(400, error('DomainRecordConflict')))).toBe(false);
    expect(isAlidnsDoneAnyway(response(200, { RequestId: 'r', RecordId: '1' }))).toBe(false);
  });

  it('leaves answers without a code to the status', () => {
    expect(interpretAlidnsResponse(response(200, { RequestId: 'r', RecordId: '1' }))).toBeUndefined();
    expect(interpretAlidnsResponse({ status: 502, headers: {}, body: '<html>bad gateway</html>', json: () => undefined })).toBeUndefined();
  });
});

describe('alidnsDefinition', () => {
  it('declares the AccessKey pair, an optional zone and an optional https endpoint, in both locales', () => {
    expect(alidnsDefinition.kind).toBe('alidns');
    expect(alidnsDefinition.fields.map((field) => [field.key, field.secret, field.optional === true])).toEqual([
      ['accessKeyId', false, false],
      ['accessKeySecret', true, false],
      ['zone', false, true],
      ['endpoint', false, true],
    ]);
    for (const field of alidnsDefinition.fields) {
      expect(field.label['zh-CN']).not.toBe('');
      expect(field.help['zh-CN']).not.toBe('');
    }
  });

  it('validates the endpoint and the zone', () => {
    expect(validateAlidnsEndpoint('https://alidns.aliyuncs.com')).toBeUndefined();
    expect(validateAlidnsEndpoint('https://alidns.aliyuncs.com/')).toBeUndefined();
    expect(validateAlidnsEndpoint('http://alidns.aliyuncs.com')).toMatch(/https/);
    expect(validateAlidnsEndpoint('https://alidns.aliyuncs.com/v1')).toMatch(/no path/);
    expect(validateAlidnsEndpoint('alidns')).toMatch(/not a URL/);
    const zone = alidnsDefinition.fields.find((field) => field.key === 'zone');
    expect(zone?.validate?.('example.com')).toBeUndefined();
    expect(zone?.validate?.('bad..name')).toMatch(/empty label/);
  });

  it('creates a provider that talks to the stand-in', async () => {
    const dns = alidnsDefinition.create(
      { accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET, endpoint: server.url },
      { logger, extraCaPem: server.caPem, sleep: () => Promise.resolve() },
    );
    expect(dns.kind).toBe('alidns');
    expect((await dns.check()).zones).toContain('example.com.');
  });
});

describe('relativeName', () => {
  it.each([
    ['_acme-challenge.example.com.', 'example.com.', '_acme-challenge'],
    ['_acme-challenge.www.example.com.', 'example.com.', '_acme-challenge.www'],
    ['example.com.', 'example.com.', '@'],
  ])('%s in %s → %s', (fqdn, zone, rr) => {
    expect(relativeName(fqdn, zone)).toBe(rr);
  });
});
