import type { ReactNode } from 'react';
import { EmptyCertificates } from './empty-certificates.tsx';
import { useT } from '../i18n/use-t.ts';

/** `#/`: the certificates CertDesk keeps. None can exist yet, so it explains how the first arrives. */
export function DashboardPage(): ReactNode {
  const t = useT();
  return (
    <div className="page">
      <h1 className="page__title">{t('dashboard.title')}</h1>
      <EmptyCertificates />
    </div>
  );
}
