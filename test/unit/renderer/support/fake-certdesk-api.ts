import type {
  AccountDto,
  AddAccountRequest,
  AddCertificateRequest,
  AddDnsProviderRequest,
  AlertDto,
  ApiError,
  AppInfo,
  CaPresetDto,
  CertDeskApi,
  CertificateConfigDto,
  CertificateDetailDto,
  CertificateIdentityDto,
  CertificateMetaDto,
  CertificateSummaryDto,
  ChallengeConfigDto,
  DnsProviderDto,
  DnsProviderKindDto,
  ExportOutcomeDto,
  ExportTargetDto,
  ExportTargetStatusDto,
  KeyTypeDto,
  LanguageSetting,
  LocalizedText,
  OrderLogEntryDto,
  PolicyEntryDto,
  RenewalStatusDto,
  RenewResultDto,
  Settings,
  SettingsPatch,
  ThemeSetting,
  Unsubscribe,
  VersionDto,
} from '../../../../preload/contract.ts';

/** App info as the Electron shell reports it, unless a test overrides fields. */
export const defaultAppInfo: AppInfo = {
  name: 'CertDesk',
  version: '0.1.0',
  platform: 'linux',
  arch: 'x64',
  dataDir: '/home/admin/.config/CertDesk',
  runtime: 'electron',
  versions: { node: '22.20.0', electron: '45.5.0', chrome: '142.0.7444.52' },
};

/** Main's defaults. */
export const defaultSettings: Settings = {
  language: 'system',
  theme: 'system',
  closeToTray: true,
  startAtLogin: false,
  startHidden: false,
  notifications: true,
  quietNotifications: false,
};

/** The CA presets main offers (`main/core/acme/presets.ts`), as `ca:presets` returns them. */
export const fakeCaPresets: ReadonlyArray<CaPresetDto> = [
  {
    id: 'letsencrypt',
    directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory',
    eab: false,
    stagingDirectoryUrl: 'https://acme-staging-v02.api.letsencrypt.org/directory',
  },
  { id: 'letsencrypt-staging', directoryUrl: 'https://acme-staging-v02.api.letsencrypt.org/directory', eab: false },
  { id: 'zerossl', directoryUrl: 'https://acme.zerossl.com/v2/DV90', eab: true },
  {
    id: 'google',
    directoryUrl: 'https://dv.acme-v02.api.pki.goog/directory',
    eab: true,
    stagingDirectoryUrl: 'https://dv.acme-v02.test-api.pki.goog/directory',
  },
  { id: 'google-staging', directoryUrl: 'https://dv.acme-v02.test-api.pki.goog/directory', eab: true },
];

/** DNS provider kinds as `dns:kinds` returns them: an API-token provider, RFC 2136 with a choice, and manual. */
export const fakeDnsProviderKinds: ReadonlyArray<DnsProviderKindDto> = [
  {
    kind: 'cloudflare',
    label: { en: 'Cloudflare', 'zh-CN': 'Cloudflare' },
    help: {
      en: 'Cloudflare DNS through its API. Create an API token with Zone:DNS:Edit for the zones.',
      'zh-CN': '通过 Cloudflare API 管理 DNS。请创建具有 Zone:DNS:Edit 权限的 API 令牌。',
    },
    fields: [
      {
        key: 'apiToken',
        label: { en: 'API token', 'zh-CN': 'API 令牌' },
        help: { en: 'My Profile → API Tokens → Create Token (Edit zone DNS).', 'zh-CN': '我的个人资料 → API 令牌 → 创建令牌（编辑区域 DNS）。' },
        secret: true,
        optional: false,
      },
      {
        key: 'zoneId',
        label: { en: 'Zone ID', 'zh-CN': '区域 ID' },
        help: { en: 'Optional: the zone to use; found from the domain when empty.', 'zh-CN': '可选：要使用的区域；留空时根据域名查找。' },
        secret: false,
        optional: true,
        example: '023e105f4ecef8ad9ca31a8372d0c353',
      },
    ],
    propagation: { timeoutSeconds: 120, intervalSeconds: 5 },
  },
  {
    kind: 'rfc2136',
    label: { en: 'RFC 2136 (BIND, Knot, PowerDNS…)', 'zh-CN': 'RFC 2136（BIND、Knot、PowerDNS 等）' },
    help: {
      en: 'Dynamic DNS updates signed with a TSIG key, as nsupdate sends them.',
      'zh-CN': '使用 TSIG 密钥签名的动态 DNS 更新，与 nsupdate 相同。',
    },
    fields: [
      {
        key: 'server',
        label: { en: 'Primary server', 'zh-CN': '主服务器' },
        help: { en: 'host:port of the zone’s primary server.', 'zh-CN': '区域主服务器的 host:port。' },
        secret: false,
        optional: false,
        example: '192.0.2.53:53',
      },
      {
        key: 'keyName',
        label: { en: 'TSIG key name', 'zh-CN': 'TSIG 密钥名称' },
        help: { en: 'The key’s name as the server knows it.', 'zh-CN': '服务器上配置的密钥名称。' },
        secret: false,
        optional: false,
        example: 'certdesk-key',
      },
      {
        key: 'keySecret',
        label: { en: 'TSIG secret', 'zh-CN': 'TSIG 密钥' },
        help: { en: 'The base64 secret of the key.', 'zh-CN': '密钥的 base64 内容。' },
        secret: true,
        optional: false,
      },
      {
        key: 'algorithm',
        label: { en: 'Algorithm', 'zh-CN': '算法' },
        help: { en: 'The key’s HMAC algorithm.', 'zh-CN': '密钥的 HMAC 算法。' },
        secret: false,
        optional: true,
        choices: ['hmac-sha256', 'hmac-sha384', 'hmac-sha512', 'hmac-sha1'],
        defaultValue: 'hmac-sha256',
      },
      {
        key: 'zone',
        label: { en: 'Zone', 'zh-CN': '区域' },
        help: { en: 'Optional: asked from the server when empty.', 'zh-CN': '可选：留空时向服务器查询。' },
        secret: false,
        optional: true,
        example: 'example.com',
      },
    ],
    propagation: { timeoutSeconds: 60, intervalSeconds: 2 },
  },
  {
    kind: 'manual',
    label: { en: 'Manual', 'zh-CN': '手动' },
    help: {
      en: 'CertDesk shows the TXT record and waits until you have created it. Not for automatic renewal.',
      'zh-CN': 'CertDesk 显示 TXT 记录并等待您手动创建。不适用于自动续期。',
    },
    fields: [],
    propagation: { timeoutSeconds: 600, intervalSeconds: 10 },
  },
];

/** The renewal policy's defaults, as `policy:get` shows them (`main/core/renewal/policy.ts`). */
export const defaultPolicyEntries: ReadonlyArray<PolicyEntryDto> = [
  { key: 'renewal.remainingFraction', value: '0.3333333333333333', isDefault: true },
  { key: 'renewal.daysBeforeExpiry', value: '(none)', isDefault: true },
  { key: 'renewal.emergencyFraction', value: '0.05', isDefault: true },
  { key: 'retry.firstDelay', value: '1m', isDefault: true },
  { key: 'retry.factor', value: '2', isDefault: true },
  { key: 'retry.maxDelay', value: '6h', isDefault: true },
  { key: 'retry.jitter', value: '0.2', isDefault: true },
  { key: 'retry.maxAttempts', value: '(none)', isDefault: true },
  { key: 'retry.giveUpAfter', value: '30d', isDefault: true },
  { key: 'scheduler.checkInterval', value: '1h', isDefault: true },
  { key: 'scheduler.concurrency', value: '2', isDefault: true },
  { key: 'vault.keepVersions', value: '5', isDefault: true },
  { key: 'alerts.thresholds', value: '30,14,7,3,1', isDefault: true },
  { key: 'alerts.webhook', value: '(none)', isDefault: true },
  { key: 'alerts.webhookTimeout', value: '10s', isDefault: true },
];

/** The per-account rate-limit entries `policy:get` adds for a CA account (none set: the CA's own). */
const accountRateLimitEntries: ReadonlyArray<PolicyEntryDto> = [
  { key: 'rateLimits.preset', value: '(by CA directory)', isDefault: true },
  { key: 'rateLimits.newOrders', value: 'off', isDefault: true },
  { key: 'rateLimits.failedValidations', value: 'off', isDefault: true },
  { key: 'rateLimits.duplicateCertificates', value: 'off', isDefault: true },
  { key: 'rateLimits.certificatesPerDomain', value: 'off', isDefault: true },
];

const languageSettings: ReadonlyArray<LanguageSetting> = ['system', 'en', 'zh-CN'];
const themeSettings: ReadonlyArray<ThemeSetting> = ['system', 'light', 'dark'];
const switches: ReadonlyArray<unknown> = [true, false];
const switchKeys: ReadonlyArray<string> = ['closeToTray', 'startAtLogin', 'startHidden', 'notifications', 'quietNotifications'];
const namePattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const domainPattern = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const dayMs = 24 * 60 * 60 * 1000;
/** A 90-day certificate, as Let's Encrypt issues them. */
const lifetimeMs = 90 * dayMs;
const keyTypeNames: Readonly<Record<KeyTypeDto, string>> = {
  'ec-p256': 'EC P-256',
  'ec-p384': 'EC P-384',
  'rsa-2048': 'RSA 2048',
  'rsa-3072': 'RSA 3072',
  'rsa-4096': 'RSA 4096',
};

/**
 * A certificate as the fake main holds it. Only `summary` is required: the rest is made up from it
 * (versions 1…`summary.version`, an identity for the live one, a definition for a managed one).
 */
export interface FakeCertificate {
  readonly summary: CertificateSummaryDto;
  readonly config?: CertificateConfigDto;
  readonly identity?: CertificateIdentityDto;
  readonly versions?: ReadonlyArray<VersionDto>;
  readonly exports?: ReadonlyArray<ExportTargetStatusDto>;
  readonly log?: ReadonlyArray<OrderLogEntryDto>;
}

/** What {@link FakeBridge.setCertificates} and the options take: a bare summary or a fuller {@link FakeCertificate}. */
export type FakeCertificateInput = CertificateSummaryDto | FakeCertificate;

/** A method of the API that returns a promise (not a subscription). */
export type FakeInvokeMethod = {
  [M in keyof CertDeskApi]: ReturnType<CertDeskApi[M]> extends Promise<unknown> ? M : never;
}[keyof CertDeskApi];

/** How a {@link FakeBridge} starts. */
export interface FakeBridgeOptions {
  readonly appInfo?: Partial<AppInfo>;
  readonly settings?: Partial<Settings>;
  /** Push `settings:changed` after each successful update, as main does. Default `true`. */
  readonly pushOnUpdate?: boolean;
  /** Certificates in the data dir; default none. */
  readonly certificates?: ReadonlyArray<FakeCertificateInput>;
  /** CA accounts; default none. */
  readonly accounts?: ReadonlyArray<AccountDto>;
  /** DNS providers; default none. */
  readonly dnsProviders?: ReadonlyArray<DnsProviderDto>;
  /** The note `addDnsProvider` answers with (main's is the kind's, e.g. acme-dns's CNAME to create). */
  readonly dnsAddNote?: LocalizedText;
  /** The fake main's clock, for the times it stamps; default `() => new Date()`. */
  readonly clock?: () => Date;
}

/** One call the renderer made, for tests that assert what was sent. */
export interface FakeCall {
  readonly method: FakeInvokeMethod;
  readonly args: ReadonlyArray<unknown>;
}

/** An in-memory main process behind a typed {@link CertDeskApi}, with the controls tests need. */
export interface FakeBridge {
  /** What the renderer gets as `window.certdesk`. */
  readonly api: CertDeskApi;
  /** The settings "main" holds now. */
  readonly settings: Settings;
  /** Every patch `updateSettings` received, in order, including rejected ones. */
  readonly updates: ReadonlyArray<SettingsPatch>;
  /** Every invoke the renderer made (settings updates included), in order, including rejected ones. */
  readonly calls: ReadonlyArray<FakeCall>;
  /** How many `settings:changed` listeners are subscribed. */
  readonly listenerCount: number;
  /** The certificates "main" holds now, summaries in list order. */
  readonly certificates: ReadonlyArray<CertificateSummaryDto>;
  /** The CA accounts "main" holds now. */
  readonly accounts: ReadonlyArray<AccountDto>;
  /** The DNS providers "main" holds now. */
  readonly dnsProviders: ReadonlyArray<DnsProviderDto>;
  /** Changes the settings behind the renderer's back (the CLI, the tray) and pushes them. */
  push(patch: SettingsPatch): void;
  /** Makes the next `updateSettings` reject with `message`, changing nothing. */
  rejectNextUpdate(message: string): void;
  /** Makes the next call of `method` reject with `error`, changing nothing. */
  rejectNext(method: FakeInvokeMethod, error: ApiError): void;
  /** Makes `getAppInfo` reject with `message` until called with `null`. */
  failAppInfo(message: string | null): void;
  /** Replaces every certificate behind the renderer's back (pushes nothing: follow with {@link emitCertChanged}). */
  setCertificates(certificates: ReadonlyArray<FakeCertificateInput>): void;
  /** Appends `entry` to its certificate's order log (when it exists) and pushes `order:event`, then `cert:changed`, as main does. */
  emitOrderEvent(entry: OrderLogEntryDto): void;
  /** Pushes `cert:changed` for `id`. */
  emitCertChanged(id: string): void;
  /** Pushes `alert:event`. */
  emitAlert(alert: AlertDto): void;
  /**
   * From now on, answers are worked out when a call arrives (as main would) but delivered only when
   * the returned function is called, so a test can look at the UI while requests are in flight.
   */
  hold(): () => void;
}

/** A failure with a code, as main's `CertDeskError` crosses the bridge. */
class FakeApiError extends Error {
  readonly apiError: ApiError;

  constructor(apiError: ApiError) {
    super(apiError.message);
    this.apiError = apiError;
  }
}

function fail(code: string, message: string, remedy?: string): never {
  throw new FakeApiError(remedy === undefined ? { code, message } : { code, message, remedy });
}

/** The mutable record behind one certificate. */
interface CertificateRecord {
  summary: CertificateSummaryDto;
  config: CertificateConfigDto | undefined;
  identity: CertificateIdentityDto | undefined;
  versions: VersionDto[];
  exports: ExportTargetStatusDto[];
  log: OrderLogEntryDto[];
}

/** Deterministic hex bytes from a seed, colon-separated: believable fingerprints and serials. */
function fakeHex(seed: string, bytes: number, separator = ':'): string {
  let state = 2166136261;
  for (const char of seed) state = Math.imul(state ^ char.charCodeAt(0), 16777619) >>> 0;
  const out: string[] = [];
  for (let i = 0; i < bytes; i += 1) {
    state = Math.imul(state ^ (i + 0x9e), 16777619) >>> 0;
    out.push((state >>> 24).toString(16).padStart(2, '0').toUpperCase());
  }
  return out.join(separator);
}

function identityFor(id: string, version: number, domains: ReadonlyArray<string>, notBefore: string, notAfter: string, keyType: string): CertificateIdentityDto {
  const serial = fakeHex(`${id}/${String(version)}/serial`, 18, '');
  const leafSubject = `CN=${domains[0] ?? id}`;
  const issuer = 'C=US, O=Let\'s Encrypt, CN=E6';
  return {
    domains,
    serial,
    subject: leafSubject,
    issuer,
    notBefore,
    notAfter,
    sha256: fakeHex(`${id}/${String(version)}/sha256`, 32),
    sha1: fakeHex(`${id}/${String(version)}/sha1`, 20),
    keyType,
    chain: [
      { subject: leafSubject, issuer, serial, notBefore, notAfter, sha256: fakeHex(`${id}/${String(version)}/sha256`, 32) },
      {
        subject: issuer,
        issuer: 'C=US, O=Internet Security Research Group, CN=ISRG Root X1',
        serial: 'B0573E9173972770DBB487CB3A452B38',
        notBefore: '2024-03-13T00:00:00.000Z',
        notAfter: '2027-03-12T23:59:59.000Z',
        sha256: fakeHex('E6/sha256', 32),
      },
    ],
  };
}

/** Turns a test's input into the record the fake works on, making up what it leaves out. */
function toRecord(input: FakeCertificateInput, providers: ReadonlyArray<DnsProviderDto>): CertificateRecord {
  const given: FakeCertificate = 'summary' in input ? input : { summary: input };
  const { summary } = given;
  const config: CertificateConfigDto | undefined =
    given.config ??
    (summary.monitored !== undefined || summary.ca === undefined
      ? undefined
      : {
          domains: summary.domains,
          ca: summary.ca,
          challenge:
            summary.challenge === 'http-01'
              ? { type: 'http-01', mode: 'webroot', root: '/var/www/html' }
              : { type: 'dns-01', mode: 'dns', provider: providers[0]?.name ?? 'cloudflare' },
          keyType: 'ec-p256',
          createdAt: summary.notBefore ?? '2025-01-01T00:00:00.000Z',
        });
  const live = summary.version;
  const versions: VersionDto[] = [...(given.versions ?? [])];
  if (given.versions === undefined && live !== undefined && summary.notAfter !== undefined) {
    const liveNotAfter = Date.parse(summary.notAfter);
    for (let version = 1; version <= live; version += 1) {
      // Earlier versions were each renewed 60 days into their lifetime.
      const notAfter = new Date(liveNotAfter - (live - version) * 60 * dayMs).toISOString();
      const notBefore = new Date(Date.parse(notAfter) - lifetimeMs).toISOString();
      versions.push({
        version,
        storedAt: notBefore,
        live: version === live,
        source: summary.monitored === 'import' ? 'import' : 'acme',
        ...(summary.issuer === undefined ? {} : { issuedBy: summary.issuer }),
        serial: version === live && summary.serial !== undefined ? summary.serial : fakeHex(`${summary.id}/${String(version)}/serial`, 18, ''),
        notBefore: version === live && summary.notBefore !== undefined ? summary.notBefore : notBefore,
        notAfter,
      });
    }
  }
  const liveVersion = versions.find((version) => version.live);
  const identity =
    given.identity ??
    (liveVersion?.notBefore === undefined || liveVersion.notAfter === undefined
      ? undefined
      : {
          ...identityFor(summary.id, liveVersion.version, summary.domains, liveVersion.notBefore, liveVersion.notAfter, keyTypeNames[config?.keyType ?? 'ec-p256']),
          ...(liveVersion.serial === undefined ? {} : { serial: liveVersion.serial }),
          ...(summary.issuer === undefined ? {} : { issuer: summary.issuer }),
        });
  return { summary, config, identity, versions, exports: [...(given.exports ?? [])], log: [...(given.log ?? [])] };
}

/** A copy of `value` without `keys` (a success clears the failure fields; `standby: null` drops the standby). */
function without<T extends object, K extends keyof T>(value: T, keys: ReadonlyArray<K>): Omit<T, K> {
  const copy: Partial<T> = { ...value };
  for (const key of keys) Reflect.deleteProperty(copy, key);
  return copy as Omit<T, K>;
}

function validateName(kind: string, value: string): void {
  if (!namePattern.test(value) || value.includes('..')) {
    fail('invalid_input', `Unable to use ${JSON.stringify(value)} as a ${kind}, it may contain only a-z, 0-9, '.', '_' and '-'`, `Choose a ${kind} of 1-64 characters that starts with a letter or digit, e.g. "example-com".`);
  }
}

function normalizeDomains(domains: ReadonlyArray<string>): string[] {
  if (domains.length === 0) fail('invalid_input', 'Unable to add the certificate, it has no domains', 'Give at least one domain, e.g. example.com.');
  const out: string[] = [];
  for (const input of domains) {
    const domain = input.trim().toLowerCase().replace(/\.$/, '');
    if (!domainPattern.test(domain)) {
      fail('invalid_input', `Unable to use the domain ${JSON.stringify(input)}, it is not a valid domain name`, 'Give a fully qualified domain name such as example.com, www.example.com or *.example.com.');
    }
    if (!out.includes(domain)) out.push(domain);
  }
  return out;
}

function validateTarget(target: ExportTargetDto): void {
  if (!target.dir.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(target.dir)) {
    fail('invalid_input', `Unable to use ${JSON.stringify(target.dir)} as an export folder, it is not an absolute path`, 'Give the full path of the folder, e.g. /etc/nginx/certs.');
  }
}

/**
 * Creates a {@link FakeBridge}: an in-memory main with believable behaviour for every channel.
 *
 * Like main, it validates input: unknown settings, bad names, domains or URLs, a name in use, or an
 * account or provider still in use reject with an `ApiError` "Unable to …, …" of code
 * `invalid_input`; a missing certificate, account or provider rejects with `not_found`. It replies
 * asynchronously and pushes events before the reply — `settings:changed` after a settings change,
 * `order:event` then `cert:changed` for each order log entry a renewal, export, rollback or
 * revocation writes, `renewal:changed` on pause and resume — as Electron delivers pushes and replies
 * over one ordered pipe. Nothing is pushed for adds, edits and removals (main pushes none either).
 */
export function createFakeBridge(options: FakeBridgeOptions = {}): FakeBridge {
  const appInfo: AppInfo = { ...defaultAppInfo, ...options.appInfo };
  const pushOnUpdate = options.pushOnUpdate ?? true;
  const clock = options.clock ?? (() => new Date());
  let settings: Settings = { ...defaultSettings, ...options.settings };
  const updates: SettingsPatch[] = [];
  const calls: FakeCall[] = [];
  const listeners = new Set<(settings: Settings) => void>();
  const certListeners = new Set<(change: { readonly id: string }) => void>();
  const orderListeners = new Set<(entry: OrderLogEntryDto) => void>();
  const alertListeners = new Set<(alert: AlertDto) => void>();
  const renewalListeners = new Set<(status: RenewalStatusDto) => void>();
  const nextRejections = new Map<FakeInvokeMethod, ApiError>();
  let nextUpdateError: string | null = null;
  let appInfoError: string | null = null;
  let held: Array<() => void> | null = null;
  let renewalPaused = false;
  let accounts: AccountDto[] = [...(options.accounts ?? [])];
  let providers: DnsProviderDto[] = [...(options.dnsProviders ?? [])];
  let certificates = new Map<string, CertificateRecord>();
  /** Policy values the admin set: `''` for global, else the account name → key → value. */
  const policy = new Map<string, Map<string, string>>();

  const setCertificates = (inputs: ReadonlyArray<FakeCertificateInput>): void => {
    certificates = new Map(inputs.map((input) => {
      const record = toRecord(input, providers);
      return [record.summary.id, record] as const;
    }));
  };
  setCertificates(options.certificates ?? []);

  const now = (): string => clock().toISOString();

  const notify = (): void => {
    const current = settings;
    for (const listener of listeners) listener(current);
  };
  const emitCertChanged = (id: string): void => {
    for (const listener of [...certListeners]) listener({ id });
  };
  const emitOrderEvent = (entry: OrderLogEntryDto): void => {
    certificates.get(entry.certId)?.log.push(entry);
    for (const listener of [...orderListeners]) listener(entry);
    emitCertChanged(entry.certId);
  };
  /** Writes an order log entry now and pushes it once the current reply has been worked out. */
  const logEvent = (certId: string, event: OrderLogEntryDto['event'], message: string, data?: Readonly<Record<string, unknown>>): void => {
    const entry: OrderLogEntryDto = data === undefined ? { time: now(), certId, event, message } : { time: now(), certId, event, message, data };
    queueMicrotask(() => {
      emitOrderEvent(entry);
    });
  };
  const pushRenewal = (): void => {
    const status = { paused: renewalPaused };
    queueMicrotask(() => {
      for (const listener of [...renewalListeners]) listener(status);
    });
  };

  /** Settles a reply now, or when the test releases held replies. */
  const reply = <T>(method: FakeInvokeMethod, args: ReadonlyArray<unknown>, answer: () => T): Promise<T> => {
    calls.push({ method, args });
    const rejection = nextRejections.get(method);
    nextRejections.delete(method);
    // Like the real bridge, a failure rejects with a plain ApiError object, not an Error.
    const outcome: { ok: true; value: T } | { ok: false; error: ApiError } = (() => {
      if (rejection !== undefined) return { ok: false, error: rejection } as const;
      try {
        return { ok: true, value: answer() } as const;
      } catch (error) {
        if (error instanceof FakeApiError) return { ok: false, error: error.apiError } as const;
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, error: { code: 'invalid_input', message } } as const;
      }
    })();
    return new Promise<T>((resolve, reject) => {
      const settle = (): void => {
        if (outcome.ok) resolve(outcome.value);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the contract rejects with ApiError objects
        else reject(outcome.error);
      };
      if (held === null) queueMicrotask(settle);
      else held.push(settle);
    });
  };

  const validate = (patch: SettingsPatch): void => {
    for (const [key, value] of Object.entries(patch)) {
      const allowed: ReadonlyArray<unknown> | undefined =
        key === 'language' ? languageSettings : key === 'theme' ? themeSettings : switchKeys.includes(key) ? switches : undefined;
      if (allowed === undefined) throw new Error(`Unable to update settings, unknown setting "${key}"`);
      if (!allowed.includes(value)) throw new Error(`Unable to update settings, "${String(value)}" is not a valid ${key}`);
    }
  };

  const certificate = (id: string): CertificateRecord =>
    certificates.get(id) ?? fail('not_found', `Unable to find the certificate ${JSON.stringify(id)}`, 'Pick a certificate from the list.');
  const managed = (id: string, action: string): CertificateRecord & { config: CertificateConfigDto } => {
    const record = certificate(id);
    if (record.config === undefined) {
      fail('invalid_input', `Unable to ${action} ${id}, it is a monitor-only certificate`, 'Add it as a managed certificate to let CertDesk renew it.');
    }
    return record as CertificateRecord & { config: CertificateConfigDto };
  };
  const account = (name: string): AccountDto =>
    accounts.find((a) => a.name === name) ?? fail('not_found', `Unable to find the CA account ${JSON.stringify(name)}`, 'Add the account first in Settings → CA accounts.');
  const checkChallenge = (challenge: ChallengeConfigDto): void => {
    if (challenge.type === 'dns-01' && !providers.some((p) => p.name === challenge.provider)) {
      fail('invalid_input', `Unable to use the DNS provider ${JSON.stringify(challenge.provider)}, there is no such provider`, 'Add the DNS provider first in Settings → DNS providers.');
    }
    if (challenge.type === 'http-01' && challenge.mode === 'standalone' && !(Number.isInteger(challenge.port) && challenge.port >= 1 && challenge.port <= 65535)) {
      fail('invalid_input', `Unable to listen on port ${String(challenge.port)}, it is not a TCP port`, 'Give a port from 1 to 65535, usually 80.');
    }
    if (challenge.type === 'http-01' && challenge.mode === 'webroot' && !challenge.root.startsWith('/')) {
      fail('invalid_input', `Unable to use ${JSON.stringify(challenge.root)} as a webroot, it is not an absolute path`, 'Give the web server’s document root, e.g. /var/www/html.');
    }
  };
  const usersOf = (predicate: (config: CertificateConfigDto) => boolean): string[] =>
    [...certificates.values()].filter((r) => r.config !== undefined && predicate(r.config)).map((r) => r.summary.id);
  const liveMeta = (record: CertificateRecord): CertificateMetaDto | undefined => {
    const identity = record.identity;
    return identity === undefined
      ? undefined
      : {
          serial: identity.serial,
          subject: identity.subject,
          issuer: identity.issuer,
          domains: identity.domains,
          notBefore: identity.notBefore,
          notAfter: identity.notAfter,
          fingerprint: identity.sha256,
          keyType: identity.keyType,
        };
  };
  const exportAll = (record: CertificateRecord): ExportOutcomeDto[] =>
    record.exports.map((status, index) => {
      const { target } = status;
      const files =
        target.format === 'pfx'
          ? [`${target.dir}/${target.names?.pfx ?? 'certificate.pfx'}`]
          : (['cert', 'chain', 'fullchain', 'privkey'] as const).map((name) => `${target.dir}/${target.names?.[name] ?? `${name}.pem`}`);
      const outcome: ExportOutcomeDto = {
        dir: target.dir,
        format: target.format,
        ok: true,
        files,
        ...(target.hook === undefined ? {} : { hook: { ok: true, output: '' } }),
      };
      record.exports[index] = { target, last: { ...outcome, at: now() } };
      logEvent(record.summary.id, 'cert_exported', `Exported to ${target.dir}`, { dir: target.dir, format: target.format });
      return outcome;
    });
  /** Stores a new live version, as a successful order does, and exports it. */
  const obtain = (record: CertificateRecord & { config: CertificateConfigDto }): RenewResultDto => {
    const id = record.summary.id;
    logEvent(id, 'cert_obtaining', `Obtaining a certificate for ${record.config.domains.join(', ')}`);
    const version = Math.max(0, ...record.versions.map((v) => v.version)) + 1;
    const notBefore = clock();
    const notAfter = new Date(notBefore.getTime() + lifetimeMs);
    const identity = identityFor(id, version, record.config.domains, notBefore.toISOString(), notAfter.toISOString(), keyTypeNames[record.config.keyType]);
    record.versions = [
      ...record.versions.map((v) => ({ ...v, live: false })),
      { version, storedAt: notBefore.toISOString(), live: true, source: 'acme', issuedBy: identity.issuer, serial: identity.serial, notBefore: identity.notBefore, notAfter: identity.notAfter },
    ];
    record.identity = identity;
    record.summary = {
      ...without(record.summary, ['lastProblem', 'attempts', 'nextAttemptAt', 'problem']),
      domains: record.config.domains,
      status: 'valid',
      version,
      serial: identity.serial,
      issuer: identity.issuer,
      notBefore: identity.notBefore,
      notAfter: identity.notAfter,
      renewAt: new Date(notAfter.getTime() - lifetimeMs / 3).toISOString(),
      renewalBasis: 'fraction_remaining',
    };
    logEvent(id, 'cert_obtained', `Obtained version ${String(version)}, valid until ${identity.notAfter}`, { version, serial: identity.serial });
    const exports = exportAll(record);
    const meta = liveMeta(record);
    return {
      id,
      renewed: true,
      version,
      ordersCreated: 1,
      finalizeCount: 1,
      ...(meta === undefined ? {} : { meta }),
      ...(exports.length === 0 ? {} : { exports }),
    };
  };
  const policyEntries = (ca: string | undefined): PolicyEntryDto[] => {
    const global = policy.get('') ?? new Map<string, string>();
    const own = ca === undefined ? undefined : policy.get(ca);
    const base = ca === undefined ? defaultPolicyEntries : [...defaultPolicyEntries, ...accountRateLimitEntries];
    return base.map((entry) => {
      const perCa = entry.key.startsWith('retry.') || entry.key.startsWith('rateLimits.');
      const value = (perCa ? own?.get(entry.key) : undefined) ?? global.get(entry.key);
      return value === undefined ? entry : { key: entry.key, value, isDefault: false };
    });
  };

  const api: CertDeskApi = {
    getAppInfo: () =>
      reply('getAppInfo', [], () => {
        if (appInfoError !== null) throw new Error(appInfoError);
        return appInfo;
      }),
    getSettings: () => {
      const current = settings;
      return reply('getSettings', [], () => current);
    },
    updateSettings: (patch) => {
      updates.push(patch);
      return reply('updateSettings', [patch], () => {
        if (nextUpdateError !== null) {
          const message = nextUpdateError;
          nextUpdateError = null;
          throw new Error(message);
        }
        validate(patch);
        settings = { ...settings, ...patch };
        if (pushOnUpdate) queueMicrotask(notify);
        return settings;
      });
    },
    onSettingsChanged: (listener): Unsubscribe => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    // Managed certificates first, then monitor-only ones, as main lists them.
    listCertificates: () =>
      reply('listCertificates', [], () => {
        const all = [...certificates.values()].map((r) => r.summary);
        return [...all.filter((s) => s.monitored === undefined), ...all.filter((s) => s.monitored !== undefined)];
      }),
    showCertificate: (id) => reply('showCertificate', [id], () => certificate(id).summary),
    renewCertificate: (id, renewOptions) =>
      reply('renewCertificate', renewOptions === undefined ? [id] : [id, renewOptions], () => {
        const record = managed(id, 'renew');
        const due = record.summary.renewAt === undefined || Date.parse(record.summary.renewAt) <= clock().getTime();
        if (record.summary.status === 'valid' && !due && renewOptions?.force !== true) {
          const meta = liveMeta(record);
          return { id, renewed: false, reason: 'not_due', ...(record.summary.version === undefined ? {} : { version: record.summary.version }), ...(meta === undefined ? {} : { meta }) };
        }
        return obtain(record);
      }),
    exportCertificate: (id) =>
      reply('exportCertificate', [id], () => {
        const record = certificate(id);
        if (record.identity === undefined) fail('invalid_input', `Unable to export ${id}, it has no certificate yet`, 'Renew it first.');
        return exportAll(record);
      }),
    readOrderLog: (id) => reply('readOrderLog', [id], () => [...certificate(id).log]),
    getRenewalStatus: () => reply('getRenewalStatus', [], () => ({ paused: renewalPaused })),
    pauseRenewal: () =>
      reply('pauseRenewal', [], () => {
        if (!renewalPaused) {
          renewalPaused = true;
          pushRenewal();
        }
        return { paused: renewalPaused };
      }),
    resumeRenewal: () =>
      reply('resumeRenewal', [], () => {
        if (renewalPaused) {
          renewalPaused = false;
          pushRenewal();
        }
        return { paused: renewalPaused };
      }),
    listCaPresets: () => reply('listCaPresets', [], () => fakeCaPresets),
    listAccounts: () => reply('listAccounts', [], () => [...accounts]),
    addAccount: (request: AddAccountRequest) =>
      reply('addAccount', [request], () => {
        validateName('CA account name', request.name);
        if (accounts.some((a) => a.name === request.name)) {
          fail('invalid_input', `Unable to add the CA account ${request.name}, an account of that name exists`, 'Choose another name, or remove the existing account first.');
        }
        if (!request.agreeTos) fail('invalid_input', `Unable to add the CA account ${request.name}, the CA's terms of service were not accepted`, 'Read and accept the terms of service.');
        const preset = fakeCaPresets.find((p) => p.id === request.directory);
        if (preset === undefined && !/^https?:\/\/[^\s/]+/.test(request.directory)) {
          fail('invalid_input', `Unable to use ${JSON.stringify(request.directory)} as an ACME directory, it is neither a preset nor an http(s) URL`, `Use one of ${fakeCaPresets.map((p) => p.id).join(', ')} or the CA's directory URL (https://…/directory).`);
        }
        if (preset?.eab === true && request.eab === undefined) {
          fail('invalid_input', `Unable to add the CA account ${request.name}, ${preset.id} requires External Account Binding`, "Copy the EAB key id and HMAC key from the CA's dashboard.");
        }
        if (request.email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(request.email)) {
          fail('invalid_input', `Unable to use ${JSON.stringify(request.email)} as a contact email, it is not an email address`, 'Give an address such as admin@example.com, or leave it empty.');
        }
        const staging = request.stagingDirectory ?? preset?.stagingDirectoryUrl;
        const added: AccountDto = {
          name: request.name,
          directoryUrl: preset?.directoryUrl ?? request.directory,
          ...(request.email === undefined ? {} : { email: request.email }),
          ...(request.eab === undefined ? {} : { eabKid: request.eab.kid }),
          ...(staging === undefined ? {} : { stagingDirectoryUrl: fakeCaPresets.find((p) => p.id === staging)?.directoryUrl ?? staging }),
          registered: false,
          createdAt: now(),
        };
        accounts = [...accounts, added];
        return added;
      }),
    removeAccount: (name) =>
      reply('removeAccount', [name], () => {
        account(name);
        const users = usersOf((config) => config.ca === name || config.standby?.ca === name);
        if (users.length > 0) {
          const which = users.length === 1 ? `the certificate ${users.join(', ')} uses` : `the certificates ${users.join(', ')} use`;
          fail('invalid_input', `Unable to remove the CA account ${name}, ${which} it`, 'Move them to another CA account (as CA and as standby) or remove them first.');
        }
        accounts = accounts.filter((a) => a.name !== name);
        policy.delete(name);
      }),
    listDnsProviderKinds: () => reply('listDnsProviderKinds', [], () => fakeDnsProviderKinds),
    listDnsProviders: () => reply('listDnsProviders', [], () => [...providers]),
    addDnsProvider: (request: AddDnsProviderRequest) =>
      reply('addDnsProvider', [request], () => {
        validateName('DNS provider name', request.name);
        const kind =
          fakeDnsProviderKinds.find((k) => k.kind === request.provider) ??
          fail('invalid_input', `Unable to use the DNS provider kind ${JSON.stringify(request.provider)}, CertDesk does not know it`, `Known kinds: ${fakeDnsProviderKinds.map((k) => k.kind).join(', ')}.`);
        for (const key of Object.keys(request.credentials)) {
          if (!kind.fields.some((field) => field.key === key)) fail('invalid_input', `Unable to add the DNS provider ${request.name}, ${kind.kind} has no field "${key}"`, `Its fields: ${kind.fields.map((f) => f.key).join(', ') || 'none'}.`);
        }
        const settingsOut: Record<string, string> = {};
        const secrets: string[] = [];
        for (const field of kind.fields) {
          const value = request.credentials[field.key] ?? '';
          if (value === '' && !field.optional) fail('invalid_input', `Unable to add the DNS provider ${request.name}, ${field.label.en} is required`, `Fill in ${field.label.en}.`);
          if (value !== '' && field.choices !== undefined && !field.choices.includes(value)) {
            fail('invalid_input', `Unable to use ${field.label.en}, "${value}" is not one of ${field.choices.join(', ')}`, `Choose one of ${field.choices.join(', ')}.`);
          }
          if (value === '') continue;
          if (field.secret) secrets.push(field.key);
          else settingsOut[field.key] = value;
        }
        const added: DnsProviderDto = {
          name: request.name,
          provider: kind.kind,
          settings: settingsOut,
          secrets,
          propagation: request.propagation ?? { enabled: true },
        };
        providers = [...providers.filter((p) => p.name !== request.name), added];
        return options.dnsAddNote === undefined ? added : { ...added, note: options.dnsAddNote };
      }),
    checkDnsProvider: (name) =>
      reply('checkDnsProvider', [name], () => {
        const provider =
          providers.find((p) => p.name === name) ?? fail('not_found', `Unable to check the DNS provider ${JSON.stringify(name)}, there is no such provider`, 'Pick a provider from the list.');
        return provider.provider === 'manual' ? { name, ok: true as const } : { name, ok: true as const, zones: ['example.com.'] };
      }),
    removeDnsProvider: (name) =>
      reply('removeDnsProvider', [name], () => {
        if (!providers.some((p) => p.name === name)) fail('not_found', `Unable to remove the DNS provider ${JSON.stringify(name)}, there is no such provider`, 'Pick a provider from the list.');
        const users = usersOf((config) => config.challenge.type === 'dns-01' && config.challenge.provider === name);
        if (users.length > 0) fail('invalid_input', `Unable to remove the DNS provider ${name}, it is used by ${users.join(', ')}`, 'Switch those certificates to another provider or remove them first.');
        providers = providers.filter((p) => p.name !== name);
      }),
    addCertificate: (request: AddCertificateRequest) =>
      reply('addCertificate', [request], () => {
        validateName('certificate id', request.id);
        if (certificates.has(request.id)) fail('invalid_input', `Unable to add the certificate ${request.id}, a certificate with that id exists`, 'Choose another id, or edit the existing certificate.');
        const domains = normalizeDomains(request.domains);
        account(request.ca);
        if (request.standby !== undefined) {
          account(request.standby.ca);
          if (request.standby.ca === request.ca) fail('invalid_input', `Unable to use ${request.ca} as the standby CA, it is the primary one`, 'Choose a different CA account as the standby.');
        }
        checkChallenge(request.challenge);
        if (request.challenge.type === 'http-01' && domains.some((d) => d.startsWith('*.'))) {
          fail('invalid_input', `Unable to add the certificate ${request.id}, a wildcard domain needs the dns-01 challenge`, 'Use a DNS provider for wildcard domains.');
        }
        for (const item of request.exports ?? []) validateTarget(item.target);
        const config: CertificateConfigDto = {
          domains,
          ca: request.ca,
          challenge: request.challenge,
          keyType: request.keyType,
          ...(request.standby === undefined ? {} : { standby: request.standby }),
          createdAt: now(),
        };
        const record: CertificateRecord = {
          summary: { id: request.id, domains, ca: request.ca, challenge: request.challenge.type, status: 'none' },
          config,
          identity: undefined,
          versions: [],
          exports: (request.exports ?? []).map((item) => ({ target: item.target })),
          log: [],
        };
        certificates.set(request.id, record);
        return record.summary;
      }),
    updateCertificate: (request) =>
      reply('updateCertificate', [request], () => {
        const record = managed(request.id, 'edit');
        const domains = request.domains === undefined ? record.config.domains : normalizeDomains(request.domains);
        if (request.ca !== undefined) account(request.ca);
        if (request.standby !== undefined && request.standby !== null) account(request.standby.ca);
        if (request.challenge !== undefined) checkChallenge(request.challenge);
        const kept = without(record.config, ['standby']);
        const standby = request.standby === null ? undefined : request.standby ?? record.config.standby;
        record.config = {
          ...kept,
          domains,
          ...(request.ca === undefined ? {} : { ca: request.ca }),
          ...(request.challenge === undefined ? {} : { challenge: request.challenge }),
          ...(request.keyType === undefined ? {} : { keyType: request.keyType }),
          ...(standby === undefined ? {} : { standby }),
        };
        record.summary = { ...record.summary, domains, ca: record.config.ca, challenge: record.config.challenge.type };
        return record.summary;
      }),
    removeCertificate: (request) =>
      reply('removeCertificate', [request], () => {
        certificate(request.id);
        certificates.delete(request.id);
      }),
    getCertificateDetail: (id) =>
      reply('getCertificateDetail', [id], (): CertificateDetailDto => {
        const record = certificate(id);
        return {
          summary: record.summary,
          ...(record.config === undefined ? {} : { config: record.config }),
          ...(record.identity === undefined ? {} : { identity: record.identity }),
          versions: [...record.versions].reverse(),
          exports: [...record.exports],
        };
      }),
    rehearseCertificate: (id) =>
      reply('rehearseCertificate', [id], () => {
        const record = managed(id, 'rehearse');
        const ca = account(record.config.ca);
        if (ca.stagingDirectoryUrl === undefined) {
          fail('invalid_input', `Unable to rehearse ${id}, the CA account ${ca.name} has no staging directory`, 'Set a staging directory on the CA account, or renew directly.');
        }
        const at = now();
        record.summary = { ...record.summary, rehearsal: { at, ok: true } };
        const notAfter = new Date(clock().getTime() + lifetimeMs).toISOString();
        const identity = identityFor(`${id}-staging`, 1, record.config.domains, at, notAfter, keyTypeNames[record.config.keyType]);
        return {
          id,
          directoryUrl: ca.stagingDirectoryUrl,
          ordersCreated: 1,
          meta: { serial: identity.serial, subject: identity.subject, issuer: '(STAGING) Ersatz Edamame E1', domains: identity.domains, notBefore: at, notAfter, fingerprint: identity.sha256, keyType: identity.keyType },
        };
      }),
    rollbackCertificate: (id, version) =>
      reply('rollbackCertificate', [id, version], () => {
        const record = certificate(id);
        const target =
          record.versions.find((v) => v.version === version) ??
          fail('invalid_input', `Unable to roll ${id} back to version ${String(version)}, there is no such version`, `Kept versions: ${record.versions.map((v) => v.version).join(', ') || 'none'}.`);
        if (target.live) fail('invalid_input', `Unable to roll ${id} back to version ${String(version)}, it is the live version`, 'Pick an earlier version.');
        if (target.revoked !== undefined) fail('invalid_input', `Unable to roll ${id} back to version ${String(version)}, it was revoked`, 'Pick a version that was not revoked.');
        record.versions = record.versions.map((v) => ({ ...v, live: v.version === version }));
        const live = { ...target, live: true };
        if (live.notBefore !== undefined && live.notAfter !== undefined) {
          record.identity = { ...identityFor(id, version, record.summary.domains, live.notBefore, live.notAfter, record.identity?.keyType ?? 'EC P-256'), ...(live.serial === undefined ? {} : { serial: live.serial }) };
        }
        record.summary = {
          ...record.summary,
          version,
          status: 'valid',
          ...(live.serial === undefined ? {} : { serial: live.serial }),
          ...(live.notBefore === undefined ? {} : { notBefore: live.notBefore }),
          ...(live.notAfter === undefined ? {} : { notAfter: live.notAfter }),
        };
        logEvent(id, 'cert_rolled_back', `Rolled back to version ${String(version)}`, { version });
        exportAll(record);
        return live;
      }),
    revokeCertificate: (id, reason) =>
      reply('revokeCertificate', reason === undefined ? [id] : [id, reason], () => {
        const record = managed(id, 'revoke');
        const liveVersion = record.versions.find((v) => v.live) ?? fail('invalid_input', `Unable to revoke ${id}, it has no certificate yet`, 'There is nothing to revoke.');
        const why = reason ?? 'unspecified';
        record.versions = record.versions.map((v) => (v.version === liveVersion.version ? { ...v, revoked: { at: now(), reason: why } } : v));
        logEvent(id, 'cert_revoked', `Revoked version ${String(liveVersion.version)} (${why})`, { version: liveVersion.version, reason: why });
        const renewal = obtain(record);
        return { version: liveVersion.version, serial: liveVersion.serial ?? '', reason: why, live: true, renewal };
      }),
    addExportTarget: (request) =>
      reply('addExportTarget', [request], () => {
        const record = certificate(request.id);
        validateTarget(request.target);
        if (request.target.format === 'pfx' && (request.pfxPassword ?? '') === '') {
          fail('invalid_input', `Unable to add the export target ${request.target.dir}, a PFX file needs a password`, 'Give the password the PFX file is protected with.');
        }
        record.exports = [...record.exports.filter((e) => e.target.dir !== request.target.dir), { target: request.target }];
        return request.target;
      }),
    removeExportTarget: (id, dir) =>
      reply('removeExportTarget', [id, dir], () => {
        const record = certificate(id);
        if (!record.exports.some((e) => e.target.dir === dir)) fail('not_found', `Unable to remove the export target ${dir} of ${id}, there is no such target`, 'Pick a target from the list.');
        record.exports = record.exports.filter((e) => e.target.dir !== dir);
      }),
    addMonitor: (request) =>
      reply('addMonitor', [request], () => {
        validateName('certificate id', request.id);
        if (certificates.has(request.id)) fail('invalid_input', `Unable to add the certificate ${request.id}, a certificate with that id exists`, 'Choose another id.');
        const host = request.host.trim().toLowerCase();
        if (host === '' || /[\s/]/.test(host)) fail('invalid_input', `Unable to monitor ${JSON.stringify(request.host)}, it is not a host name`, 'Give a host name such as www.example.com.');
        const port = request.port ?? 443;
        const notBefore = new Date(clock().getTime() - 10 * dayMs).toISOString();
        const record = toRecord(
          {
            id: request.id,
            domains: [request.servername ?? host],
            monitored: 'tls',
            endpoint: { host, port, deployed: 'none' },
            status: 'valid',
            version: 1,
            issuer: "C=US, O=Let's Encrypt, CN=E6",
            notBefore,
            notAfter: new Date(Date.parse(notBefore) + lifetimeMs).toISOString(),
          },
          providers,
        );
        certificates.set(request.id, record);
        return record.summary;
      }),
    checkMonitor: (id) =>
      reply('checkMonitor', [id], () => {
        const record = certificate(id);
        if (record.summary.monitored !== 'tls') fail('invalid_input', `Unable to check ${id}, it does not monitor a TLS endpoint`, 'Pick a monitored endpoint.');
        return record.summary;
      }),
    getPolicy: (ca) =>
      reply('getPolicy', ca === undefined ? [] : [ca], () => {
        if (ca !== undefined) account(ca);
        return policyEntries(ca);
      }),
    updatePolicy: (request) =>
      reply('updatePolicy', [request], () => {
        const known = (request.ca === undefined ? defaultPolicyEntries : [...defaultPolicyEntries, ...accountRateLimitEntries]).some((e) => e.key === request.key);
        if (!known) fail('invalid_input', `Unable to use the setting ${JSON.stringify(request.key)}, there is no such setting`, `Known settings: ${defaultPolicyEntries.map((e) => e.key).join(', ')}.`);
        if (request.ca !== undefined) {
          account(request.ca);
          if (!request.key.startsWith('retry.') && !request.key.startsWith('rateLimits.')) {
            fail('invalid_input', `Unable to set ${request.key} for one CA account, it applies to every certificate`, 'Set it globally instead.');
          }
        }
        if (request.value !== null) {
          const value = request.value.trim();
          const duration = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
          const expectsDuration = /Delay$|giveUpAfter$|checkInterval$|webhookTimeout$/.test(request.key);
          const expectsNumber = /factor$|maxAttempts$|concurrency$|keepVersions$|daysBeforeExpiry$/.test(request.key);
          if (expectsDuration && !duration.test(value)) fail('invalid_input', `Unable to use ${JSON.stringify(value)}, expected a duration with a unit: 500ms, 90s, 1m, 6h or 30d (in the setting ${request.key})`, 'Give a duration with a unit: 500ms, 90s, 1m, 6h or 30d.');
          if (expectsNumber && !(Number(value) > 0)) fail('invalid_input', `Unable to use ${JSON.stringify(value)}, expected a positive number (in the setting ${request.key})`, 'Give a positive number.');
        }
        const scope = request.ca ?? '';
        const values = policy.get(scope) ?? new Map<string, string>();
        if (request.value === null) values.delete(request.key);
        else values.set(request.key, request.value.trim());
        policy.set(scope, values);
        return policyEntries(request.ca);
      }),
    onCertificateChanged: (listener): Unsubscribe => {
      certListeners.add(listener);
      return () => {
        certListeners.delete(listener);
      };
    },
    onOrderEvent: (listener): Unsubscribe => {
      orderListeners.add(listener);
      return () => {
        orderListeners.delete(listener);
      };
    },
    onAlert: (listener): Unsubscribe => {
      alertListeners.add(listener);
      return () => {
        alertListeners.delete(listener);
      };
    },
    onRenewalState: (listener): Unsubscribe => {
      renewalListeners.add(listener);
      return () => {
        renewalListeners.delete(listener);
      };
    },
  };

  return {
    api,
    get settings() {
      return settings;
    },
    updates,
    calls,
    get listenerCount() {
      return listeners.size;
    },
    get certificates() {
      return [...certificates.values()].map((r) => r.summary);
    },
    get accounts() {
      return [...accounts];
    },
    get dnsProviders() {
      return [...providers];
    },
    push(patch) {
      settings = { ...settings, ...patch };
      notify();
    },
    rejectNextUpdate(message) {
      nextUpdateError = message;
    },
    rejectNext(method, error) {
      nextRejections.set(method, error);
    },
    failAppInfo(message) {
      appInfoError = message;
    },
    setCertificates,
    emitOrderEvent,
    emitCertChanged,
    emitAlert(alert) {
      for (const listener of [...alertListeners]) listener(alert);
    },
    hold() {
      const queue: Array<() => void> = [];
      held = queue;
      return () => {
        held = null;
        for (const settle of queue) settle();
      };
    },
  };
}
