import { createContext, use, useSyncExternalStore } from 'react';
import { createClock, type Clock } from '../store/clock.ts';

/** The window's one clock; tests provide their own through {@link ClockContext}. */
export const ClockContext = createContext<Clock | null>(null);

let defaultClock: Clock | undefined;

/** The clock components read: the provided one, else one shared by the whole window. */
export function useClock(): Clock {
  const provided = use(ClockContext);
  if (provided !== null) return provided;
  defaultClock ??= createClock();
  return defaultClock;
}

/**
 * The current time in milliseconds, re-rendering the caller on every tick of the shared clock (once
 * a second). Use it in the smallest component that shows time (a countdown cell), not in a list;
 * prefer {@link useClockValue} when what is shown changes less often than every second.
 */
export function useNow(): number {
  const clock = useClock();
  return useSyncExternalStore(clock.subscribe, clock.now);
}

/** A value {@link useClockValue} can compare cheaply: re-rendering happens only when it changes. */
export type ClockValue = string | number | boolean | null | undefined;

/**
 * What `select` makes of the shared clock's time, re-rendering the caller only when that changes
 * (compared with `Object.is`). A countdown showing "12d 4h 3m" selects its text and re-renders once
 * a minute, not every second; a chart selects the hour. `select` runs on every tick for every
 * subscriber, so it must be cheap and pure, and return a primitive (a new object each time would
 * re-render on every tick).
 */
export function useClockValue<T extends ClockValue>(select: (nowMs: number) => T): T {
  const clock = useClock();
  return useSyncExternalStore(clock.subscribe, () => select(clock.now()));
}
