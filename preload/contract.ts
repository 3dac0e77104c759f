/**
 * The one declaration of CertDesk's IPC API: invoke channels with their request and response types,
 * event channels with their payload types, and the DTOs that cross the bridge.
 *
 * Main implements it (`main/electron/ipc.ts`), the preload exposes it (`preload/index.ts`, `satisfies
 * CertDeskApi`) and the renderer consumes its types. It imports nothing, so every side can include it.
 * Channel names are `noun:verb` for invokes and `noun:changed` for events.
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

/** Invoke channels: renderer → main, one request, one response. */
export interface InvokeChannels {
  'app:info': { readonly request: undefined; readonly response: AppInfo };
  'settings:get': { readonly request: undefined; readonly response: Settings };
  'settings:update': { readonly request: SettingsPatch; readonly response: Settings };
}

/** Event channels: main → renderer pushes. */
export interface EventChannels {
  /** The settings changed, from this window, the tray, or the CLI writing the same data dir. */
  'settings:changed': Settings;
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
] as const satisfies ReadonlyArray<InvokeChannel>;

/** Every event channel. */
export const eventChannels = ['settings:changed'] as const satisfies ReadonlyArray<EventChannel>;

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
}
