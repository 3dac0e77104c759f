import { useId, type ReactNode } from 'react';
import { Link } from 'wouter';
import { useT } from '../i18n/use-t.ts';
import type { MessageKey } from '../i18n/en.ts';

/** The steps from nothing to a certificate that renews itself, in order. */
const steps = [
  'dashboard.empty.step.account',
  'dashboard.empty.step.certificate',
  'dashboard.empty.step.obtain',
] as const satisfies ReadonlyArray<MessageKey>;

/** The dashboard's empty state: what CertDesk does and how the first certificate gets added. */
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
      <p className="empty-state__footer">
        {t('dashboard.empty.settings')}{' '}
        <Link href="/settings" className="text-link">
          {t('dashboard.empty.settingsLink')}
        </Link>
      </p>
    </section>
  );
}
