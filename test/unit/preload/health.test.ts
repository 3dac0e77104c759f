import { describe, expect, it } from 'vitest';
import type { CertificateStatus } from '../../../preload/contract.ts';
import { certificateHealth, expiringWithinMs, type CertificateHealth } from '../../../preload/health.ts';

const dayMs = 24 * 60 * 60 * 1000;
const now = Date.parse('2026-12-02T00:00:00Z');

/** A certificate of `lifetimeDays` with `daysLeft` to go at {@link now}. */
function cert(status: CertificateStatus, daysLeft?: number, lifetimeDays = 90): { status: CertificateStatus; notBefore?: string; notAfter?: string } {
  if (daysLeft === undefined) return { status };
  const notAfter = now + daysLeft * dayMs;
  return { status, notBefore: new Date(notAfter - lifetimeDays * dayMs).toISOString(), notAfter: new Date(notAfter).toISOString() };
}

describe('certificateHealth', () => {
  const cases: ReadonlyArray<{ name: string; input: ReturnType<typeof cert>; expected: CertificateHealth }> = [
    { name: 'valid with 60 days left', input: cert('valid', 60), expected: 'ok' },
    { name: 'valid just outside 14 days', input: cert('valid', 14.01), expected: 'ok' },
    { name: 'valid just inside 14 days', input: cert('valid', 13.99), expected: 'expiring' },
    { name: 'renewing with 5 days left', input: cert('renewing', 5), expected: 'expiring' },
    { name: 'a 6-day certificate with 2 days left (more than 1/6 of its life)', input: cert('valid', 2, 6), expected: 'ok' },
    { name: 'a 6-day certificate with 0.9 days left', input: cert('valid', 0.9, 6), expected: 'expiring' },
    { name: 'failing, however much time is left', input: cert('failing', 80), expected: 'failing' },
    { name: 'stopped', input: cert('stopped', 80), expected: 'failing' },
    { name: 'damaged', input: cert('damaged', 80), expected: 'failing' },
    { name: 'revoked', input: cert('revoked', 80), expected: 'failing' },
    { name: 'expired', input: cert('expired', -1), expected: 'failing' },
    { name: 'never obtained', input: cert('none'), expected: 'pending' },
    { name: 'valid without a notAfter', input: cert('valid'), expected: 'pending' },
    { name: 'valid with an unreadable notAfter', input: { status: 'valid', notAfter: 'soon' }, expected: 'ok' },
    { name: 'valid without notBefore, 13 days left', input: { status: 'valid', notAfter: new Date(now + 13 * dayMs).toISOString() }, expected: 'expiring' },
  ];

  it.each(cases)('$name → $expected', ({ input, expected }) => {
    expect(certificateHealth(input, now)).toBe(expected);
  });

  it('puts the expiring line at 14 days', () => {
    expect(expiringWithinMs).toBe(14 * dayMs);
  });
});
