import { describe, expect, it } from 'vitest';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import {
  backoffDelayMs,
  defaultRetryPolicy,
  nextAttempt,
  parseRetryPolicy,
  type AttemptInput,
  type NextAttempt,
  type RetryPolicy,
} from '../../../../../main/core/renewal/retry-policy.ts';
import { thrown } from '../../support/thrown.ts';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;
const t0 = new Date('2025-06-01T00:00:00Z');
const after = (ms: number): Date => new Date(t0.getTime() + ms);
/** `random() = 0.5` is the middle of the jitter range: no jitter at all. */
const noJitter = (): number => 0.5;

/** "1d 02h 31m", the notation of the table in retry-policy.ts. */
function duration(ms: number): string {
  const d = Math.floor(ms / day);
  const h = Math.floor((ms % day) / hour);
  const m = Math.floor((ms % hour) / minute);
  const s = Math.floor((ms % minute) / second);
  const parts = [d > 0 ? `${d}d` : '', h > 0 ? `${h}h` : '', m > 0 ? `${m}m` : '', s > 0 ? `${s}s` : ''].filter((p) => p !== '');
  return parts.length === 0 ? '0s' : parts.join(' ');
}

/** mulberry32: a small seeded generator, so "many random values" are the same on every run. */
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

function input(overrides: Partial<AttemptInput>): AttemptInput {
  return { attempt: 1, firstFailureAt: t0, now: t0, kind: 'transient', random: noJitter, ...overrides };
}

describe('the default schedule (the table in retry-policy.ts)', () => {
  // failures so far → wait → elapsed since the first failure when that retry starts.
  const rows = [
    { attempt: 1, wait: '1m', elapsed: '1m' },
    { attempt: 2, wait: '2m', elapsed: '3m' },
    { attempt: 3, wait: '4m', elapsed: '7m' },
    { attempt: 4, wait: '8m', elapsed: '15m' },
    { attempt: 5, wait: '16m', elapsed: '31m' },
    { attempt: 6, wait: '32m', elapsed: '1h 3m' },
    { attempt: 7, wait: '1h 4m', elapsed: '2h 7m' },
    { attempt: 8, wait: '2h 8m', elapsed: '4h 15m' },
    { attempt: 9, wait: '4h 16m', elapsed: '8h 31m' },
    { attempt: 10, wait: '6h', elapsed: '14h 31m' },
    { attempt: 11, wait: '6h', elapsed: '20h 31m' },
    { attempt: 12, wait: '6h', elapsed: '1d 2h 31m' },
  ];

  /** Runs the default policy without jitter, each failure happening the moment its retry starts. */
  function simulate(): { readonly waits: string[]; readonly elapsed: string[]; readonly stop: NextAttempt; readonly failures: number } {
    const waits: string[] = [];
    const elapsed: string[] = [];
    let now = t0;
    for (let attempt = 1; ; attempt++) {
      const next = nextAttempt(input({ attempt, now }));
      if (next.action === 'stop') return { waits, elapsed, stop: next, failures: attempt };
      waits.push(duration(next.at.getTime() - now.getTime()));
      elapsed.push(duration(next.at.getTime() - t0.getTime()));
      now = next.at;
    }
  }
  const run = simulate();

  it.each(rows)('failure $attempt → wait $wait (elapsed $elapsed)', ({ attempt, wait, elapsed }) => {
    expect(run.waits[attempt - 1]).toBe(wait);
    expect(run.elapsed[attempt - 1]).toBe(elapsed);
  });

  it('gives up at failure 129, 30 days after the first (128 retries)', () => {
    expect(run.stop).toStrictEqual({ action: 'stop', reason: 'gave_up' });
    expect(run.failures).toBe(129);
    expect(run.elapsed.at(-1)).toBe('30d 2h 31m');
    expect(run.elapsed.at(-2)).toBe('29d 20h 31m');
  });
});

describe('nextAttempt', () => {
  interface Row {
    readonly name: string;
    readonly input: Partial<AttemptInput>;
    readonly expected: NextAttempt;
  }
  const retryAt = (ms: number): NextAttempt => ({ action: 'retry', at: after(ms) });
  const rows: ReadonlyArray<Row> = [
    // Kinds.
    { name: 'transient, first failure', input: {}, expected: retryAt(minute) },
    { name: 'needs_admin stops at once', input: { kind: 'needs_admin' }, expected: { action: 'stop', reason: 'needs_admin' } },
    { name: 'needs_admin stops even with Retry-After', input: { kind: 'needs_admin', retryAfter: after(hour) }, expected: { action: 'stop', reason: 'needs_admin' } },
    { name: 'state retries now, uncounted', input: { kind: 'state', attempt: 50 }, expected: retryAt(0) },
    { name: 'state waits for Retry-After', input: { kind: 'state', retryAfter: after(5 * second) }, expected: retryAt(5 * second) },
    // Retry-After always wins, backoff when longer.
    { name: 'Retry-After later than the backoff', input: { retryAfter: after(10 * minute) }, expected: retryAt(10 * minute) },
    { name: 'Retry-After earlier than the backoff', input: { attempt: 5, retryAfter: after(minute) }, expected: retryAt(16 * minute) },
    { name: 'Retry-After in the past', input: { retryAfter: after(-hour) }, expected: retryAt(minute) },
    { name: 'Retry-After with the shortest jitter', input: { retryAfter: after(minute), random: () => 0 }, expected: retryAt(minute) },
    { name: 'Retry-After of 7 days', input: { kind: 'transient', retryAfter: after(7 * day) }, expected: retryAt(7 * day) },
    // 403: never at once.
    { name: '403 transient with the shortest jitter waits the full first delay', input: { httpStatus: 403, random: () => 0 }, expected: retryAt(minute) },
    { name: '403 state waits the first delay', input: { kind: 'state', httpStatus: 403 }, expected: retryAt(minute) },
    { name: '403 state with a later Retry-After', input: { kind: 'state', httpStatus: 403, retryAfter: after(hour) }, expected: retryAt(hour) },
    { name: '403 later in the schedule keeps the backoff', input: { httpStatus: 403, attempt: 4 }, expected: retryAt(8 * minute) },
    { name: 'a shortest-jitter non-403 retry may come sooner than the first delay', input: { random: () => 0 }, expected: retryAt(48 * second) },
    // Jitter edges: ±20% of the capped delay.
    { name: 'longest jitter at the cap', input: { attempt: 20, random: () => 0.999_999_999 }, expected: retryAt(Math.round(6 * hour * (1 + 0.2 * (2 * 0.999_999_999 - 1)))) },
    { name: 'shortest jitter at the cap', input: { attempt: 20, random: () => 0 }, expected: retryAt(4.8 * hour) },
    { name: 'a random above 1 is clamped', input: { attempt: 20, random: () => 7 }, expected: retryAt(7.2 * hour) },
    { name: 'a NaN random means no jitter', input: { attempt: 20, random: () => Number.NaN }, expected: retryAt(6 * hour) },
    // Stopping.
    { name: '1 ms before giving up', input: { attempt: 100, now: after(30 * day - 1) }, expected: { action: 'retry', at: new Date(t0.getTime() + 30 * day - 1 + 6 * hour) } },
    { name: 'exactly 30 days after the first failure', input: { attempt: 100, now: after(30 * day) }, expected: { action: 'stop', reason: 'gave_up' } },
    { name: 'maxAttempts 5, 4 failures', input: { policy: { ...defaultRetryPolicy, maxAttempts: 5 }, attempt: 4 }, expected: retryAt(8 * minute) },
    { name: 'maxAttempts 5, 5 failures', input: { policy: { ...defaultRetryPolicy, maxAttempts: 5 }, attempt: 5 }, expected: { action: 'stop', reason: 'attempts_exhausted' } },
    { name: 'maxAttempts does not apply to state', input: { policy: { ...defaultRetryPolicy, maxAttempts: 1 }, kind: 'state', attempt: 3 }, expected: retryAt(0) },
    { name: 'a custom policy', input: { policy: { firstDelayMs: 5 * second, factor: 3, maxDelayMs: hour, jitter: 0, giveUpAfterMs: day }, attempt: 3 }, expected: retryAt(45 * second) },
  ];

  it.each(rows)('$name', ({ input: overrides, expected }) => {
    const result = nextAttempt(input(overrides));
    if (expected.action === 'retry' && result.action === 'retry') {
      // Floating-point jitter: compare to the millisecond.
      expect(Math.abs(result.at.getTime() - expected.at.getTime())).toBeLessThanOrEqual(1);
    } else {
      expect(result).toStrictEqual(expected);
    }
  });

  it.each([0, -1, 1.5, Number.NaN])('throws a RangeError for attempt %s', (attempt) => {
    expect(thrown(() => nextAttempt(input({ attempt })))).toBeInstanceOf(RangeError);
    expect(thrown(() => backoffDelayMs(defaultRetryPolicy, attempt))).toBeInstanceOf(RangeError);
  });
});

describe('properties', () => {
  const policies: ReadonlyArray<RetryPolicy> = [
    defaultRetryPolicy,
    { firstDelayMs: 1, factor: 1, maxDelayMs: 1, jitter: 0, giveUpAfterMs: day },
    { firstDelayMs: 30 * second, factor: 1.5, maxDelayMs: day, jitter: 0.5, giveUpAfterMs: 90 * day },
    { firstDelayMs: minute, factor: 10, maxDelayMs: 2 * hour, jitter: 0.99, giveUpAfterMs: day },
  ];

  it('keeps jittered delays within ±jitter of the backoff, and never below Retry-After', () => {
    const random = seeded(4);
    for (const policy of policies) {
      for (let i = 0; i < 2_000; i++) {
        const attempt = 1 + Math.floor(random() * 40);
        const retryAfter = random() < 0.3 ? after(random() * 8 * hour) : undefined;
        const result = nextAttempt(input({ policy, attempt, random, ...(retryAfter === undefined ? {} : { retryAfter }) }));
        if (result.action !== 'retry') throw new Error(`expected a retry, got ${JSON.stringify(result)}`);
        const delay = result.at.getTime() - t0.getTime();
        const base = backoffDelayMs(policy, attempt);
        const waitAtLeast = retryAfter === undefined ? 0 : retryAfter.getTime() - t0.getTime();
        // ±1 ms: Date keeps whole milliseconds.
        expect(delay).toBeGreaterThanOrEqual(Math.max(base * (1 - policy.jitter), waitAtLeast) - 1);
        expect(delay).toBeLessThanOrEqual(Math.max(base * (1 + policy.jitter), waitAtLeast) + 1);
        if (retryAfter !== undefined) expect(result.at.getTime()).toBeGreaterThanOrEqual(retryAfter.getTime());
      }
    }
  });

  it('grows monotonically until the cap and stays there', () => {
    for (const policy of policies) {
      let previous = 0;
      for (let attempt = 1; attempt <= 2_000; attempt++) {
        const delay = backoffDelayMs(policy, attempt);
        expect(delay).toBeGreaterThanOrEqual(previous);
        expect(delay).toBeLessThanOrEqual(policy.maxDelayMs);
        expect(Number.isFinite(delay)).toBe(true);
        previous = delay;
      }
      expect(previous).toBe(policy.maxDelayMs);
      expect(backoffDelayMs(policy, 1)).toBe(Math.min(policy.firstDelayMs, policy.maxDelayMs));
    }
  });

  it('never retries a 403 sooner than the first delay, whatever the jitter', () => {
    const random = seeded(403);
    for (let i = 0; i < 1_000; i++) {
      const kind = random() < 0.5 ? 'transient' : 'state';
      const result = nextAttempt(input({ kind, httpStatus: 403, attempt: 1 + Math.floor(random() * 5), random }));
      if (result.action !== 'retry') throw new Error('expected a retry');
      expect(result.at.getTime() - t0.getTime()).toBeGreaterThanOrEqual(defaultRetryPolicy.firstDelayMs);
    }
  });
});

describe('parseRetryPolicy', () => {
  it.each([
    { name: 'undefined', input: undefined, expected: defaultRetryPolicy },
    { name: 'an empty object', input: {}, expected: defaultRetryPolicy },
    { name: 'a partial policy', input: { maxDelayMs: hour, maxAttempts: 10 }, expected: { ...defaultRetryPolicy, maxDelayMs: hour, maxAttempts: 10 } },
    { name: 'factor 1 and no jitter', input: { factor: 1, jitter: 0 }, expected: { ...defaultRetryPolicy, factor: 1, jitter: 0 } },
    { name: 'maxDelayMs equal to firstDelayMs', input: { firstDelayMs: hour, maxDelayMs: hour }, expected: { ...defaultRetryPolicy, firstDelayMs: hour, maxDelayMs: hour } },
  ])('accepts $name', ({ input: value, expected }) => {
    expect(parseRetryPolicy(value)).toStrictEqual(expected);
  });

  it.each([
    { input: { firstDelayMs: 0 }, field: 'firstDelayMs' },
    { input: { firstDelayMs: -60_000 }, field: 'firstDelayMs' },
    { input: { firstDelayMs: '60s' }, field: 'firstDelayMs' },
    { input: { factor: 0.5 }, field: 'factor' },
    { input: { maxDelayMs: Number.POSITIVE_INFINITY }, field: 'maxDelayMs' },
    { input: { maxDelayMs: 30_000 }, field: 'maxDelayMs' },
    { input: { firstDelayMs: 7 * hour }, field: 'maxDelayMs' },
    { input: { jitter: 1 }, field: 'jitter' },
    { input: { jitter: -0.1 }, field: 'jitter' },
    { input: { maxAttempts: 0 }, field: 'maxAttempts' },
    { input: { maxAttempts: 2.5 }, field: 'maxAttempts' },
    { input: { giveUpAfterMs: 0 }, field: 'giveUpAfterMs' },
    { input: { giveUpAfterDays: 30 }, field: 'giveUpAfterDays' },
    { input: [], field: 'an object' },
  ])('rejects $input naming $field', ({ input: value, field }) => {
    const error = thrown(() => parseRetryPolicy(value));
    expect(error).toBeInstanceOf(CertDeskError);
    const { code, message, remedy } = error as CertDeskError;
    expect(code).toBe('invalid_input');
    expect(message).toMatch(/^Unable to use the retry policy, /);
    expect(message).toContain(`${field === 'an object' ? '' : "'"}${field}`);
    expect(remedy).toMatch(/^Allowed: |maxDelayMs must be/);
  });

  it('names every bad field at once', () => {
    const { message } = thrown(() => parseRetryPolicy({ factor: 0, jitter: 2 })) as CertDeskError;
    expect(message).toContain("'factor' must be a number ≥ 1");
    expect(message).toContain("'jitter' must be a fraction from 0 up to, not including, 1");
  });
});
