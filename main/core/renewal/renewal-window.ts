/**
 * When a certificate is due for renewal: pure decisions with the time passed in, kept apart from the
 * scheduler that calls them (certmagic's `currentlyInRenewalWindow` next to its maintenance loop).
 *
 * Precedence, most urgent first:
 * 1. `expired`: `now` is at or past `notAfter`.
 * 2. `emergency`: less than {@link RenewalPolicy.emergencyFraction} of the lifetime remains; wins over
 *    ARI, so a CA bug or a stale stored window can never let a certificate run out.
 * 3. `ari_window`: a well-formed ARI window (RFC 9773 §4.2) sets the time.
 * 4. `days_before_expiry` when the admin set it, else `fraction_remaining`.
 */

import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CertDeskError } from '../errors.ts';

const dayMs = 24 * 60 * 60 * 1000;

/**
 * How early a renewal may ever be scheduled, as the largest fraction of the lifetime that may remain:
 * 1/2. A larger window ("renew 30 days before expiry" on a 6-day certificate) would make a freshly
 * issued certificate due again at once: a renewal loop that spends the CA's duplicate-certificate
 * limit (Let's Encrypt: 5 per 7 days) within hours. At 1/2, even 160-hour certificates renew at most
 * about twice a week.
 */
export const maxRenewalFraction = 1 / 2;

/**
 * Shortest wait before the next look when the stored ARI response asks to be refreshed now or in the
 * past: one minute. RFC 9773 §4.3 lets clients treat `Retry-After` values under a minute as a
 * minute; it also keeps a scheduler whose ARI refresh keeps failing from spinning.
 */
export const minAriRefreshMs = 60_000;

/** The admin's renewal policy for when no ARI window applies. Validate outside input with {@link parseRenewalPolicy}. */
export interface RenewalPolicy {
  /**
   * Renew when this fraction of the lifetime (`notAfter - notBefore`) remains. Default 1/3: Let's
   * Encrypt's advice and certmagic's `DefaultRenewalWindowRatio` (day 60 of a 90-day certificate).
   * Clamped to (0, {@link maxRenewalFraction}].
   */
  readonly remainingFraction: number;
  /**
   * Renew this many days before `notAfter` instead of by fraction (certbot's `renew_before_expiry`).
   * Overrides `remainingFraction` when set; never more than {@link maxRenewalFraction} of the lifetime.
   */
  readonly daysBeforeExpiry?: number;
  /**
   * Renew whatever ARI says once less than this fraction of the lifetime remains. Default 1/20, the
   * "dangerously close" ratio at which certmagic lets expiry supersede ARI: 4.5 days of a 90-day
   * certificate (18 retries at the retry policy's 6-hour cap), 2.25 days of a 45-day one, 8 hours of
   * a 160-hour one — yet late enough not to second-guess a CA that spreads its renewals over the
   * last third of the lifetime. 1/10 would override ARI windows that are merely late, not wrong.
   */
  readonly emergencyFraction: number;
}

/** The defaults: renew at 1/3 remaining, emergency at 1/20 remaining (see {@link RenewalPolicy}). */
export const defaultRenewalPolicy: RenewalPolicy = { remainingFraction: 1 / 3, emergencyFraction: 1 / 20 };

/** A suggested renewal window from the CA's `renewalInfo` resource (RFC 9773 §4.2). */
export interface AriWindow {
  /** `suggestedWindow.start`. */
  readonly start: Date;
  /** `suggestedWindow.end`; must be after `start`. */
  readonly end: Date;
  /** When to fetch the window again, from the response's `Retry-After` (RFC 9773 §4.3). */
  readonly retryAfter?: Date;
}

/** What {@link renewalDecision} looks at. */
export interface RenewalInput {
  /** The certificate's validity, from the certificate itself. */
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly now: Date;
  /** Default {@link defaultRenewalPolicy}. */
  readonly policy?: RenewalPolicy;
  /** The CA's suggested window, when its directory offers `renewalInfo`. */
  readonly ari?: AriWindow;
  /**
   * What places this certificate inside an ARI window ({@link pickInWindow}); pass the certificate's
   * serial number so every check of the same certificate picks the same moment. Default: its
   * validity period, which is stable but shared by certificates issued in the same second.
   */
  readonly seed?: string;
  /**
   * When the caller will next look again if it cannot wake exactly at `renewAt` (a one-shot CLI run
   * from cron). A `renewAt` before it makes the certificate due now, as RFC 9773 §4.2 step 5 says:
   * renewing a little early beats renewing a whole interval late.
   */
  readonly nextWakeAt?: Date;
}

/** Why a certificate is (or is not yet) due. */
export type RenewalReason = 'ari_window' | 'fraction_remaining' | 'days_before_expiry' | 'emergency' | 'not_due' | 'expired';

/** The rule that sets `renewAt`. */
export type RenewalBasis = 'ari_window' | 'fraction_remaining' | 'days_before_expiry' | 'emergency';

/** How the ARI window was used: `none` (not given), `used`, or `malformed` (ignored; see {@link renewalDecision}). */
export type AriUse = 'none' | 'used' | 'malformed';

/** The answer of {@link renewalDecision}. */
export interface RenewalDecision {
  readonly due: boolean;
  /** The rule that made it due, or `not_due`. */
  readonly reason: RenewalReason;
  /** When it becomes due; `now` when it is due. */
  readonly renewAt: Date;
  /** The rule behind `renewAt` (for "renews on … per the CA's ARI window" in `cert show`). */
  readonly basis: RenewalBasis;
  readonly ari: AriUse;
}

/**
 * Decides whether a certificate is due for renewal at `now`, and if not, when it will be.
 *
 * An ARI window is used when both ends are valid dates, `start` is before `end` and before
 * `notAfter`; its end is clamped to `notAfter` (never pick a moment after expiry). A window wholly in
 * the past — the CA's way of asking for an immediate renewal, e.g. after a revocation — makes the
 * certificate due now. A malformed window is ignored (`ari: 'malformed'`) and the policy applies.
 * A certificate whose `notAfter` is not after its `notBefore` is treated as an emergency.
 *
 * Throws `invalid_data` when a date is not a valid date (a corrupt `meta.json`, not a policy matter).
 */
export function renewalDecision(input: RenewalInput): RenewalDecision {
  const { now } = input;
  const nowMs = time(now, 'now');
  const notBefore = time(input.notBefore, 'notBefore');
  const notAfter = time(input.notAfter, 'notAfter');
  const policy = input.policy ?? defaultRenewalPolicy;
  const window = usableAriWindow(input.ari, notAfter);
  const ari: AriUse = input.ari === undefined ? 'none' : window === undefined ? 'malformed' : 'used';

  if (nowMs >= notAfter) return { due: true, reason: 'expired', renewAt: now, basis: 'emergency', ari };
  const lifetime = notAfter - notBefore;
  if (lifetime <= 0) return { due: true, reason: 'emergency', renewAt: now, basis: 'emergency', ari };

  const emergencyAt = Math.ceil(notAfter - lifetime * clampFraction(policy.emergencyFraction));
  let basis: RenewalBasis;
  let primaryAt: number;
  if (window !== undefined) {
    basis = 'ari_window';
    primaryAt = pickInWindow(window, input.seed ?? `${input.notBefore.toISOString()}/${input.notAfter.toISOString()}`).getTime();
  } else if (policy.daysBeforeExpiry !== undefined) {
    basis = 'days_before_expiry';
    primaryAt = notAfter - Math.min(Math.max(policy.daysBeforeExpiry, 0) * dayMs, lifetime * maxRenewalFraction);
  } else {
    basis = 'fraction_remaining';
    primaryAt = notAfter - lifetime * clampFraction(policy.remainingFraction);
  }
  if (emergencyAt < primaryAt) {
    basis = 'emergency';
    primaryAt = emergencyAt;
  }
  // Whole milliseconds, as a Date holds them: the certificate is due exactly at the `renewAt` returned.
  primaryAt = Math.ceil(primaryAt);

  const wakesTooLate = input.nextWakeAt !== undefined && time(input.nextWakeAt, 'nextWakeAt') > primaryAt;
  if (nowMs >= primaryAt || wakesTooLate) {
    return { due: true, reason: nowMs >= emergencyAt ? 'emergency' : basis, renewAt: now, basis, ari };
  }
  return { due: false, reason: 'not_due', renewAt: new Date(primaryAt), basis, ari };
}

/**
 * When the scheduler should next look at this certificate: `now` when it is due, else the earliest of
 * `renewAt`, the ARI refresh time (`ari.retryAfter`, never sooner than {@link minAriRefreshMs} from
 * now, since a window may move) and `now + checkIntervalMs` when given. Never before `now`.
 * Throws like {@link renewalDecision}.
 */
export function nextCheckAfter(input: RenewalInput & { readonly checkIntervalMs?: number }): Date {
  const decision = renewalDecision(input);
  if (decision.due) return input.now;
  const nowMs = input.now.getTime();
  let next = decision.renewAt.getTime();
  const retryAfter = input.ari?.retryAfter?.getTime();
  if (retryAfter !== undefined && Number.isFinite(retryAfter)) next = Math.min(next, Math.max(retryAfter, nowMs + minAriRefreshMs));
  if (input.checkIntervalMs !== undefined && input.checkIntervalMs > 0) next = Math.min(next, nowMs + input.checkIntervalMs);
  return new Date(Math.max(next, nowMs));
}

/**
 * Picks a moment in `[start, end)` that looks uniformly random across seeds but is the same for the
 * same seed (RFC 9773 §4.2 step 2: "select a uniform random time within the suggested window").
 * Deterministic so that repeated checks, restarts and several processes agree on one time instead
 * of drawing again on every check, which would drift renewals towards the window's start. The seed
 * is hashed (SHA-256), so serial numbers with a common prefix still spread out. Returns `start` for
 * an empty or inverted window.
 */
export function pickInWindow(window: { readonly start: Date; readonly end: Date }, seed: string): Date {
  const start = window.start.getTime();
  const span = window.end.getTime() - start;
  if (!(span > 0)) return new Date(start);
  // 48 bits: exact in a double, and finer than a millisecond for any window under 8,900 years.
  const fraction = createHash('sha256').update(seed).digest().readUIntBE(0, 6) / 2 ** 48;
  return new Date(start + Math.floor(fraction * span));
}

/** Shape of an admin's renewal policy: any subset of {@link RenewalPolicy}, nothing else. */
const renewalPolicySchema = z.strictObject({
  remainingFraction: z.number().gt(0).lte(maxRenewalFraction).optional(),
  daysBeforeExpiry: z.number().gt(0).optional(),
  emergencyFraction: z.number().gt(0).lt(maxRenewalFraction).optional(),
});

const renewalConstraints: Readonly<Record<keyof RenewalPolicy, string>> = {
  remainingFraction: `a fraction above 0 and at most ${maxRenewalFraction} (default 1/3)`,
  daysBeforeExpiry: 'a positive number of days',
  emergencyFraction: 'a fraction above 0 and below remainingFraction (default 1/20)',
};

/**
 * Validates a renewal policy from settings or the CLI; missing fields take their defaults. Unknown
 * keys are rejected. Throws `invalid_input` naming each bad field and what it must be.
 */
export function parseRenewalPolicy(input: unknown): RenewalPolicy {
  const parsed = renewalPolicySchema.safeParse(input ?? {});
  if (!parsed.success) throw invalidPolicy('renewal policy', parsed.error.issues, renewalConstraints);
  const { daysBeforeExpiry, ...fractions } = parsed.data;
  const policy: RenewalPolicy = {
    remainingFraction: fractions.remainingFraction ?? defaultRenewalPolicy.remainingFraction,
    emergencyFraction: fractions.emergencyFraction ?? defaultRenewalPolicy.emergencyFraction,
    ...(daysBeforeExpiry === undefined ? {} : { daysBeforeExpiry }),
  };
  if (policy.emergencyFraction >= policy.remainingFraction) {
    throw new CertDeskError(
      'invalid_input',
      `Unable to use the renewal policy, 'emergencyFraction' (${policy.emergencyFraction}) must be below 'remainingFraction' (${policy.remainingFraction})`,
      { remedy: `emergencyFraction must be ${renewalConstraints.emergencyFraction}.` },
    );
  }
  return policy;
}

/**
 * The `invalid_input` error for a policy that failed its schema: one "'field' must be …" per bad
 * field, unknown keys named. Shared by the renewal modules' `parse…` functions.
 */
export function invalidPolicy(what: string, issues: ReadonlyArray<z.core.$ZodIssue>, constraints: Readonly<Record<string, string>>): CertDeskError {
  const details = issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return `unknown setting ${issue.keys.map((key) => `'${key}'`).join(', ')}`;
    const field = issue.path.map(String).join('.');
    if (field === '') return `expected an object`;
    const top = String(issue.path[0]);
    return `'${field}' must be ${constraints[top] ?? 'valid'}`;
  });
  const allowed = Object.entries(constraints).map(([key, text]) => `${key}: ${text}`).join('; ');
  return new CertDeskError('invalid_input', `Unable to use the ${what}, ${[...new Set(details)].join('; ')}`, {
    remedy: `Allowed: ${allowed}.`,
  });
}

function usableAriWindow(ari: AriWindow | undefined, notAfter: number): { start: Date; end: Date } | undefined {
  if (ari === undefined) return undefined;
  const start = ari.start.getTime();
  const end = ari.end.getTime();
  if (!Number.isFinite(start) || !Number.isFinite(end) || start >= end || start >= notAfter) return undefined;
  return { start: ari.start, end: new Date(Math.min(end, notAfter)) };
}

function clampFraction(fraction: number): number {
  return Number.isFinite(fraction) ? Math.min(Math.max(fraction, 0), maxRenewalFraction) : 0;
}

function time(date: Date, name: string): number {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) {
    throw new CertDeskError('invalid_data', `Unable to decide on renewal, '${name}' is not a valid date`, {
      remedy: "Re-import the certificate or run 'certdesk cert show <id>' to see which file is damaged.",
    });
  }
  return ms;
}
