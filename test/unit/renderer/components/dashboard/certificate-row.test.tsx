import { act, fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { CertificateSummaryDto } from '../../../../../preload/contract.ts';
import { CertificateRow } from '../../../../../renderer/components/dashboard/certificate-row.tsx';
import { useAppStore } from '../../../../../renderer/store/store-context.tsx';
import { daysFromNow, managedCertificate, monitoredEndpoint, newCertificate } from '../../support/certificate-fixtures.ts';
import { renderWithStore } from '../../support/render-with-store.tsx';

function Row({ id, onFocusRow = () => undefined }: { readonly id: string; readonly onFocusRow?: (id: string) => void }) {
  const summary = useAppStore((state) => state.certificates[id]);
  return summary === undefined ? null : <CertificateRow summary={summary} tabbable onFocusRow={onFocusRow} />;
}

const dateText = (iso: string, locale = 'en'): string => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(Date.parse(iso));
const dateTimeText = (iso: string, locale = 'en'): string => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(Date.parse(iso));

/** The row's visible text, cell by cell. */
function cells(link: HTMLElement): string[] {
  return [...link.querySelectorAll('.cert-row__cell')].map((cell) => cell.textContent);
}

describe('CertificateRow', () => {
  it('shows the first domain, how many more, the account and issuer, badge, countdown, expiry date and renewal date', async () => {
    const summary = managedCertificate('shop', ['shop.example.com', 'www.shop.example.com', 'cdn.shop.example.com'], 40);
    await renderWithStore(<Row id="shop" />, { certificates: [summary] });
    const link = screen.getByRole('link', { name: 'shop.example.com +2 more Valid' });
    expect(link.getAttribute('href')).toBe('#/certificates/shop');
    expect(cells(link)).toEqual([
      "shop.example.com +2 moreletsencrypt · Let's Encrypt E6",
      'Valid',
      `Expires in 40d 0h 0m${dateText(daysFromNow(40))}`,
      `Renews ${dateText(daysFromNow(10))}`,
    ]);
    // The full name list is in the title, for a hover.
    expect(screen.getByText('shop.example.com').parentElement?.getAttribute('title')).toBe('shop.example.com\nwww.shop.example.com\ncdn.shop.example.com');
    // The countdown and next step describe the link.
    const described = (link.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent);
    expect(described).toEqual(['Expires in 40d 0h 0m', `Renews ${dateText(daysFromNow(10))}`]);
  });

  it.each<readonly [string, CertificateSummaryDto, string]>([
    ['never obtained', newCertificate('c', ['new.example.com']), 'Waiting for the first order'],
    ['stopped', managedCertificate('c', ['a.example.com'], 20, {
      status: 'stopped',
      attempts: {
        count: 4,
        firstFailureAt: daysFromNow(-1),
        stopped: 'needs_admin',
        lastError: {
          at: daysFromNow(-0.1),
          type: 'urn:ietf:params:acme:error:caa',
          message: 'CAA record forbids issuance',
          explanation: { en: 'A CAA record does not allow this CA', 'zh-CN': 'CAA 记录不允许此 CA 签发' },
          remedy: { en: 'Add the CA to the CAA record', 'zh-CN': '在 CAA 记录中加入此 CA' },
        },
      },
    }), 'Retries stopped: A CAA record does not allow this CA'],
    ['revoked', managedCertificate('c', ['a.example.com'], 20, { status: 'revoked' }), 'Revoked: renew to replace it'],
    ['damaged', managedCertificate('c', ['a.example.com'], 20, { status: 'damaged', problem: 'privkey.pem does not match cert.pem' }), 'Damaged: privkey.pem does not match cert.pem'],
    ['due now', managedCertificate('c', ['a.example.com'], 20, { renewAt: daysFromNow(-1) }), 'Renewal due now'],
    ['monitored, serving the held certificate', monitoredEndpoint('c', 'intranet.example', 50), 'Serves the certificate CertDesk holds'],
    ['monitored, serving an old one', monitoredEndpoint('c', 'intranet.example', 50, 'older'), 'Still serves an older certificate'],
  ])('%s: says "%s" where the renewal time goes', async (_name, summary, next) => {
    await renderWithStore(<Row id="c" />, { certificates: [summary] });
    expect(screen.getByRole('link').querySelector('.cert-row__next')?.textContent).toBe(next);
  });

  it('after a failure: the next attempt and the CA’s last word', async () => {
    const nextAttemptAt = '2026-03-01T12:20:00.000Z';
    const summary = managedCertificate('c', ['a.example.com'], 20, {
      status: 'failing',
      nextAttemptAt,
      lastProblem: { type: 'urn:ietf:params:acme:error:dns', detail: 'DNS problem: NXDOMAIN looking up TXT', at: daysFromNow(-0.01) },
    });
    await renderWithStore(<Row id="c" />, { certificates: [summary] });
    expect(screen.getByRole('link').querySelector('.cert-row__next')?.textContent).toBe(`Next attempt ${dateTimeText(nextAttemptAt)}Last error: DNS problem: NXDOMAIN looking up TXT`);
  });

  it('says a monitored certificate is monitor-only, and where it is served', async () => {
    await renderWithStore(<Row id="c" />, { certificates: [monitoredEndpoint('c', 'intranet.example', 50)] });
    expect(screen.getByText('Monitor-only · intranet.example:443')).toBeDefined();
  });

  it('reads an IDN in Unicode', async () => {
    await renderWithStore(<Row id="c" />, { certificates: [managedCertificate('c', ['xn--mnchen-3ya.de'], 50)] });
    expect(screen.getByRole('link', { name: 'münchen.de Valid' })).toBeDefined();
  });

  it('turns "Renews …" into "Renewal due now" when the renewal time passes; within a day it names the time', async () => {
    const { clock } = await renderWithStore(<Row id="c" />, { certificates: [managedCertificate('c', ['a.example.com'], 20, { renewAt: '2026-03-01T12:00:01.500Z' })] });
    expect(screen.getByText(`Renews ${dateTimeText('2026-03-01T12:00:01.500Z')}`)).toBeDefined();
    act(() => {
      clock.tick();
      clock.tick();
    });
    expect(screen.getByText('Renewal due now')).toBeDefined();
  });

  it('shows the progress bar instead while an order runs', async () => {
    const { bridge } = await renderWithStore(<Row id="c" />, { certificates: [managedCertificate('c', ['a.example.com'], 20)] });
    expect(screen.queryByRole('progressbar')).toBeNull();
    act(() => {
      bridge.emitOrderEvent({ time: daysFromNow(0), certId: 'c', event: 'challenge_presented', message: 'TXT record created' });
    });
    expect(screen.getByRole('progressbar').getAttribute('aria-valuetext')).toBe('Step 2 of 6: Presenting challenge');
    expect(screen.queryByText(/^Renews/)).toBeNull();
  });

  it('opens the certificate on click and reports focus', async () => {
    const onFocusRow = vi.fn();
    await renderWithStore(<Row id="c" onFocusRow={onFocusRow} />, { certificates: [managedCertificate('c', ['a.example.com'], 20)] });
    const link = screen.getByRole('link');
    act(() => {
      link.focus();
    });
    expect(onFocusRow).toHaveBeenCalledWith('c');
    fireEvent.click(link);
    expect(window.location.hash).toBe('#/certificates/c');
  });

  it('reads in Chinese', async () => {
    const summary = managedCertificate('shop', ['shop.example.com', 'www.shop.example.com'], 40);
    await renderWithStore(<Row id="shop" />, { certificates: [summary], settings: { language: 'zh-CN' } });
    const link = screen.getByRole('link', { name: "shop.example.com 另 1 个域名 有效" });
    expect(cells(link).slice(2)).toEqual([`40 天 0 小时 0 分后过期${dateText(daysFromNow(40), 'zh-CN')}`, `${dateText(daysFromNow(10), 'zh-CN')} 续期`]);
  });
});
