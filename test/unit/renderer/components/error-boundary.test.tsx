import { fireEvent, screen } from '@testing-library/react';
import { useState, type ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorBoundary } from '../../../../renderer/components/error-boundary.tsx';
import type { CertDeskApi } from '../../../../preload/contract.ts';
import { createFakeBridge } from '../support/fake-certdesk-api.ts';
import { renderApp } from '../support/render-app.tsx';
import { renderWithStore } from '../support/render-with-store.tsx';

/** Throws while `broken.now` is set, as a page with a rendering bug would. */
const broken = { now: true };

function Page(): ReactNode {
  if (broken.now) throw new Error('versions is not iterable');
  return <p>The page works</p>;
}

/** Switches between two "routes" so the boundary's reset key changes. */
function TwoRoutes(): ReactNode {
  const [route, setRoute] = useState('a');
  return (
    <>
      <button type="button" onClick={() => { setRoute('b'); }}>
        Go elsewhere
      </button>
      <ErrorBoundary resetKey={route}>{route === 'a' ? <Page /> : <p>Another page</p>}</ErrorBoundary>
    </>
  );
}

describe('ErrorBoundary', () => {
  beforeEach(() => {
    broken.now = true;
    // React reports caught render errors on the console; the boundary logs them too.
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('shows what happened and a way back instead of a blank window', async () => {
    await renderWithStore(
      <ErrorBoundary resetKey="a">
        <Page />
      </ErrorBoundary>,
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Something went wrong on this page');
    expect(alert.textContent).toContain('versions is not iterable');
    broken.now = false;
    fireEvent.click(screen.getByRole('button', { name: 'Reload this page' }));
    expect(screen.getByText('The page works')).toBeDefined();
  });

  it('clears the error when the route changes', async () => {
    await renderWithStore(<TwoRoutes />);
    expect(screen.getByRole('alert')).toBeDefined();
    fireEvent.click(screen.getByRole('button', { name: 'Go elsewhere' }));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('Another page')).toBeDefined();
  });

  it('keeps the window usable when a page of the app fails on malformed data from main', async () => {
    const bridge = createFakeBridge({ certificates: [{ summary: { id: 'shop', domains: ['shop.example'], ca: 'le', status: 'valid' } }] });
    const api: CertDeskApi = {
      ...bridge.api,
      // A detail without its versions array: the page's rendering fails, not the window.
      getCertificateDetail: async (id) => ({ ...(await bridge.api.getCertificateDetail(id)), versions: null as unknown as [] }),
    };
    renderApp({ route: '/certificates/shop', bridge: { ...bridge, api } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Something went wrong on this page');
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeDefined();
    fireEvent.click(screen.getByRole('link', { name: 'Settings' }));
    expect(await screen.findByRole('heading', { name: 'Settings', level: 1 })).toBeDefined();
    expect(screen.queryByText('Something went wrong on this page')).toBeNull();
  });
});
