import { useEffect } from 'react';
import type { Locale } from '../../preload/contract.ts';
import type { EffectiveTheme } from './use-effective-theme.ts';

/**
 * Mirrors the active locale and theme onto `<html>`: `lang` (fonts, hyphenation, screen readers) and
 * `data-theme`, which the stylesheet turns into `color-scheme` and the colour tokens. Both attributes
 * stay set after the caller unmounts; they describe the page, not the component.
 */
export function useDocumentAttributes(locale: Locale, theme: EffectiveTheme): void {
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);
}
