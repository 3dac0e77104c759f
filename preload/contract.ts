/**
 * The one declaration of CertDesk's IPC API: invoke channels with their request and response types,
 * event channels with their payload types, and the DTOs that cross the bridge.
 *
 * Main implements it (`main/electron/ipc.ts`), the preload exposes it (`preload/index.ts`, `satisfies
 * CertDeskApi`) and the renderer consumes its types. It imports nothing, so every side can include it.
 * Channel names are `noun:verb` for invokes; events are `noun:changed` (something changed: read it
 * again, or here is its new value) or `noun:event` (one new entry: an order log line, an alert), as
 * DESIGN.md says.
 */

/** A locale CertDesk has strings for. */
export type Locale = 'en' | 'zh-CN';

/** Every locale CertDesk ships, the first being the fallback. */
export const locales: ReadonlyArray<Locale> = ['en', 'zh-CN'];

/** The language setting: follow the operating system, or a fixed locale. */
export type LanguageSetting = 'system' | Locale;

/** The theme setting: follow the operating system's light/dark mode, or a fixed one. */
export type ThemeSetting = 'system' | 'light' | 'dark';

/** What the app is and where it keeps its data; shown in Settings → About and by `certdesk info`. */
export interface AppInfo {
  readonly name: string;
  readonly version: string;
  /** Node's `process.platform` of the main process (`linux`, `darwin`, `win32`, …). */
  readonly platform: string;
  readonly arch: string;
  /** Absolute path of the data dir (Electron's userData, or `--data-dir` / `CERTDESK_DATA_DIR`). */
  readonly dataDir: string;
  /** Which shell runs the core: the desktop app or the headless CLI. */
  readonly runtime: 'electron' | 'node';
  readonly versions: {
    readonly node: string;
    readonly electron?: string;
    readonly chrome?: string;
  };
}

/** The admin's preferences. Every field has a default; the store never holds a partial object. */
export interface Settings {
  readonly language: LanguageSetting;
  readonly theme: ThemeSetting;
  /** Closing the window keeps CertDesk running in the tray (renewals go on); default `true`. */
  readonly closeToTray: boolean;
  /** Start CertDesk when the user logs in (the OS login item); default `false`. */
  readonly startAtLogin: boolean;
  /** When started at login, stay in the tray without opening the window; default `false`. */
  readonly startHidden: boolean;
  /** Show alerts as OS notifications at all; default `true` (the window and the log always have them). */
  readonly notifications: boolean;
  /** Show only critical alerts as OS notifications; default `false`. */
  readonly quietNotifications: boolean;
}

/** A change to some settings; fields left out keep their value. */
export type SettingsPatch = Partial<Settings>;

/** An error as it crosses the bridge: a stable code, a message and what the admin can do about it. */
export interface ApiError {
  readonly code: string;
  readonly message: string;
  readonly remedy?: string;
}

/** What an invoke resolves to on the wire; the preload unwraps it, so the renderer never sees it. */
export type InvokeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

/**
 * A certificate's state: `none`: never obtained; `valid`; `expired`; `renewing`: an unfinished order
 * is in the journal; `failing`: the last attempt failed and a retry is planned; `stopped`: automatic
 * retries stopped until the admin acts; `revoked`: the live version was revoked; `damaged`: the live
 * version failed its integrity check.
 */
export type CertificateStatus = 'none' | 'valid' | 'expired' | 'renewing' | 'failing' | 'stopped' | 'revoked' | 'damaged';

/** How a certificate proves control of its domains (RFC 8555 §8.3, §8.4). */
export type ChallengeType = 'http-01' | 'dns-01';

/**
 * How the certificate a TLS endpoint serves compares with the one CertDesk holds for that name:
 * `same`, `older` (the server still serves an old one), `newer`, `other` names, or `none` held.
 */
export type DeployedComparison = 'same' | 'older' | 'newer' | 'other' | 'none';

/** Which rule set a certificate's renewal time: the CA's ARI window, 1/3 of the lifetime left, days before expiry, or an emergency. */
export type RenewalBasis = 'ari_window' | 'fraction_remaining' | 'days_before_expiry' | 'emergency';

/** A string in every locale CertDesk ships. */
export type LocalizedText = Readonly<Record<Locale, string>>;

/** One certificate as the dashboard lists it: `cert:list`, `cert:show`. Dates are ISO 8601 UTC. */
export interface CertificateSummaryDto {
  readonly id: string;
  readonly domains: ReadonlyArray<string>;
  /** The CA account; absent for a monitor-only certificate. */
  readonly ca?: string;
  readonly challenge?: ChallengeType;
  /** Set for a monitor-only certificate (never renewed by CertDesk): where it comes from. */
  readonly monitored?: 'tls' | 'import';
  /** For a TLS monitor: the endpoint, and how what it serves compares with what CertDesk holds. */
  readonly endpoint?: { readonly host: string; readonly port: number; readonly deployed: DeployedComparison; readonly heldBy?: string };
  readonly status: CertificateStatus;
  /** Why the certificate is `damaged`. */
  readonly problem?: string;
  readonly notBefore?: string;
  readonly notAfter?: string;
  readonly issuer?: string;
  readonly serial?: string;
  /** The live version's number. */
  readonly version?: number;
  /** The CA's last word, when the last attempt failed. */
  readonly lastProblem?: { readonly type: string; readonly detail?: string | undefined; readonly at: string } | undefined;
  /** The next attempt after a failure (the retry policy's time or the CA's `Retry-After`). */
  readonly nextAttemptAt?: string;
  /** When the live certificate is due for renewal, and the rule that says so. */
  readonly renewAt?: string;
  readonly renewalBasis?: RenewalBasis;
  /** The CA's ARI window, when it gave one (RFC 9773). */
  readonly ariWindow?: { readonly start: string; readonly end: string; readonly explanationUrl?: string };
  /** The streak of failed attempts: how many, since when, the last error explained, and whether retries stopped. */
  readonly attempts?: {
    readonly count: number;
    readonly firstFailureAt: string;
    readonly stopped?: 'needs_admin' | 'attempts_exhausted' | 'gave_up';
    readonly lastError: { readonly at: string; readonly type: string; readonly message: string; readonly explanation: Readonly<Record<string, string>>; readonly remedy: Readonly<Record<string, string>> };
  };
  /** The CA account's rate-limit budget as a new order for this certificate would draw on it (`cert:show` only). */
  readonly budget?: ReadonlyArray<{ readonly limit: string; readonly scope: string; readonly used: number; readonly max: number; readonly left: number; readonly exempt: boolean; readonly allowedAt: string }>;
  /** The last staging rehearsal. */
  readonly rehearsal?: { readonly at: string; readonly ok: boolean; readonly message?: string | undefined };
}

/** The facts of one X.509 certificate (its leaf). */
export interface CertificateMetaDto {
  readonly serial: string;
  readonly subject: string;
  readonly issuer: string;
  /** DNS names from subjectAltName, in the certificate's order. */
  readonly domains: ReadonlyArray<string>;
  readonly notBefore: string;
  readonly notAfter: string;
  /** SHA-256 fingerprint, colon-separated hex. */
  readonly fingerprint: string;
  readonly keyType: string;
}

/** What one export target did: the files written, the deploy hook's output, or why it failed (`cert:export`). */
export interface ExportOutcomeDto {
  readonly dir: string;
  readonly format: 'pem' | 'pfx';
  /** False when writing the files or running the hook failed. */
  readonly ok: boolean;
  readonly files?: ReadonlyArray<string>;
  readonly error?: string;
  readonly hook?: { readonly ok: boolean; readonly output: string };
}

/** The outcome of `cert:renew`. */
export interface RenewResultDto {
  readonly id: string;
  readonly renewed: boolean;
  /** Why nothing was done: `not_due`, `waiting` for the next attempt time, or retries `stopped`. */
  readonly reason?: 'not_due' | 'waiting' | 'stopped';
  readonly nextAttemptAt?: string;
  readonly version?: number;
  /** The live certificate (absent when none was ever obtained). */
  readonly meta?: CertificateMetaDto;
  readonly ordersCreated?: number;
  readonly finalizeCount?: number;
  /** What each saved export target did after the renewal. */
  readonly exports?: ReadonlyArray<ExportOutcomeDto>;
}

/** The closed vocabulary of lifecycle events in a certificate's order log. */
export type OrderEventName =
  | 'cert_obtaining'
  | 'order_created'
  | 'order_resumed'
  | 'order_status'
  | 'acme_request'
  | 'challenge_presented'
  | 'challenge_answered'
  | 'challenge_cleaned'
  | 'authorization_status'
  | 'finalize_sent'
  | 'finalize_failed'
  | 'cert_downloaded'
  | 'cert_obtained'
  | 'cert_exported'
  | 'cert_failed'
  | 'rate_limited'
  | 'retry_scheduled'
  | 'ca_failover'
  | 'export_failed'
  | 'hook_run'
  | 'hook_failed'
  | 'cert_revoked'
  | 'cert_rolled_back';

/** One entry of a certificate's order log (`order:log`, `order:event`); secret-looking fields are redacted. */
export interface OrderLogEntryDto {
  /** ISO 8601 UTC. */
  readonly time: string;
  readonly certId: string;
  readonly event: OrderEventName;
  /** Plain English for people reading the log; the structured facts are in `data`. */
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** What an alert is about. */
export type AlertKind = 'expiring' | 'expired' | 'renewal_failed' | 'retries_stopped' | 'rehearsal_failed' | 'recovered' | 'failover' | 'export_failed';

/** How urgent an alert is: `critical` needs the admin now, `warning` soon, `info` is good news. */
export type AlertSeverity = 'info' | 'warning' | 'critical';

/** An alert about a certificate (`alert:event`), with its texts in every locale. */
export interface AlertDto {
  readonly kind: AlertKind;
  readonly certId: string;
  /** When it was raised, ISO 8601 UTC. */
  readonly at: string;
  readonly severity: AlertSeverity;
  /** One short line, for a notification's title. */
  readonly title: LocalizedText;
  /** What happened, what to do and what CertDesk does next. */
  readonly body: LocalizedText;
  /** Machine-readable details; dates as ISO strings. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Whether background renewal is paused (`renewal:status`, `renewal:pause`, `renewal:resume`, `renewal:changed`). */
export interface RenewalStatusDto {
  readonly paused: boolean;
}

/** A request naming one certificate by its id. */
export interface CertificateRequest {
  readonly id: string;
}

/** The request of `cert:renew`: `force` renews even when the live certificate is not due yet. */
export interface RenewRequest {
  readonly id: string;
  readonly force?: boolean;
}

/** A CA preset the wizard offers (`ca:presets`): a name for `ca:add`'s `directory`, and whether the CA requires EAB. */
export interface CaPresetDto {
  readonly id: string;
  readonly directoryUrl: string;
  /** The CA requires External Account Binding (RFC 8555 §7.3.4): a key id and HMAC key from its dashboard. */
  readonly eab: boolean;
  /** A staging directory for rehearsals, when the CA has a known one. */
  readonly stagingDirectoryUrl?: string;
}

/** A stored CA account (`ca:list`); its key and EAB HMAC key never cross the bridge. */
export interface AccountDto {
  readonly name: string;
  readonly directoryUrl: string;
  readonly email?: string;
  /** The EAB key id, when the account was bound to one. */
  readonly eabKid?: string;
  readonly stagingDirectoryUrl?: string;
  /** Registered at the CA already (an account URL is known). */
  readonly registered: boolean;
  readonly createdAt: string;
}

/** The request of `ca:add`: `directory` is a preset id (`ca:presets`) or the CA's directory URL. */
export interface AddAccountRequest {
  readonly name: string;
  readonly directory: string;
  readonly email?: string;
  /** Must be `true`: the admin agreed to the CA's terms of service. */
  readonly agreeTos: boolean;
  readonly eab?: { readonly kid: string; readonly hmacKey: string };
  readonly stagingDirectory?: string;
  /** Absolute path of a PEM file with extra CAs to trust for this directory (a private ACME CA). */
  readonly caFile?: string;
}

/** One credential field a DNS provider kind declares (`dns:kinds`); the wizard and the CLI render from it. */
export interface CredentialFieldDto {
  /** The key in `dns:add`'s `credentials` (camelCase; the CLI flag is its kebab-case form). */
  readonly key: string;
  readonly label: LocalizedText;
  readonly help: LocalizedText;
  /** Stored encrypted in the secret store, shown as a password field, never sent back. */
  readonly secret: boolean;
  readonly optional: boolean;
  /** The allowed values, for a choice. */
  readonly choices?: ReadonlyArray<string>;
  readonly defaultValue?: string;
  /** An example value, for a placeholder. */
  readonly example?: string;
}

/** A DNS provider kind CertDesk speaks to (`dns:kinds`). */
export interface DnsProviderKindDto {
  /** `cloudflare`, `alidns`, `dnspod`, `huaweicloud`, `route53`, `pdns`, `acme-dns`, `httpreq`, `exec`, `rfc2136`, `manual`. */
  readonly kind: string;
  readonly label: LocalizedText;
  readonly help: LocalizedText;
  readonly fields: ReadonlyArray<CredentialFieldDto>;
  /** The propagation check's defaults for this kind. */
  readonly propagation: { readonly timeoutSeconds: number; readonly intervalSeconds: number };
}

/** How a DNS provider checks that a TXT record is visible before answering the challenge. */
export interface PropagationDto {
  readonly enabled: boolean;
  /** Ask only this server (`host:port`); default the zone's authoritative servers. */
  readonly resolver?: string;
  readonly timeoutSeconds?: number;
  readonly intervalSeconds?: number;
}

/** A stored DNS provider (`dns:list`): its kind, the non-secret settings, and which secrets are set. */
export interface DnsProviderDto {
  readonly name: string;
  readonly provider: string;
  readonly settings: Readonly<Record<string, string>>;
  /** The keys of the secret fields that have a stored value. */
  readonly secrets: ReadonlyArray<string>;
  readonly propagation: PropagationDto;
}

/** What `dns:add` stored, and what the admin must do next, when the kind says (acme-dns: the CNAME to create). */
export interface AddedDnsProviderDto extends DnsProviderDto {
  readonly note?: LocalizedText;
}

/** The request of `dns:add` (also replaces a provider of the same name). */
export interface AddDnsProviderRequest {
  readonly name: string;
  readonly provider: string;
  /** Field key → value, as the kind's {@link CredentialFieldDto}s declare. */
  readonly credentials: Readonly<Record<string, string>>;
  readonly propagation?: PropagationDto;
}

/** What `dns:check` found: the credentials work, and (when the provider can tell) the zones they reach. */
export interface DnsCheckResultDto {
  readonly name: string;
  readonly ok: true;
  readonly zones?: ReadonlyArray<string>;
}

/** How a certificate proves control of its domains, as the wizard sets it. */
export type ChallengeConfigDto =
  | { readonly type: 'dns-01'; readonly mode: 'dns'; readonly provider: string }
  | { readonly type: 'http-01'; readonly mode: 'standalone'; readonly address: string; readonly port: number }
  | { readonly type: 'http-01'; readonly mode: 'webroot'; readonly root: string };

/** The private key types CertDesk generates. */
export type KeyTypeDto = 'ec-p256' | 'ec-p384' | 'rsa-2048' | 'rsa-3072' | 'rsa-4096';

/** An export target: a folder the certificate is written to after every renewal, and its deploy hook. */
export interface ExportTargetDto {
  /** An absolute folder path. */
  readonly dir: string;
  readonly format: 'pem' | 'pfx';
  readonly names?: Readonly<Partial<Record<'cert' | 'chain' | 'fullchain' | 'privkey' | 'combined' | 'pfx', string>>>;
  readonly pfxLegacy?: boolean;
  readonly hook?: { readonly command: string; readonly timeoutMs?: number };
}

/** The request of `export:add`; `pfxPassword` is stored encrypted, never returned. */
export interface AddExportTargetRequest {
  readonly id: string;
  readonly target: ExportTargetDto;
  readonly pfxPassword?: string;
}

/** A standby CA: ordered from while the primary keeps failing. */
export interface StandbyDto {
  readonly ca: string;
  readonly afterFailures?: number;
  readonly daysLeft?: number;
}

/** The request of `cert:add`: a new managed certificate (nothing is ordered yet; `cert:renew` obtains it). */
export interface AddCertificateRequest {
  readonly id: string;
  readonly domains: ReadonlyArray<string>;
  readonly ca: string;
  readonly challenge: ChallengeConfigDto;
  readonly keyType: KeyTypeDto;
  readonly standby?: StandbyDto;
  readonly exports?: ReadonlyArray<{ readonly target: ExportTargetDto; readonly pfxPassword?: string }>;
}

/** The request of `cert:update`: fields left out keep their value; `standby: null` removes it. */
export interface UpdateCertificateRequest {
  readonly id: string;
  readonly domains?: ReadonlyArray<string>;
  readonly ca?: string;
  readonly challenge?: ChallengeConfigDto;
  readonly keyType?: KeyTypeDto;
  readonly standby?: StandbyDto | null;
}

/** The request of `cert:remove`: the definition always goes; the files only with `deleteFiles`. */
export interface RemoveCertificateRequest {
  readonly id: string;
  readonly deleteFiles?: boolean;
}

/** A managed certificate's stored definition, for the detail page and the edit form. */
export interface CertificateConfigDto {
  readonly domains: ReadonlyArray<string>;
  readonly ca: string;
  readonly challenge: ChallengeConfigDto;
  readonly keyType: KeyTypeDto;
  readonly standby?: StandbyDto;
  readonly createdAt: string;
}

/** One certificate of a chain, leaf first. */
export interface ChainCertificateDto {
  readonly subject: string;
  readonly issuer: string;
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly sha256: string;
}

/** What the live version is: SANs, serial, fingerprints, key and the issuer chain. */
export interface CertificateIdentityDto {
  readonly domains: ReadonlyArray<string>;
  readonly serial: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** Colon-separated hex. */
  readonly sha256: string;
  readonly sha1: string;
  /** `EC P-256`, `RSA 2048`, … */
  readonly keyType: string;
  /** Leaf first, then the intermediates the CA sent. */
  readonly chain: ReadonlyArray<ChainCertificateDto>;
}

/** One stored version of a certificate (`cert:detail`). */
export interface VersionDto {
  readonly version: number;
  readonly storedAt: string;
  readonly live: boolean;
  readonly source: string;
  readonly issuedBy?: string;
  readonly serial?: string;
  readonly notBefore?: string;
  readonly notAfter?: string;
  readonly revoked?: { readonly at: string; readonly reason: string };
}

/** An export target with what it did last time. */
export interface ExportTargetStatusDto {
  readonly target: ExportTargetDto;
  readonly last?: ExportOutcomeDto & { readonly at: string };
}

/** Everything the detail page shows about one certificate (`cert:detail`). */
export interface CertificateDetailDto {
  readonly summary: CertificateSummaryDto;
  /** The stored definition; absent for a monitor-only certificate. */
  readonly config?: CertificateConfigDto;
  /** The live version's identity; absent when none was obtained or it cannot be read. */
  readonly identity?: CertificateIdentityDto;
  readonly versions: ReadonlyArray<VersionDto>;
  readonly exports: ReadonlyArray<ExportTargetStatusDto>;
}

/** The outcome of a staging rehearsal (`cert:rehearse`): a certificate from the staging CA, discarded. */
export interface RehearsalResultDto {
  readonly id: string;
  readonly directoryUrl: string;
  readonly ordersCreated: number;
  readonly meta: CertificateMetaDto;
}

/** The outcome of `cert:revoke`. */
export interface RevokeResultDto {
  readonly version: number;
  readonly serial: string;
  readonly reason: string;
  /** The revoked version was the live one: a renewal followed. */
  readonly live: boolean;
  readonly renewal?: RenewResultDto;
  readonly renewalError?: ApiError;
}

/** Why a certificate is revoked (RFC 5280 §5.3.1 reasons RFC 8555 §7.6 allows). */
export type RevocationReasonDto = 'unspecified' | 'keyCompromise' | 'superseded' | 'cessationOfOperation' | 'affiliationChanged';

/** The request of `monitor:add`: watch what a TLS endpoint serves. */
export interface AddMonitorRequest {
  readonly id: string;
  readonly host: string;
  readonly port?: number;
  readonly servername?: string;
}

/** One renewal policy setting (`policy:get`): its key (`retry.maxAttempts`, …), value as text, and whether it is the default. */
export interface PolicyEntryDto {
  readonly key: string;
  readonly value: string;
  readonly isDefault: boolean;
}

/** The request of `policy:update`: set `value` (text, durations like `6h`), or `null` to go back to the default; `ca` for one account's override. */
export interface PolicyUpdateRequest {
  readonly key: string;
  readonly value: string | null;
  readonly ca?: string;
}

/** Invoke channels: renderer → main, one request, one response. */
export interface InvokeChannels {
  'app:info': { readonly request: undefined; readonly response: AppInfo };
  'settings:get': { readonly request: undefined; readonly response: Settings };
  'settings:update': { readonly request: SettingsPatch; readonly response: Settings };
  /** Every certificate, managed ones first, then monitor-only ones. */
  'cert:list': { readonly request: undefined; readonly response: ReadonlyArray<CertificateSummaryDto> };
  /** One certificate, with its rate-limit budget. */
  'cert:show': { readonly request: CertificateRequest; readonly response: CertificateSummaryDto };
  /** Obtains or renews now (when due, or always with `force`); rejects when no valid certificate results. */
  'cert:renew': { readonly request: RenewRequest; readonly response: RenewResultDto };
  /** Writes the live version to every saved export target and runs their deploy hooks. */
  'cert:export': { readonly request: CertificateRequest; readonly response: ReadonlyArray<ExportOutcomeDto> };
  /** The certificate's order log, oldest first. */
  'order:log': { readonly request: CertificateRequest; readonly response: ReadonlyArray<OrderLogEntryDto> };
  'renewal:status': { readonly request: undefined; readonly response: RenewalStatusDto };
  /** Stops starting scheduled renewals (the admin's own renewals still run); not kept across restarts. */
  'renewal:pause': { readonly request: undefined; readonly response: RenewalStatusDto };
  'renewal:resume': { readonly request: undefined; readonly response: RenewalStatusDto };
  /** The CA presets the wizard offers. */
  'ca:presets': { readonly request: undefined; readonly response: ReadonlyArray<CaPresetDto> };
  'ca:list': { readonly request: undefined; readonly response: ReadonlyArray<AccountDto> };
  /** Stores a CA account (registered at the CA on first use). */
  'ca:add': { readonly request: AddAccountRequest; readonly response: AccountDto };
  /** Removes a CA account no certificate uses. */
  'ca:remove': { readonly request: { readonly name: string }; readonly response: undefined };
  /** Every DNS provider kind with its credential fields. */
  'dns:kinds': { readonly request: undefined; readonly response: ReadonlyArray<DnsProviderKindDto> };
  'dns:list': { readonly request: undefined; readonly response: ReadonlyArray<DnsProviderDto> };
  'dns:add': { readonly request: AddDnsProviderRequest; readonly response: AddedDnsProviderDto };
  /** Validates a provider's credentials without changing any record. */
  'dns:check': { readonly request: { readonly name: string }; readonly response: DnsCheckResultDto };
  /** Removes a DNS provider no certificate uses, with its secrets. */
  'dns:remove': { readonly request: { readonly name: string }; readonly response: undefined };
  /** Stores a new managed certificate (and its export targets); `cert:renew` then obtains it. */
  'cert:add': { readonly request: AddCertificateRequest; readonly response: CertificateSummaryDto };
  'cert:update': { readonly request: UpdateCertificateRequest; readonly response: CertificateSummaryDto };
  /** Removes a certificate (managed or monitor-only); its files stay unless `deleteFiles`. */
  'cert:remove': { readonly request: RemoveCertificateRequest; readonly response: undefined };
  /** Identity, chain, versions and export targets of one certificate. */
  'cert:detail': { readonly request: CertificateRequest; readonly response: CertificateDetailDto };
  /** A dry run: obtains a certificate from the CA's staging directory and discards it. */
  'cert:rehearse': { readonly request: CertificateRequest; readonly response: RehearsalResultDto };
  /** Makes an earlier version live again (and exports it). */
  'cert:rollback': { readonly request: { readonly id: string; readonly version: number }; readonly response: VersionDto };
  'cert:revoke': { readonly request: { readonly id: string; readonly reason?: RevocationReasonDto }; readonly response: RevokeResultDto };
  'export:add': { readonly request: AddExportTargetRequest; readonly response: ExportTargetDto };
  'export:remove': { readonly request: { readonly id: string; readonly dir: string }; readonly response: undefined };
  /** Starts monitoring what a TLS endpoint serves. */
  'monitor:add': { readonly request: AddMonitorRequest; readonly response: CertificateSummaryDto };
  /** Reads the endpoint again now. */
  'monitor:check': { readonly request: CertificateRequest; readonly response: CertificateSummaryDto };
  /** The renewal policy: global values, or one CA account's with `ca`. */
  'policy:get': { readonly request: { readonly ca?: string } | undefined; readonly response: ReadonlyArray<PolicyEntryDto> };
  'policy:update': { readonly request: PolicyUpdateRequest; readonly response: ReadonlyArray<PolicyEntryDto> };
}

/** Event channels: main → renderer pushes. */
export interface EventChannels {
  /** The settings changed, from this window, the tray, or the CLI writing the same data dir. */
  'settings:changed': Settings;
  /** Something happened to a certificate (an order log entry was written): read it again. */
  'cert:changed': { readonly id: string };
  /** One new order log entry, as it is written. */
  'order:event': OrderLogEntryDto;
  /** An alert was raised (also shown as an OS notification by main). */
  'alert:event': AlertDto;
  /** Background renewal was paused or resumed (from the window, the tray or the dashboard). */
  'renewal:changed': RenewalStatusDto;
}

/** The name of an invoke channel. */
export type InvokeChannel = keyof InvokeChannels;

/** The name of an event channel. */
export type EventChannel = keyof EventChannels;

/** Every invoke channel, for the coverage test and the sender-checked handler table. */
export const invokeChannels = [
  'app:info',
  'settings:get',
  'settings:update',
  'cert:list',
  'cert:show',
  'cert:renew',
  'cert:export',
  'order:log',
  'renewal:status',
  'renewal:pause',
  'renewal:resume',
  'ca:presets',
  'ca:list',
  'ca:add',
  'ca:remove',
  'dns:kinds',
  'dns:list',
  'dns:add',
  'dns:check',
  'dns:remove',
  'cert:add',
  'cert:update',
  'cert:remove',
  'cert:detail',
  'cert:rehearse',
  'cert:rollback',
  'cert:revoke',
  'export:add',
  'export:remove',
  'monitor:add',
  'monitor:check',
  'policy:get',
  'policy:update',
] as const satisfies ReadonlyArray<InvokeChannel>;

/** Every event channel. */
export const eventChannels = [
  'settings:changed',
  'cert:changed',
  'order:event',
  'alert:event',
  'renewal:changed',
] as const satisfies ReadonlyArray<EventChannel>;

/** Stops a subscription. */
export type Unsubscribe = () => void;

/**
 * `window.certdesk`: one method per channel. Invokes return promises that reject with an
 * {@link ApiError} — a plain object, not an `Error`, because Electron's context bridge drops every
 * field of an `Error` but its message. Subscriptions return their {@link Unsubscribe}.
 */
export interface CertDeskApi {
  /** `app:info` */
  getAppInfo(): Promise<AppInfo>;
  /** `settings:get` */
  getSettings(): Promise<Settings>;
  /** `settings:update`: validated in main; unknown keys or values are rejected. */
  updateSettings(patch: SettingsPatch): Promise<Settings>;
  /** `settings:changed` */
  onSettingsChanged(listener: (settings: Settings) => void): Unsubscribe;
  /** `cert:list` */
  listCertificates(): Promise<ReadonlyArray<CertificateSummaryDto>>;
  /** `cert:show` */
  showCertificate(id: string): Promise<CertificateSummaryDto>;
  /** `cert:renew`: `force` renews even when the certificate is not due yet. */
  renewCertificate(id: string, options?: { readonly force?: boolean }): Promise<RenewResultDto>;
  /** `cert:export`: to every saved export target, running their deploy hooks. */
  exportCertificate(id: string): Promise<ReadonlyArray<ExportOutcomeDto>>;
  /** `order:log` */
  readOrderLog(id: string): Promise<ReadonlyArray<OrderLogEntryDto>>;
  /** `renewal:status` */
  getRenewalStatus(): Promise<RenewalStatusDto>;
  /** `renewal:pause` */
  pauseRenewal(): Promise<RenewalStatusDto>;
  /** `renewal:resume` */
  resumeRenewal(): Promise<RenewalStatusDto>;
  /** `ca:presets` */
  listCaPresets(): Promise<ReadonlyArray<CaPresetDto>>;
  /** `ca:list` */
  listAccounts(): Promise<ReadonlyArray<AccountDto>>;
  /** `ca:add` */
  addAccount(request: AddAccountRequest): Promise<AccountDto>;
  /** `ca:remove` */
  removeAccount(name: string): Promise<void>;
  /** `dns:kinds` */
  listDnsProviderKinds(): Promise<ReadonlyArray<DnsProviderKindDto>>;
  /** `dns:list` */
  listDnsProviders(): Promise<ReadonlyArray<DnsProviderDto>>;
  /** `dns:add` */
  addDnsProvider(request: AddDnsProviderRequest): Promise<AddedDnsProviderDto>;
  /** `dns:check` */
  checkDnsProvider(name: string): Promise<DnsCheckResultDto>;
  /** `dns:remove` */
  removeDnsProvider(name: string): Promise<void>;
  /** `cert:add` */
  addCertificate(request: AddCertificateRequest): Promise<CertificateSummaryDto>;
  /** `cert:update` */
  updateCertificate(request: UpdateCertificateRequest): Promise<CertificateSummaryDto>;
  /** `cert:remove` */
  removeCertificate(request: RemoveCertificateRequest): Promise<void>;
  /** `cert:detail` */
  getCertificateDetail(id: string): Promise<CertificateDetailDto>;
  /** `cert:rehearse` */
  rehearseCertificate(id: string): Promise<RehearsalResultDto>;
  /** `cert:rollback` */
  rollbackCertificate(id: string, version: number): Promise<VersionDto>;
  /** `cert:revoke` */
  revokeCertificate(id: string, reason?: RevocationReasonDto): Promise<RevokeResultDto>;
  /** `export:add` */
  addExportTarget(request: AddExportTargetRequest): Promise<ExportTargetDto>;
  /** `export:remove` */
  removeExportTarget(id: string, dir: string): Promise<void>;
  /** `monitor:add` */
  addMonitor(request: AddMonitorRequest): Promise<CertificateSummaryDto>;
  /** `monitor:check` */
  checkMonitor(id: string): Promise<CertificateSummaryDto>;
  /** `policy:get` */
  getPolicy(ca?: string): Promise<ReadonlyArray<PolicyEntryDto>>;
  /** `policy:update` */
  updatePolicy(request: PolicyUpdateRequest): Promise<ReadonlyArray<PolicyEntryDto>>;
  /** `cert:changed` */
  onCertificateChanged(listener: (change: { readonly id: string }) => void): Unsubscribe;
  /** `order:event` */
  onOrderEvent(listener: (entry: OrderLogEntryDto) => void): Unsubscribe;
  /** `alert:event` */
  onAlert(listener: (alert: AlertDto) => void): Unsubscribe;
  /** `renewal:changed` */
  onRenewalState(listener: (status: RenewalStatusDto) => void): Unsubscribe;
}
