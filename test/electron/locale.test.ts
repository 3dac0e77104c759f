import { describe, expect, it } from 'vitest';
import type { LanguageSetting, Locale } from '../../preload/contract.ts';
import { appLocale } from '../../main/electron/locale.ts';

describe('appLocale', () => {
  it.each<[LanguageSetting, ReadonlyArray<string>, Locale]>([
    ['en', ['zh-CN'], 'en'],
    ['zh-CN', ['en-US'], 'zh-CN'],
    ['system', ['zh-Hans-CN', 'en-US'], 'zh-CN'],
    ['system', ['zh-TW'], 'zh-CN'],
    ['system', ['zh_CN'], 'zh-CN'],
    ['system', ['en-GB', 'zh-CN'], 'en'],
    ['system', ['de-DE', 'zh-CN'], 'zh-CN'],
    ['system', ['fr-FR'], 'en'],
    ['system', [], 'en'],
  ])('%s with %j → %s', (setting, preferred, expected) => {
    expect(appLocale(setting, preferred)).toBe(expected);
  });
});
