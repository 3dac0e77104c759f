import type { StateCreator } from 'zustand/vanilla';
import type { ApiError, OrderEventName, OrderLogEntryDto, Unsubscribe } from '../../preload/contract.ts';
import type { AppState } from './app-store.ts';
import { toApiError, type StoreDeps } from './store-deps.ts';

/** How much an order log entry matters to the admin, for the viewer's filter and colours. */
export type LogLevel = 'info' | 'warning' | 'error';

/** Every level, least severe first (the filter's order). */
export const logLevels: ReadonlyArray<LogLevel> = ['info', 'warning', 'error'];

/**
 * The level of an event by its name alone: `error` when something the admin wanted did not happen
 * (no certificate, an export or hook failed), `warning` when CertDesk coped but the admin may want to
 * know (the CA refused a finalize or asked to wait, a retry or failover was needed, a version was
 * revoked), `info` for the steps of a normal order.
 */
export function eventLevel(event: OrderEventName): LogLevel {
  switch (event) {
    case 'cert_failed':
    case 'export_failed':
    case 'hook_failed':
      return 'error';
    case 'finalize_failed':
    case 'rate_limited':
    case 'retry_scheduled':
    case 'ca_failover':
    case 'cert_revoked':
      return 'warning';
    case 'cert_obtaining':
    case 'order_created':
    case 'order_resumed':
    case 'order_status':
    case 'acme_request':
    case 'challenge_presented':
    case 'challenge_answered':
    case 'challenge_cleaned':
    case 'authorization_status':
    case 'finalize_sent':
    case 'cert_downloaded':
    case 'cert_obtained':
    case 'cert_exported':
    case 'hook_run':
    case 'cert_rolled_back':
      return 'info';
  }
}

/**
 * The level of one entry: {@link eventLevel}, raised where the entry's facts say more than its name
 * — an authorization the CA marked `invalid` is the validation failure itself (`error`); a request
 * to the CA that got no answer or a 5xx, and an order status that carries a problem, are `warning`.
 */
export function entryLevel(entry: OrderLogEntryDto): LogLevel {
  const base = eventLevel(entry.event);
  const data = entry.data;
  if (data === undefined) return base;
  if (entry.event === 'authorization_status' && data['status'] === 'invalid') return 'error';
  if (entry.event === 'acme_request') {
    const status = data['status'];
    if (typeof data['error'] === 'string' || (typeof status === 'number' && status >= 500)) return 'warning';
  }
  if (entry.event === 'order_status' && typeof data['problem'] === 'string') return 'warning';
  return base;
}

/** What an entry says went wrong, when it names an ACME problem or engine failure: its short type (`dns`, `rateLimited`, `caTimeout`…). */
export function entryProblem(entry: OrderLogEntryDto): string | undefined {
  const problem = entry.data?.['problem'];
  return typeof problem === 'string' && problem !== '' ? problem : undefined;
}

/** Identifies an entry for de-duplication: the same line read from the log file and pushed live. */
export function entryKey(entry: OrderLogEntryDto): string {
  return `${entry.time}\u0000${entry.event}\u0000${entry.message}`;
}

/**
 * `existing` plus the entries of `incoming` it does not have, oldest first (a stable sort by time,
 * so lines written in the same millisecond keep their order).
 */
export function mergeEntries(existing: ReadonlyArray<OrderLogEntryDto>, incoming: ReadonlyArray<OrderLogEntryDto>): OrderLogEntryDto[] {
  const seen = new Set(existing.map(entryKey));
  const merged = [...existing];
  for (const entry of incoming) {
    const key = entryKey(entry);
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(entry);
  }
  return merged
    .map((entry, index) => ({ entry, index, ms: Date.parse(entry.time) }))
    .sort((a, b) => (a.ms === b.ms || Number.isNaN(a.ms - b.ms) ? a.index - b.index : a.ms - b.ms))
    .map(({ entry }) => entry);
}

/** How an order (or other activity) ended, as its group header shows it. */
export type GroupOutcome = 'obtained' | 'rehearsed' | 'failed' | 'open' | 'activity';

/** A run of entries that belong together: one order, one dry run, or other activity (revocation, rollback, an export). */
export interface OrderGroup {
  /** Stable across live appends: the key of the group's first entry. */
  readonly key: string;
  readonly kind: 'order' | 'rehearsal' | 'activity';
  /** Oldest first. */
  readonly entries: ReadonlyArray<OrderLogEntryDto>;
  readonly start: string;
  /** When the outcome was logged, or the last entry's time while open. */
  readonly end: string;
  readonly outcome: GroupOutcome;
}

/**
 * How long after a finished order an entry may still belong to it (its exports and deploy hooks run
 * right after `cert_obtained`; an "export now" a day later is separate activity). Ten minutes covers
 * slow deploy hooks, whose default timeout is well under that.
 */
export const followUpWindowMs = 10 * 60 * 1000;

/**
 * Splits a log (oldest first) into {@link OrderGroup}s, oldest first. A group starts at
 * `cert_obtaining` (a `ca_failover` just before it opens the same group), a revocation or rollback
 * starts an activity group, and anything else joins the current group — unless that group already
 * has its outcome and the entry comes more than {@link followUpWindowMs} later. Pure.
 */
export function groupOrders(entries: ReadonlyArray<OrderLogEntryDto>): OrderGroup[] {
  const groups: Array<{ kind: OrderGroup['kind']; entries: OrderLogEntryDto[] }> = [];
  for (const entry of entries) {
    const current = groups.at(-1);
    if (entry.event === 'cert_obtaining') {
      if (current !== undefined && current.kind === 'order' && current.entries.every((e) => e.event === 'ca_failover')) {
        current.entries.push(entry);
        if (entry.data?.['rehearsal'] === true) current.kind = 'rehearsal';
      } else {
        groups.push({ kind: entry.data?.['rehearsal'] === true ? 'rehearsal' : 'order', entries: [entry] });
      }
      continue;
    }
    if (entry.event === 'ca_failover') {
      groups.push({ kind: 'order', entries: [entry] });
      continue;
    }
    if (entry.event === 'cert_revoked' || entry.event === 'cert_rolled_back') {
      groups.push({ kind: 'activity', entries: [entry] });
      continue;
    }
    if (current === undefined) {
      groups.push({ kind: 'activity', entries: [entry] });
      continue;
    }
    const last = current.entries.at(-1);
    const finished = outcomeOf(current.kind, current.entries) !== 'open';
    const gap = last === undefined ? 0 : Date.parse(entry.time) - Date.parse(last.time);
    if (finished && gap > followUpWindowMs) groups.push({ kind: 'activity', entries: [entry] });
    else current.entries.push(entry);
  }
  return groups.map(({ kind, entries: members }) => {
    const first = members[0] as OrderLogEntryDto;
    const outcome = outcomeOf(kind, members);
    const ending = outcome === 'open' || outcome === 'activity' ? members.at(-1) : members.findLast((e) => isOutcomeEntry(kind, e, outcome));
    return { key: entryKey(first), kind, entries: members, start: first.time, end: (ending ?? first).time, outcome };
  });
}

/** The outcome of a group's entries: a stored certificate wins over failures logged on the way (a proof that could not be removed). */
function outcomeOf(kind: OrderGroup['kind'], entries: ReadonlyArray<OrderLogEntryDto>): GroupOutcome {
  if (kind === 'activity') return 'activity';
  if (entries.some((e) => isOutcomeEntry(kind, e, 'obtained'))) return 'obtained';
  if (kind === 'rehearsal' && entries.some((e) => isOutcomeEntry(kind, e, 'rehearsed'))) return 'rehearsed';
  if (entries.some((e) => e.event === 'cert_failed')) return 'failed';
  return 'open';
}

/** Whether `entry` is what decided `outcome`. A dry run's success is the `cert_downloaded` that names the staging directory. */
function isOutcomeEntry(kind: OrderGroup['kind'], entry: OrderLogEntryDto, outcome: GroupOutcome): boolean {
  switch (outcome) {
    case 'obtained':
      return kind === 'order' && entry.event === 'cert_obtained';
    case 'rehearsed':
      return entry.event === 'cert_downloaded' && typeof entry.data?.['directoryUrl'] === 'string';
    case 'failed':
      return entry.event === 'cert_failed';
    case 'open':
    case 'activity':
      return false;
  }
}

/** Entries whose arrival is worth announcing to a screen reader: an order starting or ending, and anything that went wrong. */
export function isNotable(entry: OrderLogEntryDto): boolean {
  return entry.event === 'cert_obtaining' || entry.event === 'cert_obtained' || entryLevel(entry) !== 'info';
}

/** One entry as a line of text for a support request: time, level, event, message and its data as JSON. */
export function entryText(entry: OrderLogEntryDto): string {
  const data = entry.data === undefined || Object.keys(entry.data).length === 0 ? '' : `  ${JSON.stringify(entry.data)}`;
  return `${entry.time}  ${entryLevel(entry).toUpperCase().padEnd(7)}  ${entry.event}  ${entry.message}${data}`;
}

/** Entries as plain text, one line each, after a header naming the certificate. */
export function entriesText(certId: string, entries: ReadonlyArray<OrderLogEntryDto>): string {
  return [`CertDesk order log of ${certId} (${String(entries.length)} entries)`, ...entries.map(entryText)].join('\n') + '\n';
}

/** Entries as JSON Lines, exactly as main stores them (`log.jsonl`). */
export function entriesJsonl(entries: ReadonlyArray<OrderLogEntryDto>): string {
  return entries.map((entry) => JSON.stringify(entry)).join('\n') + (entries.length === 0 ? '' : '\n');
}

const haystacks = new WeakMap<OrderLogEntryDto, string>();

/**
 * Whether `entry` matches a search: every word of `query` (case-insensitive) occurs in its message,
 * event name, `label` (the translated event name) or the values in its data. An empty query matches all.
 */
export function matchesQuery(entry: OrderLogEntryDto, query: string, label = ''): boolean {
  const words = query.toLowerCase().split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) return true;
  let haystack = haystacks.get(entry);
  if (haystack === undefined) {
    haystack = `${entry.message}\n${entry.event}\n${entry.data === undefined ? '' : JSON.stringify(entry.data)}`.toLowerCase();
    haystacks.set(entry, haystack);
  }
  const labelled = `${haystack}\n${label.toLowerCase()}`;
  return words.every((word) => labelled.includes(word));
}

/** One certificate's order log as the viewer shows it. */
export interface OrderLogState {
  /** `loading` until the history arrived (live entries may already be in `entries`). */
  readonly status: 'loading' | 'ready' | 'failed';
  /** The history merged with live entries, oldest first, without duplicates. */
  readonly entries: ReadonlyArray<OrderLogEntryDto>;
  readonly error: ApiError | null;
  /** The latest notable entry that arrived live ({@link isNotable}), for the viewer's live region. */
  readonly announcement: OrderLogEntryDto | null;
}

/** The state of a certificate's order log: history, live entries, filters and search (filters live in the viewer). */
export interface OrderLogSlice {
  /** Logs by certificate id, for the certificates whose log was opened. */
  readonly orderLogs: Readonly<Record<string, OrderLogState>>;
  /** Reads the history (`order:log`) and merges it with what arrived live. Never rejects. */
  readonly loadOrderLog: (id: string) => Promise<void>;
  /**
   * Subscribes to `order:event` for `id` (appending each new entry once), then loads the history, so
   * nothing written in between is lost. Returns the unsubscribe, for an effect's cleanup.
   */
  readonly watchOrderLog: (id: string) => Unsubscribe;
}

/** The OrderLog slice over one store's {@link StoreDeps}. */
export function createOrderLogSlice(deps: StoreDeps): StateCreator<AppState, [], [], OrderLogSlice> {
  /** The keys of each log's entries, so a live append checks for a duplicate in O(1). */
  const keys = new Map<string, Set<string>>();

  return (set, get) => {
    const empty: OrderLogState = { status: 'loading', entries: [], error: null, announcement: null };
    const put = (id: string, next: OrderLogState): void => {
      set({ orderLogs: { ...get().orderLogs, [id]: next } });
    };
    const append = (entry: OrderLogEntryDto): void => {
      const id = entry.certId;
      const current = get().orderLogs[id] ?? empty;
      let seen = keys.get(id);
      if (seen === undefined) {
        seen = new Set(current.entries.map(entryKey));
        keys.set(id, seen);
      }
      const key = entryKey(entry);
      if (seen.has(key)) return;
      seen.add(key);
      const last = current.entries.at(-1);
      // Live entries arrive in order; one older than the last shown (a slow writer) is sorted in.
      const entries = last === undefined || Date.parse(last.time) <= Date.parse(entry.time) ? [...current.entries, entry] : mergeEntries(current.entries, [entry]);
      put(id, { ...current, entries, announcement: isNotable(entry) ? entry : current.announcement });
    };

    return {
      orderLogs: {},
      loadOrderLog: async (id) => {
        const api = deps.api;
        if (api === undefined) return;
        if (get().orderLogs[id] === undefined) put(id, empty);
        try {
          const history = await api.readOrderLog(id);
          const current = get().orderLogs[id] ?? empty;
          const entries = mergeEntries(history, current.entries);
          keys.set(id, new Set(entries.map(entryKey)));
          put(id, { ...current, status: 'ready', entries, error: null });
        } catch (error) {
          put(id, { ...(get().orderLogs[id] ?? empty), status: 'failed', error: toApiError(error) });
        }
      },
      watchOrderLog: (id) => {
        const api = deps.api;
        if (api === undefined) return () => undefined;
        const off = api.onOrderEvent((entry) => {
          if (entry.certId === id) append(entry);
        });
        void get().loadOrderLog(id);
        return off;
      },
    };
  };
}
