import { useId, type ReactNode } from 'react';
import { locales, type LanguageSetting, type ThemeSetting } from '../../preload/contract.ts';
import { languageNames } from '../i18n/messages.ts';
import { useT } from '../i18n/use-t.ts';
import { useAppStore } from '../store/store-context.tsx';
import { SelectField } from './select-field.tsx';

const languageSettings: ReadonlyArray<LanguageSetting> = ['system', ...locales];
const themeSettings: ReadonlyArray<ThemeSetting> = ['system', 'light', 'dark'];

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

  if (settings === null) return null;
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId} className="card__title">
        {t('settings.general')}
      </h2>
      <SelectField
        label={t('settings.language')}
        value={settings.language}
        options={languageSettings.map((language) =>
          language === 'system'
            ? { value: language, label: t('settings.language.system') }
            : { value: language, label: languageNames[language], lang: language },
        )}
        onChange={(language) => void updateSettings({ language })}
      />
      <SelectField
        label={t('settings.theme')}
        value={settings.theme}
        options={themeSettings.map((theme) => ({ value: theme, label: t(`settings.theme.${theme}`) }))}
        onChange={(theme) => void updateSettings({ theme })}
      />
      {saveError !== null && (
        <p className="notice notice--error" role="alert">
          {t('settings.saveFailed', { message: saveError })}
        </p>
      )}
    </section>
  );
}
