import { createContext, use, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from './app-store.ts';

const AppStoreContext = createContext<AppStore | null>(null);

/** Makes a store available to {@link useAppStore} below it. */
export function AppStoreProvider({ store, children }: { store: AppStore; children: ReactNode }): ReactNode {
  return <AppStoreContext value={store}>{children}</AppStoreContext>;
}

/** The store itself, for effects that call actions. Throws outside an {@link AppStoreProvider}. */
export function useAppStoreApi(): AppStore {
  const store = use(AppStoreContext);
  if (store === null) throw new Error('Unable to read the app store, no <AppStoreProvider> above this component');
  return store;
}

/**
 * Selects from the app's store and re-renders when the selected value changes (`Object.is`). Select
 * the smallest thing needed; a selector that builds a new object or array needs `useShallow`.
 */
export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(useAppStoreApi(), selector);
}
