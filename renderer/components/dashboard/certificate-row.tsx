import { memo, useId, type FocusEventHandler, type ReactNode } from 'react';
import { Link } from 'wouter';
import type { CertificateSummaryDto, Locale } from '../../../preload/contract.ts';
import { useClockValue } from '../../hooks/use-now.ts';
import { formatDate, formatDateTime } from '../../i18n/format.ts';
import type { Translate } from '../../i18n/messages.ts';
import { useLocale, useT } from '../../i18n/use-t.ts';
import { certificateFacts } from '../../store/dashboard-view.ts';
import { useAppStore } from '../../store/store-context.tsx';
import { ExpiryCountdown } from '../expiry-countdown.tsx';
import { StatusBadge } from '../status-badge.tsx';
import { OrderProgressBar } from '../order-progress-bar.tsx';

const dayMs = 24 * 60 * 60 * 1000;

/** What a {@link CertificateRow} shows and how the list drives its focus. */
export interface CertificateRowProps {
  readonly summary: CertificateSummaryDto;
  /** Whether this row is the list's one Tab stop (roving tabindex). */
  readonly tabbable: boolean;
  /** Called when the row's link takes focus, with the certificate id (the list makes it the active row). */
  readonly onFocusRow: (id: string) => void;
}

/**
 * One certificate in the dashboard's list: a link to `#/certificates/<id>` (click or Enter opens it)
 * showing the first domain with the count of other names, the CA account and issuer (or, for a
 * monitor-only certificate, that it is one and its endpoint), the status badge, the live expiry
 * countdown with the date, and what happens next: the renewal time, the next attempt and last
 * error after a failure, why retries stopped, or the progress bar while an order runs.
 *
 * Memoised: it re-renders when its summary or its order's progress changes; the countdown and badge
 * inside follow the shared clock on their own.
 */
export const CertificateRow = memo(function CertificateRow({ summary, tabbable, onFocusRow }: CertificateRowProps): ReactNode {
  const t = useT();
  const locale = useLocale();
  const progress = useAppStore((state) => state.progress[summary.id]);
  const facts = certificateFacts(summary);
  const ids = useId();
  const nameId = `${ids}-name`;
  const badgeId = `${ids}-badge`;
  const countdownId = `${ids}-countdown`;
  const nextId = `${ids}-next`;
  const onFocus: FocusEventHandler = () => {
    onFocusRow(summary.id);
  };

  return (
    <Link
      href={`/certificates/${encodeURIComponent(summary.id)}`}
      className="cert-row"
      tabIndex={tabbable ? 0 : -1}
      aria-labelledby={`${nameId} ${badgeId}`}
      aria-describedby={`${countdownId} ${nextId}`}
      onFocus={onFocus}
      data-cert-id={summary.id}
    >
      <div className="cert-row__cell cert-row__identity">
        <div className="cert-row__name" id={nameId} title={summary.domains.join('\n') || summary.id}>
          <span className="cert-row__domain">{facts.name}</span>
          {facts.otherNames > 0 ? (
            <>
              {' '}
              <span className="cert-row__more">{t('dashboard.row.moreNames', { count: facts.otherNames })}</span>
            </>
          ) : null}
        </div>
        <div className="cert-row__meta">{sourceText(summary, facts.issuer, t)}</div>
      </div>
      <div className="cert-row__cell cert-row__status">
        <StatusBadge summary={summary} id={badgeId} />
      </div>
      <div className="cert-row__cell cert-row__expiry">
        <ExpiryCountdown notAfter={summary.notAfter} id={countdownId} />
        {summary.notAfter === undefined ? null : <div className="cert-row__date">{formatDate(summary.notAfter, locale)}</div>}
      </div>
      <div className="cert-row__cell cert-row__next" id={nextId}>
        {progress === undefined ? <NextStep summary={summary} t={t} locale={locale} /> : <OrderProgressBar progress={progress} />}
      </div>
    </Link>
  );
});

/** Where the certificate comes from: the CA account and issuer, or that it is monitor-only (and where). */
function sourceText(summary: CertificateSummaryDto, issuer: string | undefined, t: Translate): string {
  if (summary.monitored === 'tls' && summary.endpoint !== undefined) {
    return t('dashboard.row.monitoredTls', { endpoint: `${summary.endpoint.host}:${String(summary.endpoint.port)}` });
  }
  if (summary.monitored !== undefined) return t('dashboard.row.monitoredImport');
  return [summary.ca, issuer].filter((part) => part !== undefined && part !== '').join(' · ');
}

/** The "next renewal" cell when no order runs: what CertDesk does next, or what stopped it. */
function NextStep({ summary, t, locale }: { readonly summary: CertificateSummaryDto; readonly t: Translate; readonly locale: Locale }): ReactNode {
  const renewAtMs = summary.renewAt === undefined ? Number.NaN : Date.parse(summary.renewAt);
  // A boolean snapshot: the cell re-renders once, when the renewal time passes, not every second.
  const due = useClockValue((now) => renewAtMs <= now);
  // Within a day the time matters more than the date ("Renews 3:40 PM" rather than today's date).
  const soon = useClockValue((now) => renewAtMs - now < dayMs);
  const lastError = summary.attempts?.lastError;
  const explained = lastError === undefined ? summary.lastProblem?.detail : (lastError.explanation[locale] ?? lastError.explanation['en'] ?? lastError.message);

  if (summary.monitored !== undefined) {
    const deployed = summary.endpoint?.deployed;
    return <Line text={deployed === undefined ? t('dashboard.row.notRenewed') : t(`dashboard.row.deployed.${deployed}`)} warn={deployed === 'older' || deployed === 'other'} />;
  }
  switch (summary.status) {
    case 'none':
      return <Line text={t('dashboard.row.firstOrder')} />;
    case 'failing':
      return (
        <>
          <Line text={summary.nextAttemptAt === undefined ? t('status.retrying', { time: '—' }) : t('dashboard.row.nextAttempt', { time: formatDateTime(summary.nextAttemptAt, locale) })} />
          {explained === undefined ? null : <Line text={t('dashboard.row.lastError', { message: explained })} warn />}
        </>
      );
    case 'stopped':
      return <Line text={t('dashboard.row.stopped', { message: explained ?? '—' })} warn />;
    case 'revoked':
      return <Line text={t('dashboard.row.revoked')} warn />;
    case 'damaged':
      return <Line text={t('dashboard.row.damaged', { problem: summary.problem ?? '—' })} warn />;
    case 'valid':
    case 'expired':
    case 'renewing':
      if (summary.renewAt === undefined || Number.isNaN(renewAtMs)) return null;
      return due ? <Line text={t('dashboard.row.renewalDue')} warn /> : <Line text={t('dashboard.row.renewsAt', { time: soon ? formatDateTime(summary.renewAt, locale) : formatDate(summary.renewAt, locale) })} />;
  }
}

/** One line of a cell, cut with an ellipsis when too long (the whole text is in its title). */
function Line({ text, warn = false }: { readonly text: string; readonly warn?: boolean }): ReactNode {
  return (
    <div className={warn ? 'cert-row__line cert-row__line--warn' : 'cert-row__line'} title={text}>
      {text}
    </div>
  );
}
