import type { StateCreator } from 'zustand/vanilla';
import type { Settings, SettingsPatch } from '../../preload/contract.ts';
import type { AppState } from './app-store.ts';
import { errorMessage, type StoreDeps } from './store-deps.ts';

/**
 * The admin's settings as main holds them. The store never guesses: it shows what main returned or
 * pushed last, so a rejected or overtaken change can't leave the UI showing a value main doesn't have.
 */
export interface SettingsSlice {
  /** `null` until loaded; afterwards always a complete object from main. */
  readonly settings: Settings | null;
  /** Why the last {@link SettingsSlice.updateSettings} failed; cleared when the next one starts. */
  readonly saveError: string | null;
  /**
   * Asks main to change some settings and shows the result it returns. Never rejects: a failure is
   * recorded in {@link SettingsSlice.saveError} and the settings stay as they were. A response is
   * dropped when a `settings:changed` push arrived while it was on its way (the push is newer).
   */
  readonly updateSettings: (patch: SettingsPatch) => Promise<void>;
}

/** The settings slice over one store's {@link StoreDeps}. */
export function createSettingsSlice(deps: StoreDeps): StateCreator<AppState, [], [], SettingsSlice> {
  return (set) => ({
    settings: null,
    saveError: null,
    updateSettings: async (patch) => {
      set({ saveError: null });
      if (deps.api === undefined) {
        set({ saveError: 'window.certdesk is missing' });
        return;
      }
      const pushesBefore = deps.settingsPushes;
      try {
        const settings = await deps.api.updateSettings(patch);
        if (deps.settingsPushes === pushesBefore) set({ settings });
      } catch (error) {
        set({ saveError: errorMessage(error) });
      }
    },
  });
}
