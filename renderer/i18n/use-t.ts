import { useMemo } from 'react';
import type { Locale } from '../../preload/contract.ts';
import { useSystemLanguages } from '../hooks/use-system-languages.ts';
import { useAppStore } from '../store/store-context.tsx';
import { createTranslator, type Translate } from './messages.ts';
import { resolveLocale } from './resolve-locale.ts';

/**
 * The locale the UI shows: the language setting resolved against the OS's languages. Until the
 * settings have loaded it follows the OS, as the `system` default does.
 */
export function useLocale(): Locale {
  const setting = useAppStore((state) => state.settings?.language ?? 'system');
  const systemLanguages = useSystemLanguages();
  return resolveLocale(setting, systemLanguages);
}

/** The {@link Translate} function for the active locale; re-renders the caller when it changes. */
export function useT(): Translate {
  const locale = useLocale();
  return useMemo(() => createTranslator(locale), [locale]);
}
