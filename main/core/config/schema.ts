import { z } from 'zod';
import { dnsProviderDefinitions, legacyDnsKinds } from '../challenges/dns/registry.ts';
import { exportTargetSchema } from '../vault/export-target.ts';

/** A validated id or name (see `names.ts`). */
const name = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/);

/** `host:port` with a port in range; IPv6 literals in brackets (`[::1]:53`). */
export const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/, 'expected host:port')
  .refine((value) => {
    const port = Number(value.slice(value.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65535;
  }, 'port must be 1-65535');

/** The private key types CertDesk generates for certificates. EC P-256 is the default: small, fast, universally supported. */
export const keyTypes = ['ec-p256', 'ec-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096'] as const;
/** A certificate key type. */
export type KeyType = (typeof keyTypes)[number];

/** A CA account as stored in config.json. The account key and EAB HMAC live in the SecretBox. */
export const accountSchema = z.strictObject({
  directoryUrl: z.url({ protocol: /^https?$/ }),
  email: z.email().optional(),
  termsOfServiceAgreed: z.boolean(),
  /** EAB key identifier (RFC 8555 §7.3.4); its HMAC key is a secret. */
  eabKid: z.string().min(1).optional(),
  /** Absolute path of a PEM file with extra CAs to trust for this directory. */
  caFile: z.string().min(1).optional(),
  /** The account URL the CA returned at registration (RFC 8555 §7.3). */
  accountUrl: z.url().optional(),
  /**
   * The CA's staging directory, for rehearsals (`cert renew --dry-run`), and the account registered
   * there on first use (its key is the secret of `<name>.staging`).
   */
  staging: z.strictObject({ directoryUrl: z.url({ protocol: /^https?$/ }), accountUrl: z.url().optional() }).optional(),
  createdAt: z.iso.datetime(),
});
/** A stored CA account. */
export type Account = z.infer<typeof accountSchema>;

/** How to confirm a TXT record is visible before answering a DNS-01 challenge. */
export const propagationSchema = z.strictObject({
  enabled: z.boolean(),
  /** Ask only this server (host:port); default the zone's authoritative servers. */
  resolver: hostPort.optional(),
  timeoutSeconds: z.number().int().min(1).max(3600).optional(),
  /** Pause between checks; default the provider kind's. */
  intervalSeconds: z.number().int().min(1).max(300).optional(),
});

/**
 * The kinds stored with `settings` (issue #8's API providers): every registered kind but the three
 * that predate it. An entry of a kind this build does not know fails validation, so a data dir
 * written by a newer CertDesk is reported, never half-used.
 */
const apiDnsKinds = dnsProviderDefinitions
  .map((definition) => definition.kind)
  .filter((kind) => !(legacyDnsKinds as ReadonlyArray<string>).includes(kind));

/**
 * A DNS provider as stored in config.json; secrets (API tokens, the TSIG secret) live in the
 * SecretBox. `exec`, `rfc2136` and `manual` keep the fields they had before issue #8, so existing
 * data dirs load unchanged; every other kind keeps its non-secret field values in `settings`.
 */
export const dnsProviderSchema = z.discriminatedUnion('provider', [
  z.strictObject({ provider: z.literal('exec'), command: z.string().min(1), propagation: propagationSchema }),
  z.strictObject({
    provider: z.literal('rfc2136'),
    server: hostPort,
    tsigName: z.string().min(1).max(255),
    tsigAlgorithm: z.enum(['hmac-sha256', 'hmac-sha384', 'hmac-sha512']),
    propagation: propagationSchema,
  }),
  z.strictObject({ provider: z.literal('manual'), propagation: propagationSchema }),
  z.strictObject({
    provider: z.enum(apiDnsKinds as [string, ...string[]]),
    /** Non-secret field values by key (`zoneId`, `endpoint`, `region`, …). */
    settings: z.record(z.string().regex(/^[a-z][A-Za-z0-9]{0,63}$/), z.string().max(4096)),
    propagation: propagationSchema,
  }),
]);
/** A stored DNS provider. */
export type DnsProviderConfig = z.infer<typeof dnsProviderSchema>;

/** How a certificate proves control of its domains. */
export const challengeConfigSchema = z.discriminatedUnion('mode', [
  z.strictObject({ type: z.literal('dns-01'), mode: z.literal('dns'), provider: name }),
  z.strictObject({
    type: z.literal('http-01'),
    mode: z.literal('standalone'),
    address: z.string().min(1),
    port: z.number().int().min(1).max(65535),
  }),
  z.strictObject({ type: z.literal('http-01'), mode: z.literal('webroot'), root: z.string().min(1) }),
]);
/** A stored challenge configuration. */
export type ChallengeConfig = z.infer<typeof challengeConfigSchema>;

/**
 * A standby CA for a certificate: when renewing from its primary CA has failed `afterFailures`
 * times in a row, or fewer than `daysLeft` days remain, the next attempt orders from the standby;
 * the renewal after that goes back to the primary.
 */
export const standbySchema = z.strictObject({
  ca: name,
  /** Consecutive failed attempts at the primary before failing over. Default 3. */
  afterFailures: z.number().int().min(1).max(1000).optional(),
  /** Fail over at once when fewer days than this remain (and the primary is failing). Default 7. */
  daysLeft: z.number().min(0).max(365).optional(),
});
/** A stored standby CA. */
export type StandbyConfig = z.infer<typeof standbySchema>;

/** A managed certificate as stored in config.json. */
export const certificateSchema = z.strictObject({
  domains: z.array(z.string().min(1)).min(1).max(100),
  ca: name,
  challenge: challengeConfigSchema,
  keyType: z.enum(keyTypes),
  standby: standbySchema.optional(),
  /** Where the certificate goes after every renewal (vault/export-target.ts). */
  exports: z.array(exportTargetSchema).max(50).optional(),
  createdAt: z.iso.datetime(),
});
/** A stored certificate definition. */
export type CertificateConfig = z.infer<typeof certificateSchema>;

/**
 * A monitor-only certificate: tracked for expiry and alerts, never renewed. `import`: a PEM file the
 * admin obtained elsewhere (`cert import`); `tls`: whatever a TLS endpoint serves (`monitor add`),
 * read again on every scheduler check.
 */
export const monitorSchema = z.discriminatedUnion('source', [
  z.strictObject({ source: z.literal('import'), file: z.string().min(1), createdAt: z.iso.datetime() }),
  z.strictObject({
    source: z.literal('tls'),
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535),
    servername: z.string().min(1).max(253).optional(),
    createdAt: z.iso.datetime(),
  }),
]);
/** A stored monitor. */
export type MonitorConfig = z.infer<typeof monitorSchema>;

/** The sections of config.json the engine owns, each a map from name to entry. */
export const sections = {
  accounts: accountSchema,
  dnsProviders: dnsProviderSchema,
  certificates: certificateSchema,
  monitors: monitorSchema,
} as const;
/** A section name. */
export type Section = keyof typeof sections;
/** The entry type of a section. */
export type SectionEntry<S extends Section> = z.infer<(typeof sections)[S]>;
