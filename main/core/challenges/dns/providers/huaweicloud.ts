import { DnsError } from '../dns-error.ts';
import { createHttpApi, type ApiRequest, type ApiResponse, type ApiVerdict } from '../http-api.ts';
import { displayName, requireFqdn } from '../names.ts';
import type { DnsCheckResult, DnsProvider, DnsProviderDefinition, ProviderContext } from '../provider.ts';
import { huaweiSignedHeaders } from '../signing/huawei-sdk-hmac.ts';
import { checkHttpsEndpoint, endpointBase } from './https-endpoint.ts';
import { unquoteTxt } from './txt-quoting.ts';
import { addTxtValue, changeWithOneRetry, PRESENTATION_TXT, removeTxtValue } from './txt-record-set.ts';
import { zoneCandidates } from './zone-discovery.ts';

/**
 * Huawei Cloud DNS (云解析 DNS) through its v2 REST API, signed with the account's AK/SK
 * (`SDK-HMAC-SHA256`, see `signing/huawei-sdk-hmac.ts`). API reference:
 * support.huaweicloud.com/intl/en-us/api-dns/ (ListPublicZones, ListRecordSetsByZone,
 * CreateRecordSet, UpdateRecordSet, DeleteRecordSet; error codes in "Error Codes").
 */

/** The kind id stored in config.json and typed on the CLI. */
export const HUAWEICLOUD_KIND = 'huaweicloud';

/** How the provider is named in messages: "Unable to … at Huawei Cloud DNS, …". */
const LABEL = 'Huawei Cloud DNS';

/** The region whose endpoint is called when none is set: CN North-Beijing4, Huawei's own default. */
export const HUAWEI_DEFAULT_REGION = 'cn-north-4';

/**
 * TTL of a TXT record set we create (an existing set keeps its own). 300 s is Huawei's default and
 * within the range every account accepts; a lower minimum is a per-account setting (DNS.0319).
 */
export const HUAWEI_TXT_TTL_SECONDS = 300;

/** Page size of the zone list: the API's maximum (ListPublicZones `limit`, 0–500). */
const ZONE_PAGE_SIZE = 500;

/** Bound on zone-list pages read by `check()`: 10,000 zones is beyond any account we serve. */
const MAX_ZONE_PAGES = 20;

/** Settings of the Huawei Cloud DNS provider, as `dns add --provider huaweicloud` takes them. */
export interface HuaweiCloudOptions {
  /** The AK of an access key. */
  readonly accessKeyId: string;
  /** The SK of that access key. Secret. */
  readonly secretAccessKey: string;
  /** The region whose `dns.<region>.myhuaweicloud.com` endpoint is called; default {@link HUAWEI_DEFAULT_REGION}. */
  readonly region?: string | undefined;
  /** Sent (and signed) as `X-Project-Id` when set, for IAM users scoped to one project. */
  readonly projectId?: string | undefined;
  /** An https base URL replacing the regional endpoint (a private endpoint, or a test server). */
  readonly endpoint?: string | undefined;
}

/** A Huawei error answer: the DNS service's `{code, message}` or API Gateway's `{error_code, error_msg}`. */
export interface HuaweiApiError {
  readonly code: string;
  readonly message: string;
}

/** A zone as ListPublicZones returns it (only what we read). */
interface HuaweiZone {
  readonly id: string;
  /** Absolute and lower-case, e.g. `example.com.`. */
  readonly name: string;
}

/** A record set as ListRecordSetsByZone returns it (only what we read). */
interface HuaweiRecordSet {
  readonly id: string;
  readonly name: string;
  readonly ttl: number | undefined;
  /** Presentation-form TXT data, e.g. `"abc"`, as stored. */
  readonly records: ReadonlyArray<string>;
}

/** Remedy of a rejected AK/SK (APIGW.0301, DNS.0005). */
const AUTH_REMEDY =
  'Check the Access Key ID and Secret Access Key (Huawei Cloud console: My Credentials > Access Keys): the key must exist, be enabled and belong to this account. Also check this machine\'s clock: a signature more than 15 minutes off is rejected.';

/** Remedy of an authenticated caller lacking permission (DNS.0013). */
const PERMISSION_REMEDY =
  'Grant the IAM user of this key the DNS FullAccess policy, or a custom policy allowing dns:zone:list, dns:recordset:list, dns:recordset:create, dns:recordset:update and dns:recordset:delete (IAM console: Users > Authorize); check also that the project is not frozen.';

/** Remedy of throttling (DNS.0014, APIGW.0308). */
const THROTTLE_REMEDY =
  'Huawei Cloud is throttling this account\'s API calls; wait a few minutes, and avoid running many renewals with one key at once.';

/** Remedy of a zone that is not there (DNS.0302, discovery). */
const ZONE_REMEDY =
  'Check in the Huawei Cloud console (DNS > Public Zones) that the domain\'s public zone exists in this account, and that the key, region and project ID point at that account.';

/** Remedy of a record set that changed under us (DNS.0312, DNS.0016, DNS.0313). */
const CONFLICT_REMEDY = 'Another client is changing this TXT record set at the same time; CertDesk will try again later.';

/**
 * The error a Huawei answer carries in its body, or `undefined` when the body is not one: the DNS
 * service answers `{"code": "DNS.0302", "message": …}`, API Gateway (signature, throttling)
 * `{"error_code": "APIGW.0301", "error_msg": …}`. Pure.
 */
export function readHuaweiError(body: string): HuaweiApiError | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  const code = record.code ?? record.error_code;
  const message = record.message ?? record.error_msg;
  if (typeof code !== 'string' || code === '') return undefined;
  return { code, message: typeof message === 'string' ? message : '' };
}

/**
 * Huawei's reading of a non-2xx answer, before the defaults of `createHttpApi`, keyed on the
 * documented error codes: APIGW.0301 and DNS.0005 → `auth`; DNS.0013 → `refused`; DNS.0014 and
 * APIGW.0308 → `rate_limited`; DNS.0302 → `zone_not_found`; DNS.0312, DNS.0016 (exists) and DNS.0313
 * (gone) → `server_error` (a concurrent change: a later try re-reads). Other codes get the
 * status defaults, with the code and message quoted. Pure.
 */
export function huaweiVerdict(status: number, error: HuaweiApiError | undefined): ApiVerdict | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (error === undefined) return undefined;
  const quoted = `${error.code}${error.message === '' ? '' : `: ${error.message}`}`;
  switch (error.code) {
    case 'APIGW.0301':
    case 'DNS.0005':
      return { failure: 'auth', message: `the AK/SK signature was rejected (${quoted})`, remedy: AUTH_REMEDY };
    case 'DNS.0013':
      return { failure: 'refused', message: `the key is not allowed to do this (${quoted})`, remedy: PERMISSION_REMEDY };
    case 'DNS.0014':
    case 'APIGW.0308':
      return { failure: 'rate_limited', message: `the API is throttling this account (${quoted})`, remedy: THROTTLE_REMEDY };
    case 'DNS.0302':
      return { failure: 'zone_not_found', message: `the zone does not exist (${quoted})`, remedy: ZONE_REMEDY };
    case 'DNS.0312':
    case 'DNS.0016':
      return { failure: 'server_error', message: `the record set already exists (${quoted})`, remedy: CONFLICT_REMEDY };
    case 'DNS.0313':
      return { failure: 'server_error', message: `the record set no longer exists (${quoted})`, remedy: CONFLICT_REMEDY };
    default:
      return undefined;
  }
}

/** Why `value` is not a region id like `cn-north-4`, or `undefined`. Pure. */
export function checkHuaweiRegion(value: string): string | undefined {
  return /^[a-z]{2,}(?:-[a-z0-9]+)+$/.test(value) ? undefined : 'it is not a region id like cn-north-4 or ap-southeast-1';
}

/** The API base URL: `endpoint` without a trailing slash, else `https://dns.<region>.myhuaweicloud.com`. Pure. */
export function huaweiApiBase(region: string, endpoint: string | undefined): string {
  return endpoint === undefined || endpoint === '' ? `https://dns.${region}.myhuaweicloud.com` : endpointBase(endpoint);
}

function badConfig(reason: string, remedy: string): DnsError {
  return new DnsError('bad_config', `Unable to use the Huawei Cloud DNS provider, ${reason}`, { remedy });
}

function absolute(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

function asArray(value: unknown): ReadonlyArray<Record<string, unknown>> {
  return Array.isArray(value) ? value.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null) : [];
}

function field(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}

function parseZones(body: unknown): HuaweiZone[] {
  return asArray(field(body, 'zones')).flatMap((zone) =>
    typeof zone.id === 'string' && typeof zone.name === 'string' ? [{ id: zone.id, name: absolute(zone.name) }] : []);
}

function parseRecordSets(body: unknown): HuaweiRecordSet[] {
  return asArray(field(body, 'recordsets')).flatMap((set) => {
    if (typeof set.id !== 'string' || typeof set.name !== 'string') return [];
    if (typeof set.type === 'string' && set.type.toUpperCase() !== 'TXT') return [];
    const records = Array.isArray(set.records) ? set.records.filter((record): record is string => typeof record === 'string') : [];
    return [{ id: set.id, name: absolute(set.name), ttl: typeof set.ttl === 'number' ? set.ttl : undefined, records }];
  });
}

/**
 * Error codes that mean "the record set changed under us" (created by someone else: DNS.0312,
 * DNS.0016; already gone: DNS.0313, DNS.0004). The client hands such answers back instead of
 * failing, and the caller reads the set again (or, deleting, is done).
 */
const CHANGED_CODES: ReadonlySet<string> = new Set(['DNS.0312', 'DNS.0016', 'DNS.0313', 'DNS.0004']);

/** True for an accepted answer that is one of {@link CHANGED_CODES} rather than a success. */
function changedUnderUs(response: ApiResponse): boolean {
  return response.status >= 300;
}

/**
 * Creates the Huawei Cloud DNS provider. Zone discovery walks up the name's labels
 * (`_acme-challenge.www.example.com.`, `www.example.com.`, `example.com.`) asking ListPublicZones
 * for each, and takes the first public zone of exactly that name (cached per provider, under the
 * record's name and the zone's).
 *
 * `present` reads the name's TXT record set: none → CreateRecordSet with the value; there without the
 * value → UpdateRecordSet with the value added to the set's records (the others kept byte for byte);
 * there with it → nothing. `cleanup` removes only that value: UpdateRecordSet with the rest, or
 * DeleteRecordSet when it was the last; a set or value already gone is success. A set created or
 * deleted by someone else between our read and write (DNS.0312, DNS.0016, DNS.0313) is read again,
 * once. `check()` lists the account's public zones.
 *
 * Every request is signed afresh per attempt; retries, backoff and secret scrubbing are
 * `createHttpApi`'s. Errors are {@link DnsError}s mapped by {@link huaweiVerdict}. Throws a
 * `bad_config` {@link DnsError} now when the region or endpoint is malformed. Safe for concurrent
 * use; the solver serialises calls for one name.
 */
export function createHuaweiCloudProvider(options: HuaweiCloudOptions, context: ProviderContext): DnsProvider {
  const region = options.region === undefined || options.region === '' ? HUAWEI_DEFAULT_REGION : options.region;
  const regionProblem = checkHuaweiRegion(region);
  if (regionProblem !== undefined) throw badConfig(`the region ${region} is not valid: ${regionProblem}`, 'Give a region id such as cn-north-4.');
  if (options.endpoint !== undefined && options.endpoint !== '') {
    const endpointProblem = checkHttpsEndpoint(options.endpoint);
    if (endpointProblem !== undefined) throw badConfig(`the endpoint is not valid: ${endpointProblem}`, 'Leave the endpoint empty for the regional one, or give an https:// URL.');
  }
  const base = huaweiApiBase(region, options.endpoint);
  const credentials = { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey };
  const secrets = [options.secretAccessKey];
  const zones = new Map<string, HuaweiZone>();

  const api = createHttpApi({
    provider: HUAWEICLOUD_KIND,
    label: LABEL,
    context,
    secrets,
    authRemedy: AUTH_REMEDY,
    accept: (response) => response.status >= 300 && CHANGED_CODES.has(readHuaweiError(response.body)?.code ?? ''),
    interpret: (response) => huaweiVerdict(response.status, readHuaweiError(response.body)),
  });

  /** One call, signed afresh for every attempt. */
  const call = (action: string, method: ApiRequest['method'], path: string, query: ReadonlyArray<readonly [string, string]>,
    body: unknown, signal: AbortSignal | undefined): Promise<ApiResponse> => {
    const build = (): ApiRequest => {
      const url = new URL(`${base}${path}`);
      for (const [name, value] of query) url.searchParams.append(name, value);
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (options.projectId !== undefined && options.projectId !== '') headers['X-Project-Id'] = options.projectId;
      const signed = huaweiSignedHeaders({ method, url, headers, body: payload ?? '' }, credentials);
      return payload === undefined ? { method, url, headers: signed } : { method, url, headers: signed, body: payload };
    };
    return api.request(action, build, signal);
  };

  /** A GET's JSON; an accepted "no record sets found" reads as an empty answer. */
  const json = async (action: string, path: string, query: ReadonlyArray<readonly [string, string]>, signal: AbortSignal | undefined): Promise<unknown> => {
    const response = await call(action, 'GET', path, query, undefined, signal);
    return changedUnderUs(response) ? {} : response.json();
  };

  const findZone = async (fqdn: string, signal: AbortSignal | undefined): Promise<HuaweiZone> => {
    const looked: string[] = [];
    for (const name of zoneCandidates(fqdn, 2)) {
      const cached = zones.get(name);
      if (cached !== undefined) {
        zones.set(fqdn, cached);
        return cached;
      }
      looked.push(displayName(name));
      const body = await json(`find the zone of ${displayName(fqdn)}`, '/v2/zones', [['type', 'public'], ['name', name]], signal);
      const zone = parseZones(body).find((candidate) => candidate.name === name);
      if (zone !== undefined) {
        zones.set(name, zone);
        zones.set(fqdn, zone);
        return zone;
      }
    }
    throw new DnsError('zone_not_found',
      `Unable to find the zone of ${displayName(fqdn)} at ${LABEL}, no public zone of this account is named ${looked.join(', ')}`,
      { remedy: ZONE_REMEDY });
  };

  const readSet = async (zone: HuaweiZone, fqdn: string, signal: AbortSignal | undefined): Promise<HuaweiRecordSet | undefined> => {
    const body = await json(`read the TXT records of ${displayName(fqdn)}`, `/v2/zones/${encodeURIComponent(zone.id)}/recordsets`,
      [['type', 'TXT'], ['name', fqdn], ['search_mode', 'equal']], signal);
    return parseRecordSets(body).find((set) => set.name === fqdn);
  };

  const normalize = (name: string, action: string): string =>
    requireFqdn(name, (reason) => badConfig(`cannot ${action}: ${reason}`, 'Give a valid domain name.'));

  /** Runs `attempt` again, once, when it reports that the set changed under us. */
  const twice = (fqdn: string, attempt: () => Promise<boolean>): Promise<void> =>
    changeWithOneRetry({ fqdn, label: LABEL, remedy: CONFLICT_REMEDY }, attempt);

  return {
    kind: HUAWEICLOUD_KIND,

    present: async (name, value, signal) => {
      const fqdn = normalize(name, 'add a TXT record');
      const zone = await findZone(fqdn, signal);
      const action = `add the TXT record ${displayName(fqdn)}`;
      await twice(fqdn, async () => {
        const set = await readSet(zone, fqdn, signal);
        const addition = addTxtValue(set?.records ?? [], value, PRESENTATION_TXT);
        if (addition.kind === 'already_present') return true;
        if (set === undefined) {
          const created = await call(action, 'POST', `/v2/zones/${encodeURIComponent(zone.id)}/recordsets`, [],
            { name: fqdn, type: 'TXT', ttl: HUAWEI_TXT_TTL_SECONDS, records: addition.records }, signal);
          if (changedUnderUs(created)) return false;
          context.logger.info('Huawei Cloud DNS TXT record set created', { zone: zone.name, name: fqdn });
          return true;
        }
        const updated = await call(action, 'PUT', `/v2/zones/${encodeURIComponent(zone.id)}/recordsets/${encodeURIComponent(set.id)}`, [],
          { name: fqdn, type: 'TXT', ttl: set.ttl ?? HUAWEI_TXT_TTL_SECONDS, records: addition.records }, signal);
        if (changedUnderUs(updated)) return false;
        context.logger.info('Huawei Cloud DNS TXT value added to a record set', { zone: zone.name, name: fqdn, values: addition.records.length });
        return true;
      });
    },

    cleanup: async (name, value, signal) => {
      const fqdn = normalize(name, 'remove a TXT record');
      const zone = await findZone(fqdn, signal);
      const action = `remove the TXT record ${displayName(fqdn)}`;
      await twice(fqdn, async () => {
        const set = await readSet(zone, fqdn, signal);
        const removal = removeTxtValue(set?.records ?? [], value, unquoteTxt);
        if (set === undefined || removal.kind === 'already_gone') return true;
        const path = `/v2/zones/${encodeURIComponent(zone.id)}/recordsets/${encodeURIComponent(set.id)}`;
        if (removal.kind === 'delete') {
          const deleted = await call(action, 'DELETE', path, [], undefined, signal);
          // Gone already (or replaced by someone else's set, which is theirs to keep): done either way.
          if (!changedUnderUs(deleted)) context.logger.info('Huawei Cloud DNS TXT record set deleted', { zone: zone.name, name: fqdn });
          return true;
        }
        const updated = await call(action, 'PUT', path, [], { name: fqdn, type: 'TXT', ttl: set.ttl ?? HUAWEI_TXT_TTL_SECONDS, records: removal.records }, signal);
        if (changedUnderUs(updated)) return false;
        context.logger.info('Huawei Cloud DNS TXT value removed from a record set', { zone: zone.name, name: fqdn, values: removal.records.length });
        return true;
      });
    },

    check: async (signal): Promise<DnsCheckResult> => {
      const names: string[] = [];
      for (let page = 0, offset = 0; page < MAX_ZONE_PAGES; page++) {
        const body = await json('list the public zones', '/v2/zones', [['type', 'public'], ['limit', String(ZONE_PAGE_SIZE)], ['offset', String(offset)]], signal);
        const found = parseZones(body);
        names.push(...found.map((zone) => zone.name));
        offset += found.length;
        const total = field(field(body, 'metadata'), 'total_count');
        if (found.length === 0 || typeof total !== 'number' || offset >= total) break;
      }
      return { zones: names };
    },
  };
}

/** Where to get the AK/SK and what it needs, shared by both key fields. */
const KEY_HELP = {
  en: 'Huawei Cloud console > My Credentials > Access Keys > Create Access Key. Create it for an IAM user with the DNS FullAccess policy, or a custom policy allowing dns:zone:list and dns:recordset:list, create, update and delete.',
  'zh-CN': '华为云控制台 > 我的凭证 > 访问密钥 > 新增访问密钥。建议为一个 IAM 用户创建，并授予 DNS FullAccess 策略，或仅允许 dns:zone:list 以及 dns:recordset:list、create、update、delete 的自定义策略。',
} as const;

/**
 * The `huaweicloud` provider kind: Huawei Cloud DNS public zones over the v2 API with an AK/SK.
 * Propagation defaults: Huawei documents that a new record set usually takes effect within a few
 * minutes, so up to 10 minutes, checked every 15 s.
 */
export const huaweicloudDefinition: DnsProviderDefinition = {
  kind: HUAWEICLOUD_KIND,
  label: { en: 'Huawei Cloud DNS', 'zh-CN': '华为云云解析 DNS' },
  help: {
    en: 'Creates the TXT records in a public zone of Huawei Cloud DNS through its API, signed with an access key (AK/SK) allowed to list zones and edit record sets.',
    'zh-CN': '通过华为云云解析 DNS 的 API 在公网域名中创建 TXT 记录，使用可列出域名并编辑记录集的访问密钥（AK/SK）签名。',
  },
  fields: [
    {
      key: 'accessKeyId',
      label: { en: 'Access Key ID (AK)', 'zh-CN': '访问密钥 ID（AK）' },
      help: KEY_HELP,
      secret: false,
      example: 'QTWAOYTTINDUT2QVKYUC',
    },
    {
      key: 'secretAccessKey',
      label: { en: 'Secret Access Key (SK)', 'zh-CN': '秘密访问密钥（SK）' },
      help: {
        en: 'The SK paired with the AK, in the credentials.csv downloaded once when the key is created; create a new key if it was lost.',
        'zh-CN': '与 AK 配对的 SK，仅在创建密钥时下载的 credentials.csv 中提供一次；如已丢失，请新建密钥。',
      },
      secret: true,
    },
    {
      key: 'region',
      label: { en: 'Region', 'zh-CN': '区域' },
      help: {
        en: 'The region whose DNS endpoint (dns.<region>.myhuaweicloud.com) is called. Public zones are global, so keep the default unless the Huawei Cloud DNS API reference names another region for your site.',
        'zh-CN': '调用哪个区域的 DNS 终端节点（dns.<区域>.myhuaweicloud.com）。公网域名是全局资源，除非华为云 DNS API 参考为您的站点指定了其他区域，否则保留默认值即可。',
      },
      secret: false,
      optional: true,
      defaultValue: HUAWEI_DEFAULT_REGION,
      example: 'ap-southeast-1',
      validate: checkHuaweiRegion,
    },
    {
      key: 'projectId',
      label: { en: 'Project ID', 'zh-CN': '项目 ID' },
      help: {
        en: 'Only for an IAM user limited to one project: its project ID (My Credentials > API Credentials), sent as X-Project-Id. Leave empty otherwise.',
        'zh-CN': '仅当 IAM 用户被限制在某个项目时填写：该项目的 ID（我的凭证 > API 凭证），将作为 X-Project-Id 发送。否则请留空。',
      },
      secret: false,
      optional: true,
      validate: (value) => (/^[A-Za-z0-9-]{1,64}$/.test(value) ? undefined : 'it is not a project ID (letters, digits and "-")'),
    },
    {
      key: 'endpoint',
      label: { en: 'API endpoint', 'zh-CN': 'API 终端节点' },
      help: {
        en: 'Leave empty to use https://dns.<region>.myhuaweicloud.com. Set an https:// URL only for a private endpoint.',
        'zh-CN': '留空则使用 https://dns.<区域>.myhuaweicloud.com。仅在使用私有终端节点时填写 https:// 地址。',
      },
      secret: false,
      optional: true,
      example: 'https://dns.cn-north-4.myhuaweicloud.com',
      validate: checkHttpsEndpoint,
    },
  ],
  propagation: { timeoutSeconds: 600, intervalSeconds: 15 },
  create: (credentials, context) => createHuaweiCloudProvider({
    accessKeyId: credentials.accessKeyId ?? '',
    secretAccessKey: credentials.secretAccessKey ?? '',
    region: credentials.region,
    projectId: credentials.projectId,
    endpoint: credentials.endpoint,
  }, context),
};
