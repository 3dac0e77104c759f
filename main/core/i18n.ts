import type { Locale } from '../../preload/contract.ts';

/**
 * Picks the locale for headless output (the CLI) from the POSIX locale variables, in the order
 * POSIX gives them precedence: `LC_ALL`, `LC_MESSAGES`, `LANG`. Any `zh*` gives Simplified Chinese;
 * everything else, `C` and unset included, gives English.
 */
export function localeFromEnv(env: Readonly<Record<string, string | undefined>>): Locale {
  const value = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '');
  return value?.toLowerCase().startsWith('zh') === true ? 'zh-CN' : 'en';
}

/** A user-facing string in every locale CertDesk ships. */
export type Translations = Readonly<Record<Locale, string>>;
