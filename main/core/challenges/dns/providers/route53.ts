import { setTimeout as sleepFor } from 'node:timers/promises';
import { XMLParser } from 'fast-xml-parser';
import { DnsError } from '../dns-error.ts';
import { createHttpApi, type ApiRequest, type ApiResponse, type ApiVerdict } from '../http-api.ts';
import { displayName, requireFqdn } from '../names.ts';
import type { DnsCheckResult, DnsProvider, DnsProviderDefinition, ProviderContext } from '../provider.ts';
import { signAwsRequest } from '../signing/aws-sigv4.ts';
import { checkHttpsEndpoint, endpointBase } from './https-endpoint.ts';
import { unquoteTxt } from './txt-quoting.ts';
import { addTxtValue, changeWithOneRetry, PRESENTATION_TXT, removeTxtValue } from './txt-record-set.ts';
import { zoneCandidates } from './zone-discovery.ts';

/**
 * AWS Route 53 through its REST/XML API, version 2013-04-01 (docs.aws.amazon.com/Route53/latest/APIReference/):
 * ListHostedZonesByName, ListResourceRecordSets, ChangeResourceRecordSets and GetChange, signed with
 * SigV4 (`signing/aws-sigv4.ts`, AWS's own signer).
 */

/** The kind id stored in config.json and typed on the CLI. */
export const ROUTE53_KIND = 'route53';

/** How the provider is named in messages: "Unable to … at AWS Route 53, …". */
const LABEL = 'AWS Route 53';

/** Route 53's one global endpoint (the China partition has its own, set as the endpoint). */
export const ROUTE53_DEFAULT_ENDPOINT = 'https://route53.amazonaws.com';

/** Route 53 is a global service signed for us-east-1 (cn-northwest-1 in the China partition). */
export const ROUTE53_DEFAULT_REGION = 'us-east-1';

/** The API version in every path. */
const API = '/2013-04-01';

/**
 * TTL of a TXT record set we create (an existing set keeps its own): 10 s, as lego and certbot's
 * Route 53 plugins use, so a resolver that cached the set before our second value (wildcard + apex)
 * sees the new one almost at once.
 */
export const ROUTE53_TXT_TTL_SECONDS = 10;

/** Pause between GetChange polls; Route 53 changes usually reach INSYNC within 60 s. */
export const ROUTE53_INSYNC_POLL_MS = 5_000;

/**
 * Polls of GetChange before `present` stops waiting for INSYNC (24 × 5 s = 2 minutes, lego's bound).
 * Not INSYNC by then is logged, not thrown: the propagation check still watches the name servers.
 */
export const ROUTE53_INSYNC_MAX_POLLS = 24;

/** Zones asked for per ListHostedZonesByName call when looking for one name: its public and private zones. */
const ZONES_PER_LOOKUP = 10;

/** Page size and page bound of `check()`'s zone list (100 is the API's maximum per page). */
const ZONE_PAGE_SIZE = 100;
const MAX_ZONE_PAGES = 20;

/** The XML namespace of every request body. */
const XMLNS = 'https://route53.amazonaws.com/doc/2013-04-01/';

/** Settings of the Route 53 provider, as `dns add --provider route53` takes them. */
export interface Route53Options {
  readonly accessKeyId: string;
  /** Secret. */
  readonly secretAccessKey: string;
  /** The session token of temporary (STS) credentials. Secret. */
  readonly sessionToken?: string | undefined;
  /** Use this hosted zone (`Z…` or `/hostedzone/Z…`) instead of looking the zone up by name. */
  readonly hostedZoneId?: string | undefined;
  /** The SigV4 signing region; default {@link ROUTE53_DEFAULT_REGION}. */
  readonly region?: string | undefined;
  /** An https base URL replacing {@link ROUTE53_DEFAULT_ENDPOINT}. */
  readonly endpoint?: string | undefined;
}

/** A Route 53 error answer: `<ErrorResponse><Error><Code>…</Code><Message>…</Message></Error>`. */
export interface Route53ApiError {
  readonly code: string;
  readonly message: string;
}

/** A hosted zone: its id (without `/hostedzone/`) and, when looked up, its absolute name. */
interface Route53Zone {
  readonly id: string;
  readonly name: string | undefined;
}

/** A TXT record set as ListResourceRecordSets returns it. */
interface Route53RecordSet {
  readonly ttl: number;
  /** Presentation-form TXT data, e.g. `"abc"`, as stored. */
  readonly values: ReadonlyArray<string>;
}

const AUTH_REMEDY =
  'Check the access key in the AWS console (IAM > Users > the user > Security credentials): the Access Key ID must exist and be active and the Secret Access Key must be its own. Check also this machine\'s clock: a signature more than 5 minutes off is rejected.';

const EXPIRED_REMEDY =
  'The temporary credentials (session token) have expired: give fresh ones, or an access key of an IAM user instead.';

const PERMISSION_REMEDY =
  'Attach to the IAM user or role a policy allowing route53:ListHostedZonesByName, route53:ListResourceRecordSets, route53:ChangeResourceRecordSets (on the hosted zone) and route53:GetChange (IAM console > Policies).';

const THROTTLE_REMEDY =
  'Route 53 allows five API requests per second per account; wait a minute, and avoid running many renewals at once.';

const ZONE_REMEDY =
  'Check in the Route 53 console (Hosted zones) that a public hosted zone for the domain exists in this account, and, if a hosted zone ID is set, that it is that zone\'s.';

const CONFLICT_REMEDY = 'Another client is changing this TXT record set at the same time; CertDesk will try again later.';

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['HostedZone', 'ResourceRecordSet', 'ResourceRecord'].includes(name),
});

/** Parses an XML body; `undefined` when it is not XML. */
function parseXml(body: string): unknown {
  if (!body.trimStart().startsWith('<')) return undefined;
  try {
    return parser.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function at(node: unknown, ...path: string[]): unknown {
  let current = node;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function text(node: unknown): string | undefined {
  return typeof node === 'string' ? node : undefined;
}

function list(node: unknown): ReadonlyArray<unknown> {
  return Array.isArray(node) ? node : node === undefined ? [] : [node];
}

const XML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * `value` as XML character data: `&`, `<` and `>` as the predefined entities. Quotes stay literal,
 * as the Route 53 docs show TXT values (`<Value>"abc"</Value>`); element content needs no more. Pure.
 */
export function escapeXml(value: string): string {
  return value.replace(/[&<>]/g, (c) => XML_ENTITIES[c] ?? c);
}

/**
 * The error a Route 53 answer carries: the standard `<ErrorResponse><Error><Code>` form, or the
 * older `<InvalidChangeBatch><Messages><Message>` one. `undefined` when the body is neither. Pure.
 */
export function readRoute53Error(body: string): Route53ApiError | undefined {
  const xml = parseXml(body);
  const code = text(at(xml, 'ErrorResponse', 'Error', 'Code'));
  if (code !== undefined) return { code, message: text(at(xml, 'ErrorResponse', 'Error', 'Message')) ?? '' };
  const messages = list(at(xml, 'InvalidChangeBatch', 'Messages', 'Message')).map(text).filter((m): m is string => m !== undefined);
  if (at(xml, 'InvalidChangeBatch') !== undefined) return { code: 'InvalidChangeBatch', message: messages.join('; ') };
  return undefined;
}

/**
 * Route 53's reading of a non-2xx answer, keyed on the documented error codes: InvalidClientTokenId,
 * SignatureDoesNotMatch, IncompleteSignature, ExpiredToken → `auth`; AccessDenied → `refused`;
 * NoSuchHostedZone → `zone_not_found`; Throttling, PriorRequestNotComplete → `rate_limited`;
 * InvalidChangeBatch → `server_error` (the set changed under us: a later try re-reads). Others get
 * the status defaults. Pure.
 */
export function route53Verdict(status: number, error: Route53ApiError | undefined): ApiVerdict | undefined {
  if ((status >= 200 && status < 300) || error === undefined) return undefined;
  const quoted = `${error.code}${error.message === '' ? '' : `: ${error.message}`}`;
  switch (error.code) {
    case 'InvalidClientTokenId':
      return { failure: 'auth', message: `AWS does not know this access key ID (${quoted})`, remedy: AUTH_REMEDY };
    case 'SignatureDoesNotMatch':
    case 'IncompleteSignature':
      return { failure: 'auth', message: `the request signature was rejected: the secret access key is wrong or the clock is off (${quoted})`, remedy: AUTH_REMEDY };
    case 'ExpiredToken':
      return { failure: 'auth', message: `the session token has expired (${quoted})`, remedy: EXPIRED_REMEDY };
    case 'AccessDenied':
      return { failure: 'refused', message: `the credentials are not allowed to do this (${quoted})`, remedy: PERMISSION_REMEDY };
    case 'NoSuchHostedZone':
      return { failure: 'zone_not_found', message: `the hosted zone does not exist (${quoted})`, remedy: ZONE_REMEDY };
    case 'Throttling':
    case 'PriorRequestNotComplete':
      return { failure: 'rate_limited', message: `Route 53 asked us to slow down (${quoted})`, remedy: THROTTLE_REMEDY };
    case 'InvalidChangeBatch':
      return { failure: 'server_error', message: `the record set changed meanwhile (${quoted})`, remedy: CONFLICT_REMEDY };
    default:
      return undefined;
  }
}

/** `/hostedzone/Z123` or `Z123` → `Z123`; `undefined` when it is not a hosted zone id. Pure. */
export function normalizeHostedZoneId(value: string): string | undefined {
  const match = /^(?:\/hostedzone\/)?([A-Z0-9]{1,32})$/.exec(value.trim());
  return match?.[1];
}

/** Why `value` is not a signing region like `us-east-1`, or `undefined`. Pure. */
export function checkAwsRegion(value: string): string | undefined {
  return /^[a-z]{2}(?:-[a-z]+)+-\d+$/.test(value) ? undefined : 'it is not an AWS region like us-east-1';
}

/** The `ChangeResourceRecordSets` body for one change of one TXT set. Pure. */
export function changeBatchXml(action: 'UPSERT' | 'DELETE', name: string, ttl: number, values: ReadonlyArray<string>): string {
  const records = values.map((value) => `<ResourceRecord><Value>${escapeXml(value)}</Value></ResourceRecord>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ChangeResourceRecordSetsRequest xmlns="${XMLNS}"><ChangeBatch>`
    + '<Comment>CertDesk ACME DNS-01 challenge</Comment><Changes><Change>'
    + `<Action>${action}</Action><ResourceRecordSet><Name>${escapeXml(name)}</Name><Type>TXT</Type><TTL>${String(ttl)}</TTL>`
    + `<ResourceRecords>${records}</ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`;
}

function absolute(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

function badConfig(reason: string, remedy: string): DnsError {
  return new DnsError('bad_config', `Unable to use the Route 53 provider, ${reason}`, { remedy });
}

function unexpected(action: string, what: string): DnsError {
  return new DnsError('server_error', `Unable to ${action} at ${LABEL}, the answer does not hold ${what}`, {
    remedy: `${LABEL} answered something other than its API; check the endpoint and any proxy in between.`,
  });
}

/**
 * Creates the Route 53 provider. The zone is the `hostedZoneId` when set, else found by walking up
 * the name's labels with ListHostedZonesByName and taking the public zone of exactly that name
 * (cached per provider).
 *
 * `present` reads the name's TXT set (ListResourceRecordSets); if the value is not in it, an UPSERT
 * writes the whole set — the values already there, byte for byte, plus ours, quoted — keeping the
 * set's TTL (ours, {@link ROUTE53_TXT_TTL_SECONDS}, for a new set); it then polls GetChange until
 * INSYNC (bounded, see {@link ROUTE53_INSYNC_MAX_POLLS}). `cleanup` UPSERTs the set without our
 * value, or DELETEs the exact set when ours was the last; already gone is success. An
 * InvalidChangeBatch (the set changed between read and write) is read again, once. `check()` lists
 * the account's public hosted zones and, with a `hostedZoneId`, reads that zone's records.
 *
 * Signing is per attempt (AWS's SigV4 signer); retries, backoff and secret scrubbing are
 * `createHttpApi`'s; errors are {@link DnsError}s mapped by {@link route53Verdict}. Throws a
 * `bad_config` {@link DnsError} now for a malformed zone id, region or endpoint. Safe for
 * concurrent use; the solver serialises calls for one name.
 */
export function createRoute53Provider(options: Route53Options, context: ProviderContext): DnsProvider {
  const region = options.region === undefined || options.region === '' ? ROUTE53_DEFAULT_REGION : options.region;
  const regionProblem = checkAwsRegion(region);
  if (regionProblem !== undefined) throw badConfig(`the region ${region} is not valid: ${regionProblem}`, 'Leave the region empty (us-east-1), or give cn-northwest-1 for the China partition.');
  let fixedZone: Route53Zone | undefined;
  if (options.hostedZoneId !== undefined && options.hostedZoneId !== '') {
    const id = normalizeHostedZoneId(options.hostedZoneId);
    if (id === undefined) throw badConfig(`the hosted zone ID ${options.hostedZoneId} is not valid`, 'Copy the hosted zone ID (e.g. Z0123456789ABCDEFGHIJ) from the Route 53 console, or leave it empty.');
    fixedZone = { id, name: undefined };
  }
  if (options.endpoint !== undefined && options.endpoint !== '') {
    const problem = checkHttpsEndpoint(options.endpoint);
    if (problem !== undefined) throw badConfig(`the endpoint is not valid: ${problem}`, `Leave the endpoint empty for ${ROUTE53_DEFAULT_ENDPOINT}, or give an https:// URL.`);
  }
  const base = endpointBase(options.endpoint === undefined || options.endpoint === '' ? ROUTE53_DEFAULT_ENDPOINT : options.endpoint);
  const sessionToken = options.sessionToken === '' ? undefined : options.sessionToken;
  const credentials = { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey, sessionToken };
  const secrets = sessionToken === undefined ? [options.secretAccessKey] : [options.secretAccessKey, sessionToken];
  const sleep = context.sleep ?? ((ms: number, signal?: AbortSignal) => sleepFor(ms, undefined, { signal }));
  const zones = new Map<string, Route53Zone>();

  const api = createHttpApi({
    provider: ROUTE53_KIND,
    label: LABEL,
    context,
    secrets,
    authRemedy: AUTH_REMEDY,
    // InvalidChangeBatch: the set changed between our read and our change; the caller reads again.
    accept: (response) => response.status >= 300 && readRoute53Error(response.body)?.code === 'InvalidChangeBatch',
    interpret: (response) => route53Verdict(response.status, readRoute53Error(response.body)),
  });

  /** One call, signed afresh for every attempt. */
  const call = (action: string, method: ApiRequest['method'], path: string, query: ReadonlyArray<readonly [string, string]>,
    body: string | undefined, signal: AbortSignal | undefined): Promise<ApiResponse> => {
    const build = async (): Promise<ApiRequest> => {
      const url = new URL(`${base}${path}`);
      for (const [name, value] of query) url.searchParams.append(name, value);
      const headers: Record<string, string> = body === undefined ? {} : { 'Content-Type': 'application/xml' };
      const signed = await signAwsRequest({ method, url, headers, body: body ?? '' }, { credentials, region, service: 'route53' });
      return body === undefined ? { method, url, headers: signed } : { method, url, headers: signed, body };
    };
    return api.request(action, build, signal);
  };

  const xml = async (action: string, path: string, query: ReadonlyArray<readonly [string, string]>, signal: AbortSignal | undefined): Promise<unknown> => {
    const response = await call(action, 'GET', path, query, undefined, signal);
    const parsed = response.status < 300 ? parseXml(response.body) : undefined;
    if (parsed === undefined) throw unexpected(action, 'XML');
    return parsed;
  };

  /** The public zones of one ListHostedZonesByName page, and where the next page starts. */
  const listZones = async (action: string, query: ReadonlyArray<readonly [string, string]>, signal: AbortSignal | undefined) => {
    const body = await xml(action, `${API}/hostedzonesbyname`, query, signal);
    const root = at(body, 'ListHostedZonesByNameResponse');
    if (root === undefined) throw unexpected(action, 'a ListHostedZonesByNameResponse');
    const found = list(at(root, 'HostedZones', 'HostedZone')).flatMap((zone) => {
      const id = normalizeHostedZoneId(text(at(zone, 'Id')) ?? '');
      const name = text(at(zone, 'Name'));
      const isPrivate = text(at(zone, 'Config', 'PrivateZone')) === 'true';
      return id === undefined || name === undefined || isPrivate ? [] : [{ id, name: absolute(name) }];
    });
    const truncated = text(at(root, 'IsTruncated')) === 'true';
    const next = truncated ? { dnsName: text(at(root, 'NextDNSName')), zoneId: text(at(root, 'NextHostedZoneId')) } : undefined;
    return { found, next };
  };

  const findZone = async (fqdn: string, signal: AbortSignal | undefined): Promise<Route53Zone> => {
    if (fixedZone !== undefined) return fixedZone;
    const looked: string[] = [];
    for (const name of zoneCandidates(fqdn, 2)) {
      const cached = zones.get(name);
      if (cached !== undefined) {
        zones.set(fqdn, cached);
        return cached;
      }
      looked.push(displayName(name));
      const { found } = await listZones(`find the hosted zone of ${displayName(fqdn)}`,
        [['dnsname', displayName(name)], ['maxitems', String(ZONES_PER_LOOKUP)]], signal);
      const zone = found.find((candidate) => candidate.name === name);
      if (zone !== undefined) {
        zones.set(name, zone);
        zones.set(fqdn, zone);
        return zone;
      }
    }
    throw new DnsError('zone_not_found',
      `Unable to find the hosted zone of ${displayName(fqdn)} at ${LABEL}, no public hosted zone of this account is named ${looked.join(', ')}`,
      { remedy: ZONE_REMEDY });
  };

  const readSet = async (zone: Route53Zone, fqdn: string, signal: AbortSignal | undefined): Promise<Route53RecordSet | undefined> => {
    const action = `read the TXT records of ${displayName(fqdn)}`;
    const body = await xml(action, `${API}/hostedzone/${zone.id}/rrset`, [['name', fqdn], ['type', 'TXT'], ['maxitems', '1']], signal);
    const root = at(body, 'ListResourceRecordSetsResponse');
    if (root === undefined) throw unexpected(action, 'a ListResourceRecordSetsResponse');
    for (const set of list(at(root, 'ResourceRecordSets', 'ResourceRecordSet'))) {
      if (absolute(text(at(set, 'Name')) ?? '') !== fqdn || text(at(set, 'Type')) !== 'TXT' || at(set, 'SetIdentifier') !== undefined) continue;
      const ttl = Number(text(at(set, 'TTL')));
      const values = list(at(set, 'ResourceRecords', 'ResourceRecord')).map((record) => text(at(record, 'Value'))).filter((value): value is string => value !== undefined);
      return { ttl: Number.isInteger(ttl) ? ttl : ROUTE53_TXT_TTL_SECONDS, values };
    }
    return undefined;
  };

  /**
   * Sends one change. `changed: false` when the set changed under us (InvalidChangeBatch); else the
   * change id to poll (`undefined` if the answer had none readable: the change was still made).
   */
  const change = async (action: string, zone: Route53Zone, kind: 'UPSERT' | 'DELETE', fqdn: string, set: Route53RecordSet,
    signal: AbortSignal | undefined): Promise<{ readonly changed: false } | { readonly changed: true; readonly changeId: string | undefined }> => {
    const response = await call(action, 'POST', `${API}/hostedzone/${zone.id}/rrset/`, [], changeBatchXml(kind, fqdn, set.ttl, set.values), signal);
    if (response.status >= 300) return { changed: false };
    const id = text(at(parseXml(response.body), 'ChangeResourceRecordSetsResponse', 'ChangeInfo', 'Id'));
    return { changed: true, changeId: id?.replace(/^\/change\//, '') };
  };

  const waitInsync = async (changeId: string, fqdn: string, signal: AbortSignal | undefined): Promise<void> => {
    for (let poll = 0; poll < ROUTE53_INSYNC_MAX_POLLS; poll++) {
      const body = await xml(`check the change of ${displayName(fqdn)}`, `${API}/change/${encodeURIComponent(changeId)}`, [], signal);
      if (text(at(body, 'GetChangeResponse', 'ChangeInfo', 'Status')) === 'INSYNC') return;
      await sleep(ROUTE53_INSYNC_POLL_MS, signal);
    }
    context.logger.warn('Route 53 change not INSYNC yet; relying on the propagation check', { changeId, name: fqdn });
  };

  const normalize = (name: string, action: string): string =>
    requireFqdn(name, (reason) => badConfig(`cannot ${action}: ${reason}`, 'Give a valid domain name.'));

  /** Runs `attempt` again, once, when it reports that the set changed under us. */
  const twice = (fqdn: string, attempt: () => Promise<boolean>): Promise<void> =>
    changeWithOneRetry({ fqdn, label: LABEL, remedy: CONFLICT_REMEDY }, attempt);

  return {
    kind: ROUTE53_KIND,

    present: async (name, value, signal) => {
      const fqdn = normalize(name, 'add a TXT record');
      const zone = await findZone(fqdn, signal);
      const action = `add the TXT record ${displayName(fqdn)}`;
      await twice(fqdn, async () => {
        const set = await readSet(zone, fqdn, signal);
        const addition = addTxtValue(set?.values ?? [], value, PRESENTATION_TXT);
        if (addition.kind === 'already_present') return true;
        const next = { ttl: set?.ttl ?? ROUTE53_TXT_TTL_SECONDS, values: addition.records };
        const result = await change(action, zone, 'UPSERT', fqdn, next, signal);
        if (!result.changed) return false;
        context.logger.info('Route 53 TXT value added', { zone: zone.name ?? zone.id, name: fqdn, values: next.values.length });
        if (result.changeId !== undefined) await waitInsync(result.changeId, fqdn, signal);
        return true;
      });
    },

    cleanup: async (name, value, signal) => {
      const fqdn = normalize(name, 'remove a TXT record');
      const zone = await findZone(fqdn, signal);
      const action = `remove the TXT record ${displayName(fqdn)}`;
      await twice(fqdn, async () => {
        const set = await readSet(zone, fqdn, signal);
        const removal = removeTxtValue(set?.values ?? [], value, unquoteTxt);
        if (set === undefined || removal.kind === 'already_gone') return true;
        const result = removal.kind === 'delete'
          ? await change(action, zone, 'DELETE', fqdn, set, signal)
          : await change(action, zone, 'UPSERT', fqdn, { ttl: set.ttl, values: removal.records }, signal);
        if (!result.changed) return false;
        context.logger.info('Route 53 TXT value removed', { zone: zone.name ?? zone.id, name: fqdn, values: removal.kind === 'delete' ? 0 : removal.records.length });
        return true;
      });
    },

    check: async (signal): Promise<DnsCheckResult> => {
      const names: string[] = [];
      let query: Array<readonly [string, string]> = [['maxitems', String(ZONE_PAGE_SIZE)]];
      for (let page = 0; page < MAX_ZONE_PAGES; page++) {
        const { found, next } = await listZones('list the hosted zones', query, signal);
        names.push(...found.map((zone) => zone.name));
        if (next?.dnsName === undefined) break;
        query = [['dnsname', next.dnsName], ...(next.zoneId === undefined ? [] : [['hostedzoneid', next.zoneId] as const]), ['maxitems', String(ZONE_PAGE_SIZE)]];
      }
      if (fixedZone !== undefined) {
        // Proves read access to the configured zone (a wrong id answers NoSuchHostedZone).
        await xml('read the configured hosted zone', `${API}/hostedzone/${fixedZone.id}/rrset`, [['maxitems', '1']], signal);
      }
      return { zones: names };
    },
  };
}

/** Where to get the key and what it needs, shared by the key fields. */
const KEY_HELP = {
  en: 'AWS console > IAM > Users > the user > Security credentials > Create access key. Give the user a policy allowing route53:ListHostedZonesByName, route53:ListResourceRecordSets, route53:ChangeResourceRecordSets (on the hosted zone) and route53:GetChange.',
  'zh-CN': 'AWS 控制台 > IAM > 用户 > 选择用户 > 安全凭证 > 创建访问密钥。为该用户授予允许 route53:ListHostedZonesByName、route53:ListResourceRecordSets、route53:ChangeResourceRecordSets（针对该托管区域）和 route53:GetChange 的策略。',
} as const;

/**
 * The `route53` provider kind: AWS Route 53 public hosted zones with an IAM access key. Propagation
 * defaults: `present` already waits for INSYNC (all Route 53 name servers updated), so 3 minutes,
 * checked every 10 s.
 */
export const route53Definition: DnsProviderDefinition = {
  kind: ROUTE53_KIND,
  label: { en: 'AWS Route 53', 'zh-CN': 'AWS Route 53' },
  help: {
    en: 'Creates the TXT records in a Route 53 public hosted zone through the AWS API, with an IAM access key allowed to list hosted zones and change record sets.',
    'zh-CN': '通过 AWS API 在 Route 53 公有托管区域中创建 TXT 记录，使用可列出托管区域并修改记录集的 IAM 访问密钥。',
  },
  fields: [
    {
      key: 'accessKeyId',
      label: { en: 'Access Key ID', 'zh-CN': '访问密钥 ID' },
      help: KEY_HELP,
      secret: false,
      example: 'AKIAIOSFODNN7EXAMPLE',
      validate: (value) => (/^[A-Z0-9]{16,128}$/.test(value) ? undefined : 'it is not an access key ID (upper-case letters and digits, e.g. AKIA…)'),
    },
    {
      key: 'secretAccessKey',
      label: { en: 'Secret Access Key', 'zh-CN': '秘密访问密钥' },
      help: {
        en: 'Shown only once, next to the Access Key ID when the key is created; create a new key if it was lost.',
        'zh-CN': '仅在创建访问密钥时与访问密钥 ID 一起显示一次；如已丢失，请新建密钥。',
      },
      secret: true,
    },
    {
      key: 'sessionToken',
      label: { en: 'Session token', 'zh-CN': '会话令牌' },
      help: {
        en: 'Only for temporary credentials (AWS STS, e.g. from aws sts assume-role); they expire, so an IAM user\'s access key suits unattended renewals better. Leave empty otherwise.',
        'zh-CN': '仅用于临时凭证（AWS STS，例如 aws sts assume-role 的输出）；临时凭证会过期，无人值守续期更适合使用 IAM 用户的访问密钥。否则请留空。',
      },
      secret: true,
      optional: true,
    },
    {
      key: 'hostedZoneId',
      label: { en: 'Hosted zone ID', 'zh-CN': '托管区域 ID' },
      help: {
        en: 'Optional: the hosted zone to write to (Route 53 console > Hosted zones > Hosted zone ID). Leave empty to find it from the domain name; set it when the policy only allows one zone or the zone is not found by name.',
        'zh-CN': '可选：要写入的托管区域（Route 53 控制台 > 托管区域 > 托管区域 ID）。留空则根据域名自动查找；当策略只允许访问某个区域或按名称找不到区域时填写。',
      },
      secret: false,
      optional: true,
      example: 'Z0123456789ABCDEFGHIJ',
      validate: (value) => (normalizeHostedZoneId(value) === undefined ? 'it is not a hosted zone ID (e.g. Z0123456789ABCDEFGHIJ)' : undefined),
    },
    {
      key: 'region',
      label: { en: 'Signing region', 'zh-CN': '签名区域' },
      help: {
        en: 'Route 53 is global and signed for us-east-1; only the China partition (with its own endpoint) uses cn-northwest-1.',
        'zh-CN': 'Route 53 是全局服务，使用 us-east-1 签名；只有中国区（使用其自己的终端节点）使用 cn-northwest-1。',
      },
      secret: false,
      optional: true,
      defaultValue: ROUTE53_DEFAULT_REGION,
      validate: checkAwsRegion,
    },
    {
      key: 'endpoint',
      label: { en: 'API endpoint', 'zh-CN': 'API 终端节点' },
      help: {
        en: `Leave empty for ${ROUTE53_DEFAULT_ENDPOINT}. Set an https:// URL only for the China partition (https://route53.amazonaws.com.cn) or a private endpoint.`,
        'zh-CN': `留空则使用 ${ROUTE53_DEFAULT_ENDPOINT}。仅在中国区（https://route53.amazonaws.com.cn）或私有终端节点时填写 https:// 地址。`,
      },
      secret: false,
      optional: true,
      example: ROUTE53_DEFAULT_ENDPOINT,
      validate: checkHttpsEndpoint,
    },
  ],
  propagation: { timeoutSeconds: 180, intervalSeconds: 10 },
  create: (credentials, context) => createRoute53Provider({
    accessKeyId: credentials.accessKeyId ?? '',
    secretAccessKey: credentials.secretAccessKey ?? '',
    sessionToken: credentials.sessionToken,
    hostedZoneId: credentials.hostedZoneId,
    region: credentials.region,
    endpoint: credentials.endpoint,
  }, context),
};
