import { render, type RenderResult } from '@testing-library/react';
import { StrictMode } from 'react';
import { App } from '../../../../renderer/app.tsx';
import { createAppStore, type AppStore } from '../../../../renderer/store/app-store.ts';
import { createFakeBridge, type FakeBridge, type FakeBridgeOptions } from './fake-certdesk-api.ts';

/** How to render the app. */
export interface RenderAppOptions extends FakeBridgeOptions {
  /** The hash route to open, e.g. `/settings`. Default `/`. */
  readonly route?: string;
  /** An existing bridge to use instead of a fresh one (e.g. one already on hold). */
  readonly bridge?: FakeBridge;
}

/** The rendered app, its fresh store and the fake main behind it. */
export interface RenderedApp extends RenderResult {
  readonly bridge: FakeBridge;
  readonly store: AppStore;
}

/**
 * Renders the whole app as `main.tsx` does (StrictMode included) over a fresh store on an in-memory
 * {@link FakeBridge}, starting at `route`.
 */
export function renderApp(options: RenderAppOptions = {}): RenderedApp {
  window.history.replaceState(null, '', `#${options.route ?? '/'}`);
  const bridge = options.bridge ?? createFakeBridge(options);
  const store = createAppStore(bridge.api);
  const result = render(
    <StrictMode>
      <App store={store} />
    </StrictMode>,
  );
  return { ...result, bridge, store };
}
