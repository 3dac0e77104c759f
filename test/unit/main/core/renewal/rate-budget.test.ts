import { describe, expect, it } from 'vitest';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import {
  approximateRegisteredDomain,
  budgetUsage,
  checkBudget,
  letsEncryptRateLimits,
  parseRateLimits,
  pruneHistory,
  type BudgetAttempt,
  type RateLimitName,
  type RateLimits,
  type SpendEvent,
} from '../../../../../main/core/renewal/rate-budget.ts';
import { thrown } from '../../support/thrown.ts';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const now = new Date('2025-06-10T12:00:00Z');
const ago = (ms: number): Date => new Date(now.getTime() - ms);
const cjk = /[\u4e00-\u9fff]/;

/** `count` events of `kind`, the first `first` ago and each `step` later. */
function events(count: number, kind: SpendEvent['kind'], identifiers: ReadonlyArray<string>, first: number, step = 0): SpendEvent[] {
  return Array.from({ length: count }, (_, i) => ({ at: ago(first - i * step), kind, identifiers }));
}

/** 50 certificates, each for a different name under example.com, the first 6 days ago, one per hour. */
const fiftyUnderExample = Array.from({ length: 50 }, (_, i): SpendEvent => ({ at: ago(6 * day - i * hour), kind: 'certificate_issued', identifiers: [`host${i}.example.com`] }));

interface Row {
  readonly name: string;
  readonly history: ReadonlyArray<SpendEvent>;
  readonly attempt: BudgetAttempt;
  readonly limits?: RateLimits;
  readonly registeredDomain?: (name: string) => string;
  /** `undefined` = allowed. */
  readonly refused?: { readonly limit: RateLimitName; readonly scope: string; readonly retryAt: Date };
}

const rows: ReadonlyArray<Row> = [
  { name: 'nothing spent', history: [], attempt: { identifiers: ['example.com'] } },
  // New orders per account: 300 per 3 hours.
  { name: '299 new orders in 3 hours', history: events(299, 'new_order', ['a.example'], 2 * hour, 10_000), attempt: { identifiers: ['example.com'] } },
  {
    name: '300 new orders in 3 hours',
    history: events(300, 'new_order', ['a.example'], 2 * hour, 10_000),
    attempt: { identifiers: ['example.com'] },
    refused: { limit: 'newOrders', scope: 'account', retryAt: new Date(ago(2 * hour).getTime() + 3 * hour) },
  },
  { name: '300 new orders, the oldest exactly 3 hours ago', history: events(300, 'new_order', ['a.example'], 3 * hour, 10_000), attempt: { identifiers: ['example.com'] } },
  { name: '300 new orders, but a renewal of the same names', history: events(300, 'new_order', ['a.example'], hour), attempt: { identifiers: ['example.com'], renewal: 'same_identifiers' } },
  { name: '300 new orders, but an ARI renewal', history: events(300, 'new_order', ['a.example'], hour), attempt: { identifiers: ['example.com'], renewal: 'ari' } },
  // Failed validations per identifier: 5 per hour.
  { name: '4 failed validations of the name', history: events(4, 'failed_validation', ['www.example.com'], 50 * minute, minute), attempt: { identifiers: ['www.example.com'] } },
  {
    name: '5 failed validations of the name',
    history: events(5, 'failed_validation', ['www.example.com'], 50 * minute, minute),
    attempt: { identifiers: ['example.com', 'www.example.com'] },
    refused: { limit: 'failedValidations', scope: 'www.example.com', retryAt: new Date(ago(50 * minute).getTime() + hour) },
  },
  {
    name: '6 failed validations: the second oldest must leave',
    history: events(6, 'failed_validation', ['www.example.com'], 50 * minute, minute),
    attempt: { identifiers: ['www.example.com'] },
    refused: { limit: 'failedValidations', scope: 'www.example.com', retryAt: new Date(ago(49 * minute).getTime() + hour) },
  },
  { name: '5 failed validations of another name', history: events(5, 'failed_validation', ['mail.example.com'], 10 * minute), attempt: { identifiers: ['www.example.com'] } },
  { name: '5 failed validations over more than an hour', history: events(5, 'failed_validation', ['www.example.com'], 2 * hour, 20 * minute), attempt: { identifiers: ['www.example.com'] } },
  {
    name: 'failures compare names case-insensitively, without the root dot',
    history: events(5, 'failed_validation', ['WWW.Example.COM.'], 10 * minute),
    attempt: { identifiers: ['www.example.com'] },
    refused: { limit: 'failedValidations', scope: 'www.example.com', retryAt: new Date(ago(10 * minute).getTime() + hour) },
  },
  {
    name: 'a wildcard is validated on its base name',
    history: events(5, 'failed_validation', ['example.com'], 10 * minute),
    attempt: { identifiers: ['*.example.com'] },
    refused: { limit: 'failedValidations', scope: 'example.com', retryAt: new Date(ago(10 * minute).getTime() + hour) },
  },
  {
    name: 'a plain renewal still counts failures',
    history: events(5, 'failed_validation', ['www.example.com'], 10 * minute),
    attempt: { identifiers: ['www.example.com'], renewal: 'same_identifiers' },
    refused: { limit: 'failedValidations', scope: 'www.example.com', retryAt: new Date(ago(10 * minute).getTime() + hour) },
  },
  { name: 'an ARI renewal is exempt from failures', history: events(5, 'failed_validation', ['www.example.com'], 10 * minute), attempt: { identifiers: ['www.example.com'], renewal: 'ari' } },
  // Duplicate certificates: 5 per 7 days for the exact set.
  { name: '4 certificates for the set', history: events(4, 'certificate_issued', ['a.example.com', 'b.example.com'], 5 * day, day), attempt: { identifiers: ['a.example.com', 'b.example.com'] } },
  {
    name: '5 certificates for the set, asked in another order and case',
    history: events(5, 'certificate_issued', ['a.example.com', 'b.example.com'], 5 * day, day),
    attempt: { identifiers: ['B.example.com', 'a.example.com', 'a.example.com'] },
    refused: { limit: 'duplicateCertificates', scope: 'a.example.com,b.example.com', retryAt: new Date(ago(5 * day).getTime() + 7 * day) },
  },
  { name: '5 certificates for the set, a subset asked', history: events(5, 'certificate_issued', ['a.example.com', 'b.example.com'], 5 * day, day), attempt: { identifiers: ['a.example.com'] } },
  {
    name: '5 certificates for the set, a plain renewal still counts',
    history: events(5, 'certificate_issued', ['a.example.com', 'b.example.com'], 5 * day, day),
    attempt: { identifiers: ['a.example.com', 'b.example.com'], renewal: 'same_identifiers' },
    refused: { limit: 'duplicateCertificates', scope: 'a.example.com,b.example.com', retryAt: new Date(ago(5 * day).getTime() + 7 * day) },
  },
  { name: '5 certificates for the set, an ARI renewal is exempt', history: events(5, 'certificate_issued', ['a.example.com', 'b.example.com'], 5 * day, day), attempt: { identifiers: ['a.example.com', 'b.example.com'], renewal: 'ari' } },
  // Certificates per registered domain: 50 per 7 days.
  { name: '49 certificates under the domain', history: fiftyUnderExample.slice(1), attempt: { identifiers: ['new.example.com'] } },
  {
    name: '50 certificates under the domain',
    history: fiftyUnderExample,
    attempt: { identifiers: ['new.example.com', 'example.org'] },
    refused: { limit: 'certificatesPerDomain', scope: 'example.com', retryAt: new Date(ago(6 * day).getTime() + 7 * day) },
  },
  { name: '50 certificates under the domain, a renewal is exempt', history: fiftyUnderExample, attempt: { identifiers: ['host7.example.com'], renewal: 'same_identifiers' } },
  { name: '50 certificates under another domain', history: fiftyUnderExample, attempt: { identifiers: ['www.example.net'] } },
  {
    name: 'the last-two-labels default lumps every .co.uk name together',
    history: Array.from({ length: 50 }, (_, i): SpendEvent => ({ at: ago(hour), kind: 'certificate_issued', identifiers: [`shop${i}.co.uk`] })),
    attempt: { identifiers: ['www.example.co.uk'] },
    refused: { limit: 'certificatesPerDomain', scope: 'co.uk', retryAt: new Date(ago(hour).getTime() + 7 * day) },
  },
  {
    name: 'an injected Public Suffix lookup separates them',
    history: Array.from({ length: 50 }, (_, i): SpendEvent => ({ at: ago(hour), kind: 'certificate_issued', identifiers: [`shop${i}.co.uk`] })),
    attempt: { identifiers: ['www.example.co.uk'] },
    registeredDomain: (name) => name.split('.').slice(-3).join('.'),
  },
  // Several limits at once: the one that frees up last.
  {
    name: 'new orders and failed validations both exhausted',
    history: [...events(300, 'new_order', ['x.example'], 2 * hour), ...events(5, 'failed_validation', ['www.example.com'], 10 * minute)],
    attempt: { identifiers: ['www.example.com'] },
    refused: { limit: 'newOrders', scope: 'account', retryAt: new Date(ago(2 * hour).getTime() + 3 * hour) },
  },
  {
    name: 'duplicates outlast failed validations',
    history: [...events(5, 'certificate_issued', ['www.example.com'], day), ...events(5, 'failed_validation', ['www.example.com'], 10 * minute)],
    attempt: { identifiers: ['www.example.com'] },
    refused: { limit: 'duplicateCertificates', scope: 'www.example.com', retryAt: new Date(ago(day).getTime() + 7 * day) },
  },
  // Other CAs.
  { name: 'a CA without limits', history: events(1000, 'new_order', ['a.example'], minute), attempt: { identifiers: ['a.example'] }, limits: {} },
  {
    name: 'a CA with a custom limit',
    history: events(10, 'new_order', ['a.example'], 30 * minute),
    attempt: { identifiers: ['a.example'] },
    limits: { newOrders: { max: 10, windowMs: hour, exempt: [] } },
    refused: { limit: 'newOrders', scope: 'account', retryAt: new Date(ago(30 * minute).getTime() + hour) },
  },
  // Events dated after now (the clock was set back) still count.
  {
    name: 'events from the future count',
    history: events(5, 'failed_validation', ['www.example.com'], -10 * minute),
    attempt: { identifiers: ['www.example.com'] },
    refused: { limit: 'failedValidations', scope: 'www.example.com', retryAt: new Date(now.getTime() + 10 * minute + hour) },
  },
];

describe('checkBudget', () => {
  it.each(rows)('$name', (row) => {
    const result = checkBudget({
      history: row.history,
      attempt: row.attempt,
      now,
      ...(row.limits === undefined ? {} : { limits: row.limits }),
      ...(row.registeredDomain === undefined ? {} : { registeredDomain: row.registeredDomain }),
    });
    if (row.refused === undefined) {
      expect(result).toStrictEqual({ allowed: true });
      return;
    }
    if (result.allowed) throw new Error(`expected a refusal by ${row.refused.limit}`);
    expect({ limit: result.limit, scope: result.scope, retryAt: result.retryAt }).toStrictEqual(row.refused);
    const when = row.refused.retryAt.toISOString();
    for (const text of [result.message.en, result.message['zh-CN']]) {
      expect(text).toContain(when);
      expect(text).not.toMatch(/undefined|NaN|\$\{|\[object/);
    }
    expect(result.message.en).not.toMatch(cjk);
    expect(result.message['zh-CN']).toMatch(cjk);
  });

  it('explains each limit in words an admin can act on', () => {
    const refusal = (history: ReadonlyArray<SpendEvent>, identifiers: ReadonlyArray<string>): string => {
      const result = checkBudget({ history, attempt: { identifiers }, now });
      return result.allowed ? 'allowed' : result.message.en;
    };
    expect(refusal(events(300, 'new_order', ['a'], hour), ['a.example'])).toMatch(/^This CA account created 300 new orders in the last 3 hours \(the CA allows 300\)/);
    expect(refusal(events(5, 'failed_validation', ['www.example.com'], minute), ['www.example.com'])).toMatch(
      /^Validation of www\.example\.com failed 5 times in the last hour \(the CA allows 5\); check the challenge setup/,
    );
    expect(refusal(events(5, 'certificate_issued', ['b.example.com', 'a.example.com'], day), ['a.example.com', 'b.example.com'])).toMatch(
      /^5 certificates for exactly a\.example\.com, b\.example\.com were issued in the last 7 days \(the CA allows 5\)/,
    );
    expect(refusal(fiftyUnderExample, ['new.example.com'])).toMatch(/^50 certificates under example\.com were issued in the last 7 days \(the CA allows 50\)/);
  });

  it('allows again exactly at retryAt, not a millisecond before (random histories)', () => {
    const random = seeded(7);
    const names = ['a.example.com', 'b.example.com', 'c.example.org'];
    const kinds: ReadonlyArray<SpendEvent['kind']> = ['new_order', 'failed_validation', 'certificate_issued'];
    const limits: RateLimits = {
      newOrders: { max: 4, windowMs: 3 * hour, exempt: [] },
      failedValidations: { max: 2, windowMs: hour, exempt: [] },
      duplicateCertificates: { max: 2, windowMs: day, exempt: [] },
      certificatesPerDomain: { max: 3, windowMs: day, exempt: [] },
    };
    let refusals = 0;
    for (let i = 0; i < 500; i++) {
      const history = Array.from({ length: Math.floor(random() * 12) }, (): SpendEvent => ({
        at: ago(random() * day),
        kind: kinds[Math.floor(random() * kinds.length)] ?? 'new_order',
        identifiers: names.filter(() => random() < 0.5),
      }));
      const attempt = { identifiers: names.filter(() => random() < 0.6) };
      const result = checkBudget({ limits, history, attempt, now });
      if (result.allowed) continue;
      refusals++;
      expect(result.retryAt.getTime()).toBeGreaterThan(now.getTime());
      expect(checkBudget({ limits, history, attempt, now: result.retryAt })).toStrictEqual({ allowed: true });
      expect(checkBudget({ limits, history, attempt, now: new Date(result.retryAt.getTime() - 1) }).allowed).toBe(false);
    }
    expect(refusals).toBeGreaterThan(50);
  });

  it("is never looser than the CA's token bucket (Let's Encrypt's algorithm)", () => {
    // A client that orders whenever the budget allows, at random moments over two weeks.
    const random = seeded(11);
    const limit = { max: 5, windowMs: 7 * day, exempt: [] };
    const limits: RateLimits = { duplicateCertificates: limit };
    const start = now.getTime() - 14 * day;
    let history: SpendEvent[] = [];
    for (let t = start; t < now.getTime(); t += random() * 6 * hour) {
      const at = new Date(t);
      if (checkBudget({ limits, history, attempt: { identifiers: ['a.example'] }, now: at }).allowed) {
        history = [...history, { at, kind: 'certificate_issued', identifiers: ['a.example'] }];
      }
    }
    expect(history.length).toBeGreaterThan(5);
    // GCRA, the token bucket of the CA: emission interval T = window / max, burst tolerance (max − 1)·T.
    const interval = limit.windowMs / limit.max;
    let theoreticalArrival = Number.NEGATIVE_INFINITY;
    for (const event of history) {
      const t = event.at.getTime();
      expect(t).toBeGreaterThanOrEqual(theoreticalArrival - (limit.max - 1) * interval);
      theoreticalArrival = Math.max(theoreticalArrival, t) + interval;
    }
  });
});

describe('budgetUsage', () => {
  it('reports every limit and scope the attempt draws on, exempt ones marked', () => {
    const history = [
      ...events(3, 'new_order', ['www.example.com'], 2 * hour, hour),
      ...events(2, 'failed_validation', ['www.example.com'], 30 * minute),
      ...events(1, 'certificate_issued', ['example.com', 'www.example.com'], 2 * day),
    ];
    const usage = budgetUsage({ history, attempt: { identifiers: ['www.example.com', 'example.com'], renewal: 'same_identifiers' }, now });
    expect(usage).toStrictEqual([
      { limit: 'newOrders', scope: 'account', used: 3, max: 300, windowMs: 3 * hour, nextFreeAt: new Date(ago(2 * hour).getTime() + 3 * hour), allowedAt: now, exempt: true },
      { limit: 'failedValidations', scope: 'example.com', used: 0, max: 5, windowMs: hour, nextFreeAt: undefined, allowedAt: now, exempt: false },
      { limit: 'failedValidations', scope: 'www.example.com', used: 2, max: 5, windowMs: hour, nextFreeAt: new Date(ago(30 * minute).getTime() + hour), allowedAt: now, exempt: false },
      { limit: 'duplicateCertificates', scope: 'example.com,www.example.com', used: 1, max: 5, windowMs: 7 * day, nextFreeAt: new Date(ago(2 * day).getTime() + 7 * day), allowedAt: now, exempt: false },
      { limit: 'certificatesPerDomain', scope: 'example.com', used: 1, max: 50, windowMs: 7 * day, nextFreeAt: new Date(ago(2 * day).getTime() + 7 * day), allowedAt: now, exempt: true },
    ]);
  });

  it.each([
    { name: 'exactly a window ago', at: ago(hour), used: 0 },
    { name: '1 ms less than a window ago', at: ago(hour - 1), used: 1 },
  ])('counts an event $name as used=$used', ({ at, used }) => {
    const usage = budgetUsage({ history: [{ at, kind: 'failed_validation', identifiers: ['a.example'] }], attempt: { identifiers: ['a.example'] }, now, limits: { failedValidations: { max: 1, windowMs: hour, exempt: [] } } });
    expect(usage.map((row) => [row.used, row.allowedAt.getTime() - now.getTime()])).toStrictEqual([[used, used]]);
  });

  it('ignores events with an invalid date', () => {
    const usage = budgetUsage({ history: [{ at: new Date(Number.NaN), kind: 'new_order', identifiers: [] }], attempt: { identifiers: ['a.example'] }, now, limits: { newOrders: letsEncryptRateLimits.newOrders ?? { max: 1, windowMs: 1, exempt: [] } } });
    expect(usage.map((row) => row.used)).toStrictEqual([0]);
  });
});

describe('pruneHistory', () => {
  const history: SpendEvent[] = [
    { at: ago(8 * day), kind: 'certificate_issued', identifiers: ['a.example'] },
    { at: ago(7 * day), kind: 'certificate_issued', identifiers: ['b.example'] },
    { at: ago(7 * day - 1), kind: 'certificate_issued', identifiers: ['c.example'] },
    { at: ago(2 * hour), kind: 'new_order', identifiers: ['d.example'] },
    { at: ago(-hour), kind: 'new_order', identifiers: ['e.example'] },
  ];
  const names = (kept: ReadonlyArray<SpendEvent>): string[] => kept.map((event) => event.identifiers[0] ?? '');

  it.each([
    { name: "Let's Encrypt: the 7-day window", limits: undefined, kept: ['c.example', 'd.example', 'e.example'] },
    { name: 'only a 3-hour limit', limits: { newOrders: { max: 1, windowMs: 3 * hour, exempt: [] } }, kept: ['d.example', 'e.example'] },
    { name: 'no limits: nothing in the past matters', limits: {}, kept: ['e.example'] },
  ])('$name', ({ limits, kept }) => {
    expect(names(pruneHistory(history, now, limits))).toStrictEqual(kept);
  });

  it('never changes a budget decision', () => {
    const attempt = { identifiers: ['a.example', 'b.example', 'c.example'] };
    for (let days = 0; days <= 10; days++) {
      const at = new Date(now.getTime() + days * day);
      expect(checkBudget({ history: pruneHistory(history, at), attempt, now: at })).toStrictEqual(checkBudget({ history, attempt, now: at }));
    }
  });
});

describe('approximateRegisteredDomain', () => {
  it.each([
    ['www.example.com', 'example.com'],
    ['example.com', 'example.com'],
    ['a.b.c.example.com', 'example.com'],
    ['*.api.example.com', 'example.com'],
    ['WWW.Example.COM.', 'example.com'],
    ['localhost', 'localhost'],
    // The documented approximation: the CA, using the Public Suffix List, says example.co.uk.
    ['www.example.co.uk', 'co.uk'],
    ['192.0.2.10', '192.0.2.10'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:0db8:0001:0002:0003:0004:0005:0006', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('%s → %s', (name, expected) => {
    expect(approximateRegisteredDomain(name)).toBe(expected);
  });
});

describe('parseRateLimits', () => {
  it.each([
    { name: "Let's Encrypt's limits", input: letsEncryptRateLimits, expected: letsEncryptRateLimits },
    { name: 'nothing', input: undefined, expected: {} },
    { name: 'an empty object', input: {}, expected: {} },
    { name: 'one limit without exemptions', input: { newOrders: { max: 10, windowMs: hour } }, expected: { newOrders: { max: 10, windowMs: hour, exempt: [] } } },
  ])('accepts $name', ({ input, expected }) => {
    expect(parseRateLimits(input)).toStrictEqual(expected);
  });

  it.each([
    { input: { newOrders: { max: 0, windowMs: hour } }, field: "'newOrders.max'" },
    { input: { newOrders: { max: 1.5, windowMs: hour } }, field: "'newOrders.max'" },
    { input: { failedValidations: { max: 5, windowMs: -1 } }, field: "'failedValidations.windowMs'" },
    { input: { duplicateCertificates: { max: 5, windowMs: day, exempt: ['always'] } }, field: "'duplicateCertificates.exempt.0'" },
    { input: { certificatesPerDomain: { max: 5 } }, field: "'certificatesPerDomain.windowMs'" },
    { input: { newOrders: { max: 5, windowMs: day, burst: 2 } }, field: "'burst'" },
    { input: { ordersPerAccount: { max: 5, windowMs: day } }, field: "'ordersPerAccount'" },
  ])('rejects $input naming $field', ({ input, field }) => {
    const error = thrown(() => parseRateLimits(input));
    expect(error).toBeInstanceOf(CertDeskError);
    const { code, message } = error as CertDeskError;
    expect(code).toBe('invalid_input');
    expect(message).toMatch(/^Unable to use the rate limits, /);
    expect(message).toContain(field);
  });
});

/** mulberry32: a small seeded generator, so random histories are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
