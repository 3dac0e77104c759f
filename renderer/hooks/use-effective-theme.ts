import type { ThemeSetting } from '../../preload/contract.ts';
import { useAppStore } from '../store/store-context.tsx';
import { useSystemTheme } from './use-system-theme.ts';

/** The colour scheme actually shown. */
export type EffectiveTheme = 'light' | 'dark';

/** The theme to show for a theme setting: the one it forces, or for `system` the OS's. */
export function resolveTheme(setting: ThemeSetting, systemTheme: EffectiveTheme): EffectiveTheme {
  return setting === 'system' ? systemTheme : setting;
}

/**
 * The theme the UI shows: the theme setting resolved against the OS's preference. Until the settings
 * have loaded it follows the OS, as the `system` default does.
 */
export function useEffectiveTheme(): EffectiveTheme {
  const setting = useAppStore((state) => state.settings?.theme ?? 'system');
  return resolveTheme(setting, useSystemTheme());
}
