/**
 * One clock for the whole window: every countdown reads the same `now`, and one timer ticks for all
 * of them, however many rows are on screen. The timer runs only while someone listens.
 */
export interface Clock {
  /**
   * Milliseconds since the epoch at the last tick. While nobody listens it follows the source's time
   * in whole steps of one tick, so two reads in a row (React reads a snapshot twice) agree.
   */
  readonly now: () => number;
  /** Calls `listener` after every tick; returns the unsubscribe. Unsubscribing twice is harmless. */
  readonly subscribe: (listener: () => void) => () => void;
}

/** What a {@link Clock} reads time from and schedules its ticks with (tests pass fakes). */
export interface ClockSource {
  readonly now: () => number;
  readonly setInterval: (callback: () => void, ms: number) => unknown;
  readonly clearInterval: (handle: unknown) => void;
}

/** One second: the countdowns' finest unit. */
export const TICK_MS = 1000;

/**
 * Creates a clock ticking every second while it has listeners. A tick reads the time once and then
 * notifies every listener, so rows never disagree about `now` within one frame. A listener that
 * throws does not stop the others: its error goes to `reportError` (the console and the window's
 * `error` event), as an uncaught one would. The first listener starts the timer, the last one to leave
 * stops it: a window with no countdown on screen runs no timer at all.
 */
export function createClock(source: ClockSource = browserClockSource()): Clock {
  const listeners = new Set<() => void>();
  let current = source.now();
  let handle: unknown;
  const tick = (): void => {
    current = source.now();
    for (const listener of [...listeners]) {
      try {
        listener();
      } catch (error) {
        reportError(error);
      }
    }
  };
  return {
    now: () => {
      if (handle === undefined) {
        // Idle: move forward in whole ticks only, so consecutive reads are equal (a snapshot that
        // changes on every read would make React render again and again).
        const time = source.now();
        if (time - current >= TICK_MS || time < current) current = time;
      }
      return current;
    },
    subscribe: (listener) => {
      const entry = (): void => {
        listener();
      };
      listeners.add(entry);
      if (handle === undefined) {
        current = source.now();
        handle = source.setInterval(tick, TICK_MS);
      }
      return () => {
        listeners.delete(entry);
        if (listeners.size === 0 && handle !== undefined) {
          source.clearInterval(handle);
          handle = undefined;
        }
      };
    },
  };
}

/** The page's own time and timers. */
function browserClockSource(): ClockSource {
  return {
    now: () => Date.now(),
    setInterval: (callback, ms) => window.setInterval(callback, ms),
    clearInterval: (handle) => {
      window.clearInterval(handle as number);
    },
  };
}
