import { describe, expect, it } from 'vitest';
import type { Settings, SettingsPatch } from '../../../../preload/contract.ts';
import { CertDeskError } from '../../../../main/core/errors.ts';
import {
  defaultSettings,
  parseSettingsPatch,
  parseStoredSettings,
  settingFromText,
  settingKeys,
  type SettingsProblem,
} from '../../../../main/core/settings.ts';
import { thrown } from '../support/thrown.ts';

const allowed = 'Allowed: language = system | en | zh-CN; theme = system | light | dark; closeToTray, startAtLogin, startHidden, notifications, quietNotifications = true | false.';

describe('defaultSettings and settingKeys', () => {
  it('follow the operating system, keep CertDesk in the tray, and name every setting', () => {
    expect(defaultSettings).toEqual({
      language: 'system',
      theme: 'system',
      closeToTray: true,
      startAtLogin: false,
      startHidden: false,
      notifications: true,
      quietNotifications: false,
    });
    expect([...settingKeys].sort()).toEqual(Object.keys(defaultSettings).sort());
  });
});

describe('parseStoredSettings', () => {
  const cases: ReadonlyArray<{
    name: string;
    stored: unknown;
    settings: Settings;
    problems: ReadonlyArray<SettingsProblem>;
  }> = [
    { name: 'undefined (never written) → defaults, no problem', stored: undefined, settings: defaultSettings, problems: [] },
    { name: '{} → defaults, no problem', stored: {}, settings: defaultSettings, problems: [] },
    {
      name: 'a valid object is taken as is',
      stored: { language: 'zh-CN', theme: 'dark' },
      settings: { ...defaultSettings, language: 'zh-CN', theme: 'dark' },
      problems: [],
    },
    {
      name: 'a missing field takes its default silently',
      stored: { theme: 'light' },
      settings: { ...defaultSettings, language: 'system', theme: 'light' },
      problems: [],
    },
    {
      name: 'a field stored as undefined takes its default silently',
      stored: { language: undefined, theme: 'light' },
      settings: { ...defaultSettings, language: 'system', theme: 'light' },
      problems: [],
    },
    {
      name: 'a bad language costs the language only',
      stored: { language: 'klingon', theme: 'dark' },
      settings: { ...defaultSettings, language: 'system', theme: 'dark' },
      problems: [{ key: 'language', value: 'klingon' }],
    },
    {
      name: 'a bad theme costs the theme only',
      stored: { language: 'en', theme: 42 },
      settings: { ...defaultSettings, language: 'en', theme: 'system' },
      problems: [{ key: 'theme', value: 42 }],
    },
    {
      name: 'a null field is a problem, not a missing field',
      stored: { language: null, theme: 'light' },
      settings: { ...defaultSettings, language: 'system', theme: 'light' },
      problems: [{ key: 'language', value: null }],
    },
    {
      name: 'both fields bad → both reported, in key order',
      stored: { language: 'EN', theme: 'Dark' },
      settings: defaultSettings,
      problems: [
        { key: 'language', value: 'EN' },
        { key: 'theme', value: 'Dark' },
      ],
    },
    {
      name: 'extra keys are ignored, not reported',
      stored: { language: 'en', theme: 'light', colour: 'blue', version: 3 },
      settings: { ...defaultSettings, language: 'en', theme: 'light' },
      problems: [],
    },
    {
      name: 'the desktop switches are taken as stored',
      stored: { closeToTray: false, startAtLogin: true, startHidden: true, quietNotifications: true },
      settings: { ...defaultSettings, closeToTray: false, startAtLogin: true, startHidden: true, quietNotifications: true },
      problems: [],
    },
    {
      name: 'a switch stored as a string costs that switch only',
      stored: { closeToTray: 'false', startHidden: true },
      settings: { ...defaultSettings, startHidden: true },
      problems: [{ key: 'closeToTray', value: 'false' }],
    },
    { name: 'a string → defaults, reported as settings', stored: 'dark', settings: defaultSettings, problems: [{ key: 'settings', value: 'dark' }] },
    { name: 'null → defaults, reported as settings', stored: null, settings: defaultSettings, problems: [{ key: 'settings', value: null }] },
    { name: 'a number → defaults, reported as settings', stored: 7, settings: defaultSettings, problems: [{ key: 'settings', value: 7 }] },
    {
      name: 'an array → defaults, reported as settings',
      stored: ['en', 'dark'],
      settings: defaultSettings,
      problems: [{ key: 'settings', value: ['en', 'dark'] }],
    },
  ];

  it.each(cases)('$name', ({ stored, settings, problems }) => {
    expect(parseStoredSettings(stored)).toStrictEqual({ settings, problems });
  });

  it('never hands out the shared defaults object for callers to mutate', () => {
    const { settings } = parseStoredSettings(undefined);
    expect(settings).toEqual(defaultSettings);
    expect(settings).not.toBe(defaultSettings);
  });
});

describe('parseSettingsPatch accepts', () => {
  const cases: ReadonlyArray<{ name: string; input: unknown; expected: SettingsPatch }> = [
    { name: '{} (no change)', input: {}, expected: {} },
    { name: 'language only', input: { language: 'zh-CN' }, expected: { language: 'zh-CN' } },
    { name: 'theme only', input: { theme: 'light' }, expected: { theme: 'light' } },
    { name: 'both', input: { language: 'en', theme: 'dark' }, expected: { language: 'en', theme: 'dark' } },
    { name: "'system' for both", input: { language: 'system', theme: 'system' }, expected: { language: 'system', theme: 'system' } },
    { name: '{theme: undefined} as no change', input: { theme: undefined }, expected: {} },
    { name: 'a switch off', input: { closeToTray: false }, expected: { closeToTray: false } },
    {
      name: 'every switch',
      input: { startAtLogin: true, startHidden: true, quietNotifications: true, closeToTray: true },
      expected: { startAtLogin: true, startHidden: true, quietNotifications: true, closeToTray: true },
    },
    { name: 'an undefined field next to a real one', input: { language: undefined, theme: 'dark' }, expected: { theme: 'dark' } },
  ];

  it.each(cases)('$name', ({ input, expected }) => {
    const patch = parseSettingsPatch(input);
    expect(patch).toStrictEqual(expected);
    // "No change" must not survive as an own key that a spread would copy over a stored value.
    expect(Object.keys(patch).sort()).toEqual(Object.keys(expected).sort());
  });
});

describe('parseSettingsPatch rejects with invalid_input and the allowed values', () => {
  const cases: ReadonlyArray<{ name: string; input: unknown; message: string }> = [
    { name: 'an unknown key', input: { colour: 'blue' }, message: "Unable to update settings, unknown setting 'colour'" },
    {
      name: 'an unknown key next to a valid one',
      input: { theme: 'dark', lang: 'en' },
      message: "Unable to update settings, unknown setting 'lang'",
    },
    {
      name: 'two unknown keys',
      input: { a: 1, b: 2 },
      message: "Unable to update settings, unknown setting 'a', 'b'",
    },
    { name: 'a bad theme', input: { theme: 'blue' }, message: "Unable to update settings, 'theme' is not a valid value" },
    { name: 'a bad language', input: { language: 'fr' }, message: "Unable to update settings, 'language' is not a valid value" },
    { name: 'a wrongly cased value', input: { language: 'zh-cn' }, message: "Unable to update settings, 'language' is not a valid value" },
    { name: 'null for a setting', input: { theme: null }, message: "Unable to update settings, 'theme' is not a valid value" },
    { name: 'a switch as a string', input: { startAtLogin: 'true' }, message: "Unable to update settings, 'startAtLogin' is not a valid value" },
    { name: 'a switch as a number', input: { quietNotifications: 1 }, message: "Unable to update settings, 'quietNotifications' is not a valid value" },
    {
      name: 'both values bad',
      input: { language: 1, theme: true },
      message: "Unable to update settings, 'language' is not a valid value; 'theme' is not a valid value",
    },
    { name: 'undefined', input: undefined, message: 'Unable to update settings, expected an object of settings' },
    { name: 'null', input: null, message: 'Unable to update settings, expected an object of settings' },
    { name: 'a string', input: 'theme=dark', message: 'Unable to update settings, expected an object of settings' },
    { name: 'a number', input: 1, message: 'Unable to update settings, expected an object of settings' },
    { name: 'an array', input: [{ theme: 'dark' }], message: 'Unable to update settings, expected an object of settings' },
  ];

  it.each(cases)('$name', ({ input, message }) => {
    const error = thrown(() => parseSettingsPatch(input));
    expect(error).toBeInstanceOf(CertDeskError);
    expect(error).toMatchObject({ code: 'invalid_input', message, remedy: allowed });
  });
});

describe('settingFromText', () => {
  it.each([
    ['closeToTray', 'false', false],
    ['startAtLogin', 'true', true],
    ['quietNotifications', 'yes', 'yes'],
    ['startHidden', 'TRUE', 'TRUE'],
    ['theme', 'true', 'true'],
    ['language', 'zh-CN', 'zh-CN'],
    ['nonsense', 'false', 'false'],
  ] as const)('%s %s → %s', (key, text, expected) => {
    expect(settingFromText(key, text)).toBe(expected);
  });
});
