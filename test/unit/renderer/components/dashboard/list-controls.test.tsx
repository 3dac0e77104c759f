import { fireEvent, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { ListControls } from '../../../../../renderer/components/dashboard/list-controls.tsx';
import { defaultDashboardView, type CaFilter, type DashboardView } from '../../../../../renderer/store/dashboard-view.ts';
import { renderWithStore } from '../../support/render-with-store.tsx';

/** The controls over a view they own, printing it so the test can read what a change did. */
function Harness({ initial = defaultDashboardView, caOptions = ['ca:letsencrypt', 'ca:zerossl', 'monitored'] }: { readonly initial?: DashboardView; readonly caOptions?: ReadonlyArray<CaFilter> }) {
  const [view, setView] = useState(initial);
  return (
    <>
      <ListControls view={view} onChange={setView} caOptions={caOptions} shown={12} total={5000} />
      <pre data-testid="view">{JSON.stringify(view)}</pre>
    </>
  );
}

const view = (): DashboardView => JSON.parse(screen.getByTestId('view').textContent) as DashboardView;

describe('ListControls', () => {
  it('labels every control and offers the filters and sorts', async () => {
    await renderWithStore(<Harness />);
    expect(screen.getByRole('search', { name: 'Search, filter and sort' })).toBeDefined();
    expect(screen.getByRole('searchbox', { name: 'Search by domain' })).toBeDefined();
    const options = (name: string): string[] => [...screen.getByRole<HTMLSelectElement>('combobox', { name }).options].map((option) => option.text);
    expect(options('Status')).toEqual(['All statuses', 'Failing', 'Expiring soon', 'Fine', 'Not obtained yet', 'Renewing now', 'Retrying', 'Needs attention', 'Expired']);
    expect(options('CA account')).toEqual(['All CA accounts', 'letsencrypt', 'zerossl', 'Monitor-only']);
    expect(options('Sort by')).toEqual(['Expiry, soonest first', 'Name, A–Z', 'Status, worst first']);
    expect(screen.getByRole('status').textContent).toBe('Showing 12 of 5,000');
  });

  it('reports each change as a new view', async () => {
    await renderWithStore(<Harness />);
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search by domain' }), { target: { value: 'shop' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'Status' }), { target: { value: 'state:retrying' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'CA account' }), { target: { value: 'monitored' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'Sort by' }), { target: { value: 'name' } });
    expect(view()).toEqual({ sort: 'name', status: 'state:retrying', ca: 'monitored', query: 'shop' });
  });

  it('offers "Clear filters" only while something is hidden, and keeps the sort', async () => {
    await renderWithStore(<Harness initial={{ ...defaultDashboardView, sort: 'status' }} />);
    expect(screen.queryByRole('button', { name: 'Clear filters' })).toBeNull();
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search by domain' }), { target: { value: 'api' } });
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(view()).toEqual({ ...defaultDashboardView, sort: 'status' });
    expect(screen.queryByRole('button', { name: 'Clear filters' })).toBeNull();
  });

  it('keeps showing a CA account picked before its last certificate went away', async () => {
    await renderWithStore(<Harness initial={{ ...defaultDashboardView, ca: 'ca:retired' }} caOptions={['ca:letsencrypt']} />);
    const select = screen.getByRole<HTMLSelectElement>('combobox', { name: 'CA account' });
    expect(select.value).toBe('ca:retired');
    expect([...select.options].map((option) => option.text)).toEqual(['All CA accounts', 'letsencrypt', 'retired']);
  });

  it('reads in Chinese', async () => {
    await renderWithStore(<Harness />, { settings: { language: 'zh-CN' } });
    expect(screen.getByRole('searchbox', { name: '按域名搜索' })).toBeDefined();
    expect(screen.getByRole('combobox', { name: '排序' })).toBeDefined();
    expect(screen.getByRole('status').textContent).toBe('显示 12 / 5,000 张');
  });
});
