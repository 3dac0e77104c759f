import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { EmptyCertificates } from '../../../../renderer/components/empty-certificates.tsx';
import { renderWithStore } from '../support/render-with-store.tsx';

describe('EmptyCertificates', () => {
  it('explains, step by step, how the first certificate gets added', async () => {
    await renderWithStore(<EmptyCertificates />);
    const region = screen.getByRole('region', { name: 'No certificates yet' });
    const steps = within(region).getAllByRole('listitem');
    expect(steps).toHaveLength(3);
    expect(steps[0]?.textContent).toContain('CA account');
    expect(steps[1]?.textContent).toMatch(/DNS.*HTTP/);
    expect(steps[2]?.textContent).toContain('renews it in the background');
  });

  it('leads to the wizard, and to Settings for accounts and providers', async () => {
    await renderWithStore(<EmptyCertificates />);
    const region = screen.getByRole('region', { name: 'No certificates yet' });
    expect(within(region).getByText(/CA accounts, DNS providers, the renewal policy/)).toBeDefined();
    fireEvent.click(within(region).getByRole('link', { name: 'Add a certificate' }));
    expect(window.location.hash).toBe('#/new');
    fireEvent.click(within(region).getByRole('link', { name: 'Open Settings' }));
    expect(window.location.hash).toBe('#/settings');
  });

  it('reads in Chinese', async () => {
    await renderWithStore(<EmptyCertificates />, { settings: { language: 'zh-CN' } });
    const region = screen.getByRole('region', { name: '还没有证书' });
    expect(within(region).getByRole('link', { name: '添加证书' })).toBeDefined();
    expect(within(region).getByRole('link', { name: '打开设置' })).toBeDefined();
  });
});
