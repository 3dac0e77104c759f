import path from 'node:path';
import ElectronStore from 'electron-store';
import { configFileName, lazyConf, settingsStoreFromConf } from '../core/config-store.ts';
import type { SettingsStore } from '../core/ports.ts';

/**
 * The app's settings store: electron-store on `<dataDir>/config.json` (the same file the CLI's conf
 * store uses), watching it so a change the CLI writes reaches the window. Opened lazily, so a damaged
 * file is reported by the core instead of stopping the app at start.
 */
export function createElectronSettingsStore(dataDir: string): SettingsStore {
  return settingsStoreFromConf(
    lazyConf(
      path.join(dataDir, configFileName),
      () => new ElectronStore<Record<string, unknown>>({ cwd: dataDir, name: 'config', watch: true }),
    ),
  );
}
