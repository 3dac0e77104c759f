import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../../renderer/app.tsx';
import { createAppStore } from '../../../renderer/store/app-store.ts';
import { createFakeBridge } from './support/fake-certdesk-api.ts';
import { renderApp } from './support/render-app.tsx';
import { setSystemLanguages, setSystemTheme } from './support/system-preferences.ts';

const html = document.documentElement;

describe('App', () => {
  it('shows a quiet loading line until info and settings are in', async () => {
    const bridge = createFakeBridge();
    const release = bridge.hold();
    renderApp({ bridge });

    expect(screen.getByRole('status').textContent).toBe('Loading…');
    expect(screen.queryByRole('heading', { name: 'No certificates yet' })).toBeNull();

    act(release);
    expect(await screen.findByRole('heading', { name: 'No certificates yet' })).toBeDefined();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('says so when the page has no bridge, without offering a pointless retry', () => {
    render(<App store={createAppStore(undefined)} />);

    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('CertDesk can’t reach its background service');
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('shows why loading failed and loads again on retry', async () => {
    const bridge = createFakeBridge();
    bridge.failAppInfo('connection to main lost');
    renderApp({ bridge });

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('CertDesk couldn’t load');
    expect(alert.textContent).toContain('connection to main lost');

    bridge.failAppInfo(null);
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'No certificates yet' })).toBeDefined();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('navigates between the dashboard and settings, marking the current page', async () => {
    renderApp();
    await screen.findByRole('heading', { name: 'No certificates yet' });

    const nav = screen.getByRole('navigation', { name: 'Main' });
    const certificates = screen.getByRole('link', { name: 'Certificates' });
    const settings = screen.getByRole('link', { name: 'Settings' });
    expect(nav.contains(certificates) && nav.contains(settings)).toBe(true);
    expect(certificates.getAttribute('href')).toBe('#/');
    expect(settings.getAttribute('href')).toBe('#/settings');
    expect(certificates.getAttribute('aria-current')).toBe('page');
    expect(settings.getAttribute('aria-current')).toBeNull();

    fireEvent.click(settings);
    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeDefined();
    expect(window.location.hash).toBe('#/settings');
    expect(settings.getAttribute('aria-current')).toBe('page');
    expect(certificates.getAttribute('aria-current')).toBeNull();

    fireEvent.click(certificates);
    expect(await screen.findByRole('heading', { name: 'No certificates yet' })).toBeDefined();
  });

  it('sends an unknown route to the dashboard', async () => {
    renderApp({ route: '/no-such-page' });
    expect(await screen.findByRole('heading', { name: 'No certificates yet' })).toBeDefined();
    expect(window.location.hash).toBe('#/');
  });

  it('mirrors the locale and the effective theme onto <html>', async () => {
    renderApp();
    await screen.findByRole('heading', { name: 'No certificates yet' });
    expect(html.lang).toBe('en');
    expect(html.dataset['theme']).toBe('light');

    act(() => {
      setSystemTheme('dark');
    });
    expect(html.dataset['theme']).toBe('dark');
  });

  it('keeps a forced theme when the OS switches', async () => {
    renderApp({ settings: { theme: 'light' } });
    await screen.findByRole('heading', { name: 'No certificates yet' });

    act(() => {
      setSystemTheme('dark');
    });
    expect(html.dataset['theme']).toBe('light');
  });

  it('re-renders in Chinese when main pushes a language change', async () => {
    const { bridge } = renderApp();
    await screen.findByRole('heading', { name: 'No certificates yet' });

    act(() => {
      bridge.push({ language: 'zh-CN' });
    });

    expect(screen.getByRole('heading', { name: '还没有证书' })).toBeDefined();
    expect(screen.getByRole('link', { name: '证书' })).toBeDefined();
    expect(screen.getByRole('link', { name: '设置' })).toBeDefined();
    expect(html.lang).toBe('zh-CN');
  });

  it('follows the OS language while the setting is "system"', async () => {
    renderApp();
    await screen.findByRole('heading', { name: 'No certificates yet' });

    act(() => {
      setSystemLanguages(['zh-CN', 'en']);
    });
    expect(screen.getByRole('heading', { name: '还没有证书' })).toBeDefined();
    expect(html.lang).toBe('zh-CN');
  });

  it('shows settings pushed while loading rather than the older ones it read', async () => {
    const bridge = createFakeBridge({ settings: { language: 'en' } });
    const release = bridge.hold();
    renderApp({ bridge });

    // The read was answered with `en`; the CLI then switched to Chinese before the answer arrived.
    act(() => {
      bridge.push({ language: 'zh-CN' });
    });
    act(release);

    expect(await screen.findByRole('heading', { name: '还没有证书' })).toBeDefined();
  });

  it('stops listening for pushes when unmounted', async () => {
    const { bridge, unmount } = renderApp();
    await screen.findByRole('heading', { name: 'No certificates yet' });
    expect(bridge.listenerCount).toBe(1);

    unmount();
    expect(bridge.listenerCount).toBe(0);
  });
});
