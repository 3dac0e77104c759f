import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../support/render-app.tsx';

describe('DashboardPage', () => {
  it('explains, step by step, how the first certificate gets added', async () => {
    renderApp();

    const region = await screen.findByRole('region', { name: 'No certificates yet' });
    expect(screen.getByRole('heading', { level: 1, name: 'Certificates' })).toBeDefined();
    const steps = within(region).getAllByRole('listitem');
    expect(steps).toHaveLength(3);
    expect(steps[0]?.textContent).toContain('CA account');
    expect(steps[0]?.textContent).toContain('Let’s Encrypt');
    expect(steps[1]?.textContent).toContain('domains');
    expect(steps[1]?.textContent).toMatch(/DNS.*HTTP/);
    expect(steps[2]?.textContent).toContain('renews it in the background');
    expect(steps[2]?.textContent).toContain('folders');
  });

  it('offers no buttons, only a link to Settings', async () => {
    renderApp();
    const region = await screen.findByRole('region', { name: 'No certificates yet' });
    expect(within(region).queryByRole('button')).toBeNull();

    fireEvent.click(within(region).getByRole('link', { name: 'Open Settings' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeDefined();
  });

  it('reads in Chinese', async () => {
    const { bridge } = renderApp();
    await screen.findByRole('region', { name: 'No certificates yet' });
    act(() => {
      bridge.push({ language: 'zh-CN' });
    });

    const region = screen.getByRole('region', { name: '还没有证书' });
    expect(screen.getByRole('heading', { level: 1, name: '证书' })).toBeDefined();
    expect(within(region).getAllByRole('listitem')[0]?.textContent).toContain('CA 账户');
    expect(within(region).getByRole('link', { name: '打开设置' })).toBeDefined();
  });
});
