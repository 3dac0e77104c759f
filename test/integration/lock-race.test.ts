import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataPaths } from '../../main/core/paths.ts';
import { makeTempDir, removeTempDir, spawnManaged, type ManagedProcess } from '../support/processes.ts';

/**
 * Real processes racing on one certificate's lock (issue #4 item 6, DESIGN.md "Renewal, retries and
 * locks"): each runs `test/fixtures/lock-holder.ts` under Node's type stripping, which takes the lock
 * through `main/core/renewal/lock.ts`. Holders start together on a "go" file and hold until told to
 * release, so who waits for whom is decided by the lock, not by sleeps. The lock timing is
 * proper-lockfile's smallest (heartbeat 1 s, stale after 2 s) to keep the kill -9 case short.
 */

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/lock-holder.ts');
const CERT_ID = 'www-certdesk-test';

/** Bound on waiting for a holder to print a line; a Node start plus a lock takes well under it. */
const LINE_TIMEOUT_MS = 20_000;

let dir: string;
let holders: ManagedProcess[];

beforeEach(() => {
  dir = makeTempDir('certdesk-lock-race-');
  holders = [];
});

afterEach(async () => {
  await Promise.all(holders.map((holder) => holder.stop()));
  await removeTempDir(dir);
});

const dataDir = (): string => path.join(dir, 'data');
const lockPath = (): string => dataPaths(dataDir()).lock(CERT_ID);
const goFile = (): string => path.join(dir, 'go');
const releaseFile = (name: string): string => path.join(dir, `release-${name}`);
const eventsFile = (): string => path.join(dir, 'events.jsonl');

function startHolder(name: string, env: Readonly<Record<string, string>> = {}): ManagedProcess {
  const holder = spawnManaged(process.execPath, ['--disable-warning=ExperimentalWarning', FIXTURE], {
    name: `lock-holder ${name}`,
    env: {
      ...process.env,
      LOCK_NAME: name,
      LOCK_DATA_DIR: dataDir(),
      LOCK_CERT_ID: CERT_ID,
      LOCK_STALE_MS: '2000',
      LOCK_UPDATE_MS: '1000',
      LOCK_POLL_MS: '50',
      LOCK_GO_FILE: goFile(),
      LOCK_RELEASE_FILE: releaseFile(name),
      LOCK_EVENTS_FILE: eventsFile(),
      LOCK_CRITICAL_FILE: path.join(dir, 'critical'),
      ...env,
    },
  });
  holders.push(holder);
  return holder;
}

function lines(holder: ManagedProcess): string[] {
  return holder.output().split('\n');
}

/** Waits until the holder prints a line starting with `prefix`; fails if it exits first. */
async function line(holder: ManagedProcess, prefix: string): Promise<string> {
  const deadline = Date.now() + LINE_TIMEOUT_MS;
  for (;;) {
    const found = lines(holder).find((l) => l.startsWith(prefix));
    if (found !== undefined) return found;
    if (holder.exitInfo() !== undefined || Date.now() > deadline) {
      throw new Error(`${holder.name} did not print "${prefix}"\n${holder.output()}`);
    }
    await sleep(20);
  }
}

/** Starts holders that wait on the go file, and lets them all go once each has loaded. */
async function race(holdersToStart: readonly ManagedProcess[]): Promise<void> {
  await Promise.all(holdersToStart.map((holder) => line(holder, 'ready')));
  await writeFile(goFile(), '');
}

async function exitCode(holder: ManagedProcess): Promise<number | null> {
  const exit = await holder.exited;
  if (exit.code !== 0 && exit.code !== 3) throw new Error(`${holder.name} failed\n${holder.output()}`);
  return exit.code;
}

async function owner(): Promise<{ pid: number; startedAt: string }> {
  return JSON.parse(await readFile(path.join(lockPath(), 'owner.json'), 'utf8')) as { pid: number; startedAt: string };
}

async function ownerPid(): Promise<number> {
  return (await owner()).pid;
}

interface HolderEvent {
  readonly name: string;
  readonly event: string;
  readonly pid: number;
}

async function events(): Promise<HolderEvent[]> {
  const text = await readFile(eventsFile(), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as HolderEvent);
}

describe('per-certificate lock across processes', () => {
  it('lets exactly one of three racing processes hold it; the others exit busy naming the holder', async () => {
    const racers = ['a', 'b', 'c'].map((name) => startHolder(name));
    await race(racers);

    // The holder waits for its release file, so every process that exits now was refused.
    const refused: ManagedProcess[] = [];
    for (let i = 0; i < racers.length - 1; i++) {
      const next = await Promise.race(racers.filter((r) => !refused.includes(r)).map((r) => r.exited.then(() => r)));
      refused.push(next);
      expect(await exitCode(next)).toBe(3);
    }
    const winner = racers.find((r) => !refused.includes(r));
    if (winner === undefined) throw new Error('no winner');
    await line(winner, 'acquired');
    const { pid, startedAt } = await owner();
    expect(pid).toBe(winner.pid);

    const winnerName = winner.name.replace('lock-holder ', '');
    for (const loser of refused) {
      expect(await line(loser, 'busy ')).toBe(
        `busy Unable to renew ${CERT_ID}, it is being renewed by pid ${winner.pid} on host ${os.hostname()} since ${startedAt} (lock-holder ${winnerName})`,
      );
    }

    await writeFile(releaseFile(winnerName), '');
    expect(await exitCode(winner)).toBe(0);
    expect(existsSync(lockPath())).toBe(false);
    expect(await events()).toStrictEqual([
      { name: winnerName, event: 'acquired', pid: winner.pid },
      { name: winnerName, event: 'releasing', pid: winner.pid },
    ]);
  });

  it('with wait, the second process takes the lock only after the first releases it', async () => {
    const wait = { LOCK_WAIT_MS: '30000' };
    const a = startHolder('a', wait);
    const b = startHolder('b', wait);
    await race([a, b]);

    const first = await Promise.race([line(a, 'acquired').then(() => a), line(b, 'acquired').then(() => b)]);
    const second = first === a ? b : a;
    const [firstName, secondName] = first === a ? ['a', 'b'] : ['b', 'a'];
    // Give the waiter many polls: the lock, not a sleep, is what must keep it out.
    await sleep(500);
    expect(lines(second)).not.toContain('acquired');
    expect(second.exitInfo()).toBeUndefined();

    await writeFile(releaseFile(firstName), '');
    expect(await exitCode(first)).toBe(0);
    await line(second, 'acquired');
    expect(await ownerPid()).toBe(second.pid);
    await writeFile(releaseFile(secondName), '');
    expect(await exitCode(second)).toBe(0);

    // In order, and never overlapping (a holder finding the critical file would exit 4).
    expect((await events()).map((e) => `${e.name} ${e.event}`)).toStrictEqual([
      `${firstName} acquired`,
      `${firstName} releasing`,
      `${secondName} acquired`,
      `${secondName} releasing`,
    ]);
    expect(existsSync(lockPath())).toBe(false);
  });

  it('takes over the lock of a holder killed with SIGKILL once it goes stale', async () => {
    // No critical file here: the killed holder cannot clean up after itself.
    const a = startHolder('a', { LOCK_CRITICAL_FILE: '' });
    await race([a]);
    await line(a, 'acquired');
    a.child.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');
    // kill -9 runs no exit hook: the lock is still there, naming the dead holder.
    expect(await ownerPid()).toBe(a.pid);

    const b = startHolder('b', { LOCK_CRITICAL_FILE: '', LOCK_WAIT_MS: '30000' });
    await line(b, 'acquired');
    expect(await ownerPid()).toBe(b.pid);
    await writeFile(releaseFile('b'), '');
    expect(await exitCode(b)).toBe(0);
    expect(existsSync(lockPath())).toBe(false);
  });

  it('releases the lock at once when the holder is ended with SIGTERM', async () => {
    const a = startHolder('a', { LOCK_CRITICAL_FILE: '' });
    await race([a]);
    await line(a, 'acquired');
    a.child.kill('SIGTERM');
    expect((await a.exited).signal).toBe('SIGTERM');
    expect(existsSync(lockPath())).toBe(false);

    // Not waiting: the lock is free without going stale first.
    const b = startHolder('b', { LOCK_CRITICAL_FILE: '' });
    await line(b, 'acquired');
    await writeFile(releaseFile('b'), '');
    expect(await exitCode(b)).toBe(0);
  });
});
