import { createHttpApi, type ApiResponse, type ApiVerdict, type HttpApi } from '../http-api.ts';
import { DnsError } from '../dns-error.ts';
import { displayName, requireFqdn, toFqdn } from '../names.ts';
import type { DnsCheckResult, DnsProvider, DnsProviderDefinition, ProviderContext } from '../provider.ts';
import { signRpcRequest } from '../signing/alibaba-rpc.ts';
import { checkBareHttpsEndpoint } from './https-endpoint.ts';
import { createZoneCache, listedZoneName, matchListedZone, nameInZone, requireInConfiguredZone } from './zone-discovery.ts';

/** Alibaba Cloud DNS's public endpoint (the API is global; the mainland and international sites share it). */
export const ALIDNS_DEFAULT_ENDPOINT = 'https://alidns.aliyuncs.com';

/** The Alibaba Cloud DNS API version this provider speaks. */
export const ALIDNS_API_VERSION = '2015-01-09';

/**
 * TTL of the TXT records we add. 600 s is the smallest the free edition accepts (paid editions go
 * lower), and a challenge record lives only minutes anyway.
 */
export const ALIDNS_TXT_TTL_SECONDS = 600;

/** Page size for DescribeDomains (its maximum is 100). */
const DOMAINS_PAGE_SIZE = 100;

/** Page size for DescribeSubDomainRecords (its documented maximum is 100); one name rarely has more than a few TXT records. */
const RECORDS_PAGE_SIZE = 100;

/** Bound on pages read from one listing, so a server that always says "more" cannot loop us forever. */
const MAX_PAGES = 100;

const LABEL = 'Alibaba Cloud DNS';

/** Where the admin creates an AccessKey (RAM console, AccessKey page). */
const RAM_ACCESS_KEY_PAGE = 'https://ram.console.aliyun.com/manage/ak';

/** Where the admin grants a RAM user its policies. */
const RAM_USERS_PAGE = 'https://ram.console.aliyun.com/users';

/** The Alibaba Cloud DNS console, where the domains (zones) are listed. */
const DNS_CONSOLE = 'https://dns.console.aliyun.com/';

/** The four API actions this provider calls, as a RAM policy names them. */
const RAM_ACTIONS = 'alidns:DescribeDomains, alidns:DescribeSubDomainRecords, alidns:AddDomainRecord and alidns:DeleteDomainRecord';

/** Error codes that mean the AccessKey pair (or the request's signature made with it) was rejected. */
const AUTH_CODES: ReadonlySet<string> = new Set([
  'InvalidAccessKeyId.NotFound',
  'InvalidAccessKeyId.Inactive',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
]);

/** Error codes that mean the key is valid but may not do this. */
const REFUSED_CODES: ReadonlySet<string> = new Set([
  'Forbidden',
  'Forbidden.RAM',
  'Forbidden.NotSupportRAM',
  'Forbedden.NotSupportRAM',
  'NoPermission',
  'ActionUnauthorized',
  'Forbidden.RiskControl',
  'Forbidden.UserVerification',
  'Forbidden.RecordLocked',
  'Forbidden.DomainLocked',
  'Forbidden.DomainExpired',
  'DomainForbidden',
  'QuotaExceeded.Record',
]);

/** Error codes that mean the domain (zone) is not in this account. */
const ZONE_CODES: ReadonlySet<string> = new Set(['InvalidDomainName.NoExist', 'IncorrectDomainUser', 'InvalidDomainName.Format']);

/** AddDomainRecord's answer (HTTP 400) when the same RR, type and value already exist: the value is there. */
const CODE_RECORD_EXISTS = 'DomainRecordDuplicate';

/** DeleteDomainRecord's answer (HTTP 400) for a record id the account does not have (any more): it is gone. */
const CODE_RECORD_GONE = 'DomainRecordNotBelongToUser';

/** An Alibaba Cloud error body (`{"RequestId","HostId","Code","Message","Recommend"}`), when the response is one. */
function errorOf(response: ApiResponse): { code: string; message: string } | undefined {
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { Code: code, Message: message } = body as { Code?: unknown; Message?: unknown };
  return typeof code === 'string' ? { code, message: typeof message === 'string' ? message : '' } : undefined;
}

/**
 * Reads an Alibaba Cloud DNS answer (pure; tested as a table): an error body's `Code` becomes a
 * {@link ApiVerdict} with a remedy naming the console page; an answer without a code is left to
 * its status (`undefined`). The "already done" codes never get here: {@link isAlidnsDoneAnyway}
 * accepts them first.
 */
export function interpretAlidnsResponse(response: ApiResponse): ApiVerdict | undefined {
  const error = errorOf(response);
  if (error === undefined) return undefined;
  const { code } = error;
  const quoted = `${code}${error.message === '' ? '' : `: ${error.message}`}`;
  if (AUTH_CODES.has(code)) {
    return {
      failure: 'auth',
      message: `the AccessKey was rejected (${quoted})`,
      remedy: `Check the AccessKey ID and secret (RAM console, AccessKey page: ${RAM_ACCESS_KEY_PAGE}): that the pair is complete, active and not deleted.`,
    };
  }
  if (code === 'InvalidTimeStamp.Expired' || code === 'InvalidTimeStamp.Format' || code === 'IllegalTimestamp') {
    return {
      failure: 'auth',
      message: `the request's timestamp was refused (${quoted})`,
      remedy: 'Set this machine\'s clock right (enable NTP time sync): Alibaba Cloud refuses requests more than 15 minutes off.',
    };
  }
  if (REFUSED_CODES.has(code)) {
    return {
      failure: 'refused',
      message: `the AccessKey may not do this (${quoted})`,
      remedy: `Grant the RAM user of this AccessKey the policy AliyunDNSFullAccess, or a custom policy allowing ${RAM_ACTIONS} (RAM console, Users: ${RAM_USERS_PAGE}); check the domain is not locked in the DNS console.`,
    };
  }
  if (ZONE_CODES.has(code)) {
    return {
      failure: 'zone_not_found',
      message: `the domain is not in this Alibaba Cloud account (${quoted})`,
      remedy: `Add the domain in the Alibaba Cloud DNS console (${DNS_CONSOLE}) under the account that owns this AccessKey, or set the zone to the domain listed there.`,
    };
  }
  if (code.startsWith('Throttling')) return { failure: 'rate_limited', message: `the API limit was reached (${quoted})` };
  // A reused nonce can only be bad luck here (a fresh UUID per attempt): another attempt fixes it.
  if (code === 'SignatureNonceUsed' || code === 'InternalError' || code === 'ServiceUnavailable' || response.status >= 500) {
    return { failure: 'server_error', message: `the API answered HTTP ${response.status} (${quoted})` };
  }
  return { failure: 'bad_config', message: `the API refused the request, HTTP ${response.status} (${quoted})` };
}

/**
 * True for the answers that mean "already done" though Alibaba calls them errors (HTTP 400):
 * `DomainRecordDuplicate` after an add, `DomainRecordNotBelongToUser` after a delete. Pure.
 */
export function isAlidnsDoneAnyway(response: ApiResponse): boolean {
  const code = errorOf(response)?.code;
  return code === CODE_RECORD_EXISTS || code === CODE_RECORD_GONE;
}

/** One TXT record as DescribeSubDomainRecords lists it. */
interface AlidnsRecord {
  readonly recordId: string;
  readonly rr: string;
  readonly value: string;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function asArray(value: unknown): ReadonlyArray<unknown> {
  return Array.isArray(value) ? value : [];
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** A TXT value as stored, without the quotes some consoles and APIs wrap it in. */
function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/**
 * Checks an endpoint override: an absolute https URL with nothing after the host (the RPC
 * signature covers the path `/`). Returns an English reason or `undefined`.
 */
export function validateAlidnsEndpoint(value: string): string | undefined {
  return checkBareHttpsEndpoint(value, ALIDNS_DEFAULT_ENDPOINT);
}

/** Settings of {@link createAlidnsProvider}, as the credential fields name them. */
export interface AlidnsOptions {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** API endpoint; default {@link ALIDNS_DEFAULT_ENDPOINT}. */
  readonly endpoint?: string | undefined;
  /** The domain (zone) as listed in the DNS console; default: found by walking up the name's labels. */
  readonly zone?: string | undefined;
}

/**
 * Creates the Alibaba Cloud DNS (阿里云解析, API 2015-01-09) provider: RPC-style GET requests signed
 * with {@link signRpcRequest} (HMAC-SHA1, a fresh nonce and timestamp per attempt).
 *
 * Zone: the explicit `zone`, else the longest of the account's domains (DescribeDomains, every page)
 * that the name is in. `present` lists the name's TXT records (DescribeSubDomainRecords) and adds
 * the value (AddDomainRecord, TTL {@link ALIDNS_TXT_TTL_SECONDS}) unless it is already there (or
 * appears meanwhile: `DomainRecordDuplicate`); Alibaba keeps each value as its own record, so a
 * wildcard's and its apex's values coexist. `cleanup` deletes only the records holding exactly that
 * value (DeleteDomainRecord by RecordId); none left, or one removed meanwhile
 * (`DomainRecordNotBelongToUser`), is success. `check` lists the domains. Values are sent
 * as they are, unquoted (the API stores the text; ACME values need no quoting).
 *
 * Failures are {@link DnsError}s from the shared HTTP client (retries on throttling, 5xx and the
 * network) with Alibaba's codes mapped by {@link interpretAlidnsResponse}; the AccessKey secret is
 * never logged or quoted. The zone of each name is looked up once per provider (failures are not
 * cached). Throws a `bad_config` {@link DnsError} at once for an empty key or a bad endpoint. Safe
 * for concurrent use.
 */
export function createAlidnsProvider(options: AlidnsOptions, context: ProviderContext): DnsProvider {
  const endpointProblem = options.endpoint === undefined || options.endpoint === '' ? undefined : validateAlidnsEndpoint(options.endpoint);
  if (endpointProblem !== undefined) {
    throw new DnsError('bad_config', `Unable to use the ${LABEL} API endpoint ${options.endpoint ?? ''}, ${endpointProblem}`, { remedy: `Leave it empty for ${ALIDNS_DEFAULT_ENDPOINT}.` });
  }
  if (options.accessKeyId.trim() === '' || options.accessKeySecret.trim() === '') {
    throw new DnsError('bad_config', `Unable to use the ${LABEL} provider, its AccessKey ID or secret is empty`, {
      remedy: 'Add the provider again with --access-key-id and --access-key-secret.',
    });
  }
  const endpoint = new URL(options.endpoint === undefined || options.endpoint === '' ? ALIDNS_DEFAULT_ENDPOINT : options.endpoint);
  const credentials = { accessKeyId: options.accessKeyId, accessKeySecret: options.accessKeySecret };
  const api: HttpApi = createHttpApi({
    provider: 'alidns',
    label: LABEL,
    context,
    secrets: [options.accessKeySecret],
    accept: isAlidnsDoneAnyway,
    interpret: interpretAlidnsResponse,
    authRemedy: `Check the AccessKey ID and secret (RAM console, AccessKey page: ${RAM_ACCESS_KEY_PAGE}) and that its RAM user may call ${RAM_ACTIONS}.`,
  });
  const fixedZone = options.zone === undefined || options.zone.trim() === '' ? undefined : absoluteName(options.zone, 'zone');

  const call = async (action: string, params: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<Record<string, unknown>> => {
    const response = await api.request(action, () => ({
      method: 'GET',
      url: `${endpoint.origin}/?${signRpcRequest({ ...params, Version: ALIDNS_API_VERSION }, credentials)}`,
    }), signal);
    return asObject(response.json());
  };

  const listDomains = async (signal?: AbortSignal): Promise<string[]> => {
    const zones: string[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const body = await call('list the domains', { Action: 'DescribeDomains', PageNumber: String(page), PageSize: String(DOMAINS_PAGE_SIZE) }, signal);
      const domains = asArray(asObject(body.Domains).Domain).map(asObject);
      for (const domain of domains) {
        // PunyCode is the ASCII form of an internationalised domain; ACME names arrive in that form.
        const name = asText(domain.PunyCode) || asText(domain.DomainName);
        // A name CertDesk cannot parse (none arrives in that form) cannot be a name's zone: skip it.
        const zone = listedZoneName(name);
        if (zone !== undefined) zones.push(zone);
      }
      const total = Number(body.TotalCount);
      if (domains.length < DOMAINS_PAGE_SIZE || !(page * DOMAINS_PAGE_SIZE < total)) break;
    }
    return zones;
  };

  const findZone = async (fqdn: string, signal?: AbortSignal): Promise<string> => {
    if (fixedZone !== undefined) {
      requireInConfiguredZone(fqdn, fixedZone, LABEL);
      return fixedZone;
    }
    const domains = new Set(await listDomains(signal));
    const zone = matchListedZone(fqdn, domains);
    if (zone !== undefined) return zone;
    throw new DnsError('zone_not_found', `Unable to find the zone of ${displayName(fqdn)} at ${LABEL}, none of the account's ${domains.size} domains contains it`, {
      remedy: `Add the domain in the Alibaba Cloud DNS console (${DNS_CONSOLE}) under the account that owns this AccessKey, or set the provider's zone.`,
    });
  };

  // Only answers are cached: a failure (network, a domain added since) is asked again next time.
  const zoneFor = createZoneCache(findZone).get;

  const listTxt = async (fqdn: string, zone: string, signal?: AbortSignal): Promise<AlidnsRecord[]> => {
    const records: AlidnsRecord[] = [];
    const rr = relativeName(fqdn, zone);
    for (let page = 1; page <= MAX_PAGES; page++) {
      const body = await call(`list the TXT records of ${displayName(fqdn)}`, {
        Action: 'DescribeSubDomainRecords',
        SubDomain: displayName(fqdn),
        DomainName: displayName(zone),
        Type: 'TXT',
        PageNumber: String(page),
        PageSize: String(RECORDS_PAGE_SIZE),
      }, signal);
      const listed = asArray(asObject(body.DomainRecords).Record).map(asObject);
      for (const record of listed) {
        // The API filters by name already; the type and RR checks keep us off anything it might add.
        if (asText(record.Type).toUpperCase() !== 'TXT' || asText(record.RR).toLowerCase() !== rr) continue;
        records.push({ recordId: asText(record.RecordId), rr, value: unquote(asText(record.Value)) });
      }
      const total = Number(body.TotalCount);
      if (listed.length < RECORDS_PAGE_SIZE || !(page * RECORDS_PAGE_SIZE < total)) break;
    }
    return records;
  };

  return {
    kind: 'alidns',
    present: async (name, value, signal) => {
      const fqdn = absoluteName(name, 'name');
      const zone = await zoneFor(fqdn, signal);
      const existing = await listTxt(fqdn, zone, signal);
      if (existing.some((record) => record.value === value)) {
        context.logger.info('TXT value already present', { provider: 'alidns', name: displayName(fqdn), zone: displayName(zone) });
        return;
      }
      const rr = relativeName(fqdn, zone);
      const body = await call(`add the TXT record ${displayName(fqdn)}`, {
        Action: 'AddDomainRecord',
        DomainName: displayName(zone),
        RR: rr,
        Type: 'TXT',
        Value: value,
        TTL: String(ALIDNS_TXT_TTL_SECONDS),
      }, signal);
      if (body.Code === CODE_RECORD_EXISTS) {
        // Added by someone else since we listed the name (another CertDesk, a retried request).
        context.logger.info('TXT value already present', { provider: 'alidns', name: displayName(fqdn), zone: displayName(zone) });
        return;
      }
      context.logger.info('TXT record added', { provider: 'alidns', name: displayName(fqdn), zone: displayName(zone), recordId: asText(body.RecordId) });
    },
    cleanup: async (name, value, signal) => {
      const fqdn = absoluteName(name, 'name');
      const zone = await zoneFor(fqdn, signal);
      const matching = (await listTxt(fqdn, zone, signal)).filter((record) => record.value === value);
      if (matching.length === 0) {
        context.logger.info('TXT value already gone', { provider: 'alidns', name: displayName(fqdn), zone: displayName(zone) });
        return;
      }
      for (const record of matching) {
        const body = await call(`delete the TXT record ${displayName(fqdn)}`, { Action: 'DeleteDomainRecord', RecordId: record.recordId }, signal);
        const gone = body.Code === CODE_RECORD_GONE;
        context.logger.info(gone ? 'TXT value already gone' : 'TXT record deleted', { provider: 'alidns', name: displayName(fqdn), zone: displayName(zone), recordId: record.recordId });
      }
    },
    check: async (signal): Promise<DnsCheckResult> => ({ zones: await listDomains(signal) }),
  };
}

/** `name` absolute and lower-case, or a `bad_config` {@link DnsError} saying what is wrong with it. */
function absoluteName(name: string, what: string): string {
  return requireFqdn(name, (reason) => new DnsError('bad_config', `Unable to use ${LABEL}, the ${what} ${name} is not a valid domain name (${reason})`, {
    remedy: 'Give a domain name such as example.com.',
  }));
}

/** The RR of `fqdn` in `zone` as Alibaba writes it: `_acme-challenge.www`, or `@` for the apex. */
export function relativeName(fqdn: string, zone: string): string {
  return nameInZone(fqdn, zone);
}

/** The `alidns` provider kind, for the registry. */
export const alidnsDefinition: DnsProviderDefinition = {
  kind: 'alidns',
  label: { en: 'Alibaba Cloud DNS', 'zh-CN': '阿里云解析 DNS' },
  help: {
    en: 'Adds the TXT records through the Alibaba Cloud DNS API with a RAM user\'s AccessKey. The RAM user needs AliyunDNSFullAccess, or a custom policy allowing DescribeDomains, DescribeSubDomainRecords, AddDomainRecord and DeleteDomainRecord.',
    'zh-CN': '通过阿里云解析 DNS 的 API、使用 RAM 用户的 AccessKey 添加 TXT 记录。该 RAM 用户需要 AliyunDNSFullAccess 权限，或允许 DescribeDomains、DescribeSubDomainRecords、AddDomainRecord 和 DeleteDomainRecord 的自定义策略。',
  },
  fields: [
    {
      key: 'accessKeyId',
      label: { en: 'AccessKey ID', 'zh-CN': 'AccessKey ID' },
      help: {
        en: 'RAM console → Identities → Users → your DNS user → Create AccessKey (ram.console.aliyun.com). Use a RAM user that only has AliyunDNSFullAccess (or a custom policy for the four DNS actions), not the main account.',
        'zh-CN': 'RAM 访问控制控制台 → 身份管理 → 用户 → 选择用于 DNS 的用户 → 创建 AccessKey（ram.console.aliyun.com）。请使用仅授予 AliyunDNSFullAccess（或上述四个解析操作的自定义策略）的 RAM 用户，不要使用主账号。',
      },
      secret: false,
      example: 'LTAI5tExampleKeyId12345',
    },
    {
      key: 'accessKeySecret',
      label: { en: 'AccessKey secret', 'zh-CN': 'AccessKey Secret' },
      help: {
        en: 'Shown once, when the AccessKey is created in the RAM console; create a new pair if it was not saved.',
        'zh-CN': '仅在 RAM 控制台创建 AccessKey 时显示一次；若未保存，请新建一对 AccessKey。',
      },
      secret: true,
    },
    {
      key: 'zone',
      label: { en: 'Domain (zone)', 'zh-CN': '域名（主域名）' },
      help: {
        en: 'The domain as listed in the Alibaba Cloud DNS console (dns.console.aliyun.com). Leave empty to find it from the certificate\'s names.',
        'zh-CN': '阿里云解析 DNS 控制台（dns.console.aliyun.com）中列出的域名。留空则根据证书域名自动查找。',
      },
      secret: false,
      optional: true,
      example: 'example.com',
      validate: (value) => {
        try {
          toFqdn(value);
          return undefined;
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
      },
    },
    {
      key: 'endpoint',
      label: { en: 'API endpoint', 'zh-CN': 'API 地址' },
      help: {
        en: 'Leave empty for Alibaba Cloud\'s public endpoint (https://alidns.aliyuncs.com); set only for a proxy or a regional endpoint.',
        'zh-CN': '留空即使用阿里云公共地址（https://alidns.aliyuncs.com）；仅在使用代理或地域接入点时填写。',
      },
      secret: false,
      optional: true,
      defaultValue: ALIDNS_DEFAULT_ENDPOINT,
      example: ALIDNS_DEFAULT_ENDPOINT,
      validate: validateAlidnsEndpoint,
    },
  ],
  // Alibaba's name servers usually have a new record within seconds, but its documentation allows
  // up to 10 minutes for a change to take effect everywhere.
  propagation: { timeoutSeconds: 600, intervalSeconds: 10 },
  create: (credentials, context) =>
    createAlidnsProvider(
      {
        accessKeyId: credentials.accessKeyId ?? '',
        accessKeySecret: credentials.accessKeySecret ?? '',
        endpoint: credentials.endpoint,
        zone: credentials.zone,
      },
      context,
    ),
};
