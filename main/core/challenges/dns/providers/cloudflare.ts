import { DnsError } from '../dns-error.ts';
import { createHttpApi, type ApiRequest, type ApiResponse, type ApiVerdict } from '../http-api.ts';
import { displayName, requireFqdn } from '../names.ts';
import type { DnsCheckResult, DnsProvider, DnsProviderDefinition, ProviderContext } from '../provider.ts';
import { checkHttpsEndpoint } from './https-endpoint.ts';
import { createZoneCache, zoneCandidates } from './zone-discovery.ts';

/** Cloudflare's API v4 root. */
export const CLOUDFLARE_DEFAULT_BASE_URL = 'https://api.cloudflare.com/client/v4';

/**
 * TTL of the TXT records we add: Cloudflare's minimum for a non-automatic TTL (120 s; 1 would mean
 * "automatic", 300 s). Short, so a resolver that cached the record forgets it soon after cleanup.
 */
export const CLOUDFLARE_TTL_SECONDS = 120;

/** Zones per page when `check()` lists them; Cloudflare allows 5–50. */
const ZONES_PER_PAGE = 50;

/** Pages of zones `check()` reads at most (2 500 zones): enough to show, bounded for huge accounts. */
const MAX_ZONE_PAGES = 50;

/**
 * Cloudflare error codes (the `errors[].code` of its response envelope) that mean the token is
 * wrong or lacks a permission: 1000 "Invalid API Token", 6003/6111 malformed Authorization header,
 * 9106/9109 missing or invalid credentials, 10000 "Authentication error" (also a token without access
 * to the zone), 10001 "Unable to authenticate request".
 */
const AUTH_CODES: ReadonlySet<number> = new Set([1000, 6003, 6111, 9106, 9109, 10000, 10001]);

/** 7003 "Could not route to /zones/…" and 1001 "Invalid zone identifier": a zone id that does not exist (for this token). */
const ZONE_CODES: ReadonlySet<number> = new Set([1001, 7000, 7003]);

/** 971 "Please wait and consider throttling your request speed", 10429 "Too many requests". */
const RATE_CODES: ReadonlySet<number> = new Set([971, 10429]);

/** 81057 "The record already exists", 81058 "An identical record already exists": present is done. */
const EXISTS_CODES: ReadonlySet<number> = new Set([81057, 81058]);

/** 81044 "Record does not exist": cleanup is done. */
const GONE_CODES: ReadonlySet<number> = new Set([81044]);

const AUTH_REMEDY =
  'Check the Cloudflare API token (My Profile → API Tokens): it must be active and have the permissions Zone → Zone → Read and Zone → DNS → Edit for this zone (or all zones).';

/** Settings of the Cloudflare provider, as `dns add --provider cloudflare` takes them. */
export interface CloudflareOptions {
  /** An API token (not the global API key). Secret. */
  readonly apiToken: string;
  /** The zone's id (dashboard → Overview → API); default found from the name via `GET /zones?name=`. */
  readonly zoneId?: string | undefined;
  /** The API root; default {@link CLOUDFLARE_DEFAULT_BASE_URL}. Tests point it at a local server. */
  readonly endpoint?: string | undefined;
}

/** One `errors[]` (or `messages[]`) entry of Cloudflare's response envelope. */
interface CloudflareMessage {
  readonly code: number;
  readonly message: string;
}

/** Cloudflare's response envelope: `{success, errors, messages, result, result_info}`. */
interface Envelope {
  readonly success: boolean;
  readonly errors: ReadonlyArray<CloudflareMessage>;
  readonly result: unknown;
  readonly resultInfo?: { readonly page?: number; readonly totalPages?: number };
}

/** A DNS record as `GET /zones/{id}/dns_records` lists it (the fields we read). */
interface CloudflareRecord {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly content: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads the envelope out of any answer; `undefined` when the body is not Cloudflare's JSON. Pure. */
export function readEnvelope(body: string): Envelope | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || typeof parsed.success !== 'boolean') return undefined;
  const errors = Array.isArray(parsed.errors)
    ? parsed.errors.flatMap((entry: unknown) => (isObject(entry) && typeof entry.code === 'number'
      ? [{ code: entry.code, message: typeof entry.message === 'string' ? entry.message : '' }]
      : []))
    : [];
  const info = isObject(parsed.result_info) ? parsed.result_info : undefined;
  return {
    success: parsed.success,
    errors,
    result: parsed.result,
    ...(info === undefined ? {} : {
      resultInfo: {
        ...(typeof info.page === 'number' ? { page: info.page } : {}),
        ...(typeof info.total_pages === 'number' ? { totalPages: info.total_pages } : {}),
      },
    }),
  };
}

function describeErrors(errors: ReadonlyArray<CloudflareMessage>): string {
  return errors.map((error) => `${error.code} ${error.message}`.trim()).join('; ');
}

/**
 * Cloudflare's reading of an answer, before `createHttpApi`'s defaults (pure; tested as a table):
 * a 2xx with `success: true` is accepted; auth codes or 401/403 → `auth`;
 * unknown zone ids → `zone_not_found`; 429 or throttling codes → `rate_limited` (its `Retry-After`
 * is honoured by the client); 5xx → `server_error`; any other `success: false` → `bad_config`,
 * quoting Cloudflare's codes and messages.
 */
export function interpretCloudflareResponse(response: Pick<ApiResponse, 'status' | 'body'>): ApiVerdict | undefined {
  const envelope = readEnvelope(response.body);
  const errors = envelope?.errors ?? [];
  const codes = errors.map((error) => error.code);
  const ok = response.status >= 200 && response.status < 300;
  if (ok && envelope?.success !== false) return undefined;
  const quoted = errors.length === 0 ? `HTTP ${response.status}` : `HTTP ${response.status}: ${describeErrors(errors)}`;
  if (response.status === 401 || response.status === 403 || codes.some((code) => AUTH_CODES.has(code))) {
    return { failure: 'auth', message: `the API token was rejected (${quoted})`, remedy: AUTH_REMEDY };
  }
  if (response.status === 429 || codes.some((code) => RATE_CODES.has(code))) {
    return { failure: 'rate_limited', message: `the API rate limit was reached (${quoted})` };
  }
  if (codes.some((code) => ZONE_CODES.has(code)) || (response.status === 404 && envelope !== undefined)) {
    return {
      failure: 'zone_not_found',
      message: `zone not found (${quoted})`,
      remedy: 'Check the zone id (dashboard → the domain → Overview → API → Zone ID), or leave it empty to find the zone from the name.',
    };
  }
  if (response.status >= 500) return { failure: 'server_error', message: `Cloudflare reported an error (${quoted})` };
  if (envelope === undefined) return undefined; // not Cloudflare's JSON: the client's defaults apply
  return { failure: 'bad_config', message: `Cloudflare refused the request (${quoted})` };
}

/**
 * True for the answers that mean "already done" though Cloudflare calls them errors (HTTP 400):
 * "record already exists" (81057/81058) after a POST, "record does not exist" (81044) after a DELETE.
 */
export function isDoneAnyway(response: Pick<ApiResponse, 'body'>): boolean {
  return readEnvelope(response.body)?.errors.some((error) => EXISTS_CODES.has(error.code) || GONE_CODES.has(error.code)) ?? false;
}

/** Why `value` is not a Cloudflare zone id (32 hex digits), or `undefined`. */
function checkZoneId(value: string): string | undefined {
  return /^[0-9a-f]{32}$/.test(value) ? undefined : 'it is not a zone id (32 hexadecimal digits, shown on the domain\'s Overview page)';
}

function asArray(value: unknown): ReadonlyArray<Record<string, unknown>> {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/**
 * Creates the Cloudflare provider (API v4, `Authorization: Bearer <token>`).
 *
 * Zone: `zoneId` when given; otherwise `GET /zones?name=<candidate>` for the record's name and then
 * each parent in turn (the first zone the token can see wins), cached per name. `present` adds a TXT
 * record with {@link CLOUDFLARE_TTL_SECONDS} (`POST /zones/{id}/dns_records`); "already exists"
 * (81057/81058) counts as done. `cleanup` lists the TXT records with that name and content and
 * deletes only those (never another value on the same name); none found, or 81044 on delete, counts
 * as done. `check()` verifies the token (`GET /user/tokens/verify`, status `active`) and resolves
 * with the zones it reaches (or the configured zone).
 *
 * Errors are {@link DnsError}s mapped by {@link interpretCloudflareResponse}; the token is never in a
 * message or log line. Throws a `bad_config` {@link DnsError} at once for an empty token or a bad
 * `endpoint`. Safe for concurrent use.
 */
export function createCloudflareProvider(options: CloudflareOptions, context: ProviderContext): DnsProvider {
  const baseProblem = options.endpoint === undefined || options.endpoint === '' ? undefined : checkHttpsEndpoint(options.endpoint);
  if (baseProblem !== undefined) {
    throw new DnsError('bad_config', `Unable to use the Cloudflare API URL ${options.endpoint ?? ''}, ${baseProblem}`, { remedy: `Leave it empty for ${CLOUDFLARE_DEFAULT_BASE_URL}.` });
  }
  if (options.apiToken.trim() === '') {
    throw new DnsError('bad_config', 'Unable to use the Cloudflare provider, its API token is empty', { remedy: 'Add the provider again with --api-token (or CERTDESK_DNS_API_TOKEN).' });
  }
  const root = (options.endpoint === undefined || options.endpoint === '' ? CLOUDFLARE_DEFAULT_BASE_URL : options.endpoint).replace(/\/+$/, '');
  const zoneId = options.zoneId === undefined || options.zoneId === '' ? undefined : options.zoneId;
  const api = createHttpApi({
    provider: 'cloudflare',
    label: 'Cloudflare',
    context,
    secrets: [options.apiToken],
    accept: isDoneAnyway,
    interpret: interpretCloudflareResponse,
    authRemedy: AUTH_REMEDY,
  });

  const call = async (action: string, method: ApiRequest['method'], path: string, signal: AbortSignal | undefined, body?: unknown): Promise<Envelope> => {
    const response = await api.request(action, () => ({
      method,
      url: `${root}${path}`,
      headers: { authorization: `Bearer ${options.apiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }), signal);
    const envelope = readEnvelope(response.body);
    if (envelope === undefined) {
      response.json(); // throws the client's "not JSON" error when it is not JSON at all
      throw new DnsError('server_error', `Unable to ${action} at Cloudflare, the answer is not Cloudflare's API envelope (HTTP ${response.status})`, {
        remedy: 'Check the API URL and any proxy in between.',
      });
    }
    return envelope;
  };

  const findZone = async (name: string, signal: AbortSignal | undefined): Promise<string> => {
    const action = `find the zone of ${displayName(name)}`;
    const tried: string[] = [];
    // Every candidate up to the second level: a zone is at least a registrable domain.
    for (const candidate of zoneCandidates(name, 2)) {
      const wanted = displayName(candidate);
      const envelope = await call(action, 'GET', `/zones?name=${encodeURIComponent(wanted)}`, signal);
      const found = asArray(envelope.result).find((zone) => typeof zone.id === 'string' && typeof zone.name === 'string' && zone.name.toLowerCase() === wanted);
      if (found !== undefined) return found.id as string;
      tried.push(wanted);
    }
    throw new DnsError('zone_not_found', `Unable to ${action} at Cloudflare, zone not found: the API token sees no zone named ${tried.join(', ')}`, {
      remedy: 'Check that the domain is a zone in this Cloudflare account and that the token\'s Zone Resources include it; or set its zone id.',
    });
  };

  // Only answers are cached: a failure (network, a zone added since) is asked again next time.
  const zones = createZoneCache(findZone);
  const zoneOf = (name: string, signal: AbortSignal | undefined): Promise<string> =>
    zoneId !== undefined ? Promise.resolve(zoneId) : zones.get(name, signal);

  const nameOf = (fqdn: string, action: string): string =>
    requireFqdn(fqdn, (reason) => new DnsError('bad_config', `Unable to ${action}, ${reason}`));

  return {
    kind: 'cloudflare',
    present: async (fqdn, value, signal) => {
      const action = `add the TXT record ${displayName(fqdn)}`;
      const name = nameOf(fqdn, action);
      const zone = await zoneOf(name, signal);
      const envelope = await call(action, 'POST', `/zones/${encodeURIComponent(zone)}/dns_records`, signal, {
        type: 'TXT',
        name: displayName(name),
        content: value,
        ttl: CLOUDFLARE_TTL_SECONDS,
      });
      if (envelope.errors.some((error) => EXISTS_CODES.has(error.code))) {
        context.logger.info('Cloudflare TXT value already present', { provider: 'cloudflare', fqdn: name, zoneId: zone });
        return;
      }
      const id = isObject(envelope.result) && typeof envelope.result.id === 'string' ? envelope.result.id : undefined;
      context.logger.info('Cloudflare TXT record added', { provider: 'cloudflare', fqdn: name, zoneId: zone, ...(id === undefined ? {} : { recordId: id }) });
    },
    cleanup: async (fqdn, value, signal) => {
      const action = `remove the TXT record ${displayName(fqdn)}`;
      const name = nameOf(fqdn, action);
      const zone = await zoneOf(name, signal);
      const query = new URLSearchParams({ type: 'TXT', name: displayName(name), content: value, per_page: '100' });
      const listed = await call(action, 'GET', `/zones/${encodeURIComponent(zone)}/dns_records?${query.toString()}`, signal);
      // The filter is the server's; the check is ours: delete nothing but this exact value.
      const records = asArray(listed.result).filter((record): record is Record<string, unknown> & CloudflareRecord =>
        typeof record.id === 'string'
        && record.type === 'TXT'
        && typeof record.name === 'string' && record.name.toLowerCase() === displayName(name)
        && (record.content === value || record.content === `"${value}"`));
      if (records.length === 0) {
        context.logger.info('Cloudflare TXT value already gone', { provider: 'cloudflare', fqdn: name, zoneId: zone });
        return;
      }
      for (const record of records) {
        const deleted = await call(action, 'DELETE', `/zones/${encodeURIComponent(zone)}/dns_records/${encodeURIComponent(record.id)}`, signal);
        const gone = deleted.errors.some((error) => GONE_CODES.has(error.code));
        context.logger.info(gone ? 'Cloudflare TXT value already gone' : 'Cloudflare TXT record deleted', { provider: 'cloudflare', fqdn: name, zoneId: zone, recordId: record.id });
      }
    },
    check: async (signal): Promise<DnsCheckResult> => {
      const verified = await call('verify the API token', 'GET', '/user/tokens/verify', signal);
      const status = isObject(verified.result) ? verified.result.status : undefined;
      if (status !== 'active') {
        throw new DnsError('auth', `Unable to verify the API token at Cloudflare, the token is ${typeof status === 'string' ? status : 'not active'}`, { remedy: AUTH_REMEDY });
      }
      if (zoneId !== undefined) {
        const zone = await call('read the configured zone', 'GET', `/zones/${encodeURIComponent(zoneId)}`, signal);
        const zoneName = isObject(zone.result) && typeof zone.result.name === 'string' ? zone.result.name : undefined;
        return zoneName === undefined ? {} : { zones: [`${zoneName.toLowerCase()}.`] };
      }
      const names: string[] = [];
      for (let page = 1; page <= MAX_ZONE_PAGES; page++) {
        const listed = await call('list the zones', 'GET', `/zones?per_page=${ZONES_PER_PAGE}&page=${page}`, signal);
        for (const zone of asArray(listed.result)) if (typeof zone.name === 'string') names.push(`${zone.name.toLowerCase()}.`);
        const totalPages = listed.resultInfo?.totalPages ?? 1;
        if (page >= totalPages) break;
      }
      return { zones: names };
    },
  };
}

/**
 * The `cloudflare` kind: `apiToken` (secret), optional `zoneId` and `endpoint`. Propagation
 * defaults: 120 s, every 2 s (lego's for Cloudflare; its anycast servers publish within seconds).
 */
export const cloudflareDefinition: DnsProviderDefinition = {
  kind: 'cloudflare',
  label: { en: 'Cloudflare', 'zh-CN': 'Cloudflare' },
  help: {
    en: 'Cloudflare DNS through its API v4 with an API token that may read the zone and edit its DNS records.',
    'zh-CN': '通过 Cloudflare API v4 操作 Cloudflare DNS，需要一个可读取区域并编辑其 DNS 记录的 API 令牌。',
  },
  fields: [
    {
      key: 'apiToken',
      label: { en: 'API token', 'zh-CN': 'API 令牌' },
      help: {
        en: 'My Profile → API Tokens → Create Token, with the permissions Zone:Read and DNS:Edit for the zone (not the Global API Key).',
        'zh-CN': '我的个人资料 → API 令牌 → 创建令牌，为该区域授予 区域:读取 和 DNS:编辑 权限（不是 Global API Key）。',
      },
      secret: true,
    },
    {
      key: 'zoneId',
      label: { en: 'Zone ID', 'zh-CN': '区域 ID' },
      help: {
        en: 'Optional: the zone\'s id (the domain\'s Overview page → API); found from the domain name when empty.',
        'zh-CN': '可选：区域 ID（域名概述页面 → API）；留空时根据域名自动查找。',
      },
      secret: false,
      optional: true,
      example: '023e105f4ecef8ad9ca31a8372d0c353',
      validate: checkZoneId,
    },
    {
      key: 'endpoint',
      label: { en: 'API endpoint', 'zh-CN': 'API 端点' },
      help: {
        en: `Optional: the API root; default ${CLOUDFLARE_DEFAULT_BASE_URL}.`,
        'zh-CN': `可选：API 根地址；默认 ${CLOUDFLARE_DEFAULT_BASE_URL}。`,
      },
      secret: false,
      optional: true,
      defaultValue: CLOUDFLARE_DEFAULT_BASE_URL,
      validate: checkHttpsEndpoint,
    },
  ],
  propagation: { timeoutSeconds: 120, intervalSeconds: 2 },
  create: (credentials, context) => createCloudflareProvider({
    apiToken: credentials.apiToken ?? '',
    zoneId: credentials.zoneId,
    endpoint: credentials.endpoint,
  }, context),
};
