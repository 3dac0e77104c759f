import { describe, expect, it } from 'vitest';
import { messages } from '../../../../main/cli/messages.ts';
import { locales } from '../../../../preload/contract.ts';

const entries = Object.entries(messages).map(([key, translations]) => ({ key, translations }));

describe('messages', () => {
  it.each(entries)('$key has a non-blank string in every shipped locale', ({ translations }) => {
    for (const locale of locales) {
      expect(translations[locale].trim()).not.toBe('');
    }
  });

  it.each(entries)('$key is translated into Chinese, not copied from English', ({ translations }) => {
    expect(translations['zh-CN']).not.toBe(translations.en);
  });

  it('names the same exit codes as exit-codes.ts in every locale', () => {
    for (const locale of locales) {
      const text = messages.exitCodes[locale];
      for (const code of ['0', '1', '2', '3']) expect(text).toContain(code);
    }
  });
});
