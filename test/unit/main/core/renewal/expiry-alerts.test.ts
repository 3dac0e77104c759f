import { describe, expect, it } from 'vitest';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import {
  defaultExpiryThresholds,
  describeExpiryAlert,
  dueExpiryAlerts,
  expiredThreshold,
  parseExpiryThresholds,
  type ExpiryAlert,
} from '../../../../../main/core/renewal/expiry-alerts.ts';
import { thrown } from '../../support/thrown.ts';

const hour = 60 * 60 * 1000;
const day = 24 * hour;
const notAfter = new Date('2025-09-01T00:00:00Z');
/** The moment `days` days before expiry (negative: after). */
const daysLeft = (days: number): Date => new Date(notAfter.getTime() - days * day);
const cjk = /[\u4e00-\u9fff]/;

describe('dueExpiryAlerts: (days left, already sent) → alert', () => {
  interface Row {
    readonly name: string;
    readonly left: number;
    readonly alreadySent: ReadonlyArray<number>;
    readonly thresholds?: ReadonlyArray<number>;
    /** The threshold that fires (0 = expired), or `undefined`. */
    readonly fires: number | undefined;
    readonly sent: ReadonlyArray<number>;
    /** Days left at the next crossing, or `undefined`. */
    readonly next: number | undefined;
  }
  const rows: ReadonlyArray<Row> = [
    { name: 'far from expiry', left: 40, alreadySent: [], fires: undefined, sent: [], next: 30 },
    { name: 'just before 30 days', left: 30.0001, alreadySent: [], fires: undefined, sent: [], next: 30 },
    { name: 'exactly 30 days', left: 30, alreadySent: [], fires: 30, sent: [30], next: 14 },
    { name: '30 days already sent', left: 29, alreadySent: [30], fires: undefined, sent: [30], next: 14 },
    { name: 'imported with 10 days left', left: 10, alreadySent: [], fires: 14, sent: [30, 14], next: 7 },
    { name: 'the next check after that', left: 9.9, alreadySent: [30, 14], fires: undefined, sent: [30, 14], next: 7 },
    { name: '7 days crossed', left: 6.5, alreadySent: [30, 14], fires: 7, sent: [30, 14, 7], next: 3 },
    { name: 'the app was off from 29 to 2 days', left: 2, alreadySent: [30], fires: 3, sent: [30, 14, 7, 3], next: 1 },
    { name: 'the last day', left: 0.5, alreadySent: [30, 14, 7, 3], fires: 1, sent: [30, 14, 7, 3, 1], next: 0 },
    { name: 'at notAfter', left: 0, alreadySent: [30, 14, 7, 3, 1], fires: expiredThreshold, sent: [30, 14, 7, 3, 1, 0], next: undefined },
    { name: 'expired while nothing was sent', left: -5, alreadySent: [], fires: expiredThreshold, sent: [30, 14, 7, 3, 1, 0], next: undefined },
    { name: 'expired, already alerted', left: -5, alreadySent: [30, 14, 7, 3, 1, 0], fires: undefined, sent: [30, 14, 7, 3, 1, 0], next: undefined },
    {
      name: 'a threshold added later is marked, not fired, once a more urgent one was sent',
      left: 2,
      alreadySent: [30, 14, 7, 3],
      thresholds: [60, 30, 14, 7, 3, 1],
      fires: undefined,
      sent: [60, 30, 14, 7, 3],
      next: 1,
    },
    { name: 'custom thresholds', left: 0.4, alreadySent: [10], thresholds: [10, 0.5], fires: 0.5, sent: [10, 0.5], next: 0 },
    { name: 'thresholds in any order, repeated, invalid ones ignored', left: 5, alreadySent: [], thresholds: [3, 7, 7, -1, Number.NaN, 0], fires: 7, sent: [7], next: 3 },
    { name: 'no thresholds: only expired', left: 5, alreadySent: [], thresholds: [], fires: undefined, sent: [], next: 0 },
    { name: 'unknown entries in alreadySent are kept', left: 40, alreadySent: [45], fires: undefined, sent: [45], next: 30 },
  ];

  it.each(rows)('$name → fires $fires', (row) => {
    const now = daysLeft(row.left);
    const result = dueExpiryAlerts({ notAfter, now, alreadySent: row.alreadySent, ...(row.thresholds === undefined ? {} : { thresholds: row.thresholds }) });
    let expected: ExpiryAlert | undefined;
    if (row.fires === expiredThreshold) expected = { kind: 'expired', notAfter };
    else if (row.fires !== undefined) expected = { kind: 'expiring', thresholdDays: row.fires, daysLeft: row.left, notAfter };
    expect(result.fire).toStrictEqual(expected);
    expect(result.sent).toStrictEqual(row.sent);
    expect(result.nextAt).toStrictEqual(row.next === undefined ? undefined : daysLeft(row.next));
  });

  it('uses 30/14/7/3/1 days by default', () => {
    expect(defaultExpiryThresholds).toStrictEqual([30, 14, 7, 3, 1]);
  });
});

describe('dueExpiryAlerts over a certificate’s last weeks', () => {
  /** Runs checks at the given moments, storing `sent` as the caller would; returns what fired, in order. */
  function run(moments: ReadonlyArray<Date>): Array<number | 'expired'> {
    let alreadySent: ReadonlyArray<number> = [];
    const fired: Array<number | 'expired'> = [];
    for (const now of moments) {
      const { fire, sent } = dueExpiryAlerts({ notAfter, now, alreadySent });
      if (fire !== undefined) fired.push(fire.kind === 'expired' ? 'expired' : fire.thresholdDays);
      alreadySent = sent;
    }
    return fired;
  }

  it('fires each threshold exactly once when checked hourly', () => {
    const hourly = Array.from({ length: 45 * 24 }, (_, i) => daysLeft(40 - i / 24));
    expect(run(hourly)).toStrictEqual([30, 14, 7, 3, 1, 'expired']);
  });

  it('never repeats an alert, and fires them most distant first, with irregular checks', () => {
    let state = 12345;
    const random = (): number => {
      // A fixed LCG: the same irregular schedule on every run.
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    for (let trial = 0; trial < 200; trial++) {
      const moments: Date[] = [];
      for (let left = 45; left > -3; left -= random() * 8) moments.push(daysLeft(left));
      moments.push(daysLeft(-3));
      const fired = run(moments);
      expect(new Set(fired).size).toBe(fired.length);
      expect(fired.at(-1)).toBe('expired');
      const days = fired.filter((f): f is number => f !== 'expired');
      expect(days).toStrictEqual([...days].sort((a, b) => b - a));
    }
  });
});

describe('describeExpiryAlert', () => {
  it.each([
    { alert: { kind: 'expiring', thresholdDays: 7, daysLeft: 6.2, notAfter } as const, en: 'expires in 7 days', zh: '7 天后' },
    { alert: { kind: 'expiring', thresholdDays: 1, daysLeft: 0.3, notAfter } as const, en: 'expires in 1 day', zh: '1 天后' },
    { alert: { kind: 'expiring', thresholdDays: 30, daysLeft: 30, notAfter } as const, en: 'expires in 30 days', zh: '30 天后' },
    { alert: { kind: 'expired', notAfter } as const, en: 'expired on 2025-09-01T00:00:00.000Z', zh: '已于 2025-09-01T00:00:00.000Z 过期' },
  ])('$en', ({ alert, en, zh }) => {
    const text = describeExpiryAlert(alert, 'shop.example.com');
    expect(text.en).toContain(en);
    expect(text.en).toContain('shop.example.com');
    expect(text.en).not.toMatch(cjk);
    expect(text['zh-CN']).toContain(zh);
    expect(text['zh-CN']).toContain('shop.example.com');
    expect(text['zh-CN']).toMatch(cjk);
  });
});

describe('parseExpiryThresholds', () => {
  it.each([
    { input: [30, 14, 7, 3, 1], expected: [30, 14, 7, 3, 1] },
    { input: [1, 7, 7, 30], expected: [30, 7, 1] },
    { input: [0.5], expected: [0.5] },
  ])('accepts $input', ({ input, expected }) => {
    expect(parseExpiryThresholds(input)).toStrictEqual(expected);
  });

  it.each([
    { input: [], where: '' },
    { input: [0], where: ' (entry 1)' },
    { input: [30, -1], where: ' (entry 2)' },
    { input: [30, '7'], where: ' (entry 2)' },
    { input: [Number.POSITIVE_INFINITY], where: ' (entry 1)' },
    { input: Array.from({ length: 21 }, (_, i) => i + 1), where: '' },
    { input: '30,14,7', where: '' },
    { input: undefined, where: '' },
  ])('rejects $input', ({ input, where }) => {
    const error = thrown(() => parseExpiryThresholds(input));
    expect(error).toBeInstanceOf(CertDeskError);
    expect(error).toMatchObject({
      code: 'invalid_input',
      message: `Unable to use the expiry alert thresholds, 'thresholds' must be a list of 1 to 20 positive numbers of days${where}`,
    });
  });
});
