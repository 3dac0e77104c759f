import { DnsError } from '../dns-error.ts';
import { createHttpApi, type ApiResponse, type ApiVerdict } from '../http-api.ts';
import { displayName, requireFqdn } from '../names.ts';
import type { DnsCheckResult, DnsProvider, DnsProviderDefinition, ProviderContext } from '../provider.ts';
import { quoteTxt, unquoteTxt } from './txt-quoting.ts';
import { addTxtValue, removeTxtValue, type TxtRecordCodec } from './txt-record-set.ts';
import { createZoneCache, zoneCandidates } from './zone-discovery.ts';

/**
 * TTL of the TXT rrset when we create it (an existing rrset keeps its own). Short because the record
 * lives for minutes and a resolver that cached it would keep serving a stale value after cleanup;
 * 60 s is what lego and certbot use.
 */
export const PDNS_TTL_SECONDS = 60;

/** The server id of every stock PowerDNS Authoritative Server (the API's `/servers/localhost`). */
export const PDNS_DEFAULT_SERVER_ID = 'localhost';

/** Settings of the PowerDNS provider, as `dns add --provider pdns` takes them. */
export interface PdnsOptions {
  /** The webserver's base URL, `http(s)://host:port` (a trailing `/api/v1` is accepted too). */
  readonly apiUrl: string;
  /** The `api-key` of pdns.conf, sent as `X-API-Key`. Secret. */
  readonly apiKey: string;
  /** The server id in API paths; default {@link PDNS_DEFAULT_SERVER_ID}. */
  readonly serverId?: string | undefined;
}

/** One record of an rrset, as the pdns API (v1) spells it. */
interface PdnsRecord {
  readonly content: string;
  readonly disabled: boolean;
}

/** The part of an rrset we read. */
interface PdnsRrset {
  readonly name: string;
  readonly type: string;
  readonly ttl?: number;
  readonly records: ReadonlyArray<PdnsRecord>;
}

/** pdns records in a TXT rrset: presentation-form `content`, and `disabled` ones not served. */
const PDNS_TXT_CODEC: TxtRecordCodec<PdnsRecord> = {
  valueOf: (record) => unquoteTxt(record.content),
  make: (value) => ({ content: quoteTxt(value), disabled: false }),
  isLive: (record) => !record.disabled,
};

/** A zone as the zone list and a zone GET return it (only the fields we read). */
interface PdnsZone {
  /** The zone's id in URLs (the name, with pdns's own escaping for odd characters). */
  readonly id: string;
  /** Absolute name, e.g. `example.com.`. */
  readonly name: string;
}

/**
 * Why `apiUrl` is not usable, or `undefined` when it is: it must be an absolute http: or https: URL
 * without a query or credentials. Pure; used by the credential field and by {@link createPdnsProvider}.
 */
export function checkApiUrl(value: string): string | undefined {
  // Checked first: `127.0.0.1:8081` does not parse, and `localhost:8081` parses with `localhost:` as its scheme.
  if (!/^https?:\/\//i.test(value)) return 'it must start with http:// or https:// (e.g. http://127.0.0.1:8081)';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'it is not a valid URL (e.g. http://127.0.0.1:8081)';
  }
  if (url.username !== '' || url.password !== '') return 'it must not contain a user name or password (the API key is a field of its own)';
  if (url.search !== '' || url.hash !== '') return 'it must not contain a query or fragment';
  return undefined;
}

/**
 * The API root for `apiUrl`: the URL without a trailing slash or `/api/v1` (both accepted, since the
 * pdns docs show either), then `/api/v1`. Pure.
 */
export function apiRoot(apiUrl: string): string {
  const url = new URL(apiUrl);
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  return `${url.origin}${path}/api/v1`;
}

/** The remedy for a rejected key: where the key lives and what to check. */
const AUTH_REMEDY =
  'Check the API key: it must equal the api-key setting in pdns.conf (or the key your PowerDNS admin gave you), and the webserver must allow this machine (webserver-allow-from).';

/**
 * pdns's own reading of an error answer, before the defaults of `createHttpApi`: 401 is a wrong key;
 * 404 is `notFound` (the call decides what a missing thing means); 422 "Could not find domain"
 * (older pdns) is a missing zone; any other 400/422 is a change pdns refused, quoted from its
 * `{"error": …}` body. Everything else (403, 429, 5xx) gets the defaults. Pure.
 */
export function interpretPdnsResponse(response: Pick<ApiResponse, 'status' | 'body'>, notFound: ApiVerdict): ApiVerdict | undefined {
  if (response.status >= 200 && response.status < 300) return undefined;
  let error = '';
  try {
    const parsed = JSON.parse(response.body) as { error?: unknown };
    if (typeof parsed.error === 'string') error = parsed.error;
  } catch {
    error = response.body.trim().slice(0, 200);
  }
  const quoted = error === '' ? `HTTP ${response.status}` : `HTTP ${response.status}: ${error}`;
  if (response.status === 401) {
    return { failure: 'auth', message: `the API key was rejected (${quoted})`, remedy: AUTH_REMEDY };
  }
  if (response.status === 404 || (response.status === 422 && /could not find domain/i.test(error))) {
    return { ...notFound, message: `${notFound.message} (${quoted})` };
  }
  if (response.status === 400 || response.status === 422) {
    return {
      failure: 'server_error',
      message: `PowerDNS refused the change (${quoted})`,
      remedy: 'Look at the zone in PowerDNS (e.g. a CNAME at the name, or a secondary zone that cannot be edited) and at the server log.',
    };
  }
  return undefined;
}

/**
 * Creates the PowerDNS provider: TXT records written through the PowerDNS Authoritative Server's
 * HTTP API (v1), authenticated with `X-API-Key`.
 *
 * Zone: found by walking up the name's labels with `GET /servers/{server}/zones?zone=<name>` (one
 * request per label until a zone answers; `_acme-challenge.www.example.com.` asks for itself, then
 * `www.example.com.`, then `example.com.`), cached per name once found.
 *
 * present: reads the TXT rrset at the name (`GET …/zones/{zone}?rrset_name=…&rrset_type=TXT`), then
 * `PATCH …/zones/{zone}` with `changetype: REPLACE` and the existing records plus ours, keeping the
 * rrset's TTL (new rrsets get {@link PDNS_TTL_SECONDS}); nothing is sent when the value is there
 * already. cleanup: REPLACE with our value removed, or `changetype: DELETE` when no value remains;
 * nothing is sent when it is gone already. Other names and types are never touched. Read-modify-write
 * is safe because the DNS-01 solver serialises calls for one name; two processes writing one name at
 * once could lose a value (the API has no conditional update).
 *
 * check(): `GET /servers/{server}/zones`, resolving the zone names.
 *
 * Failures: a wrong key → `auth`; no zone for the name, or a zone deleted meanwhile → `zone_not_found`;
 * an unknown server id or a URL that is not the pdns API → `bad_config`; a change pdns rejects (400,
 * 422) or a 5xx → `server_error`; no answer → `network`. `createHttpApi` retries 5xx and network
 * failures (4 tries, 1 s/2 s/4 s apart); that is safe for the PATCHes too, since a REPLACE with the
 * full list and a DELETE leave the same rrset when applied twice. No message, remedy or log line
 * contains the key.
 * Safe for concurrent use.
 */
export function createPdnsProvider(options: PdnsOptions, context: ProviderContext): DnsProvider {
  const urlProblem = checkApiUrl(options.apiUrl);
  if (urlProblem !== undefined) {
    throw new DnsError('bad_config', `Unable to use the PowerDNS API URL, ${urlProblem}`, {
      remedy: 'Give the URL of the PowerDNS webserver (webserver-address and webserver-port in pdns.conf), e.g. http://127.0.0.1:8081.',
    });
  }
  if (options.apiKey === '') {
    throw new DnsError('bad_config', 'Unable to use the PowerDNS API key, it is empty', { remedy: 'Give the api-key setting of pdns.conf.' });
  }
  const serverId = options.serverId === undefined || options.serverId === '' ? PDNS_DEFAULT_SERVER_ID : options.serverId;
  const serverUrl = `${apiRoot(options.apiUrl)}/servers/${encodeURIComponent(serverId)}`;
  const host = new URL(options.apiUrl).host;
  const headers = { 'x-api-key': options.apiKey };

  const badServer: ApiVerdict = {
    failure: 'bad_config',
    message: `there is no PowerDNS API server "${serverId}" at ${host}`,
    remedy: `Check the API URL (the webserver of pdns_server) and the server id (${PDNS_DEFAULT_SERVER_ID} on every stock PowerDNS).`,
  };
  const zoneGone = (zone: string): ApiVerdict => ({
    failure: 'zone_not_found',
    message: `zone not found: ${displayName(zone)} is not (or no longer) a zone of this PowerDNS server`,
    remedy: `Check that the zone ${displayName(zone)} exists in PowerDNS (pdnsutil list-all-zones).`,
  });

  /**
   * Sends one API call; `notFound` is what a 404 means for it (a client per call, since that meaning
   * differs by call; building one is a few closures). Resolves the parsed JSON, `undefined` for 204.
   */
  const call = async (action: string, method: 'GET' | 'PATCH', path: string, notFound: ApiVerdict, body?: unknown, signal?: AbortSignal): Promise<unknown> => {
    const api = createHttpApi({
      provider: 'pdns',
      label: `PowerDNS (${host})`,
      context,
      secrets: [options.apiKey],
      authRemedy: AUTH_REMEDY,
      interpret: (response) => interpretPdnsResponse(response, notFound),
    });
    const response = await api.request(action, () => ({
      method,
      url: `${serverUrl}${path}`,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }), signal);
    return response.status === 204 || response.body === '' ? undefined : response.json();
  };

  const nameOf = (fqdn: string, action: string): string =>
    requireFqdn(fqdn, (reason) => new DnsError('bad_config', `Unable to ${action}, ${reason}`));

  const findZone = async (name: string, signal?: AbortSignal): Promise<PdnsZone> => {
    const action = `find the zone of ${displayName(name)}`;
    for (const candidate of zoneCandidates(name)) {
      const listed = await call(action, 'GET', `/zones?zone=${encodeURIComponent(candidate)}`, badServer, undefined, signal);
      // Matched by name again, so a server that ignores the filter (and lists every zone) is read right.
      const zone = Array.isArray(listed)
        ? (listed as PdnsZone[]).find((entry) => typeof entry.name === 'string' && entry.name.toLowerCase() === candidate)
        : undefined;
      if (zone !== undefined) return zone;
    }
    throw new DnsError('zone_not_found', `Unable to ${action} at PowerDNS (${host}), zone not found: no zone on server "${serverId}" contains the name`, {
      remedy: `Create the zone in PowerDNS, or check that the API URL points at the server that hosts ${displayName(name)}.`,
    });
  };

  // Only answers are cached: a failure (network, zone not created yet) is asked again next time.
  const zoneCache = createZoneCache(findZone);
  const zoneOf = zoneCache.get;

  const zonePath = (zone: PdnsZone): string => `/zones/${encodeURIComponent(zone.id)}`;

  const readTxt = async (zone: PdnsZone, name: string, action: string, signal?: AbortSignal): Promise<PdnsRrset | undefined> => {
    const query = `?rrset_name=${encodeURIComponent(name)}&rrset_type=TXT`;
    const read = await call(action, 'GET', `${zonePath(zone)}${query}`, zoneGone(zone.name), undefined, signal) as { rrsets?: PdnsRrset[] } | undefined;
    // pdns before 4.8 ignores the filter and returns the whole zone: pick our rrset out either way.
    return (read?.rrsets ?? []).find((rrset) => rrset.type === 'TXT' && rrset.name.toLowerCase() === name);
  };

  const patch = async (zone: PdnsZone, action: string, rrset: Record<string, unknown>, signal?: AbortSignal): Promise<void> => {
    await call(action, 'PATCH', zonePath(zone), zoneGone(zone.name), { rrsets: [rrset] }, signal);
  };

  const forget = (name: string, error: unknown): never => {
    // A zone deleted (or renamed) since we found it must be looked up afresh next time.
    if (error instanceof DnsError && error.failure === 'zone_not_found') zoneCache.forget(name);
    throw error;
  };

  return {
    kind: 'pdns',
    present: async (fqdn, value, signal) => {
      const action = `add the TXT record ${displayName(fqdn)}`;
      const name = nameOf(fqdn, action);
      const zone = await zoneOf(name, signal);
      try {
        const existing = await readTxt(zone, name, action, signal);
        // A disabled copy of our value is replaced by an enabled one rather than kept beside it.
        const addition = addTxtValue(existing?.records ?? [], value, PDNS_TXT_CODEC);
        if (addition.kind === 'already_present') {
          context.logger.info('PowerDNS TXT value already present', { provider: 'pdns', zone: zone.name, fqdn: name });
          return;
        }
        await patch(zone, action, {
          name,
          type: 'TXT',
          ttl: existing?.ttl ?? PDNS_TTL_SECONDS,
          changetype: 'REPLACE',
          records: addition.records,
        }, signal);
        context.logger.info('PowerDNS TXT value added', { provider: 'pdns', zone: zone.name, fqdn: name, values: addition.records.length });
      } catch (error) {
        forget(name, error);
      }
    },
    cleanup: async (fqdn, value, signal) => {
      const action = `remove the TXT record ${displayName(fqdn)}`;
      const name = nameOf(fqdn, action);
      const zone = await zoneOf(name, signal);
      try {
        const existing = await readTxt(zone, name, action, signal);
        const removal = removeTxtValue(existing?.records ?? [], value, PDNS_TXT_CODEC.valueOf);
        if (removal.kind === 'already_gone') {
          context.logger.info('PowerDNS TXT value already gone', { provider: 'pdns', zone: zone.name, fqdn: name });
          return;
        }
        await patch(zone, action, removal.kind === 'delete'
          ? { name, type: 'TXT', changetype: 'DELETE' }
          : { name, type: 'TXT', ttl: existing?.ttl ?? PDNS_TTL_SECONDS, changetype: 'REPLACE', records: removal.records }, signal);
        context.logger.info('PowerDNS TXT value removed', { provider: 'pdns', zone: zone.name, fqdn: name, values: removal.kind === 'delete' ? 0 : removal.records.length });
      } catch (error) {
        forget(name, error);
      }
    },
    check: async (signal): Promise<DnsCheckResult> => {
      const listed = await call('list the zones', 'GET', '/zones', badServer, undefined, signal);
      if (!Array.isArray(listed)) {
        throw new DnsError('server_error', `Unable to list the zones at PowerDNS (${host}), the answer is not a list of zones`, {
          remedy: 'Check that the API URL points at the PowerDNS webserver and not at another service or proxy page.',
        });
      }
      const zones = (listed as PdnsZone[]).flatMap((zone) => (typeof zone.name === 'string' ? [zone.name.toLowerCase()] : []));
      return { zones: zones.sort() };
    },
  };
}

/**
 * The `pdns` kind: PowerDNS Authoritative Server's HTTP API (v1). Needs the webserver and API on
 * (`api=yes`, `webserver=yes` in pdns.conf), reachable from this machine (`webserver-allow-from`).
 */
export const pdnsDefinition: DnsProviderDefinition = {
  kind: 'pdns',
  label: { en: 'PowerDNS', 'zh-CN': 'PowerDNS' },
  help: {
    en: 'Writes the TXT records through the HTTP API of a PowerDNS Authoritative Server (4.x). The API and its webserver must be enabled and reachable from this machine.',
    'zh-CN': '通过 PowerDNS 权威服务器（4.x）的 HTTP API 写入 TXT 记录。需要启用 API 及其 Web 服务器，并允许本机访问。',
  },
  fields: [
    {
      key: 'apiUrl',
      label: { en: 'API URL', 'zh-CN': 'API 地址' },
      help: {
        en: 'The URL of the PowerDNS webserver: webserver-address and webserver-port in pdns.conf (default port 8081).',
        'zh-CN': 'PowerDNS Web 服务器的地址，即 pdns.conf 中的 webserver-address 和 webserver-port（默认端口 8081）。',
      },
      secret: false,
      example: 'http://127.0.0.1:8081',
      validate: checkApiUrl,
    },
    {
      key: 'apiKey',
      label: { en: 'API key', 'zh-CN': 'API 密钥' },
      help: {
        en: 'The api-key setting of pdns.conf. It grants full access to every zone of the server.',
        'zh-CN': 'pdns.conf 中的 api-key 设置。该密钥可完全访问服务器上的所有区域。',
      },
      secret: true,
    },
    {
      key: 'serverId',
      label: { en: 'Server ID', 'zh-CN': '服务器 ID' },
      help: {
        en: 'The server id in API paths; localhost on every stock PowerDNS.',
        'zh-CN': 'API 路径中的服务器 ID；标准 PowerDNS 均为 localhost。',
      },
      secret: false,
      optional: true,
      defaultValue: PDNS_DEFAULT_SERVER_ID,
      validate: (value) => (/^[A-Za-z0-9._-]+$/.test(value) ? undefined : 'it may hold only letters, digits, ".", "_" and "-"'),
    },
  ],
  // pdns serves an API change at once, but its packet cache (cache-ttl, default 20 s) and negative
  // query cache (negquery-cache-ttl, default 60 s) may hide it that long, and secondaries follow
  // only after NOTIFY and a zone transfer: 3 minutes covers both, checked every 5 s.
  propagation: { timeoutSeconds: 180, intervalSeconds: 5 },
  create: (credentials, context) => createPdnsProvider({
    apiUrl: credentials.apiUrl ?? '',
    apiKey: credentials.apiKey ?? '',
    serverId: credentials.serverId,
  }, context),
};
