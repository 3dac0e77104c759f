import { useEffect, type ReactNode } from 'react';
import { AboutSection } from './about-section.tsx';
import { DesktopSection } from './desktop-section.tsx';
import { PreferencesSection } from './preferences-section.tsx';
import { CaAccountsSection } from './settings/ca-accounts-section.tsx';
import { DnsProvidersSection } from './settings/dns-providers-section.tsx';
import { RenewalPolicySection } from './settings/renewal-policy-section.tsx';
import { SettingsNav } from './settings/settings-nav.tsx';
import { useT } from '../i18n/use-t.ts';
import { useAppStoreApi } from '../store/store-context.tsx';

/** The element ids the in-page navigation jumps to. */
const anchors = {
  general: 'settings-general',
  desktop: 'settings-desktop',
  policy: 'settings-policy',
  accounts: 'settings-accounts',
  dns: 'settings-dns',
  about: 'settings-about',
} as const;

/**
 * `#/settings`: language and theme; the desktop switches (tray, login, notifications); the renewal
 * policy (renewal window, retries, checks, alert thresholds); CA accounts; DNS providers; and what
 * this installation is (About, with the data folder). A small in-page navigation keeps the long
 * page easy to move around. The admin lists load when the page opens (and again on each visit, so
 * changes made by the CLI show).
 */
export function SettingsPage(): ReactNode {
  const t = useT();
  const store = useAppStoreApi();
  useEffect(() => {
    const state = store.getState();
    void state.loadPolicy();
    void state.loadAccounts();
    void state.loadDnsProviders();
  }, [store]);

  return (
    <div className="page settings-page">
      <h1 className="page__title">{t('settings.title')}</h1>
      <div className="settings-layout">
        <SettingsNav
          items={[
            { id: anchors.general, label: t('settings.general') },
            { id: anchors.desktop, label: t('settings.desktop') },
            { id: anchors.policy, label: t('policy.title') },
            { id: anchors.accounts, label: t('ca.title') },
            { id: anchors.dns, label: t('dns.title') },
            { id: anchors.about, label: t('about.title') },
          ]}
        />
        <div className="settings-sections">
          <div id={anchors.general} className="settings-anchor">
            <PreferencesSection />
          </div>
          <div id={anchors.desktop} className="settings-anchor">
            <DesktopSection />
          </div>
          <RenewalPolicySection headingId={anchors.policy} />
          <CaAccountsSection headingId={anchors.accounts} />
          <DnsProvidersSection headingId={anchors.dns} />
          <div id={anchors.about} className="settings-anchor">
            <AboutSection />
          </div>
        </div>
      </div>
    </div>
  );
}
