import { useId, type ReactNode } from 'react';
import type { CertificateSummaryDto } from '../../../preload/contract.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { useLocale, useT } from '../../i18n/use-t.ts';
import { ExpiryCountdown } from '../expiry-countdown.tsx';
import { Fact } from './fact.tsx';

/**
 * When the live certificate is valid, how long it has left (the live countdown on the window's one
 * clock), when CertDesk renews it and by which rule, the CA's ARI window, the next attempt after a
 * failure, and the last dry run.
 */
export function ValidityCard({ summary }: { readonly summary: CertificateSummaryDto }): ReactNode {
  const t = useT();
  const locale = useLocale();
  const titleId = useId();
  const { rehearsal, ariWindow } = summary;
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId} className="card__title">
        {t('cert.validity.title')}
      </h2>
      {summary.notAfter === undefined ? (
        <p className="card__empty">{t('cert.validity.none')}</p>
      ) : (
        <dl className="facts">
          {summary.notBefore === undefined ? null : (
            <Fact label={t('cert.validity.notBefore')}>
              <time dateTime={summary.notBefore}>{formatDateTime(summary.notBefore, locale)}</time>
            </Fact>
          )}
          <Fact label={t('cert.validity.notAfter')}>
            <time dateTime={summary.notAfter}>{formatDateTime(summary.notAfter, locale)}</time>
          </Fact>
          <Fact label={t('cert.validity.remaining')}>
            <ExpiryCountdown notAfter={summary.notAfter} />
          </Fact>
          {summary.renewAt === undefined ? null : (
            <Fact label={t('cert.validity.renewAt')}>
              <time dateTime={summary.renewAt}>{formatDateTime(summary.renewAt, locale)}</time>
              {summary.renewalBasis === undefined ? null : <span className="facts__hint">{t(`cert.basis.${summary.renewalBasis}`)}</span>}
            </Fact>
          )}
          {ariWindow === undefined ? null : (
            <Fact label={t('cert.validity.ari')}>
              <span>{t('cert.validity.ariRange', { start: formatDateTime(ariWindow.start, locale), end: formatDateTime(ariWindow.end, locale) })}</span>
              {ariWindow.explanationUrl === undefined || !/^https:\/\//.test(ariWindow.explanationUrl) ? null : (
                <a className="text-link" href={ariWindow.explanationUrl} target="_blank" rel="noreferrer noopener">
                  {t('cert.validity.ariLink')}
                </a>
              )}
            </Fact>
          )}
        </dl>
      )}
      {summary.nextAttemptAt === undefined && rehearsal === undefined ? null : (
        <dl className="facts">
          {summary.nextAttemptAt === undefined ? null : (
            <Fact label={t('cert.validity.nextAttempt')}>
              <time dateTime={summary.nextAttemptAt}>{formatDateTime(summary.nextAttemptAt, locale)}</time>
            </Fact>
          )}
          {rehearsal === undefined ? null : (
            <Fact label={t('cert.validity.rehearsal')}>
              <span className={rehearsal.ok ? undefined : 'text-danger'}>
                {rehearsal.ok ? t('cert.rehearsal.ok', { time: formatDateTime(rehearsal.at, locale) }) : t('cert.rehearsal.failed', { time: formatDateTime(rehearsal.at, locale) })}
              </span>
              {rehearsal.message === undefined ? null : <span className="facts__hint">{rehearsal.message}</span>}
            </Fact>
          )}
        </dl>
      )}
    </section>
  );
}

