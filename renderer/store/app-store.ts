import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CertDeskApi } from '../../preload/contract.ts';
import { createAdminSlice, type AdminSlice } from './admin-slice.ts';
import { createCertificatesSlice, type CertificatesSlice } from './certificates-slice.ts';
import { createDetailSlice, type DetailSlice } from './detail-slice.ts';
import { createInfoSlice, type InfoSlice } from './info-slice.ts';
import { createOrderLogSlice, type OrderLogSlice } from './order-log-slice.ts';
import { createWizardSlice, type WizardSlice } from './wizard-slice.ts';
import { createLoadSlice, type LoadSlice } from './load-slice.ts';
import { createSettingsSlice, type SettingsSlice } from './settings-slice.ts';
import type { StoreDeps } from './store-deps.ts';

/**
 * The renderer's whole state: app info, settings and how loading them went; the certificates with
 * their live progress; one certificate's detail and order log; the wizard; and Settings' CA
 * accounts, DNS providers and renewal policy.
 */
export type AppState = InfoSlice & SettingsSlice & LoadSlice & CertificatesSlice & DetailSlice & OrderLogSlice & WizardSlice & AdminSlice;

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
    ...createCertificatesSlice(deps)(...a),
    ...createDetailSlice(deps)(...a),
    ...createOrderLogSlice(deps)(...a),
    ...createWizardSlice(deps)(...a),
    ...createAdminSlice(deps)(...a),
  }));
}
