import { describe, expect, it } from 'vitest';
import type { CertificateStatus, CertificateSummaryDto } from '../../../../preload/contract.ts';
import { displayStatus, type DisplayStatus } from '../../../../renderer/store/display-status.ts';
import type { OrderProgress } from '../../../../renderer/store/order-progress.ts';

const now = Date.parse('2026-03-01T12:00:00.000Z');
const day = 24 * 60 * 60 * 1000;
const iso = (ms: number): string => new Date(ms).toISOString();

/** A 90-day certificate with `daysLeft` to go. */
function summary(status: CertificateStatus, daysLeft: number | undefined, extra: Partial<CertificateSummaryDto> = {}): CertificateSummaryDto {
  return {
    id: 'example-com',
    domains: ['example.com'],
    ca: 'letsencrypt',
    status,
    ...(daysLeft === undefined ? {} : { notBefore: iso(now + (daysLeft - 90) * day), notAfter: iso(now + daysLeft * day) }),
    ...extra,
  };
}

const running: OrderProgress = { step: 'finalizing', since: iso(now) };
const retryAt = iso(now + 60 * 60 * 1000);

const table: ReadonlyArray<readonly [string, CertificateSummaryDto, OrderProgress | undefined, DisplayStatus]> = [
  ['valid, 60 days left', summary('valid', 60), undefined, { kind: 'valid' }],
  ['valid, 15 days left', summary('valid', 15), undefined, { kind: 'valid' }],
  ['valid, 13 days left: expiring (the tray’s 14-day rule)', summary('valid', 13), undefined, { kind: 'expiring' }],
  ['valid, notAfter passed a second ago: expired before main says so', summary('valid', -1 / 86_400), undefined, { kind: 'expired' }],
  ['valid without a notAfter', summary('valid', undefined), undefined, { kind: 'valid' }],
  ['renewing (journal has an order)', summary('renewing', 20), undefined, { kind: 'renewing' }],
  ['valid with an order running in this window', summary('valid', 20), running, { kind: 'renewing' }],
  ['failing with an order running: the order wins', summary('failing', 20, { nextAttemptAt: retryAt }), running, { kind: 'renewing' }],
  ['failing with a retry planned', summary('failing', 20, { nextAttemptAt: retryAt }), undefined, { kind: 'retrying', at: retryAt }],
  ['failing without a retry time', summary('failing', 20), undefined, { kind: 'retrying', at: undefined }],
  ['stopped', summary('stopped', 20), undefined, { kind: 'attention' }],
  ['revoked', summary('revoked', 20), undefined, { kind: 'attention' }],
  ['damaged', summary('damaged', 20), undefined, { kind: 'attention' }],
  ['expired', summary('expired', -3), undefined, { kind: 'expired' }],
  ['none (never obtained)', summary('none', undefined), undefined, { kind: 'none' }],
  ['a 6-day certificate with 2 days left: not expiring yet (1/6 of its life is 1 day)', summary('valid', 2, { notBefore: iso(now - 4 * day) }), undefined, { kind: 'valid' }],
  ['a 6-day certificate with 20 hours left: expiring', summary('valid', 20 / 24, { notBefore: iso(now - 5 * day) }), undefined, { kind: 'expiring' }],
];

describe('displayStatus', () => {
  it.each(table)('%s', (_name, given, progress, expected) => {
    expect(displayStatus(given, progress, now)).toEqual(expected);
  });

  it('has a row for every certificate status', () => {
    const statuses = new Set(table.map(([, given]) => given.status));
    const all: ReadonlyArray<CertificateStatus> = ['none', 'valid', 'expired', 'renewing', 'failing', 'stopped', 'revoked', 'damaged'];
    expect([...statuses].sort()).toEqual([...all].sort());
  });
});
