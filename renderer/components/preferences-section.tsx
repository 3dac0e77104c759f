import { useId, type ReactNode } from 'react';
import { locales, type LanguageSetting, type ThemeSetting } from '../../preload/contract.ts';
import { languageNames } from '../i18n/messages.ts';
import { useT } from '../i18n/use-t.ts';
import { useAppStore } from '../store/store-context.tsx';

const languageSettings: ReadonlyArray<LanguageSetting> = ['system', ...locales];
const themeSettings: ReadonlyArray<ThemeSetting> = ['system', 'light', 'dark'];

function isOneOf<T extends string>(options: ReadonlyArray<T>, value: string): value is T {
  return (options as ReadonlyArray<string>).includes(value);
}

/**
 * The Language and Theme pickers. Each shows the value main holds: picking one asks main to change
 * it and the picker follows main's answer (or its push), so it never shows a value main refused;
 * a refusal is shown under the pickers.
 */
export function PreferencesSection(): ReactNode {
  const t = useT();
  const settings = useAppStore((state) => state.settings);
  const saveError = useAppStore((state) => state.saveError);
  const updateSettings = useAppStore((state) => state.updateSettings);
  const titleId = useId();
  const languageId = useId();
  const themeId = useId();

  if (settings === null) return null;
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId} className="card__title">
        {t('settings.general')}
      </h2>
      <div className="field">
        <label htmlFor={languageId} className="field__label">
          {t('settings.language')}
        </label>
        <select
          id={languageId}
          className="select"
          value={settings.language}
          onChange={(event) => {
            const language = event.currentTarget.value;
            if (isOneOf(languageSettings, language)) void updateSettings({ language });
          }}
        >
          {languageSettings.map((language) =>
            language === 'system' ? (
              <option key={language} value={language}>
                {t('settings.language.system')}
              </option>
            ) : (
              <option key={language} value={language} lang={language}>
                {languageNames[language]}
              </option>
            ),
          )}
        </select>
      </div>
      <div className="field">
        <label htmlFor={themeId} className="field__label">
          {t('settings.theme')}
        </label>
        <select
          id={themeId}
          className="select"
          value={settings.theme}
          onChange={(event) => {
            const theme = event.currentTarget.value;
            if (isOneOf(themeSettings, theme)) void updateSettings({ theme });
          }}
        >
          {themeSettings.map((theme) => (
            <option key={theme} value={theme}>
              {t(`settings.theme.${theme}`)}
            </option>
          ))}
        </select>
      </div>
      {saveError !== null && (
        <p className="notice notice--error" role="alert">
          {t('settings.saveFailed', { message: saveError })}
        </p>
      )}
    </section>
  );
}
