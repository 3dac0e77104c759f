import type { LanguageSetting, Locale } from '../../preload/contract.ts';

/**
 * The locale of main's own texts (tray menu, notifications): the language setting, or with `system`
 * the first of the OS's preferred languages CertDesk ships (`app.getPreferredSystemLanguages()`):
 * any Chinese → `zh-CN`, English → `en`; English when none matches. Pure; never throws.
 */
export function appLocale(setting: LanguageSetting, preferred: ReadonlyArray<string>): Locale {
  if (setting !== 'system') return setting;
  for (const tag of preferred) {
    const language = tag.toLowerCase().split(/[-_]/)[0];
    if (language === 'zh') return 'zh-CN';
    if (language === 'en') return 'en';
  }
  return 'en';
}
