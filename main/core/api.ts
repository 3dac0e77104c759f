import { z } from 'zod';
import type { InvokeChannel, InvokeChannels, InvokeResult } from '../../preload/contract.ts';
import { CertDeskError, toApiError } from './errors.ts';
import type { CertDeskService } from './service.ts';

/** A handler for one invoke channel: takes the raw payload from outside, returns the response. */
export type ApiHandler<C extends InvokeChannel> = (payload: unknown) => InvokeChannels[C]['response'] | Promise<InvokeChannels[C]['response']>;

/** One handler per invoke channel; the type makes a missing or extra channel a compile error. */
export type ApiHandlers = { readonly [C in InvokeChannel]: ApiHandler<C> };

/** A channel that takes no payload accepts `undefined` only: anything else is a confused caller. */
const noPayload = z.undefined();

/**
 * Binds every invoke channel of `preload/contract.ts` to the service. Each handler validates its raw
 * payload first; the service validates domain rules itself. Both the Electron IPC layer and the E2E
 * bridge dispatch through this table, so the renderer meets the same checks everywhere.
 */
export function createApiHandlers(service: CertDeskService): ApiHandlers {
  return {
    'app:info': (payload) => {
      expectNoPayload('app:info', payload);
      return service.appInfo();
    },
    'settings:get': (payload) => {
      expectNoPayload('settings:get', payload);
      return service.getSettings();
    },
    'settings:update': (payload) => service.updateSettings(payload),
  };
}

/** Whether `channel` names an invoke channel of the contract (payloads from outside are untrusted). */
export function isInvokeChannel(handlers: ApiHandlers, channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && Object.hasOwn(handlers, channel);
}

/**
 * Runs the handler for `channel` and wraps the outcome in the envelope that crosses the bridge:
 * errors become `{code, message, remedy}` instead of losing their fields on the way.
 */
export async function dispatch(handlers: ApiHandlers, channel: unknown, payload: unknown): Promise<InvokeResult<unknown>> {
  try {
    if (!isInvokeChannel(handlers, channel)) {
      throw new CertDeskError('invalid_input', `Unable to handle the request, unknown channel ${JSON.stringify(channel)}`);
    }
    const handler = handlers[channel] as (payload: unknown) => unknown;
    return { ok: true, value: await handler(payload) };
  } catch (error) {
    return { ok: false, error: toApiError(error) };
  }
}

function expectNoPayload(channel: InvokeChannel, payload: unknown): void {
  if (!noPayload.safeParse(payload).success) {
    throw new CertDeskError('invalid_input', `Unable to handle ${channel}, it takes no arguments`);
  }
}
