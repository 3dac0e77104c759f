import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { useT } from '../i18n/use-t.ts';
import { AppLogo } from './app-logo.tsx';
import { NavLink } from './nav-link.tsx';

/**
 * The app's title bar: the name, the main navigation (Certificates, Settings), and "New
 * certificate", which opens the wizard (`#/new`) from any page.
 */
export function Header(): ReactNode {
  const t = useT();
  const [location] = useLocation();
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
      <Link href="/new" className="button dash-button app-header__new" aria-current={location === '/new' ? 'page' : undefined}>
        <span aria-hidden="true" className="app-header__new-icon">
          +
        </span>
        {t('dashboard.new')}
      </Link>
    </header>
  );
}
