import type { ReactNode } from 'react';
import { useT } from '../i18n/use-t.ts';
import { AppLogo } from './app-logo.tsx';
import { NavLink } from './nav-link.tsx';

/** The app's title bar: the name and the main navigation (Certificates, Settings). */
export function Header(): ReactNode {
  const t = useT();
  return (
    <header className="app-header">
      <div className="app-header__brand">
        <AppLogo className="app-header__logo" />
        <span className="app-header__name">CertDesk</span>
      </div>
      <nav className="app-nav" aria-label={t('nav.label')}>
        <NavLink href="/">{t('nav.certificates')}</NavLink>
        <NavLink href="/settings">{t('nav.settings')}</NavLink>
      </nav>
    </header>
  );
}
