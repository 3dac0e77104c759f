import { z } from 'zod';
import type { Settings, SettingsPatch } from '../../preload/contract.ts';
import { CertDeskError } from './errors.ts';

/**
 * The settings a fresh data dir starts with: follow the operating system for language and theme;
 * closing the window keeps CertDesk in the tray (renewals must go on without a window), not started
 * at login and not hidden until the admin asks for it, every alert shown as a notification.
 */
export const defaultSettings: Settings = {
  language: 'system',
  theme: 'system',
  closeToTray: true,
  startAtLogin: false,
  startHidden: false,
  notifications: true,
  quietNotifications: false,
};

const language = z.enum(['system', 'en', 'zh-CN']);
const theme = z.enum(['system', 'light', 'dark']);
/** An on/off setting: a JSON boolean, never the strings "true"/"false" (the CLI converts those). */
const flag = z.boolean();

/** One schema per setting, so a bad stored value costs that setting only, never the others. */
const fields = {
  language,
  theme,
  closeToTray: flag,
  startAtLogin: flag,
  startHidden: flag,
  notifications: flag,
  quietNotifications: flag,
} as const satisfies { [K in keyof Settings]: z.ZodType<Settings[K]> };

/** The on/off settings, for messages and {@link settingFromText}. */
const flagKeys = ['closeToTray', 'startAtLogin', 'startHidden', 'notifications', 'quietNotifications'] as const satisfies ReadonlyArray<keyof Settings>;

/**
 * A change from the renderer or the CLI: any subset of the settings, nothing else. Unknown keys are
 * rejected rather than dropped, so a typo is an error the admin sees.
 */
export const settingsPatchSchema = z.strictObject({
  language: language.optional(),
  theme: theme.optional(),
  closeToTray: flag.optional(),
  startAtLogin: flag.optional(),
  startHidden: flag.optional(),
  notifications: flag.optional(),
  quietNotifications: flag.optional(),
});

/** A stored value that could not be used, and the default used instead. */
export interface SettingsProblem {
  /** The setting, or `settings` when the stored value is not an object at all. */
  readonly key: keyof Settings | 'settings';
  readonly value: unknown;
}

/**
 * Reads settings as stored, field by field: a missing field takes its default; an invalid one takes
 * its default and is reported in `problems` so the caller can log it. Never throws: a damaged
 * settings file must not keep CertDesk from renewing certificates.
 */
export function parseStoredSettings(stored: unknown): { settings: Settings; problems: ReadonlyArray<SettingsProblem> } {
  const record: Record<string, unknown> = isRecord(stored) ? stored : {};
  const problems: SettingsProblem[] = [];
  const pick = <K extends keyof Settings>(key: K): Settings[K] => {
    if (!(key in record) || record[key] === undefined) return defaultSettings[key];
    const parsed = fields[key].safeParse(record[key]);
    if (parsed.success) return parsed.data as Settings[K];
    problems.push({ key, value: record[key] });
    return defaultSettings[key];
  };
  if (stored !== undefined && !isRecord(stored)) problems.push({ key: 'settings', value: stored });
  return {
    settings: {
      language: pick('language'),
      theme: pick('theme'),
      closeToTray: pick('closeToTray'),
      startAtLogin: pick('startAtLogin'),
      startHidden: pick('startHidden'),
      notifications: pick('notifications'),
      quietNotifications: pick('quietNotifications'),
    },
    problems,
  };
}

/**
 * Validates a patch from outside (IPC payload, CLI argument).
 * Throws `invalid_input` naming every bad key and the allowed values.
 */
export function parseSettingsPatch(input: unknown): SettingsPatch {
  const parsed = settingsPatchSchema.safeParse(input);
  if (parsed.success) {
    // `{ theme: undefined }` passes the schema; it means "no change", never "unset".
    return Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
  }
  const details = parsed.error.issues.map(describeIssue).join('; ');
  throw new CertDeskError('invalid_input', `Unable to update settings, ${details}`, {
    remedy: `Allowed: language = ${language.options.join(' | ')}; theme = ${theme.options.join(' | ')}; ${flagKeys.join(', ')} = true | false.`,
  });
}

/** The names of the settings, for the CLI's `settings set <key>`. */
export const settingKeys: ReadonlyArray<keyof Settings> = ['language', 'theme', ...flagKeys];

/**
 * A setting's value as typed on a command line (`certdesk settings set closeToTray false`): `true`
 * and `false` become booleans for the on/off settings; anything else is passed on unchanged, so
 * {@link parseSettingsPatch} names the bad value. Never throws.
 */
export function settingFromText(key: string, text: string): unknown {
  if (!(flagKeys as ReadonlyArray<string>).includes(key)) return text;
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown setting ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  const key = issue.path.join('.');
  return key === '' ? 'expected an object of settings' : `'${key}' is not a valid value`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
