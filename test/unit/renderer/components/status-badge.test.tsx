import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CertificateSummaryDto } from '../../../../preload/contract.ts';
import { StatusBadge } from '../../../../renderer/components/status-badge.tsx';
import { useAppStore } from '../../../../renderer/store/store-context.tsx';
import { daysFromNow, managedCertificate, newCertificate } from '../support/certificate-fixtures.ts';
import { renderWithStore } from '../support/render-with-store.tsx';

/** The badge of the store's copy of `id`, as the dashboard shows it. */
function Badge({ id }: { readonly id: string }) {
  const summary = useAppStore((state) => state.certificates[id]);
  return summary === undefined ? null : <StatusBadge summary={summary} />;
}

const retryAt = '2026-03-01T13:30:00.000Z';
const laterRetryAt = '2026-03-03T09:00:00.000Z';
/** A time as each locale writes it in this machine's time zone: alone, or with its date. */
const timeText = (iso: string, locale: string): string => new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(Date.parse(iso));
const dateTimeText = (iso: string, locale: string): string => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(Date.parse(iso));

describe('StatusBadge', () => {
  it.each<readonly [string, CertificateSummaryDto, string, string]>([
    ['valid', managedCertificate('c', ['a.example'], 40), 'Valid', '有效'],
    ['expiring', managedCertificate('c', ['a.example'], 5), 'Expiring soon', '即将过期'],
    ['renewing', managedCertificate('c', ['a.example'], 20, { status: 'renewing' }), 'Renewing', '正在续期'],
    ['retrying within hours (time only)', managedCertificate('c', ['a.example'], 20, { status: 'failing', nextAttemptAt: retryAt }), `Retrying at ${timeText(retryAt, 'en')}`, `将于 ${timeText(retryAt, 'zh-CN')} 重试`],
    ['retrying in days (with the date)', managedCertificate('c', ['a.example'], 20, { status: 'failing', nextAttemptAt: laterRetryAt }), `Retrying at ${dateTimeText(laterRetryAt, 'en')}`, `将于 ${dateTimeText(laterRetryAt, 'zh-CN')} 重试`],
    ['retrying, time unknown', managedCertificate('c', ['a.example'], 20, { status: 'failing' }), 'Retrying at —', '将于 — 重试'],
    ['stopped', managedCertificate('c', ['a.example'], 20, { status: 'stopped' }), 'Needs attention', '需要处理'],
    ['revoked', managedCertificate('c', ['a.example'], 20, { status: 'revoked' }), 'Needs attention', '需要处理'],
    ['expired', managedCertificate('c', ['a.example'], -1, { status: 'expired' }), 'Expired', '已过期'],
    ['never obtained', newCertificate('c', ['a.example']), 'Not obtained yet', '尚未获取'],
  ])('%s reads "%s" / "%s"', async (_kind, summary, english, chinese) => {
    const { bridge } = await renderWithStore(<Badge id="c" />, { certificates: [summary] });
    expect(screen.getByText(english)).toBeDefined();
    act(() => {
      bridge.push({ language: 'zh-CN' });
    });
    expect(screen.getByText(chinese)).toBeDefined();
  });

  it('puts the full retry date and time in the title', async () => {
    await renderWithStore(<Badge id="c" />, { certificates: [managedCertificate('c', ['a.example'], 20, { status: 'failing', nextAttemptAt: retryAt })] });
    expect(screen.getByText(`Retrying at ${timeText(retryAt, 'en')}`).getAttribute('title')).toBe(dateTimeText(retryAt, 'en'));
  });

  it('shows "Renewing" while an order runs in this window, and goes back when it ends', async () => {
    const { bridge } = await renderWithStore(<Badge id="c" />, { certificates: [managedCertificate('c', ['a.example'], 40)] });
    act(() => {
      bridge.emitOrderEvent({ time: daysFromNow(0), certId: 'c', event: 'cert_obtaining', message: 'Obtaining' });
    });
    expect(screen.getByText('Renewing')).toBeDefined();
    act(() => {
      bridge.emitOrderEvent({ time: daysFromNow(0), certId: 'c', event: 'cert_failed', message: 'Failed' });
    });
    expect(await screen.findByText('Valid')).toBeDefined();
  });

  it('turns to "Expired" on the tick the certificate expires, without main saying so', async () => {
    const summary = managedCertificate('c', ['a.example'], 2 / 86_400);
    const { clock } = await renderWithStore(<Badge id="c" />, { certificates: [summary] });
    expect(screen.getByText('Expiring soon')).toBeDefined();
    act(() => {
      clock.tick();
    });
    expect(screen.getByText('Expiring soon')).toBeDefined();
    act(() => {
      clock.tick();
    });
    expect(screen.getByText('Expired')).toBeDefined();
  });
});
