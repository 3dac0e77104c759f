/**
 * A DNS-01 provider: creates and removes one TXT record. Issue #8 adds the cloud providers behind
 * this same interface.
 *
 * Contract: `present(fqdn, value)` adds a TXT record with exactly `value` at `fqdn` (absolute, with
 * the trailing dot, e.g. `_acme-challenge.example.com.`) without touching other records, so several
 * values can live on one name (a wildcard and its apex). `cleanup(fqdn, value)` removes that one
 * value, succeeds if it is already gone, and never removes other values. Both reject with an
 * actionable error (authentication, missing zone, network) that never contains a secret.
 * Implementations must be safe for concurrent use.
 */
export interface DnsProvider {
  /** The provider kind, for logs (`exec`, `rfc2136`, `manual`, …). */
  readonly kind: string;
  present(fqdn: string, value: string): Promise<void>;
  cleanup(fqdn: string, value: string): Promise<void>;
}
