import type { Logger } from '../../ports.ts';
import type { ManualPrompt } from './manual.ts';

/** A string in English and Simplified Chinese (the locales CertDesk ships). */
export interface LocalizedText {
  readonly en: string;
  readonly 'zh-CN': string;
}

/**
 * A DNS-01 provider: creates and removes one TXT record.
 *
 * Contract: `present(fqdn, value)` adds a TXT record with exactly `value` at `fqdn` (absolute, with
 * the trailing dot, e.g. `_acme-challenge.example.com.`) without touching other records, so several
 * values can live on one name (a wildcard and its apex). `cleanup(fqdn, value)` removes that one
 * value, succeeds if it is already gone, and never removes other values. `check()` proves the
 * credentials work (and, where the API can tell, lists the zones they reach) without changing any
 * record. All reject with an actionable {@link DnsError} (auth, zone_not_found, rate_limited,
 * network, …) that never contains a secret. Implementations must be safe for concurrent use; the
 * DNS-01 solver still serialises calls for one name, so read-modify-write of one record set is safe.
 */
export interface DnsProvider {
  /** The provider kind, for logs (`exec`, `rfc2136`, `manual`, `cloudflare`, …). */
  readonly kind: string;
  present(fqdn: string, value: string, signal?: AbortSignal): Promise<void>;
  cleanup(fqdn: string, value: string, signal?: AbortSignal): Promise<void>;
  /** Validates the credentials without changing records; resolves to the zones reached when known. */
  check(signal?: AbortSignal): Promise<DnsCheckResult>;
}

/** What {@link DnsProvider.check} found. */
export interface DnsCheckResult {
  /** Zone apexes the credentials can manage (absolute, trailing dot), when the API lists them. */
  readonly zones?: ReadonlyArray<string>;
}

/**
 * One credential or setting a provider kind needs, declared once: the CLI builds its `dns add`
 * flags from it (`--<kebab-case key>`), the wizard renders a field from it, and the service
 * validates input against it. Secret fields go to the SecretBox (`dns/<name>/<key>`), the others
 * to config.json.
 */
export interface CredentialField {
  /** camelCase key (`apiToken`, `accessKeyId`); the CLI flag is its kebab-case form. */
  readonly key: string;
  readonly label: LocalizedText;
  /** Where the admin finds the value, and what permissions it needs. */
  readonly help: LocalizedText;
  /** Kept encrypted, shown as a password field, never printed or sent back. */
  readonly secret: boolean;
  /** May be left empty (then `defaultValue`, or the provider's own default, applies). */
  readonly optional?: boolean;
  /** The allowed values, for a choice. */
  readonly choices?: ReadonlyArray<string>;
  readonly defaultValue?: string;
  /** An example value, for placeholders and `--help`. */
  readonly example?: string;
  /**
   * Validates one non-empty value; returns an English reason it is not acceptable (shown as
   * "Unable to use <label>, <reason>") or `undefined` when it is fine.
   */
  readonly validate?: (value: string) => string | undefined;
}

/** What a provider kind's `create` receives besides its credentials. */
export interface ProviderContext {
  readonly logger: Logger;
  /** Extra PEM CA certificates to trust for the provider's HTTPS API (tests, private PKI). */
  readonly extraCaPem?: string;
  /** Per-request timeout of API calls; default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Waits between retries of rate-limited or failed API calls (tests pass a fast one). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * How the `manual` kind asks the admin to create the record (the CLI's terminal, a GUI dialog);
   * without one, its `present` rejects with `prompt_unavailable`. Other kinds ignore it.
   */
  readonly manualPrompt?: ManualPrompt;
}

/**
 * A DNS provider kind: what it is called, the credentials it declares, its propagation defaults,
 * and how to build a {@link DnsProvider} from stored credentials. One file per kind under
 * `main/core/challenges/dns/providers/`, registered in `registry.ts`.
 */
export interface DnsProviderDefinition {
  /** The stable id stored in config.json and typed on the CLI (`cloudflare`, `alidns`, …). */
  readonly kind: string;
  readonly label: LocalizedText;
  /** One or two sentences: what it talks to, and what access the credentials need. */
  readonly help: LocalizedText;
  readonly fields: ReadonlyArray<CredentialField>;
  /**
   * How long this kind's records usually take to reach the zone's authoritative servers, as the
   * propagation check's defaults (the admin may override per provider).
   */
  readonly propagation: { readonly timeoutSeconds: number; readonly intervalSeconds: number };
  /**
   * Builds the provider from validated credentials (every declared key that has a value, defaults
   * applied). Must not do I/O: a bad credential shows up in `check()` or the first request.
   */
  create(credentials: Readonly<Record<string, string>>, context: ProviderContext): DnsProvider;
  /**
   * Optional: runs once when the admin adds the provider (`dns add`), before anything is stored,
   * and may do I/O — acme-dns registers an account here. Returns the credentials to store (the
   * given ones completed) and a note for the admin (e.g. the CNAME to create), in both locales.
   */
  prepare?(
    credentials: Readonly<Record<string, string>>,
    context: ProviderContext,
    signal?: AbortSignal,
  ): Promise<{ readonly credentials: Readonly<Record<string, string>>; readonly note?: LocalizedText }>;
}
