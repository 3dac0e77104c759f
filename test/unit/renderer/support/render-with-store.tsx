import { act, render, type RenderResult } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { Router } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import type { CertDeskApi } from '../../../../preload/contract.ts';
import { App } from '../../../../renderer/app.tsx';
import { ClockContext } from '../../../../renderer/hooks/use-now.ts';
import { createAppStore, type AppStore } from '../../../../renderer/store/app-store.ts';
import { AppStoreProvider } from '../../../../renderer/store/store-context.tsx';
import { createFakeBridge, type FakeBridge, type FakeBridgeOptions } from './fake-certdesk-api.ts';
import { createManualClock, type ManualClock } from './manual-clock.ts';

/** The instant the dashboard tests happen at (the manual clock's start). */
export const testNow = '2026-03-01T12:00:00.000Z';

/** How to render. */
export interface StoreRenderOptions extends Omit<FakeBridgeOptions, 'clock'> {
  /** An existing fake main. */
  readonly bridge?: FakeBridge;
  /** Replaces the API the store talks to (e.g. `{ ...bridge.api, listCertificates: … }`). */
  readonly api?: (bridge: FakeBridge) => CertDeskApi;
  /** The hash route; default `/`. */
  readonly route?: string;
  /** The window's clock (the fake main stamps its times from it too); default a manual clock at {@link testNow}. */
  readonly clock?: ManualClock;
  /** Wait for settings and the certificate list before rendering (default `true`). */
  readonly loaded?: boolean;
}

/** What was rendered, with the store, the fake main and the clock. */
export interface StoreRendered extends RenderResult {
  readonly bridge: FakeBridge;
  readonly store: AppStore;
  readonly clock: ManualClock;
}

async function prepare(options: StoreRenderOptions): Promise<{ bridge: FakeBridge; store: AppStore; clock: ManualClock }> {
  window.history.replaceState(null, '', `#${options.route ?? '/'}`);
  const clock = options.clock ?? createManualClock(testNow);
  const bridge = options.bridge ?? createFakeBridge({ ...options, clock: () => new Date(clock.nowMs) });
  const store = createAppStore(options.api?.(bridge) ?? bridge.api);
  if (options.loaded ?? true) {
    await act(async () => {
      store.getState().init();
      store.getState().watchCertificates();
      await store.getState().load();
      await store.getState().loadCertificates();
    });
  }
  return { bridge, store, clock };
}

/**
 * Renders `ui` (a component under test) the way the app does — StrictMode, a fresh store over a
 * {@link FakeBridge}, hash routing — with a manual clock, after settings and the certificate list
 * have loaded and the store follows main's pushes.
 */
export async function renderWithStore(ui: ReactNode, options: StoreRenderOptions = {}): Promise<StoreRendered> {
  const { bridge, store, clock } = await prepare(options);
  const result = render(
    <StrictMode>
      <ClockContext value={clock.clock}>
        <AppStoreProvider store={store}>
          <Router hook={useHashLocation}>{ui}</Router>
        </AppStoreProvider>
      </ClockContext>
    </StrictMode>,
  );
  return { ...result, bridge, store, clock };
}

/** Renders the whole {@link App} with a manual clock (the shell loads and watches on its own). */
export async function renderAppWithClock(options: StoreRenderOptions = {}): Promise<StoreRendered> {
  const { bridge, store, clock } = await prepare({ ...options, loaded: false });
  const result = render(
    <StrictMode>
      <ClockContext value={clock.clock}>
        <App store={store} />
      </ClockContext>
    </StrictMode>,
  );
  return { ...result, bridge, store, clock };
}
