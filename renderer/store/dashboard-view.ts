/**
 * The dashboard's view over the certificates: search by domain, filter by status and CA account,
 * sort by expiry, name or status, and the counts of the summary bar and the expiry timeline's table.
 * Pure functions over the store's summaries, so every rule is tested with tables; the few results
 * that are expensive for thousands of certificates are memoised (per summary object, and per input).
 */
import type { CertificateSummaryDto } from '../../preload/contract.ts';
import { certificateHealth, type CertificateHealth } from '../../preload/health.ts';
import { displayStatus, type DisplayStatus } from './display-status.ts';
import { parseDomain } from './domain-input.ts';
import type { OrderProgress } from './order-progress.ts';

/** How the list is ordered: soonest expiry first, by name (A–Z), or worst status first. */
export type SortKey = 'expiry' | 'name' | 'status';

/** Every {@link SortKey}, in the order the sort picker offers them. */
export const sortKeys: ReadonlyArray<SortKey> = ['expiry', 'name', 'status'];

/** The states a status filter can pick besides the four healths: an order running, a retry planned, retries stopped, expired. */
export type StateFilter = 'renewing' | 'retrying' | 'attention' | 'expired';

/**
 * Which certificates the status filter keeps: all; one health as the summary bar (and the tray)
 * counts it (`health:failing` covers retrying, stopped, revoked, damaged and expired); or one
 * display state.
 */
export type StatusFilter = 'all' | `health:${CertificateHealth}` | `state:${StateFilter}`;

/** Every {@link StatusFilter}, in the order the status picker offers them (worst first after "all"). */
export const statusFilters: ReadonlyArray<StatusFilter> = [
  'all',
  'health:failing',
  'health:expiring',
  'health:ok',
  'health:pending',
  'state:renewing',
  'state:retrying',
  'state:attention',
  'state:expired',
];

/** Which certificates the CA filter keeps: all, the monitor-only ones (no CA account), or one CA account's. */
export type CaFilter = 'all' | 'monitored' | `ca:${string}`;

/** The dashboard's view state: sort, filters and the search text as typed. */
export interface DashboardView {
  readonly sort: SortKey;
  readonly status: StatusFilter;
  readonly ca: CaFilter;
  readonly query: string;
}

/** What the dashboard shows first: everything, soonest expiry on top. */
export const defaultDashboardView: DashboardView = { sort: 'expiry', status: 'all', ca: 'all', query: '' };

/** True when `view` hides anything (a search text or a filter is set); the sort does not count. */
export function isFiltered(view: DashboardView): boolean {
  return normalizeQuery(view.query) !== '' || view.status !== 'all' || view.ca !== 'all';
}

/** What the view reads of one summary that does not depend on the time: computed once per summary object. */
export interface CertificateFacts {
  /** The first domain as people read it (IDN labels decoded), or the id when there is none. */
  readonly name: string;
  /** How many more names the certificate covers besides {@link CertificateFacts.name}. */
  readonly otherNames: number;
  /** Lower-case text the search looks in: id, every domain in ASCII and Unicode, the endpoint host. */
  readonly haystack: string;
  /** `notAfter` in ms since the epoch; `NaN` when unknown. */
  readonly expiryMs: number;
  /** The CA filter value this certificate falls under. */
  readonly caKey: CaFilter;
  /** The issuing CA in a short, readable form (`Let's Encrypt E6`), when known. */
  readonly issuer: string | undefined;
}

const factsCache = new WeakMap<CertificateSummaryDto, CertificateFacts>();

/**
 * {@link CertificateFacts} of one summary. What sorting and filtering read of every certificate is
 * worked out at once; the search text and the issuer only when first asked for (a search, a row on
 * screen), so the first paint of 5,000 certificates does not pay for them.
 */
class Facts implements CertificateFacts {
  readonly name: string;
  readonly otherNames: number;
  readonly expiryMs: number;
  readonly caKey: CaFilter;
  readonly #summary: CertificateSummaryDto;
  #haystack: string | undefined;

  constructor(summary: CertificateSummaryDto) {
    this.#summary = summary;
    const first = summary.domains[0];
    this.name = first === undefined ? summary.id : unicodeDomain(first);
    this.otherNames = Math.max(0, summary.domains.length - 1);
    this.expiryMs = summary.notAfter === undefined ? Number.NaN : Date.parse(summary.notAfter);
    this.caKey = summary.monitored !== undefined || summary.ca === undefined ? 'monitored' : `ca:${summary.ca}`;
  }

  get haystack(): string {
    if (this.#haystack === undefined) {
      const summary = this.#summary;
      const parts = [summary.id, ...summary.domains, ...summary.domains.filter((domain) => domain.includes('xn--')).map(unicodeDomain)];
      if (summary.endpoint !== undefined) parts.push(summary.endpoint.host);
      // Names from main are ASCII (punycode) and decoded labels come out composed, so no NFC pass
      // is needed here (the query gets one).
      this.#haystack = parts.join('\n').toLowerCase();
    }
    return this.#haystack;
  }

  get issuer(): string | undefined {
    return issuerName(this.#summary.issuer);
  }
}

/**
 * The {@link CertificateFacts} of `summary`, cached per summary object: the store replaces a summary
 * when main sends a new one, so a cached entry is never stale, and 5,000 certificates are worked out
 * once, not on every keystroke of the search.
 */
export function certificateFacts(summary: CertificateSummaryDto): CertificateFacts {
  let facts = factsCache.get(summary);
  if (facts === undefined) {
    facts = new Facts(summary);
    factsCache.set(summary, facts);
  }
  return facts;
}

/** A domain with its punycode (`xn--`) labels decoded for reading (`xn--mnchen-3ya.de` → `münchen.de`); others as they are. */
export function unicodeDomain(domain: string): string {
  if (!domain.includes('xn--')) return domain;
  const parsed = parseDomain(domain);
  return 'unicode' in parsed ? parsed.unicode : domain;
}

/**
 * A short name for an issuer's distinguished name: its organisation and common name
 * (`C=US, O=Let's Encrypt, CN=E6` → `Let's Encrypt E6`), the common name alone when it already says
 * the organisation, whichever of the two exists, or the text as it is. Both the OpenSSL order and
 * RFC 4514's reversed order are read; `undefined` for no issuer.
 */
export function issuerName(dn: string | undefined): string | undefined {
  if (dn === undefined || dn.trim() === '') return undefined;
  // A fleet has a handful of issuers: parse each once.
  if (issuerNames.has(dn)) return issuerNames.get(dn);
  const name = parseIssuerName(dn);
  if (issuerNames.size >= maxCachedIssuers) issuerNames.clear();
  issuerNames.set(dn, name);
  return name;
}

/** Issuer names parsed so far, by distinguished name. */
const issuerNames = new Map<string, string>();

/** Enough for every CA and intermediate a fleet meets; a cache past it starts over rather than grow. */
const maxCachedIssuers = 256;

function parseIssuerName(dn: string): string {
  const attributes = new Map<string, string>();
  for (const part of dn.split(/,(?=\s*[A-Za-z][\w.-]*\s*=)/)) {
    const eq = part.indexOf('=');
    if (eq > 0) attributes.set(part.slice(0, eq).trim().toUpperCase(), part.slice(eq + 1).trim().replace(/\\(.)/g, '$1'));
  }
  const organisation = attributes.get('O');
  const commonName = attributes.get('CN');
  if (organisation !== undefined && commonName !== undefined) {
    return commonName.toLowerCase().includes(organisation.toLowerCase()) ? commonName : `${organisation} ${commonName}`;
  }
  return organisation ?? commonName ?? dn.trim();
}

/** The search text as it is compared: trimmed, lower-case, NFC, without a trailing root dot. */
export function normalizeQuery(query: string): string {
  return query.trim().toLowerCase().normalize('NFC').replace(/\.$/, '');
}

/**
 * True when every word of the (normalised) query occurs in the certificate's id, one of its
 * domains (ASCII or Unicode form, so `münchen` and `xn--mnchen` both find `xn--mnchen-3ya.de`) or
 * its endpoint host. An empty query matches everything.
 */
export function matchesQuery(summary: CertificateSummaryDto, normalizedQuery: string): boolean {
  if (normalizedQuery === '') return true;
  const { haystack } = certificateFacts(summary);
  return normalizedQuery.split(/\s+/).every((word) => haystack.includes(word));
}

/** True when `summary` (with its running order, at `nowMs`) passes the status filter. */
export function matchesStatus(filter: StatusFilter, summary: CertificateSummaryDto, progress: OrderProgress | undefined, nowMs: number): boolean {
  if (filter === 'all') return true;
  if (filter.startsWith('health:')) return `health:${certificateHealth(summary, nowMs)}` === filter;
  return `state:${displayStatus(summary, progress, nowMs).kind}` === filter;
}

/** True when `summary` passes the CA filter. */
export function matchesCa(filter: CaFilter, summary: CertificateSummaryDto): boolean {
  return filter === 'all' || certificateFacts(summary).caKey === filter;
}

/**
 * How bad each badge is, for the status sort: the admin's problems first (needs attention, expired,
 * retrying), then what is about to need them (expiring), work in progress, not yet obtained, fine.
 */
export const statusRank: Readonly<Record<DisplayStatus['kind'], number>> = {
  attention: 0,
  expired: 1,
  retrying: 2,
  expiring: 3,
  renewing: 4,
  none: 5,
  valid: 6,
};

let collator: Intl.Collator | undefined;

/**
 * Compares names as people expect: case- and accent-insensitive, `web2` before `web10`. Built on
 * first use: creating a collator loads locale data, which the first paint need not wait for.
 */
function compareNames(a: string, b: string): number {
  collator ??= new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
  return collator.compare(a, b);
}

/** What {@link visibleCertificateIds} works on: the certificates slice's state, the view, and the time. */
export interface ViewInput {
  readonly certificates: Readonly<Record<string, CertificateSummaryDto>>;
  readonly certificateIds: ReadonlyArray<string>;
  readonly progress: Readonly<Record<string, OrderProgress>>;
  readonly view: DashboardView;
  readonly nowMs: number;
}

/** One certificate being sorted, its keys flat so 5,000 sort in a few milliseconds. */
interface Row {
  readonly id: string;
  readonly name: string;
  /** `notAfter`; +∞ when unknown, so those sort last. */
  readonly expiry: number;
  readonly rank: number;
}

/** Orders by name, then id (ids are unique, so the order is total and stable across refreshes). */
function byName(a: Row, b: Row): number {
  return compareNames(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Orders by expiry (unknown last), then name, then id. */
function byExpiry(a: Row, b: Row): number {
  // Both +∞ gives NaN, which is falsy: the names decide.
  return a.expiry - b.expiry || byName(a, b);
}

/** Orders worst status first, then by expiry, name and id. */
function byStatus(a: Row, b: Row): number {
  return a.rank - b.rank || byExpiry(a, b);
}

const comparators: Readonly<Record<SortKey, (a: Row, b: Row) => number>> = { expiry: byExpiry, name: byName, status: byStatus };

/**
 * The ids the list shows, in order: those matching the search and both filters, sorted by the
 * view's key with total tie-breaks (expiry → name → id), so equal certificates never swap places
 * between two renders. Ids without a summary are skipped.
 */
export function visibleCertificateIds(input: ViewInput): ReadonlyArray<string> {
  const { certificates, certificateIds, progress, view, nowMs } = input;
  const query = normalizeQuery(view.query);
  const rows: Row[] = [];
  for (const id of certificateIds) {
    const summary = certificates[id];
    if (summary === undefined) continue;
    if (!matchesCa(view.ca, summary) || !matchesQuery(summary, query)) continue;
    const running = progress[id];
    if (!matchesStatus(view.status, summary, running, nowMs)) continue;
    const facts = certificateFacts(summary);
    rows.push({
      id,
      name: facts.name,
      expiry: Number.isNaN(facts.expiryMs) ? Number.POSITIVE_INFINITY : facts.expiryMs,
      rank: view.sort === 'status' ? statusRank[displayStatus(summary, running, nowMs).kind] : 0,
    });
  }
  rows.sort(comparators[view.sort]);
  return rows.map((row) => row.id);
}

/** True when the view's result depends on the time and the running orders (a status filter or sort), not only on the summaries. */
export function viewDependsOnStatus(view: DashboardView): boolean {
  return view.status !== 'all' || view.sort === 'status';
}

const noProgress: Readonly<Record<string, OrderProgress>> = {};

/**
 * A memoised {@link visibleCertificateIds}: the same array back while nothing it reads changed, so
 * the list neither re-sorts 5,000 certificates nor re-renders when the clock ticks or an order moves
 * on. When the view has no status filter or sort, the time and the progress are ignored entirely.
 * One selector per mounted dashboard (it remembers one input).
 */
export function createVisibleIdsSelector(): (input: ViewInput) => ReadonlyArray<string> {
  let last: ViewInput | undefined;
  let result: ReadonlyArray<string> = [];
  return (given) => {
    const input = viewDependsOnStatus(given.view) ? given : { ...given, progress: noProgress, nowMs: 0 };
    if (
      last?.certificates === input.certificates &&
      last.certificateIds === input.certificateIds &&
      last.progress === input.progress &&
      last.nowMs === input.nowMs &&
      last.view.sort === input.view.sort &&
      last.view.status === input.view.status &&
      last.view.ca === input.view.ca &&
      normalizeQuery(last.view.query) === normalizeQuery(input.view.query)
    ) {
      return result;
    }
    last = input;
    result = visibleCertificateIds(input);
    return result;
  };
}

/** The summary bar's figures: certificates per health as the tray counts them, those renewing now, and the total. */
export interface HealthCounts {
  readonly ok: number;
  readonly expiring: number;
  readonly failing: number;
  readonly pending: number;
  /** Certificates with an order running (also counted under their health). */
  readonly renewing: number;
  readonly total: number;
}

/** Counts `certificateIds` by {@link certificateHealth} at `nowMs` (the tray's rule, `preload/health.ts`). */
export function healthCounts(
  certificates: Readonly<Record<string, CertificateSummaryDto>>,
  certificateIds: ReadonlyArray<string>,
  progress: Readonly<Record<string, OrderProgress>>,
  nowMs: number,
): HealthCounts {
  const counts = { ok: 0, expiring: 0, failing: 0, pending: 0, renewing: 0, total: 0 };
  for (const id of certificateIds) {
    const summary = certificates[id];
    if (summary === undefined) continue;
    counts[certificateHealth(summary, nowMs)] += 1;
    if (progress[id] !== undefined || summary.status === 'renewing') counts.renewing += 1;
    counts.total += 1;
  }
  return counts;
}

/** The CA filter's choices besides "all": each CA account in use (A–Z), then "monitor-only" when any certificate is. */
export function caFilterOptions(certificates: Readonly<Record<string, CertificateSummaryDto>>, certificateIds: ReadonlyArray<string>): ReadonlyArray<CaFilter> {
  const accounts = new Set<string>();
  let monitored = false;
  for (const id of certificateIds) {
    const summary = certificates[id];
    if (summary === undefined) continue;
    const key = certificateFacts(summary).caKey;
    if (key === 'monitored') monitored = true;
    else if (key !== 'all') accounts.add(key.slice('ca:'.length));
  }
  const options: CaFilter[] = [...accounts].sort(compareNames).map((name): CaFilter => `ca:${name}`);
  if (monitored) options.push('monitored');
  return options;
}

/** The periods of the expiry timeline's table, from the past to the far future. */
export const expiryPeriods = ['expired', 'week', 'twoWeeks', 'month', 'twoMonths', 'threeMonths', 'later'] as const;

/** One period of {@link expiryPeriods}. */
export type ExpiryPeriod = (typeof expiryPeriods)[number];

const dayMs = 24 * 60 * 60 * 1000;

/** Each period's end, in days from now (exclusive); `expired` ends now, `later` never. */
const periodEndDays: Readonly<Record<ExpiryPeriod, number>> = {
  expired: 0,
  week: 7,
  twoWeeks: 14,
  month: 30,
  twoMonths: 60,
  threeMonths: 90,
  later: Number.POSITIVE_INFINITY,
};

/** The period `atMs` falls in, seen from `nowMs`: `expired` once it is reached. */
export function expiryPeriodOf(atMs: number, nowMs: number): ExpiryPeriod {
  if (atMs <= nowMs) return 'expired';
  const days = (atMs - nowMs) / dayMs;
  return expiryPeriods.find((period) => days < periodEndDays[period]) ?? 'later';
}

/** How many certificates expire, and how many are due for renewal (or retry), in one period. */
export interface PeriodCount {
  readonly period: ExpiryPeriod;
  readonly expiring: number;
  readonly renewals: number;
}

/**
 * The expiry timeline as a table: per period, the certificates whose `notAfter` falls in it and
 * those whose renewal (`renewAt`, or `nextAttemptAt` after a failure) does. A renewal time already
 * past counts as `expired`'s row ("overdue"). Certificates without the date are not counted.
 */
export function periodCounts(
  certificates: Readonly<Record<string, CertificateSummaryDto>>,
  certificateIds: ReadonlyArray<string>,
  nowMs: number,
): ReadonlyArray<PeriodCount> {
  const expiring = new Map<ExpiryPeriod, number>();
  const renewals = new Map<ExpiryPeriod, number>();
  for (const id of certificateIds) {
    const summary = certificates[id];
    if (summary === undefined) continue;
    const { expiryMs } = certificateFacts(summary);
    if (!Number.isNaN(expiryMs)) {
      const period = expiryPeriodOf(expiryMs, nowMs);
      expiring.set(period, (expiring.get(period) ?? 0) + 1);
    }
    const renewalMs = renewalTimeMs(summary);
    if (!Number.isNaN(renewalMs)) {
      const period = expiryPeriodOf(renewalMs, nowMs);
      renewals.set(period, (renewals.get(period) ?? 0) + 1);
    }
  }
  return expiryPeriods.map((period) => ({ period, expiring: expiring.get(period) ?? 0, renewals: renewals.get(period) ?? 0 }));
}

/**
 * When CertDesk next acts on a certificate: the next attempt after a failure, else its renewal time;
 * `NaN` for a monitor-only certificate (never renewed) or when neither is known.
 */
export function renewalTimeMs(summary: CertificateSummaryDto): number {
  if (summary.monitored !== undefined) return Number.NaN;
  const at = summary.status === 'failing' && summary.nextAttemptAt !== undefined ? summary.nextAttemptAt : summary.renewAt;
  return at === undefined ? Number.NaN : Date.parse(at);
}
