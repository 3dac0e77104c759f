import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { OrderLogEntryDto } from '../../../../preload/contract.ts';
import { daysFromNow, managedCertificate, monitoredEndpoint, newCertificate } from '../support/certificate-fixtures.ts';
import { renderAppWithClock } from '../support/render-with-store.tsx';

const fleet = [
  managedCertificate('shop', ['shop.example.com', 'www.shop.example.com'], 40),
  managedCertificate('api', ['api.example.com'], 10),
  managedCertificate('mail', ['mail.example.org'], 20, { status: 'failing', nextAttemptAt: daysFromNow(0.05) }),
  managedCertificate('legacy', ['legacy.example.net'], 30, { status: 'stopped', ca: 'zerossl' }),
  monitoredEndpoint('intranet', 'intranet.example', 65),
  newCertificate('new', ['new.example.com']),
];

/** The list's rows, by certificate id, in order. */
function listed(): string[] {
  return within(screen.getByRole('list', { name: 'Certificates' }))
    .getAllByRole('link')
    .map((row) => row.dataset['certId'] ?? '');
}

const event = (certId: string, name: OrderLogEntryDto['event']): OrderLogEntryDto => ({ time: daysFromNow(0), certId, event: name, message: name });

describe('DashboardPage', () => {
  it('lists every certificate, soonest expiry first, under the health summary and the timeline', async () => {
    await renderAppWithClock({ certificates: fleet });
    expect(await screen.findByRole('heading', { level: 1, name: 'Certificates' })).toBeDefined();
    await screen.findByRole('list', { name: 'Certificates' });
    expect(listed()).toEqual(['api', 'mail', 'legacy', 'shop', 'intranet', 'new']);

    const summary = screen.getByRole('region', { name: 'Certificate health' });
    expect(within(summary).getAllByRole('button').map((button) => button.textContent)).toEqual(['2 Failing', '1 Expiring soon', '2 Fine', '1 Not obtained yet']);
    expect(screen.getByRole('region', { name: 'Expiry timeline' })).toBeDefined();
    expect(screen.getByRole('status').textContent).toBe('Showing 6 of 6');
  });

  it('opens a certificate from its row', async () => {
    await renderAppWithClock({ certificates: fleet });
    fireEvent.click(await screen.findByRole('link', { name: 'shop.example.com +1 more Valid' }));
    expect(window.location.hash).toBe('#/certificates/shop');
  });

  it('filters by a health from the summary bar, and shows everything again on a second press', async () => {
    await renderAppWithClock({ certificates: fleet });
    const failing = await screen.findByRole('button', { name: '2 Failing' });
    fireEvent.click(failing);
    expect(failing.getAttribute('aria-pressed')).toBe('true');
    expect(listed()).toEqual(['mail', 'legacy']);
    expect(screen.getByRole<HTMLSelectElement>('combobox', { name: 'Status' }).value).toBe('health:failing');
    expect(screen.getByRole('status').textContent).toBe('Showing 2 of 6');

    fireEvent.click(failing);
    expect(failing.getAttribute('aria-pressed')).toBe('false');
    expect(listed()).toHaveLength(6);
  });

  it('searches by domain, sorts, filters by CA, and says what to do when nothing matches', async () => {
    await renderAppWithClock({ certificates: fleet });
    const search = await screen.findByRole('searchbox', { name: 'Search by domain' });
    fireEvent.change(search, { target: { value: 'example.com' } });
    expect(listed()).toEqual(['api', 'shop', 'new']);

    fireEvent.change(screen.getByRole('combobox', { name: 'Sort by' }), { target: { value: 'name' } });
    expect(listed()).toEqual(['api', 'new', 'shop']);

    fireEvent.change(screen.getByRole('combobox', { name: 'CA account' }), { target: { value: 'ca:zerossl' } });
    expect(screen.queryByRole('list', { name: 'Certificates' })).toBeNull();
    expect(screen.getByRole('heading', { name: 'No certificate matches' })).toBeDefined();

    const clear = screen.getAllByRole('button', { name: 'Clear filters' });
    fireEvent.click(clear[clear.length - 1] as HTMLElement);
    expect(listed()).toEqual(['api', 'intranet', 'legacy', 'mail', 'new', 'shop']);
    expect(screen.getByRole<HTMLInputElement>('searchbox', { name: 'Search by domain' }).value).toBe('');
  });

  it('shows an order’s progress as main reports it, and drops the bar when the certificate is obtained', async () => {
    const { bridge } = await renderAppWithClock({ certificates: fleet });
    const row = await screen.findByRole('link', { name: 'shop.example.com +1 more Valid' });
    expect(within(row).queryByRole('progressbar')).toBeNull();

    act(() => {
      bridge.emitOrderEvent(event('shop', 'cert_obtaining'));
    });
    const renewing = screen.getByRole('link', { name: 'shop.example.com +1 more Renewing' });
    expect(within(renewing).getByRole('progressbar').getAttribute('aria-valuetext')).toBe('Step 1 of 6: Creating order');
    expect(screen.getByText('1 renewing now')).toBeDefined();

    act(() => {
      bridge.emitOrderEvent(event('shop', 'challenge_presented'));
      bridge.emitOrderEvent(event('shop', 'challenge_answered'));
      bridge.emitOrderEvent(event('shop', 'finalize_sent'));
    });
    expect(within(renewing).getByRole('progressbar').getAttribute('aria-valuetext')).toBe('Step 4 of 6: Finalizing');

    act(() => {
      bridge.emitOrderEvent(event('shop', 'cert_downloaded'));
      bridge.emitOrderEvent(event('shop', 'cert_obtained'));
    });
    const done = await screen.findByRole('link', { name: 'shop.example.com +1 more Valid' });
    expect(within(done).queryByRole('progressbar')).toBeNull();
    expect(screen.queryByText('1 renewing now')).toBeNull();
  });

  it('updates a row when main pushes cert:changed', async () => {
    const { bridge } = await renderAppWithClock({ certificates: fleet });
    await screen.findByRole('link', { name: 'mail.example.org Retrying at ' + new Intl.DateTimeFormat('en', { timeStyle: 'short' }).format(Date.parse(daysFromNow(0.05))) });
    bridge.setCertificates(fleet.map((summary) => (summary.id === 'mail' ? managedCertificate('mail', ['mail.example.org'], 90) : summary)));
    act(() => {
      bridge.emitCertChanged('mail');
    });
    expect(await screen.findByRole('link', { name: 'mail.example.org Valid' })).toBeDefined();
    expect(within(screen.getByRole('region', { name: 'Certificate health' })).getAllByRole('button').map((b) => b.textContent)).toEqual(['1 Failing', '1 Expiring soon', '3 Fine', '1 Not obtained yet']);
  });

  it('recounts as time passes: a certificate entering its last 14 days moves from "Fine" to "Expiring soon"', async () => {
    const { clock } = await renderAppWithClock({ certificates: [managedCertificate('edge', ['edge.example.com'], 14 + 1 / (24 * 60))] });
    expect(await screen.findByRole('button', { name: '1 Fine' })).toBeDefined();
    act(() => {
      clock.tick(2 * 60 * 1000);
    });
    expect(screen.getByRole('button', { name: '1 Expiring soon' })).toBeDefined();
    expect(screen.getByRole('button', { name: '0 Fine' })).toBeDefined();
  });

  it('counts down every second from one clock', async () => {
    const soon = managedCertificate('soon', ['soon.example.com'], 1 / 24);
    const { clock } = await renderAppWithClock({ certificates: [soon] });
    expect(await screen.findByText('Expires in 1h 0m 0s')).toBeDefined();
    act(() => {
      clock.tick();
    });
    expect(screen.getByText('Expires in 59m 59s')).toBeDefined();
    expect(clock.running).toBe(true);
  });

  it('shows why the list could not be read, with the remedy, and reads it again on "Try again"', async () => {
    let broken = true;
    await renderAppWithClock({
      certificates: fleet,
      api: (fake) => ({
        ...fake.api,
        // Every read fails (StrictMode's second watch too) until the test says otherwise.
        listCertificates: () => {
          if (broken) fake.rejectNext('listCertificates', { code: 'io', message: 'Unable to read the certificates, config.json is not valid JSON', remedy: 'Restore config.json from a backup.' });
          return fake.api.listCertificates();
        },
      }),
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Unable to read the certificates, config.json is not valid JSON');
    expect(alert.textContent).toContain('What to do: Restore config.json from a backup.');
    expect(screen.queryByRole('list', { name: 'Certificates' })).toBeNull();

    broken = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByRole('list', { name: 'Certificates' });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says it is loading while the list is on its way', async () => {
    await renderAppWithClock({ certificates: fleet, api: (fake) => ({ ...fake.api, listCertificates: () => new Promise(() => undefined) }) });
    expect(await screen.findByText('Loading certificates…')).toBeDefined();
  });

  it('leads an empty data dir to the wizard and to Settings', async () => {
    await renderAppWithClock();
    const region = await screen.findByRole('region', { name: 'No certificates yet' });
    expect(within(region).getByRole('link', { name: 'Add a certificate' }).getAttribute('href')).toBe('#/new');
    expect(within(region).getByRole('link', { name: 'Open Settings' }).getAttribute('href')).toBe('#/settings');
    expect(screen.queryByRole('region', { name: 'Certificate health' })).toBeNull();
  });

  it('reads in Chinese', async () => {
    await renderAppWithClock({ certificates: fleet, settings: { language: 'zh-CN' } });
    expect(await screen.findByRole('heading', { level: 1, name: '证书' })).toBeDefined();
    await screen.findByRole('list', { name: '证书' });
    expect(within(screen.getByRole('region', { name: '证书状况' })).getAllByRole('button').map((button) => button.textContent)).toEqual(['2 失败', '1 即将过期', '2 正常', '1 尚未获取']);
    expect(screen.getByRole('link', { name: 'shop.example.com 另 1 个域名 有效' })).toBeDefined();
    expect(screen.getByText('仅监控 · intranet.example:443')).toBeDefined();
    expect(screen.getByRole('status').textContent).toBe('显示 6 / 6 张');
  });
});
