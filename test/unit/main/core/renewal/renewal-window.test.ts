import { describe, expect, it } from 'vitest';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import {
  defaultRenewalPolicy,
  maxRenewalFraction,
  minAriRefreshMs,
  nextCheckAfter,
  parseRenewalPolicy,
  pickInWindow,
  renewalDecision,
  type AriUse,
  type RenewalBasis,
  type RenewalPolicy,
  type RenewalReason,
} from '../../../../../main/core/renewal/renewal-window.ts';
import { thrown } from '../../support/thrown.ts';

const hour = 60 * 60 * 1000;
const day = 24 * hour;
const at = (iso: string): Date => new Date(iso);

/** A 90-day certificate: 1/3 remaining is 2025-03-02, 1/20 remaining (4.5 days) is 2025-03-27T12:00. */
const notBefore = at('2025-01-01T00:00:00Z');
const notAfter = at('2025-04-01T00:00:00Z');

interface Row {
  readonly name: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly now: string;
  readonly policy?: RenewalPolicy;
  readonly due: boolean;
  readonly reason: RenewalReason;
  /** When not due: the expected renewAt. */
  readonly renewAt?: string;
  readonly basis: RenewalBasis;
}

describe('renewalDecision without ARI: (notBefore, notAfter, now) → due', () => {
  const rows: ReadonlyArray<Row> = [
    { name: 'before notBefore', now: '2024-12-31T00:00:00Z', due: false, reason: 'not_due', renewAt: '2025-03-02T00:00:00Z', basis: 'fraction_remaining' },
    { name: 'just issued', now: '2025-01-01T00:00:00Z', due: false, reason: 'not_due', renewAt: '2025-03-02T00:00:00Z', basis: 'fraction_remaining' },
    { name: '1 ms before 1/3 remains', now: '2025-03-01T23:59:59.999Z', due: false, reason: 'not_due', renewAt: '2025-03-02T00:00:00Z', basis: 'fraction_remaining' },
    { name: 'exactly 1/3 remains', now: '2025-03-02T00:00:00Z', due: true, reason: 'fraction_remaining', basis: 'fraction_remaining' },
    { name: 'inside the window', now: '2025-03-20T00:00:00Z', due: true, reason: 'fraction_remaining', basis: 'fraction_remaining' },
    { name: '1 ms before the emergency window', now: '2025-03-27T11:59:59.999Z', due: true, reason: 'fraction_remaining', basis: 'fraction_remaining' },
    { name: 'exactly 1/20 remains', now: '2025-03-27T12:00:00Z', due: true, reason: 'emergency', basis: 'fraction_remaining' },
    { name: '1 ms before expiry', now: '2025-03-31T23:59:59.999Z', due: true, reason: 'emergency', basis: 'fraction_remaining' },
    { name: 'at notAfter', now: '2025-04-01T00:00:00Z', due: true, reason: 'expired', basis: 'emergency' },
    { name: 'long expired', now: '2026-01-01T00:00:00Z', due: true, reason: 'expired', basis: 'emergency' },
    // Policies.
    { name: 'remainingFraction 1/2', policy: { remainingFraction: 0.5, emergencyFraction: 0.05 }, now: '2025-02-15T00:00:00Z', due: true, reason: 'fraction_remaining', basis: 'fraction_remaining' },
    { name: 'remainingFraction above the cap is clamped to 1/2', policy: { remainingFraction: 0.9, emergencyFraction: 0.05 }, now: '2025-01-20T00:00:00Z', due: false, reason: 'not_due', renewAt: '2025-02-15T00:00:00Z', basis: 'fraction_remaining' },
    { name: '10 days before expiry: not yet', policy: { ...defaultRenewalPolicy, daysBeforeExpiry: 10 }, now: '2025-03-10T00:00:00Z', due: false, reason: 'not_due', renewAt: '2025-03-22T00:00:00Z', basis: 'days_before_expiry' },
    { name: '10 days before expiry: due', policy: { ...defaultRenewalPolicy, daysBeforeExpiry: 10 }, now: '2025-03-22T00:00:00Z', due: true, reason: 'days_before_expiry', basis: 'days_before_expiry' },
    { name: '2 days before expiry: the emergency comes first', policy: { ...defaultRenewalPolicy, daysBeforeExpiry: 2 }, now: '2025-03-20T00:00:00Z', due: false, reason: 'not_due', renewAt: '2025-03-27T12:00:00Z', basis: 'emergency' },
    { name: '2 days before expiry: emergency reached', policy: { ...defaultRenewalPolicy, daysBeforeExpiry: 2 }, now: '2025-03-28T00:00:00Z', due: true, reason: 'emergency', basis: 'emergency' },
    { name: '100 days before a 90-day certificate is capped at half its life', policy: { ...defaultRenewalPolicy, daysBeforeExpiry: 100 }, now: '2025-01-02T00:00:00Z', due: false, reason: 'not_due', renewAt: '2025-02-15T00:00:00Z', basis: 'days_before_expiry' },
    // Short-lived: a 6-day certificate renews with 2 days left, emergency at 7.2 hours left.
    { name: '6-day certificate, day 3', notBefore: at('2025-06-01T00:00:00Z'), notAfter: at('2025-06-07T00:00:00Z'), now: '2025-06-04T00:00:00Z', due: false, reason: 'not_due', renewAt: '2025-06-05T00:00:00Z', basis: 'fraction_remaining' },
    { name: '6-day certificate, 30 days before expiry is capped at 3 days', notBefore: at('2025-06-01T00:00:00Z'), notAfter: at('2025-06-07T00:00:00Z'), policy: { ...defaultRenewalPolicy, daysBeforeExpiry: 30 }, now: '2025-06-01T00:00:00Z', due: false, reason: 'not_due', renewAt: '2025-06-04T00:00:00Z', basis: 'days_before_expiry' },
    { name: '6-day certificate, 7 hours left', notBefore: at('2025-06-01T00:00:00Z'), notAfter: at('2025-06-07T00:00:00Z'), now: '2025-06-06T17:00:00Z', due: true, reason: 'emergency', basis: 'fraction_remaining' },
    // Broken validity: renew rather than trust it.
    { name: 'notAfter equal to notBefore', notBefore: at('2025-06-01T00:00:00Z'), notAfter: at('2025-06-01T00:00:00Z'), now: '2025-05-01T00:00:00Z', due: true, reason: 'emergency', basis: 'emergency' },
    { name: 'notAfter before notBefore', notBefore: at('2025-06-10T00:00:00Z'), notAfter: at('2025-06-01T00:00:00Z'), now: '2025-05-01T00:00:00Z', due: true, reason: 'emergency', basis: 'emergency' },
  ];

  it.each(rows)('$name → due=$due ($reason)', (row) => {
    const now = at(row.now);
    const decision = renewalDecision({
      notBefore: row.notBefore ?? notBefore,
      notAfter: row.notAfter ?? notAfter,
      now,
      ...(row.policy === undefined ? {} : { policy: row.policy }),
    });
    expect(decision).toStrictEqual({
      due: row.due,
      reason: row.reason,
      renewAt: row.due ? now : at(row.renewAt ?? 'missing'),
      basis: row.basis,
      ari: 'none',
    });
  });

  it('uses the default policy when none is given', () => {
    const now = at('2025-02-01T00:00:00Z');
    expect(renewalDecision({ notBefore, notAfter, now })).toStrictEqual(renewalDecision({ notBefore, notAfter, now, policy: defaultRenewalPolicy }));
  });

  it('is monotone: once due, due at every later moment', () => {
    for (const policy of [defaultRenewalPolicy, { ...defaultRenewalPolicy, daysBeforeExpiry: 7 }, { remainingFraction: 0.5, emergencyFraction: 0.1 }]) {
      let wasDue = false;
      for (let t = notBefore.getTime() - day; t <= notAfter.getTime() + day; t += hour) {
        const { due, renewAt } = renewalDecision({ notBefore, notAfter, now: new Date(t), policy });
        if (wasDue) expect(due).toBe(true);
        if (!due) expect(renewAt.getTime()).toBeGreaterThan(t);
        wasDue ||= due;
      }
      expect(wasDue).toBe(true);
    }
  });

  it('is due exactly at the renewAt it announced, whatever the rounding', () => {
    for (let extra = 0; extra < 50; extra++) {
      for (const policy of [defaultRenewalPolicy, { remainingFraction: 0.3, emergencyFraction: 0.07 }, { ...defaultRenewalPolicy, daysBeforeExpiry: 1.3 }]) {
        const certificate = { notBefore, notAfter: new Date(notAfter.getTime() + extra * 7 + 1), policy };
        const { renewAt } = renewalDecision({ ...certificate, now: notBefore });
        expect(renewalDecision({ ...certificate, now: new Date(renewAt.getTime() - 1) }).due).toBe(false);
        expect(renewalDecision({ ...certificate, now: renewAt }).due).toBe(true);
      }
    }
  });

  it.each(['notBefore', 'notAfter', 'now'] as const)('throws invalid_data when %s is not a valid date', (field) => {
    const input = { notBefore, notAfter, now: at('2025-02-01T00:00:00Z'), [field]: new Date(Number.NaN) };
    const error = thrown(() => renewalDecision(input));
    expect(error).toBeInstanceOf(CertDeskError);
    expect(error).toMatchObject({ code: 'invalid_data', message: `Unable to decide on renewal, '${field}' is not a valid date` });
  });
});

describe('renewalDecision with an ARI window (RFC 9773 §4.2)', () => {
  const serial = '03a1b2c3d4e5f60718293a4b5c6d7e8f9a0b';
  const window = { start: at('2025-02-28T00:00:00Z'), end: at('2025-03-02T00:00:00Z') };
  const picked = pickInWindow(window, serial);

  interface AriRow {
    readonly name: string;
    readonly ari: { readonly start: Date; readonly end: Date };
    readonly now: Date;
    readonly due: boolean;
    readonly reason: RenewalReason;
    readonly renewAt?: Date;
    readonly basis: RenewalBasis;
    readonly use: AriUse;
  }
  const rows: ReadonlyArray<AriRow> = [
    { name: 'before the window', ari: window, now: at('2025-02-01T00:00:00Z'), due: false, reason: 'not_due', renewAt: picked, basis: 'ari_window', use: 'used' },
    { name: '1 ms before the picked time', ari: window, now: new Date(picked.getTime() - 1), due: false, reason: 'not_due', renewAt: picked, basis: 'ari_window', use: 'used' },
    { name: 'at the picked time', ari: window, now: picked, due: true, reason: 'ari_window', basis: 'ari_window', use: 'used' },
    { name: 'after the window', ari: window, now: at('2025-03-05T00:00:00Z'), due: true, reason: 'ari_window', basis: 'ari_window', use: 'used' },
    {
      name: 'an early window overrides the 1/3 rule',
      ari: { start: at('2025-01-20T00:00:00Z'), end: at('2025-01-21T00:00:00Z') },
      now: at('2025-01-22T00:00:00Z'),
      due: true,
      reason: 'ari_window',
      basis: 'ari_window',
      use: 'used',
    },
    {
      name: 'a window wholly in the past (revoked) → due now',
      ari: { start: at('2024-12-01T00:00:00Z'), end: at('2024-12-02T00:00:00Z') },
      now: at('2025-01-02T00:00:00Z'),
      due: true,
      reason: 'ari_window',
      basis: 'ari_window',
      use: 'used',
    },
    {
      name: 'a late window loses to the emergency',
      ari: { start: at('2025-03-29T00:00:00Z'), end: at('2025-03-30T00:00:00Z') },
      now: at('2025-03-20T00:00:00Z'),
      due: false,
      reason: 'not_due',
      renewAt: at('2025-03-27T12:00:00Z'),
      basis: 'emergency',
      use: 'used',
    },
    {
      name: 'the emergency wins inside a late window',
      ari: { start: at('2025-03-29T00:00:00Z'), end: at('2025-03-30T00:00:00Z') },
      now: at('2025-03-28T00:00:00Z'),
      due: true,
      reason: 'emergency',
      basis: 'emergency',
      use: 'used',
    },
    { name: 'expired beats ARI', ari: window, now: notAfter, due: true, reason: 'expired', basis: 'emergency', use: 'used' },
    // Malformed windows fall back to the policy.
    { name: 'start equal to end', ari: { start: window.start, end: window.start }, now: at('2025-02-01T00:00:00Z'), due: false, reason: 'not_due', renewAt: at('2025-03-02T00:00:00Z'), basis: 'fraction_remaining', use: 'malformed' },
    { name: 'start after end', ari: { start: window.end, end: window.start }, now: at('2025-02-01T00:00:00Z'), due: false, reason: 'not_due', renewAt: at('2025-03-02T00:00:00Z'), basis: 'fraction_remaining', use: 'malformed' },
    {
      name: 'a window opening after expiry',
      ari: { start: at('2025-04-02T00:00:00Z'), end: at('2025-04-03T00:00:00Z') },
      now: at('2025-02-01T00:00:00Z'),
      due: false,
      reason: 'not_due',
      renewAt: at('2025-03-02T00:00:00Z'),
      basis: 'fraction_remaining',
      use: 'malformed',
    },
    { name: 'an invalid date', ari: { start: new Date(Number.NaN), end: window.end }, now: at('2025-03-03T00:00:00Z'), due: true, reason: 'fraction_remaining', basis: 'fraction_remaining', use: 'malformed' },
  ];

  it.each(rows)('$name → due=$due ($reason, ARI $use)', (row) => {
    const decision = renewalDecision({ notBefore, notAfter, now: row.now, ari: row.ari, seed: serial });
    expect(decision).toStrictEqual({ due: row.due, reason: row.reason, renewAt: row.due ? row.now : row.renewAt, basis: row.basis, ari: row.use });
  });

  it('picks the same time on every check of the same certificate', () => {
    const times = [at('2025-01-05T00:00:00Z'), at('2025-02-01T00:00:00Z'), at('2025-02-27T00:00:00Z')].map(
      (now) => renewalDecision({ notBefore, notAfter, now, ari: window, seed: serial }).renewAt.getTime(),
    );
    expect(new Set(times).size).toBe(1);
    expect(times[0]).toBe(picked.getTime());
  });

  it('clamps a window reaching past notAfter, so the picked time is never after expiry', () => {
    const ari = { start: at('2025-03-31T00:00:00Z'), end: at('2025-06-01T00:00:00Z') };
    for (let i = 0; i < 200; i++) {
      const decision = renewalDecision({ notBefore, notAfter, now: notBefore, ari, seed: `serial-${i}`, policy: { remainingFraction: 1 / 3, emergencyFraction: 1e-9 } });
      expect(decision.basis).toBe('ari_window');
      expect(decision.renewAt.getTime()).toBeGreaterThanOrEqual(ari.start.getTime());
      expect(decision.renewAt.getTime()).toBeLessThan(notAfter.getTime());
    }
  });

  it('falls back to a seed from the validity period when none is given', () => {
    const a = renewalDecision({ notBefore, notAfter, now: notBefore, ari: window });
    const b = renewalDecision({ notBefore, notAfter, now: notBefore, ari: window });
    expect(a.renewAt).toStrictEqual(b.renewAt);
    expect(a.renewAt.getTime()).toBeGreaterThanOrEqual(window.start.getTime());
    expect(a.renewAt.getTime()).toBeLessThan(window.end.getTime());
  });
});

describe('renewalDecision with nextWakeAt (RFC 9773 §4.2 step 5)', () => {
  const rows = [
    { name: 'next wake after renewAt → renew now', now: '2025-03-01T12:00:00Z', nextWakeAt: '2025-03-02T12:00:00Z', due: true },
    { name: 'next wake exactly at renewAt → wait', now: '2025-03-01T12:00:00Z', nextWakeAt: '2025-03-02T00:00:00Z', due: false },
    { name: 'next wake before renewAt → wait', now: '2025-03-01T12:00:00Z', nextWakeAt: '2025-03-01T13:00:00Z', due: false },
  ] as const;
  it.each(rows)('$name', (row) => {
    const now = at(row.now);
    const decision = renewalDecision({ notBefore, notAfter, now, nextWakeAt: at(row.nextWakeAt) });
    expect(decision.due).toBe(row.due);
    expect(decision.reason).toBe(row.due ? 'fraction_remaining' : 'not_due');
    expect(decision.renewAt).toStrictEqual(row.due ? now : at('2025-03-02T00:00:00Z'));
  });
});

describe('nextCheckAfter', () => {
  const now = at('2025-02-01T00:00:00Z');
  const renewAt = at('2025-03-02T00:00:00Z');
  const window = { start: at('2025-02-28T00:00:00Z'), end: at('2025-03-02T00:00:00Z') };
  const rows = [
    { name: 'due → now', now: at('2025-03-10T00:00:00Z'), expected: at('2025-03-10T00:00:00Z') },
    { name: 'not due → renewAt', now, expected: renewAt },
    { name: 'a check interval sooner than renewAt', now, checkIntervalMs: hour, expected: new Date(now.getTime() + hour) },
    { name: 'a check interval later than renewAt', now: at('2025-03-01T23:30:00Z'), checkIntervalMs: hour, expected: renewAt },
    { name: 'ARI refresh before the picked time', now, ari: { ...window, retryAfter: at('2025-02-01T06:00:00Z') }, expected: at('2025-02-01T06:00:00Z') },
    { name: 'ARI refresh overdue → one minute from now', now, ari: { ...window, retryAfter: at('2025-01-01T00:00:00Z') }, expected: new Date(now.getTime() + minAriRefreshMs) },
    { name: 'ARI refresh after the picked time', now, ari: { ...window, retryAfter: at('2025-03-15T00:00:00Z') }, expected: pickInWindow(window, 'serial') },
  ];
  it.each(rows)('$name', (row) => {
    const input = { notBefore, notAfter, now: row.now, seed: 'serial', ...(row.ari === undefined ? {} : { ari: row.ari }), ...(row.checkIntervalMs === undefined ? {} : { checkIntervalMs: row.checkIntervalMs }) };
    expect(nextCheckAfter(input)).toStrictEqual(row.expected);
  });
});

describe('pickInWindow', () => {
  const window = { start: at('2025-03-01T00:00:00Z'), end: at('2025-03-03T00:00:00Z') };

  it('is deterministic per seed and differs between seeds', () => {
    expect(pickInWindow(window, 'a')).toStrictEqual(pickInWindow(window, 'a'));
    expect(pickInWindow(window, 'a')).not.toStrictEqual(pickInWindow(window, 'b'));
  });

  it('stays inside [start, end) and spreads evenly over the window', () => {
    const buckets = Array<number>(10).fill(0);
    const span = window.end.getTime() - window.start.getTime();
    for (let i = 0; i < 10_000; i++) {
      const t = pickInWindow(window, `serial-${i.toString(16)}`).getTime();
      expect(t).toBeGreaterThanOrEqual(window.start.getTime());
      expect(t).toBeLessThan(window.end.getTime());
      const bucket = Math.floor(((t - window.start.getTime()) / span) * 10);
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    }
    // 1,000 expected per tenth; SHA-256 over fixed seeds, so this is deterministic, not flaky.
    for (const count of buckets) expect(count).toBeGreaterThan(850);
    for (const count of buckets) expect(count).toBeLessThan(1150);
  });

  it('keeps the same relative place when the window moves', () => {
    const moved = { start: at('2025-03-10T00:00:00Z'), end: at('2025-03-12T00:00:00Z') };
    expect(pickInWindow(moved, 'x').getTime() - moved.start.getTime()).toBe(pickInWindow(window, 'x').getTime() - window.start.getTime());
  });

  it.each([
    { name: 'an empty window', end: window.start },
    { name: 'an inverted window', end: at('2025-02-01T00:00:00Z') },
  ])('returns start for $name', ({ end }) => {
    expect(pickInWindow({ start: window.start, end }, 'x')).toStrictEqual(window.start);
  });
});

describe('parseRenewalPolicy', () => {
  it.each([
    { input: undefined, expected: defaultRenewalPolicy },
    { input: {}, expected: defaultRenewalPolicy },
    { input: { remainingFraction: 0.25 }, expected: { remainingFraction: 0.25, emergencyFraction: 1 / 20 } },
    { input: { daysBeforeExpiry: 21 }, expected: { ...defaultRenewalPolicy, daysBeforeExpiry: 21 } },
    { input: { remainingFraction: maxRenewalFraction, emergencyFraction: 0.1 }, expected: { remainingFraction: 0.5, emergencyFraction: 0.1 } },
  ])('accepts $input', ({ input, expected }) => {
    expect(parseRenewalPolicy(input)).toStrictEqual(expected);
  });

  it.each([
    { input: { remainingFraction: 0 }, field: 'remainingFraction' },
    { input: { remainingFraction: 0.6 }, field: 'remainingFraction' },
    { input: { remainingFraction: '1/3' }, field: 'remainingFraction' },
    { input: { daysBeforeExpiry: -1 }, field: 'daysBeforeExpiry' },
    { input: { daysBeforeExpiry: Number.POSITIVE_INFINITY }, field: 'daysBeforeExpiry' },
    { input: { emergencyFraction: 0 }, field: 'emergencyFraction' },
    { input: { emergencyFraction: 0.4 }, field: 'emergencyFraction' },
    { input: { remainingFraction: 0.1, emergencyFraction: 0.2 }, field: 'emergencyFraction' },
    { input: { renewalRatio: 0.3 }, field: 'renewalRatio' },
    { input: 'a third', field: 'an object' },
  ])('rejects $input naming $field', ({ input, field }) => {
    const error = thrown(() => parseRenewalPolicy(input));
    expect(error).toBeInstanceOf(CertDeskError);
    expect(error).toMatchObject({ code: 'invalid_input' });
    const { message, remedy } = error as CertDeskError;
    expect(message).toMatch(/^Unable to use the renewal policy, /);
    expect(message).toContain(field);
    expect(remedy).toBeDefined();
  });
});
