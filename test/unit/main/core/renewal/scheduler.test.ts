import { afterEach, describe, expect, it } from 'vitest';
import { JobQueue } from '../../../../../main/core/renewal/job-queue.ts';
import { RenewalScheduler } from '../../../../../main/core/renewal/scheduler.ts';
import type { RenewalSchedulerOptions } from '../../../../../main/core/renewal/scheduler.ts';

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;
/** Generous: these tests wait on real node-schedule timers of tens of milliseconds. */
const waitOptions = { timeout: 5_000, interval: 10 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A fake certificate store driven by real node-schedule: `due` is what `nextDue` reports, and a run
 * records itself and moves the certificate's due time a day on, as the real renewal would.
 */
function harness(overrides: Partial<RenewalSchedulerOptions> = {}) {
  let offsetMs = 0;
  const clock = (): Date => new Date(Date.now() + offsetMs);
  const due = new Map<string, Date>();
  const runs: string[] = [];
  const queueErrors: unknown[] = [];
  const schedulerErrors: unknown[] = [];
  let nextDueCalls = 0;
  const queue = new JobQueue({
    onError: (error) => {
      queueErrors.push(error);
    },
  });
  const scheduler = new RenewalScheduler({
    checkIntervalMs: hourMs,
    clock,
    nextDue: () => {
      nextDueCalls += 1;
      return Promise.resolve([...due].map(([id, dueAt]) => ({ id, dueAt })));
    },
    run: (id) => {
      runs.push(id);
      due.set(id, new Date(clock().getTime() + dayMs));
      return Promise.resolve();
    },
    queue,
    onError: (error) => {
      schedulerErrors.push(error);
    },
    ...overrides,
  });
  started.push(scheduler);
  return {
    scheduler,
    queue,
    clock,
    due,
    runs,
    queueErrors,
    schedulerErrors,
    nextDueCalls: () => nextDueCalls,
    /** Moves the injected wall clock without moving monotonic time, like a resume from sleep. */
    jump: (ms: number) => {
      offsetMs += ms;
    },
    inMs: (ms: number) => new Date(clock().getTime() + ms),
  };
}

const started: RenewalScheduler[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((scheduler) => scheduler.stop()));
});

describe('RenewalScheduler', () => {
  it('does nothing until started', async () => {
    const h = harness();
    h.due.set('a', h.inMs(-1000));
    await sleep(30);
    expect(h.nextDueCalls()).toBe(0);
    expect(h.runs).toEqual([]);
  });

  it('runs due certificates at once on start and schedules a wake for the others', async () => {
    const h = harness();
    const later = h.inMs(hourMs);
    h.due.set('due', h.inMs(-1000));
    h.due.set('later', later);
    await h.scheduler.start();
    await h.queue.onIdle();
    expect(h.runs).toEqual(['due']);
    expect(h.scheduler.scheduledWakes.get('later')).toEqual(later);
    // The run moved 'due' a day on; the follow-up check learns that and schedules its wake.
    await expect.poll(() => h.scheduler.scheduledWakes.has('due'), waitOptions).toBe(true);
  });

  it('runs a certificate when its due time arrives', async () => {
    const h = harness();
    h.due.set('soon', h.inMs(40));
    await h.scheduler.start();
    expect(h.runs).toEqual([]);
    await expect.poll(() => h.runs, waitOptions).toEqual(['soon']);
  });

  it('reschedules the wake when a due time changes and runs at the new time', async () => {
    const h = harness({ checkIntervalMs: 30, jitter: 0 });
    h.due.set('b', h.inMs(dayMs));
    await h.scheduler.start();
    expect(h.scheduler.scheduledWakes.get('b')).toEqual(h.due.get('b'));
    const sooner = h.inMs(150);
    h.due.set('b', sooner);
    // The next interval check picks up the new time.
    await expect.poll(() => h.scheduler.scheduledWakes.get('b')?.getTime(), waitOptions).toBe(sooner.getTime());
    await expect.poll(() => h.runs, waitOptions).toEqual(['b']);
  });

  it('cancels the wake of a certificate that disappears', async () => {
    const h = harness({ checkIntervalMs: 30, jitter: 0 });
    h.due.set('gone', h.inMs(300));
    h.due.set('kept', h.inMs(dayMs));
    await h.scheduler.start();
    expect([...h.scheduler.scheduledWakes.keys()].sort()).toEqual(['gone', 'kept']);
    h.due.delete('gone');
    await expect.poll(() => [...h.scheduler.scheduledWakes.keys()], waitOptions).toEqual(['kept']);
    await sleep(400);
    expect(h.runs).toEqual([]);
  });

  it('re-evaluates everything on reevaluate()', async () => {
    const h = harness();
    h.due.set('a', h.inMs(dayMs));
    await h.scheduler.start();
    const calls = h.nextDueCalls();
    // Changed behind the scheduler's back (say, while the laptop slept): only a re-evaluation sees it.
    h.due.set('a', h.inMs(-1));
    await h.scheduler.reevaluate();
    expect(h.nextDueCalls()).toBeGreaterThan(calls);
    await h.queue.onIdle();
    expect(h.runs).toEqual(['a']);
  });

  it.each([
    { direction: 'forward', jumpMs: 3 * dayMs },
    { direction: 'backward', jumpMs: -3 * dayMs },
  ])('re-evaluates when the wall clock jumps $direction', async ({ jumpMs }) => {
    const h = harness({ jumpProbeMs: 10, clockJumpToleranceMs: 1_000 });
    h.due.set('a', h.inMs(2 * dayMs));
    await h.scheduler.start();
    const calls = h.nextDueCalls();
    await sleep(50);
    // Monotonic and wall time agree: the probe alone checks nothing.
    expect(h.nextDueCalls()).toBe(calls);
    h.jump(jumpMs);
    await expect.poll(() => h.nextDueCalls(), waitOptions).toBeGreaterThan(calls);
    if (jumpMs > 0) await expect.poll(() => h.runs, waitOptions).toEqual(['a']);
    else expect(h.runs).toEqual([]);
    // The wake was rebuilt in the new clock's terms.
    await expect.poll(() => h.scheduler.scheduledWakes.has('a'), waitOptions).toBe(true);
  });

  it('never queues a second run for a certificate already running', async () => {
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    let running = 0;
    let most = 0;
    const runs: string[] = [];
    const h = harness({
      run: async (id) => {
        runs.push(id);
        running += 1;
        most = Math.max(most, running);
        await blocked;
        running -= 1;
      },
    });
    h.due.set('a', h.inMs(-1));
    await h.scheduler.start();
    await h.scheduler.reevaluate();
    await h.scheduler.reevaluate();
    expect(h.queue.running).toEqual(['a']);
    release();
    await h.queue.onIdle();
    expect(runs).toEqual(['a']);
    expect(most).toBe(1);
  });

  it('does not loop on a run that leaves its certificate due', async () => {
    const runs: string[] = [];
    const h = harness({
      run: (id) => {
        runs.push(id);
        return Promise.reject(new Error('renewal crashed before recording anything'));
      },
    });
    h.due.set('stuck', h.inMs(-1));
    await h.scheduler.start();
    await h.queue.onIdle();
    await sleep(50);
    await h.queue.onIdle();
    expect(runs).toEqual(['stuck']);
    expect(h.queueErrors).toHaveLength(1);
    // The next full check tries again.
    await h.scheduler.reevaluate();
    await h.queue.onIdle();
    expect(runs).toEqual(['stuck', 'stuck']);
  });

  it('reports a failing nextDue and keeps checking', async () => {
    let fail = true;
    const h = harness({
      checkIntervalMs: 30,
      jitter: 0,
      nextDue: () =>
        fail ? Promise.reject(new Error('settings unreadable')) : Promise.resolve([{ id: 'a', dueAt: new Date(Date.now() - 1) }]),
      run: (id) => {
        h.runs.push(id);
        h.due.set(id, h.inMs(dayMs));
        fail = true;
        return Promise.resolve();
      },
    });
    await h.scheduler.start();
    expect(h.schedulerErrors).toEqual([new Error('settings unreadable')]);
    fail = false;
    await expect.poll(() => h.runs, waitOptions).toEqual(['a']);
  });

  it('stop cancels every wake, lets the running job finish and leaves the queue stopped', async () => {
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const order: string[] = [];
    const h = harness({
      run: async (id) => {
        order.push(`run ${id}`);
        await blocked;
        order.push(`done ${id}`);
      },
    });
    h.due.set('a', h.inMs(-1));
    h.due.set('b', h.inMs(-1));
    h.due.set('c', h.inMs(-1));
    h.due.set('later', h.inMs(40));
    await h.scheduler.start();
    expect(h.queue.running).toEqual(['a', 'b']);
    expect(h.queue.queued).toEqual(['c']);
    const stopped = h.scheduler.stop().then(() => order.push('stopped'));
    expect(h.scheduler.scheduledWakes.size).toBe(0);
    release();
    await stopped;
    expect(order).toEqual(['run a', 'run b', 'done a', 'done b', 'stopped']);
    expect(await h.queue.enqueue('x', () => Promise.resolve())).toBe('dropped');
    await sleep(80);
    expect(order).not.toContain('run later');
    await expect(h.scheduler.start()).rejects.toThrow(/has been stopped/);
  });

  it.each([
    { name: 'a zero check interval', options: { checkIntervalMs: 0 } },
    { name: 'a negative probe interval', options: { jumpProbeMs: -5 } },
    { name: 'jitter of 1', options: { jitter: 1 } },
    { name: 'negative jitter', options: { jitter: -0.1 } },
  ])('rejects $name', ({ options }) => {
    const queue = new JobQueue({ onError: () => undefined });
    const base = { nextDue: () => Promise.resolve([]), run: () => Promise.resolve(), queue, onError: () => undefined };
    expect(() => new RenewalScheduler({ ...base, ...options })).toThrow(/Unable to create the renewal scheduler/);
  });
});
