import ElectronStore from 'electron-store';
import { settingsStoreFromConf } from '../core/config-store.ts';
import type { SettingsStore } from '../core/ports.ts';

/**
 * The app's settings store: electron-store on `<dataDir>/config.json` (the same file the CLI's conf
 * store uses), watching it so a change the CLI writes reaches the window.
 */
export function createElectronSettingsStore(dataDir: string): SettingsStore {
  return settingsStoreFromConf(new ElectronStore<Record<string, unknown>>({ cwd: dataDir, name: 'config', watch: true }));
}
