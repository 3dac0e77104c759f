/** The renderer's zustand store: create one over a CertDesk API, provide it, select from it. */
export { createAppStore, type AppState, type AppStore } from './app-store.ts';
export type { InfoSlice } from './info-slice.ts';
export type { LoadError, LoadSlice, LoadStatus } from './load-slice.ts';
export type { SettingsSlice } from './settings-slice.ts';
export { AppStoreProvider, useAppStore, useAppStoreApi } from './store-context.tsx';
