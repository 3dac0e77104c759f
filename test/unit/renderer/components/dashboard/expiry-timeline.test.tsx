import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ExpiryTimeline } from '../../../../../renderer/components/dashboard/expiry-timeline.tsx';
import { daysFromNow, managedCertificate, monitoredEndpoint, newCertificate } from '../../support/certificate-fixtures.ts';
import { renderWithStore } from '../../support/render-with-store.tsx';

const dateText = (iso: string, locale = 'en'): string => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(Date.parse(iso));

const fleet = [
  managedCertificate('api', ['api.example.com'], 10),
  managedCertificate('shop', ['shop.example.com'], 40),
  managedCertificate('mail', ['mail.example.com'], 20, { status: 'failing', nextAttemptAt: daysFromNow(0.1) }),
  managedCertificate('old', ['old.example.com'], -2, { status: 'expired' }),
  monitoredEndpoint('intranet', 'intranet.example', 65),
  newCertificate('new', ['new.example.com']),
];

/** The table behind "Show as a table", as rows of cell texts. */
function table(): string[][] {
  const grid = screen.getByRole('table', { name: 'Certificates expiring and renewals due, by period' });
  return within(grid)
    .getAllByRole('row')
    .map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent));
}

describe('ExpiryTimeline', () => {
  it('is a labelled chart with a summary in words', async () => {
    await renderWithStore(<ExpiryTimeline />, { certificates: fleet });
    const region = screen.getByRole('region', { name: 'Expiry timeline' });
    expect(within(region).getByRole('img', { name: 'When each certificate expires and is due for renewal, from now to the latest expiry' })).toBeDefined();
    expect(within(region).getByText(`Expiring soon: 1. Next to expire: api.example.com, ${dateText(daysFromNow(10))}. Latest expiry: ${dateText(daysFromNow(65))}.`)).toBeDefined();
  });

  it('tabulates expiries and renewals by period', async () => {
    await renderWithStore(<ExpiryTimeline />, { certificates: fleet });
    expect(table()).toEqual([
      ['Period', 'Expiring', 'Renewals due'],
      ['Past (expired or overdue)', '1', '2'],
      ['Next 7 days', '0', '1'],
      ['8–14 days', '1', '1'],
      ['15–30 days', '1', '0'],
      ['31–60 days', '1', '0'],
      ['61–90 days', '1', '0'],
      ['More than 90 days', '0', '0'],
    ]);
  });

  it('draws each of a few certificates with a hover title, coloured by health', async () => {
    await renderWithStore(<ExpiryTimeline />, { certificates: fleet });
    const chart = screen.getByRole('img');
    const titles = [...chart.querySelectorAll('title')].map((title) => title.textContent);
    expect(titles).toContain(`api.example.com: expires ${dateText(daysFromNow(10))}`);
    expect(titles).toContain(`shop.example.com: renewal due ${dateText(daysFromNow(10))}`);
    // Never obtained: nothing to draw.
    expect(titles.some((title) => title.startsWith('new.example.com'))).toBe(false);
    expect(chart.querySelector('.timeline__mark--expiring circle title')?.textContent).toBe(`api.example.com: expires ${dateText(daysFromNow(10))}`);
    expect(chart.querySelectorAll('.timeline__mark--failing circle')).toHaveLength(2);
    // The expired one has its own gutter.
    expect(within(chart).getByText('Expired')).toBeDefined();
    expect(within(chart).getByText('Now')).toBeDefined();
  });

  it('draws thousands of certificates as a handful of paths', async () => {
    const many = Array.from({ length: 3000 }, (_, i) => managedCertificate(`c${String(i)}`, [`h${String(i)}.example.com`], 1 + (i % 89)));
    await renderWithStore(<ExpiryTimeline />, { certificates: many });
    const chart = screen.getByRole('img');
    expect(chart.querySelectorAll('circle')).toHaveLength(0);
    expect(chart.querySelectorAll('.timeline__marks path').length).toBeLessThanOrEqual(8);
    const dots = [...chart.querySelectorAll('.timeline__dots')].map((path) => (path.getAttribute('d') ?? '').split('M').length - 1);
    expect(dots.reduce((sum, n) => sum + n, 0)).toBe(3000);
  });

  it('puts a far expiry in a "Later" gutter instead of stretching the axis', async () => {
    await renderWithStore(<ExpiryTimeline />, { certificates: [managedCertificate('a', ['a.example.com'], 30), monitoredEndpoint('root', 'ca.example', 3650)] });
    expect(within(screen.getByRole('img')).getByText('Later')).toBeDefined();
  });

  it('says so when nothing has an expiry date', async () => {
    await renderWithStore(<ExpiryTimeline />, { certificates: [newCertificate('new', ['new.example.com'])] });
    expect(screen.getByText('No certificate has an expiry date yet.')).toBeDefined();
  });

  it('reads in Chinese', async () => {
    const { bridge } = await renderWithStore(<ExpiryTimeline />, { certificates: fleet });
    act(() => {
      bridge.push({ language: 'zh-CN' });
    });
    const region = screen.getByRole('region', { name: '过期时间线' });
    expect(within(region).getByText(`即将过期：1 张。最先过期：api.example.com，${dateText(daysFromNow(10), 'zh-CN')}。最晚过期：${dateText(daysFromNow(65), 'zh-CN')}。`)).toBeDefined();
    expect(within(region).getByText('以表格显示')).toBeDefined();
  });
});
