import { useId, type ReactNode } from 'react';
import { Link } from 'wouter';
import type { MessageKey } from '../i18n/en.ts';
import { useT } from '../i18n/use-t.ts';

/** The steps from nothing to a certificate that renews itself, in order. */
const steps = [
  'dashboard.empty.step.account',
  'dashboard.empty.step.certificate',
  'dashboard.empty.step.obtain',
] as const satisfies ReadonlyArray<MessageKey>;

/**
 * The dashboard's empty state: what CertDesk does, the three steps to the first certificate, and
 * what to do next: "Add a certificate" opens the wizard (`#/new`), and Settings (CA accounts, DNS
 * providers, policy) is one link away.
 */
export function EmptyCertificates(): ReactNode {
  const t = useT();
  const titleId = useId();
  return (
    <section className="card empty-state" aria-labelledby={titleId}>
      <h2 id={titleId} className="empty-state__title">
        {t('dashboard.empty.title')}
      </h2>
      <p className="empty-state__intro">{t('dashboard.empty.intro')}</p>
      <ol className="steps">
        {steps.map((key) => (
          <li key={key} className="steps__item">
            {t(key)}
          </li>
        ))}
      </ol>
      <div className="empty-state__actions">
        <Link href="/new" className="button dash-button">
          {t('dashboard.empty.add')}
        </Link>
      </div>
      <p className="empty-state__footer">
        {t('dashboard.empty.settingsHint')}{' '}
        <Link href="/settings" className="text-link">
          {t('dashboard.empty.settingsLink')}
        </Link>
      </p>
    </section>
  );
}
