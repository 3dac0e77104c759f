import { CertDeskError, type ErrorCode } from '../../errors.ts';
import type { LocalizedText } from './provider.ts';

/**
 * Why a DNS-01 step failed, in one word the order runner can dispatch on (retry or alert) and the UI
 * can translate. Messages stay English like every {@link CertDeskError}; this kind is what a
 * translated rendering keys on.
 */
export type DnsFailure =
  | 'bad_config' // the provider's settings are unusable (bad server, secret, command path)
  | 'auth' // the DNS server rejected our credentials (TSIG BADSIG/BADKEY/BADTIME, NOTAUTH)
  | 'refused' // authenticated, but not allowed to change this zone (REFUSED)
  | 'zone_not_found' // no zone on the server contains the name (NOTZONE, NXDOMAIN, discovery failed)
  | 'network' // no answer, connection refused, malformed or forged answer
  | 'rate_limited' // a provider's API asked us to slow down (HTTP 429, a vendor throttling code)
  | 'server_error' // the server answered with another error (SERVFAIL, FORMERR, …)
  | 'command_failed' // the exec provider's command exited non-zero, was killed or timed out
  | 'not_visible' // the propagation check timed out
  | 'prompt_unavailable'; // the manual provider cannot ask anyone (no terminal)

/**
 * Which {@link ErrorCode} each failure carries: `needs_admin` where the admin must change a setting
 * before anything can work, `dns_failed` for conditions of the moment that a later retry may clear.
 * Both make the CLI exit 1 ("failed"), not 2 ("bad usage"): they happen during a renewal, whose
 * command line was fine.
 */
const ERROR_CODES: Readonly<Record<DnsFailure, ErrorCode>> = {
  bad_config: 'needs_admin',
  auth: 'needs_admin',
  refused: 'needs_admin',
  zone_not_found: 'needs_admin',
  prompt_unavailable: 'needs_admin',
  network: 'dns_failed',
  rate_limited: 'dns_failed',
  server_error: 'dns_failed',
  command_failed: 'dns_failed',
  not_visible: 'dns_failed',
};

/** Failures worth retrying later without the admin changing anything. */
const TRANSIENT: ReadonlySet<DnsFailure> = new Set<DnsFailure>(['network', 'rate_limited', 'server_error', 'not_visible']);

/**
 * A {@link CertDeskError} from a DNS-01 provider, the propagation check or the DNS transport. Its
 * `failure` says what kind of problem it is and `transient` whether a later retry may succeed
 * unchanged. Messages and remedies never contain secrets (TSIG secrets, MACs, environment values).
 */
export class DnsError extends CertDeskError {
  readonly failure: DnsFailure;
  readonly transient: boolean;
  /** How long the server asked us to wait before trying again (a `rate_limited` API), when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(failure: DnsFailure, message: string, options: { remedy?: string; cause?: unknown; retryAfterMs?: number } = {}) {
    super(ERROR_CODES[failure], message, options);
    this.failure = failure;
    this.transient = TRANSIENT.has(failure);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * What each {@link DnsFailure} means and what usually fixes it, in every locale CertDesk ships: the
 * UI and the CLI show the title and remedy of `error.failure` next to the error's own English
 * message and remedy (which name the provider, the host, the credential). Generic on purpose: the
 * specifics stay in the message, which is never translated.
 */
export const dnsFailureText: Readonly<Record<DnsFailure, { readonly title: LocalizedText; readonly remedy: LocalizedText }>> = {
  bad_config: {
    title: { en: 'The DNS provider\'s settings are not usable', 'zh-CN': 'DNS 服务商的设置无法使用' },
    remedy: { en: 'Correct the provider\'s settings (server, command, URL) and add it again.', 'zh-CN': '请更正该服务商的设置（服务器、命令、URL）后重新添加。' },
  },
  auth: {
    title: { en: 'The DNS provider rejected the credentials', 'zh-CN': 'DNS 服务商拒绝了凭据' },
    remedy: { en: 'Check the API key or token, that it has not expired or been revoked, and that it has permission to edit DNS records.', 'zh-CN': '请检查 API 密钥或令牌是否正确、是否已过期或被吊销，以及是否具有编辑 DNS 记录的权限。' },
  },
  refused: {
    title: { en: 'The credentials may not change this zone', 'zh-CN': '该凭据无权修改此区域' },
    remedy: { en: 'Grant the key permission to update TXT records in this zone.', 'zh-CN': '请为该密钥授予更新此区域 TXT 记录的权限。' },
  },
  zone_not_found: {
    title: { en: 'No DNS zone holds this name', 'zh-CN': '找不到包含该域名的 DNS 区域' },
    remedy: { en: 'Check the domain name, that its zone is hosted at this provider and that the credentials can see it.', 'zh-CN': '请检查域名是否正确、其区域是否托管在该服务商，以及凭据是否能访问该区域。' },
  },
  network: {
    title: { en: 'The DNS provider could not be reached', 'zh-CN': '无法连接 DNS 服务商' },
    remedy: { en: 'Check this machine\'s network connection, proxy and firewall; CertDesk retries later.', 'zh-CN': '请检查本机的网络连接、代理和防火墙；CertDesk 稍后会重试。' },
  },
  rate_limited: {
    title: { en: 'The DNS provider\'s API limit was reached', 'zh-CN': 'DNS 服务商的 API 调用已达上限' },
    remedy: { en: 'Wait until the time given and try again; avoid running many renewals against one account at once.', 'zh-CN': '请等到提示的时间后重试；避免用同一账号同时进行大量续期。' },
  },
  server_error: {
    title: { en: 'The DNS provider reported an error', 'zh-CN': 'DNS 服务商返回了错误' },
    remedy: { en: 'Try again later; if it persists, check the provider\'s status page or server log.', 'zh-CN': '请稍后重试；如果问题持续，请查看服务商的状态页面或服务器日志。' },
  },
  command_failed: {
    title: { en: 'The DNS script failed', 'zh-CN': 'DNS 脚本执行失败' },
    remedy: { en: 'Run the script by hand with the same arguments to see why it fails.', 'zh-CN': '请用相同参数手动运行该脚本，查看失败原因。' },
  },
  not_visible: {
    title: { en: 'The TXT record did not become visible in time', 'zh-CN': 'TXT 记录未能及时生效' },
    remedy: { en: 'Check that the record was written in the zone its name servers serve; if the provider is just slow, raise the propagation timeout.', 'zh-CN': '请检查记录是否写入了其域名服务器所服务的区域；如果只是服务商生效较慢，请调大传播等待超时。' },
  },
  prompt_unavailable: {
    title: { en: 'Nobody can be asked to create the DNS record', 'zh-CN': '无法请人手动创建 DNS 记录' },
    remedy: { en: 'Run the renewal from an interactive terminal, or use an automatic DNS provider.', 'zh-CN': '请在交互式终端中运行续期，或改用可自动操作的 DNS 服务商。' },
  },
};
