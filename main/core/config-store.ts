import Conf from 'conf';
import type { SettingsStore } from './ports.ts';

/** The key under which the settings live in `config.json`; later keys hold CA accounts and certificates. */
const settingsKey = 'settings';

/**
 * The subset of conf's API the core uses. electron-store extends conf, so the app's store fits too.
 */
export interface ConfLike {
  readonly path: string;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  onDidChange(key: string, callback: () => void): () => void;
  _closeWatcher(): void;
}

/** Adapts a conf (or electron-store) instance to the core's {@link SettingsStore} port. */
export function settingsStoreFromConf(conf: ConfLike): SettingsStore {
  return {
    path: conf.path,
    read: () => conf.get(settingsKey),
    write: (settings) => {
      conf.set(settingsKey, settings);
    },
    onDidChange: (listener) => conf.onDidChange(settingsKey, listener),
    close: () => {
      conf._closeWatcher();
    },
  };
}

/**
 * Opens `<dataDir>/config.json` with conf, as the CLI and tests do. With `watch`, changes written by
 * another process (the app, another CLI) are reported through `onDidChange`.
 */
export function openConfigStore(dataDir: string, options: { watch?: boolean } = {}): ConfLike {
  return new Conf<Record<string, unknown>>({
    cwd: dataDir,
    configName: 'config',
    projectName: 'certdesk',
    watch: options.watch ?? false,
  });
}
