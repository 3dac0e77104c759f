import path from 'node:path';
import Conf from 'conf';
import type { SettingsStore } from './ports.ts';

/** The key under which the settings live in `config.json`; later keys hold CA accounts and certificates. */
const settingsKey = 'settings';

/** The file name of the config store in the data dir (conf's `configName` + `.json`). */
export const configFileName = 'config.json';

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

/**
 * Defers opening a conf store until it is first used. conf parses the file in its constructor, so a
 * damaged `config.json` would otherwise throw before the core can report it; deferred, the error
 * surfaces from `get`/`set` (where the service turns it into defaults or a clear `invalid_data`), and
 * opening is tried again on the next use, so a repaired file is picked up. Listeners registered
 * while the file cannot be opened are attached once it can.
 */
export function lazyConf(filePath: string, open: () => ConfLike): ConfLike {
  let conf: ConfLike | undefined;
  const pending: Array<{ key: string; callback: () => void; attached?: () => void }> = [];
  const instance = (): ConfLike => {
    if (conf === undefined) {
      conf = open();
      for (const entry of pending) entry.attached = conf.onDidChange(entry.key, entry.callback);
    }
    return conf;
  };
  return {
    path: filePath,
    get: (key) => instance().get(key),
    set: (key, value) => {
      instance().set(key, value);
    },
    onDidChange: (key, callback) => {
      const entry: (typeof pending)[number] = { key, callback };
      pending.push(entry);
      if (conf !== undefined) {
        entry.attached = conf.onDidChange(key, callback);
      } else {
        try {
          instance();
        } catch {
          // The file cannot be opened yet; the next get/set reports why and attaches this listener.
        }
      }
      return () => {
        entry.attached?.();
        pending.splice(pending.indexOf(entry), 1);
      };
    },
    _closeWatcher: () => {
      conf?._closeWatcher();
    },
  };
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
 * Opens `<dataDir>/config.json` with conf, as the CLI and tests do (lazily, see {@link lazyConf}).
 * With `watch`, changes written by another process (the app, another CLI) are reported through
 * `onDidChange`.
 */
export function openConfigStore(dataDir: string, options: { watch?: boolean } = {}): ConfLike {
  return lazyConf(
    path.join(dataDir, configFileName),
    () =>
      new Conf<Record<string, unknown>>({
        cwd: dataDir,
        configName: 'config',
        projectName: 'certdesk',
        watch: options.watch ?? false,
      }),
  );
}
