import type { CertificateSummaryDto } from '../../../../preload/contract.ts';
import { testNow } from './render-with-store.tsx';

const dayMs = 24 * 60 * 60 * 1000;
const nowMs = Date.parse(testNow);

/** An ISO time `days` from {@link testNow} (negative: in the past). */
export function daysFromNow(days: number): string {
  return new Date(nowMs + days * dayMs).toISOString();
}

/**
 * A managed 90-day Let's Encrypt certificate for `domains` with `daysLeft` to go, renewing 30 days
 * before expiry; `extra` overrides any field.
 */
export function managedCertificate(id: string, domains: ReadonlyArray<string>, daysLeft: number, extra: Partial<CertificateSummaryDto> = {}): CertificateSummaryDto {
  return {
    id,
    domains,
    ca: 'letsencrypt',
    challenge: 'dns-01',
    status: 'valid',
    notBefore: daysFromNow(daysLeft - 90),
    notAfter: daysFromNow(daysLeft),
    issuer: "C=US, O=Let's Encrypt, CN=E6",
    serial: '04A1B2C3D4E5F6',
    version: 2,
    renewAt: daysFromNow(daysLeft - 30),
    renewalBasis: 'fraction_remaining',
    ...extra,
  };
}

/** A certificate never obtained (just added in the wizard). */
export function newCertificate(id: string, domains: ReadonlyArray<string>): CertificateSummaryDto {
  return { id, domains, ca: 'letsencrypt', challenge: 'dns-01', status: 'none' };
}

/** A TLS endpoint CertDesk watches but does not renew. */
export function monitoredEndpoint(id: string, host: string, daysLeft: number, deployed: 'same' | 'older' | 'newer' | 'other' | 'none' = 'same'): CertificateSummaryDto {
  return {
    id,
    domains: [host],
    monitored: 'tls',
    endpoint: { host, port: 443, deployed },
    status: 'valid',
    notBefore: daysFromNow(daysLeft - 90),
    notAfter: daysFromNow(daysLeft),
    issuer: 'C=US, O=Google Trust Services, CN=WR1',
    version: 1,
  };
}
