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
  /** `cert:changed` */
  onCertificateChanged(listener: (change: { readonly id: string }) => void): Unsubscribe;
  /** `order:event` */
  onOrderEvent(listener: (entry: OrderLogEntryDto) => void): Unsubscribe;
  /** `alert:event` */
  onAlert(listener: (alert: AlertDto) => void): Unsubscribe;
  /** `renewal:changed` */
  onRenewalState(listener: (status: RenewalStatusDto) => void): Unsubscribe;
}
