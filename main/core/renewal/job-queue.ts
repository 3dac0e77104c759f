/**
 * The one renewal job queue: jobs keyed by certificate id, deduplicated by that id, run first in
 * first out with bounded concurrency (certmagic's "jobs deduplicated by name"). It is the in-process
 * guard against two renewals of one certificate; the lock file (lock.ts) is the guard across processes.
 */

import { CertDeskError } from '../errors.ts';

/** How a queued job ended: it ran and resolved, it ran and threw, or `stop()` dropped it before it started. */
export type JobOutcome = 'succeeded' | 'failed' | 'dropped';

/**
 * The work for one certificate. `signal` aborts when the queue stops, so a long job can finish its
 * current step and return instead of starting the next one; the queue never cuts a job off itself.
 */
export type Job = (signal: AbortSignal) => Promise<void>;

/** Options of {@link JobQueue}. */
export interface JobQueueOptions {
  /**
   * Most jobs running at once. Default 2: renewals mostly wait on the CA and DNS, and two keeps a
   * burst of due certificates (all issued on one day) from spending the CA's rate limits in one go.
   */
  readonly concurrency?: number;
  /**
   * Receives what a job threw, with its id. Errors never escape as unhandled rejections; an `onError`
   * that throws itself is ignored for the same reason.
   */
  readonly onError: (error: unknown, id: string) => void;
}

/** The default number of jobs running at once; see {@link JobQueueOptions.concurrency}. */
export const defaultConcurrency = 2;

interface Entry {
  readonly id: string;
  readonly job: Job;
  readonly done: Promise<JobOutcome>;
  readonly settle: (outcome: JobOutcome) => void;
}

/**
 * Runs async jobs keyed by certificate id: at most `concurrency` at once, in the order they were
 * enqueued, and never two for one id. Failures of one job are reported to `onError` and do not
 * affect the others. Once stopped, it accepts nothing more.
 */
export class JobQueue {
  readonly #concurrency: number;
  readonly #onError: (error: unknown, id: string) => void;
  readonly #waiting: Entry[] = [];
  readonly #running = new Map<string, Entry>();
  readonly #abort = new AbortController();
  #idleWaiters: (() => void)[] = [];
  #stopped = false;

  /**
   * @throws CertDeskError `invalid_input` if `concurrency` is not a whole number of at least 1.
   */
  constructor(options: JobQueueOptions) {
    const concurrency = options.concurrency ?? defaultConcurrency;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new CertDeskError('invalid_input', `Unable to create the renewal queue, concurrency ${concurrency} is not a whole number of at least 1`, {
        remedy: 'Set the number of certificates renewed at once to 1 or more.',
      });
    }
    this.#concurrency = concurrency;
    this.#onError = options.onError;
  }

  /**
   * Adds the job for `id` unless one is already queued or running for that id, in which case the new
   * `job` is ignored and the existing job's promise is returned. The promise resolves with the
   * outcome when the job ends and never rejects. After `stop()`, resolves with `'dropped'` at once.
   */
  enqueue(id: string, job: Job): Promise<JobOutcome> {
    if (this.#stopped) return Promise.resolve('dropped');
    const existing = this.#running.get(id) ?? this.#waiting.find((entry) => entry.id === id);
    if (existing !== undefined) return existing.done;
    let settle!: (outcome: JobOutcome) => void;
    const done = new Promise<JobOutcome>((resolve) => {
      settle = resolve;
    });
    this.#waiting.push({ id, job, done, settle });
    this.#pump();
    return done;
  }

  /** Whether a job for `id` is queued or running. */
  has(id: string): boolean {
    return this.#running.has(id) || this.#waiting.some((entry) => entry.id === id);
  }

  /** Ids of the jobs running now. */
  get running(): readonly string[] {
    return [...this.#running.keys()];
  }

  /** Ids of the jobs waiting to start, in the order they will start. */
  get queued(): readonly string[] {
    return this.#waiting.map((entry) => entry.id);
  }

  /** Resolves when nothing is running or queued (at once if that is already so). Never rejects. */
  onIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => {
      this.#idleWaiters.push(resolve);
    });
  }

  /**
   * Stops the queue: queued jobs are dropped (their promises resolve `'dropped'`), new ones are
   * refused, and running jobs see their `signal` abort but are left to finish. With `drain` (default
   * true) the returned promise waits for the running jobs; with `drain: false` it resolves at once.
   * Calling it again is harmless.
   */
  async stop(options: { readonly drain?: boolean } = {}): Promise<void> {
    this.#stopped = true;
    for (const entry of this.#waiting.splice(0)) entry.settle('dropped');
    this.#abort.abort();
    if (options.drain ?? true) await this.onIdle();
    else this.#notifyIdle();
  }

  #isIdle(): boolean {
    return this.#running.size === 0 && this.#waiting.length === 0;
  }

  #notifyIdle(): void {
    if (!this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #pump(): void {
    while (!this.#stopped && this.#running.size < this.#concurrency) {
      const entry = this.#waiting.shift();
      if (entry === undefined) break;
      this.#running.set(entry.id, entry);
      void this.#run(entry);
    }
    this.#notifyIdle();
  }

  async #run(entry: Entry): Promise<void> {
    let outcome: JobOutcome = 'succeeded';
    try {
      await entry.job(this.#abort.signal);
    } catch (error) {
      outcome = 'failed';
      try {
        this.#onError(error, entry.id);
      } catch {
        // A broken error reporter must not take the queue down with it.
      }
    }
    this.#running.delete(entry.id);
    entry.settle(outcome);
    this.#pump();
  }
}
