import { useId, type ReactNode } from 'react';
import type { CertificateSummaryDto } from '../../../preload/contract.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { useLocale, useT } from '../../i18n/use-t.ts';
import { localizedTextOf, ProblemNote } from './problem-note.tsx';

/**
 * What needs the admin, first on the page: the failed streak with main's own explanation and remedy
 * (per locale), how many attempts, since when, and whether CertDesk retries or has stopped; a damaged
 * live version; a revoked one. Nothing when all is well.
 */
export function FailureCard({ summary }: { readonly summary: CertificateSummaryDto }): ReactNode {
  const t = useT();
  const locale = useLocale();
  const titleId = useId();
  const { attempts } = summary;

  if (attempts !== undefined) {
    const { lastError } = attempts;
    return (
      <section className="card card--alert cert-failure" aria-labelledby={titleId}>
        <h2 id={titleId} className="card__title">
          {t('cert.failure.title')}
        </h2>
        <ProblemNote type={lastError.type} explanation={localizedTextOf(lastError.explanation)} remedy={localizedTextOf(lastError.remedy)} />
        <p className="cert-failure__message">
          <span className="cert-failure__label">{t('cert.failure.message')}: </span>
          {lastError.message}
        </p>
        <p>{t('cert.failure.attempts', { count: attempts.count, since: formatDateTime(attempts.firstFailureAt, locale) })}</p>
        {attempts.stopped === undefined ? (
          summary.nextAttemptAt === undefined ? null : <p>{t('cert.failure.nextAttempt', { time: formatDateTime(summary.nextAttemptAt, locale) })}</p>
        ) : (
          <p className="cert-failure__stopped">{t(`cert.failure.stopped.${attempts.stopped}`)}</p>
        )}
      </section>
    );
  }
  if (summary.status === 'damaged') {
    return (
      <section className="card card--alert cert-failure" aria-labelledby={titleId}>
        <h2 id={titleId} className="card__title">
          {t('cert.damaged.title')}
        </h2>
        {summary.problem === undefined ? null : <p className="cert-failure__message">{summary.problem}</p>}
        <p>{t('cert.damaged.remedy')}</p>
      </section>
    );
  }
  if (summary.status === 'revoked') {
    return (
      <p className="notice notice--error cert-note" role="note">
        {t('cert.revoked.note')}
      </p>
    );
  }
  if (summary.lastProblem !== undefined) {
    return (
      <p className="cert-note">
        {t('cert.failure.lastProblem', { time: formatDateTime(summary.lastProblem.at, locale), type: summary.lastProblem.type })}
        {summary.lastProblem.detail === undefined ? null : <> — {summary.lastProblem.detail}</>}
      </p>
    );
  }
  return null;
}
