import { describe, expect, it } from 'vitest';
import { locales } from '../../../../preload/contract.ts';
import { en } from '../../../../renderer/i18n/en.ts';
import { createTranslator, languageNames, messages } from '../../../../renderer/i18n/messages.ts';

const placeholdersOf = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('string tables', () => {
  const englishKeys = Object.keys(en).sort();

  it.each(locales)('%s has exactly the English keys', (locale) => {
    expect(Object.keys(messages[locale]).sort()).toEqual(englishKeys);
  });

  it.each(locales)('%s has no empty strings', (locale) => {
    const empty = Object.entries(messages[locale]).filter(([, text]) => text.trim() === '');
    expect(empty).toEqual([]);
  });

  it.each(locales)('%s keeps the English placeholders', (locale) => {
    const table = messages[locale];
    for (const key of englishKeys) {
      expect([key, placeholdersOf(table[key as keyof typeof en])]).toEqual([key, placeholdersOf(en[key as keyof typeof en])]);
    }
  });

  it('names every locale in its own language', () => {
    expect(languageNames).toEqual({ en: 'English', 'zh-CN': '简体中文' });
  });
});

describe('createTranslator', () => {
  it('looks strings up in the locale', () => {
    expect(createTranslator('en')('nav.settings')).toBe('Settings');
    expect(createTranslator('zh-CN')('nav.settings')).toBe('设置');
  });

  it('fills in placeholders', () => {
    expect(createTranslator('en')('about.runtime.node', { version: '22.12.0' })).toBe('Node 22.12.0');
    expect(createTranslator('zh-CN')('settings.saveFailed', { message: 'disk full' })).toBe('设置未保存：disk full');
  });
});
