import path from 'node:path';
import ElectronStore from 'electron-store';
import { configFileName, lazyConf, settingsStoreFromConf, type ConfLike } from '../core/config-store.ts';
import type { SettingsStore } from '../core/ports.ts';

/**
 * The app's `<dataDir>/config.json` (the same file the CLI's conf store uses) through electron-store,
 * watching it so a change the CLI writes reaches the window. Opened lazily, so a damaged file is
 * reported by the core instead of stopping the app at start. One instance serves the settings and
 * the engine's configuration (CA accounts, certificates, policy).
 */
export function openElectronConf(dataDir: string): ConfLike {
  return lazyConf(
    path.join(dataDir, configFileName),
    () => new ElectronStore<Record<string, unknown>>({ cwd: dataDir, name: 'config', watch: true }),
  );
}

/** The app's settings store over {@link openElectronConf} (or `conf`, to share one instance). */
export function createElectronSettingsStore(dataDir: string, conf: ConfLike = openElectronConf(dataDir)): SettingsStore {
  return settingsStoreFromConf(conf);
}
