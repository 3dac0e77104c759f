/**
 * When a certificate is ordered from its standby CA instead of its primary (certmagic's "issuer
 * fallback"): only while the primary is failing, either for long enough or with little time left.
 * Pure: the streak and the clock are passed in.
 */

import type { StandbyConfig } from '../config/schema.ts';

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Default consecutive failures at the primary before failing over: 3. With the default retry
 * policy that is about 3 minutes after the first failure — a CA outage, not a blip — and far
 * sooner than any expiry threshold.
 */
export const defaultFailoverAfterFailures = 3;

/**
 * Default days left at which a single failure at the primary is enough: 7, the expiry alert the
 * admin would otherwise get next; a primary that fails this late gets no second chance.
 */
export const defaultFailoverDaysLeft = 7;

/** What {@link useStandby} looks at. */
export interface FailoverInput {
  readonly standby: StandbyConfig | undefined;
  /** Failed attempts at the primary in the current streak (0 when the last attempt succeeded). */
  readonly failures: number;
  /** When the live certificate expires, if there is one. */
  readonly notAfter: Date | undefined;
  readonly now: Date;
}

/**
 * Whether this attempt should order from the standby CA: never without a standby or without a
 * failure; after `afterFailures` (default {@link defaultFailoverAfterFailures}) consecutive
 * failures; or after one when fewer than `daysLeft` (default {@link defaultFailoverDaysLeft}) days
 * are left (a certificate not obtained yet, or expired, has none left).
 */
export function useStandby(input: FailoverInput): boolean {
  const { standby, failures } = input;
  if (standby === undefined || failures < 1) return false;
  if (failures >= (standby.afterFailures ?? defaultFailoverAfterFailures)) return true;
  const left = input.notAfter === undefined ? 0 : input.notAfter.getTime() - input.now.getTime();
  return left < (standby.daysLeft ?? defaultFailoverDaysLeft) * dayMs;
}
