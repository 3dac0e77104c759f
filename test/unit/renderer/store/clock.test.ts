import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClock, TICK_MS } from '../../../../renderer/store/clock.ts';

describe('createClock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse('2026-03-01T12:00:00.000Z'), toFake: ['setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A clock on the fake timers (the page's own source reads `window`, which the fakes do not reach). */
  const fakeTimersClock = () =>
    createClock({
      now: () => Date.now(),
      setInterval: (callback, ms) => setInterval(callback, ms),
      clearInterval: (handle) => {
        clearInterval(handle as ReturnType<typeof setInterval>);
      },
    });

  it('ticks once a second while subscribed, and notifies every listener with the same time', () => {
    const clock = fakeTimersClock();
    const seen: Array<[string, number]> = [];
    const offA = clock.subscribe(() => seen.push(['a', clock.now()]));
    const offB = clock.subscribe(() => seen.push(['b', clock.now()]));

    vi.advanceTimersByTime(TICK_MS * 3);
    const start = Date.parse('2026-03-01T12:00:00.000Z');
    expect(seen).toEqual([
      ['a', start + 1000],
      ['b', start + 1000],
      ['a', start + 2000],
      ['b', start + 2000],
      ['a', start + 3000],
      ['b', start + 3000],
    ]);
    offA();
    offB();
  });

  it('runs no timer while nobody listens, and stops when the last listener leaves', () => {
    const clock = fakeTimersClock();
    expect(vi.getTimerCount()).toBe(0);

    const off1 = clock.subscribe(() => undefined);
    const off2 = clock.subscribe(() => undefined);
    expect(vi.getTimerCount()).toBe(1);

    off1();
    expect(vi.getTimerCount()).toBe(1);
    off2();
    expect(vi.getTimerCount()).toBe(0);
    // A second unsubscribe is harmless and starts nothing.
    off2();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not call a listener after it unsubscribed, and a listener subscribed twice counts twice', () => {
    const clock = fakeTimersClock();
    let calls = 0;
    const listener = (): void => {
      calls += 1;
    };
    const first = clock.subscribe(listener);
    const second = clock.subscribe(listener);
    vi.advanceTimersByTime(TICK_MS);
    expect(calls).toBe(2);

    first();
    vi.advanceTimersByTime(TICK_MS);
    expect(calls).toBe(3);

    second();
    vi.advanceTimersByTime(TICK_MS * 5);
    expect(calls).toBe(3);
  });

  it('keeps notifying the others when one listener throws', () => {
    const clock = fakeTimersClock();
    const reported = vi.spyOn(globalThis, 'reportError').mockImplementation(() => undefined);
    let reached = false;
    const offBad = clock.subscribe(() => {
      throw new Error('broken listener');
    });
    const offGood = clock.subscribe(() => {
      reached = true;
    });
    vi.advanceTimersByTime(TICK_MS);
    expect(reached).toBe(true);
    expect(reported).toHaveBeenCalledWith(new Error('broken listener'));
    offBad();
    offGood();
    reported.mockRestore();
  });

  it('reads the same time twice in a row while idle, and catches up in whole seconds', () => {
    let source = Date.parse('2026-03-01T12:00:00.000Z');
    const clock = createClock({ now: () => source, setInterval: () => 1, clearInterval: () => undefined });
    const first = clock.now();
    source += 400;
    expect(clock.now()).toBe(first);
    source += 700;
    expect(clock.now()).toBe(first + 1100);
    expect(clock.now()).toBe(first + 1100);
  });

  it('reads the time of the last tick while running, not the source between ticks', () => {
    let source = Date.parse('2026-03-01T12:00:00.000Z');
    let fire: () => void = () => undefined;
    const clock = createClock({
      now: () => source,
      setInterval: (callback) => {
        fire = callback;
        return 1;
      },
      clearInterval: () => undefined,
    });
    const off = clock.subscribe(() => undefined);
    const atSubscribe = clock.now();
    source += 1500;
    expect(clock.now()).toBe(atSubscribe);
    fire();
    expect(clock.now()).toBe(atSubscribe + 1500);
    off();
  });
});
