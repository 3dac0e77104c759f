/**
 * When to try a failed renewal again: exponential backoff with jitter up to a cap, `Retry-After`
 * always honoured, stop on problems only an admin can fix. Pure: the clock and the randomness are
 * passed in.
 */

import { z } from 'zod';
import type { ProblemKind } from '../acme/problems.ts';
import { CertDeskError } from '../errors.ts';
import { invalidPolicy } from './renewal-window.ts';

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
const dayMs = 24 * hourMs;

/** How retries are spaced and when they stop. Configurable globally and per CA account; validate with {@link parseRetryPolicy}. */
export interface RetryPolicy {
  /** Wait after the first failure. Default 1 minute: long enough for a DNS change or a restarted web server to settle. */
  readonly firstDelayMs: number;
  /** Each further failure multiplies the wait by this. Default 2. */
  readonly factor: number;
  /** Longest wait between attempts, before jitter. Default 6 hours (certmagic's cap). */
  readonly maxDelayMs: number;
  /**
   * Spread of each wait, as a fraction either way: 0.2 turns a 10-minute wait into 8–12 minutes, so
   * certificates that failed together (one CA outage) do not all come back in the same second.
   */
  readonly jitter: number;
  /** Stop after this many failed attempts (the first try included). Default: no count limit, only `giveUpAfterMs`. */
  readonly maxAttempts?: number;
  /** Stop when a failure comes this long after the first one. Default 30 days (certmagic's `maxRetryDuration`). */
  readonly giveUpAfterMs: number;
}

/**
 * The default retry policy. Waits before jitter (±20%); "elapsed" is the time since the first
 * failure at which that retry starts, ignoring how long the attempts themselves take:
 *
 * | failures | wait    | elapsed     |
 * |---------:|--------:|------------:|
 * |        1 |  1m     |  1m         |
 * |        2 |  2m     |  3m         |
 * |        3 |  4m     |  7m         |
 * |        4 |  8m     | 15m         |
 * |        5 | 16m     | 31m         |
 * |        6 | 32m     |  1h 03m     |
 * |        7 |  1h 04m |  2h 07m     |
 * |        8 |  2h 08m |  4h 15m     |
 * |        9 |  4h 16m |  8h 31m     |
 * |       10 |  6h     | 14h 31m     |  (capped from here on)
 * |       11 |  6h     | 20h 31m     |
 * |       12 |  6h     |  1d 02h 31m |
 * |      128 |  6h     | 30d 02h 31m |
 * |      129 |  stop   | (gave_up: 30 days since the first failure) |
 *
 * So a certificate whose renewal starts failing at 1/3 of a 90-day lifetime is retried about 130
 * times before it expires, mostly every 6 hours — far below Let's Encrypt's 1,152 consecutive
 * authorization failures that pause an identifier.
 */
export const defaultRetryPolicy: RetryPolicy = {
  firstDelayMs: minuteMs,
  factor: 2,
  maxDelayMs: 6 * hourMs,
  jitter: 0.2,
  giveUpAfterMs: 30 * dayMs,
};

/** Why retrying stopped. `needs_admin`: the same request would fail again until the admin acts; the others: the policy's limits were reached. */
export type StopReason = 'needs_admin' | 'attempts_exhausted' | 'gave_up';

/** What to do after a failure: try again at `at`, or stop and alert. */
export type NextAttempt =
  | { readonly action: 'retry'; readonly at: Date }
  | { readonly action: 'stop'; readonly reason: StopReason };

/** What {@link nextAttempt} looks at. */
export interface AttemptInput {
  /** Default {@link defaultRetryPolicy}. */
  readonly policy?: RetryPolicy;
  /** How many attempts have failed so far, this one included: 1 after the first failure. */
  readonly attempt: number;
  /** When the first of these consecutive failures happened. */
  readonly firstFailureAt: Date;
  /** When this failure happened. */
  readonly now: Date;
  /** The CA's `Retry-After`, as `parseRetryAfter` in acme/problems.ts returns it (already capped at 7 days). */
  readonly retryAfter?: Date;
  /** How the failure was classified (acme/problems.ts). */
  readonly kind: ProblemKind;
  /** The HTTP status of the CA's error response, if there was one. */
  readonly httpStatus?: number;
  /** A uniform random number in [0, 1); `Math.random` in production, a fixed value in tests. */
  readonly random: () => number;
}

/**
 * Decides what follows a failed attempt.
 *
 * - `needs_admin` stops at once: retrying cannot help, and spends the CA's failed-validation budget.
 * - `state` (news about the server's state, not a failure: acme/problems.ts) is not counted: retry at
 *   `now`, or at `Retry-After` when given.
 * - `transient` stops with `attempts_exhausted` once `attempt` reaches `maxAttempts`, or with
 *   `gave_up` once `now` is `giveUpAfterMs` or more after `firstFailureAt`; otherwise it waits
 *   `firstDelayMs × factor^(attempt − 1)`, capped at `maxDelayMs`, then spread by ±`jitter`.
 * - `Retry-After` always wins: the retry is never earlier than it; a longer backoff is kept. A retry
 *   it pushes past the give-up time still happens once; the failure after it stops.
 * - A 403 is never retried at once, whatever its kind: the wait is at least `firstDelayMs` even
 *   where jitter or `state` would make it shorter.
 *
 * Throws a RangeError when `attempt` is not a whole number ≥ 1 (a bug in the caller).
 */
export function nextAttempt(input: AttemptInput): NextAttempt {
  const policy = input.policy ?? defaultRetryPolicy;
  assertAttempt(input.attempt);
  const nowMs = input.now.getTime();
  const notBefore = Math.max(nowMs, input.retryAfter?.getTime() ?? Number.NEGATIVE_INFINITY);
  const forbiddenFloor = input.httpStatus === 403 ? nowMs + policy.firstDelayMs : nowMs;
  switch (input.kind) {
    case 'needs_admin':
      return { action: 'stop', reason: 'needs_admin' };
    case 'state':
      return { action: 'retry', at: new Date(Math.max(notBefore, forbiddenFloor)) };
    case 'transient': {
      if (policy.maxAttempts !== undefined && input.attempt >= policy.maxAttempts) return { action: 'stop', reason: 'attempts_exhausted' };
      if (nowMs - input.firstFailureAt.getTime() >= policy.giveUpAfterMs) return { action: 'stop', reason: 'gave_up' };
      const delay = jittered(backoffDelayMs(policy, input.attempt), policy.jitter, input.random());
      return { action: 'retry', at: new Date(Math.max(nowMs + delay, notBefore, forbiddenFloor)) };
    }
  }
}

/**
 * The wait after `attempt` failures before jitter: `firstDelayMs × factor^(attempt − 1)`, capped at
 * `maxDelayMs`. Never decreases as `attempt` grows. Throws a RangeError for an `attempt` that is not
 * a whole number ≥ 1.
 */
export function backoffDelayMs(policy: RetryPolicy, attempt: number): number {
  assertAttempt(attempt);
  // factor^(attempt − 1) reaches Infinity for long runs; the cap absorbs it.
  return Math.min(policy.firstDelayMs * policy.factor ** (attempt - 1), policy.maxDelayMs);
}

function assertAttempt(attempt: number): void {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a whole number ≥ 1, got ${attempt}`);
}

/** `delay` spread by ±`jitter` using `random` in [0, 1); a `random` outside that range is clamped. */
function jittered(delay: number, jitter: number, random: number): number {
  const r = Number.isFinite(random) ? Math.min(Math.max(random, 0), 1) : 0.5;
  return delay * (1 + jitter * (2 * r - 1));
}

const retryPolicySchema = z.strictObject({
  firstDelayMs: z.number().positive().optional(),
  factor: z.number().gte(1).optional(),
  maxDelayMs: z.number().positive().optional(),
  jitter: z.number().gte(0).lt(1).optional(),
  maxAttempts: z.number().int().positive().optional(),
  giveUpAfterMs: z.number().positive().optional(),
});

const retryConstraints: Readonly<Record<keyof RetryPolicy, string>> = {
  firstDelayMs: 'a positive number of milliseconds (default 60000)',
  factor: 'a number ≥ 1 (default 2)',
  maxDelayMs: 'a positive number of milliseconds, at least firstDelayMs (default 21600000, 6 hours)',
  jitter: 'a fraction from 0 up to, not including, 1 (default 0.2)',
  maxAttempts: 'a whole number ≥ 1 (default: no limit)',
  giveUpAfterMs: 'a positive number of milliseconds (default 2592000000, 30 days)',
};

/**
 * Validates a retry policy from settings, a CA account or the CLI; missing fields take their
 * defaults ({@link defaultRetryPolicy}), unknown keys are rejected. Throws `invalid_input` naming
 * each bad field and what it must be; `maxDelayMs` below `firstDelayMs` names `maxDelayMs`.
 */
export function parseRetryPolicy(input: unknown): RetryPolicy {
  const parsed = retryPolicySchema.safeParse(input ?? {});
  if (!parsed.success) throw invalidPolicy('retry policy', parsed.error.issues, retryConstraints);
  const { maxAttempts, ...rest } = parsed.data;
  const policy: RetryPolicy = {
    firstDelayMs: rest.firstDelayMs ?? defaultRetryPolicy.firstDelayMs,
    factor: rest.factor ?? defaultRetryPolicy.factor,
    maxDelayMs: rest.maxDelayMs ?? defaultRetryPolicy.maxDelayMs,
    jitter: rest.jitter ?? defaultRetryPolicy.jitter,
    giveUpAfterMs: rest.giveUpAfterMs ?? defaultRetryPolicy.giveUpAfterMs,
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  };
  if (policy.maxDelayMs < policy.firstDelayMs) {
    throw new CertDeskError(
      'invalid_input',
      `Unable to use the retry policy, 'maxDelayMs' (${policy.maxDelayMs}) must be at least 'firstDelayMs' (${policy.firstDelayMs})`,
      { remedy: `maxDelayMs must be ${retryConstraints.maxDelayMs}.` },
    );
  }
  return policy;
}
