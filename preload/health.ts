import type { CertificateSummaryDto } from './contract.ts';

/**
 * How a certificate is doing at a glance, shared by the tray (main) and the dashboard (renderer) so
 * both count the same way: `failing` needs the admin, `expiring` is valid but close to its end,
 * `ok`, and `pending` was never obtained. Pure and dependency-free, like the contract beside it.
 */
export type CertificateHealth = 'failing' | 'expiring' | 'ok' | 'pending';

const dayMs = 24 * 60 * 60 * 1000;

/**
 * A valid certificate counts as `expiring` inside this span: 14 days sits between the default expiry
 * alert thresholds (30/14/7/3/1 days), the first after a 90-day certificate's renewal time, so the
 * tray and the dashboard turn amber when that alert fires.
 */
export const expiringWithinMs = 14 * dayMs;

/** Statuses that need the admin whatever the expiry date. */
const failingStatuses: ReadonlySet<CertificateSummaryDto['status']> = new Set(['failing', 'stopped', 'damaged', 'expired', 'revoked']);

/** What {@link certificateHealth} reads of a certificate. */
export type HealthInput = Pick<CertificateSummaryDto, 'status' | 'notBefore' | 'notAfter'>;

/**
 * The health of `summary` at `nowMs`. Never throws: an unreadable `notAfter` counts by status alone.
 * A valid (or renewing) certificate is `expiring` when less than {@link expiringWithinMs} remains, or
 * less than 1/6 of its lifetime when that is shorter: half of the default renewal window (1/3), so a
 * 6-day or 47-day certificate is not shown as expiring for its whole life, only once its renewal is
 * as late as a 90-day certificate's at 14 days.
 */
export function certificateHealth(summary: HealthInput, nowMs: number): CertificateHealth {
  if (failingStatuses.has(summary.status)) return 'failing';
  if (summary.status === 'none' || summary.notAfter === undefined) return 'pending';
  const notAfterMs = Date.parse(summary.notAfter);
  if (Number.isNaN(notAfterMs)) return 'ok';
  const notBeforeMs = summary.notBefore === undefined ? Number.NaN : Date.parse(summary.notBefore);
  const sixthOfLifetime = notAfterMs > notBeforeMs ? (notAfterMs - notBeforeMs) / 6 : Number.POSITIVE_INFINITY;
  return notAfterMs - nowMs < Math.min(expiringWithinMs, sixthOfLifetime) ? 'expiring' : 'ok';
}
