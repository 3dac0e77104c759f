/**
 * Decides when renewal work happens: a check on a jittered interval, a wake at each certificate's
 * next due time (node-schedule one-off jobs), and a full re-evaluation after the wall clock jumps
 * (sleep, resume, NTP step). What is due, and the renewal itself, belong to the caller; the queue
 * keeps one job per certificate.
 */

import { performance } from 'node:perf_hooks';
import { scheduleJob } from 'node-schedule';
import type { Job as ScheduledJob } from 'node-schedule';
import { CertDeskError } from '../errors.ts';
import type { JobQueue } from './job-queue.ts';

/** A certificate's next renewal attempt time, as computed by the caller with `renewalDecision`. */
export interface DueCertificate {
  readonly id: string;
  readonly dueAt: Date;
}

/** What the scheduler was doing when something failed, for {@link RenewalSchedulerOptions.onError}. */
export type SchedulerPhase = 'check';

/** Options of {@link RenewalScheduler}. */
export interface RenewalSchedulerOptions {
  /** Time between routine checks, before jitter. Default 1 hour (certmagic checks renewals hourly too). */
  readonly checkIntervalMs?: number;
  /**
   * Spread of each check interval as a fraction either way. Default 0.1 (±10%), so several CertDesk
   * installs started together do not query their CAs in the same second. Must be in [0, 1).
   */
  readonly jitter?: number;
  /** The wall clock that due times are compared with. Default `() => new Date()`. */
  readonly clock?: () => Date;
  /** A monotonic clock in milliseconds, which sleep and NTP steps do not move. Default `performance.now()`. */
  readonly monotonic?: () => number;
  /**
   * Largest disagreement between wall-clock and monotonic elapsed time before the scheduler treats
   * it as a clock jump and re-evaluates everything. Default 1 minute: far above timer lateness on a
   * loaded machine, far below any sleep worth noticing.
   */
  readonly clockJumpToleranceMs?: number;
  /**
   * How often the clocks are compared while nothing else wakes the scheduler. Default 1 minute, so
   * a resumed laptop catches up within a minute even where the shell cannot report `resume`.
   */
  readonly jumpProbeMs?: number;
  /** Randomness for the jitter, in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /**
   * Every certificate that should be renewed, with its next attempt time; a certificate absent from
   * the list is not renewed (removed, monitor-only, or waiting for an admin). Read on every check.
   */
  readonly nextDue: () => Promise<ReadonlyArray<DueCertificate>>;
  /**
   * Renews one certificate (taking its lock, re-checking, recording the outcome so that the next
   * `nextDue` moves its time on). Its errors go to the queue's `onError`.
   */
  readonly run: (id: string, signal: AbortSignal) => Promise<void>;
  /** Where due certificates go; its deduplication keeps one job per certificate. */
  readonly queue: JobQueue;
  /** Receives failures of the scheduler itself (such as `nextDue` throwing); it keeps going after them. */
  readonly onError: (error: unknown, phase: SchedulerPhase) => void;
}

const minuteMs = 60_000;
/** Default of {@link RenewalSchedulerOptions.checkIntervalMs}. */
export const defaultCheckIntervalMs = 60 * minuteMs;
/** Default of {@link RenewalSchedulerOptions.jitter}. */
export const defaultCheckJitter = 0.1;
/** Default of {@link RenewalSchedulerOptions.clockJumpToleranceMs}. */
export const defaultClockJumpToleranceMs = minuteMs;
/** Default of {@link RenewalSchedulerOptions.jumpProbeMs}. */
export const defaultJumpProbeMs = minuteMs;

/**
 * Why a check runs. A `full` check (start, interval, re-evaluation) enqueues everything due; a
 * `followup` check (a due-time wake, the end of a run) skips a certificate whose due time has not
 * moved past the start of its last run, so a `run` that records nothing cannot spin in a loop —
 * the next full check retries it.
 */
type CheckKind = 'full' | 'followup';

interface Wake {
  readonly dueAtMs: number;
  readonly job: ScheduledJob;
}

/**
 * Wakes renewal work at the right times. Construct it, then `start()`; `stop()` ends it for good
 * (the queue is stopped too) and leaves no timer or node-schedule job behind. The constructor only
 * validates options.
 */
export class RenewalScheduler {
  readonly #checkIntervalMs: number;
  readonly #jitter: number;
  readonly #clock: () => Date;
  readonly #monotonic: () => number;
  readonly #toleranceMs: number;
  readonly #probeMs: number;
  readonly #random: () => number;
  readonly #nextDue: () => Promise<ReadonlyArray<DueCertificate>>;
  readonly #run: (id: string, signal: AbortSignal) => Promise<void>;
  readonly #queue: JobQueue;
  readonly #onError: (error: unknown, phase: SchedulerPhase) => void;

  readonly #wakes = new Map<string, Wake>();
  /** Clock time (ms) at which each certificate's last run started; see {@link CheckKind}. */
  readonly #lastRunStart = new Map<string, number>();
  #intervalJob: ScheduledJob | null = null;
  #probe: NodeJS.Timeout | null = null;
  #lastTick: { wallMs: number; monoMs: number } | null = null;
  #checking: Promise<void> | null = null;
  #pendingCheck: CheckKind | null = null;
  #state: 'new' | 'running' | 'stopped' = 'new';

  /**
   * @throws CertDeskError `invalid_input` if an interval is not positive or the jitter is outside [0, 1).
   */
  constructor(options: RenewalSchedulerOptions) {
    this.#checkIntervalMs = positive('check interval', options.checkIntervalMs ?? defaultCheckIntervalMs);
    this.#jitter = options.jitter ?? defaultCheckJitter;
    if (!(this.#jitter >= 0 && this.#jitter < 1)) {
      throw new CertDeskError('invalid_input', `Unable to create the renewal scheduler, jitter ${this.#jitter} is outside [0, 1)`, {
        remedy: 'Use a fraction such as 0.1 for ±10%.',
      });
    }
    this.#toleranceMs = positive('clock jump tolerance', options.clockJumpToleranceMs ?? defaultClockJumpToleranceMs);
    this.#probeMs = positive('clock probe interval', options.jumpProbeMs ?? defaultJumpProbeMs);
    this.#clock = options.clock ?? (() => new Date());
    this.#monotonic = options.monotonic ?? (() => performance.now());
    this.#random = options.random ?? Math.random;
    this.#nextDue = options.nextDue;
    this.#run = options.run;
    this.#queue = options.queue;
    this.#onError = options.onError;
  }

  /**
   * Checks at once, then on the jittered interval and at each due time. Returns after the first
   * check (its failure goes to `onError`, not to the caller). Calling it again is harmless.
   *
   * @throws CertDeskError `invalid_input` if the scheduler was stopped: make a new one.
   */
  async start(): Promise<void> {
    if (this.#state === 'stopped') {
      throw new CertDeskError('invalid_input', 'Unable to start the renewal scheduler, it has been stopped', {
        remedy: 'Create a new scheduler and queue.',
      });
    }
    if (this.#state === 'running') return;
    this.#state = 'running';
    this.#markTick();
    this.#scheduleInterval();
    this.#probe = setInterval(() => {
      this.#tick();
    }, this.#probeMs);
    await this.#requestCheck('full');
  }

  /**
   * Forgets every due-time wake and checks everything again now, restarting the interval. For the
   * shell to call on `powerMonitor` resume; the scheduler also calls it itself on a clock jump.
   * Resolves after that check; does nothing once stopped.
   */
  async reevaluate(): Promise<void> {
    if (this.#state !== 'running') return;
    this.#markTick();
    this.#cancelWakes();
    this.#scheduleInterval();
    await this.#requestCheck('full');
  }

  /**
   * Cancels every node-schedule job and timer, then stops the queue: queued certificates are
   * dropped, running ones finish. Resolves when nothing is left running. Calling it again is harmless.
   */
  async stop(): Promise<void> {
    this.#state = 'stopped';
    this.#pendingCheck = null;
    this.#cancelWakes();
    this.#intervalJob?.cancel();
    this.#intervalJob = null;
    if (this.#probe !== null) clearInterval(this.#probe);
    this.#probe = null;
    await this.#checking;
    await this.#queue.stop({ drain: true });
  }

  /** The certificates with a due-time wake pending and when it fires, for `cert show` and tests. */
  get scheduledWakes(): ReadonlyMap<string, Date> {
    return new Map([...this.#wakes].map(([id, wake]) => [id, new Date(wake.dueAtMs)]));
  }

  #markTick(): void {
    this.#lastTick = { wallMs: this.#clock().getTime(), monoMs: this.#monotonic() };
  }

  /** Compares the clocks since the last tick; returns true if it started a re-evaluation for a jump. */
  #tick(): boolean {
    const last = this.#lastTick;
    const wallMs = this.#clock().getTime();
    const monoMs = this.#monotonic();
    this.#lastTick = { wallMs, monoMs };
    if (last === null) return false;
    const drift = wallMs - last.wallMs - (monoMs - last.monoMs);
    if (Math.abs(drift) <= this.#toleranceMs) return false;
    void this.reevaluate();
    return true;
  }

  /**
   * node-schedule fires on the real wall clock, while due times are in the injected clock's terms:
   * converting through "how long from now" keeps both consistent whatever the clock is.
   */
  #at(delayMs: number, fire: () => void): ScheduledJob | null {
    // node-schedule returns null for a date already past (the declared type omits it).
    const job: ScheduledJob | null = scheduleJob(new Date(Date.now() + Math.max(1, delayMs)), fire);
    return job;
  }

  #scheduleInterval(): void {
    this.#intervalJob?.cancel();
    const delayMs = this.#checkIntervalMs * (1 + this.#jitter * (2 * this.#random() - 1));
    this.#intervalJob = this.#at(delayMs, () => {
      this.#intervalJob = null;
      if (this.#state !== 'running' || this.#tick()) return;
      this.#scheduleInterval();
      void this.#requestCheck('full');
    });
  }

  #cancelWakes(): void {
    for (const wake of this.#wakes.values()) wake.job.cancel();
    this.#wakes.clear();
  }

  /**
   * Runs a check, or if one is in progress, one more after it (a `full` request wins over a
   * `followup` one). Resolves when the check that covers this request has finished. Never rejects.
   */
  #requestCheck(kind: CheckKind): Promise<void> {
    if (this.#state !== 'running') return Promise.resolve();
    if (this.#checking !== null) {
      this.#pendingCheck = this.#pendingCheck === 'full' || kind === 'full' ? 'full' : 'followup';
      // The running loop picks the pending request up before it settles.
      return this.#checking;
    }
    const loop = async (): Promise<void> => {
      let next: CheckKind | null = kind;
      while (next !== null && this.#state === 'running') {
        this.#pendingCheck = null;
        try {
          await this.#check(next);
        } catch (error) {
          try {
            this.#onError(error, 'check');
          } catch {
            // A broken error reporter must not stop the scheduler.
          }
        }
        next = this.#pendingCheck;
      }
    };
    this.#checking = loop().finally(() => {
      this.#checking = null;
    });
    return this.#checking;
  }

  async #check(kind: CheckKind): Promise<void> {
    const list = await this.#nextDue();
    if (this.#state !== 'running') return;
    const nowMs = this.#clock().getTime();
    const seen = new Set<string>();
    for (const { id, dueAt } of list) {
      seen.add(id);
      const dueAtMs = dueAt.getTime();
      if (dueAtMs <= nowMs) {
        this.#cancelWake(id);
        const lastStart = this.#lastRunStart.get(id);
        if (kind === 'followup' && lastStart !== undefined && dueAtMs <= lastStart) continue;
        this.#enqueue(id);
      } else {
        this.#wakeAt(id, dueAtMs, nowMs);
      }
    }
    for (const id of [...this.#wakes.keys()]) if (!seen.has(id)) this.#cancelWake(id);
    for (const id of [...this.#lastRunStart.keys()]) if (!seen.has(id)) this.#lastRunStart.delete(id);
  }

  #enqueue(id: string): void {
    void this.#queue.enqueue(id, async (signal) => {
      this.#lastRunStart.set(id, this.#clock().getTime());
      try {
        await this.#run(id, signal);
      } finally {
        // The run moved this certificate's due time (renewed, or a retry planned): learn it now.
        void this.#requestCheck('followup');
      }
    });
  }

  #wakeAt(id: string, dueAtMs: number, nowMs: number): void {
    if (this.#wakes.get(id)?.dueAtMs === dueAtMs) return;
    this.#cancelWake(id);
    const job = this.#at(dueAtMs - nowMs, () => {
      this.#wakes.delete(id);
      if (this.#state !== 'running' || this.#tick()) return;
      void this.#requestCheck('followup');
    });
    if (job === null) {
      void this.#requestCheck('followup');
      return;
    }
    this.#wakes.set(id, { dueAtMs, job });
  }

  #cancelWake(id: string): void {
    this.#wakes.get(id)?.job.cancel();
    this.#wakes.delete(id);
  }
}

function positive(what: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new CertDeskError('invalid_input', `Unable to create the renewal scheduler, the ${what} ${value} ms is not positive`, {
      remedy: `Set the ${what} to a positive number of milliseconds.`,
    });
  }
  return value;
}
