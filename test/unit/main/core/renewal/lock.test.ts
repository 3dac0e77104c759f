import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import { dataPaths, type DataPaths } from '../../../../../main/core/paths.ts';
import {
  acquireCertificateLock,
  defaultLockTiming,
  withCertificateLock,
  type AcquireCertificateLockOptions,
  type CertificateLock,
  type LockOwner,
} from '../../../../../main/core/renewal/lock.ts';
import { useTempDir } from '../../support/temp-dir.ts';

/**
 * proper-lockfile's smallest intervals (it clamps below them): heartbeat every 1 s, stale after 2 s;
 * and a 20 ms poll so that waiting tests are quick. Only tests about heartbeats wait for timers.
 */
const fast = { updateMs: 1_000, staleMs: 2_000, pollMs: 20 } as const;

/** An mtime far enough in the past that any timing counts it stale. */
const longAgo = new Date(Date.now() - 3_600_000);

const tempDir = useTempDir('lock');

/** Locks still held when a test ends, released so a failing test leaves no heartbeat running. */
const held: CertificateLock[] = [];
afterEach(async () => {
  for (const lock of held.splice(0)) await lock.release();
});

function paths(): DataPaths {
  return dataPaths(tempDir());
}

function unexpectedCompromise(error: CertDeskError): void {
  throw new Error(`unexpected onCompromised: ${error.message}`);
}

async function acquire(overrides: Partial<AcquireCertificateLockOptions> = {}): Promise<CertificateLock> {
  const lock = await acquireCertificateLock({
    paths: paths(),
    certId: 'example-com',
    wait: false,
    onCompromised: unexpectedCompromise,
    command: 'certdesk cert renew',
    ...overrides,
  });
  held.push(lock);
  return lock;
}

/** Resolves with the error the first time a lock's `onCompromised` fires. */
function compromiseWatcher(): { onCompromised: (error: CertDeskError) => void; compromised: Promise<CertDeskError> } {
  let resolve: (error: CertDeskError) => void = () => undefined;
  const compromised = new Promise<CertDeskError>((r) => {
    resolve = r;
  });
  return { onCompromised: (error) => { resolve(error); }, compromised };
}

async function readOwnerFile(lockPath: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(lockPath, 'owner.json'), 'utf8')) as Record<string, unknown>;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function caught(promise: Promise<unknown>): Promise<CertDeskError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof CertDeskError)) throw new Error(`expected a CertDeskError, got ${String(error)}`);
  return error;
}

/** Resolves once the holder has refreshed its lock folder's mtime (its next heartbeat). */
async function heartbeat(lockPath: string): Promise<void> {
  const initial = (await stat(lockPath)).mtimeMs;
  // A generous bound, not a timing check: on a loaded two-core CI machine timers run late; a
  // heartbeat that never comes is the failure this catches.
  const deadline = Date.now() + 15 * fast.updateMs;
  while ((await stat(lockPath)).mtimeMs === initial) {
    if (Date.now() > deadline) throw new Error(`${lockPath} was not refreshed: its heartbeat stopped`);
    await sleep(50);
  }
}

/** Writes a lock folder as another host's CertDesk would, optionally back-dated. */
async function plantLock(lockPath: string, owner: Omit<LockOwner, 'token'>, mtime?: Date): Promise<void> {
  await mkdir(lockPath, { recursive: true });
  await writeFile(path.join(lockPath, 'owner.json'), JSON.stringify({ version: 1, ...owner, token: 'planted' }));
  if (mtime !== undefined) await utimes(lockPath, mtime, mtime);
}

describe('defaultLockTiming', () => {
  it("uses certmagic's numbers: heartbeat 5 s, stale after two missed heartbeats, poll every second", () => {
    expect(defaultLockTiming).toStrictEqual({ updateMs: 5_000, staleMs: 10_000, pollMs: 1_000 });
  });
});

describe('acquireCertificateLock', () => {
  it('creates locks/<id>.lock holding the owner record, and removes it on release', async () => {
    const lock = await acquire();
    expect(lock.path).toBe(path.join(tempDir(), 'locks', 'example-com.lock'));
    expect(lock.certId).toBe('example-com');
    expect(await readdir(lock.path)).toStrictEqual(['owner.json']);
    expect(await readOwnerFile(lock.path)).toStrictEqual({
      version: 1,
      pid: process.pid,
      hostname: os.hostname(),
      startedAt: lock.owner.startedAt,
      command: 'certdesk cert renew',
      token: lock.owner.token,
    });
    expect(new Date(lock.owner.startedAt).toISOString()).toBe(lock.owner.startedAt);
    expect(lock.signal.aborted).toBe(false);

    await lock.release();
    expect(await exists(lock.path)).toBe(false);
    expect(lock.signal.aborted).toBe(false);

    const again = await acquire();
    expect(again.owner.token).not.toBe(lock.owner.token);
  });

  it('defaults the recorded command to "certdesk"', async () => {
    const lock = await acquireCertificateLock({ paths: paths(), certId: 'a', wait: false, onCompromised: unexpectedCompromise });
    held.push(lock);
    expect(lock.owner.command).toBe('certdesk');
  });

  it('refuses a second holder in the same process with busy, naming this pid and host', async () => {
    const first = await acquire();
    const error = await caught(acquire());
    expect(error.code).toBe('busy');
    expect(error.message).toBe(
      `Unable to renew example-com, it is being renewed by pid ${process.pid} on host ${os.hostname()} since ${first.owner.startedAt} (certdesk cert renew)`,
    );
    expect(error.remedy).toBe('Wait for that run to finish (certdesk log example-com --follow), or retry later.');
    // The refused attempt neither disturbed the lock nor left its staging folder behind.
    expect(await readOwnerFile(first.path)).toMatchObject({ token: first.owner.token });
    expect(await readdir(path.dirname(first.path))).toStrictEqual(['example-com.lock']);
  });

  it('names the pid and host recorded by another host', async () => {
    const lockPath = paths().lock('example-com');
    await plantLock(lockPath, { pid: 4242, hostname: 'build-02', startedAt: '2025-03-01T10:00:00.000Z', command: 'certdesk daemon' });
    const error = await caught(acquire());
    expect(error.code).toBe('busy');
    expect(error.message).toBe(
      'Unable to renew example-com, it is being renewed by pid 4242 on host build-02 since 2025-03-01T10:00:00.000Z (certdesk daemon)',
    );
  });

  it('says so when a held lock has no readable owner record', async () => {
    const lockPath = paths().lock('example-com');
    await mkdir(lockPath, { recursive: true });
    await writeFile(path.join(lockPath, 'owner.json'), '{"version":1,"pid":');
    const error = await caught(acquire());
    expect(error.code).toBe('busy');
    expect(error.message).toBe(`Unable to renew example-com, another process holds its lock ${lockPath} and left no readable owner record`);
  });

  it('fails with busy after the wait times out', async () => {
    await acquire();
    const error = await caught(acquire({ wait: { timeoutMs: 100 }, timing: fast }));
    expect(error.code).toBe('busy');
    expect(error.message).toMatch(/^Unable to renew example-com, it is being renewed by pid \d+ on host .+; gave up after waiting 0.1 s$/);
  });

  it('waits for the holder to release, then takes the lock', async () => {
    const first = await acquire();
    const second = acquire({ wait: { timeoutMs: 30_000 }, timing: fast });
    // Whatever the waiter sees before the release, it cannot be the lock.
    const early = await Promise.race([second.then(() => 'acquired'), new Promise((r) => setTimeout(r, 100, 'waiting'))]);
    expect(early).toBe('waiting');
    await first.release();
    const lock = await second;
    expect(await readOwnerFile(lock.path)).toMatchObject({ token: lock.owner.token });
  });

  it('does not even try when its signal has already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    await expect(acquire({ wait: { timeoutMs: 30_000 }, signal: controller.signal })).rejects.toThrow('shutting down');
    expect(await readdir(path.join(tempDir(), 'locks'))).toStrictEqual([]);
  });

  it('stops waiting when its signal aborts', async () => {
    await acquire();
    const controller = new AbortController();
    const waiting = acquire({ wait: { timeoutMs: 30_000 }, timing: fast, signal: controller.signal });
    await sleep(100);
    controller.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
  });

  it('takes over a stale lock left by a dead process (kill -9)', async () => {
    const lockPath = paths().lock('example-com');
    await plantLock(lockPath, { pid: 999_999, hostname: 'gone', startedAt: longAgo.toISOString(), command: 'certdesk daemon' }, longAgo);
    const lock = await acquire();
    expect(await readdir(lockPath)).toStrictEqual(['owner.json']);
    expect(await readOwnerFile(lockPath)).toMatchObject({ pid: process.pid, token: lock.owner.token });
  });

  it('takes over at once, without waiting for staleness, a fresh lock whose holder on this host has exited', async () => {
    const lockPath = paths().lock('example-com');
    const gone = spawnSync(process.execPath, ['-e', 'process.pid']).pid;
    await plantLock(lockPath, { pid: gone, hostname: os.hostname(), startedAt: new Date().toISOString(), command: 'certdesk cert renew' });
    const lock = await acquire();
    expect(await readOwnerFile(lockPath)).toMatchObject({ pid: process.pid, token: lock.owner.token });
  });

  it('still refuses a fresh lock whose holder on this host is alive', async () => {
    const lockPath = paths().lock('example-com');
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      await plantLock(lockPath, { pid: alive.pid ?? 0, hostname: os.hostname(), startedAt: new Date().toISOString(), command: 'certdesk daemon' });
      expect((await caught(acquire())).code).toBe('busy');
    } finally {
      alive.kill('SIGKILL');
    }
  });

  it('takes an ownerless, empty lock folder (a crash while it was being removed) at once', async () => {
    const lockPath = paths().lock('example-com');
    await mkdir(lockPath, { recursive: true });
    const lock = await acquire();
    expect(await readOwnerFile(lockPath)).toMatchObject({ token: lock.owner.token });
  });

  it('takes over a lock whose heartbeat stopped, and the old holder learns it lost it', async () => {
    const watcher = compromiseWatcher();
    const first = await acquire({ timing: fast, onCompromised: watcher.onCompromised });
    // proper-lockfile recognises its lock by the exact mtime it last wrote, and the first one of a
    // lock is rounded to the second: two locks taken within one second start out with the same
    // mtime. A real takeover comes at least staleMs after the last heartbeat, so let one happen.
    await heartbeat(first.path);
    // As if the holder had been paused for an hour: its mtime is far older than staleMs.
    await utimes(first.path, longAgo, longAgo);
    const second = await acquire({ timing: fast });
    expect(await readOwnerFile(second.path)).toMatchObject({ token: second.owner.token });

    const error = await watcher.compromised;
    expect(error.code).toBe('busy');
    expect(error.message).toMatch(/^Unable to keep renewing example-com, its lock was taken over or removed by another process/);
    expect(first.signal.aborted).toBe(true);
    expect(first.signal.reason).toBe(error);

    // The old holder's release must not remove the new holder's lock.
    await first.release();
    expect(await readOwnerFile(second.path)).toMatchObject({ token: second.owner.token });
    await second.release();
    expect(await exists(second.path)).toBe(false);
  });

  it('keeps the new holder’s lock and heartbeat when the old holder releases before noticing the takeover', async () => {
    const first = await acquire({ timing: fast });
    await heartbeat(first.path);
    await utimes(first.path, longAgo, longAgo);
    const second = await acquire({ timing: fast });
    // proper-lockfile's own unlock would act on the new holder's entry (same path, same process).
    await first.release();
    expect(await readOwnerFile(second.path)).toMatchObject({ token: second.owner.token });
    // Still heartbeating: a stopped heartbeat would let a third process take over mid-renewal.
    await heartbeat(second.path);
    expect(second.signal.aborted).toBe(false);
    expect(first.signal.aborted).toBe(false);
  });

  it('reports a lock folder removed under the holder through onCompromised and its signal', async () => {
    const watcher = compromiseWatcher();
    const lock = await acquire({ timing: fast, onCompromised: watcher.onCompromised });
    await rm(lock.path, { recursive: true });
    const error = await watcher.compromised;
    expect(error).toBeInstanceOf(CertDeskError);
    expect(error.code).toBe('busy');
    expect(lock.signal.reason).toBe(error);
    await lock.release();
  });

  it('keeps each certificate’s owner record in its own lock', async () => {
    const a = await acquire({ certId: 'a.example' });
    const b = await acquire({ certId: 'b.example', command: 'certdesk daemon' });
    await caught(acquire({ certId: 'a.example' }));
    const locksDir = path.dirname(a.path);
    expect((await readdir(locksDir)).sort()).toStrictEqual(['a.example.lock', 'b.example.lock']);
    expect(await readdir(a.path)).toStrictEqual(['owner.json']);
    expect(await readdir(b.path)).toStrictEqual(['owner.json']);
    expect(await readOwnerFile(a.path)).toMatchObject({ token: a.owner.token, command: 'certdesk cert renew' });
    expect(await readOwnerFile(b.path)).toMatchObject({ token: b.owner.token, command: 'certdesk daemon' });

    await a.release();
    expect(await readOwnerFile(b.path)).toMatchObject({ token: b.owner.token });
    expect(await readdir(locksDir)).toStrictEqual(['b.example.lock']);
  });

  it.each([
    { certId: '', why: 'empty' },
    { certId: '../escape', why: 'a path' },
    { certId: 'a/b', why: 'a separator' },
    { certId: '.hidden', why: 'a leading dot' },
    { certId: 'Example', why: 'upper case' },
    { certId: 'a..b', why: 'two dots' },
    { certId: 'x'.repeat(65), why: 'too long' },
  ])('refuses the certificate id $certId ($why) before touching the disk', async ({ certId }) => {
    const error = await caught(acquire({ certId }));
    expect(error.code).toBe('invalid_input');
    expect(await readdir(tempDir())).toStrictEqual([]);
  });
});

describe('CertificateLock.release', () => {
  it('is idempotent, sequentially and concurrently', async () => {
    const lock = await acquire();
    await Promise.all([lock.release(), lock.release()]);
    await lock.release();
    expect(await exists(lock.path)).toBe(false);
  });

  it('never removes a later holder’s lock', async () => {
    const first = await acquire();
    await first.release();
    const second = await acquire();
    await first.release();
    expect(await readOwnerFile(second.path)).toMatchObject({ token: second.owner.token });
  });
});

describe('withCertificateLock', () => {
  const options = (): AcquireCertificateLockOptions => ({
    paths: paths(),
    certId: 'example-com',
    wait: false,
    onCompromised: unexpectedCompromise,
  });

  it('runs the work under the lock and releases it', async () => {
    const result = await withCertificateLock(options(), async (lock) => {
      expect(await readOwnerFile(lock.path)).toMatchObject({ token: lock.owner.token });
      return 'renewed';
    });
    expect(result).toBe('renewed');
    expect(await exists(paths().lock('example-com'))).toBe(false);
  });

  it('releases the lock when the work throws, and rethrows', async () => {
    await expect(
      withCertificateLock(options(), () => {
        throw new Error('order failed');
      }),
    ).rejects.toThrow('order failed');
    expect(await exists(paths().lock('example-com'))).toBe(false);
  });

  it('does not run the work when the lock is busy', async () => {
    await acquire();
    let ran = false;
    const error = await caught(
      withCertificateLock(options(), () => {
        ran = true;
      }),
    );
    expect(error.code).toBe('busy');
    expect(ran).toBe(false);
  });
});
