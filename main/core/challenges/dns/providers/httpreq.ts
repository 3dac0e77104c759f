import { DnsError } from '../dns-error.ts';
import { createHttpApi, type ApiResponse, type ApiVerdict } from '../http-api.ts';
import { displayName, requireFqdn } from '../names.ts';
import type { DnsCheckResult, DnsProvider, DnsProviderDefinition, ProviderContext } from '../provider.ts';

/**
 * lego's `httpreq` provider protocol (go-acme.github.io/lego/dns/httpreq/), for admins who already
 * run a small web service that edits their DNS: CertDesk POSTs `{"fqdn": …, "value": …}` as JSON to
 * `<endpoint>/present` and `<endpoint>/cleanup`, optionally with HTTP Basic authentication, and any
 * 2xx answer is success. Only lego's default mode exists here: its RAW mode sends the domain, token
 * and key authorization, which a DNS provider is never given (it receives the record name and value).
 */

/** The kind id stored in config.json and typed on the CLI. */
export const HTTPREQ_KIND = 'httpreq';

/** The modes of lego's httpreq this provider speaks; see the module comment for why not RAW. */
export const HTTPREQ_MODES = ['default'] as const;

/** Characters of an answer's body quoted in an error message. */
const BODY_EXCERPT_CHARS = 200;

/** Settings of the httpreq provider, as `dns add --provider httpreq` takes them. */
export interface HttpreqOptions {
  /** The base URL; `/present` and `/cleanup` are appended to its path. */
  readonly endpoint: string;
  /** Only `default` is supported; anything else is a `bad_config` error. */
  readonly mode?: string | undefined;
  /** HTTP Basic user name; set together with `password`. */
  readonly username?: string | undefined;
  /** HTTP Basic password. Secret. */
  readonly password?: string | undefined;
}

/** Hosts for which plain http keeps the password on this machine. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why `value` is not a usable endpoint, or `undefined`: an absolute http: or https: URL without a user
 * name, password (they have fields of their own), query or fragment. Whether plain http may carry a
 * password is decided when the provider is created. Pure.
 */
export function checkHttpreqEndpoint(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'it is not a URL (e.g. https://dns-hook.example.com/acme)';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'it must start with https:// or http://';
  if (url.username !== '' || url.password !== '') return 'it must not contain a user name or password (they are fields of their own)';
  if (url.search !== '' || url.hash !== '') return 'it must not contain a query or fragment';
  return undefined;
}

/** `https://host/base/` + `present` → `https://host/base/present`, as lego's `JoinPath` does. Pure. */
export function httpreqUrl(endpoint: string, action: 'present' | 'cleanup'): URL {
  const url = new URL(endpoint);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${action}`;
  return url;
}

function badConfig(reason: string, remedy: string): DnsError {
  return new DnsError('bad_config', `Unable to use the httpreq provider, ${reason}`, { remedy });
}

function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > BODY_EXCERPT_CHARS ? `${flat.slice(0, BODY_EXCERPT_CHARS)}…` : flat;
}

function answered(response: ApiResponse): string {
  const quoted = excerpt(response.body);
  return `it answered HTTP ${response.status}${quoted === '' ? '' : ` (${quoted})`}`;
}

/**
 * Creates the httpreq provider. `present` POSTs `{"fqdn": "<name with trailing dot>", "value": …}`
 * to `<endpoint>/present`, `cleanup` the same to `<endpoint>/cleanup`; 2xx is success. The service
 * behind the endpoint is trusted to add and remove exactly that one value (lego's contract).
 *
 * Answers: 401/403 → `auth`; 404/405 → `bad_config` (the URL is not the webhook's); 429 and 5xx are
 * retried by `createHttpApi` and end as `rate_limited` / `server_error`; another 4xx → `bad_config`.
 * The protocol has no read-only call, so `check()` GETs the endpoint itself: any HTTP answer proves
 * it reachable (resolves `{}`), except 401/403 → `auth`; no answer → `network`.
 *
 * Throws a `bad_config` {@link DnsError} now for a malformed endpoint, a mode other than `default`, a
 * user name without a password or the reverse, and a password that would travel over plain http to
 * another machine than this one. Safe for concurrent use.
 */
export function createHttpreqProvider(options: HttpreqOptions, context: ProviderContext): DnsProvider {
  const endpointProblem = checkHttpreqEndpoint(options.endpoint);
  if (endpointProblem !== undefined) throw badConfig(`the endpoint is not valid: ${endpointProblem}`, 'Give the base URL of the webhook, e.g. https://dns-hook.example.com/acme.');
  const mode = options.mode === undefined || options.mode === '' ? 'default' : options.mode;
  if (!(HTTPREQ_MODES as ReadonlyArray<string>).includes(mode)) {
    throw badConfig(`the mode ${mode} is not supported`, 'Use the default mode: CertDesk sends the record name and value ({"fqdn", "value"}); lego\'s RAW mode needs the ACME token, which a DNS provider never gets.');
  }
  const username = options.username ?? '';
  const password = options.password ?? '';
  if ((username === '') !== (password === '')) {
    throw badConfig('only one of the user name and the password is set', 'Set both for HTTP Basic authentication, or neither.');
  }
  const endpoint = new URL(options.endpoint);
  if (endpoint.protocol === 'http:' && password !== '' && !LOOPBACK_HOSTS.has(endpoint.hostname)) {
    throw badConfig(`the password would be sent in clear over http to ${endpoint.host}`, 'Use an https:// endpoint, or run the webhook on this machine (http://127.0.0.1:…).');
  }
  const basic = password === '' ? undefined : `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  const label = `the httpreq endpoint ${endpoint.host}`;
  const authRemedy = basic === undefined
    ? `The webhook at ${endpoint.host} asks for credentials: set the user name and password it expects.`
    : `Check the user name and password: they must be the ones the webhook at ${endpoint.host} expects.`;
  const secrets = basic === undefined ? [] : [password, basic.slice('Basic '.length)];

  /** Reading of webhook answers: see {@link createHttpreqProvider}. */
  const verdict = (response: ApiResponse): ApiVerdict | undefined => {
    if (response.status >= 200 && response.status < 300) return undefined;
    if (response.status === 401 || response.status === 403) return { failure: 'auth', message: `the webhook refused the credentials: ${answered(response)}`, remedy: authRemedy };
    if (response.status === 404 || response.status === 405) {
      return {
        failure: 'bad_config',
        message: `the URL is not the webhook's: ${answered(response)}`,
        remedy: `Check the endpoint: CertDesk POSTs to ${httpreqUrl(options.endpoint, 'present').href} and ${httpreqUrl(options.endpoint, 'cleanup').href}, as lego's httpreq provider does.`,
      };
    }
    if (response.status === 429 || response.status >= 500) return undefined;
    return { failure: 'bad_config', message: `the webhook refused the request: ${answered(response)}`, remedy: `Check the webhook's log at ${endpoint.host} for why it refused it.` };
  };

  const api = createHttpApi({ provider: HTTPREQ_KIND, label, context, secrets, authRemedy, interpret: verdict });
  /** `check()`'s client: any answer but 401/403 proves the endpoint reachable. */
  const probe = createHttpApi({
    provider: HTTPREQ_KIND,
    label,
    context,
    secrets,
    authRemedy,
    accept: (response) => response.status !== 401 && response.status !== 403,
    interpret: verdict,
  });

  const send = async (action: 'present' | 'cleanup', name: string, value: string, signal: AbortSignal | undefined): Promise<void> => {
    const fqdn = requireFqdn(name, (reason) => badConfig(`cannot ${action} a TXT record: ${reason}`, 'Give a valid domain name.'));
    const body = JSON.stringify({ fqdn, value });
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (basic !== undefined) headers.Authorization = basic;
    await api.request(`${action === 'present' ? 'add' : 'remove'} the TXT record ${displayName(fqdn)}`,
      () => ({ method: 'POST', url: httpreqUrl(options.endpoint, action), headers, body }), signal);
    context.logger.info(`httpreq ${action} accepted`, { endpoint: endpoint.host, name: fqdn });
  };

  return {
    kind: HTTPREQ_KIND,
    present: (name, value, signal) => send('present', name, value, signal),
    cleanup: (name, value, signal) => send('cleanup', name, value, signal),

    check: async (signal): Promise<DnsCheckResult> => {
      await probe.request('reach the webhook',
        () => ({ method: 'GET', url: new URL(options.endpoint), ...(basic === undefined ? {} : { headers: { Authorization: basic } }) }), signal);
      return {};
    },
  };
}

/**
 * The `httpreq` provider kind: lego-compatible HTTP webhook. Propagation defaults are generic (the
 * DNS behind the webhook is unknown): up to 5 minutes, checked every 10 s.
 */
export const httpreqDefinition: DnsProviderDefinition = {
  kind: HTTPREQ_KIND,
  label: { en: 'HTTP request (lego httpreq)', 'zh-CN': 'HTTP 请求（lego httpreq）' },
  help: {
    en: 'Calls your own web service, as lego\'s httpreq provider does: a JSON POST of {"fqdn", "value"} to <endpoint>/present and <endpoint>/cleanup, optionally with HTTP Basic authentication. The service must add and remove exactly that TXT value.',
    'zh-CN': '像 lego 的 httpreq 提供方一样调用您自己的 Web 服务：向 <端点>/present 和 <端点>/cleanup 以 JSON 发送 {"fqdn", "value"} 的 POST 请求，可选 HTTP Basic 认证。该服务必须只添加和删除这一个 TXT 值。',
  },
  fields: [
    {
      key: 'endpoint',
      label: { en: 'Endpoint URL', 'zh-CN': '端点 URL' },
      help: {
        en: 'The base URL of the webhook; /present and /cleanup are appended. Use https://; plain http:// is accepted without a password, or to this machine (127.0.0.1). The connection test only GETs this URL: any HTTP answer counts as reachable, and 401/403 as wrong credentials.',
        'zh-CN': 'Webhook 的基础 URL，会在其后追加 /present 和 /cleanup。请使用 https://；仅在不设置密码或指向本机（127.0.0.1）时接受 http://。连接测试只会对该 URL 发送 GET：任何 HTTP 响应都视为可达，401/403 视为凭据错误。',
      },
      secret: false,
      example: 'https://dns-hook.example.com/acme',
      validate: checkHttpreqEndpoint,
    },
    {
      key: 'mode',
      label: { en: 'Mode', 'zh-CN': '模式' },
      help: {
        en: 'Only "default" ({"fqdn", "value"}). lego\'s RAW mode ({"domain", "token", "keyAuth"}) is not available: CertDesk gives DNS providers only the record name and value.',
        'zh-CN': '仅支持 "default"（{"fqdn", "value"}）。不支持 lego 的 RAW 模式（{"domain", "token", "keyAuth"}）：CertDesk 只向 DNS 提供方提供记录名和值。',
      },
      secret: false,
      optional: true,
      choices: HTTPREQ_MODES,
      defaultValue: 'default',
    },
    {
      key: 'username',
      label: { en: 'User name', 'zh-CN': '用户名' },
      help: {
        en: 'For HTTP Basic authentication, as the webhook expects it (lego\'s HTTPREQ_USERNAME). Leave empty if it needs none.',
        'zh-CN': '用于 HTTP Basic 认证，与 Webhook 的要求一致（即 lego 的 HTTPREQ_USERNAME）。如不需要认证请留空。',
      },
      secret: false,
      optional: true,
      validate: (value) => (/^[^:\p{Cc}]+$/u.test(value) ? undefined : 'it must not contain ":" or control characters'),
    },
    {
      key: 'password',
      label: { en: 'Password', 'zh-CN': '密码' },
      help: {
        en: 'For HTTP Basic authentication (lego\'s HTTPREQ_PASSWORD); set together with the user name.',
        'zh-CN': '用于 HTTP Basic 认证（即 lego 的 HTTPREQ_PASSWORD），需与用户名一起设置。',
      },
      secret: true,
      optional: true,
    },
  ],
  propagation: { timeoutSeconds: 300, intervalSeconds: 10 },
  create: (credentials, context) => createHttpreqProvider({
    endpoint: credentials.endpoint ?? '',
    mode: credentials.mode,
    username: credentials.username,
    password: credentials.password,
  }, context),
};
