/**
 * The admin's renewal policy as stored in `config.json` (key `policy`): when to renew, how to retry,
 * the CA's rate limits, how often the scheduler checks and where alerts go. Global values, with
 * per-CA-account overrides for the retry policy and the rate limits. `certdesk settings get|set|unset`
 * reads and writes it one key at a time; the engine reads the {@link EffectivePolicy}.
 *
 * Every value is validated twice: the key's own parser (a duration, a fraction, a URL) when it is
 * set, and the whole section's `parse…` function on the merged result, so a combination that cannot
 * work (`maxDelay` below `firstDelay`) is refused before anything is written. A stored policy that
 * no longer validates (edited by hand) is an `invalid_data` error naming the file, never ignored.
 */

import { z } from 'zod';
import { caPresets } from '../acme/presets.ts';
import { parseWebhookUrl } from '../alerts/webhook.ts';
import type { ConfLike } from '../config-store.ts';
import { CertDeskError } from '../errors.ts';
import { defaultExpiryThresholds, parseExpiryThresholds } from './expiry-alerts.ts';
import { defaultConcurrency } from './job-queue.ts';
import { letsEncryptRateLimits, parseRateLimits, type RateLimit, type RateLimitName, type RateLimits } from './rate-budget.ts';
import { parseRenewalPolicy, type RenewalPolicy } from './renewal-window.ts';
import { parseRetryPolicy, type RetryPolicy } from './retry-policy.ts';
import { defaultCheckIntervalMs } from './scheduler.ts';

const secondMs = 1000;
const minuteMs = 60 * secondMs;
const hourMs = 60 * minuteMs;
const dayMs = 24 * hourMs;

/** The key of the policy in `config.json`. */
const policyKey = 'policy';

/**
 * Let's Encrypt's staging limits (https://letsencrypt.org/docs/staging-environment/): the same kinds
 * as production, far higher, so a rehearsal is never refused where production would pass.
 */
export const letsEncryptStagingRateLimits: RateLimits = {
  newOrders: { max: 1500, windowMs: 3 * hourMs, exempt: ['ari', 'same_identifiers'] },
  failedValidations: { max: 200, windowMs: hourMs, exempt: ['ari'] },
  duplicateCertificates: { max: 30_000, windowMs: 7 * dayMs, exempt: ['ari'] },
  certificatesPerDomain: { max: 30_000, windowMs: 7 * dayMs, exempt: ['ari', 'same_identifiers'] },
};

/** Named sets of rate limits an account can be given (`rateLimits.preset`). `none` checks nothing (Pebble, a private CA). */
export const rateLimitPresets = {
  letsencrypt: letsEncryptRateLimits,
  'letsencrypt-staging': letsEncryptStagingRateLimits,
  none: {},
} as const satisfies Readonly<Record<string, RateLimits>>;

/**
 * Default versions kept per certificate: 5, the live one and four before it — enough to roll back
 * past a bad renewal or two, few enough that old private keys do not pile up.
 */
export const defaultKeepVersions = 5;

/** Default alert webhook timeout: 10 s, long enough for a chat service's API, short enough not to hold a renewal up. */
export const defaultWebhookTimeoutMs = 10 * secondMs;

/** The policy the engine works with: every value present, per-account overrides applied. */
export interface EffectivePolicy {
  readonly renewal: RenewalPolicy;
  readonly retry: RetryPolicy;
  readonly rateLimits: RateLimits;
  /** Time between the scheduler's routine checks (default 1 hour). */
  readonly checkIntervalMs: number;
  /** Certificates renewed at once by the scheduler (default 2). */
  readonly concurrency: number;
  /** Versions of each certificate kept in the vault, the live one included (default 5). */
  readonly keepVersions: number;
  readonly alerts: {
    /** Days before expiry at which to alert (default 30, 14, 7, 3, 1). */
    readonly thresholds: ReadonlyArray<number>;
    /** A URL that receives every alert as a JSON POST. */
    readonly webhook?: string;
    readonly webhookTimeoutMs: number;
  };
}

/** What a setting applies to: everywhere, or one CA account (`--ca <name>`). */
export type PolicyScope = { readonly ca?: string | undefined };

const rateLimitNames = ['newOrders', 'failedValidations', 'duplicateCertificates', 'certificatesPerDomain'] as const satisfies ReadonlyArray<RateLimitName>;

const retryFields = z.strictObject({
  firstDelayMs: z.number().optional(),
  factor: z.number().optional(),
  maxDelayMs: z.number().optional(),
  jitter: z.number().optional(),
  maxAttempts: z.number().optional(),
  giveUpAfterMs: z.number().optional(),
});
const rateLimitsStored = z.strictObject({
  preset: z.enum(Object.keys(rateLimitPresets) as [keyof typeof rateLimitPresets]).optional(),
  limits: z.partialRecord(z.enum(rateLimitNames), z.unknown()).optional(),
});
const storedSchema = z.strictObject({
  renewal: z.record(z.string(), z.unknown()).optional(),
  retry: retryFields.optional(),
  scheduler: z.strictObject({ checkIntervalMs: z.number().optional(), concurrency: z.number().optional() }).optional(),
  vault: z.strictObject({ keepVersions: z.number().optional() }).optional(),
  alerts: z.strictObject({
    thresholds: z.array(z.number()).optional(),
    webhook: z.string().optional(),
    webhookTimeoutMs: z.number().optional(),
  }).optional(),
  rateLimits: rateLimitsStored.optional(),
  accounts: z.record(z.string(), z.strictObject({ retry: retryFields.optional(), rateLimits: rateLimitsStored.optional() })).optional(),
});
/** The policy as stored: only what the admin set. `null` for a rate limit means "switched off". */
type StoredPolicy = z.infer<typeof storedSchema>;
type StoredRateLimits = z.infer<typeof rateLimitsStored>;

/** How one setting is named, parsed, shown, and where it is kept. */
interface SettingDef {
  /** What `settings set` accepts, for help and errors. */
  readonly accepts: string;
  /** Whether `--ca` applies. `only`: it must be given. */
  readonly perCa: boolean | 'only';
  /** Parses the command-line value; throws `invalid_input` with `accepts` on a bad one. */
  readonly parse: (value: string) => unknown;
  /** Shows a stored value the way `set` accepts it. */
  readonly format: (value: unknown) => string;
  /** The path inside the stored policy (or an account's entry). */
  readonly path: readonly [string, ...string[]];
}


/** Every key `settings get|set|unset` knows besides the UI's `language` and `theme`. */
export const policySettings: Readonly<Record<string, SettingDef>> = {
  'renewal.remainingFraction': { accepts: 'a fraction above 0 and at most 1/2, e.g. 1/3 or 0.33', perCa: false, parse: fraction, format: String, path: ['renewal', 'remainingFraction'] },
  'renewal.daysBeforeExpiry': { accepts: 'a number of days, e.g. 30 (overrides renewal.remainingFraction)', perCa: false, parse: positiveNumber, format: String, path: ['renewal', 'daysBeforeExpiry'] },
  'renewal.emergencyFraction': { accepts: 'a fraction below renewal.remainingFraction, e.g. 1/20', perCa: false, parse: fraction, format: String, path: ['renewal', 'emergencyFraction'] },
  'retry.firstDelay': { accepts: 'a duration, e.g. 1m', perCa: true, parse: parseDuration, format: formatDuration, path: ['retry', 'firstDelayMs'] },
  'retry.factor': { accepts: 'a number ≥ 1, e.g. 2', perCa: true, parse: positiveNumber, format: String, path: ['retry', 'factor'] },
  'retry.maxDelay': { accepts: 'a duration, e.g. 6h', perCa: true, parse: parseDuration, format: formatDuration, path: ['retry', 'maxDelayMs'] },
  'retry.jitter': { accepts: 'a fraction from 0 up to 1, e.g. 0.2', perCa: true, parse: fraction, format: String, path: ['retry', 'jitter'] },
  'retry.maxAttempts': { accepts: 'a whole number ≥ 1', perCa: true, parse: wholeNumber, format: String, path: ['retry', 'maxAttempts'] },
  'retry.giveUpAfter': { accepts: 'a duration, e.g. 30d', perCa: true, parse: parseDuration, format: formatDuration, path: ['retry', 'giveUpAfterMs'] },
  'scheduler.checkInterval': { accepts: 'a duration from 1m to 1d, e.g. 1h', perCa: false, parse: parseDuration, format: formatDuration, path: ['scheduler', 'checkIntervalMs'] },
  'scheduler.concurrency': { accepts: 'a whole number from 1 to 32', perCa: false, parse: wholeNumber, format: String, path: ['scheduler', 'concurrency'] },
  'vault.keepVersions': { accepts: 'a whole number from 2 to 100 (the live version included)', perCa: false, parse: wholeNumber, format: String, path: ['vault', 'keepVersions'] },
  'alerts.thresholds': { accepts: 'days before expiry, comma-separated, e.g. 30,14,7,3,1', perCa: false, parse: numberList, format: (v) => (v as number[]).join(','), path: ['alerts', 'thresholds'] },
  'alerts.webhook': { accepts: 'an http(s) URL that receives alerts as JSON POSTs', perCa: false, parse: parseWebhookUrl, format: String, path: ['alerts', 'webhook'] },
  'alerts.webhookTimeout': { accepts: 'a duration from 1s to 2m, e.g. 10s', perCa: false, parse: parseDuration, format: formatDuration, path: ['alerts', 'webhookTimeoutMs'] },
  'rateLimits.preset': { accepts: Object.keys(rateLimitPresets).join(' | '), perCa: true, parse: ratePreset, format: String, path: ['rateLimits', 'preset'] },
  ...Object.fromEntries(rateLimitNames.map((name) => [`rateLimits.${name}`, {
    accepts: 'MAX/WINDOW, e.g. 300/3h, or off',
    perCa: true,
    parse: (value: string) => rateLimitValue(value, name),
    format: (v: unknown) => (v === null ? 'off' : `${(v as RateLimit).max}/${formatDuration((v as RateLimit).windowMs)}`),
    path: ['rateLimits', 'limits', name],
  } satisfies SettingDef])),
};

/**
 * Reads and writes the policy in `config.json`. Not safe for concurrent writers in several processes
 * beyond what conf gives (each write replaces the file atomically; the last writer wins).
 */
export class PolicyRepository {
  readonly #conf: ConfLike;

  constructor(conf: ConfLike) {
    this.#conf = conf;
  }

  /**
   * The policy for one CA account (its overrides applied; rate limits defaulting by its directory:
   * Let's Encrypt's for its production and staging directories, none for other CAs), or the global
   * one. Throws `invalid_data` when the stored policy does not validate.
   */
  effective(account?: { readonly name: string; readonly directoryUrl: string }): EffectivePolicy {
    const stored = this.#stored();
    return validated(`${this.#conf.path} (${policyKey})`, () => effectivePolicy(stored, account));
  }

  /** The value of one key as `set` accepts it, or `undefined` when it is not set (the default applies). */
  get(key: string, scope: PolicyScope = {}): string | undefined {
    const def = settingDef(key, scope);
    const value = readPath(this.#section(scope), def.path);
    return value === undefined ? undefined : def.format(value);
  }

  /**
   * Every key with its effective value in `set`'s syntax, and whether it is the default: the global
   * policy, or with `account` that account's (retry and rate limits with its overrides).
   */
  show(account?: { readonly name: string; readonly directoryUrl: string }): ReadonlyArray<{ readonly key: string; readonly value: string; readonly isDefault: boolean }> {
    const policy = this.effective(account);
    const scope = account === undefined ? {} : { ca: account.name };
    return Object.entries(policySettings)
      .filter(([, def]) => account !== undefined || def.path[0] !== 'rateLimits')
      .map(([key, def]) => {
        const own = def.perCa === false ? this.get(key) : this.get(key, scope) ?? (account === undefined ? undefined : this.get(key));
        const value = own ?? effectiveValue(policy, def);
        return { key, value, isDefault: own === undefined };
      });
  }

  /** Every key that is set in a scope, as `key → value` in `set`'s syntax. */
  list(scope: PolicyScope = {}): ReadonlyArray<readonly [string, string]> {
    return Object.keys(policySettings)
      .filter((key) => scope.ca === undefined || policySettings[key]?.perCa !== false)
      .flatMap((key) => {
        const value = this.get(key, scope);
        return value === undefined ? [] : [[key, value] as const];
      });
  }

  /**
   * Sets one key (or with `value` undefined, removes it so the default applies). Validates the value
   * and the merged policy before writing; throws `invalid_input` naming the key and what it accepts.
   * `scope.ca` must name an existing account (the caller checks; `knownAccounts` lists them).
   */
  set(key: string, value: string | undefined, scope: PolicyScope = {}, knownAccounts: ReadonlyArray<string> = []): void {
    const def = settingDef(key, scope);
    if (scope.ca !== undefined && !knownAccounts.includes(scope.ca)) {
      throw new CertDeskError('invalid_input', `Unable to set ${key} for the CA account ${JSON.stringify(scope.ca)}, there is no such account`, {
        remedy: knownAccounts.length === 0 ? 'Add the account first: certdesk ca add …' : `Known: ${knownAccounts.join(', ')}.`,
      });
    }
    const where = `the setting ${key}`;
    const parsed = value === undefined ? undefined : validated(where, () => def.parse(value), 'invalid_input');
    const stored = this.#stored();
    const next: StoredPolicy = structuredClone(stored);
    // Through writePath all the way, so an account entry (and `accounts`) left empty by an unset goes too.
    writePath(next, scope.ca === undefined ? def.path : ['accounts', scope.ca, ...def.path], parsed);
    // The merged policy must still work, for every account it touches. When the stored one already
    // fails (edited by hand) and this change does not repair it, that file is the problem, not the value.
    try {
      checkPolicy(next);
    } catch (error) {
      if (!(error instanceof CertDeskError)) throw error;
      validated(`${this.#conf.path} (${policyKey})`, () => {
        checkPolicy(stored);
      });
      throw validationError(where, error, 'invalid_input');
    }
    this.#conf.set(policyKey, next);
  }

  #section(scope: PolicyScope): Record<string, unknown> {
    const stored = this.#stored();
    return scope.ca === undefined ? stored : stored.accounts?.[scope.ca] ?? {};
  }

  #stored(): StoredPolicy {
    const raw = this.#conf.get(policyKey);
    if (raw === undefined) return {};
    const parsed = storedSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new CertDeskError('invalid_data', `Unable to read the renewal policy from ${this.#conf.path}, '${policyKey}' is not valid${issue === undefined ? '' : ` (${issue.path.join('.')}: ${issue.message})`}`, {
      remedy: "Repair or remove the 'policy' entry in that file; 'certdesk settings set' rewrites it.",
    });
  }
}

/** The keys `settings get|set|unset` accept for the policy, for help texts. */
export const policySettingKeys: ReadonlyArray<string> = Object.keys(policySettings);

/** Describes the keys and what each accepts, one per line, for `settings --help` and errors. */
export function describePolicySettings(): string {
  return Object.entries(policySettings)
    .map(([key, def]) => `${key.padEnd(34)} ${def.accepts}${def.perCa === false ? '' : ' (global or --ca <account>)'}`)
    .join('\n');
}

/** A setting's value in an effective policy, shown as `set` accepts it. */
function effectiveValue(policy: EffectivePolicy, def: SettingDef): string {
  const [section, field, name] = def.path;
  const sections: Readonly<Record<string, unknown>> = {
    renewal: policy.renewal,
    retry: policy.retry,
    scheduler: { checkIntervalMs: policy.checkIntervalMs, concurrency: policy.concurrency },
    vault: { keepVersions: policy.keepVersions },
    alerts: policy.alerts,
  };
  if (section === 'rateLimits') {
    if (field === 'preset') return '(by CA directory)';
    const limit = policy.rateLimits[name as RateLimitName];
    return def.format(limit ?? null);
  }
  const value = (sections[section] as Readonly<Record<string, unknown>> | undefined)?.[field ?? ''];
  return value === undefined ? '(none)' : def.format(value);
}

function settingDef(key: string, scope: PolicyScope): SettingDef {
  const def = Object.hasOwn(policySettings, key) ? policySettings[key] : undefined;
  if (def === undefined) {
    throw new CertDeskError('invalid_input', `Unable to use the setting ${JSON.stringify(key)}, there is no such setting`, {
      remedy: `Known settings: language, theme, ${policySettingKeys.join(', ')}.`,
    });
  }
  if (scope.ca !== undefined && def.perCa === false) {
    throw new CertDeskError('invalid_input', `Unable to set ${key} for one CA account, it applies to every certificate`, {
      remedy: `Leave out --ca. Per-account settings: ${policySettingKeys.filter((k) => policySettings[k]?.perCa !== false).join(', ')}.`,
    });
  }
  return def;
}

function effectiveRateLimits(directoryUrl: string | undefined, global: StoredRateLimits | undefined, own: StoredRateLimits | undefined): RateLimits {
  const preset = own?.preset ?? global?.preset;
  const base: RateLimits = preset !== undefined ? rateLimitPresets[preset] : defaultRateLimitsFor(directoryUrl);
  const merged: Record<string, unknown> = { ...base, ...global?.limits, ...own?.limits };
  // `null` switches a limit off.
  return parseRateLimits(Object.fromEntries(Object.entries(merged).filter(([, limit]) => limit !== null)));
}

/** The limits a CA publishes, known for Let's Encrypt; other CAs get none until the admin sets them. */
export function defaultRateLimitsFor(directoryUrl: string | undefined): RateLimits {
  if (directoryUrl === caPresets.letsencrypt.url) return letsEncryptRateLimits;
  if (directoryUrl === caPresets['letsencrypt-staging'].url) return letsEncryptStagingRateLimits;
  return {};
}

/** Runs `build` and rewraps a validation failure so it names where the bad value came from. */
function validated<T>(where: string, build: () => T, code: 'invalid_data' | 'invalid_input' = 'invalid_data'): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof CertDeskError)) throw error;
    throw validationError(where, error, code);
  }
}

/** `error` as `code`, its message naming `where`: the file for `invalid_data`, the setting for `invalid_input`. */
function validationError(where: string, error: CertDeskError, code: 'invalid_data' | 'invalid_input'): CertDeskError {
  return new CertDeskError(code, `${error.message} (${code === 'invalid_data' ? 'stored in' : 'in'} ${where})`, {
    remedy: error.remedy ?? "Fix the value with 'certdesk settings set'.",
    cause: error,
  });
}

/**
 * The effective policy from a stored one, for one account or globally. Throws `invalid_input` from
 * the section parsers when a value or a combination does not work.
 */
function effectivePolicy(stored: StoredPolicy, account: { readonly name: string; readonly directoryUrl: string } | undefined): EffectivePolicy {
  const own = account === undefined ? undefined : stored.accounts?.[account.name];
  const alerts = stored.alerts ?? {};
  return {
    renewal: parseRenewalPolicy(stored.renewal),
    retry: parseRetryPolicy({ ...stored.retry, ...own?.retry }),
    rateLimits: effectiveRateLimits(account?.directoryUrl, stored.rateLimits, own?.rateLimits),
    checkIntervalMs: inRange('scheduler.checkInterval', stored.scheduler?.checkIntervalMs ?? defaultCheckIntervalMs, minuteMs, dayMs, formatDuration),
    concurrency: inRange('scheduler.concurrency', stored.scheduler?.concurrency ?? defaultConcurrency, 1, 32, String),
    keepVersions: inRange('vault.keepVersions', stored.vault?.keepVersions ?? defaultKeepVersions, 2, 100, String),
    alerts: {
      thresholds: alerts.thresholds === undefined ? defaultExpiryThresholds : parseExpiryThresholds(alerts.thresholds),
      webhookTimeoutMs: inRange('alerts.webhookTimeout', alerts.webhookTimeoutMs ?? defaultWebhookTimeoutMs, secondMs, 2 * minuteMs, formatDuration),
      // Checked as when it is set, so a hand-edited URL fails here, not at the first alert.
      ...(alerts.webhook === undefined ? {} : { webhook: parseWebhookUrl(alerts.webhook) }),
    },
  };
}

/** Throws unless the global policy and every account's work (their directories unknown here, so without default limits). */
function checkPolicy(stored: StoredPolicy): void {
  effectivePolicy(stored, undefined);
  for (const name of Object.keys(stored.accounts ?? {})) effectivePolicy(stored, { name, directoryUrl: 'https://invalid.invalid/' });
}

function inRange(key: string, value: number, min: number, max: number, show: (value: number) => string): number {
  if (!(value >= min && value <= max) || ((key === 'scheduler.concurrency' || key === 'vault.keepVersions') && !Number.isInteger(value))) {
    throw new CertDeskError('invalid_input', `Unable to use the renewal policy, '${key}' must be from ${show(min)} to ${show(max)}, not ${show(value)}`, {
      remedy: `Set it with: certdesk settings set ${key} <value>`,
    });
  }
  return value;
}

function readPath(root: Record<string, unknown>, path: ReadonlyArray<string>): unknown {
  let node: unknown = root;
  for (const part of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Sets (or with `undefined`, deletes) the value at `path`, dropping objects left empty. */
function writePath(root: Record<string, unknown>, path: readonly [string, ...string[]], value: unknown): void {
  const [head, ...rest] = path;
  let next: unknown = value;
  if (rest.length > 0) {
    const child = { ...(root[head] as Record<string, unknown> | undefined) };
    writePath(child, rest as [string, ...string[]], value);
    next = Object.keys(child).length === 0 ? undefined : child;
  }
  // Reflect.deleteProperty: the key is a fixed setting path or a validated account name (names.ts), never raw input.
  if (next === undefined) Reflect.deleteProperty(root, head);
  else root[head] = next;
}

function bad(what: string, value: string): CertDeskError {
  return new CertDeskError('invalid_input', `Unable to use ${JSON.stringify(value.slice(0, 100))}, expected ${what}`, { remedy: `Give ${what}.` });
}

function positiveNumber(value: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw bad('a positive number', value);
  return n;
}

function wholeNumber(value: string): number {
  const n = positiveNumber(value);
  if (!Number.isInteger(n)) throw bad('a whole number', value);
  return n;
}

/** `1/3`, `0.33` or `33%`. */
function fraction(value: string): number {
  const text = value.trim();
  const ratio = /^(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/.exec(text);
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
  const n = ratio !== null ? Number(ratio[1]) / Number(ratio[2]) : percent !== null ? Number(percent[1]) / 100 : text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw bad('a fraction such as 1/3, 0.25 or 20%', value);
  return n;
}

const units: Readonly<Record<string, number>> = { ms: 1, s: secondMs, m: minuteMs, h: hourMs, d: dayMs };

/** `90s`, `1m`, `1.5h`, `30d`, `500ms`: a unit is required, so `60` is never misread as minutes or ms. */
export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(value.trim());
  const ms = match === null ? Number.NaN : Math.round(Number(match[1]) * (units[match[2] ?? ''] ?? Number.NaN));
  if (!Number.isFinite(ms) || ms <= 0) throw bad('a duration with a unit: 500ms, 90s, 1m, 6h or 30d', value);
  return ms;
}


/** The shortest exact spelling of a duration in milliseconds: `21600000` → `6h`. */
export function formatDuration(value: unknown): string {
  const ms = Number(value);
  for (const [unit, size] of [['d', dayMs], ['h', hourMs], ['m', minuteMs], ['s', secondMs]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

function numberList(value: string): number[] {
  const parts = value.split(',').map((part) => part.trim());
  const numbers = parts.map(Number);
  if (parts.some((part) => part === '') || numbers.some((n) => !Number.isFinite(n) || n <= 0)) {
    throw bad('positive numbers of days separated by commas, e.g. 30,14,7,3,1', value);
  }
  return [...parseExpiryThresholds(numbers)];
}

function ratePreset(value: string): string {
  if (!Object.hasOwn(rateLimitPresets, value)) throw bad(Object.keys(rateLimitPresets).join(' | '), value);
  return value;
}

/** `300/3h` → a limit with Let's Encrypt's renewal exemptions for that kind; `off` → `null`. */
function rateLimitValue(value: string, name: RateLimitName): RateLimit | null {
  if (value.trim() === 'off') return null;
  const [max, window, ...rest] = value.split('/');
  if (max === undefined || window === undefined || rest.length > 0) throw bad('MAX/WINDOW such as 300/3h, or off', value);
  return { max: wholeNumber(max), windowMs: parseDuration(window), exempt: [...(letsEncryptRateLimits[name]?.exempt ?? [])] };
}
