import type {
  ApiError,
  AppInfo,
  CertDeskApi,
  LanguageSetting,
  Settings,
  SettingsPatch,
  ThemeSetting,
  Unsubscribe,
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
  quietNotifications: false,
};

const languageSettings: ReadonlyArray<LanguageSetting> = ['system', 'en', 'zh-CN'];
const themeSettings: ReadonlyArray<ThemeSetting> = ['system', 'light', 'dark'];
const switches: ReadonlyArray<unknown> = [true, false];
const switchKeys: ReadonlyArray<string> = ['closeToTray', 'startAtLogin', 'startHidden', 'quietNotifications'];

/** How a {@link FakeBridge} starts. */
export interface FakeBridgeOptions {
  readonly appInfo?: Partial<AppInfo>;
  readonly settings?: Partial<Settings>;
  /** Push `settings:changed` after each successful update, as main does. Default `true`. */
  readonly pushOnUpdate?: boolean;
}

/** An in-memory main process behind a typed {@link CertDeskApi}, with the controls tests need. */
export interface FakeBridge {
  /** What the renderer gets as `window.certdesk`. */
  readonly api: CertDeskApi;
  /** The settings "main" holds now. */
  readonly settings: Settings;
  /** Every patch `updateSettings` received, in order, including rejected ones. */
  readonly updates: ReadonlyArray<SettingsPatch>;
  /** How many `settings:changed` listeners are subscribed. */
  readonly listenerCount: number;
  /** Changes the settings behind the renderer's back (the CLI, the tray) and pushes them. */
  push(patch: SettingsPatch): void;
  /** Makes the next `updateSettings` reject with `message`, changing nothing. */
  rejectNextUpdate(message: string): void;
  /** Makes `getAppInfo` reject with `message` until called with `null`. */
  failAppInfo(message: string | null): void;
  /**
   * From now on, answers are worked out when a call arrives (as main would) but delivered only when
   * the returned function is called, so a test can look at the UI while requests are in flight.
   */
  hold(): () => void;
}

/**
 * Creates a {@link FakeBridge}. Like main, it validates patches (unknown keys or values reject with
 * "Unable to update settings, …"), replies asynchronously and pushes `settings:changed` after a
 * change — before the reply, as Electron delivers the push and the reply over one ordered pipe.
 */
export function createFakeBridge(options: FakeBridgeOptions = {}): FakeBridge {
  const appInfo: AppInfo = { ...defaultAppInfo, ...options.appInfo };
  const pushOnUpdate = options.pushOnUpdate ?? true;
  let settings: Settings = { ...defaultSettings, ...options.settings };
  const updates: SettingsPatch[] = [];
  const listeners = new Set<(settings: Settings) => void>();
  let nextUpdateError: string | null = null;
  let appInfoError: string | null = null;
  let held: Array<() => void> | null = null;
  let renewalPaused = false;
  const noSubscription: Unsubscribe = () => undefined;
  const missingCertificate = (id: string): never => {
    throw new Error(`Unable to find the certificate ${JSON.stringify(id)}`);
  };

  const notify = (): void => {
    const current = settings;
    for (const listener of listeners) listener(current);
  };

  /** Settles a reply now, or when the test releases held replies. */
  const reply = <T>(answer: () => T): Promise<T> => {
    // Like the real bridge, a failure rejects with a plain ApiError object, not an Error.
    const outcome: { ok: true; value: T } | { ok: false; error: ApiError } = (() => {
      try {
        return { ok: true, value: answer() } as const;
      } catch (error) {
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

  const api: CertDeskApi = {
    getAppInfo: () =>
      reply(() => {
        if (appInfoError !== null) throw new Error(appInfoError);
        return appInfo;
      }),
    getSettings: () => {
      const current = settings;
      return reply(() => current);
    },
    updateSettings: (patch) => {
      updates.push(patch);
      return reply(() => {
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
    // The dashboard's channels: an empty data dir with background renewal running, until a test needs more.
    listCertificates: () => reply(() => []),
    showCertificate: (id) => reply(() => missingCertificate(id)),
    renewCertificate: (id) => reply(() => missingCertificate(id)),
    exportCertificate: (id) => reply(() => missingCertificate(id)),
    readOrderLog: (id) => reply(() => missingCertificate(id)),
    getRenewalStatus: () => reply(() => ({ paused: renewalPaused })),
    pauseRenewal: () => reply(() => {
      renewalPaused = true;
      return { paused: renewalPaused };
    }),
    resumeRenewal: () => reply(() => {
      renewalPaused = false;
      return { paused: renewalPaused };
    }),
    onCertificateChanged: () => noSubscription,
    onOrderEvent: () => noSubscription,
    onAlert: () => noSubscription,
    onRenewalState: () => noSubscription,
  };

  return {
    api,
    get settings() {
      return settings;
    },
    updates,
    get listenerCount() {
      return listeners.size;
    },
    push(patch) {
      settings = { ...settings, ...patch };
      notify();
    },
    rejectNextUpdate(message) {
      nextUpdateError = message;
    },
    failAppInfo(message) {
      appInfoError = message;
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
