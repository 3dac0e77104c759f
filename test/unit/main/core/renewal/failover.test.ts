import { describe, expect, it } from 'vitest';
import { defaultFailoverAfterFailures, defaultFailoverDaysLeft, useStandby, type FailoverInput } from '../../../../../main/core/renewal/failover.ts';

const now = new Date('2026-12-01T00:00:00Z');
const days = (n: number): Date => new Date(now.getTime() + n * 24 * 60 * 60 * 1000);

describe('useStandby', () => {
  it('has defaults that fail over after 3 failures, or after 1 with under 7 days left', () => {
    expect([defaultFailoverAfterFailures, defaultFailoverDaysLeft]).toEqual([3, 7]);
  });

  const rows: ReadonlyArray<[string, Omit<FailoverInput, 'now'>, boolean]> = [
    ['no standby configured, many failures', { standby: undefined, failures: 50, notAfter: days(1) }, false],
    ['no failure yet, nearly expired', { standby: { ca: 'b' }, failures: 0, notAfter: days(1) }, false],
    ['one failure, 30 days left', { standby: { ca: 'b' }, failures: 1, notAfter: days(30) }, false],
    ['two failures, 30 days left', { standby: { ca: 'b' }, failures: 2, notAfter: days(30) }, false],
    ['three failures, 30 days left', { standby: { ca: 'b' }, failures: 3, notAfter: days(30) }, true],
    ['one failure, 6.9 days left', { standby: { ca: 'b' }, failures: 1, notAfter: days(6.9) }, true],
    ['one failure, exactly 7 days left', { standby: { ca: 'b' }, failures: 1, notAfter: days(7) }, false],
    ['one failure, expired', { standby: { ca: 'b' }, failures: 1, notAfter: days(-1) }, true],
    ['one failure, never obtained', { standby: { ca: 'b' }, failures: 1, notAfter: undefined }, true],
    ['afterFailures 1', { standby: { ca: 'b', afterFailures: 1 }, failures: 1, notAfter: days(60) }, true],
    ['afterFailures 10, 9 failures, 20 days left', { standby: { ca: 'b', afterFailures: 10 }, failures: 9, notAfter: days(20) }, false],
    ['daysLeft 30, one failure, 29 days left', { standby: { ca: 'b', daysLeft: 30 }, failures: 1, notAfter: days(29) }, true],
    ['daysLeft 0, one failure, never obtained', { standby: { ca: 'b', daysLeft: 0 }, failures: 1, notAfter: undefined }, false],
  ];
  it.each(rows)('%s → %s', (_name, input, expected) => {
    expect(useStandby({ ...input, now })).toBe(expected);
  });
});
