import { describe, expect, it } from 'vitest';
import type { LanguageSetting, Locale } from '../../../../preload/contract.ts';
import { resolveLocale } from '../../../../renderer/i18n/resolve-locale.ts';

describe('resolveLocale', () => {
  const cases: ReadonlyArray<readonly [LanguageSetting, readonly string[], Locale]> = [
    // A fixed setting wins over the OS.
    ['en', ['zh-CN'], 'en'],
    ['zh-CN', ['en-US'], 'zh-CN'],
    ['zh-CN', [], 'zh-CN'],
    // system: the first supported language, in the OS's order.
    ['system', ['en-US', 'en'], 'en'],
    ['system', ['en-GB'], 'en'],
    ['system', ['EN'], 'en'],
    ['system', ['zh-CN', 'en'], 'zh-CN'],
    ['system', ['zh'], 'zh-CN'],
    ['system', ['zh-Hans-SG'], 'zh-CN'],
    ['system', ['zh_CN'], 'zh-CN'],
    ['system', ['en-US', 'zh-CN'], 'en'],
    // Traditional Chinese: Simplified is the closest we ship.
    ['system', ['zh-TW'], 'zh-CN'],
    ['system', ['zh-Hant-HK'], 'zh-CN'],
    // Unsupported languages are skipped, not treated as a reason to fall back.
    ['system', ['fr-FR', 'zh-CN'], 'zh-CN'],
    ['system', ['de-DE', 'en-US', 'zh-CN'], 'en'],
    // `zh` is a subtag, not a prefix: Zhuang (za) and Zande (zne) aren't Chinese.
    ['system', ['zne', 'zha'], 'en'],
    // Nothing supported, or nothing at all: English.
    ['system', ['fr-FR', 'ja-JP'], 'en'],
    ['system', [], 'en'],
  ];

  it.each(cases)('(%s, %j) → %s', (setting, systemLanguages, expected) => {
    expect(resolveLocale(setting, systemLanguages)).toBe(expected);
  });
});
