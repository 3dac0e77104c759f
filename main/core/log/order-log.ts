import { appendFile, mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { isErrnoCode, modes, readIfExists } from '../fs/atomic.ts';

/**
 * The closed vocabulary of lifecycle events (DESIGN.md "Alerts"). Every entry of a certificate's
 * order log, every pushed event and every alert is one of these.
 */
export const orderEventTypes = [
  'cert_obtaining', // a run started for a certificate
  'order_created', // a new ACME order (RFC 8555 §7.4)
  'order_resumed', // a run continues the order found in the journal
  'order_status', // the order's status as read from the server
  'acme_request', // one HTTP exchange with the CA (method, URL, status, problem, Retry-After)
  'challenge_presented', // a proof is in place (TXT record visible, file served)
  'challenge_answered', // the CA was told to validate (§7.5.1)
  'challenge_cleaned', // the proof was removed
  'authorization_status', // an authorization's status as read from the server
  'finalize_sent', // the CSR was sent (§7.4); at most once per `ready` sighting
  'finalize_failed', // the finalize request failed; answered by re-reading the order
  'cert_downloaded', // the certificate chain was fetched (§7.4.2)
  'cert_obtained', // a new version is stored and live
  'cert_exported', // written to a folder
  'cert_failed', // the run ended without a certificate
  'rate_limited', // the CA said to wait (429 / rateLimited)
  'retry_scheduled', // when the next attempt may happen
  'ca_failover', // this attempt orders from the standby CA
  'export_failed', // an export target could not be written (the renewal stands)
  'hook_run', // a deploy hook ran after an export (its output in data)
  'hook_failed', // a deploy hook failed
  'cert_revoked', // a version was revoked at the CA (RFC 8555 §7.6)
  'cert_rolled_back', // an older version was made live
] as const;

/** One of the lifecycle events. */
export type OrderEventType = (typeof orderEventTypes)[number];

/** One line of the order log. */
export interface OrderLogEntry {
  readonly time: string;
  readonly certId: string;
  readonly event: OrderEventType;
  /** Plain English for people reading the log; the structured facts are in `data`. */
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Folders this process already created, so each append is one system call (a run logs ~20 events). */
const knownDirs = new Set<string>();

/** Keys whose values are never written to a log, whatever the caller passes. */
const secretKeys = /(secret|password|hmac|privatekey|private_key|key_?pem|token|keyauthorization|signature|jws)/i;

/** Replaces secret-looking fields (by key name) with `[redacted]`, recursively. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, secretKeys.test(key) ? '[redacted]' : redact(item, depth + 1)]),
  );
}

/**
 * Appends an entry to `<certDir>/log.jsonl` (one JSON object per line, O_APPEND so concurrent
 * writers interleave whole lines). Secret-looking fields are redacted first.
 */
export async function appendOrderLog(file: string, entry: OrderLogEntry): Promise<void> {
  const dir = path.dirname(file);
  if (!knownDirs.has(dir)) {
    await mkdir(dir, { recursive: true, mode: modes.privateDir });
    knownDirs.add(dir);
  }
  const safe = entry.data === undefined ? entry : { ...entry, data: redact(entry.data) };
  const line = `${JSON.stringify(safe)}\n`;
  try {
    await appendFile(file, line, { mode: modes.publicFile });
  } catch (error) {
    if (!isErrnoCode(error, 'ENOENT')) throw error;
    // The folder went away since (a certificate removed and added again): create it once more.
    await mkdir(dir, { recursive: true, mode: modes.privateDir });
    await appendFile(file, line, { mode: modes.publicFile });
  }
}

/**
 * Reads the log's entries in order. A line that is not a valid entry (a torn last line after a
 * crash, a hand edit) is skipped and counted in `skipped`, so one bad line never hides the rest.
 */
export async function readOrderLog(file: string): Promise<{ entries: OrderLogEntry[]; skipped: number }> {
  const text = (await readIfExists(file)) ?? '';
  return parseLines(text);
}

/**
 * Follows the log like `tail -f`: yields what is there, then new entries as they are appended, until
 * `signal` aborts. Polls the file size (portable; fs.watch misses appends on some file systems).
 */
export async function* followOrderLog(file: string, signal: AbortSignal, intervalMs = 500): AsyncGenerator<OrderLogEntry> {
  let offset = 0;
  // Bytes, not text: a read may end inside a multi-byte character. Only complete lines are decoded
  // (a newline byte never occurs inside a UTF-8 sequence).
  let remainder = Buffer.alloc(0);
  while (!signal.aborted) {
    const chunk = await readFrom(file, offset);
    offset += chunk.length;
    const bytes = Buffer.concat([remainder, chunk]);
    const lastNewline = bytes.lastIndexOf(0x0a);
    remainder = bytes.subarray(lastNewline + 1);
    if (lastNewline !== -1) yield* parseLines(bytes.subarray(0, lastNewline + 1).toString('utf8')).entries;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, intervalMs);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

async function readFrom(file: string, offset: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const { size } = await handle.stat();
    if (size <= offset) return Buffer.alloc(0);
    const buffer = Buffer.alloc(size - offset);
    await handle.read(buffer, 0, buffer.length, offset);
    return buffer;
  } finally {
    await handle.close();
  }
}

function parseLines(text: string): { entries: OrderLogEntry[]; skipped: number } {
  const entries: OrderLogEntry[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (isEntry(value)) entries.push(value);
      else skipped += 1;
    } catch {
      skipped += 1;
    }
  }
  return { entries, skipped };
}

function isEntry(value: unknown): value is OrderLogEntry {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.time === 'string' &&
    typeof record.certId === 'string' &&
    typeof record.message === 'string' &&
    (orderEventTypes as ReadonlyArray<unknown>).includes(record.event)
  );
}
