import { DnsError } from '../dns-error.ts';
import { createHttpApi, type ApiResponse, type ApiVerdict, type HttpApi } from '../http-api.ts';
import { displayName, requireFqdn, toFqdn } from '../names.ts';
import type { DnsCheckResult, DnsProvider, DnsProviderDefinition, ProviderContext } from '../provider.ts';
import { signTc3 } from '../signing/tc3.ts';
import { checkBareHttpsEndpoint } from './https-endpoint.ts';
import { createZoneCache, listedZoneName, matchListedZone, nameInZone, requireInConfiguredZone } from './zone-discovery.ts';

/** Tencent Cloud DNSPod's public API endpoint. */
export const DNSPOD_DEFAULT_ENDPOINT = 'https://dnspod.tencentcloudapi.com';

/** The DNSPod API version this provider speaks (API 3.0). */
export const DNSPOD_API_VERSION = '2021-03-23';

/** The service name in the TC3 credential scope: the first label of the product's API host. */
const SERVICE = 'dnspod';

/**
 * TTL of the TXT records we add. 600 s is the smallest the free plan accepts (paid plans go lower),
 * and a challenge record lives only minutes anyway.
 */
export const DNSPOD_TXT_TTL_SECONDS = 600;

/** The default split-zone line, which every resolver is answered from; its API name is Chinese. */
export const DNSPOD_DEFAULT_LINE = '默认';

/** Page size for DescribeDomainList and DescribeRecordList (3000 is their documented maximum). */
const PAGE_SIZE = 3000;

/** Bound on pages read from one listing, so a server that always says "more" cannot loop us forever. */
const MAX_PAGES = 100;

const LABEL = 'Tencent Cloud DNSPod';

/** Where the admin creates a SecretId/SecretKey pair (CAM, API keys). */
const API_KEY_PAGE = 'https://console.cloud.tencent.com/cam/capi';

/** Where the admin grants a sub-user its policies (CAM, users). */
const CAM_USERS_PAGE = 'https://console.cloud.tencent.com/cam';

/** The DNSPod console, where the domains (zones) are listed. */
const DNSPOD_CONSOLE = 'https://console.cloud.tencent.com/cns';

/** The four API actions this provider calls, as a CAM policy names them. */
const CAM_ACTIONS = 'dnspod:DescribeDomainList, dnspod:DescribeRecordList, dnspod:CreateRecord and dnspod:DeleteRecord';

/** Error codes that mean the key pair (or the signature made with it) was rejected. */
const AUTH_CODES: ReadonlySet<string> = new Set([
  'AuthFailure.SecretIdNotFound',
  'AuthFailure.SignatureFailure',
  'AuthFailure.InvalidSecretId',
  'AuthFailure.InvalidAuthorization',
  'AuthFailure.TokenFailure',
  'AuthFailure.MFAFailure',
  'AuthFailure',
]);

/** Error codes that mean the key is valid but may not do this. */
const REFUSED_CODES: ReadonlySet<string> = new Set([
  'AuthFailure.UnauthorizedOperation',
  'UnauthorizedOperation',
  'FailedOperation.NotDomainOwner',
  'FailedOperation.NotResourceOwner',
  'FailedOperation.DomainIsLocked',
  'FailedOperation.DomainIsSpam',
  'FailedOperation.AccountIsLocked',
  'FailedOperation.LoginAreaNotAllowed',
  'InvalidParameter.AccountIsBanned',
  'InvalidParameter.DomainNotAllowedModifyRecords',
  'IpInBlacklist',
  'IpNotInWhitelist',
]);

/** Error codes that mean the domain (zone) is not in this account. */
const ZONE_CODES: ReadonlySet<string> = new Set([
  'InvalidParameterValue.DomainNotExists',
  'InvalidParameter.DomainInvalid',
  'InvalidParameter.DomainIdInvalid',
  'ResourceNotFound.NoDataOfDomain',
]);

/** DescribeRecordList's answer for a name without records of the type: an empty list, not an error. */
const CODE_NO_RECORDS = 'ResourceNotFound.NoDataOfRecord';

/** CreateRecord's answer when the same record already exists: the value is there, which is what we wanted. */
const CODE_RECORD_EXISTS = 'InvalidParameter.DomainRecordExist';

/** DeleteRecord's answer for a record id that does not exist (any more): already gone. */
const CODE_RECORD_ID_INVALID = 'InvalidParameter.RecordIdInvalid';

/** The codes the provider reads itself, from an accepted (HTTP 200) answer. */
const ACCEPTED_CODES: ReadonlySet<string> = new Set([CODE_NO_RECORDS, CODE_RECORD_EXISTS, CODE_RECORD_ID_INVALID]);

/** The `Response.Error` of an API 3.0 answer, when it is one. */
function errorOf(body: unknown): { code: string; message: string } | undefined {
  const error = asObject(asObject(asObject(body).Response).Error);
  return typeof error.Code === 'string' ? { code: error.Code, message: typeof error.Message === 'string' ? error.Message : '' } : undefined;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Reads a DNSPod answer (pure; tested as a table). API 3.0 answers HTTP 200 with
 * `{"Response":{"Error":{"Code","Message"},"RequestId"}}` on failure: each code becomes a
 * {@link ApiVerdict} with a remedy naming the console page. The three codes the provider reads as
 * outcomes (no records, record exists, record id unknown) are accepted; an answer without an error
 * is left to its status (`undefined`).
 */
export function interpretDnspodResponse(response: ApiResponse): ApiVerdict | undefined {
  const error = errorOf(parse(response.body));
  if (error === undefined) return undefined;
  const { code } = error;
  if (ACCEPTED_CODES.has(code)) return undefined;
  const quoted = `${code}${error.message === '' ? '' : `: ${error.message}`}`;
  if (code === 'AuthFailure.SignatureExpire') {
    return {
      failure: 'auth',
      message: `the request's timestamp was refused (${quoted})`,
      remedy: 'Set this machine\'s clock right (enable NTP time sync): Tencent Cloud refuses requests more than 5 minutes off.',
    };
  }
  if (REFUSED_CODES.has(code) || code.startsWith('UnauthorizedOperation.') || code.startsWith('OperationDenied')) {
    return {
      failure: 'refused',
      message: `the key may not do this (${quoted})`,
      remedy: `Give the CAM user of this key the policy QcloudDNSPodFullAccess, or a custom policy allowing ${CAM_ACTIONS} (CAM console: ${CAM_USERS_PAGE}); check the domain is not locked in the DNSPod console.`,
    };
  }
  if (AUTH_CODES.has(code) || code.startsWith('AuthFailure.')) {
    return {
      failure: 'auth',
      message: `the SecretId/SecretKey pair was rejected (${quoted})`,
      remedy: `Check the SecretId and SecretKey (CAM console, API keys: ${API_KEY_PAGE}): that the pair is complete, enabled and not deleted, with no spaces around it.`,
    };
  }
  if (ZONE_CODES.has(code)) {
    return {
      failure: 'zone_not_found',
      message: `the domain is not in this DNSPod account (${quoted})`,
      remedy: `Add the domain in the DNSPod console (${DNSPOD_CONSOLE}) under the account that owns this key, or set the zone to the domain listed there.`,
    };
  }
  if (code.startsWith('RequestLimitExceeded') || code === 'FailedOperation.FrequencyLimit') {
    return { failure: 'rate_limited', message: `the API limit was reached (${quoted})` };
  }
  if (code === 'InternalError' || code.startsWith('InternalError.') || code === 'FailedOperation.UnknowError' || code === 'FailedOperation.TemporaryError' || code === 'FailedOperation') {
    return { failure: 'server_error', message: `the API reported an error (${quoted})` };
  }
  return { failure: 'bad_config', message: `the API refused the request (${quoted})` };
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

/** A TXT value as stored, without the quotes some consoles wrap it in. */
function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/**
 * Checks an endpoint override: an absolute https URL with nothing after the host (API 3.0 always
 * signs the path `/`). Returns an English reason or `undefined`.
 */
export function validateDnspodEndpoint(value: string): string | undefined {
  return checkBareHttpsEndpoint(value, DNSPOD_DEFAULT_ENDPOINT);
}

/** The host name of `fqdn` in `zone` as DNSPod writes it: `_acme-challenge.www`, or `@` for the apex. */
export function subDomainOf(fqdn: string, zone: string): string {
  return nameInZone(fqdn, zone);
}

/** Settings of {@link createDnspodProvider}, as the credential fields name them. */
export interface DnspodOptions {
  readonly secretId: string;
  readonly secretKey: string;
  /** API endpoint; default {@link DNSPOD_DEFAULT_ENDPOINT}. */
  readonly endpoint?: string | undefined;
  /** The domain (zone) as listed in the DNSPod console; default: found by walking up the name's labels. */
  readonly zone?: string | undefined;
}

/** One TXT record as DescribeRecordList lists it. */
interface DnspodRecord {
  readonly recordId: number;
  readonly value: string;
}

/**
 * Creates the Tencent Cloud DNSPod (API 3.0, version 2021-03-23) provider: JSON POSTs to `/` with
 * the action in `X-TC-Action`, signed with TC3-HMAC-SHA256 ({@link signTc3}, a fresh timestamp per
 * attempt; `content-type`, `host` and `x-tc-action` signed) and `X-TC-Language: en-US` so error
 * messages come in English.
 *
 * Zone: the explicit `zone`, else the longest of the account's domains (DescribeDomainList, every
 * page) that the name is in. `present` lists the name's TXT records (DescribeRecordList with
 * `Subdomain` and `RecordType`; `ResourceNotFound.NoDataOfRecord` is an empty list) and adds the
 * value (CreateRecord on the default line {@link DNSPOD_DEFAULT_LINE}, TTL
 * {@link DNSPOD_TXT_TTL_SECONDS}) unless it is there (or appears meanwhile:
 * `InvalidParameter.DomainRecordExist`). DNSPod keeps each value as its own record, so a wildcard's
 * and its apex's values coexist. `cleanup` deletes only the records holding exactly that value
 * (DeleteRecord by RecordId); none left, or `InvalidParameter.RecordIdInvalid`, is success. `check`
 * lists the domains. Values are sent as they are, unquoted.
 *
 * Failures are {@link DnsError}s from the shared HTTP client (retries on `RequestLimitExceeded`,
 * internal errors and the network) with Tencent's codes mapped by {@link interpretDnspodResponse};
 * the SecretKey is never logged or quoted. The zone of each name is looked up once per provider
 * (failures are not cached). Throws a `bad_config` {@link DnsError} at once for an empty key or a bad
 * endpoint. Safe for concurrent use.
 */
export function createDnspodProvider(options: DnspodOptions, context: ProviderContext): DnsProvider {
  const endpointProblem = options.endpoint === undefined || options.endpoint === '' ? undefined : validateDnspodEndpoint(options.endpoint);
  if (endpointProblem !== undefined) {
    throw new DnsError('bad_config', `Unable to use the ${LABEL} API endpoint ${options.endpoint ?? ''}, ${endpointProblem}`, { remedy: `Leave it empty for ${DNSPOD_DEFAULT_ENDPOINT}.` });
  }
  if (options.secretId.trim() === '' || options.secretKey.trim() === '') {
    throw new DnsError('bad_config', `Unable to use the ${LABEL} provider, its SecretId or SecretKey is empty`, {
      remedy: 'Add the provider again with --secret-id and --secret-key.',
    });
  }
  const endpoint = new URL(options.endpoint === undefined || options.endpoint === '' ? DNSPOD_DEFAULT_ENDPOINT : options.endpoint);
  const api: HttpApi = createHttpApi({
    provider: 'dnspod',
    label: LABEL,
    context,
    secrets: [options.secretKey],
    interpret: interpretDnspodResponse,
    authRemedy: `Check the SecretId and SecretKey (CAM console, API keys: ${API_KEY_PAGE}) and that its user may call ${CAM_ACTIONS}.`,
  });
  const fixedZone = options.zone === undefined || options.zone.trim() === '' ? undefined : absoluteName(options.zone, 'zone');

  /** Calls `action`; resolves with `Response`, or with `{code}` for the codes the caller reads itself. */
  const call = async (
    description: string,
    action: string,
    params: Readonly<Record<string, unknown>>,
    signal?: AbortSignal,
  ): Promise<{ readonly result: Record<string, unknown>; readonly code: string | undefined }> => {
    const payload = JSON.stringify(params);
    const response = await api.request(description, () => {
      const timestamp = Math.floor(Date.now() / 1000);
      const signed = signTc3({
        secretId: options.secretId,
        secretKey: options.secretKey,
        service: SERVICE,
        timestamp,
        headers: { 'content-type': 'application/json; charset=utf-8', host: endpoint.host, 'x-tc-action': action.toLowerCase() },
        payload,
      });
      return {
        method: 'POST',
        url: `${endpoint.origin}/`,
        headers: {
          authorization: signed.authorization,
          'content-type': 'application/json; charset=utf-8',
          host: endpoint.host,
          'x-tc-action': action,
          'x-tc-timestamp': String(timestamp),
          'x-tc-version': DNSPOD_API_VERSION,
          'x-tc-language': 'en-US',
        },
        body: payload,
      };
    }, signal);
    const result = asObject(asObject(response.json()).Response);
    return { result, code: errorOf({ Response: result })?.code };
  };

  const listDomains = async (signal?: AbortSignal): Promise<string[]> => {
    const zones: string[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const { result } = await call('list the domains', 'DescribeDomainList', { Type: 'ALL', Offset: page * PAGE_SIZE, Limit: PAGE_SIZE }, signal);
      const domains = asArray(result.DomainList).map(asObject);
      for (const domain of domains) {
        // Punycode is the ASCII form of an internationalised domain; ACME names arrive in that form.
        const name = asText(domain.Punycode) || asText(domain.Name);
        // A name CertDesk cannot parse (none arrives in that form) cannot be a name's zone: skip it.
        const zone = listedZoneName(name);
        if (zone !== undefined) zones.push(zone);
      }
      const total = Number(asObject(result.DomainCountInfo).AllTotal ?? asObject(result.DomainCountInfo).DomainTotal);
      if (domains.length < PAGE_SIZE || !((page + 1) * PAGE_SIZE < total)) break;
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
      remedy: `Add the domain in the DNSPod console (${DNSPOD_CONSOLE}) under the account that owns this key, or set the provider's zone.`,
    });
  };

  // Only answers are cached: a failure (network, a domain added since) is asked again next time.
  const zoneFor = createZoneCache(findZone).get;

  const listTxt = async (fqdn: string, zone: string, signal?: AbortSignal): Promise<DnspodRecord[]> => {
    const records: DnspodRecord[] = [];
    const subDomain = subDomainOf(fqdn, zone);
    for (let page = 0; page < MAX_PAGES; page++) {
      const { result, code } = await call(`list the TXT records of ${displayName(fqdn)}`, 'DescribeRecordList', {
        Domain: displayName(zone),
        Subdomain: subDomain,
        RecordType: 'TXT',
        Offset: page * PAGE_SIZE,
        Limit: PAGE_SIZE,
      }, signal);
      if (code === CODE_NO_RECORDS) break;
      const listed = asArray(result.RecordList).map(asObject);
      for (const record of listed) {
        // The API filters by name and type already; checking both keeps us off anything it might add.
        if (asText(record.Type).toUpperCase() !== 'TXT' || asText(record.Name).toLowerCase() !== subDomain) continue;
        records.push({ recordId: Number(record.RecordId), value: unquote(asText(record.Value)) });
      }
      const total = Number(asObject(result.RecordCountInfo).TotalCount);
      if (listed.length < PAGE_SIZE || !((page + 1) * PAGE_SIZE < total)) break;
    }
    return records;
  };

  return {
    kind: 'dnspod',
    present: async (name, value, signal) => {
      const fqdn = absoluteName(name, 'name');
      const zone = await zoneFor(fqdn, signal);
      const fields = { provider: 'dnspod', name: displayName(fqdn), zone: displayName(zone) };
      if ((await listTxt(fqdn, zone, signal)).some((record) => record.value === value)) {
        context.logger.info('TXT value already present', fields);
        return;
      }
      const { result, code } = await call(`add the TXT record ${displayName(fqdn)}`, 'CreateRecord', {
        Domain: displayName(zone),
        SubDomain: subDomainOf(fqdn, zone),
        RecordType: 'TXT',
        RecordLine: DNSPOD_DEFAULT_LINE,
        Value: value,
        TTL: DNSPOD_TXT_TTL_SECONDS,
      }, signal);
      if (code === CODE_RECORD_EXISTS) {
        context.logger.info('TXT value already present', fields);
        return;
      }
      if (code !== undefined) throw unexpected(`add the TXT record ${displayName(fqdn)}`, code);
      context.logger.info('TXT record added', { ...fields, recordId: asText(result.RecordId) });
    },
    cleanup: async (name, value, signal) => {
      const fqdn = absoluteName(name, 'name');
      const zone = await zoneFor(fqdn, signal);
      const fields = { provider: 'dnspod', name: displayName(fqdn), zone: displayName(zone) };
      const matching = (await listTxt(fqdn, zone, signal)).filter((record) => record.value === value);
      if (matching.length === 0) {
        context.logger.info('TXT value already gone', fields);
        return;
      }
      for (const record of matching) {
        const { code } = await call(`delete the TXT record ${displayName(fqdn)}`, 'DeleteRecord', { Domain: displayName(zone), RecordId: record.recordId }, signal);
        if (code !== undefined && code !== CODE_RECORD_ID_INVALID && code !== CODE_NO_RECORDS) throw unexpected(`delete the TXT record ${displayName(fqdn)}`, code);
        context.logger.info(code === undefined ? 'TXT record deleted' : 'TXT value already gone', { ...fields, recordId: String(record.recordId) });
      }
    },
    check: async (signal): Promise<DnsCheckResult> => ({ zones: await listDomains(signal) }),
  };
}

/** An accepted outcome code where the action cannot have one (a server that answers out of turn). */
function unexpected(action: string, code: string): DnsError {
  return new DnsError('server_error', `Unable to ${action} at ${LABEL}, the API answered ${code}, which this action does not expect`, {
    remedy: 'Try again later; if it persists, report it with the log.',
  });
}

/** `name` absolute and lower-case, or a `bad_config` {@link DnsError} saying what is wrong with it. */
function absoluteName(name: string, what: string): string {
  return requireFqdn(name, (reason) => new DnsError('bad_config', `Unable to use ${LABEL}, the ${what} ${name} is not a valid domain name (${reason})`, {
    remedy: 'Give a domain name such as example.com.',
  }));
}

/** The `dnspod` provider kind, for the registry. */
export const dnspodDefinition: DnsProviderDefinition = {
  kind: 'dnspod',
  label: { en: 'Tencent Cloud DNSPod', 'zh-CN': '腾讯云 DNSPod' },
  help: {
    en: 'Adds the TXT records through the DNSPod API 3.0 with a Tencent Cloud API key (SecretId/SecretKey). The key\'s CAM user needs QcloudDNSPodFullAccess, or a custom policy allowing DescribeDomainList, DescribeRecordList, CreateRecord and DeleteRecord.',
    'zh-CN': '通过 DNSPod API 3.0、使用腾讯云 API 密钥（SecretId/SecretKey）添加 TXT 记录。密钥所属的 CAM 用户需要 QcloudDNSPodFullAccess 权限，或允许 DescribeDomainList、DescribeRecordList、CreateRecord 和 DeleteRecord 的自定义策略。',
  },
  fields: [
    {
      key: 'secretId',
      label: { en: 'SecretId', 'zh-CN': 'SecretId' },
      help: {
        en: 'Tencent Cloud console → CAM → API keys (console.cloud.tencent.com/cam/capi), or better a sub-user\'s key under CAM → Users → the user → API keys, with only QcloudDNSPodFullAccess (or a custom policy for the four DNSPod actions).',
        'zh-CN': '腾讯云控制台 → 访问管理 → API 密钥管理（console.cloud.tencent.com/cam/capi）；建议使用子用户的密钥（访问管理 → 用户 → 选择用户 → API 密钥），并仅授予 QcloudDNSPodFullAccess（或上述四个 DNSPod 操作的自定义策略）。',
      },
      secret: false,
      example: 'AKIDExampleSecretId0123456789',
    },
    {
      key: 'secretKey',
      label: { en: 'SecretKey', 'zh-CN': 'SecretKey' },
      help: {
        en: 'Shown next to the SecretId when the key is created; create a new key if it was not saved.',
        'zh-CN': '创建密钥时与 SecretId 一同显示；若未保存，请新建密钥。',
      },
      secret: true,
    },
    {
      key: 'zone',
      label: { en: 'Domain (zone)', 'zh-CN': '域名（主域名）' },
      help: {
        en: 'The domain as listed in the DNSPod console (console.cloud.tencent.com/cns). Leave empty to find it from the certificate\'s names.',
        'zh-CN': 'DNSPod 控制台（console.cloud.tencent.com/cns）中列出的域名。留空则根据证书域名自动查找。',
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
        en: 'Leave empty for Tencent Cloud\'s public endpoint (https://dnspod.tencentcloudapi.com); set only for a proxy or a regional endpoint.',
        'zh-CN': '留空即使用腾讯云公共地址（https://dnspod.tencentcloudapi.com）；仅在使用代理或就近接入地址时填写。',
      },
      secret: false,
      optional: true,
      defaultValue: DNSPOD_DEFAULT_ENDPOINT,
      example: DNSPOD_DEFAULT_ENDPOINT,
      validate: validateDnspodEndpoint,
    },
  ],
  // DNSPod's name servers usually serve a new record within seconds, but a change can take a few
  // minutes to reach all of them.
  propagation: { timeoutSeconds: 600, intervalSeconds: 10 },
  create: (credentials, context) =>
    createDnspodProvider(
      {
        secretId: credentials.secretId ?? '',
        secretKey: credentials.secretKey ?? '',
        endpoint: credentials.endpoint,
        zone: credentials.zone,
      },
      context,
    ),
};
