import { createHash, createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DnsError, type DnsFailure } from '../../../../../../../main/core/challenges/dns/dns-error.ts';
import type { ApiResponse } from '../../../../../../../main/core/challenges/dns/http-api.ts';
import {
  createDnspodProvider,
  dnspodDefinition,
  interpretDnspodResponse,
  subDomainOf,
  validateDnspodEndpoint,
} from '../../../../../../../main/core/challenges/dns/providers/dnspod.ts';
import type { DnsProvider } from '../../../../../../../main/core/challenges/dns/provider.ts';
import { createRecordingLogger, type RecordingLogger } from '../../../../../../support/recording-logger.ts';
import { startVendorServer, type VendorReply, type VendorRequest, type VendorServer } from '../../../../../../support/vendor-server.ts';

const SECRET_ID = 'AKIDcertdeskTestSecretId000000000001';
const SECRET_KEY = 'dnspod-test-secret-key-0a1b2c3d4e5f';

/**
 * The stand-in's own TC3-HMAC-SHA256 check, written from Tencent's "Signature v3" page and
 * independent of main/core/challenges/dns/signing/tc3.ts: the headers the request says it signed,
 * lower-cased and sorted, the body's SHA-256, the key derived from the date and service.
 */
function expectedTc3Signature(request: VendorRequest, secretKey: string, date: string, signedHeaders: string): string {
  const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
  const hmac = (key: string | Buffer, text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();
  const names = signedHeaders.split(';');
  const canonicalHeaders = names.map((name) => `${name}:${(request.headers[name] ?? '').trim().toLowerCase()}\n`).join('');
  const canonicalRequest = `${request.method}\n${request.url.pathname}\n${request.url.search.replace(/^\?/, '')}\n${canonicalHeaders}\n${signedHeaders}\n${sha256(request.body)}`;
  const stringToSign = `TC3-HMAC-SHA256\n${request.headers['x-tc-timestamp'] ?? ''}\n${date}/dnspod/tc3_request\n${sha256(canonicalRequest)}`;
  return hmac(hmac(hmac(hmac(`TC3${secretKey}`, date), 'dnspod'), 'tc3_request'), stringToSign).toString('hex');
}

/** The body fields each action must carry, exactly. */
const ACTION_FIELDS: Readonly<Record<string, ReadonlyArray<string>>> = {
  DescribeDomainList: ['Limit', 'Offset', 'Type'],
  DescribeRecordList: ['Domain', 'Limit', 'Offset', 'RecordType', 'Subdomain'],
  CreateRecord: ['Domain', 'RecordLine', 'RecordType', 'SubDomain', 'TTL', 'Value'],
  DeleteRecord: ['Domain', 'RecordId'],
};

interface StoredRecord {
  readonly RecordId: number;
  readonly Domain: string;
  readonly Name: string;
  readonly Type: string;
  readonly Value: string;
}

/** An answer of API 3.0: always HTTP 200, `{"Response": {...fields, "RequestId"}}`. */
function ok(fields: Record<string, unknown>): VendorReply {
  return { status: 200, body: { Response: { ...fields, RequestId: randomUUID() } } };
}

/** An error answer of API 3.0: HTTP 200 with `Response.Error.{Code,Message}`. */
function tencentError(code: string, message: string): VendorReply {
  return { status: 200, body: { Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() } } };
}

/**
 * An in-memory DNSPod account behind {@link startVendorServer}: checks every request's method, path,
 * headers, body fields and TC3 signature, then answers with API 3.0's documented shapes
 * (DescribeDomainList, DescribeRecordList, CreateRecord, DeleteRecord), errors included.
 */
class FakeDnspod {
  domains: string[] = [];
  records: StoredRecord[] = [];
  readonly violations: string[] = [];
  /** Replies to send instead of handling (after the request checks), first in first out. */
  readonly queued: VendorReply[] = [];
  private nextId = 5000;

  reset(): void {
    this.domains = ['example.com', 'example.net'];
    this.records = [
      { RecordId: 1, Domain: 'example.com', Name: 'www', Type: 'A', Value: '192.0.2.10' },
      { RecordId: 2, Domain: 'example.com', Name: '_acme-challenge', Type: 'TXT', Value: 'someone-elses-value' },
      { RecordId: 3, Domain: 'example.com', Name: '@', Type: 'TXT', Value: 'v=spf1 -all' },
      { RecordId: 4, Domain: 'example.net', Name: '_acme-challenge', Type: 'TXT', Value: 'other-zone-value' },
    ];
    this.violations.length = 0;
    this.queued.length = 0;
  }

  handle(request: VendorRequest, host: string): VendorReply {
    if (request.method !== 'POST') this.violations.push(`method ${request.method}`);
    if (request.url.pathname !== '/' || request.url.search !== '') this.violations.push(`target ${request.url.pathname}${request.url.search}`);
    const header = (name: string): string => request.headers[name] ?? '';
    if (header('content-type') !== 'application/json; charset=utf-8') this.violations.push(`content-type ${header('content-type')}`);
    if (header('host') !== host) this.violations.push(`host ${header('host')}`);
    if (header('x-tc-version') !== '2021-03-23') this.violations.push(`version ${header('x-tc-version')}`);
    if (header('x-tc-language') !== 'en-US') this.violations.push(`language ${header('x-tc-language')}`);
    const action = header('x-tc-action');
    const fields = ACTION_FIELDS[action];
    if (fields === undefined) return tencentError('InvalidAction', `The action \`${action}\` does not exist.`);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      return tencentError('InvalidParameter', 'The request body is not JSON.');
    }
    const keys = Object.keys(body).sort();
    if (keys.join(',') !== fields.join(',')) this.violations.push(`${action} fields ${keys.join(',')} (wanted ${fields.join(',')})`);

    const timestamp = Number(header('x-tc-timestamp'));
    if (!Number.isInteger(timestamp) || Math.abs(timestamp * 1000 - Date.now()) > 5 * 60_000) {
      return tencentError('AuthFailure.SignatureExpire', 'Signature expired. Timestamp and server time cannot differ by more than five minutes.');
    }
    const match = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d\d-\d\d)\/dnspod\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(header('authorization'));
    if (match === null) return tencentError('AuthFailure.InvalidAuthorization', 'Authorization in the request header is invalid.');
    const [, secretId = '', date = '', signedHeaders = '', signature = ''] = match;
    if (date !== new Date(timestamp * 1000).toISOString().slice(0, 10)) this.violations.push(`credential date ${date}`);
    if (signedHeaders !== 'content-type;host;x-tc-action') this.violations.push(`signed headers ${signedHeaders}`);

    const queued = this.queued.shift();
    if (queued !== undefined) return queued;

    if (secretId !== SECRET_ID) return tencentError('AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.');
    if (signature !== expectedTc3Signature(request, SECRET_KEY, date, signedHeaders)) {
      return tencentError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.');
    }

    const text = (name: string): string => (typeof body[name] === 'string' ? body[name] : '');
    const number = (name: string): number => (typeof body[name] === 'number' ? body[name] : Number.NaN);
    switch (action) {
      case 'DescribeDomainList': {
        if (text('Type') !== 'ALL') this.violations.push(`Type ${text('Type')}`);
        if (number('Limit') > 3000) this.violations.push(`Limit ${String(number('Limit'))}`);
        const page = this.domains.slice(number('Offset'), number('Offset') + number('Limit'));
        return ok({
          DomainCountInfo: { DomainTotal: this.domains.length, AllTotal: this.domains.length, MineTotal: this.domains.length, ShareTotal: 0 },
          DomainList: page.map((name, index) => ({ DomainId: index + 1, Name: name, Punycode: name, Status: 'ENABLE', Grade: 'DP_FREE', TTL: 600, RecordCount: 4, Owner: 'you@example.com' })),
        });
      }
      case 'DescribeRecordList': {
        if (!this.domains.includes(text('Domain'))) return tencentError('InvalidParameterValue.DomainNotExists', 'The current domain is incorrect. Return to the previous step and try again.');
        if (number('Limit') > 3000) this.violations.push(`Limit ${String(number('Limit'))}`);
        const matching = this.records.filter((record) => record.Domain === text('Domain') && record.Name === text('Subdomain') && record.Type === text('RecordType'));
        if (matching.length === 0) return tencentError('ResourceNotFound.NoDataOfRecord', 'The record list is empty.');
        return ok({
          RecordCountInfo: { SubdomainCount: matching.length, ListCount: matching.length, TotalCount: matching.length },
          RecordList: matching.slice(number('Offset'), number('Offset') + number('Limit')).map((record) => ({
            RecordId: record.RecordId, Value: record.Value, Status: 'ENABLE', UpdatedOn: '2024-01-01 00:00:00', Name: record.Name,
            Line: '默认', LineId: '0', Type: record.Type, Weight: null, MonitorStatus: '', Remark: '', TTL: 600, MX: 0, DefaultNS: false,
          })),
        });
      }
      case 'CreateRecord': {
        if (!this.domains.includes(text('Domain'))) return tencentError('InvalidParameterValue.DomainNotExists', 'The current domain is incorrect. Return to the previous step and try again.');
        if (text('RecordLine') !== '默认') this.violations.push(`RecordLine ${text('RecordLine')}`);
        if (number('TTL') !== 600) this.violations.push(`TTL ${String(number('TTL'))}`);
        if (this.records.some((record) => record.Domain === text('Domain') && record.Name === text('SubDomain') && record.Type === text('RecordType') && record.Value === text('Value'))) {
          return tencentError('InvalidParameter.DomainRecordExist', 'The record already exists.');
        }
        const record: StoredRecord = { RecordId: this.nextId++, Domain: text('Domain'), Name: text('SubDomain'), Type: text('RecordType'), Value: text('Value') };
        this.records.push(record);
        return ok({ RecordId: record.RecordId });
      }
      default: {
        const index = this.records.findIndex((record) => record.RecordId === number('RecordId') && record.Domain === text('Domain'));
        if (index < 0) return tencentError('InvalidParameter.RecordIdInvalid', 'The record ID is incorrect.');
        this.records.splice(index, 1);
        return ok({});
      }
    }
  }

  txt(domain: string, name: string): string[] {
    return this.records.filter((record) => record.Domain === domain && record.Name === name && record.Type === 'TXT').map((record) => record.Value).sort();
  }
}

const fake = new FakeDnspod();
let server: VendorServer;
let logger: RecordingLogger;
let waits: number[];

function provider(overrides: { secretId?: string; secretKey?: string; zone?: string } = {}): DnsProvider {
  return createDnspodProvider(
    { secretId: SECRET_ID, secretKey: SECRET_KEY, endpoint: server.url, ...overrides },
    { logger, extraCaPem: server.caPem, sleep: (ms) => { waits.push(ms); return Promise.resolve(); } },
  );
}

async function failureOf(promise: Promise<unknown>): Promise<DnsError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  if (!(error instanceof DnsError)) throw new Error(`expected a DnsError, got ${String(error)}`);
  return error;
}

function expectNoSecret(error: DnsError, secret = SECRET_KEY): void {
  expect(`${error.message} ${error.remedy ?? ''}`).not.toContain(secret);
  expect(logger.lines.join('\n')).not.toContain(secret);
}

function actionsSince(index: number): string[] {
  return server.requests.slice(index).map((request) => request.headers['x-tc-action'] ?? '');
}

beforeAll(async () => {
  server = await startVendorServer((request) => fake.handle(request, new URL(server.url).host));
});

afterAll(async () => {
  await server.stop();
});

beforeEach(() => {
  fake.reset();
  logger = createRecordingLogger();
  waits = [];
});

describe('createDnspodProvider against a stand-in of the API', () => {
  it('adds a wildcard’s and its apex’s values side by side and removes only its own', async () => {
    const dns = provider();
    await dns.present('_acme-challenge.example.com.', 'value-for-wildcard');
    await dns.present('_acme-challenge.example.com.', 'value-for-apex');
    expect(fake.txt('example.com', '_acme-challenge')).toEqual(['someone-elses-value', 'value-for-apex', 'value-for-wildcard']);
    await dns.cleanup('_acme-challenge.example.com.', 'value-for-wildcard');
    expect(fake.txt('example.com', '_acme-challenge')).toEqual(['someone-elses-value', 'value-for-apex']);
    await dns.cleanup('_acme-challenge.example.com.', 'value-for-apex');
    expect(fake.txt('example.com', '_acme-challenge')).toEqual(['someone-elses-value']);
    expect(fake.records.map((record) => record.RecordId)).toEqual([1, 2, 3, 4]);
    expect(fake.violations).toEqual([]);
  });

  it('reads NoDataOfRecord as an empty name and creates the first record on the default line', async () => {
    const before = server.requests.length;
    await provider().present('_acme-challenge.www.example.com.', 'first');
    expect(actionsSince(before)).toEqual(['DescribeDomainList', 'DescribeRecordList', 'CreateRecord']);
    const create = JSON.parse(server.requests.at(-1)?.body ?? '{}') as unknown;
    expect(create).toEqual({ Domain: 'example.com', SubDomain: '_acme-challenge.www', RecordType: 'TXT', RecordLine: '默认', Value: 'first', TTL: 600 });
    expect(fake.txt('example.com', '_acme-challenge.www')).toEqual(['first']);
    expect(fake.violations).toEqual([]);
  });

  it('finds the zone by walking up the name against every page of the domain list', async () => {
    for (let index = 0; index < 3000; index++) fake.domains.unshift(`filler-${String(index)}.test`);
    fake.domains.push('deep.example.com');
    const before = server.requests.length;
    await provider().present('_acme-challenge.deep.example.com.', 'deep');
    const pages = server.requests.slice(before).filter((request) => request.headers['x-tc-action'] === 'DescribeDomainList')
      .map((request) => (JSON.parse(request.body) as { Offset: number }).Offset);
    expect(pages).toEqual([0, 3000]);
    expect(fake.txt('deep.example.com', '_acme-challenge')).toEqual(['deep']);
    expect(fake.violations).toEqual([]);
  });

  it('uses the configured zone without listing the domains', async () => {
    const before = server.requests.length;
    await provider({ zone: 'example.net' }).present('_acme-challenge.example.net.', 'net-value');
    expect(actionsSince(before)).toEqual(['DescribeRecordList', 'CreateRecord']);
    expect(fake.txt('example.net', '_acme-challenge')).toEqual(['net-value', 'other-zone-value']);
  });

  it('treats an already present value and an already removed one as success', async () => {
    const dns = provider({ zone: 'example.com' });
    await dns.present('_acme-challenge.example.com.', 'twice');
    const count = fake.records.length;
    await dns.present('_acme-challenge.example.com.', 'twice');
    expect(fake.records.length).toBe(count);
    await dns.cleanup('_acme-challenge.example.com.', 'twice');
    const before = server.requests.length;
    await dns.cleanup('_acme-challenge.example.com.', 'twice');
    expect(actionsSince(before)).toEqual(['DescribeRecordList']);
    expect(fake.txt('example.com', '_acme-challenge')).toEqual(['someone-elses-value']);
  });

  it('reads DomainRecordExist (added between our read and our write) as present', async () => {
    fake.queued.push(tencentError('ResourceNotFound.NoDataOfRecord', 'The record list is empty.'));
    await provider({ zone: 'example.com' }).present('_acme-challenge.example.com.', 'someone-elses-value');
    expect(logger.lines.at(-1)).toContain('already present');
    expect(fake.txt('example.com', '_acme-challenge')).toEqual(['someone-elses-value']);
  });

  it('reads RecordIdInvalid on delete (removed meanwhile) as gone', async () => {
    const dns = provider({ zone: 'example.com' });
    await dns.present('_acme-challenge.example.com.', 'racing');
    fake.queued.push(ok({ RecordCountInfo: { TotalCount: 1 }, RecordList: [{ RecordId: 999, Name: '_acme-challenge', Type: 'TXT', Value: 'racing', Line: '默认' }] }));
    await dns.cleanup('_acme-challenge.example.com.', 'racing');
    expect(logger.lines.at(-1)).toContain('already gone');
    // Record 999 never existed; the real one stays (the provider only deletes what it listed).
    expect(fake.txt('example.com', '_acme-challenge')).toEqual(['racing', 'someone-elses-value']);
  });

  it('looks a name’s zone up once for present and cleanup', async () => {
    const dns = provider();
    const before = server.requests.length;
    await dns.present('_acme-challenge.example.com.', 'cached');
    await dns.cleanup('_acme-challenge.example.com.', 'cached');
    expect(actionsSince(before)).toEqual(['DescribeDomainList', 'DescribeRecordList', 'CreateRecord', 'DescribeRecordList', 'DeleteRecord']);
  });

  it('check() lists the zones without changing anything', async () => {
    const before = fake.records.length;
    expect((await provider().check()).zones).toEqual(['example.com.', 'example.net.']);
    expect(fake.records.length).toBe(before);
  });
});

describe('createDnspodProvider errors', () => {
  it('a wrong SecretKey is an auth failure (SignatureFailure) that quotes no secret', async () => {
    const wrong = 'wrong-secret-key-123456';
    const error = await failureOf(provider({ secretKey: wrong }).check());
    expect(error.failure).toBe('auth');
    expect(error.message).toMatch(/^Unable to list the domains at Tencent Cloud DNSPod, the SecretId\/SecretKey pair was rejected \(AuthFailure\.SignatureFailure/);
    expect(error.remedy).toContain('console.cloud.tencent.com/cam/capi');
    expectNoSecret(error, wrong);
    expect(waits).toEqual([]);
  });

  it('an unknown SecretId is an auth failure', async () => {
    const error = await failureOf(provider({ secretId: 'AKIDunknown' }).check());
    expect(error.failure).toBe('auth');
    expect(error.message).toContain('AuthFailure.SecretIdNotFound');
    expectNoSecret(error);
  });

  it('a CAM user without the DNSPod policy is refused, with the policy in the remedy', async () => {
    fake.queued.push(tencentError('AuthFailure.UnauthorizedOperation', 'The request is not authorized. Please check the CAM documentation.'));
    const error = await failureOf(provider().check());
    expect(error.failure).toBe('refused');
    expect(error.remedy).toContain('QcloudDNSPodFullAccess');
  });

  it('a name in none of the account’s domains is zone_not_found', async () => {
    const error = await failureOf(provider().present('_acme-challenge.example.org.', 'v'));
    expect(error.failure).toBe('zone_not_found');
    expect(error.remedy).toContain('console.cloud.tencent.com/cns');
  });

  it('a configured zone the account lacks is zone_not_found (DomainNotExists)', async () => {
    const error = await failureOf(provider({ zone: 'example.org' }).present('_acme-challenge.example.org.', 'v'));
    expect(error.failure).toBe('zone_not_found');
    expect(error.message).toContain('InvalidParameterValue.DomainNotExists');
  });

  it('RequestLimitExceeded (HTTP 200, no hint) is retried with backoff, then succeeds', async () => {
    fake.queued.push(tencentError('RequestLimitExceeded', 'Your current request times exceeds the limit.'));
    fake.queued.push(tencentError('RequestLimitExceeded.IPLimitExceeded', 'IP rate limit.'));
    expect((await provider().check()).zones).toHaveLength(2);
    expect(waits).toEqual([1000, 2000]);
  });

  it('a gateway’s 429 with Retry-After waits as asked', async () => {
    fake.queued.push({ status: 429, headers: { 'retry-after': '3' }, body: 'Too Many Requests' });
    await provider().check();
    expect(waits).toEqual([3000]);
  });

  it('persistent throttling ends as rate_limited', async () => {
    for (let index = 0; index < 4; index++) fake.queued.push(tencentError('RequestLimitExceeded', 'Your current request times exceeds the limit.'));
    const error = await failureOf(provider().check());
    expect(error.failure).toBe('rate_limited');
    expect(error.message).toContain('after 4 tries');
  });

  it('a clock far off is reported as such', async () => {
    fake.queued.push(tencentError('AuthFailure.SignatureExpire', 'Signature expired.'));
    const error = await failureOf(provider().check());
    expect(error.failure).toBe('auth');
    expect(error.remedy).toMatch(/clock/);
  });

  it('an empty key or a bad endpoint is bad_config at once', () => {
    const build = (options: { secretKey?: string; endpoint?: string }) => () => createDnspodProvider({ secretId: SECRET_ID, secretKey: SECRET_KEY, ...options }, { logger });
    expect(build({ secretKey: ' ' })).toThrow(/SecretId or SecretKey is empty/);
    expect(build({ endpoint: 'https://dnspod.tencentcloudapi.com/v3' })).toThrow(DnsError);
  });

  it('a dropped connection is retried and reported as a network failure', async () => {
    for (let index = 0; index < 4; index++) fake.queued.push({ status: 0, drop: true });
    const error = await failureOf(provider().check());
    expect(error.failure).toBe('network');
    expectNoSecret(error);
  });
});

describe('interpretDnspodResponse', () => {
  const answer = (body: unknown, status = 200): ApiResponse => ({ status, headers: {}, body: JSON.stringify(body), json: () => body });
  const error = (code: string): unknown => ({ Response: { Error: { Code: code, Message: 'm' }, RequestId: 'r' } });

  it.each<[string, DnsFailure | undefined]>([
    ['AuthFailure.SignatureFailure', 'auth'],
    ['AuthFailure.SecretIdNotFound', 'auth'],
    ['AuthFailure.InvalidSecretId', 'auth'],
    ['AuthFailure.InvalidAuthorization', 'auth'],
    ['AuthFailure.SignatureExpire', 'auth'],
    ['AuthFailure.UnauthorizedOperation', 'refused'],
    ['UnauthorizedOperation', 'refused'],
    ['OperationDenied.NoPermissionToOperateDomain', 'refused'],
    ['FailedOperation.DomainIsLocked', 'refused'],
    ['FailedOperation.NotDomainOwner', 'refused'],
    ['InvalidParameterValue.DomainNotExists', 'zone_not_found'],
    ['InvalidParameter.DomainInvalid', 'zone_not_found'],
    ['RequestLimitExceeded', 'rate_limited'],
    ['RequestLimitExceeded.GlobalRegionUinLimitExceeded', 'rate_limited'],
    ['FailedOperation.FrequencyLimit', 'rate_limited'],
    ['InternalError', 'server_error'],
    ['FailedOperation.UnknowError', 'server_error'],
    ['ResourceNotFound.NoDataOfRecord', undefined],
    ['InvalidParameter.DomainRecordExist', undefined],
    ['InvalidParameter.RecordIdInvalid', undefined],
    ['InvalidParameter.RecordValueInvalid', 'bad_config'],
    ['LimitExceeded.RecordTtlLimit', 'bad_config'],
  ])('%s → %s', (code, failure) => {
    expect(interpretDnspodResponse(answer(error(code)))?.failure).toBe(failure);
  });

  it('leaves answers without an error to the status', () => {
    expect(interpretDnspodResponse(answer({ Response: { RecordId: 1, RequestId: 'r' } }))).toBeUndefined();
    expect(interpretDnspodResponse({ status: 502, headers: {}, body: '<html></html>', json: () => undefined })).toBeUndefined();
  });
});

describe('dnspodDefinition', () => {
  it('declares the key pair, an optional zone and an optional https endpoint, in both locales', () => {
    expect(dnspodDefinition.kind).toBe('dnspod');
    expect(dnspodDefinition.fields.map((field) => [field.key, field.secret, field.optional === true])).toEqual([
      ['secretId', false, false],
      ['secretKey', true, false],
      ['zone', false, true],
      ['endpoint', false, true],
    ]);
    for (const field of dnspodDefinition.fields) expect(field.help['zh-CN']).not.toBe('');
  });

  it('validates the endpoint', () => {
    expect(validateDnspodEndpoint('https://dnspod.tencentcloudapi.com')).toBeUndefined();
    expect(validateDnspodEndpoint('http://dnspod.tencentcloudapi.com')).toMatch(/https/);
    expect(validateDnspodEndpoint('https://dnspod.tencentcloudapi.com/api')).toMatch(/no path/);
    expect(validateDnspodEndpoint('::')).toMatch(/not a URL/);
  });

  it('creates a provider that talks to the stand-in', async () => {
    const dns = dnspodDefinition.create({ secretId: SECRET_ID, secretKey: SECRET_KEY, endpoint: server.url }, { logger, extraCaPem: server.caPem });
    expect(dns.kind).toBe('dnspod');
    expect((await dns.check()).zones).toContain('example.com.');
  });
});

describe('subDomainOf', () => {
  it.each([
    ['_acme-challenge.example.com.', 'example.com.', '_acme-challenge'],
    ['_acme-challenge.a.b.example.com.', 'example.com.', '_acme-challenge.a.b'],
    ['example.com.', 'example.com.', '@'],
  ])('%s in %s → %s', (fqdn, zone, name) => {
    expect(subDomainOf(fqdn, zone)).toBe(name);
  });
});
