import { describe, expect, it } from 'vitest';
import type { Locale } from '../../../../preload/contract.ts';
import { localeFromEnv } from '../../../../main/core/i18n.ts';

describe('localeFromEnv', () => {
  const cases: ReadonlyArray<{ name: string; env: Record<string, string | undefined>; expected: Locale }> = [
    { name: 'nothing set → en', env: {}, expected: 'en' },
    { name: 'all explicitly undefined → en', env: { LC_ALL: undefined, LC_MESSAGES: undefined, LANG: undefined }, expected: 'en' },
    { name: 'all empty → en', env: { LC_ALL: '', LC_MESSAGES: '', LANG: '' }, expected: 'en' },
    { name: 'LANG=C → en', env: { LANG: 'C' }, expected: 'en' },
    { name: 'LANG=POSIX → en', env: { LANG: 'POSIX' }, expected: 'en' },
    { name: 'LANG=C.UTF-8 → en', env: { LANG: 'C.UTF-8' }, expected: 'en' },
    { name: 'LANG=en_US.UTF-8 → en', env: { LANG: 'en_US.UTF-8' }, expected: 'en' },
    { name: 'LANG=de_DE.UTF-8 → en (no German strings)', env: { LANG: 'de_DE.UTF-8' }, expected: 'en' },
    { name: 'LANG=zh_CN.UTF-8 → zh-CN', env: { LANG: 'zh_CN.UTF-8' }, expected: 'zh-CN' },
    { name: 'LANG=zh_CN → zh-CN', env: { LANG: 'zh_CN' }, expected: 'zh-CN' },
    { name: 'LANG=zh_TW.UTF-8 → zh-CN (the only Chinese shipped)', env: { LANG: 'zh_TW.UTF-8' }, expected: 'zh-CN' },
    { name: 'LANG=zh → zh-CN', env: { LANG: 'zh' }, expected: 'zh-CN' },
    { name: 'upper case ZH_CN.UTF-8 → zh-CN', env: { LANG: 'ZH_CN.UTF-8' }, expected: 'zh-CN' },
    { name: 'LC_MESSAGES beats LANG', env: { LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }, expected: 'zh-CN' },
    { name: 'LC_MESSAGES=C beats LANG=zh', env: { LC_MESSAGES: 'C', LANG: 'zh_CN.UTF-8' }, expected: 'en' },
    { name: 'LC_ALL beats LC_MESSAGES and LANG', env: { LC_ALL: 'zh_CN.UTF-8', LC_MESSAGES: 'en_US', LANG: 'en_US' }, expected: 'zh-CN' },
    { name: 'LC_ALL=C beats a Chinese LC_MESSAGES', env: { LC_ALL: 'C', LC_MESSAGES: 'zh_CN.UTF-8' }, expected: 'en' },
    { name: 'empty LC_ALL is skipped for LC_MESSAGES', env: { LC_ALL: '', LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'en_US' }, expected: 'zh-CN' },
    { name: 'empty LC_ALL and LC_MESSAGES fall through to LANG', env: { LC_ALL: '', LC_MESSAGES: '', LANG: 'zh_CN.UTF-8' }, expected: 'zh-CN' },
    { name: 'other LC_* variables are not consulted', env: { LC_CTYPE: 'zh_CN.UTF-8', LC_TIME: 'zh_CN.UTF-8' }, expected: 'en' },
  ];

  it.each(cases)('$name', ({ env, expected }) => {
    expect(localeFromEnv(env)).toBe(expected);
  });
});
