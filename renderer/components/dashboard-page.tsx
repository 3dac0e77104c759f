import { useCallback, useDeferredValue, useMemo, useState, type ReactNode } from 'react';
import type { CertificateHealth } from '../../preload/health.ts';
import { useClockValue } from '../hooks/use-now.ts';
import { useT } from '../i18n/use-t.ts';
import {
  caFilterOptions,
  createVisibleIdsSelector,
  defaultDashboardView,
  healthCounts,
  type DashboardView,
} from '../store/dashboard-view.ts';
import { useAppStore } from '../store/store-context.tsx';
import { CertificateList } from './dashboard/certificate-list.tsx';
import { ExpiryTimeline } from './dashboard/expiry-timeline.tsx';
import { ListControls } from './dashboard/list-controls.tsx';
import { SummaryBar } from './dashboard/summary-bar.tsx';
import { EmptyCertificates } from './empty-certificates.tsx';
import { InlineError } from './inline-error.tsx';

const minuteMs = 60 * 1000;

/**
 * The page's minute turns 15 s past the clock's minute: at the full minute every countdown on screen
 * changes its text, and recounting 5,000 certificates on that same tick would make it the one slow
 * tick. Apart, each stays well inside a frame.
 */
const minuteTurnOffsetMs = 15_000;

/** The start of the page's current minute (see {@link minuteTurnOffsetMs}). */
function pageMinute(nowMs: number): number {
  return Math.floor((nowMs - minuteTurnOffsetMs) / minuteMs) * minuteMs + minuteTurnOffsetMs;
}

/**
 * `#/`: every certificate CertDesk keeps or monitors. The summary bar counts them by health (and
 * filters by a click), the virtualised list below it can be searched, filtered and sorted (a row
 * opens the certificate), and the expiry timeline under the list shows when they expire and renew. Before the list
 * arrives a quiet loading line shows, a failed load shows why with its remedy and a retry, and an
 * empty data dir leads to the wizard.
 *
 * The view (search, filters, sort) is this page's own state: nothing else reads it, and it starts
 * fresh each time the dashboard opens. Filtering and sorting react to the time once a minute (a
 * certificate entering the 14-day window), never on the countdowns' every-second tick.
 */
export function DashboardPage(): ReactNode {
  const t = useT();
  const status = useAppStore((state) => state.certificatesStatus);
  const error = useAppStore((state) => state.certificatesError);
  const count = useAppStore((state) => state.certificateIds.length);
  const loadCertificates = useAppStore((state) => state.loadCertificates);

  let body: ReactNode;
  if (status === 'failed' && error !== null) {
    body = (
      <div className="dashboard__error">
        <InlineError error={error} />
        <button type="button" className="button dash-button" onClick={() => void loadCertificates()}>
          {t('dashboard.retry')}
        </button>
      </div>
    );
  } else if (status !== 'ready') {
    body = (
      <p className="loading" role="status">
        {t('dashboard.loading')}
      </p>
    );
  } else if (count === 0) {
    body = <EmptyCertificates />;
  } else {
    body = <Dashboard />;
  }

  return (
    <div className="page page--dashboard">
      <h1 className="page__title">{t('dashboard.title')}</h1>
      {body}
    </div>
  );
}

/** The dashboard proper, once there is at least one certificate. */
function Dashboard(): ReactNode {
  const t = useT();
  const certificates = useAppStore((state) => state.certificates);
  const certificateIds = useAppStore((state) => state.certificateIds);
  const progress = useAppStore((state) => state.progress);
  const error = useAppStore((state) => state.certificatesError);
  const loadCertificates = useAppStore((state) => state.loadCertificates);
  const [view, setView] = useState<DashboardView>(defaultDashboardView);
  // Typing stays responsive with thousands of rows: the list follows the search text a beat behind.
  const query = useDeferredValue(view.query);
  const nowMs = useClockValue(pageMinute);
  const [selectVisible] = useState(createVisibleIdsSelector);

  const visibleIds = selectVisible({ certificates, certificateIds, progress, view: { ...view, query }, nowMs });
  const counts = useMemo(() => healthCounts(certificates, certificateIds, progress, nowMs), [certificates, certificateIds, progress, nowMs]);
  const caOptions = useMemo(() => caFilterOptions(certificates, certificateIds), [certificates, certificateIds]);

  const toggleHealth = useCallback((health: CertificateHealth): void => {
    setView((current) => ({ ...current, status: current.status === `health:${health}` ? 'all' : `health:${health}` }));
  }, []);

  return (
    <>
      {error === null ? null : (
        <div className="dashboard__error">
          <InlineError error={error} />
          <button type="button" className="button dash-button" onClick={() => void loadCertificates()}>
            {t('dashboard.retry')}
          </button>
        </div>
      )}
      <SummaryBar counts={counts} filter={view.status} onToggle={toggleHealth} />
      <section className="card cert-panel" aria-label={t('dashboard.list.label')}>
        <ListControls view={view} onChange={setView} caOptions={caOptions} shown={visibleIds.length} total={counts.total} />
        {visibleIds.length === 0 ? (
          <div className="cert-panel__empty">
            <h2 className="cert-panel__empty-title">{t('dashboard.noMatch.title')}</h2>
            <p>{t('dashboard.noMatch.body')}</p>
            <button
              type="button"
              className="button dash-button"
              onClick={() => {
                setView((current) => ({ ...current, query: '', status: 'all', ca: 'all' }));
              }}
            >
              {t('dashboard.clearFilters')}
            </button>
          </div>
        ) : (
          <CertificateList ids={visibleIds} />
        )}
      </section>
      <ExpiryTimeline />
    </>
  );
}
