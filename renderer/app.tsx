import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Redirect, Route, Router, Switch, useLocation } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { DashboardPage } from './components/dashboard-page.tsx';
import { ErrorBoundary } from './components/error-boundary.tsx';
import { Header } from './components/header.tsx';
import { LoadGate } from './components/load-gate.tsx';
import { useDocumentAttributes } from './hooks/use-document-attributes.ts';
import { useEffectiveTheme } from './hooks/use-effective-theme.ts';
import { useLocale, useT } from './i18n/use-t.ts';
import type { AppStore } from './store/app-store.ts';
import { AppStoreProvider, useAppStoreApi } from './store/store-context.tsx';

/*
 * The dashboard is in the first bundle; the other pages load when first opened, so a window with
 * thousands of certificates paints its list without parsing the wizard, the detail page and Settings.
 */
const CertificatePage = lazy(() => import('./components/certificate-page.tsx').then((module) => ({ default: module.CertificatePage })));
const NewCertificatePage = lazy(() => import('./components/new-certificate-page.tsx').then((module) => ({ default: module.NewCertificatePage })));
const SettingsPage = lazy(() => import('./components/settings-page.tsx').then((module) => ({ default: module.SettingsPage })));

/**
 * The pages: `#/` the dashboard, `#/certificates/<id>` a certificate (`/log` its order log; a
 * notification click and `--open <id>` land here), `#/new` the wizard, `#/settings`. Each page sits
 * in an error boundary keyed by the route, so an error on one page never blanks the window and
 * navigating away clears it.
 */
function Routes(): ReactNode {
  const [location] = useLocation();
  return (
    <ErrorBoundary resetKey={location}>
      <Suspense fallback={<PageLoading />}>
        <Switch>
          <Route path="/">
            <DashboardPage />
          </Route>
          <Route path="/certificates/:id/:tab?">{(params) => <CertificatePage id={params.id} />}</Route>
          <Route path="/new">
            <NewCertificatePage />
          </Route>
          <Route path="/settings">
            <SettingsPage />
          </Route>
          <Route>
            <Redirect to="/" replace />
          </Route>
        </Switch>
      </Suspense>
    </ErrorBoundary>
  );
}

/** What a page shows while its code loads (a moment, the first time it is opened). */
function PageLoading(): ReactNode {
  const t = useT();
  return (
    <p className="loading" role="status">
      {t('load.loading')}
    </p>
  );
}

/**
 * The whole renderer over one store: `main.tsx` passes the store bound to `window.certdesk`, tests
 * a fresh one over an in-memory API. Routes use the URL hash (`#/`, `#/settings`) because the page is
 * a file served from `app://`, where only the hash can change without a reload.
 */
export function App({ store }: { store: AppStore }): ReactNode {
  return (
    <AppStoreProvider store={store}>
      <Shell />
    </AppStoreProvider>
  );
}

function Shell(): ReactNode {
  const store = useAppStoreApi();
  // Loading and the subscriptions to main's pushes live as long as the shell is mounted.
  useEffect(() => store.getState().init(), [store]);
  useEffect(() => store.getState().watchCertificates(), [store]);
  useDocumentAttributes(useLocale(), useEffectiveTheme());

  return (
    <Router hook={useHashLocation}>
      <div className="app">
        <Header />
        <main className="app-main">
          <LoadGate>
            <Routes />
          </LoadGate>
        </main>
      </div>
    </Router>
  );
}
