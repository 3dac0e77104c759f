import { useEffect, type ReactNode } from 'react';
import { Redirect, Route, Router, Switch } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { DashboardPage } from './components/dashboard-page.tsx';
import { Header } from './components/header.tsx';
import { LoadGate } from './components/load-gate.tsx';
import { SettingsPage } from './components/settings-page.tsx';
import { useDocumentAttributes } from './hooks/use-document-attributes.ts';
import { useEffectiveTheme } from './hooks/use-effective-theme.ts';
import { useLocale } from './i18n/use-t.ts';
import type { AppStore } from './store/app-store.ts';
import { AppStoreProvider, useAppStoreApi } from './store/store-context.tsx';

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
  // Loading and the settings:changed subscription live as long as the shell is mounted.
  useEffect(() => store.getState().init(), [store]);
  useDocumentAttributes(useLocale(), useEffectiveTheme());

  return (
    <Router hook={useHashLocation}>
      <div className="app">
        <Header />
        <main className="app-main">
          <LoadGate>
            <Switch>
              <Route path="/">
                <DashboardPage />
              </Route>
              <Route path="/settings">
                <SettingsPage />
              </Route>
              <Route>
                <Redirect to="/" replace />
              </Route>
            </Switch>
          </LoadGate>
        </main>
      </div>
    </Router>
  );
}
