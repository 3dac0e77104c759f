import type { ReactNode } from 'react';
import { AboutSection } from './about-section.tsx';
import { DesktopSection } from './desktop-section.tsx';
import { PreferencesSection } from './preferences-section.tsx';
import { useT } from '../i18n/use-t.ts';

/** `#/settings`: language and theme, the desktop switches (tray, login, notifications), and what this installation is (About). */
export function SettingsPage(): ReactNode {
  const t = useT();
  return (
    <div className="page">
      <h1 className="page__title">{t('settings.title')}</h1>
      <PreferencesSection />
      <DesktopSection />
      <AboutSection />
    </div>
  );
}
