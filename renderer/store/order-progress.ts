import type { OrderEventName, OrderLogEntryDto } from '../../preload/contract.ts';

/** The steps of an order as the dashboard's progress bar shows them, in order. */
export const orderSteps = ['creating_order', 'presenting_challenge', 'waiting_validation', 'finalizing', 'downloading', 'exporting'] as const;

/** One step of an order. */
export type OrderStep = (typeof orderSteps)[number];

/** Where a certificate's running order stands: its step and when that step began. */
export interface OrderProgress {
  readonly step: OrderStep;
  readonly since: string;
}

/**
 * What one order log event means for the progress bar: a step it starts, `done` when the order
 * ended (obtained, failed, retry scheduled), or `undefined` for events that don't move it
 * (`acme_request`, `order_status`, …). Pure, so every event name is tested in a table.
 */
export function stepOf(event: OrderEventName): OrderStep | 'done' | undefined {
  switch (event) {
    case 'cert_obtaining':
    case 'order_created':
    case 'order_resumed':
      return 'creating_order';
    case 'challenge_presented':
      return 'presenting_challenge';
    case 'challenge_answered':
    case 'authorization_status':
      return 'waiting_validation';
    case 'finalize_sent':
      return 'finalizing';
    case 'cert_downloaded':
      return 'downloading';
    case 'cert_obtained':
    case 'cert_failed':
    case 'finalize_failed':
    case 'rate_limited':
    case 'retry_scheduled':
    case 'cert_revoked':
    case 'cert_rolled_back':
      return 'done';
    case 'order_status':
    case 'acme_request':
    case 'challenge_cleaned':
    case 'ca_failover':
    case 'export_failed':
    case 'hook_failed':
    case 'cert_exported':
    case 'hook_run':
      // Exports run after `cert_obtained` ended the order; the export action shows its own step.
      return undefined;
  }
}

/**
 * The progress after `entry`: a new step replaces the old one (a step never goes backwards within
 * one order: a late `authorization_status` after finalizing keeps `finalizing`), `done` clears it.
 */
export function nextProgress(current: OrderProgress | undefined, entry: OrderLogEntryDto): OrderProgress | undefined {
  const step = stepOf(entry.event);
  if (step === undefined) return current;
  if (step === 'done') return undefined;
  if (entry.event === 'cert_obtaining' || entry.event === 'order_created' || entry.event === 'order_resumed') {
    return { step, since: entry.time };
  }
  if (current !== undefined && orderSteps.indexOf(step) < orderSteps.indexOf(current.step)) return current;
  if (current?.step === step) return current;
  return { step, since: entry.time };
}
