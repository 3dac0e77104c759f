import type { CertificateSummaryDto } from '../../preload/contract.ts';
import { certificateHealth } from '../../preload/health.ts';
import type { OrderProgress } from './order-progress.ts';

/**
 * The badge a certificate shows: `renewing` while an order runs, `retrying` (with the time) after a
 * failure with a retry planned, `attention` when the admin must act (retries stopped, revoked,
 * damaged), `expired`, `expiring` (valid but close to the end, as the tray counts it), `valid`,
 * `none` (never obtained).
 */
export type DisplayStatus =
  | { readonly kind: 'renewing' }
  | { readonly kind: 'retrying'; readonly at: string | undefined }
  | { readonly kind: 'attention' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'expiring' }
  | { readonly kind: 'valid' }
  | { readonly kind: 'none' };

/** The badge for `summary` at `nowMs`, given its running order (if any). Pure. */
export function displayStatus(summary: CertificateSummaryDto, progress: OrderProgress | undefined, nowMs: number): DisplayStatus {
  if (progress !== undefined || summary.status === 'renewing') return { kind: 'renewing' };
  switch (summary.status) {
    case 'failing':
      return { kind: 'retrying', at: summary.nextAttemptAt };
    case 'stopped':
    case 'revoked':
    case 'damaged':
      return { kind: 'attention' };
    case 'expired':
      return { kind: 'expired' };
    case 'none':
      return { kind: 'none' };
    case 'valid': {
      const notAfterMs = summary.notAfter === undefined ? Number.NaN : Date.parse(summary.notAfter);
      if (notAfterMs <= nowMs) return { kind: 'expired' };
      return certificateHealth(summary, nowMs) === 'expiring' ? { kind: 'expiring' } : { kind: 'valid' };
    }
  }
}
