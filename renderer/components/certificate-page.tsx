import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import type { ApiError } from '../../preload/contract.ts';
import { useT } from '../i18n/use-t.ts';
import { useAppStore, useAppStoreApi } from '../store/store-context.tsx';
import { CertificateActions } from './certificate/certificate-actions.tsx';
import { CertificateOverview } from './certificate/certificate-overview.tsx';
import { OrderProgressBar } from './order-progress-bar.tsx';
import { ExpiryCountdown } from './expiry-countdown.tsx';
import { InlineError } from './inline-error.tsx';
import { OrderLogViewer } from './order-log/order-log-viewer.tsx';
import { StatusBadge } from './status-badge.tsx';

/** The page's tabs, in order; the first is the default (`#/certificates/<id>`). */
const tabs = ['overview', 'log'] as const;
type Tab = (typeof tabs)[number];

/**
 * `#/certificates/<id>` (and `#/certificates/<id>/log`): one certificate's detail and order log.
 *
 * The header (name, status, domains, countdown), the actions and the progress of a running order
 * stay on top; below, two ARIA tabs — Overview and Order log — whose selection is the URL, so a
 * notification or `--open <id>` can land on either. The detail is read on arrival and again on each
 * `cert:changed` for this certificate; while it loads the list's summary fills the header, a failed
 * read shows its error with the remedy and a retry, and a certificate that is gone says so.
 */
export function CertificatePage({ id }: { readonly id: string }): ReactNode {
  const t = useT();
  const store = useAppStoreApi();
  const params = useParams<{ tab?: string }>();
  const [, navigate] = useLocation();
  const tab: Tab = params.tab === 'log' ? 'log' : 'overview';
  const entry = useAppStore((state) => state.details[id]);
  const listed = useAppStore((state) => state.certificates[id]);
  const progress = useAppStore((state) => state.progress[id]);

  useEffect(() => store.getState().watchDetail(id), [store, id]);
  // The list's summary carries the rate-limit budget only from `cert:show`: read it once here.
  useEffect(() => {
    void store.getState().refreshCertificate(id);
  }, [store, id]);

  const detail = entry?.detail ?? null;
  const summary = listed ?? detail?.summary;
  const error = entry?.error ?? null;

  if (error?.code === 'not_found') {
    return (
      <div className="page cert-page">
        <BackLink />
        <div className="notice notice--error" role="alert">
          <h1 className="notice__title">{t('cert.notFound.title')}</h1>
          <p>{t('cert.notFound.body')}</p>
        </div>
      </div>
    );
  }
  if (summary === undefined) {
    return (
      <div className="page cert-page">
        <BackLink />
        <h1 className="page__title cert-page__id">{id}</h1>
        {error === null ? (
          <p className="loading" role="status">
            {t('cert.loading')}
          </p>
        ) : (
          <DetailError error={error} onRetry={() => void store.getState().loadDetail(id)} />
        )}
      </div>
    );
  }

  return (
    <div className="page cert-page">
      <BackLink />
      <header className="cert-header">
        <div className="cert-header__title">
          <h1 className="page__title cert-page__id">{id}</h1>
          <StatusBadge summary={summary} />
        </div>
        {summary.domains.length === 0 ? null : (
          <p className="cert-header__domains">
            {summary.domains.map((domain) => (
              <code key={domain} className="cert-header__domain">
                {domain}
              </code>
            ))}
          </p>
        )}
        <p className="cert-header__meta">
          <ExpiryCountdown notAfter={summary.notAfter} />
          {summary.issuer === undefined ? null : <span className="cert-header__issuer">{summary.issuer}</span>}
        </p>
        {summary.monitored === undefined ? null : (
          <p className="cert-header__note">
            {summary.monitored === 'tls' && summary.endpoint !== undefined
              ? t('cert.monitored.tls', { host: summary.endpoint.host, port: summary.endpoint.port })
              : t('cert.monitored.import')}
          </p>
        )}
      </header>
      <CertificateActions summary={summary} detail={detail} />
      {progress === undefined ? null : <OrderProgressBar progress={progress} />}
      {error === null ? null : <DetailError error={error} onRetry={() => void store.getState().loadDetail(id)} />}
      <Tabs
        id={id}
        current={tab}
        onSelect={(next) => {
          navigate(next === 'overview' ? `/certificates/${encodeURIComponent(id)}` : `/certificates/${encodeURIComponent(id)}/${next}`, { replace: true });
        }}
      >
        {tab === 'overview' ? <CertificateOverview summary={summary} detail={detail} /> : <OrderLogViewer certId={id} />}
      </Tabs>
    </div>
  );
}

/** Why the detail could not be read, with the remedy, and a way to read it again. */
function DetailError({ error, onRetry }: { readonly error: ApiError; readonly onRetry: () => void }): ReactNode {
  const t = useT();
  return (
    <div className="cert-page__error">
      <InlineError error={error} />
      <button type="button" className="button" onClick={onRetry}>
        {t('cert.retry')}
      </button>
    </div>
  );
}

function BackLink(): ReactNode {
  const t = useT();
  return (
    <nav className="cert-page__back">
      <Link href="/" className="text-link">
        <span aria-hidden="true">← </span>
        {t('cert.back')}
      </Link>
    </nav>
  );
}

/**
 * The WAI-ARIA tabs pattern with automatic activation: one tab stop (the selected tab), Left/Right
 * move between tabs and select them, Home/End jump to the first/last; the panel is labelled by its
 * tab and is itself focusable, so Tab from the tabs lands in it.
 */
function Tabs({ id, current, onSelect, children }: { readonly id: string; readonly current: Tab; readonly onSelect: (tab: Tab) => void; readonly children: ReactNode }): ReactNode {
  const t = useT();
  const baseId = useId();
  const refs = useRef<Partial<Record<Tab, HTMLButtonElement | null>>>({});
  const tabId = (tab: Tab): string => `${baseId}-tab-${tab}`;
  const panelId = `${baseId}-panel`;
  const select = (tab: Tab): void => {
    onSelect(tab);
    refs.current[tab]?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const index = tabs.indexOf(current);
    const next =
      event.key === 'ArrowRight' ? tabs[(index + 1) % tabs.length] : event.key === 'ArrowLeft' ? tabs[(index - 1 + tabs.length) % tabs.length] : event.key === 'Home' ? tabs[0] : event.key === 'End' ? tabs.at(-1) : undefined;
    if (next === undefined) return;
    event.preventDefault();
    select(next);
  };
  return (
    <>
      <div className="tabs" role="tablist" aria-label={t('cert.tabs.label')} onKeyDown={onKeyDown}>
        {tabs.map((tab) => (
          <button
            key={tab}
            ref={(element) => {
              refs.current[tab] = element;
            }}
            id={tabId(tab)}
            type="button"
            role="tab"
            className="tabs__tab"
            aria-selected={tab === current}
            aria-controls={panelId}
            tabIndex={tab === current ? 0 : -1}
            onClick={() => {
              select(tab);
            }}
          >
            {t(`cert.tab.${tab}`)}
          </button>
        ))}
      </div>
      <div key={`${id}/${current}`} id={panelId} className="tabs__panel" role="tabpanel" aria-labelledby={tabId(current)} tabIndex={0}>
        {children}
      </div>
    </>
  );
}
