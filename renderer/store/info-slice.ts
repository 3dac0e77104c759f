import type { StateCreator } from 'zustand/vanilla';
import type { AppInfo } from '../../preload/contract.ts';
import type { AppState } from './app-store.ts';

/** What the app is and where it keeps its data (`app:info`), once loaded. */
export interface InfoSlice {
  /** `null` until the first load succeeds; set by {@link LoadSlice.load}. */
  readonly appInfo: AppInfo | null;
}

/** The info slice's initial state; the load slice fills it in. */
export const createInfoSlice: StateCreator<AppState, [], [], InfoSlice> = () => ({ appInfo: null });
