import { execDefinition } from './exec.ts';
import { manualDefinition } from './manual.ts';
import type { DnsProviderDefinition } from './provider.ts';
import { cloudflareDefinition } from './providers/cloudflare.ts';
import { rfc2136Definition } from './rfc2136.ts';
// Provider imports: one line per kind, added by its author when the file lands (keep them sorted).
import { acmeDnsDefinition } from './providers/acme-dns.ts';
import { alidnsDefinition } from './providers/alidns.ts';
import { dnspodDefinition } from './providers/dnspod.ts';
import { httpreqDefinition } from './providers/httpreq.ts';
import { huaweicloudDefinition } from './providers/huaweicloud.ts';
import { pdnsDefinition } from './providers/pdns.ts';
import { route53Definition } from './providers/route53.ts';

/**
 * Every DNS provider kind CertDesk speaks to, in the order the wizard and `dns kinds` show them:
 * cloud APIs first, then the self-hosted and generic ones, `manual` last. One entry per line; a
 * provider's author adds its line (and its import above) in one small edit.
 */
export const dnsProviderDefinitions: ReadonlyArray<DnsProviderDefinition> = [
  cloudflareDefinition,
  alidnsDefinition,
  dnspodDefinition,
  huaweicloudDefinition,
  route53Definition,
  pdnsDefinition,
  acmeDnsDefinition,
  httpreqDefinition,
  rfc2136Definition,
  execDefinition,
  manualDefinition,
];

/** The kinds stored in config.json with their own fields (as before issue #8), not as `settings`. */
export const legacyDnsKinds = ['exec', 'rfc2136', 'manual'] as const;

/** The definition of `kind`, or `undefined` when no provider of that kind exists. */
export function findDnsProviderDefinition(kind: string): DnsProviderDefinition | undefined {
  return dnsProviderDefinitions.find((definition) => definition.kind === kind);
}
