/**
 * CertDesk's strings in English and Simplified Chinese, how the active locale is chosen, and the
 * hooks components translate with.
 */
export { en, type MessageKey, type Messages } from './en.ts';
export { zhCN } from './zh-cn.ts';
export {
  createTranslator,
  languageNames,
  messages,
  type MessageParams,
  type Placeholders,
  type Translate,
} from './messages.ts';
export { resolveLocale } from './resolve-locale.ts';
export { useLocale, useT } from './use-t.ts';
