import { memo, type ReactNode } from 'react';
import type { Locale } from '../../../preload/contract.ts';
import type { CertificateHealth } from '../../../preload/health.ts';
import { useLocale, useT } from '../../i18n/use-t.ts';
import type { HealthCounts, StatusFilter } from '../../store/dashboard-view.ts';

/** The healths the summary shows, worst first, as the tray lists them. */
const healths: ReadonlyArray<CertificateHealth> = ['failing', 'expiring', 'ok', 'pending'];

/** Each locale's thousands separator: a new locale must say which it uses (a type error until it does). */
const groupSeparators: Readonly<Record<Locale, string>> = { en: ',', 'zh-CN': ',' };

/**
 * A count as the locale writes it (`5,000`), grouped by hand: building an `Intl.NumberFormat` loads
 * locale data that the first paint would wait for, and whole numbers need only the separator.
 */
export function formatCount(count: number, locale: Locale): string {
  return String(Math.trunc(count)).replace(/\B(?=(\d{3})+(?!\d))/g, groupSeparators[locale]);
}

/** What the {@link SummaryBar} shows and reports. */
export interface SummaryBarProps {
  readonly counts: HealthCounts;
  readonly filter: StatusFilter;
  readonly onToggle: (health: CertificateHealth) => void;
}

/**
 * The tray-style summary over the list: how many certificates are failing, expiring soon, fine, and
 * not obtained yet (counted with `certificateHealth`, the tray's own rule), plus the total and how
 * many renew right now. Each count is a toggle button that filters the list to that health
 * (`aria-pressed` shows which); pressing it again shows everything. Memoised on the figures
 * themselves, so the dashboard's once-a-minute recount re-renders it only when a count changed.
 */
export const SummaryBar = memo(function SummaryBar({ counts, filter, onToggle }: SummaryBarProps): ReactNode {
  const t = useT();
  const locale = useLocale();
  return (
    <section className="summary-bar" aria-label={t('dashboard.summary.label')}>
      <ul className="summary-bar__list">
        {healths.map((health) => {
          const pressed = filter === `health:${health}`;
          return (
            <li key={health} className="summary-bar__item">
              <button
                type="button"
                className={`summary-tile summary-tile--${health}${counts[health] === 0 ? ' summary-tile--zero' : ''}`}
                aria-pressed={pressed}
                title={t('dashboard.summary.filterHint')}
                onClick={() => {
                  onToggle(health);
                }}
              >
                <span className="summary-tile__count">{formatCount(counts[health], locale)}</span>{' '}
                <span className="summary-tile__label">{t(`dashboard.summary.${health}`)}</span>
              </button>
            </li>
          );
        })}
      </ul>
      <p className="summary-bar__totals">
        <span>{t('dashboard.summary.total', { count: formatCount(counts.total, locale) })}</span>
        {counts.renewing > 0 ? <span className="summary-bar__renewing">{t('dashboard.summary.renewing', { count: formatCount(counts.renewing, locale) })}</span> : null}
      </p>
    </section>
  );
}, sameSummary);

/** Equal when every figure, the filter and the handler are. */
function sameSummary(a: SummaryBarProps, b: SummaryBarProps): boolean {
  return (
    a.filter === b.filter &&
    a.onToggle === b.onToggle &&
    a.counts.ok === b.counts.ok &&
    a.counts.expiring === b.counts.expiring &&
    a.counts.failing === b.counts.failing &&
    a.counts.pending === b.counts.pending &&
    a.counts.renewing === b.counts.renewing &&
    a.counts.total === b.counts.total
  );
}
