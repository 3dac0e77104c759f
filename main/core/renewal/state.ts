/**
 * What the renewal engine remembers about one certificate between runs and processes
 * (`certs/<id>/renewal.json`): the current streak of failed attempts and when the next one may start,
 * the CA's last ARI window, which alerts were already raised, and the last staging rehearsal. The
 * order itself lives in the journal (acme/journal.ts); this file never holds secrets.
 *
 * Written atomically; a damaged file is an `invalid_data` error naming it (never silently reset,
 * which would re-raise every alert and forget a stop the admin has to clear).
 */

import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CertDeskError } from '../errors.ts';
import { modes, readIfExists, readJsonFile, writeJsonAtomic } from '../fs/atomic.ts';
import type { SpendEvent } from './rate-budget.ts';

const translations = z.strictObject({ en: z.string(), 'zh-CN': z.string() });
const isoDate = z.iso.datetime();

/** The last failure, as `cert show` and the UI present it. */
const failureSchema = z.strictObject({
  at: isoDate,
  /** The ACME problem's short type (`dns`, `rateLimited`, …) or an engine label. */
  type: z.string(),
  kind: z.enum(['transient', 'needs_admin', 'state']),
  httpStatus: z.number().int().optional(),
  /** English, with the CA's own detail. */
  message: z.string(),
  explanation: translations,
  remedy: translations,
});

const stateSchema = z.strictObject({
  version: z.literal(1),
  /** The streak of consecutive failed attempts; absent after a success. */
  attempts: z.strictObject({
    /** Failed attempts; 0 while only `state` news (a budget refusal) came, which is not counted. */
    count: z.number().int().min(0),
    firstFailureAt: isoDate,
    lastFailure: failureSchema,
    /** When the scheduler may try again (the retry policy's answer, `Retry-After` included). */
    nextAttemptAt: isoDate.optional(),
    /** Set when automatic retries stopped; the admin's `cert renew` clears it. */
    stopped: z.enum(['needs_admin', 'attempts_exhausted', 'gave_up']).optional(),
  }).optional(),
  /** The CA's suggested window for the live certificate (RFC 9773), keyed by its serial. */
  ari: z.strictObject({
    serial: z.string(),
    start: isoDate,
    end: isoDate,
    /** When to ask the CA again. */
    retryAfter: isoDate,
    explanationUrl: z.string().optional(),
    fetchedAt: isoDate,
  }).optional(),
  /** Expiry thresholds already alerted for the live certificate (keyed by its serial). */
  expiryAlerts: z.strictObject({ serial: z.string(), sent: z.array(z.number()) }).optional(),
  /** Which failure/recovery alerts were raised (alerts/alerts.ts `AlertMemory`). */
  alertMemory: z.strictObject({
    failureStreakAlerted: z.boolean(),
    stoppedAlerted: z.boolean(),
    rehearsalAlerted: z.boolean(),
    failoverAlerted: z.boolean().optional(),
  }).optional(),
  /** The last staging rehearsal (`cert renew --dry-run`). */
  rehearsal: z.strictObject({ at: isoDate, ok: z.boolean(), message: z.string().optional() }).optional(),
});

/** What is remembered about one certificate's renewals. */
export type RenewalState = z.infer<typeof stateSchema>;
/** The last failure of a streak. */
export type RecordedFailure = z.infer<typeof failureSchema>;

/** The state of a certificate never renewed (or never failed). */
export const emptyRenewalState: RenewalState = { version: 1 };

/** Reads the state, or {@link emptyRenewalState} when there is none; throws `invalid_data` when it is damaged. */
export async function readRenewalState(file: string): Promise<RenewalState> {
  const state = await readJsonFile(file, stateSchema, () => new CertDeskError('invalid_data', `Unable to read the renewal state ${file}, it is damaged`, {
    remedy: 'Move the file aside; CertDesk then forgets failed attempts and raised alerts for this certificate and starts afresh.',
  }));
  return state ?? emptyRenewalState;
}

/**
 * Applies `change` to the stored state and writes it atomically; returns the new state. Callers in
 * one process serialise through {@link RenewalStateStore}; across processes the certificate lock
 * covers renewals, and the rare overlap of two checks costs at most a repeated alert.
 */
export async function updateRenewalState(file: string, change: (state: RenewalState) => RenewalState): Promise<RenewalState> {
  const next = change(await readRenewalState(file));
  await writeJsonAtomic(file, next, { mode: modes.publicFile, dirMode: modes.privateDir });
  return next;
}

/** Serialises the updates of each certificate's state within one process. */
export class RenewalStateStore {
  readonly #file: (id: string) => string;
  readonly #tails = new Map<string, Promise<unknown>>();

  constructor(file: (id: string) => string) {
    this.#file = file;
  }

  /** The stored state of `id`. */
  read(id: string): Promise<RenewalState> {
    return readRenewalState(this.#file(id));
  }

  /** Updates `id`'s state after every earlier update of it in this process has finished. */
  update(id: string, change: (state: RenewalState) => RenewalState): Promise<RenewalState> {
    const previous = this.#tails.get(id) ?? Promise.resolve();
    const next = previous.then(() => updateRenewalState(this.#file(id), change));
    const tail = next.catch(() => undefined);
    this.#tails.set(id, tail);
    void tail.then(() => {
      if (this.#tails.get(id) === tail) this.#tails.delete(id);
    });
    return next;
  }
}

const spendSchema = z.strictObject({
  at: isoDate,
  kind: z.enum(['new_order', 'failed_validation', 'certificate_issued']),
  identifiers: z.array(z.string()).max(100),
});

/**
 * A CA account's spending (rate-budget.ts `SpendEvent`), one JSON line per event in
 * `accounts/<name>/spend.jsonl`. Appending a short line is atomic on local file systems, so several
 * processes renewing for one account add to it without a lock. Lines that do not parse (a torn write
 * on a network file system) are skipped: the budget is a courtesy to the CA, and the CA's own 429
 * still stops us.
 */
export class SpendLog {
  readonly #file: string;

  constructor(dataDir: string, account: string) {
    this.#file = path.join(dataDir, 'accounts', account, 'spend.jsonl');
  }

  /** Records one event. */
  async append(event: SpendEvent): Promise<void> {
    await mkdir(path.dirname(this.#file), { recursive: true, mode: modes.privateDir });
    const line = JSON.stringify({ at: event.at.toISOString(), kind: event.kind, identifiers: event.identifiers });
    await appendFile(this.#file, `${line}\n`, { mode: modes.publicFile });
  }

  /** Every event recorded, oldest first, newer than `since` when given. */
  async read(since?: Date): Promise<ReadonlyArray<SpendEvent>> {
    const text = (await readIfExists(this.#file)) ?? '';
    const events: SpendEvent[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line) as unknown;
      } catch {
        continue;
      }
      const parsed = spendSchema.safeParse(value);
      if (!parsed.success) continue;
      const at = new Date(parsed.data.at);
      if (since !== undefined && at <= since) continue;
      events.push({ at, kind: parsed.data.kind, identifiers: parsed.data.identifiers });
    }
    return events;
  }
}
