import { z } from 'zod';
import { CertDeskError } from '../errors.ts';
import { modes, readJsonFile, writeJsonAtomic } from '../fs/atomic.ts';
import { orderStatuses } from './order-machine.ts';

/**
 * The order journal (`certs/<id>/order.json`): what a run needs to resume after a crash, written
 * atomically before and after every step (DESIGN.md "The order state machine").
 *
 * It never holds secrets: the pending private key lives in its own 0600 file (`pending/privkey.pem`).
 */
export const journalSchema = z.strictObject({
  version: z.literal(1),
  certId: z.string(),
  /** The CA account the order belongs to, and its directory, so a changed account starts over. */
  account: z.string(),
  directoryUrl: z.string(),
  /** The identifiers ordered, sorted; a changed domain list starts over. */
  identifiers: z.array(z.string()),
  keyType: z.string(),
  /** When this run's attempt started (a fresh order or a resumed one). */
  startedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Set just before a new-order request and cleared when its URL is recorded (crash recovery). */
  orderRequestedAt: z.iso.datetime().optional(),
  /** The order URL (RFC 8555 §7.4), once created. */
  orderUrl: z.string().optional(),
  /** The last status the server reported for it, and the order's own expiry. */
  orderStatus: z.enum(orderStatuses as [string, ...string[]]).optional(),
  orderExpires: z.string().optional(),
  /** How many times finalize was sent for this order, and when last (DESIGN.md rule 2). */
  finalizeCount: z.number().int().min(0),
  finalizeSentAt: z.iso.datetime().optional(),
  /** Challenges this order presented, so a crashed run's proofs are cleaned up on resume. */
  presented: z.array(
    z.strictObject({
      domain: z.string(),
      wildcard: z.boolean(),
      type: z.enum(['http-01', 'dns-01']),
      token: z.string(),
      value: z.string(),
    }),
  ),
  /** How many orders this attempt created (a resumed run must not add one). */
  ordersCreated: z.number().int().min(0),
  /** Set when the CA asked us to wait (rateLimited / Retry-After beyond the inline limit). */
  notBefore: z.iso.datetime().optional(),
  /** The last problem, for `cert show` and the UI. */
  lastProblem: z
    .strictObject({ type: z.string(), detail: z.string().optional(), at: z.iso.datetime() })
    .optional(),
});

/** The journal of one certificate's current order. */
export type Journal = z.infer<typeof journalSchema>;

/**
 * Reads the journal, or `undefined` when there is none. A journal that cannot be parsed is an
 * `invalid_data` error: the runner must not guess, and the admin is told which file to move aside.
 */
export async function readJournal(file: string): Promise<Journal | undefined> {
  return readJsonFile(file, journalSchema, () => new CertDeskError('invalid_data', `Unable to read the order journal ${file}, it is damaged`, {
    remedy: 'Move the file aside and renew again; CertDesk then starts a new order.',
  }));
}

/** Writes the journal atomically (temp file + fsync + rename), stamping `updatedAt`. */
export async function writeJournal(file: string, journal: Journal, now: Date): Promise<Journal> {
  const next = { ...journal, updatedAt: now.toISOString() };
  await writeJsonAtomic(file, next, { mode: modes.publicFile, dirMode: modes.privateDir });
  return next;
}
