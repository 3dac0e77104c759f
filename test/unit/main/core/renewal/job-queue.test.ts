import { describe, expect, it } from 'vitest';
import { JobQueue } from '../../../../../main/core/renewal/job-queue.ts';
import type { JobOutcome } from '../../../../../main/core/renewal/job-queue.ts';

interface Gate {
  readonly promise: Promise<void>;
  readonly open: () => void;
}

function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Lets queued microtasks and the queue's pump run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function collectingQueue(concurrency?: number): { queue: JobQueue; errors: [unknown, string][] } {
  const errors: [unknown, string][] = [];
  const onError = (error: unknown, id: string): void => {
    errors.push([error, id]);
  };
  const queue = concurrency === undefined ? new JobQueue({ onError }) : new JobQueue({ concurrency, onError });
  return { queue, errors };
}

describe('JobQueue', () => {
  it('runs a job once when its id is enqueued again while queued or running', async () => {
    const { queue } = collectingQueue(1);
    const blocker = gate();
    const calls: string[] = [];
    const first = queue.enqueue('a', async () => {
      calls.push('a1');
      await blocker.promise;
    });
    const firstWhileQueued = queue.enqueue('b', () => {
      calls.push('b1');
      return Promise.resolve();
    });
    const secondWhileQueued = queue.enqueue('b', () => {
      calls.push('b2');
      return Promise.resolve();
    });
    const secondWhileRunning = queue.enqueue('a', () => {
      calls.push('a2');
      return Promise.resolve();
    });
    expect(secondWhileQueued).toBe(firstWhileQueued);
    expect(secondWhileRunning).toBe(first);
    expect(queue.running).toEqual(['a']);
    expect(queue.queued).toEqual(['b']);
    blocker.open();
    expect(await Promise.all([first, firstWhileQueued])).toEqual(['succeeded', 'succeeded']);
    expect(calls).toEqual(['a1', 'b1']);
    // Once finished, the id may run again.
    await queue.enqueue('a', () => {
      calls.push('a3');
      return Promise.resolve();
    });
    expect(calls).toEqual(['a1', 'b1', 'a3']);
  });

  it.each([
    { concurrency: undefined, expected: 2 },
    { concurrency: 1, expected: 1 },
    { concurrency: 3, expected: 3 },
  ])('never runs more than $expected jobs at once (concurrency $concurrency)', async ({ concurrency, expected }) => {
    const { queue } = collectingQueue(concurrency);
    let running = 0;
    let most = 0;
    const gates = Array.from({ length: 7 }, () => gate());
    const done = gates.map((g, index) =>
      queue.enqueue(`cert-${index}`, async () => {
        running += 1;
        most = Math.max(most, running);
        await g.promise;
        running -= 1;
      }),
    );
    await settle();
    expect(running).toBe(expected);
    for (const g of gates) {
      g.open();
      await settle();
      expect(running).toBeLessThanOrEqual(expected);
    }
    await Promise.all(done);
    expect(most).toBe(expected);
    expect(running).toBe(0);
  });

  it('starts jobs in the order they were enqueued', async () => {
    const { queue } = collectingQueue(1);
    const started: string[] = [];
    const ids = ['c', 'a', 'd', 'b'];
    for (const id of ids) {
      void queue.enqueue(id, async () => {
        started.push(id);
        await settle();
      });
    }
    await queue.onIdle();
    expect(started).toEqual(ids);
  });

  it('reports a failing job to onError and keeps running the others', async () => {
    const { queue, errors } = collectingQueue(2);
    const boom = new Error('CA unreachable');
    const outcomes = await Promise.all([
      queue.enqueue('ok-1', () => Promise.resolve()),
      queue.enqueue('bad', () => Promise.reject(boom)),
      queue.enqueue('throws-sync', () => {
        throw boom;
      }),
      queue.enqueue('ok-2', () => Promise.resolve()),
    ]);
    expect(outcomes).toEqual<JobOutcome[]>(['succeeded', 'failed', 'failed', 'succeeded']);
    // Both ran concurrently, so which reported first is not part of the contract.
    expect(errors).toHaveLength(2);
    expect(errors).toEqual(
      expect.arrayContaining([
        [boom, 'bad'],
        [boom, 'throws-sync'],
      ]),
    );
  });

  it('survives an onError that throws', async () => {
    const queue = new JobQueue({
      onError: () => {
        throw new Error('reporter broken');
      },
    });
    expect(await queue.enqueue('bad', () => Promise.reject(new Error('x')))).toBe('failed');
    expect(await queue.enqueue('next', () => Promise.resolve())).toBe('succeeded');
  });

  it('resolves onIdle at once when empty and after the last job otherwise', async () => {
    const { queue } = collectingQueue();
    await queue.onIdle();
    const order: string[] = [];
    const g = gate();
    void queue.enqueue('a', async () => {
      await g.promise;
      order.push('job');
    });
    const idle = queue.onIdle().then(() => order.push('idle'));
    await settle();
    expect(order).toEqual([]);
    g.open();
    await idle;
    expect(order).toEqual(['job', 'idle']);
  });

  it('stop lets running jobs finish, drops queued ones and refuses new ones', async () => {
    const { queue } = collectingQueue(1);
    const order: string[] = [];
    const g = gate();
    let signal: AbortSignal | undefined;
    const running = queue.enqueue('running', async (s) => {
      signal = s;
      await g.promise;
      order.push('running finished');
    });
    let queuedRan = false;
    const queued = queue.enqueue('queued', () => {
      queuedRan = true;
      return Promise.resolve();
    });
    await settle();
    const stopped = queue.stop().then(() => order.push('stopped'));
    expect(await queued).toBe('dropped');
    expect(signal?.aborted).toBe(true);
    expect(await queue.enqueue('late', () => Promise.resolve())).toBe('dropped');
    await settle();
    expect(order).toEqual([]);
    g.open();
    await stopped;
    expect(await running).toBe('succeeded');
    expect(order).toEqual(['running finished', 'stopped']);
    expect(queuedRan).toBe(false);
    expect(queue.has('queued')).toBe(false);
  });

  it('stop without drain resolves before the running job ends', async () => {
    const { queue } = collectingQueue(1);
    const g = gate();
    const running = queue.enqueue('a', () => g.promise);
    await settle();
    await queue.stop({ drain: false });
    expect(queue.running).toEqual(['a']);
    g.open();
    expect(await running).toBe('succeeded');
    await queue.onIdle();
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects concurrency %s', (concurrency) => {
    expect(() => new JobQueue({ concurrency, onError: () => undefined })).toThrow(/Unable to create the renewal queue/);
  });
});
