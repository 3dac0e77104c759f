import { describe, expect, it } from 'vitest';
import type { OrderEventName, OrderLogEntryDto } from '../../../../preload/contract.ts';
import { nextProgress, orderSteps, stepOf, type OrderProgress, type OrderStep } from '../../../../renderer/store/order-progress.ts';

/** Every event name of the closed vocabulary, with what it does to the progress bar. */
const table: ReadonlyArray<readonly [OrderEventName, OrderStep | 'done' | undefined]> = [
  ['cert_obtaining', 'creating_order'],
  ['order_created', 'creating_order'],
  ['order_resumed', 'creating_order'],
  ['order_status', undefined],
  ['acme_request', undefined],
  ['challenge_presented', 'presenting_challenge'],
  ['challenge_answered', 'waiting_validation'],
  ['challenge_cleaned', undefined],
  ['authorization_status', 'waiting_validation'],
  ['finalize_sent', 'finalizing'],
  ['finalize_failed', 'done'],
  ['cert_downloaded', 'downloading'],
  ['cert_obtained', 'done'],
  ['cert_exported', undefined],
  ['cert_failed', 'done'],
  ['rate_limited', 'done'],
  ['retry_scheduled', 'done'],
  ['ca_failover', undefined],
  ['export_failed', undefined],
  ['hook_run', undefined],
  ['hook_failed', undefined],
  ['cert_revoked', 'done'],
  ['cert_rolled_back', 'done'],
];

const entry = (event: OrderEventName, time = '2026-03-01T12:00:05.000Z'): OrderLogEntryDto => ({ time, certId: 'example-com', event, message: event });

describe('stepOf', () => {
  it('covers every event name exactly once', () => {
    const names = table.map(([name]) => name);
    expect(new Set(names).size).toBe(names.length);
    // The union has 23 members today; a new event name must be added to this table.
    expect(names).toHaveLength(23);
  });

  it.each(table)('%s → %s', (event, step) => {
    expect(stepOf(event)).toBe(step);
  });

  it('offers six steps in order, ending with exporting', () => {
    expect(orderSteps).toEqual(['creating_order', 'presenting_challenge', 'waiting_validation', 'finalizing', 'downloading', 'exporting']);
  });
});

describe('nextProgress', () => {
  const at = (step: OrderStep, since = '2026-03-01T12:00:00.000Z'): OrderProgress => ({ step, since });

  it.each(table.filter(([, step]) => step !== undefined && step !== 'done'))('starts %s from nothing at the entry time', (event, step) => {
    expect(nextProgress(undefined, entry(event))).toEqual({ step, since: '2026-03-01T12:00:05.000Z' });
  });

  it.each(table.filter(([, step]) => step === 'done'))('%s ends the order', (event) => {
    expect(nextProgress(at('finalizing'), entry(event))).toBeUndefined();
    expect(nextProgress(undefined, entry(event))).toBeUndefined();
  });

  it.each(table.filter(([, step]) => step === undefined))('%s leaves the progress as it is (same object)', (event) => {
    const current = at('waiting_validation');
    expect(nextProgress(current, entry(event))).toBe(current);
    expect(nextProgress(undefined, entry(event))).toBeUndefined();
  });

  it('never goes backwards within an order: a late authorization update keeps "finalizing"', () => {
    const current = at('finalizing');
    expect(nextProgress(current, entry('authorization_status'))).toBe(current);
    expect(nextProgress(current, entry('challenge_presented'))).toBe(current);
  });

  it('keeps the start time while the step repeats (several challenges)', () => {
    const current = at('presenting_challenge');
    expect(nextProgress(current, entry('challenge_presented', '2026-03-01T12:00:09.000Z'))).toBe(current);
  });

  it('moves forward with the new step’s time', () => {
    expect(nextProgress(at('waiting_validation'), entry('finalize_sent', '2026-03-01T12:00:07.000Z'))).toEqual({ step: 'finalizing', since: '2026-03-01T12:00:07.000Z' });
  });

  it('restarts at "creating order" when a new order begins (a retry or a resumed order)', () => {
    for (const event of ['cert_obtaining', 'order_created', 'order_resumed'] as const) {
      expect(nextProgress(at('downloading'), entry(event, '2026-03-01T13:00:00.000Z'))).toEqual({ step: 'creating_order', since: '2026-03-01T13:00:00.000Z' });
    }
  });
});
