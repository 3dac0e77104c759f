import { describe, expect, it } from 'vitest';
import type { ThemeSetting } from '../../../../preload/contract.ts';
import { resolveTheme, type EffectiveTheme } from '../../../../renderer/hooks/use-effective-theme.ts';

describe('resolveTheme', () => {
  const cases: ReadonlyArray<readonly [ThemeSetting, EffectiveTheme, EffectiveTheme]> = [
    ['system', 'light', 'light'],
    ['system', 'dark', 'dark'],
    ['light', 'light', 'light'],
    ['light', 'dark', 'light'],
    ['dark', 'light', 'dark'],
    ['dark', 'dark', 'dark'],
  ];

  it.each(cases)('(%s, OS %s) → %s', (setting, systemTheme, expected) => {
    expect(resolveTheme(setting, systemTheme)).toBe(expected);
  });
});
