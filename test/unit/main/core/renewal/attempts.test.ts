import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFailure, type Failure } from '../../../../../main/core/acme/failures.ts';
import { AcmeHttpError, AcmeTransportError } from '../../../../../main/core/acme/transport.ts';
import type { AlertMemory } from '../../../../../main/core/alerts/alerts.ts';
import { afterFailure, afterRehearsal, afterSuccess, type OutcomeAlert } from '../../../../../main/core/renewal/attempts.ts';
import { defaultRetryPolicy, type NextAttempt, type RetryPolicy, type StopReason } from '../../../../../main/core/renewal/retry-policy.ts';
import { emptyRenewalState, readRenewalState, updateRenewalState, type RenewalState } from '../../../../../main/core/renewal/state.ts';
import { useTempDir } from '../../support/temp-dir.ts';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;
const t0 = new Date('2025-06-01T00:00:00Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);
const urn = (type: string): string => `urn:ietf:params:acme:error:${type}`;

function httpError(status: number, body: unknown, headers: Record<string, string> = {}): AcmeHttpError {
  return new AcmeHttpError('post', 'https://ca.example/acme/new-order', { status, headers: { 'content-type': 'application/problem+json', ...headers }, data: body });
}
const fromError = (error: unknown): Failure => describeFailure({ kind: 'error', error }, t0);

/** Failures as acme/failures.ts describes real CA answers. */
const failures = {
  /** transient, HTTP 503 */
  serverError: fromError(httpError(503, { type: urn('serverInternal'), detail: 'the database is down' })),
  /** transient, HTTP 429, Retry-After 2 hours */
  rateLimited: fromError(httpError(429, { type: urn('rateLimited'), detail: 'too many new orders recently' }, { 'retry-after': '7200' })),
  /** needs_admin, HTTP 403 */
  unauthorized: fromError(httpError(403, { type: urn('unauthorized'), detail: 'Incorrect TXT record "x" found at _acme-challenge.example.com' })),
  /** state, HTTP 409 */
  alreadyReplaced: fromError(httpError(409, { type: urn('alreadyReplaced'), detail: 'already replaced' })),
  /** state, HTTP 403 */
  orderNotReady: fromError(httpError(403, { type: urn('orderNotReady'), detail: 'Order is not ready' })),
  /** transient, HTTP 403 */
  forbiddenTransient: fromError(httpError(403, { type: urn('rateLimited'), detail: 'slow down' })),
  /** transient, no HTTP response */
  unreachable: fromError(new AcmeTransportError('post', 'https://ca.example/acme/new-order', 'ECONNREFUSED', new Error('connect ECONNREFUSED'))),
} satisfies Record<string, Failure>;

describe('the failures the table is built from (acme/failures.ts)', () => {
  const expected: ReadonlyArray<readonly [keyof typeof failures, Failure['kind'], number | undefined, number | undefined]> = [
    ['serverError', 'transient', 503, undefined],
    ['rateLimited', 'transient', 429, 2 * hour],
    ['unauthorized', 'needs_admin', 403, undefined],
    ['alreadyReplaced', 'state', 409, undefined],
    ['orderNotReady', 'state', 403, undefined],
    ['forbiddenTransient', 'transient', 403, undefined],
    ['unreachable', 'transient', undefined, undefined],
  ];
  it.each(expected)('%s is %s, HTTP %s, Retry-After %s ms', (name, kind, httpStatus, retryAfterMs) => {
    expect(failures[name]).toMatchObject({ kind });
    expect(failures[name].httpStatus).toBe(httpStatus);
    expect(failures[name].retryAfterMs).toBe(retryAfterMs);
  });
});

const alerted: AlertMemory = { failureStreakAlerted: true, stoppedAlerted: false, rehearsalAlerted: false };
const stoppedAlerted: AlertMemory = { failureStreakAlerted: true, stoppedAlerted: true, rehearsalAlerted: false };

/** A certificate `count` failures into a streak that began at `first`. */
function failing(count: number, options: { first?: Date; last?: Date; stopped?: StopReason; nextAttemptAt?: Date; memory?: AlertMemory } = {}): RenewalState {
  const failure = failures.serverError;
  return {
    version: 1,
    alertMemory: options.memory ?? (options.stopped === undefined ? alerted : stoppedAlerted),
    attempts: {
      count,
      firstFailureAt: (options.first ?? t0).toISOString(),
      lastFailure: {
        at: (options.last ?? options.first ?? t0).toISOString(),
        type: 'serverInternal',
        kind: failure.kind,
        httpStatus: 503,
        message: failure.message,
        explanation: failure.explanation,
        remedy: failure.remedyText,
      },
      ...(options.nextAttemptAt === undefined ? {} : { nextAttemptAt: options.nextAttemptAt.toISOString() }),
      ...(options.stopped === undefined ? {} : { stopped: options.stopped }),
    },
  };
}

interface Row {
  readonly name: string;
  readonly previous: RenewalState;
  readonly failure: Failure;
  readonly now: Date;
  readonly policy?: RetryPolicy;
  /** The fixed value `random()` returns; default 0.5, the middle of the jitter range (no jitter). */
  readonly random?: number;
  readonly retryAfter?: Date;
  readonly attempt: number;
  readonly next: NextAttempt;
  readonly alerts: ReadonlyArray<OutcomeAlert>;
  /** The streak's first failure as stored afterwards; default `t0`. */
  readonly firstFailureAt?: Date;
}

const retryAt = (date: Date): NextAttempt => ({ action: 'retry', at: date });
const stop = (reason: StopReason): NextAttempt => ({ action: 'stop', reason });

const rows: ReadonlyArray<Row> = [
  // The streak and the backoff (default policy: 1m × 2 up to 6h, ±20%).
  { name: 'the first failure', previous: emptyRenewalState, failure: failures.serverError, now: t0, attempt: 1, next: retryAt(at(minute)), alerts: ['renewal_failed'] },
  { name: 'the second failure: counted, no second alert', previous: failing(1), failure: failures.serverError, now: at(minute), attempt: 2, next: retryAt(at(3 * minute)), alerts: [] },
  { name: 'the fifth failure', previous: failing(4), failure: failures.unreachable, now: at(15 * minute), attempt: 5, next: retryAt(at(31 * minute)), alerts: [] },
  { name: 'the twelfth failure: capped at 6h', previous: failing(11), failure: failures.serverError, now: at(day), attempt: 12, next: retryAt(at(day + 6 * hour)), alerts: [] },
  { name: 'jitter at its low end (random 0): 80%', previous: emptyRenewalState, failure: failures.serverError, now: t0, random: 0, attempt: 1, next: retryAt(at(48 * second)), alerts: ['renewal_failed'] },
  { name: 'jitter at 3/4: 110%', previous: failing(1), failure: failures.serverError, now: t0, random: 0.75, attempt: 2, next: retryAt(at(132 * second)), alerts: [] },
  { name: 'no jitter with jitter 0 whatever random says', previous: emptyRenewalState, failure: failures.serverError, now: t0, random: 0, policy: { ...defaultRetryPolicy, jitter: 0 }, attempt: 1, next: retryAt(at(minute)), alerts: ['renewal_failed'] },
  { name: 'a custom policy: 10s × 3', previous: failing(2), failure: failures.serverError, now: at(hour), policy: { ...defaultRetryPolicy, firstDelayMs: 10 * second, factor: 3 }, attempt: 3, next: retryAt(at(hour + 90 * second)), alerts: [] },

  // `state` news is not counted.
  { name: 'state news in a streak: not counted, retried at once', previous: failing(2), failure: failures.alreadyReplaced, now: at(hour), attempt: 2, next: retryAt(at(hour)), alerts: [] },
  { name: 'state news first: nothing counted yet', previous: emptyRenewalState, failure: failures.alreadyReplaced, now: t0, attempt: 0, next: retryAt(t0), alerts: ['renewal_failed'] },
  {
    name: 'a budget refusal (state) waits until the budget allows',
    previous: emptyRenewalState,
    failure: failures.alreadyReplaced,
    now: t0,
    retryAfter: at(2 * hour),
    attempt: 0,
    next: retryAt(at(2 * hour)),
    alerts: ['renewal_failed'],
  },
  {
    name: 'the first counted failure after state news starts the streak then',
    previous: { ...failing(0), alertMemory: alerted },
    failure: failures.serverError,
    now: at(2 * hour),
    attempt: 1,
    next: retryAt(at(2 * hour + minute)),
    alerts: [],
    firstFailureAt: at(2 * hour),
  },

  // Retry-After (the CA's or the budget's) wins over a shorter backoff; a longer backoff is kept.
  { name: "the CA's Retry-After of 2h, passed in", previous: failing(1), failure: failures.rateLimited, now: at(minute), retryAfter: at(minute + 2 * hour), attempt: 2, next: retryAt(at(minute + 2 * hour)), alerts: [] },
  { name: "the CA's Retry-After of 2h, carried by the failure alone", previous: failing(1), failure: failures.rateLimited, now: at(minute), attempt: 2, next: retryAt(at(minute + 2 * hour)), alerts: [] },
  { name: 'a budget wait longer than the backoff', previous: failing(1), failure: failures.serverError, now: at(minute), retryAfter: at(hour), attempt: 2, next: retryAt(at(hour)), alerts: [] },
  { name: 'the later of the budget wait and Retry-After', previous: failing(1), failure: failures.rateLimited, now: at(minute), retryAfter: at(3 * hour), attempt: 2, next: retryAt(at(3 * hour)), alerts: [] },
  { name: 'a Retry-After shorter than the backoff', previous: failing(4), failure: failures.serverError, now: at(15 * minute), retryAfter: at(16 * minute), attempt: 5, next: retryAt(at(31 * minute)), alerts: [] },
  { name: 'a Retry-After in the past', previous: emptyRenewalState, failure: failures.serverError, now: t0, retryAfter: at(-hour), attempt: 1, next: retryAt(at(minute)), alerts: ['renewal_failed'] },
  {
    name: 'a Retry-After past the give-up time is still honoured once',
    previous: failing(120),
    failure: failures.rateLimited,
    now: at(30 * day - hour),
    policy: { ...defaultRetryPolicy, maxDelayMs: hour },
    attempt: 121,
    next: retryAt(at(30 * day + hour)),
    alerts: [],
  },

  // needs_admin stops at once, with exactly one alert.
  { name: 'needs_admin on the first attempt: one alert, retries_stopped', previous: emptyRenewalState, failure: failures.unauthorized, now: t0, attempt: 1, next: stop('needs_admin'), alerts: ['retries_stopped'] },
  { name: 'needs_admin after alerted retries', previous: failing(3, { nextAttemptAt: at(7 * minute) }), failure: failures.unauthorized, now: at(7 * minute), attempt: 4, next: stop('needs_admin'), alerts: ['retries_stopped'] },
  { name: 'needs_admin again while stopped: no new alert', previous: failing(4, { stopped: 'needs_admin' }), failure: failures.unauthorized, now: at(day), attempt: 5, next: stop('needs_admin'), alerts: [] },
  { name: "needs_admin even with a Retry-After", previous: emptyRenewalState, failure: failures.unauthorized, now: t0, retryAfter: at(hour), attempt: 1, next: stop('needs_admin'), alerts: ['retries_stopped'] },
  {
    name: 'after a stop, the admin renews and it fails transiently: retries resume',
    previous: failing(1, { stopped: 'needs_admin' }),
    failure: failures.serverError,
    now: at(day),
    attempt: 2,
    next: retryAt(at(day + 2 * minute)),
    alerts: [],
  },

  // The policy's limits.
  { name: 'maxAttempts 3, the second failure retries', previous: failing(1), failure: failures.serverError, now: at(minute), policy: { ...defaultRetryPolicy, maxAttempts: 3 }, attempt: 2, next: retryAt(at(3 * minute)), alerts: [] },
  { name: 'maxAttempts 3, the third failure stops', previous: failing(2), failure: failures.serverError, now: at(3 * minute), policy: { ...defaultRetryPolicy, maxAttempts: 3 }, attempt: 3, next: stop('attempts_exhausted'), alerts: ['retries_stopped'] },
  { name: 'maxAttempts 1, the first failure stops with one alert', previous: emptyRenewalState, failure: failures.serverError, now: t0, policy: { ...defaultRetryPolicy, maxAttempts: 1 }, attempt: 1, next: stop('attempts_exhausted'), alerts: ['retries_stopped'] },
  { name: 'maxAttempts 3, state news does not use an attempt', previous: failing(2), failure: failures.alreadyReplaced, now: at(3 * minute), policy: { ...defaultRetryPolicy, maxAttempts: 3 }, attempt: 2, next: retryAt(at(3 * minute)), alerts: [] },
  { name: 'just before 30 days', previous: failing(127), failure: failures.serverError, now: at(30 * day - 1), attempt: 128, next: retryAt(at(30 * day - 1 + 6 * hour)), alerts: [] },
  { name: '30 days after the first failure: gave up', previous: failing(128), failure: failures.serverError, now: at(30 * day), attempt: 129, next: stop('gave_up'), alerts: ['retries_stopped'] },
  { name: 'giveUpAfter 1h', previous: failing(3), failure: failures.unreachable, now: at(hour), policy: { ...defaultRetryPolicy, giveUpAfterMs: hour }, attempt: 4, next: stop('gave_up'), alerts: ['retries_stopped'] },

  // A 403 is never retried at once.
  { name: 'a transient 403 with low jitter waits the full first delay', previous: emptyRenewalState, failure: failures.forbiddenTransient, now: t0, random: 0, attempt: 1, next: retryAt(at(minute)), alerts: ['renewal_failed'] },
  { name: 'a 403 state news waits the first delay, not 0', previous: failing(2), failure: failures.orderNotReady, now: at(hour), attempt: 2, next: retryAt(at(hour + minute)), alerts: [] },
  { name: 'a 403 with a longer Retry-After waits for it', previous: failing(2), failure: failures.orderNotReady, now: at(hour), retryAfter: at(2 * hour), attempt: 2, next: retryAt(at(2 * hour)), alerts: [] },
  { name: 'a 403 waits the first delay of a custom policy', previous: failing(2), failure: failures.orderNotReady, now: at(hour), policy: { ...defaultRetryPolicy, firstDelayMs: 5 * minute, maxDelayMs: hour }, attempt: 2, next: retryAt(at(hour + 5 * minute)), alerts: [] },
];

function run(row: Row): ReturnType<typeof afterFailure> {
  const random = row.random ?? 0.5;
  return afterFailure({
    state: row.previous,
    failure: row.failure,
    policy: row.policy ?? defaultRetryPolicy,
    now: row.now,
    random: () => random,
    retryAfter: row.retryAfter,
  });
}

describe('afterFailure: (state, failure, policy, now, random, retryAfter) → outcome', () => {
  it.each(rows)('$name', (row) => {
    const before = structuredClone(row.previous);
    const outcome = run(row);
    expect(outcome.attempt).toBe(row.attempt);
    expect(outcome.next).toStrictEqual(row.next);
    expect(outcome.alerts).toStrictEqual(row.alerts);

    const attempts = outcome.state.attempts;
    expect(attempts?.count).toBe(row.attempt);
    expect(attempts?.firstFailureAt).toBe((row.firstFailureAt ?? t0).toISOString());
    // The next attempt time is stored for a retry; a stop clears it, so only the admin starts the next.
    expect(attempts?.nextAttemptAt).toBe(row.next.action === 'retry' ? row.next.at.toISOString() : undefined);
    expect(attempts?.stopped).toBe(row.next.action === 'stop' ? row.next.reason : undefined);
    expect(attempts?.lastFailure.at).toBe(row.now.toISOString());
    expect(attempts?.lastFailure.kind).toBe(row.failure.kind);
    // The alert memory says what was raised, so the next outcome raises nothing twice.
    expect(outcome.state.alertMemory).toStrictEqual({
      failureStreakAlerted: true,
      stoppedAlerted: row.next.action === 'stop',
      rehearsalAlerted: row.previous.alertMemory?.rehearsalAlerted ?? false,
    });
    // Pure: the input is left as it was.
    expect(row.previous).toStrictEqual(before);
  });

  it('records the last failure as `cert show` presents it', () => {
    const failure = failures.unauthorized;
    const { state } = afterFailure({ state: emptyRenewalState, failure, policy: defaultRetryPolicy, now: at(hour), random: () => 0.5 });
    expect(state.attempts?.lastFailure).toStrictEqual({
      at: at(hour).toISOString(),
      type: 'unauthorized',
      kind: 'needs_admin',
      httpStatus: 403,
      message: failure.message,
      explanation: failure.explanation,
      remedy: failure.remedyText,
    });
    expect(state.attempts?.lastFailure.message).toContain('Incorrect TXT record');
    expect(state.attempts?.lastFailure.remedy['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
  });

  it('records a failure without an HTTP response without a status, under its transport type', () => {
    const { state } = afterFailure({ state: emptyRenewalState, failure: failures.unreachable, policy: defaultRetryPolicy, now: t0, random: () => 0.5 });
    expect(state.attempts?.lastFailure.type).toBe('caUnreachable');
    expect(state.attempts?.lastFailure).not.toHaveProperty('httpStatus');
  });

  it('records a failure without a problem type under its kind', () => {
    const failure: Failure = { ...failures.serverError };
    Reflect.deleteProperty(failure, 'problemType');
    const { state } = afterFailure({ state: emptyRenewalState, failure, policy: defaultRetryPolicy, now: t0, random: () => 0.5 });
    expect(state.attempts?.lastFailure.type).toBe('transient');
  });

  it('keeps the ARI window, the expiry alerts and the rehearsal', () => {
    const previous: RenewalState = {
      ...failing(1),
      ari: { serial: '0a', start: at(day).toISOString(), end: at(2 * day).toISOString(), retryAfter: at(hour).toISOString(), fetchedAt: t0.toISOString() },
      expiryAlerts: { serial: '0a', sent: [30, 14] },
      rehearsal: { at: t0.toISOString(), ok: false, message: 'staging said no' },
    };
    const { state } = afterFailure({ state: previous, failure: failures.serverError, policy: defaultRetryPolicy, now: at(minute), random: () => 0.5 });
    expect(state.ari).toStrictEqual(previous.ari);
    expect(state.expiryAlerts).toStrictEqual(previous.expiryAlerts);
    expect(state.rehearsal).toStrictEqual(previous.rehearsal);
  });

  it('asks random() once per transient failure and not at all for news or a stop', () => {
    const calls: string[] = [];
    const random = (name: string) => (): number => {
      calls.push(name);
      return 0.5;
    };
    const base = { policy: defaultRetryPolicy, now: t0 };
    afterFailure({ ...base, state: emptyRenewalState, failure: failures.serverError, random: random('transient') });
    afterFailure({ ...base, state: emptyRenewalState, failure: failures.alreadyReplaced, random: random('state') });
    afterFailure({ ...base, state: emptyRenewalState, failure: failures.unauthorized, random: random('needs_admin') });
    expect(calls).toStrictEqual(['transient']);
  });

  it('a whole streak under the default policy alerts twice: when it starts and when it gives up after 30 days', () => {
    let state: RenewalState = emptyRenewalState;
    let now = t0;
    const raised: Array<{ readonly alert: OutcomeAlert; readonly attempt: number }> = [];
    for (let i = 0; i < 1000; i++) {
      const outcome = afterFailure({ state, failure: failures.serverError, policy: defaultRetryPolicy, now, random: () => 0.5 });
      state = outcome.state;
      raised.push(...outcome.alerts.map((alert) => ({ alert, attempt: outcome.attempt })));
      if (outcome.next.action === 'stop') {
        expect(outcome.next.reason).toBe('gave_up');
        break;
      }
      now = outcome.next.at;
    }
    // The table in retry-policy.ts: 128 retries, the 129th failure gives up.
    expect(state.attempts?.count).toBe(129);
    expect(state.attempts?.stopped).toBe('gave_up');
    expect(raised).toStrictEqual([{ alert: 'renewal_failed', attempt: 1 }, { alert: 'retries_stopped', attempt: 129 }]);
  });

  it('a needs_admin failure, then its repeats, alert exactly once', () => {
    let state: RenewalState = emptyRenewalState;
    const raised: OutcomeAlert[] = [];
    for (let i = 0; i < 5; i++) {
      const outcome = afterFailure({ state, failure: failures.unauthorized, policy: defaultRetryPolicy, now: at(i * hour), random: () => 0.5 });
      state = outcome.state;
      raised.push(...outcome.alerts);
    }
    expect(raised).toStrictEqual(['retries_stopped']);
  });
});

describe('afterSuccess: the streak ends', () => {
  const ari = { serial: '0a', start: at(day).toISOString(), end: at(2 * day).toISOString(), retryAfter: at(hour).toISOString(), fetchedAt: t0.toISOString() };
  const rehearsal = { at: t0.toISOString(), ok: true };
  interface SuccessRow {
    readonly name: string;
    readonly previous: RenewalState;
    readonly alerts: ReadonlyArray<OutcomeAlert>;
    readonly failures: number;
  }
  const successRows: ReadonlyArray<SuccessRow> = [
    { name: 'a certificate that never failed', previous: emptyRenewalState, alerts: [], failures: 0 },
    { name: 'after failures that raised renewal_failed', previous: failing(3, { nextAttemptAt: at(7 * minute) }), alerts: ['recovered'], failures: 3 },
    { name: 'after a stop that raised retries_stopped', previous: failing(1, { stopped: 'needs_admin' }), alerts: ['recovered'], failures: 1 },
    { name: 'after a streak nothing was alerted for', previous: { ...failing(2), alertMemory: { failureStreakAlerted: false, stoppedAlerted: false, rehearsalAlerted: false } }, alerts: [], failures: 2 },
    { name: 'after only a failed rehearsal', previous: { version: 1, alertMemory: { failureStreakAlerted: false, stoppedAlerted: false, rehearsalAlerted: true }, rehearsal: { ...rehearsal, ok: false } }, alerts: [], failures: 0 },
    {
      name: 'with an ARI window, expiry alerts and a rehearsal',
      previous: { ...failing(4), ari, expiryAlerts: { serial: '0a', sent: [30, 14, 7] }, rehearsal },
      alerts: ['recovered'],
      failures: 4,
    },
  ];

  it.each(successRows)('$name', ({ previous, alerts, failures: count }) => {
    const before = structuredClone(previous);
    const outcome = afterSuccess(previous);
    expect(outcome.alerts).toStrictEqual(alerts);
    expect(outcome.failures).toBe(count);
    // The attempts, the old certificate's ARI window and expiry alerts go; the rehearsal stays.
    expect(outcome.state).toStrictEqual({
      version: 1,
      alertMemory: { failureStreakAlerted: false, stoppedAlerted: false, rehearsalAlerted: false },
      ...(previous.rehearsal === undefined ? {} : { rehearsal: previous.rehearsal }),
    });
    expect(previous).toStrictEqual(before);
  });

  it('a second success in a row is not news', () => {
    const first = afterSuccess(failing(2));
    expect(first.alerts).toStrictEqual(['recovered']);
    expect(afterSuccess(first.state).alerts).toStrictEqual([]);
  });

  it('after a success a new failure starts a new streak with its own alert', () => {
    const { state } = afterSuccess(failing(7, { first: at(-day) }));
    const outcome = afterFailure({ state, failure: failures.serverError, policy: defaultRetryPolicy, now: t0, random: () => 0.5 });
    expect(outcome.attempt).toBe(1);
    expect(outcome.state.attempts?.firstFailureAt).toBe(t0.toISOString());
    expect(outcome.alerts).toStrictEqual(['renewal_failed']);
  });
});

describe('afterRehearsal', () => {
  interface RehearsalRow {
    readonly name: string;
    readonly previous: RenewalState;
    readonly ok: boolean;
    readonly message?: string;
    readonly alerts: ReadonlyArray<OutcomeAlert>;
    readonly rehearsalAlerted: boolean;
  }
  const rehearsalRows: ReadonlyArray<RehearsalRow> = [
    { name: 'the first failed rehearsal alerts', previous: emptyRenewalState, ok: false, message: 'DNS record not visible', alerts: ['rehearsal_failed'], rehearsalAlerted: true },
    {
      name: 'a second failed rehearsal does not',
      previous: { version: 1, alertMemory: { failureStreakAlerted: false, stoppedAlerted: false, rehearsalAlerted: true }, rehearsal: { at: t0.toISOString(), ok: false } },
      ok: false,
      message: 'still broken',
      alerts: [],
      rehearsalAlerted: true,
    },
    {
      name: 'a rehearsal that succeeds resets the memory silently',
      previous: { version: 1, alertMemory: { failureStreakAlerted: false, stoppedAlerted: false, rehearsalAlerted: true } },
      ok: true,
      alerts: [],
      rehearsalAlerted: false,
    },
    { name: 'a successful rehearsal on a fresh certificate', previous: emptyRenewalState, ok: true, alerts: [], rehearsalAlerted: false },
    { name: 'a failed rehearsal during a failing streak still alerts', previous: failing(2), ok: false, message: 'no', alerts: ['rehearsal_failed'], rehearsalAlerted: true },
  ];

  it.each(rehearsalRows)('$name', ({ previous, ok, message, alerts, rehearsalAlerted }) => {
    const outcome = afterRehearsal(previous, { ok, now: at(hour), ...(message === undefined ? {} : { message }) });
    expect(outcome.alerts).toStrictEqual(alerts);
    expect(outcome.state.rehearsal).toStrictEqual({ at: at(hour).toISOString(), ok, ...(message === undefined ? {} : { message }) });
    expect(outcome.state.alertMemory?.rehearsalAlerted).toBe(rehearsalAlerted);
    // A rehearsal says nothing about the real renewals.
    expect(outcome.state.attempts).toStrictEqual(previous.attempts);
    expect(outcome.state.alertMemory?.failureStreakAlerted).toBe(previous.alertMemory?.failureStreakAlerted ?? false);
  });

  it('fail, fail, succeed, fail: alerts on the first failure and again after the success', () => {
    let state: RenewalState = emptyRenewalState;
    const raised: OutcomeAlert[][] = [];
    for (const ok of [false, false, true, false]) {
      const outcome = afterRehearsal(state, { ok, now: t0 });
      state = outcome.state;
      raised.push([...outcome.alerts]);
    }
    expect(raised).toStrictEqual([['rehearsal_failed'], [], [], ['rehearsal_failed']]);
  });
});

describe('every state these functions produce is one renewal.json stores and reads back', () => {
  const tempDir = useTempDir('attempts');

  it('round-trips through updateRenewalState and readRenewalState', async () => {
    const file = path.join(tempDir(), 'certs', 'example', 'renewal.json');
    const states: RenewalState[] = [
      ...rows.map((row) => run(row).state),
      ...rows.map((row) => afterSuccess(run(row).state).state),
      afterRehearsal(failing(3), { ok: false, message: 'x', now: t0 }).state,
      afterRehearsal(emptyRenewalState, { ok: true, now: t0 }).state,
    ];
    for (const state of states) {
      await updateRenewalState(file, () => state);
      expect(await readRenewalState(file)).toStrictEqual(state);
    }
  });
});
