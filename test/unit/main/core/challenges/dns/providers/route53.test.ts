import { createHash, createHmac } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DnsError } from '../../../../../../../main/core/challenges/dns/dns-error.ts';
import type { ProviderContext } from '../../../../../../../main/core/challenges/dns/provider.ts';
import {
  changeBatchXml,
  checkAwsRegion,
  createRoute53Provider,
  escapeXml,
  normalizeHostedZoneId,
  readRoute53Error,
  route53Definition,
  route53Verdict,
  ROUTE53_INSYNC_MAX_POLLS,
  ROUTE53_INSYNC_POLL_MS,
  type Route53Options,
} from '../../../../../../../main/core/challenges/dns/providers/route53.ts';
import { createRecordingLogger, type RecordingLogger } from '../../../../../../support/recording-logger.ts';
import { createTestCa, type TestCa } from '../../../../../../support/test-ca.ts';
import { startVendorServer, type VendorReply, type VendorRequest, type VendorServer } from '../../../../../../support/vendor-server.ts';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SESSION = 'FwoGZXIvYXdzEBYaDExampleSessionToken0123456789+/=';
const XMLNS = 'https://route53.amazonaws.com/doc/2013-04-01/';

/** AWS rejects a SigV4 signature whose X-Amz-Date is more than 5 minutes off ("Signature expired"). */
const MAX_SKEW_MS = 5 * 60_000;

interface FakeZone { id: string; name: string; private: boolean }

/** A ChangeResourceRecordSetsRequest as the fake's XML parser reads it (attributes prefixed `@`). */
interface ChangeDocument {
  readonly ChangeResourceRecordSetsRequest?: {
    readonly '@xmlns'?: string;
    readonly ChangeBatch?: {
      readonly Comment?: string;
      readonly Changes?: {
        readonly Change?: ReadonlyArray<{
          readonly Action?: string;
          readonly ResourceRecordSet?: {
            readonly Name?: string;
            readonly Type?: string;
            readonly TTL?: string;
            readonly ResourceRecords?: { readonly ResourceRecord?: ReadonlyArray<{ readonly Value?: string }> };
          };
        }>;
      };
    };
  };
}
interface FakeSet { name: string; type: string; ttl: number; values: string[]; setIdentifier?: string }

const xmlParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (name) => ['Change', 'ResourceRecord'].includes(name) });

/** Route 53's error document (API reference, "Common Errors"; ErrorResponse form). */
function awsError(status: number, code: string, message: string): VendorReply {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<?xml version="1.0"?>\n<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>f5a9a4b8-0000-4000-8000-000000000001</RequestId></ErrorResponse>`,
  };
}

function xmlReply(body: string): VendorReply {
  return { status: 200, headers: { 'content-type': 'text/xml' }, body: `<?xml version="1.0"?>\n${body}` };
}

/** RFC 3986 encoding as SigV4 canonicalisation wants it (unreserved characters kept). */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Verifies a request's SigV4 signature from scratch (AWS General Reference, "Create a signed AWS API
 * request"), independently of the signer under test: canonical request, string to sign, the
 * derived key chain and the HMAC. Returns the error code AWS would answer, or `undefined`.
 */
function verifySigV4(request: VendorRequest, secret: string): { code: string; message: string } | undefined {
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(request.headers.authorization ?? '');
  if (match === null) return { code: 'IncompleteSignature', message: 'Authorization header requires Credential, SignedHeaders and Signature' };
  const [, accessKey = '', day = '', region = '', service = '', signedHeaders = '', signature = ''] = match;
  if (accessKey !== AKID) return { code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' };
  if (region !== 'us-east-1' || service !== 'route53') return { code: 'SignatureDoesNotMatch', message: `Credential should be scoped to a valid region and service, not '${region}/${service}'.` };
  const amzDate = request.headers['x-amz-date'] ?? '';
  const dateMatch = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (dateMatch === null || !amzDate.startsWith(day)) return { code: 'IncompleteSignature', message: 'X-Amz-Date is missing or malformed' };
  const [, y, mo, d, h, mi, s] = dateMatch.map(Number);
  if (Math.abs(Date.now() - Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s)) > MAX_SKEW_MS) return { code: 'SignatureDoesNotMatch', message: 'Signature expired' };
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date')) return { code: 'SignatureDoesNotMatch', message: 'host and x-amz-date must be signed' };
  if (request.headers['x-amz-security-token'] !== undefined && !names.includes('x-amz-security-token')) return { code: 'SignatureDoesNotMatch', message: 'x-amz-security-token must be signed' };
  const canonicalHeaders = names.map((name) => `${name}:${(request.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalUri = request.url.pathname.split('/').map(rfc3986).join('/');
  const canonicalQuery = [...request.url.searchParams].map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&');
  const canonicalRequest = [request.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, sha256(request.body)].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, `${day}/${region}/${service}/aws4_request`, sha256(canonicalRequest)].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(day).digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  if (createHmac('sha256', key).update(stringToSign).digest('hex') !== signature) {
    return { code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.' };
  }
  return undefined;
}

/** Route 53's order: names compared label by label from the root, then type. */
function orderKey(name: string, type = ''): string {
  // The name/type separator sorts below the label separator, so a name comes before its subdomains.
  return `${name.toLowerCase().replace(/\.$/, '').split('.').reverse().join('\u0001')}\u0000${type}`;
}

/**
 * A stand-in for the Route 53 API: SigV4 verified per request, exact paths and queries checked,
 * hosted zones and record sets held in memory, XML answers in the API reference's shapes. `inject`
 * answers a request before the fake does.
 */
function createFakeRoute53(options: { sessionToken?: string } = {}) {
  const zones: FakeZone[] = [
    { id: 'Z1EXAMPLE', name: 'example.com.', private: false },
    { id: 'Z2PRIVATE', name: 'example.com.', private: true },
    { id: 'Z3OTHER', name: 'other.org.', private: false },
    { id: 'Z4SUB', name: 'sub.example.com.', private: false },
  ];
  const sets = new Map<string, FakeSet[]>([
    ['Z1EXAMPLE', [
      { name: 'example.com.', type: 'TXT', ttl: 300, values: ['"v=spf1 -all"'] },
      { name: 'www.example.com.', type: 'A', ttl: 300, values: ['192.0.2.1'] },
      { name: '_acme-challenge.foreign.example.com.', type: 'TXT', ttl: 120, values: ['"keep-me"'] },
    ]],
    ['Z2PRIVATE', []],
    ['Z3OTHER', []],
    ['Z4SUB', []],
  ]);
  const changes = new Map<string, number>();
  const problems: string[] = [];
  const state = {
    zones, sets, problems, changes,
    /** GetChange answers PENDING this many times before INSYNC. */
    pendingPolls: 1,
    inject: undefined as ((request: VendorRequest) => VendorReply | undefined) | undefined,
  };
  let nextChange = 1;

  const expectQuery = (request: VendorRequest, expected: ReadonlyArray<readonly [string, string]>): void => {
    const actual = JSON.stringify([...request.url.searchParams].sort());
    const wanted = JSON.stringify([...expected].map(([k, v]) => [k, v]).sort());
    if (actual !== wanted) problems.push(`${request.method} ${request.url.pathname}: query ${actual} is not ${wanted}`);
  };

  const zoneXml = (zone: FakeZone): string =>
    `<HostedZone><Id>/hostedzone/${zone.id}</Id><Name>${zone.name}</Name><CallerReference>ref-${zone.id}</CallerReference>`
    + `<Config><Comment>test</Comment><PrivateZone>${String(zone.private)}</PrivateZone></Config><ResourceRecordSetCount>2</ResourceRecordSetCount></HostedZone>`;

  const setXml = (set: FakeSet): string =>
    `<ResourceRecordSet><Name>${set.name}</Name><Type>${set.type}</Type>${set.setIdentifier === undefined ? '' : `<SetIdentifier>${set.setIdentifier}</SetIdentifier><Weight>1</Weight>`}`
    + `<TTL>${String(set.ttl)}</TTL><ResourceRecords>${set.values.map((v) => `<ResourceRecord><Value>${escapeXml(v)}</Value></ResourceRecord>`).join('')}</ResourceRecords></ResourceRecordSet>`;

  const listZones = (request: VendorRequest): VendorReply => {
    const dnsname = request.url.searchParams.get('dnsname');
    const zoneId = request.url.searchParams.get('hostedzoneid');
    const maxItems = Number(request.url.searchParams.get('maxitems') ?? '100');
    const sorted = [...zones].sort((a, b) => (orderKey(a.name) < orderKey(b.name) ? -1 : orderKey(a.name) > orderKey(b.name) ? 1 : a.id < b.id ? -1 : 1));
    const from0 = dnsname === null ? undefined : orderKey(dnsname.replace(/\.?$/, '.'));
    const start = from0 === undefined ? 0 : sorted.findIndex((zone) => orderKey(zone.name) > from0 || (orderKey(zone.name) === from0 && (zoneId === null || zone.id >= zoneId)));
    const from = start < 0 ? sorted.length : start;
    const page = sorted.slice(from, from + maxItems);
    const next = sorted[from + maxItems];
    return xmlReply(`<ListHostedZonesByNameResponse xmlns="${XMLNS}"><HostedZones>${page.map(zoneXml).join('')}</HostedZones>`
      + `${dnsname === null ? '' : `<DNSName>${dnsname}</DNSName>`}<IsTruncated>${String(next !== undefined)}</IsTruncated>`
      + `${next === undefined ? '' : `<NextDNSName>${next.name}</NextDNSName><NextHostedZoneId>${next.id}</NextHostedZoneId>`}<MaxItems>${String(maxItems)}</MaxItems></ListHostedZonesByNameResponse>`);
  };

  const listSets = (request: VendorRequest, zoneSets: FakeSet[]): VendorReply => {
    const name = request.url.searchParams.get('name');
    const type = request.url.searchParams.get('type');
    const maxItems = Number(request.url.searchParams.get('maxitems') ?? '300');
    const sorted = [...zoneSets].sort((a, b) => (orderKey(a.name, a.type) < orderKey(b.name, b.type) ? -1 : 1));
    const start = name === null ? 0 : sorted.findIndex((set) => orderKey(set.name, set.type) >= orderKey(name, type ?? ''));
    const from = start < 0 ? sorted.length : start;
    const page = sorted.slice(from, from + maxItems);
    const next = sorted[from + maxItems];
    return xmlReply(`<ListResourceRecordSetsResponse xmlns="${XMLNS}"><ResourceRecordSets>${page.map(setXml).join('')}</ResourceRecordSets>`
      + `<IsTruncated>${String(next !== undefined)}</IsTruncated>${next === undefined ? '' : `<NextRecordName>${next.name}</NextRecordName><NextRecordType>${next.type}</NextRecordType>`}<MaxItems>${String(maxItems)}</MaxItems></ListResourceRecordSetsResponse>`);
  };

  const applyChange = (request: VendorRequest, zoneSets: FakeSet[]): VendorReply => {
    if (request.headers['content-type'] !== 'application/xml') problems.push(`change: content-type ${String(request.headers['content-type'])}`);
    const doc = xmlParser.parse(request.body) as ChangeDocument;
    const root = doc.ChangeResourceRecordSetsRequest;
    if (root?.['@xmlns'] !== XMLNS) return awsError(400, 'InvalidInput', 'Invalid XML ; expected ChangeResourceRecordSetsRequest');
    const changeList = root.ChangeBatch?.Changes?.Change ?? [];
    const [change] = changeList;
    if (changeList.length !== 1 || change === undefined) {
      problems.push(`change: ${String(changeList.length)} changes in one batch`);
      return awsError(400, 'InvalidInput', 'expected one change');
    }
    const rrset = change.ResourceRecordSet ?? {};
    const name = String(rrset.Name);
    const ttl = Number(rrset.TTL);
    const values = (rrset.ResourceRecords?.ResourceRecord ?? []).map((record) => String(record.Value));
    if (rrset.Type !== 'TXT' || !Number.isInteger(ttl) || values.length === 0) return awsError(400, 'InvalidInput', 'Invalid resource record set');
    for (const value of values) {
      if (!/^(?:"(?:[^"\\]|\\.){0,255}"(?: |$))+$/.test(value)) return awsError(400, 'InvalidChangeBatch', `[Invalid Resource Record: 'FATAL problem: InvalidCharacterString (Value should be enclosed in quotation marks) encountered with '${value}'']`);
    }
    const index = zoneSets.findIndex((set) => set.name === name && set.type === 'TXT' && set.setIdentifier === undefined);
    if (change.Action === 'UPSERT') {
      if (index >= 0) zoneSets[index] = { name, type: 'TXT', ttl, values };
      else zoneSets.push({ name, type: 'TXT', ttl, values });
    } else if (change.Action === 'DELETE') {
      const existing = zoneSets[index];
      if (existing === undefined) return awsError(400, 'InvalidChangeBatch', `[Tried to delete resource record set [name='${name}', type='TXT'] but it was not found]`);
      if (existing.ttl !== ttl || JSON.stringify([...existing.values].sort()) !== JSON.stringify([...values].sort())) {
        return awsError(400, 'InvalidChangeBatch', `[Tried to delete resource record set [name='${name}', type='TXT'] but the values provided do not match the current values]`);
      }
      zoneSets.splice(index, 1);
    } else {
      return awsError(400, 'InvalidInput', `Invalid action ${String(change.Action)}`);
    }
    const id = `C${String(nextChange++).padStart(4, '0')}EXAMPLE`;
    changes.set(id, 0);
    return xmlReply(`<ChangeResourceRecordSetsResponse xmlns="${XMLNS}"><ChangeInfo><Id>/change/${id}</Id><Status>PENDING</Status><SubmittedAt>2024-01-01T00:00:00.000Z</SubmittedAt><Comment>${escapeXml(root.ChangeBatch?.Comment ?? '')}</Comment></ChangeInfo></ChangeResourceRecordSetsResponse>`);
  };

  const handler = (request: VendorRequest): VendorReply => {
    const rejected = verifySigV4(request, SECRET);
    if (rejected !== undefined) return awsError(rejected.code === 'InvalidClientTokenId' || rejected.code === 'SignatureDoesNotMatch' ? 403 : 400, rejected.code, rejected.message);
    if (request.headers['x-amz-security-token'] !== options.sessionToken) return awsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    const injected = state.inject?.(request);
    if (injected !== undefined) return injected;
    const path = request.url.pathname;
    if (request.method === 'GET' && path === '/2013-04-01/hostedzonesbyname') return listZones(request);
    const changeMatch = /^\/2013-04-01\/change\/([A-Z0-9]+)$/.exec(path);
    if (request.method === 'GET' && changeMatch !== null) {
      expectQuery(request, []);
      const id = changeMatch[1] ?? '';
      const polls = changes.get(id);
      if (polls === undefined) return awsError(404, 'NoSuchChange', `A change with the specified change ID does not exist: ${id}`);
      changes.set(id, polls + 1);
      const status = polls >= state.pendingPolls ? 'INSYNC' : 'PENDING';
      return xmlReply(`<GetChangeResponse xmlns="${XMLNS}"><ChangeInfo><Id>/change/${id}</Id><Status>${status}</Status><SubmittedAt>2024-01-01T00:00:00.000Z</SubmittedAt></ChangeInfo></GetChangeResponse>`);
    }
    const rrsetMatch = /^\/2013-04-01\/hostedzone\/([A-Z0-9]+)\/rrset(\/?)$/.exec(path);
    if (rrsetMatch === null) {
      problems.push(`unexpected ${request.method} ${path}`);
      return awsError(404, 'UnknownOperationException', 'Unknown operation');
    }
    const zoneSets = sets.get(rrsetMatch[1] ?? '');
    if (zoneSets === undefined) return awsError(404, 'NoSuchHostedZone', `No hosted zone found with ID: ${rrsetMatch[1] ?? ''}`);
    if (request.method === 'GET' && rrsetMatch[2] === '') {
      if (request.url.searchParams.has('name')) expectQuery(request, [['name', request.url.searchParams.get('name') ?? ''], ['type', 'TXT'], ['maxitems', '1']]);
      return listSets(request, zoneSets);
    }
    if (request.method === 'POST' && rrsetMatch[2] === '/') {
      expectQuery(request, []);
      return applyChange(request, zoneSets);
    }
    problems.push(`unexpected ${request.method} ${path}`);
    return awsError(400, 'InvalidInput', 'Invalid request');
  };

  return { state, handler };
}

let ca: TestCa;
let fake: ReturnType<typeof createFakeRoute53>;
let server: VendorServer;
let logger: RecordingLogger = createRecordingLogger();
let waits: number[] = [];
const running: Array<{ server: VendorServer; problems: string[] }> = [];

beforeAll(async () => {
  ca = await createTestCa({ hosts: ['127.0.0.1'] });
});

/** Starts a fresh stand-in (fresh zones, records and request log) for one test. */
async function start(options: { sessionToken?: string } = {}): Promise<void> {
  fake = createFakeRoute53(options);
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

function provider(overrides: Partial<Route53Options> = {}) {
  return createRoute53Provider({ accessKeyId: AKID, secretAccessKey: SECRET, endpoint: server.url, ...overrides }, context());
}

function txtAt(zoneId: string, name: string): FakeSet | undefined {
  return fake.state.sets.get(zoneId)?.find((set) => set.name === name && set.type === 'TXT');
}

function bodies(): string[] {
  return server.requests.filter((request) => request.method === 'POST').map((request) => request.body);
}

async function rejection(promise: Promise<unknown>): Promise<DnsError> {
  const error: unknown = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof DnsError)) throw new Error(`expected a DnsError, got ${String(error)}`);
  return error;
}

function expectNoSecret(error: DnsError, ...secrets: string[]): void {
  const everything = JSON.stringify({ message: error.message, remedy: error.remedy, logs: logger.lines });
  for (const secret of [SECRET, ...secrets]) expect(everything).not.toContain(secret);
}

describe('createRoute53Provider against a Route 53 stand-in', () => {
  it('adds the wildcard and apex values to one set with UPSERTs, waits for INSYNC, and removes each value alone', async () => {
    await start();
    const dns = provider();
    const before = structuredClone(fake.state.sets.get('Z1EXAMPLE'));

    await dns.present('_acme-challenge.example.com.', 'wildcard-value');
    await dns.present('_acme-challenge.example.com.', 'apex-value');
    expect(txtAt('Z1EXAMPLE', '_acme-challenge.example.com.')).toEqual({ name: '_acme-challenge.example.com.', type: 'TXT', ttl: 10, values: ['"wildcard-value"', '"apex-value"'] });
    expect(bodies()).toEqual([
      changeBatchXml('UPSERT', '_acme-challenge.example.com.', 10, ['"wildcard-value"']),
      changeBatchXml('UPSERT', '_acme-challenge.example.com.', 10, ['"wildcard-value"', '"apex-value"']),
    ]);
    // Discovery walks up to example.com. and skips its private twin; each change is polled to INSYNC.
    expect(server.requests.slice(0, 2).map((request) => request.url.search)).toEqual([
      '?dnsname=_acme-challenge.example.com&maxitems=10',
      '?dnsname=example.com&maxitems=10',
    ]);
    expect(server.requests.filter((request) => request.url.pathname.startsWith('/2013-04-01/change/')).map((request) => request.url.pathname))
      .toEqual(['/2013-04-01/change/C0001EXAMPLE', '/2013-04-01/change/C0001EXAMPLE', '/2013-04-01/change/C0002EXAMPLE', '/2013-04-01/change/C0002EXAMPLE']);
    expect(waits).toEqual([ROUTE53_INSYNC_POLL_MS, ROUTE53_INSYNC_POLL_MS]);

    await dns.cleanup('_acme-challenge.example.com.', 'wildcard-value');
    expect(txtAt('Z1EXAMPLE', '_acme-challenge.example.com.')?.values).toEqual(['"apex-value"']);
    await dns.cleanup('_acme-challenge.example.com.', 'apex-value');
    expect(bodies().slice(2)).toEqual([
      changeBatchXml('UPSERT', '_acme-challenge.example.com.', 10, ['"apex-value"']),
      changeBatchXml('DELETE', '_acme-challenge.example.com.', 10, ['"apex-value"']),
    ]);
    expect(fake.state.sets.get('Z1EXAMPLE')).toEqual(before);
    expect(fake.state.sets.get('Z2PRIVATE')).toEqual([]);
  });

  it('keeps an existing set\'s TTL and values byte for byte, and treats present/absent values as done', async () => {
    await start();
    fake.state.sets.get('Z1EXAMPLE')?.push({ name: '_acme-challenge.www.example.com.', type: 'TXT', ttl: 60, values: ['"other" "split"', '"mine"'] });
    const dns = provider();
    await dns.present('_acme-challenge.www.example.com', 'mine');
    // Two character-strings read as one value: "other" "split" holds othersplit.
    await dns.present('_acme-challenge.www.example.com.', 'othersplit');
    await dns.cleanup('_acme-challenge.www.example.com.', 'never-added');
    await dns.cleanup('_acme-challenge.nothing.example.com.', 'never-added');
    expect(bodies()).toEqual([]);
    await dns.present('_acme-challenge.www.example.com.', 'new');
    await dns.cleanup('_acme-challenge.www.example.com.', 'mine');
    expect(bodies()).toEqual([
      changeBatchXml('UPSERT', '_acme-challenge.www.example.com.', 60, ['"other" "split"', '"mine"', '"new"']),
      changeBatchXml('UPSERT', '_acme-challenge.www.example.com.', 60, ['"other" "split"', '"new"']),
    ]);
    expect(txtAt('Z1EXAMPLE', '_acme-challenge.www.example.com.')).toEqual({ name: '_acme-challenge.www.example.com.', type: 'TXT', ttl: 60, values: ['"other" "split"', '"new"'] });
  });

  it('uses the most specific zone and caches it, and uses a configured hosted zone ID without lookups', async () => {
    await start();
    const dns = provider();
    await dns.present('_acme-challenge.sub.example.com.', 'v');
    expect(txtAt('Z4SUB', '_acme-challenge.sub.example.com.')?.values).toEqual(['"v"']);
    const lookups = server.requests.filter((request) => request.url.pathname.endsWith('/hostedzonesbyname')).length;
    await dns.cleanup('_acme-challenge.sub.example.com.', 'v');
    expect(server.requests.filter((request) => request.url.pathname.endsWith('/hostedzonesbyname')).length).toBe(lookups);

    const fixed = provider({ hostedZoneId: '/hostedzone/Z3OTHER' });
    await fixed.present('_acme-challenge.other.org.', 'w');
    expect(txtAt('Z3OTHER', '_acme-challenge.other.org.')?.values).toEqual(['"w"']);
    expect(server.requests.filter((request) => request.url.pathname.endsWith('/hostedzonesbyname')).length).toBe(lookups);
  });

  it('re-reads once when the set changed between read and DELETE (InvalidChangeBatch)', async () => {
    await start();
    fake.state.sets.get('Z1EXAMPLE')?.push({ name: '_acme-challenge.example.com.', type: 'TXT', ttl: 10, values: ['"mine"'] });
    let raced = false;
    fake.state.inject = (request) => {
      if (request.method !== 'POST' || raced) return undefined;
      raced = true;
      const set = txtAt('Z1EXAMPLE', '_acme-challenge.example.com.');
      set?.values.push('"racer"');
      return undefined;
    };
    await provider().cleanup('_acme-challenge.example.com.', 'mine');
    expect(txtAt('Z1EXAMPLE', '_acme-challenge.example.com.')?.values).toEqual(['"racer"']);
    expect(bodies()).toEqual([
      changeBatchXml('DELETE', '_acme-challenge.example.com.', 10, ['"mine"']),
      changeBatchXml('UPSERT', '_acme-challenge.example.com.', 10, ['"racer"']),
    ]);
  });

  it('stops waiting for INSYNC after its bound and says so in the log', async () => {
    await start();
    fake.state.pendingPolls = 1_000;
    await provider().present('_acme-challenge.example.com.', 'slow');
    expect(waits).toHaveLength(ROUTE53_INSYNC_MAX_POLLS);
    expect(logger.lines.some((line) => line.startsWith('warn: Route 53 change not INSYNC yet'))).toBe(true);
  });

  it('signs and sends a session token for temporary credentials', async () => {
    await start({ sessionToken: SESSION });
    const dns = provider({ sessionToken: SESSION });
    expect(await dns.check()).toEqual({ zones: ['example.com.', 'sub.example.com.', 'other.org.'] });
    expect(server.requests[0]?.headers.authorization).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token');
  });

  it('check() pages through the public hosted zones and reads a configured zone', async () => {
    await start();
    fake.state.zones.push(...Array.from({ length: 150 }, (_, i) => ({ id: `ZBULK${String(i).padStart(3, '0')}`, name: `zone${String(i).padStart(3, '0')}.test.`, private: false })));
    for (const zone of fake.state.zones) if (!fake.state.sets.has(zone.id)) fake.state.sets.set(zone.id, []);
    const result = await provider({ hostedZoneId: 'Z1EXAMPLE' }).check();
    expect(result.zones).toHaveLength(153);
    expect(result.zones?.slice(0, 3)).toEqual(['example.com.', 'sub.example.com.', 'other.org.']);
    expect(server.requests.map((request) => `${request.url.pathname}${request.url.search}`)).toEqual([
      '/2013-04-01/hostedzonesbyname?maxitems=100',
      `/2013-04-01/hostedzonesbyname?dnsname=${encodeURIComponent('zone096.test.')}&hostedzoneid=ZBULK096&maxitems=100`,
      '/2013-04-01/hostedzone/Z1EXAMPLE/rrset?maxitems=1',
    ]);
    expect(server.requests.every((request) => request.method === 'GET')).toBe(true);
  });

  it('fails with zone_not_found for a name no public zone holds, and for a wrong hosted zone ID', async () => {
    await start();
    const error = await rejection(provider().present('_acme-challenge.example.net.', 'v'));
    expect(error).toMatchObject({ failure: 'zone_not_found' });
    expect(error.message).toBe('Unable to find the hosted zone of _acme-challenge.example.net at AWS Route 53, no public hosted zone of this account is named _acme-challenge.example.net, example.net');
    const wrongId = await rejection(provider({ hostedZoneId: 'Z9NOPE' }).present('_acme-challenge.example.com.', 'v'));
    expect(wrongId).toMatchObject({ failure: 'zone_not_found' });
    expect(wrongId.message).toContain('NoSuchHostedZone: No hosted zone found with ID: Z9NOPE');
    expect(wrongId.remedy).toContain('Route 53 console (Hosted zones)');
  });

  it.each([
    ['a wrong secret key', { secretAccessKey: 'WRONGsecretKEYvalue0123456789abcdefghijk' }, 'auth', 'SignatureDoesNotMatch'],
    ['an unknown access key ID', { accessKeyId: 'AKIAUNKNOWNKEY000000' }, 'auth', 'InvalidClientTokenId'],
  ] as const)('maps %s to %s (%s) without retrying or leaking the key', async (_, overrides, failure, code) => {
    await start();
    const error = await rejection(provider(overrides).check());
    expect(error).toMatchObject({ failure, code: 'needs_admin' });
    expect(error.message).toContain(code);
    expect(error.remedy).toContain('IAM > Users');
    expect(server.requests).toHaveLength(1);
    expectNoSecret(error, 'WRONGsecretKEYvalue0123456789abcdefghijk');
  });

  it('maps an expired session token to auth and never shows the token', async () => {
    await start({ sessionToken: SESSION });
    fake.state.inject = () => awsError(403, 'ExpiredToken', 'The security token included in the request is expired');
    const error = await rejection(provider({ sessionToken: SESSION }).check());
    expect(error).toMatchObject({ failure: 'auth' });
    expect(error.remedy).toContain('temporary credentials');
    expectNoSecret(error, SESSION);
  });

  it('maps a missing permission to refused (AccessDenied) with the minimal policy in the remedy', async () => {
    await start();
    fake.state.inject = (request) => (request.method === 'POST'
      ? awsError(403, 'AccessDenied', 'User: arn:aws:iam::123456789012:user/certdesk is not authorized to perform: route53:ChangeResourceRecordSets on resource: arn:aws:route53:::hostedzone/Z1EXAMPLE')
      : undefined);
    const error = await rejection(provider().present('_acme-challenge.example.com.', 'v'));
    expect(error).toMatchObject({ failure: 'refused', code: 'needs_admin' });
    expect(error.remedy).toContain('route53:ChangeResourceRecordSets');
    expectNoSecret(error);
  });

  it('backs off on Throttling and PriorRequestNotComplete, then succeeds', async () => {
    await start();
    const answers = [awsError(400, 'Throttling', 'Rate exceeded'), awsError(400, 'PriorRequestNotComplete', 'The request was rejected because Route 53 was still processing a prior request.')];
    fake.state.inject = (request) => (request.method === 'POST' ? answers.shift() : undefined);
    await provider().present('_acme-challenge.example.com.', 'v');
    expect(txtAt('Z1EXAMPLE', '_acme-challenge.example.com.')?.values).toEqual(['"v"']);
    expect(waits.slice(0, 2)).toEqual([1000, 2000]);
    expect(logger.lines.filter((line) => line.startsWith('warn: DNS provider API call retried'))).toHaveLength(2);
  });

  it('gives up on persistent throttling as rate_limited, honouring Retry-After when AWS sends one', async () => {
    await start();
    fake.state.inject = () => ({ ...awsError(400, 'Throttling', 'Rate exceeded'), headers: { 'content-type': 'text/xml', 'retry-after': '3' } });
    const error = await rejection(provider().check());
    expect(error).toMatchObject({ failure: 'rate_limited', transient: true });
    expect(waits).toEqual([3000, 3000, 3000]);
    expectNoSecret(error);
  });

  it('reports an endpoint nobody answers on as network, after retrying', async () => {
    await start();
    const url = server.url;
    await server.stop();
    const error = await rejection(createRoute53Provider({ accessKeyId: AKID, secretAccessKey: SECRET, endpoint: url }, context()).present('_acme-challenge.example.com.', 'v'));
    expect(error).toMatchObject({ failure: 'network', transient: true });
    expect(error.message).toContain('ECONNREFUSED');
    expect(waits).toHaveLength(3);
  });

  it('refuses a malformed hosted zone ID, region or endpoint at once', () => {
    expect(() => createRoute53Provider({ accessKeyId: AKID, secretAccessKey: SECRET, hostedZoneId: 'example.com' }, context())).toThrow(/hosted zone ID example.com is not valid/);
    expect(() => createRoute53Provider({ accessKeyId: AKID, secretAccessKey: SECRET, region: 'global' }, context())).toThrow(/region global is not valid/);
    expect(() => createRoute53Provider({ accessKeyId: AKID, secretAccessKey: SECRET, endpoint: 'http://route53.example' }, context())).toThrow(/must start with https/);
  });
});

describe('Route 53 error reading', () => {
  it.each([
    ['InvalidClientTokenId', 403, 'auth'],
    ['SignatureDoesNotMatch', 403, 'auth'],
    ['IncompleteSignature', 400, 'auth'],
    ['ExpiredToken', 403, 'auth'],
    ['AccessDenied', 403, 'refused'],
    ['NoSuchHostedZone', 404, 'zone_not_found'],
    ['Throttling', 400, 'rate_limited'],
    ['PriorRequestNotComplete', 400, 'rate_limited'],
    ['InvalidChangeBatch', 400, 'server_error'],
  ])('%s (HTTP %i) → %s', (code, status, failure) => {
    const error = readRoute53Error(String(awsError(status, code, 'msg').body));
    expect(error).toEqual({ code, message: 'msg' });
    expect(route53Verdict(status, error)?.failure).toBe(failure);
  });

  it('reads the older InvalidChangeBatch document too', () => {
    const body = `<?xml version="1.0"?><InvalidChangeBatch xmlns="${XMLNS}"><Messages><Message>Tried to create resource record set [name='a.example.com.', type='TXT'] but it already exists</Message><Message>second</Message></Messages><RequestId>r</RequestId></InvalidChangeBatch>`;
    expect(readRoute53Error(body)).toEqual({ code: 'InvalidChangeBatch', message: 'Tried to create resource record set [name=\'a.example.com.\', type=\'TXT\'] but it already exists; second' });
  });

  it('leaves success, unknown codes and other bodies to the status defaults', () => {
    expect(route53Verdict(200, { code: 'NoSuchHostedZone', message: '' })).toBeUndefined();
    expect(route53Verdict(400, { code: 'InvalidInput', message: 'x' })).toBeUndefined();
    expect(readRoute53Error('{"message":"not xml"}')).toBeUndefined();
    expect(readRoute53Error('<html><body>Bad gateway</body></html>')).toBeUndefined();
  });
});

describe('settings and helpers', () => {
  it.each([
    ['Z0123456789ABCDEFGHIJ', 'Z0123456789ABCDEFGHIJ'],
    ['/hostedzone/Z1EXAMPLE', 'Z1EXAMPLE'],
    [' Z1EXAMPLE ', 'Z1EXAMPLE'],
    ['example.com', undefined],
    ['/hostedzone/', undefined],
  ])('normalizeHostedZoneId(%j) = %j', (value, expected) => {
    expect(normalizeHostedZoneId(value)).toBe(expected);
  });

  it.each([['us-east-1', undefined], ['cn-northwest-1', undefined], ['us-gov-west-1', undefined], ['global', 'it is not an AWS region like us-east-1']])('checkAwsRegion(%j)', (value, expected) => {
    expect(checkAwsRegion(value)).toBe(expected);
  });

  it('escapes XML character data and writes the values as given', () => {
    expect(escapeXml('<a & "b">')).toBe('&lt;a &amp; "b"&gt;');
    expect(changeBatchXml('DELETE', 'x.example.com.', 10, ['"a"', '"<&>"'])).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<ChangeResourceRecordSetsRequest xmlns="${XMLNS}"><ChangeBatch>`
      + '<Comment>CertDesk ACME DNS-01 challenge</Comment><Changes><Change><Action>DELETE</Action><ResourceRecordSet><Name>x.example.com.</Name><Type>TXT</Type><TTL>10</TTL>'
      + '<ResourceRecords><ResourceRecord><Value>"a"</Value></ResourceRecord><ResourceRecord><Value>"&lt;&amp;&gt;"</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>');
  });

  it('declares its fields in both locales with the keys as secrets, and builds a working provider', async () => {
    expect(route53Definition.kind).toBe('route53');
    expect(route53Definition.fields.map((f) => [f.key, f.secret, f.optional ?? false])).toEqual([
      ['accessKeyId', false, false],
      ['secretAccessKey', true, false],
      ['sessionToken', true, true],
      ['hostedZoneId', false, true],
      ['region', false, true],
      ['endpoint', false, true],
    ]);
    for (const f of route53Definition.fields) {
      expect(f.label['zh-CN']).not.toBe('');
      expect(f.help['zh-CN']).not.toBe('');
    }
    await start();
    const dns = route53Definition.create({ accessKeyId: AKID, secretAccessKey: SECRET, region: 'us-east-1', endpoint: server.url }, context());
    expect((await dns.check()).zones).toContain('example.com.');
  });
});
