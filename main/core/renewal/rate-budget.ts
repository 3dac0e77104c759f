/**
 * A client-side budget of a CA's rate limits: counts what this CA account spent (new orders, failed
 * validations, issued certificates) and refuses an attempt that would break a limit, saying when it
 * may try again. Pure: the history and the clock are passed in; the caller stores the history.
 *
 * Each limit is counted as a sliding window: at most `max` events in any `windowMs`. Let's Encrypt
 * uses token buckets that refill gradually (e.g. one duplicate certificate per 34 hours); a sequence
 * that keeps to the sliding window always fits the bucket (a span of length L is covered by
 * ⌊L/W⌋ + 1 windows, so it holds at most (⌊L/W⌋ + 1)·max ≤ max + L·max/W events, the bucket's own
 * bound), so the budget is never looser than the CA, only sometimes slower to allow again. Only this client's own spending is counted: the CA also counts other
 * clients and accounts, so a 429 with `Retry-After` can still come and the retry policy honours it.
 */

import { z } from 'zod';
import type { Translations } from '../i18n.ts';
import { CertDeskError } from '../errors.ts';
import { invalidPolicy } from './renewal-window.ts';

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
const dayMs = 24 * hourMs;

/** How an order relates to an earlier certificate; CAs exempt renewals from some limits. */
export type RenewalKind =
  /** An ARI renewal: the order carries `replaces` (RFC 9773 §5). */
  | 'ari'
  /** The exact identifier set of an earlier certificate, without ARI. */
  | 'same_identifiers';

/** One limit: at most `max` events per `windowMs`, not counted for the renewals listed in `exempt`. */
export interface RateLimit {
  readonly max: number;
  readonly windowMs: number;
  /** Renewals the CA lets through this limit unchecked. */
  readonly exempt: ReadonlyArray<RenewalKind>;
}

/**
 * The limits of one CA, keyed by name; a CA without one of them leaves it out (an empty object
 * checks nothing, e.g. for Pebble or a private CA).
 */
export interface RateLimits {
  /** New orders per account. */
  readonly newOrders?: RateLimit;
  /** Failed validations (authorization failures) per identifier per account. */
  readonly failedValidations?: RateLimit;
  /** Certificates for the exact same identifier set ("duplicate certificates"). */
  readonly duplicateCertificates?: RateLimit;
  /** New certificates per registered domain. */
  readonly certificatesPerDomain?: RateLimit;
}

/** The name of a limit, as the keys of {@link RateLimits}. */
export type RateLimitName = keyof RateLimits;

/**
 * Let's Encrypt's published production limits (https://letsencrypt.org/docs/rate-limits/, the page
 * of June 2025; renewal exemptions from its "Limit Exemptions for Renewals"). Its staging
 * environment has higher limits; other CAs publish their own, passed in the same shape.
 * Not modelled: "Consecutive Authorization Failures per Identifier per Account" (1,152, refilling one
 * a day), which the retry policy's 30-day give-up stays far below.
 */
export const letsEncryptRateLimits: RateLimits = {
  // "New Orders per Account": 300 every 3 hours (refills one per 36 s). Renewals are exempt.
  newOrders: { max: 300, windowMs: 3 * hourMs, exempt: ['ari', 'same_identifiers'] },
  // "Authorization Failures per Identifier per Account": 5 per hour (refills one per 12 minutes);
  // formerly the "Failed Validation" limit of 5 per account, per hostname, per hour. Only ARI
  // renewals are exempt.
  failedValidations: { max: 5, windowMs: hourMs, exempt: ['ari'] },
  // "New Certificates per Exact Set of Identifiers", formerly "Duplicate Certificate": 5 every 7 days
  // (refills one per 34 hours). Only ARI renewals are exempt: a plain renewal counts here.
  duplicateCertificates: { max: 5, windowMs: 7 * dayMs, exempt: ['ari'] },
  // "New Certificates per Registered Domain": 50 every 7 days (refills one per 202 minutes), counted
  // across all accounts. Renewals are exempt.
  certificatesPerDomain: { max: 50, windowMs: 7 * dayMs, exempt: ['ari', 'same_identifiers'] },
};

/** Something that spent a CA's budget, as the order runner records it. */
export interface SpendEvent {
  readonly at: Date;
  /**
   * `new_order`: an order was created (newOrder, RFC 8555 §7.4). `failed_validation`: an
   * authorization became invalid (§7.5.1); `identifiers` names the one(s) that failed.
   * `certificate_issued`: a certificate was downloaded; `identifiers` is its whole set.
   */
  readonly kind: 'new_order' | 'failed_validation' | 'certificate_issued';
  readonly identifiers: ReadonlyArray<string>;
}

/** The order about to be created. */
export interface BudgetAttempt {
  /** The identifiers of the order (DNS names, `*.` wildcards, IP addresses). */
  readonly identifiers: ReadonlyArray<string>;
  /** Set when the order renews an earlier certificate; exempts it from some limits (see {@link RateLimit}). */
  readonly renewal?: RenewalKind;
}

/** What {@link checkBudget} and {@link budgetUsage} look at. */
export interface BudgetInput {
  /** Default {@link letsEncryptRateLimits}. */
  readonly limits?: RateLimits;
  /** What this CA account spent; older events than the longest window are ignored. */
  readonly history: ReadonlyArray<SpendEvent>;
  readonly attempt: BudgetAttempt;
  readonly now: Date;
  /**
   * Maps a DNS name (lower case, no trailing dot, no `*.`) to its registered domain. Default
   * {@link approximateRegisteredDomain}, which is wrong under multi-label public suffixes (`co.uk`);
   * pass a Public Suffix List lookup when one is available. Must not throw.
   */
  readonly registeredDomain?: (name: string) => string;
}

/** How much of one limit is spent, for one scope. */
export interface LimitUsage {
  readonly limit: RateLimitName;
  /** What the limit is counted for: `account`, an identifier, the identifier set, or a registered domain. */
  readonly scope: string;
  readonly used: number;
  readonly max: number;
  readonly windowMs: number;
  /** When `used` next drops by one; `undefined` when nothing is spent. */
  readonly nextFreeAt: Date | undefined;
  /** When one more attempt fits (`now` when it already does). */
  readonly allowedAt: Date;
  /** Whether the attempt is exempt from this limit as a renewal. */
  readonly exempt: boolean;
}

/** The answer of {@link checkBudget}. */
export type BudgetCheck =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly limit: RateLimitName; readonly scope: string; readonly retryAt: Date; readonly message: Translations };

/**
 * Decides whether an order may be created now without breaking a limit. When several limits would
 * break, names the one that frees up last, so waiting until `retryAt` satisfies them all (if nothing
 * else is spent meanwhile). Never throws.
 */
export function checkBudget(input: BudgetInput): BudgetCheck {
  const blocking = budgetUsage(input)
    .filter((usage) => !usage.exempt && usage.allowedAt.getTime() > input.now.getTime())
    .sort((a, b) => b.allowedAt.getTime() - a.allowedAt.getTime())[0];
  if (blocking === undefined) return { allowed: true };
  return { allowed: false, limit: blocking.limit, scope: blocking.scope, retryAt: blocking.allowedAt, message: refusal(blocking) };
}

/**
 * How much of each limit the attempt would draw on is spent (for `cert show`'s "budget left"): one
 * row per limit and scope, exempt ones included and marked. Never throws.
 */
export function budgetUsage(input: BudgetInput): ReadonlyArray<LimitUsage> {
  const limits = input.limits ?? letsEncryptRateLimits;
  const toDomain = input.registeredDomain ?? approximateRegisteredDomain;
  const names = normalizedSet(input.attempt.identifiers);
  const setKey = names.join(',');
  const rows: LimitUsage[] = [];
  const add = (limit: RateLimitName, scope: string, counts: (event: SpendEvent) => boolean): void => {
    const rule = limits[limit];
    if (rule === undefined) return;
    const times = input.history.filter(counts).map((event) => event.at.getTime()).filter(Number.isFinite);
    rows.push(usage(limit, scope, rule, times, input.now, input.attempt.renewal));
  };

  add('newOrders', 'account', (event) => event.kind === 'new_order');
  for (const identifier of new Set(names.map(authorizationName))) {
    add('failedValidations', identifier, (event) => event.kind === 'failed_validation' && event.identifiers.some((name) => authorizationName(normalize(name)) === identifier));
  }
  add('duplicateCertificates', setKey, (event) => event.kind === 'certificate_issued' && normalizedSet(event.identifiers).join(',') === setKey);
  for (const domain of new Set(names.map((name) => toDomain(authorizationName(name))))) {
    add('certificatesPerDomain', domain, (event) => event.kind === 'certificate_issued' && event.identifiers.some((name) => toDomain(authorizationName(normalize(name))) === domain));
  }
  return rows;
}

/**
 * Drops the events that no limit looks at any more: those at least the longest window of `limits`
 * (default {@link letsEncryptRateLimits}: 7 days) before `now`. Events dated after `now` (a clock set
 * back) are kept. Returns a new array; order is preserved.
 */
export function pruneHistory(history: ReadonlyArray<SpendEvent>, now: Date, limits: RateLimits = letsEncryptRateLimits): ReadonlyArray<SpendEvent> {
  const windows = [limits.newOrders, limits.failedValidations, limits.duplicateCertificates, limits.certificatesPerDomain].map((limit) => limit?.windowMs ?? 0);
  const longest = Math.max(0, ...windows);
  const cutoff = now.getTime() - longest;
  return history.filter((event) => event.at.getTime() > cutoff);
}

/**
 * The registered domain of a DNS name, approximated as its last two labels (`a.b.example.com` →
 * `example.com`). An approximation: wrong under multi-label public suffixes (`www.example.co.uk` →
 * `co.uk`, lumping every `.co.uk` name together, which only makes the budget stricter than the CA's).
 * The CA uses the Public Suffix List; inject a PSL lookup through `registeredDomain` for the exact
 * answer. IP addresses count as their own registered domain as Let's Encrypt counts them: an IPv4
 * address alone, an IPv6 address by its /64.
 */
export function approximateRegisteredDomain(name: string): string {
  const value = normalize(name).replace(/^\*\./, '');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) return value;
  if (value.includes(':')) return ipv6Prefix64(value);
  const labels = value.split('.').filter((label) => label !== '');
  return labels.slice(-2).join('.');
}

const rateLimitSchema = z.strictObject({
  max: z.number().int().positive(),
  windowMs: z.number().positive(),
  exempt: z.array(z.enum(['ari', 'same_identifiers'])).default([]),
});

const rateLimitsSchema = z.strictObject({
  newOrders: rateLimitSchema.optional(),
  failedValidations: rateLimitSchema.optional(),
  duplicateCertificates: rateLimitSchema.optional(),
  certificatesPerDomain: rateLimitSchema.optional(),
});

const limitConstraint = "{ max: a whole number ≥ 1, windowMs: a positive number of milliseconds, exempt?: ('ari' | 'same_identifiers')[] }";
const rateLimitConstraints: Readonly<Record<RateLimitName, string>> = {
  newOrders: limitConstraint,
  failedValidations: limitConstraint,
  duplicateCertificates: limitConstraint,
  certificatesPerDomain: limitConstraint,
};

/**
 * Validates a CA's limits from settings. Absent limits are not checked (an empty object checks
 * nothing); unknown keys are rejected. Throws `invalid_input` naming each bad limit.
 */
export function parseRateLimits(input: unknown): RateLimits {
  const parsed = rateLimitsSchema.safeParse(input ?? {});
  if (!parsed.success) throw invalidPolicy('rate limits', parsed.error.issues, rateLimitConstraints);
  return Object.fromEntries(Object.entries(parsed.data).filter(([, limit]) => limit !== undefined));
}

function usage(limit: RateLimitName, scope: string, rule: RateLimit, times: ReadonlyArray<number>, now: Date, renewal: RenewalKind | undefined): LimitUsage {
  const nowMs = now.getTime();
  const inWindow = times.filter((at) => at > nowMs - rule.windowMs).sort((a, b) => a - b);
  const max = Math.max(1, Math.floor(rule.max));
  // For one more to fit, the oldest (used − max + 1) events must leave the window.
  const mustLeave = inWindow[inWindow.length - max];
  const oldest = inWindow[0];
  return {
    limit,
    scope,
    used: inWindow.length,
    max,
    windowMs: rule.windowMs,
    nextFreeAt: oldest === undefined ? undefined : new Date(oldest + rule.windowMs),
    allowedAt: mustLeave === undefined ? now : new Date(Math.max(nowMs, mustLeave + rule.windowMs)),
    exempt: renewal !== undefined && rule.exempt.includes(renewal),
  };
}

function refusal(usage: LimitUsage): Translations {
  const { used, max, scope } = usage;
  const when = usage.allowedAt.toISOString();
  const en = durationEn(usage.windowMs);
  const zh = durationZh(usage.windowMs);
  switch (usage.limit) {
    case 'newOrders':
      return {
        en: `This CA account created ${used} new orders in the last ${en} (the CA allows ${max}); CertDesk will not create another before ${when}.`,
        'zh-CN': `此 CA 账户在 ${zh}内已创建 ${used} 个新订单（CA 上限为 ${max} 个）；CertDesk 在 ${when} 之前不会再创建订单。`,
      };
    case 'failedValidations':
      return {
        en: `Validation of ${scope} failed ${used} times in the last ${en} (the CA allows ${max}); check the challenge setup. CertDesk will not try again before ${when}.`,
        'zh-CN': `${scope} 的域名验证在 ${zh}内已失败 ${used} 次（CA 上限为 ${max} 次）；请检查验证方式的配置。CertDesk 在 ${when} 之前不会重试。`,
      };
    case 'duplicateCertificates':
      return {
        en: `${used} certificates for exactly ${scope.split(',').join(', ')} were issued in the last ${en} (the CA allows ${max}); CertDesk will not request another before ${when}.`,
        'zh-CN': `${scope.split(',').join('、')} 这组名称在 ${zh}内已签发 ${used} 张证书（CA 上限为 ${max} 张）；CertDesk 在 ${when} 之前不会再申请。`,
      };
    case 'certificatesPerDomain':
      return {
        en: `${used} certificates under ${scope} were issued in the last ${en} (the CA allows ${max}); CertDesk will not request another before ${when}.`,
        'zh-CN': `${scope} 下在 ${zh}内已签发 ${used} 张证书（CA 上限为 ${max} 张）；CertDesk 在 ${when} 之前不会再申请。`,
      };
  }
}

function durationEn(ms: number): string {
  const [value, unit] = durationParts(ms);
  return value === 1 ? unit : `${value} ${unit}s`;
}

function durationZh(ms: number): string {
  const [value, unit] = durationParts(ms);
  const zh = { day: '天', hour: '小时', minute: '分钟', second: '秒' }[unit];
  return `${value} ${zh}`;
}

function durationParts(ms: number): [number, 'day' | 'hour' | 'minute' | 'second'] {
  if (ms % dayMs === 0) return [ms / dayMs, 'day'];
  if (ms % hourMs === 0) return [ms / hourMs, 'hour'];
  if (ms % minuteMs === 0) return [ms / minuteMs, 'minute'];
  return [Math.round(ms / 1000), 'second'];
}

/** DNS names compare case-insensitively and without a trailing root dot. */
function normalize(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** The identifier set as the CA compares it: case, order and repeats ignored. */
function normalizedSet(identifiers: ReadonlyArray<string>): string[] {
  return [...new Set(identifiers.map(normalize))].sort();
}

/** A wildcard is authorized on its base name (RFC 8555 §7.1.3), so its failures count there. */
function authorizationName(name: string): string {
  return name.replace(/^\*\./, '');
}

function ipv6Prefix64(address: string): string {
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * The budget refused an order (`rate_budget`): nothing was sent to the CA. `retryAt` is when the
 * attempt fits again; the retry policy waits at least until then, without counting it as a failure.
 */
export class BudgetRefusedError extends CertDeskError {
  readonly retryAt: Date;
  readonly text: Translations;

  constructor(refused: Extract<BudgetCheck, { allowed: false }>) {
    super('rate_budget', `Unable to create a new order, ${refused.message.en.charAt(0).toLowerCase()}${refused.message.en.slice(1)}`, {
      remedy: `Wait until ${refused.retryAt.toISOString()} (CertDesk retries then by itself), or raise the limit if your CA allows more: certdesk settings set rateLimits.${refused.limit} MAX/WINDOW --ca <account>.`,
    });
    this.retryAt = refused.retryAt;
    this.text = refused.message;
  }
}
