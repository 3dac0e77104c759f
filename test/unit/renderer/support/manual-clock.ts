import { createClock, type Clock } from '../../../../renderer/store/clock.ts';

/** A {@link Clock} whose time moves only when a test says so, and whose timer a test can see. */
export interface ManualClock {
  readonly clock: Clock;
  /** Whether the clock's one-second timer is running (someone subscribed). */
  readonly running: boolean;
  /** How many times the timer was started. */
  readonly starts: number;
  /** The time, ms since the epoch. */
  readonly nowMs: number;
  /**
   * Moves the time forward by `ms` and fires the timer once if it runs (one tick, whatever `ms`):
   * wrap it in `act()` when components listen.
   */
  tick(ms?: number): void;
}

/** A {@link ManualClock} starting at `startIso`. */
export function createManualClock(startIso: string): ManualClock {
  let now = Date.parse(startIso);
  let callback: (() => void) | undefined;
  let starts = 0;
  const clock = createClock({
    now: () => now,
    setInterval: (fire) => {
      callback = fire;
      starts += 1;
      return starts;
    },
    clearInterval: () => {
      callback = undefined;
    },
  });
  return {
    clock,
    get running() {
      return callback !== undefined;
    },
    get starts() {
      return starts;
    },
    get nowMs() {
      return now;
    },
    tick(ms = 1000) {
      now += ms;
      callback?.();
    },
  };
}
