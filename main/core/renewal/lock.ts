import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lock as lockDirectory } from 'proper-lockfile';
import { z } from 'zod';
import { CertDeskError } from '../errors.ts';
import { isErrnoCode, modes } from '../fs/atomic.ts';
import { validateName } from '../names.ts';
import type { DataPaths } from '../paths.ts';

/**
 * How often a held lock's heartbeat is written and when a lock without one counts as abandoned
 * (DESIGN.md "Renewal, retries and locks"; certmagic's `lockFreshnessInterval` and stale check).
 *
 * - `updateMs` 5 s: the holder touches the lock folder's mtime this often. Cheap even on a network
 *   share, and short enough that a crashed holder blocks the certificate for seconds, not minutes.
 * - `staleMs` 10 s = 2 × `updateMs`: a lock whose mtime is older than this is taken over. One whole
 *   missed heartbeat is tolerated (a slow disk, a GC pause, a busy event loop) before another process
 *   may assume the holder is dead; a holder paused longer than that whose lock was taken over in the
 *   meantime learns it at its next heartbeat (`onCompromised`).
 * - `pollMs` 1 s: how often a waiting process retries, as certmagic's `fileLockPollInterval`. A
 *   renewal runs for seconds to minutes, so a second's latency after the release costs nothing.
 *
 * Staleness compares the mtime the holder wrote with the reader's clock, so hosts sharing a data dir
 * must keep their clocks within a few seconds of each other (NTP): a reader whose clock runs more than
 * `staleMs - updateMs` (5 s) ahead sees a live lock as stale and takes it over (the holder then gets
 * `onCompromised` at its next heartbeat and stops); one whose clock runs behind waits longer for a dead
 * holder's lock. On NFS, attribute caching (`acdirmin`, 30 s by default) can hide heartbeats the same
 * way: mount a shared data dir with `actimeo=1` or `noac`.
 */
export const defaultLockTiming: LockTiming = { updateMs: 5_000, staleMs: 10_000, pollMs: 1_000 };

/**
 * Heartbeat, staleness and polling intervals of {@link acquireCertificateLock}, in milliseconds.
 * proper-lockfile clamps `staleMs` to at least 2000 and `updateMs` to 1000 … `staleMs / 2`.
 */
export interface LockTiming {
  readonly updateMs: number;
  readonly staleMs: number;
  readonly pollMs: number;
}

/** The owner record inside a lock folder: who holds the lock, for the busy error and `cert show`. */
export interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  /** When the lock was taken (ISO 8601, UTC, the holder's clock). */
  readonly startedAt: string;
  /** What the holder is doing, e.g. `certdesk cert renew`; never a full command line (it may hold secrets). */
  readonly command: string;
  /** Random per acquisition: tells this acquisition's lock from a later one of the same process. */
  readonly token: string;
}

/** A held per-certificate lock. */
export interface CertificateLock {
  readonly certId: string;
  /** The lock folder, `<dataDir>/locks/<id>.lock`. */
  readonly path: string;
  readonly owner: LockOwner;
  /**
   * Aborted, with the same `busy` error `onCompromised` receives, when the lock is lost; pass it to
   * the work done under the lock so it stops. Never aborted by {@link CertificateLock.release}.
   */
  readonly signal: AbortSignal;
  /**
   * Releases the lock: removes the lock folder if it is still this acquisition's. Idempotent; a
   * no-op once the lock was lost (another process's lock is never removed). Rejects only on an
   * unexpected file-system error, in which case the lock goes stale after `staleMs`.
   */
  release(): Promise<void>;
}

/** Options of {@link acquireCertificateLock}. */
export interface AcquireCertificateLockOptions {
  readonly paths: DataPaths;
  /** The certificate id; validated as a name (`names.ts`), since it names the lock folder. */
  readonly certId: string;
  /**
   * `false`: fail at once with `busy` if another process holds the lock. `{ timeoutMs }`: retry every
   * `pollMs` until the lock is free, then fail with `busy` after `timeoutMs`.
   */
  readonly wait: false | { readonly timeoutMs: number };
  /**
   * Called (from a timer, at most once) when the heartbeat finds the lock taken over or removed: the
   * caller must stop working on the certificate at once, since another process may now be. It gets a
   * `busy` {@link CertDeskError} and must not throw. Not called after {@link CertificateLock.release}.
   */
  readonly onCompromised: (error: CertDeskError) => void;
  /** What the holder does, recorded in the owner record; default `certdesk`. */
  readonly command?: string;
  /** Cancels waiting for the lock: the acquisition rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Tests only: shorter intervals than {@link defaultLockTiming}. */
  readonly timing?: Partial<LockTiming>;
}

/** The owner record's file name inside the lock folder. */
const OWNER_FILE = 'owner.json';

/**
 * How often an attempt that found the lock held retries at once when the lock vanished before its
 * owner could be read (released in between): a couple of times covers the race without spinning.
 */
const VANISHED_RETRIES = 3;

const ownerSchema = z.object({
  version: z.literal(1),
  pid: z.number().int(),
  hostname: z.string(),
  startedAt: z.string(),
  command: z.string(),
  token: z.string(),
});

/**
 * Takes the per-certificate lock `<dataDir>/locks/<id>.lock` that keeps two processes (the app, the
 * CLI, the daemon, another host on a shared data dir) from working on one certificate at once
 * (DESIGN.md "Renewal, retries and locks"; issue #4 item 6).
 *
 * Built on proper-lockfile: the lock is a folder (created atomically), its mtime refreshed every
 * `updateMs` as a heartbeat; a folder whose mtime is older than `staleMs` was left by a dead process
 * (kill -9, power loss) and is taken over. A graceful exit (including SIGINT/SIGTERM without a
 * handler of its own) removes held locks. The folder holds `owner.json` ({@link LockOwner}): it is
 * written into a private staging folder that is then renamed into place, so a lock never exists
 * without its owner record, and nothing is written into the folder while it is held (that would
 * change its mtime, which the heartbeat checks is still its own).
 *
 * After taking the lock, re-check whether the work is still needed: the previous holder may just
 * have renewed the certificate.
 *
 * Fails with `invalid_input` for an id that is not a valid name; with `busy` ("Unable to renew <id>,
 * it is being renewed by pid <P> on host <H> since <time>") when the lock is held and `wait` is
 * `false` or timed out (the CLI exits 3); with the signal's reason when `signal` aborts; with the
 * file-system error when the locks folder cannot be written.
 */
export async function acquireCertificateLock(options: AcquireCertificateLockOptions): Promise<CertificateLock> {
  const certId = validateName('certificate id', options.certId);
  const timing: LockTiming = { ...defaultLockTiming, ...options.timing };
  const lockPath = options.paths.lock(certId);
  await mkdir(path.dirname(lockPath), { recursive: true, mode: modes.privateDir });

  const started = performance.now();
  const timeoutMs = options.wait === false ? 0 : options.wait.timeoutMs;
  let vanished = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    const attempt = await tryAcquire(lockPath, certId, timing, options);
    if (attempt.kind === 'acquired') return attempt.lock;
    if (attempt.kind === 'vanished' && vanished < VANISHED_RETRIES) {
      vanished += 1;
      continue;
    }
    // A holder on this host whose process is gone (killed with -9, crashed) cannot be renewing
    // anything: take its lock over now instead of waiting for the heartbeat to go stale.
    if (attempt.kind === 'held' && attempt.owner !== undefined && isDeadLocalOwner(attempt.owner) && vanished < VANISHED_RETRIES) {
      vanished += 1;
      await removeIfOwnedBy(lockPath, attempt.owner.token);
      continue;
    }
    const remaining = timeoutMs - (performance.now() - started);
    if (remaining <= 0) {
      throw busyError(certId, lockPath, attempt.kind === 'held' ? attempt.owner : undefined, timeoutMs);
    }
    vanished = 0;
    try {
      await sleep(Math.min(timing.pollMs, remaining), undefined, options.signal === undefined ? {} : { signal: options.signal });
    } catch (error) {
      // The timer rejects with a generic AbortError; raise the reason the caller gave instead.
      options.signal?.throwIfAborted();
      throw error;
    }
  }
}

/**
 * Runs `fn` under the certificate's lock (see {@link acquireCertificateLock}) and always releases it,
 * whether `fn` resolves or throws. `fn`'s error wins over a failed release (the lock then goes stale).
 * `fn` should watch `lock.signal` to stop if the lock is lost.
 */
export async function withCertificateLock<T>(
  options: AcquireCertificateLockOptions,
  fn: (lock: CertificateLock) => Promise<T> | T,
): Promise<T> {
  const lock = await acquireCertificateLock(options);
  let result: T;
  try {
    result = await fn(lock);
  } catch (error) {
    await lock.release().catch(() => undefined);
    throw error;
  }
  await lock.release();
  return result;
}

type Attempt =
  | { readonly kind: 'acquired'; readonly lock: CertificateLock }
  | { readonly kind: 'held'; readonly owner: LockOwner | undefined }
  | { readonly kind: 'vanished' };

/** Whose lock proper-lockfile's `rmdir` is asked to remove: see {@link lockFs}. */
interface Phase {
  value: 'acquiring' | 'held';
}

/** Whether `owner` is a process of this host that no longer exists. */
function isDeadLocalOwner(owner: LockOwner): boolean {
  if (owner.hostname !== os.hostname() || owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists under another user; only ESRCH means it is gone.
    return isErrnoCode(error, 'ESRCH');
  }
}

/** Removes the lock folder if it still holds `token` (another process may have taken it since). */
async function removeIfOwnedBy(lockPath: string, token: string): Promise<void> {
  const current = await readOwner(lockPath);
  if (current !== 'vanished' && current?.token === token) await rm(lockPath, { recursive: true, force: true });
}

async function tryAcquire(
  lockPath: string,
  certId: string,
  timing: LockTiming,
  options: AcquireCertificateLockOptions,
): Promise<Attempt> {
  const owner: LockOwner = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    command: options.command ?? 'certdesk',
    token: randomUUID(),
  };
  const phase: Phase = { value: 'acquiring' };
  const controller = new AbortController();
  let released = false;

  const onCompromised = (cause: Error): void => {
    if (released || controller.signal.aborted) return;
    const error = new CertDeskError(
      'busy',
      `Unable to keep renewing ${certId}, its lock was taken over or removed by another process (${cause.message})`,
      {
        remedy: `This run stopped so that two runs never work on one certificate; the current holder carries on. If it repeats, keep the clocks of hosts sharing the data dir in sync and make sure this process is not paused for more than ${timing.staleMs / 1000} s.`,
        cause,
      },
    );
    controller.abort(error);
    options.onCompromised(error);
  };

  let unlock: () => Promise<void>;
  try {
    unlock = await lockDirectory(lockPath, {
      // The lock folder is the "file": it is the one path proper-lockfile must not resolve (realpath
      // needs it to exist) and the key of its in-process table of held locks.
      lockfilePath: lockPath,
      realpath: false,
      retries: 0,
      stale: timing.staleMs,
      update: timing.updateMs,
      fs: lockFs(owner, phase, timing.staleMs),
      onCompromised,
    });
  } catch (error) {
    if (!isErrnoCode(error, 'ELOCKED')) throw error;
    const holder = await readOwner(lockPath);
    return holder === 'vanished' ? { kind: 'vanished' } : { kind: 'held', owner: holder };
  }
  phase.value = 'held';

  let releasing: Promise<void> | undefined;
  const release = async (): Promise<void> => {
    released = true;
    if (controller.signal.aborted) return;
    // proper-lockfile's unlock acts on whichever lock its in-process table holds for this path, which
    // after a same-process takeover is the new holder's: only call it while the folder is still ours.
    const current = await readOwner(lockPath);
    if (current === 'vanished' || current?.token !== owner.token) return;
    try {
      await unlock();
    } catch (error) {
      // Compromised between the check and the unlock: nothing of ours is left to remove.
      if (!isErrnoCode(error, 'ERELEASED')) throw error;
    }
  };
  const lock: CertificateLock = {
    certId,
    path: lockPath,
    owner,
    signal: controller.signal,
    release: () => (releasing ??= release()),
  };
  return { kind: 'acquired', lock };
}

/**
 * The file-system calls proper-lockfile makes, with the lock folder's creation and removal replaced
 * so that the owner record comes and goes with the folder:
 * - `mkdir`: writes `owner.json` into a fresh staging folder next to the lock and renames it into
 *   place; the rename fails if a (non-empty) lock folder exists, which is reported as `EEXIST`.
 * - `rmdir` (release, a failed acquisition, or taking over a stale lock): removes the folder only if
 *   it holds this acquisition's token or, while acquiring, is still stale when looked at again, so a
 *   late release or a slow takeover never removes a lock another process has just taken.
 * - `rmdirSync` (proper-lockfile's exit hook): the same for this acquisition's own lock.
 */
function lockFs(owner: LockOwner, phase: Phase, staleMs: number) {
  const settle = (work: Promise<void>, callback: (error: Error | null) => void): void => {
    void work.then(
      () => {
        callback(null);
      },
      (error: unknown) => {
        callback(error instanceof Error ? error : new Error(String(error)));
      },
    );
  };
  return {
    stat: fs.stat,
    utimes: fs.utimes,
    mkdir: (dir: string, callback: (error: Error | null) => void) => {
      settle(publish(dir, owner), callback);
    },
    rmdir: (dir: string, callback: (error: Error | null) => void) => {
      settle(remove(dir, owner.token, phase, staleMs), callback);
    },
    rmdirSync: (dir: string) => {
      removeOwnSync(dir, owner.token);
    },
  };
}

async function publish(lockPath: string, owner: LockOwner): Promise<void> {
  // The staging name starts with "." and ids cannot, so it never collides with a lock folder.
  const staging = await mkdtemp(path.join(path.dirname(lockPath), `.${path.basename(lockPath)}-`));
  try {
    const record: z.input<typeof ownerSchema> = { version: 1, ...owner };
    await writeFile(path.join(staging, OWNER_FILE), `${JSON.stringify(record, null, 2)}\n`, { mode: modes.publicFile });
    await rename(staging, lockPath);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // POSIX reports a non-empty target as ENOTEMPTY or EEXIST; Windows refuses any existing one (EPERM).
    const taken =
      isErrnoCode(error, 'ENOTEMPTY') ||
      isErrnoCode(error, 'EEXIST') ||
      ((isErrnoCode(error, 'EPERM') || isErrnoCode(error, 'EACCES')) && (await exists(lockPath)));
    if (taken) throw Object.assign(new Error(`${lockPath} exists`), { code: 'EEXIST' });
    throw error;
  }
}

async function remove(lockPath: string, token: string, phase: Phase, staleMs: number): Promise<void> {
  const current = await readOwner(lockPath);
  if (current === 'vanished') return;
  if (current?.token === token) {
    await rm(path.join(lockPath, OWNER_FILE), { force: true });
    await rmdirIfEmpty(lockPath);
    return;
  }
  // Not ours: after a release, someone else's lock now; while acquiring, proper-lockfile found it
  // stale, but another process may have refreshed or taken it over since, so look again.
  if (phase.value === 'held') return;
  const info = await stat(lockPath).catch((error: unknown) => {
    if (isErrnoCode(error, 'ENOENT')) return undefined;
    throw error;
  });
  if (info === undefined || info.mtimeMs >= Date.now() - staleMs) return;
  await rm(lockPath, { recursive: true, force: true });
}

async function rmdirIfEmpty(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch (error) {
    // Gone already, or another process renamed its own lock over the emptied folder: it is theirs.
    if (isErrnoCode(error, 'ENOENT') || isErrnoCode(error, 'ENOTEMPTY') || isErrnoCode(error, 'EEXIST')) return;
    throw error;
  }
}

function removeOwnSync(lockPath: string, token: string): void {
  const owner = parseOwner(readTextSync(path.join(lockPath, OWNER_FILE)));
  if (owner?.token !== token) return;
  fs.rmSync(path.join(lockPath, OWNER_FILE), { force: true });
  try {
    fs.rmdirSync(lockPath);
  } catch {
    // Exiting: whatever is left goes stale after staleMs.
  }
}

function readTextSync(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The lock's owner record; `undefined` when the folder exists without a readable one (a crash while
 * it was being removed, or a damaged file); `'vanished'` when the folder no longer exists.
 */
async function readOwner(lockPath: string): Promise<LockOwner | undefined | 'vanished'> {
  try {
    return parseOwner(await readFile(path.join(lockPath, OWNER_FILE), 'utf8'));
  } catch (error) {
    if (!isErrnoCode(error, 'ENOENT') && !isErrnoCode(error, 'ENOTDIR')) throw error;
    return (await exists(lockPath)) ? undefined : 'vanished';
  }
}

function parseOwner(text: string | undefined): LockOwner | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = ownerSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const { pid, hostname, startedAt, command, token } = parsed.data;
  return { pid, hostname, startedAt, command, token };
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (isErrnoCode(error, 'ENOENT')) return false;
    throw error;
  }
}

function busyError(certId: string, lockPath: string, owner: LockOwner | undefined, waitedMs: number): CertDeskError {
  const seconds = (waitedMs / 1000).toFixed(waitedMs < 10_000 ? 1 : 0);
  const waited = waitedMs > 0 ? `; gave up after waiting ${seconds} s` : '';
  const reason =
    owner === undefined
      ? `another process holds its lock ${lockPath} and left no readable owner record`
      : `it is being renewed by pid ${owner.pid} on host ${owner.hostname} since ${owner.startedAt} (${owner.command})`;
  return new CertDeskError('busy', `Unable to renew ${certId}, ${reason}${waited}`, {
    remedy: `Wait for that run to finish (certdesk log ${certId} --follow), or retry later.`,
  });
}
