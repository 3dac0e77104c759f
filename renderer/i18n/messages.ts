import type { Locale } from '../../preload/contract.ts';
import { en, type MessageKey, type Messages } from './en.ts';
import { zhCN } from './zh-cn.ts';

/** Every locale's string table. */
export const messages: Readonly<Record<Locale, Messages>> = { en, 'zh-CN': zhCN };

/**
 * Each locale's name in its own language, for the language picker: a reader finds their language
 * whatever the UI currently shows.
 */
export const languageNames: Readonly<Record<Locale, string>> = { en: 'English', 'zh-CN': '简体中文' };

/** The placeholder names (`{name}`) in an English string, as a union; `never` when it has none. */
export type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;

/** The values a string's placeholders need. */
export type MessageParams<K extends MessageKey> = Readonly<Record<Placeholders<(typeof en)[K]>, string | number>>;

/**
 * Looks up a string in the active locale and fills in its placeholders. A key whose English string
 * has placeholders requires their values; one without takes none.
 */
export type Translate = <K extends MessageKey>(
  key: K,
  ...params: [Placeholders<(typeof en)[K]>] extends [never] ? [] : [MessageParams<K>]
) => string;

/** Matches one `{name}` placeholder. */
const placeholder = /\{(\w+)\}/g;

/**
 * A {@link Translate} for one locale. A placeholder without a value is left as written, so a
 * mistake shows up on screen instead of as an empty gap.
 */
export function createTranslator(locale: Locale): Translate {
  const table = messages[locale];
  return (key, ...[params]) => {
    const values: Readonly<Record<string, string | number>> | undefined = params;
    return table[key].replace(placeholder, (whole, name: string) => {
      const value = values?.[name];
      return value === undefined ? whole : String(value);
    });
  };
}
