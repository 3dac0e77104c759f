import { isIP } from 'node:net';
import { DnsError } from '../dns-error.ts';
import { createHttpApi, type ApiResponse, type ApiVerdict, type HttpApi } from '../http-api.ts';
import { displayName, toFqdn } from '../names.ts';
import type { DnsCheckResult, DnsProvider, DnsProviderDefinition, LocalizedText, ProviderContext } from '../provider.ts';

const LABEL = 'acme-dns';

/**
 * How many TXT values acme-dns keeps per subdomain: the two most recent updates (its database holds
 * two rows per account and overwrites the older). Enough for one domain and its wildcard.
 */
export const ACME_DNS_VALUES_KEPT = 2;

/** acme-dns user names and subdomains are UUIDs (its `getValidUsername` parses one). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** acme-dns passwords are 40 characters of the URL-safe base64 alphabet (its `validKey`). */
const PASSWORD = /^[A-Za-z0-9_-]{40}$/;

/** The `{"error": "<code>"}` of an acme-dns error answer, when the response is one. */
function errorCode(response: ApiResponse): string | undefined {
  try {
    const body = JSON.parse(response.body) as unknown;
    const code = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

const CREDENTIALS_REMEDY = 'Check the username, password and subdomain stored for this provider (the ones /register returned), and that this machine\'s public address is inside the account\'s allowfrom ranges.';

/**
 * Reads an acme-dns answer (pure; tested as a table). acme-dns answers errors as
 * `{"error": "<code>"}`: `forbidden` (401: unknown user, wrong key, subdomain mismatch or an address
 * outside allowfrom) is `auth`; `bad_txt`, `bad_subdomain`, `malformed_json_payload` and
 * `invalid_allowfrom_cidr` (400) are `bad_config`; `db_error` (500) is `server_error`. A 404 means
 * the URL is not an acme-dns API, or registration is disabled there: `bad_config`. Anything else is
 * left to its status (`undefined`).
 */
export function interpretAcmeDnsResponse(response: ApiResponse): ApiVerdict | undefined {
  if (response.status >= 200 && response.status < 300) return undefined;
  const code = errorCode(response);
  switch (code) {
    case 'forbidden':
      return { failure: 'auth', message: `the server refused the credentials (HTTP ${response.status} forbidden)`, remedy: CREDENTIALS_REMEDY };
    case 'bad_txt':
      return { failure: 'bad_config', message: 'the server refused the TXT value (bad_txt: acme-dns takes 43-character ACME values only)' };
    case 'bad_subdomain':
      return { failure: 'bad_config', message: 'the server refused the subdomain (bad_subdomain)', remedy: CREDENTIALS_REMEDY };
    case 'malformed_json_payload':
      return { failure: 'bad_config', message: 'the server could not read the request (malformed_json_payload)' };
    case 'invalid_allowfrom_cidr':
      return { failure: 'bad_config', message: 'the server refused the allowed source ranges (invalid_allowfrom_cidr)', remedy: 'Give allowFrom as CIDR ranges separated by commas, e.g. 192.0.2.0/24, 2001:db8::/32.' };
    case 'db_error':
      return { failure: 'server_error', message: `the server could not store the value (HTTP ${response.status} db_error)` };
    default:
      break;
  }
  if (response.status === 404) {
    return {
      failure: 'bad_config',
      message: 'the server has no such API path (HTTP 404)',
      remedy: 'Check the server URL: it must be the acme-dns API\'s base URL (the one /register and /update live under). If registration is disabled there, register by hand and give the username, password, subdomain and full domain.',
    };
  }
  return undefined;
}

/**
 * True for the answer that {@link DnsProvider.check}'s probe (an update with an empty value) hopes
 * for: `bad_txt` (400), which acme-dns gives only after it authenticated the request, and without
 * storing anything. Pure.
 */
export function isAcmeDnsProbeAccepted(response: ApiResponse): boolean {
  return response.status === 400 && errorCode(response) === 'bad_txt';
}

/**
 * Checks the server URL: an absolute https URL without query or credentials (acme-dns's `/register`
 * and `/update` go under its path). Returns an English reason or `undefined`.
 */
export function validateAcmeDnsServer(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'it is not a URL (e.g. https://auth.example.com)';
  }
  if (url.protocol !== 'https:') return 'it must start with https:// (the password travels with every update)';
  if (url.username !== '' || url.password !== '') return 'it must not contain a user name or password';
  if (url.search !== '' || url.hash !== '') return 'it must not contain a query or fragment';
  return undefined;
}

/** Checks `allowFrom`: CIDR ranges (`192.0.2.0/24`, `2001:db8::/32`) separated by commas. */
export function validateAllowFrom(value: string): string | undefined {
  for (const range of splitList(value)) {
    const [address = '', prefix, extra] = range.split('/');
    const family = isIP(address);
    const bits = Number(prefix);
    if (family === 0 || prefix === undefined || extra !== undefined || !/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128)) {
      return `${range} is not a CIDR range (e.g. 192.0.2.0/24 or 2001:db8::/32)`;
    }
  }
  return undefined;
}

function splitList(value: string): string[] {
  return value.split(',').map((part) => part.trim()).filter((part) => part !== '');
}

/** `server` with `path` appended under its own path (`https://h/acme/` + `update` → `https://h/acme/update`). */
function endpoint(server: string, path: string): string {
  const url = new URL(server);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/${path}`;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Settings of {@link createAcmeDnsProvider}: what `/register` returned, and the server. */
export interface AcmeDnsOptions {
  /** The acme-dns API's base URL (https). */
  readonly server: string;
  /** The account's user name (a UUID), sent as `X-Api-User`. */
  readonly username: string;
  /** The account's password (40 characters), sent as `X-Api-Key`. Secret. */
  readonly password: string;
  /** The account's subdomain (a UUID), sent in every update. */
  readonly subdomain: string;
  /** `<subdomain>.<acme-dns domain>`, the CNAME target; for messages only. */
  readonly fulldomain?: string | undefined;
}

function notRegistered(): DnsError {
  return new DnsError('bad_config', `Unable to use ${LABEL}, no account is configured (username, password and subdomain are required)`, {
    remedy: 'Add the provider again with certdesk dns add and leave the username and password empty: CertDesk then registers an account with the server.',
  });
}

/**
 * Creates the acme-dns provider (https://github.com/joohoi/acme-dns): the domain's
 * `_acme-challenge` name is a CNAME to the account's `fulldomain`, and acme-dns serves the TXT
 * values posted to its `/update` (headers `X-Api-User`, `X-Api-Key`; body `{"subdomain","txt"}`).
 *
 * acme-dns keeps the {@link ACME_DNS_VALUES_KEPT} latest values of a subdomain, so a wildcard's and
 * its apex's values coexist, and there is nothing to delete: `cleanup` only logs. So that a repeated
 * `present` does not push out the other value, the provider remembers the values it posted (in this
 * process) and does not post one of the two latest again. Three or more names sharing one account at
 * once cannot all be served: give each domain its own registration.
 *
 * `check` has no read-only call to use (the API has only `/register`, `/update` and `/health`), so it
 * posts an update with an empty value: acme-dns authenticates it (user, key, subdomain, allowfrom)
 * and then refuses the value (`bad_txt`) without storing anything. That answer proves the
 * credentials; `forbidden` is an `auth` failure. It returns no zones.
 *
 * The `fqdn` given to `present` is not sent (the CNAME decides which names use the account); it is
 * logged. Failures are {@link DnsError}s from the shared HTTP client; the password is never logged or
 * quoted. Safe for concurrent use.
 */
export function createAcmeDnsProvider(options: AcmeDnsOptions, context: ProviderContext): DnsProvider {
  const client = (accept?: (response: ApiResponse) => boolean): HttpApi => createHttpApi({
    provider: 'acme-dns',
    label: LABEL,
    context,
    secrets: [options.password],
    interpret: interpretAcmeDnsResponse,
    authRemedy: CREDENTIALS_REMEDY,
    ...(accept === undefined ? {} : { accept }),
  });
  const api = client();
  const probeApi = client(isAcmeDnsProbeAccepted);
  /** The values posted in this process, oldest first (at most {@link ACME_DNS_VALUES_KEPT}). */
  const posted: string[] = [];

  const update = (action: string, txt: string, signal?: AbortSignal, via: HttpApi = api): Promise<ApiResponse> => {
    if (options.username === '' || options.password === '' || options.subdomain === '') return Promise.reject(notRegistered());
    const reason = validateAcmeDnsServer(options.server);
    if (reason !== undefined) {
      return Promise.reject(new DnsError('bad_config', `Unable to use ${LABEL}, the server URL ${options.server} is not usable: ${reason}`, {
        remedy: 'Add the provider again with the acme-dns API\'s https URL.',
      }));
    }
    return via.request(action, () => ({
      method: 'POST',
      url: endpoint(options.server, 'update'),
      headers: { 'content-type': 'application/json', 'x-api-user': options.username, 'x-api-key': options.password },
      body: JSON.stringify({ subdomain: options.subdomain, txt }),
    }), signal);
  };

  const target = options.fulldomain === undefined || options.fulldomain === '' ? options.subdomain : options.fulldomain;

  return {
    kind: 'acme-dns',
    present: async (fqdn, value, signal) => {
      const fields = { provider: 'acme-dns', name: displayName(fqdn), target };
      if (posted.slice(-ACME_DNS_VALUES_KEPT).includes(value)) {
        context.logger.info('TXT value already present', fields);
        return;
      }
      await update(`set the TXT value for ${displayName(fqdn)}`, value, signal);
      posted.push(value);
      posted.splice(0, Math.max(0, posted.length - ACME_DNS_VALUES_KEPT));
      context.logger.info('TXT value set', fields);
    },
    cleanup: (fqdn) => {
      context.logger.info('Nothing to remove at acme-dns: it keeps only the two latest values', { provider: 'acme-dns', name: displayName(fqdn), target });
      return Promise.resolve();
    },
    check: async (signal): Promise<DnsCheckResult> => {
      const response = await update('check the credentials', '', signal, probeApi);
      if (isAcmeDnsProbeAccepted(response)) return {};
      // A server that stored an empty value is not the acme-dns this provider knows.
      throw new DnsError('server_error', `Unable to check the credentials at ${LABEL}, the server accepted an empty TXT value`, {
        remedy: 'Check that the server URL points at an acme-dns API (https://github.com/joohoi/acme-dns).',
      });
    },
  };
}

/** The CNAME note of {@link acmeDnsDefinition}'s `prepare`, in both locales. */
export function cnameNote(fulldomain: string): LocalizedText {
  return {
    en: `Before the first renewal, create this CNAME record for each domain of the certificate: _acme-challenge.<your domain> → ${fulldomain} (e.g. _acme-challenge.example.com. CNAME ${fulldomain}.). acme-dns holds two TXT values at a time: enough for one domain and its wildcard; register again for each further domain.`,
    'zh-CN': `首次续期之前，请为证书中的每个域名添加以下 CNAME 记录：_acme-challenge.<你的域名> → ${fulldomain}（例如 _acme-challenge.example.com. CNAME ${fulldomain}.）。acme-dns 同时只保存两个 TXT 值，足够一个域名及其通配符使用；其他域名请分别重新注册。`,
  };
}

/** What `/register` answered, with the server it was asked. */
interface RegisteredAccount {
  readonly server: string;
  readonly username: string;
  readonly password: string;
  readonly subdomain: string;
  readonly fulldomain: string;
}

/**
 * Registers an account at `server` (POST `/register`, with `{"allowfrom": [...]}` when ranges are
 * given) and returns what it answered. Not retried: each try would create another account.
 */
async function register(server: string, allowFrom: ReadonlyArray<string>, context: ProviderContext, signal?: AbortSignal): Promise<RegisteredAccount> {
  const api = createHttpApi({ provider: 'acme-dns', label: LABEL, context, secrets: [], maxAttempts: 1, interpret: interpretAcmeDnsResponse });
  const response = await api.request('register an account', () => ({
    method: 'POST',
    url: endpoint(server, 'register'),
    ...(allowFrom.length === 0 ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ allowfrom: allowFrom }) }),
  }), signal);
  const body = response.json();
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const account = {
    server,
    username: asText(fields.username),
    password: asText(fields.password),
    subdomain: asText(fields.subdomain),
    fulldomain: asText(fields.fulldomain),
  };
  if (account.username === '' || account.password === '' || account.subdomain === '' || account.fulldomain === '') {
    throw new DnsError('server_error', `Unable to register an account at ${LABEL}, the answer lacks the username, password, subdomain or fulldomain (HTTP ${response.status})`, {
      remedy: 'Check that the server URL points at an acme-dns API (https://github.com/joohoi/acme-dns).',
    });
  }
  return account;
}

function optionalName(value: string): string | undefined {
  try {
    toFqdn(value);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The `acme-dns` provider kind, for the registry. */
export const acmeDnsDefinition: DnsProviderDefinition = {
  kind: 'acme-dns',
  label: { en: 'acme-dns', 'zh-CN': 'acme-dns' },
  help: {
    en: 'Publishes the TXT values on an acme-dns server; each domain\'s _acme-challenge name is a CNAME to the account\'s full domain. Leave the username and password empty to register an account when adding the provider.',
    'zh-CN': '将 TXT 值发布到 acme-dns 服务器；各域名的 _acme-challenge 记录以 CNAME 指向该账户的完整域名。添加服务商时若用户名和密码留空，将自动注册账户。',
  },
  fields: [
    {
      key: 'server',
      label: { en: 'Server URL', 'zh-CN': '服务器地址' },
      help: {
        en: 'The base URL of the acme-dns API (your own server, or the one your provider runs), https only.',
        'zh-CN': 'acme-dns API 的基础地址（自建服务器或服务商提供的地址），仅支持 https。',
      },
      secret: false,
      example: 'https://auth.example.com',
      validate: validateAcmeDnsServer,
    },
    {
      key: 'username',
      label: { en: 'Username', 'zh-CN': '用户名' },
      help: {
        en: 'The "username" that /register returned (a UUID). Leave empty, with the password, to register a new account now.',
        'zh-CN': '/register 返回的 "username"（UUID）。与密码一同留空，则立即注册新账户。',
      },
      secret: false,
      optional: true,
      example: 'c36f50e8-4632-44f0-83fe-e070fef28a10',
      validate: (value) => (UUID.test(value) ? undefined : 'it must be the UUID that acme-dns returned as username'),
    },
    {
      key: 'password',
      label: { en: 'Password', 'zh-CN': '密码' },
      help: {
        en: 'The "password" that /register returned (40 characters). Leave empty, with the username, to register a new account now.',
        'zh-CN': '/register 返回的 "password"（40 个字符）。与用户名一同留空，则立即注册新账户。',
      },
      secret: true,
      optional: true,
      validate: (value) => (PASSWORD.test(value) ? undefined : 'it must be the 40-character password that acme-dns returned'),
    },
    {
      key: 'subdomain',
      label: { en: 'Subdomain', 'zh-CN': '子域名' },
      help: {
        en: 'The "subdomain" that /register returned (a UUID); filled in when CertDesk registers.',
        'zh-CN': '/register 返回的 "subdomain"（UUID）；由 CertDesk 注册时自动填写。',
      },
      secret: false,
      optional: true,
      example: '8e5700ea-a4bf-41c7-8a77-e990661dcc6a',
      validate: (value) => (UUID.test(value) ? undefined : 'it must be the UUID that acme-dns returned as subdomain'),
    },
    {
      key: 'fulldomain',
      label: { en: 'Full domain (CNAME target)', 'zh-CN': '完整域名（CNAME 目标）' },
      help: {
        en: 'The "fulldomain" that /register returned: point _acme-challenge.<your domain> at it with a CNAME record. Filled in when CertDesk registers.',
        'zh-CN': '/register 返回的 "fulldomain"：请将 _acme-challenge.<你的域名> 以 CNAME 记录指向它。由 CertDesk 注册时自动填写。',
      },
      secret: false,
      optional: true,
      example: '8e5700ea-a4bf-41c7-8a77-e990661dcc6a.auth.example.com',
      validate: optionalName,
    },
    {
      key: 'allowFrom',
      label: { en: 'Allowed source ranges', 'zh-CN': '允许的来源网段' },
      help: {
        en: 'Optional, used when registering: the CIDR ranges (comma-separated) that may update this account, e.g. this machine\'s public address as /32. Empty allows any address.',
        'zh-CN': '可选，注册时使用：允许更新此账户的 CIDR 网段（以逗号分隔），例如本机公网地址 /32。留空则允许任何地址。',
      },
      secret: false,
      optional: true,
      example: '192.0.2.10/32',
      validate: validateAllowFrom,
    },
  ],
  // acme-dns is itself the authoritative server of the full domain: an update is served at once.
  propagation: { timeoutSeconds: 120, intervalSeconds: 5 },
  create: (credentials, context) =>
    createAcmeDnsProvider(
      {
        server: credentials.server ?? '',
        username: credentials.username ?? '',
        password: credentials.password ?? '',
        subdomain: credentials.subdomain ?? '',
        fulldomain: credentials.fulldomain,
      },
      context,
    ),
  /**
   * Registers an account when neither username nor password is given (POST /register, allowFrom
   * passed as `allowfrom`), and returns the credentials completed with what the server answered.
   * Given a complete account it changes nothing. Either way the note names the CNAME to create.
   * Rejects with `bad_config` for a partial account or an unusable server URL.
   */
  prepare: async (credentials, context, signal) => {
    const server = credentials.server ?? '';
    const reason = validateAcmeDnsServer(server);
    if (reason !== undefined) {
      throw new DnsError('bad_config', `Unable to use ${LABEL}, the server URL ${server === '' ? '(none)' : server} is not usable: ${reason}`, {
        remedy: 'Give the acme-dns API\'s https URL, e.g. https://auth.example.com.',
      });
    }
    const given = ['username', 'password', 'subdomain'].filter((key) => (credentials[key] ?? '') !== '');
    if (given.length === 3) {
      const fulldomain = credentials.fulldomain ?? '';
      return fulldomain === '' ? { credentials } : { credentials, note: cnameNote(fulldomain) };
    }
    if ((credentials.username ?? '') !== '' || (credentials.password ?? '') !== '') {
      throw new DnsError('bad_config', `Unable to use ${LABEL}, the account is incomplete (given: ${given.join(', ')})`, {
        remedy: 'Give the username, password and subdomain that /register returned, or leave the username and password empty to register a new account.',
      });
    }
    const allowFrom = splitList(credentials.allowFrom ?? '');
    const account = await register(server, allowFrom, context, signal);
    context.logger.info('acme-dns account registered', { provider: 'acme-dns', server: new URL(server).host, subdomain: account.subdomain, fulldomain: account.fulldomain });
    const completed: Record<string, string> = { ...credentials, ...account };
    if (allowFrom.length > 0) completed.allowFrom = allowFrom.join(',');
    return { credentials: completed, note: cnameNote(account.fulldomain) };
  },
};
