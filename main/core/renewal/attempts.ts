/**
 * The bookkeeping around one renewal attempt: what a failure or a success does to a certificate's
 * {@link RenewalState} (the streak of failures, the next attempt time, a stop) and which alerts it
 * raises. Pure: the engine passes the failure, the policy, the clock and the randomness in, and
 * stores and delivers what comes back.
 */

import type { Failure } from '../acme/failures.ts';
import { freshAlertMemory, outcomeAlerts, type AlertMemory } from '../alerts/alerts.ts';
import { nextAttempt, type NextAttempt, type RetryPolicy } from './retry-policy.ts';
import type { RenewalState } from './state.ts';

/** Which failure/recovery alerts an outcome raises (alerts/alerts.ts builds their texts). */
export type OutcomeAlert = ReturnType<typeof outcomeAlerts>['fire'][number];

/** What {@link afterFailure} returns. */
export interface FailureOutcome {
  readonly state: RenewalState;
  readonly next: NextAttempt;
  /** Failed attempts in the streak, this one included (a `state` failure is not counted, so 0 when only such news came). */
  readonly attempt: number;
  readonly alerts: ReadonlyArray<OutcomeAlert>;
}

/**
 * Records a failed attempt: counts it into the streak (unless the failure only reports the server's
 * state), asks the retry policy when to try again — never before `retryAfter`, the CA's own word —
 * and stops automatic retries when the policy says so. A stop clears the next attempt time: only the
 * admin's `cert renew` starts the next one.
 */
export function afterFailure(input: {
  readonly state: RenewalState;
  readonly failure: Failure;
  readonly policy: RetryPolicy;
  readonly now: Date;
  readonly random: () => number;
  /** The latest time the CA (Retry-After, a rate limit) or the budget asked to wait until; `failure.retryAfterMs` is honoured as well. */
  readonly retryAfter?: Date | undefined;
}): FailureOutcome {
  const { state, failure, now } = input;
  const previous = state.attempts;
  const counted = failure.kind === 'state' ? 0 : 1;
  // 0 while the streak holds only `state` news (a budget refusal): no attempt has failed yet.
  const attempt = (previous?.count ?? 0) + counted;
  // The streak's first failure is the first one counted, not news that came before it.
  const firstFailureAt = previous === undefined || (previous.count === 0 && counted === 1) ? now.toISOString() : previous.firstFailureAt;
  // The CA's Retry-After travels in the failure too; whichever of the two waits longest wins.
  const waits = [input.retryAfter?.getTime(), failure.retryAfterMs === undefined ? undefined : now.getTime() + failure.retryAfterMs]
    .filter((ms): ms is number => ms !== undefined);
  const next = nextAttempt({
    policy: input.policy,
    // The retry policy counts from 1; `state` news, the only way to 0 here, does not use the count.
    attempt: Math.max(1, attempt),
    firstFailureAt: new Date(firstFailureAt),
    now,
    kind: failure.kind,
    random: input.random,
    ...(waits.length === 0 ? {} : { retryAfter: new Date(Math.max(...waits)) }),
    ...(failure.httpStatus === undefined ? {} : { httpStatus: failure.httpStatus }),
  });
  const stopped = next.action === 'stop';
  const { fire, memory } = outcomeAlerts(state.alertMemory ?? freshAlertMemory, { kind: 'failed', stopped });
  return {
    attempt,
    next,
    alerts: fire,
    state: {
      ...state,
      alertMemory: memory,
      attempts: {
        count: attempt,
        firstFailureAt,
        lastFailure: {
          at: now.toISOString(),
          type: failure.problemType ?? failure.kind,
          kind: failure.kind,
          ...(failure.httpStatus === undefined ? {} : { httpStatus: failure.httpStatus }),
          message: failure.message,
          explanation: failure.explanation,
          remedy: failure.remedyText,
        },
        ...(next.action === 'retry' ? { nextAttemptAt: next.at.toISOString() } : { stopped: next.reason }),
      },
    },
  };
}

/**
 * Records a stored certificate: the streak ends, the old certificate's ARI window and expiry alerts
 * are forgotten (they belong to its serial), and a streak that had raised an alert raises `recovered`.
 */
export function afterSuccess(state: RenewalState): { readonly state: RenewalState; readonly alerts: ReadonlyArray<OutcomeAlert>; readonly failures: number } {
  const { fire, memory } = outcomeAlerts(state.alertMemory ?? freshAlertMemory, { kind: 'renewed' });
  const next: RenewalState = { version: 1, alertMemory: memory, ...(state.rehearsal === undefined ? {} : { rehearsal: state.rehearsal }) };
  return { state: next, alerts: fire, failures: state.attempts?.count ?? 0 };
}

/** Records a rehearsal's outcome and whether it raises `rehearsal_failed` (once until one succeeds). */
export function afterRehearsal(state: RenewalState, outcome: { readonly ok: boolean; readonly message?: string; readonly now: Date }): { readonly state: RenewalState; readonly alerts: ReadonlyArray<OutcomeAlert> } {
  const memory: AlertMemory = state.alertMemory ?? freshAlertMemory;
  const { fire, memory: next } = outcomeAlerts(memory, { kind: outcome.ok ? 'rehearsal_ok' : 'rehearsal_failed' });
  return {
    alerts: fire,
    state: {
      ...state,
      alertMemory: next,
      rehearsal: { at: outcome.now.toISOString(), ok: outcome.ok, ...(outcome.message === undefined ? {} : { message: outcome.message }) },
    },
  };
}
