/**
 * Expiry alerts: which "certificate expires in N days" alert to raise now, each once per certificate
 * version (DESIGN "Alerts"). Pure: the caller stores what was sent and passes the clock in.
 */

import { z } from 'zod';
import type { Translations } from '../i18n.ts';
import { CertDeskError } from '../errors.ts';

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Days before `notAfter` at which to alert: 30, 14, 7, 3, 1. The first comes when a 90-day
 * certificate should already have renewed (at 1/3 remaining, day 60), so any alert means renewal is
 * failing; the later ones tighten as the admin's time to act runs out.
 */
export const defaultExpiryThresholds: ReadonlyArray<number> = [30, 14, 7, 3, 1];

/** The threshold that stands for "expired" in `alreadySent` and `sent`: 0 days left. */
export const expiredThreshold = 0;

/** An alert to raise. `daysLeft` is exact (fractional); round it when showing it. */
export type ExpiryAlert =
  | { readonly kind: 'expiring'; readonly thresholdDays: number; readonly daysLeft: number; readonly notAfter: Date }
  | { readonly kind: 'expired'; readonly notAfter: Date };

/** What {@link dueExpiryAlerts} looks at. */
export interface ExpiryAlertInput {
  readonly notAfter: Date;
  readonly now: Date;
  /** Days before expiry; default {@link defaultExpiryThresholds}. Non-positive and non-finite values are ignored. */
  readonly thresholds?: ReadonlyArray<number>;
  /** Thresholds already alerted (or skipped) for this certificate version, {@link expiredThreshold} for "expired". Start empty for each new version. */
  readonly alreadySent: ReadonlyArray<number>;
}

/** The answer of {@link dueExpiryAlerts}. */
export interface ExpiryAlertDecision {
  /** The one alert to raise now, if any. */
  readonly fire: ExpiryAlert | undefined;
  /** The new `alreadySent` to store: the old one plus every threshold crossed by now, largest first. */
  readonly sent: ReadonlyArray<number>;
  /** When the next unsent threshold (or expiry) will be crossed, for the scheduler to wake; `undefined` when none is left. */
  readonly nextAt: Date | undefined;
}

/**
 * Decides which expiry alert to raise at `now`. A threshold of N days is crossed once at most N days
 * remain. Each fires once: when several were crossed since the last check (the app was off, or the
 * certificate was imported late), only the most urgent fires and the others are marked sent, so the
 * admin gets one notification saying how bad it is rather than five in a row. Once `notAfter` is
 * reached, only `expired` fires (once), and every threshold is marked sent. Nothing fires when the
 * most urgent crossed threshold was already sent. Never throws.
 */
export function dueExpiryAlerts(input: ExpiryAlertInput): ExpiryAlertDecision {
  const notAfter = input.notAfter.getTime();
  const now = input.now.getTime();
  const thresholds = [...new Set((input.thresholds ?? defaultExpiryThresholds).filter((days) => Number.isFinite(days) && days > 0)), expiredThreshold];
  const crossed = thresholds.filter((days) => now >= notAfter - days * dayMs);
  const sent = [...new Set([...input.alreadySent, ...crossed])].sort((a, b) => b - a);
  const pending = thresholds.filter((days) => !sent.includes(days)).sort((a, b) => b - a)[0];
  const nextAt = pending === undefined ? undefined : new Date(Math.ceil(notAfter - pending * dayMs));

  const mostUrgent = crossed.length === 0 ? undefined : Math.min(...crossed);
  let fire: ExpiryAlert | undefined;
  if (mostUrgent !== undefined && !input.alreadySent.includes(mostUrgent)) {
    fire = mostUrgent === expiredThreshold
      ? { kind: 'expired', notAfter: input.notAfter }
      : { kind: 'expiring', thresholdDays: mostUrgent, daysLeft: (notAfter - now) / dayMs, notAfter: input.notAfter };
  }
  return { fire, sent, nextAt };
}

/** The text of an alert for a notification, naming the certificate by `name` (its id or main domain). */
export function describeExpiryAlert(alert: ExpiryAlert, name: string): Translations {
  const date = alert.notAfter.toISOString();
  if (alert.kind === 'expired') {
    return {
      en: `The certificate ${name} expired on ${date}. Clients now reject it; renew it or check why renewal failed.`,
      'zh-CN': `证书 ${name} 已于 ${date} 过期，客户端将拒绝该证书。请续期，或查看续期失败的原因。`,
    };
  }
  // Rounded up, so the 7-day alert fired at 6.2 days left says "7 days", the threshold the admin set.
  const days = Math.max(1, Math.ceil(alert.daysLeft));
  return {
    en: `The certificate ${name} expires in ${days === 1 ? '1 day' : `${days} days`} (${date}) and has not been renewed yet.`,
    'zh-CN': `证书 ${name} 将在 ${days} 天后（${date}）过期，且尚未续期。`,
  };
}

const thresholdsSchema = z.array(z.number().positive()).min(1).max(20);

/**
 * Validates the admin's expiry thresholds (days, e.g. `[30, 14, 7, 3, 1]`): 1–20 positive numbers.
 * Returns them de-duplicated, largest first. Throws `invalid_input` otherwise.
 */
export function parseExpiryThresholds(input: unknown): ReadonlyArray<number> {
  const parsed = thresholdsSchema.safeParse(input);
  if (parsed.success) return [...new Set(parsed.data)].sort((a, b) => b - a);
  const bad = parsed.error.issues.flatMap((issue) => (typeof issue.path[0] === 'number' ? [issue.path[0]] : []));
  const where = bad.length === 0 ? '' : ` (entry ${[...new Set(bad)].map((index) => index + 1).join(', ')})`;
  throw new CertDeskError('invalid_input', `Unable to use the expiry alert thresholds, 'thresholds' must be a list of 1 to 20 positive numbers of days${where}`, {
    remedy: 'Give days before expiry, e.g. [30, 14, 7, 3, 1].',
  });
}
