import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ClockContext, useClockValue, useNow } from '../../../../renderer/hooks/use-now.ts';
import { createManualClock } from '../support/manual-clock.ts';

describe('useNow and useClockValue', () => {
  it('re-renders useNow on every tick of the provided clock', () => {
    const manual = createManualClock('2026-03-01T12:00:00.000Z');
    function Now() {
      return <p>{new Date(useNow()).toISOString()}</p>;
    }
    render(
      <ClockContext value={manual.clock}>
        <Now />
      </ClockContext>,
    );
    expect(screen.getByText('2026-03-01T12:00:00.000Z')).toBeDefined();
    act(() => {
      manual.tick();
    });
    expect(screen.getByText('2026-03-01T12:00:01.000Z')).toBeDefined();
  });

  it('re-renders a useClockValue caller only when its selected value changes', () => {
    const manual = createManualClock('2026-03-01T12:00:00.000Z');
    let renders = 0;
    function Minute() {
      renders += 1;
      const minute = useClockValue((now) => Math.floor(now / 60_000) % 60);
      return <p>minute {minute}</p>;
    }
    render(
      <ClockContext value={manual.clock}>
        <Minute />
      </ClockContext>,
    );
    const first = renders;
    for (let i = 0; i < 59; i += 1) {
      act(() => {
        manual.tick();
      });
    }
    expect(renders).toBe(first);
    expect(screen.getByText('minute 0')).toBeDefined();

    act(() => {
      manual.tick();
    });
    expect(screen.getByText('minute 1')).toBeDefined();
    expect(renders).toBe(first + 1);
  });

  it('shares one timer among all callers, started on the first and stopped after the last unmounts', () => {
    const manual = createManualClock('2026-03-01T12:00:00.000Z');
    function Seconds() {
      return <span>{useNow()}</span>;
    }
    const view = render(
      <ClockContext value={manual.clock}>
        <Seconds />
        <Seconds />
        <Seconds />
      </ClockContext>,
    );
    expect(manual.running).toBe(true);
    expect(manual.starts).toBe(1);
    view.unmount();
    expect(manual.running).toBe(false);
  });
});
