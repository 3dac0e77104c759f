import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { OrderProgressBar } from '../../../../renderer/components/order-progress-bar.tsx';
import { orderSteps, type OrderStep } from '../../../../renderer/store/order-progress.ts';
import { renderWithStore } from '../support/render-with-store.tsx';

const names: Readonly<Record<OrderStep, readonly [string, string]>> = {
  creating_order: ['Creating order', '正在创建订单'],
  presenting_challenge: ['Presenting challenge', '正在部署验证'],
  waiting_validation: ['Waiting for validation', '等待验证'],
  finalizing: ['Finalizing', '正在签发'],
  downloading: ['Downloading', '正在下载'],
  exporting: ['Exporting', '正在导出'],
};

describe('OrderProgressBar', () => {
  it.each(orderSteps.map((step, index) => [step, index + 1] as const))('shows %s as step %d of 6', async (step, n) => {
    await renderWithStore(<OrderProgressBar progress={{ step, since: '2026-03-01T12:00:00.000Z' }} />);
    const bar = screen.getByRole('progressbar', { name: 'Order progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe(String(n));
    expect(bar.getAttribute('aria-valuemin')).toBe('0');
    expect(bar.getAttribute('aria-valuemax')).toBe('6');
    expect(bar.getAttribute('aria-valuetext')).toBe(`Step ${String(n)} of 6: ${names[step][0]}`);
    expect(screen.getByText(names[step][0])).toBeDefined();
    expect(screen.getByText(`${String(n)}/6`)).toBeDefined();
    // The steps done and the current one are filled; the rest are not.
    const segments = bar.querySelectorAll('.order-progress__segment');
    expect(segments).toHaveLength(6);
    expect([...segments].filter((segment) => segment.className.includes('--done') || segment.className.includes('--current'))).toHaveLength(n);
  });

  it('announces the step name politely as it changes', async () => {
    await renderWithStore(<OrderProgressBar progress={{ step: 'finalizing', since: '2026-03-01T12:00:00.000Z' }} />);
    expect(screen.getByText('Finalizing').closest('[aria-live="polite"]')).not.toBeNull();
  });

  it('reads in Chinese', async () => {
    await renderWithStore(<OrderProgressBar progress={{ step: 'waiting_validation', since: '2026-03-01T12:00:00.000Z' }} />, { settings: { language: 'zh-CN' } });
    const bar = screen.getByRole('progressbar', { name: '订单进度' });
    expect(bar.getAttribute('aria-valuetext')).toBe('第 3/6 步：等待验证');
    expect(screen.getByText('等待验证')).toBeDefined();
  });
});
