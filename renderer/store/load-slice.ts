import type { StateCreator } from 'zustand/vanilla';
import type { Unsubscribe } from '../../preload/contract.ts';
import type { AppState } from './app-store.ts';
import { errorMessage, type StoreDeps } from './store-deps.ts';

/** Where loading the app info and settings stands. */
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'failed';

/**
 * Why loading failed: the page has no bridge (opened outside the app; retrying won't help), or a
 * request to main failed (retrying may).
 */
export type LoadError = { readonly kind: 'bridge-missing' } | { readonly kind: 'request-failed'; readonly message: string };

/** Loading what the UI needs from main, and staying subscribed to its pushes. */
export interface LoadSlice {
  /** `idle` before {@link LoadSlice.init}; `ready` once app info and settings are both in. */
  readonly status: LoadStatus;
  /** Set when {@link LoadSlice.status} is `failed`, else `null`. */
  readonly loadError: LoadError | null;
  /**
   * Subscribes to `settings:changed` and loads app info and settings. Returns the unsubscribe, for
   * an effect's cleanup. Without a bridge it fails with `bridge-missing` and returns a no-op.
   * Calling it again (StrictMode) is harmless: the load in flight is joined, not repeated.
   */
  readonly init: () => Unsubscribe;
  /**
   * Loads app info and settings (again, for a retry). Never rejects: a failure sets
   * {@link LoadSlice.status} to `failed` with a {@link LoadError}. Settings pushed while it ran win
   * over the ones it read.
   */
  readonly load: () => Promise<void>;
}

/** The load slice over one store's {@link StoreDeps}. */
export function createLoadSlice(deps: StoreDeps): StateCreator<AppState, [], [], LoadSlice> {
  const bridgeMissing = { status: 'failed', loadError: { kind: 'bridge-missing' } } as const;
  return (set, get) => ({
    status: 'idle',
    loadError: null,
    init: () => {
      if (deps.api === undefined) {
        set(bridgeMissing);
        return () => undefined;
      }
      const unsubscribe = deps.api.onSettingsChanged((settings) => {
        deps.settingsPushes += 1;
        set({ settings });
      });
      void get().load();
      return unsubscribe;
    },
    load: () => {
      if (deps.loading !== null) return deps.loading;
      const api = deps.api;
      if (api === undefined) {
        set(bridgeMissing);
        return Promise.resolve();
      }
      set({ status: 'loading', loadError: null });
      const pushesBefore = deps.settingsPushes;
      deps.loading = Promise.all([api.getAppInfo(), api.getSettings()])
        .then(
          ([appInfo, settings]) => {
            set(deps.settingsPushes === pushesBefore ? { appInfo, settings, status: 'ready' } : { appInfo, status: 'ready' });
          },
          (error: unknown) => {
            set({ status: 'failed', loadError: { kind: 'request-failed', message: errorMessage(error) } });
          },
        )
        .finally(() => {
          deps.loading = null;
        });
      return deps.loading;
    },
  });
}
