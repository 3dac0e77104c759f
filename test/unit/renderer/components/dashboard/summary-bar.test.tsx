import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { formatCount, SummaryBar } from '../../../../../renderer/components/dashboard/summary-bar.tsx';
import type { HealthCounts } from '../../../../../renderer/store/dashboard-view.ts';
import { renderWithStore } from '../../support/render-with-store.tsx';

const counts: HealthCounts = { ok: 4812, expiring: 12, failing: 3, pending: 0, renewing: 2, total: 4827 };

describe('SummaryBar', () => {
  it('shows each health’s count as a toggle, worst first, with the total and those renewing now', async () => {
    await renderWithStore(<SummaryBar counts={counts} filter="all" onToggle={() => undefined} />);
    const summary = screen.getByRole('region', { name: 'Certificate health' });
    const buttons = within(summary).getAllByRole('button');
    expect(buttons.map((button) => button.textContent)).toEqual(['3 Failing', '12 Expiring soon', '4,812 Fine', '0 Not obtained yet']);
    expect(buttons.every((button) => button.getAttribute('aria-pressed') === 'false')).toBe(true);
    expect(within(summary).getByText('Total: 4,827')).toBeDefined();
    expect(within(summary).getByText('2 renewing now')).toBeDefined();
  });

  it('marks the health the list is filtered by, and reports presses', async () => {
    const onToggle = vi.fn();
    await renderWithStore(<SummaryBar counts={counts} filter="health:expiring" onToggle={onToggle} />);
    expect(screen.getByRole('button', { name: '12 Expiring soon', pressed: true })).toBeDefined();
    fireEvent.click(screen.getByRole('button', { name: '3 Failing' }));
    expect(onToggle).toHaveBeenCalledWith('failing');
  });

  it('leaves out "renewing now" when nothing renews', async () => {
    await renderWithStore(<SummaryBar counts={{ ...counts, renewing: 0 }} filter="all" onToggle={() => undefined} />);
    expect(screen.queryByText(/renewing now/)).toBeNull();
  });

  it('reads in Chinese, with the locale’s digit grouping', async () => {
    await renderWithStore(<SummaryBar counts={counts} filter="all" onToggle={() => undefined} />, { settings: { language: 'zh-CN' } });
    const summary = screen.getByRole('region', { name: '证书状况' });
    expect(within(summary).getAllByRole('button').map((button) => button.textContent)).toEqual(['3 失败', '12 即将过期', '4,812 正常', '0 尚未获取']);
    expect(within(summary).getByText('共 4,827 张证书')).toBeDefined();
    expect(formatCount(5000, 'zh-CN')).toBe('5,000');
  });
});
