import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CertDeskApi } from '../../preload/contract.ts';
import { createInfoSlice, type InfoSlice } from './info-slice.ts';
import { createLoadSlice, type LoadSlice } from './load-slice.ts';
import { createSettingsSlice, type SettingsSlice } from './settings-slice.ts';
import type { StoreDeps } from './store-deps.ts';

/** The renderer's whole state: app info, settings, and how loading them went. */
export type AppState = InfoSlice & SettingsSlice & LoadSlice;

/** A vanilla store of {@link AppState}; components read it through `useAppStore`. */
export type AppStore = StoreApi<AppState>;

/**
 * Creates a store over a CertDesk API: `window.certdesk` in the app, an in-memory double in tests
 * (a fresh store per test). Nothing is requested until `init()` is called. Pass `undefined` when the
 * bridge is missing; the store then reports a `bridge-missing` load error instead of throwing.
 */
export function createAppStore(api: CertDeskApi | undefined): AppStore {
  const deps: StoreDeps = { api, settingsPushes: 0, loading: null };
  return createStore<AppState>()((...a) => ({
    ...createInfoSlice(...a),
    ...createSettingsSlice(deps)(...a),
    ...createLoadSlice(deps)(...a),
  }));
}
