import type { LanguageSetting, Locale } from '../../preload/contract.ts';

/**
 * The locale to show for a language setting: the fixed locale it names, or for `system` the first of
 * the OS's preferred languages (`navigator.languages`, most preferred first) that CertDesk has
 * strings for.
 *
 * Matching is by primary language subtag, case-insensitive, `_` accepted for `-`: any Chinese tag
 * (`zh`, `zh-CN`, `zh-Hans-SG`, and also `zh-TW` / `zh-Hant`, for which Simplified Chinese is the
 * closest we ship) resolves to `zh-CN`, any English tag to `en`. Tags of other languages are
 * skipped, so `['fr-FR', 'zh-CN']` gives `zh-CN`. With no match, or no languages at all, it is `en`.
 */
export function resolveLocale(setting: LanguageSetting, systemLanguages: readonly string[]): Locale {
  if (setting !== 'system') return setting;
  for (const tag of systemLanguages) {
    const primary = tag.trim().toLowerCase().split(/[-_]/, 1)[0];
    if (primary === 'zh') return 'zh-CN';
    if (primary === 'en') return 'en';
  }
  return 'en';
}
