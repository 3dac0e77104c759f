import type { Transport } from '../../../../preload/api.ts';

/** One `transport.invoke` call. */
export interface InvokeCall {
  readonly channel: string;
  readonly request: unknown;
}

/**
 * A {@link Transport} that records every invoke and subscription. Invokes resolve to the envelope
 * `respond` gives for the call (by default `{ok: true, value: null}`); `emit` pushes an event to the
 * current subscribers of a channel.
 */
export interface RecordingTransport extends Transport {
  readonly invokes: ReadonlyArray<InvokeCall>;
  readonly subscribed: ReadonlyArray<string>;
  readonly unsubscribed: ReadonlyArray<string>;
  respond: (call: InvokeCall) => unknown;
  emit(channel: string, payload: unknown): void;
  listenerCount(channel: string): number;
}

/** Creates a {@link RecordingTransport}. */
export function createRecordingTransport(): RecordingTransport {
  const invokes: InvokeCall[] = [];
  const subscribed: string[] = [];
  const unsubscribed: string[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const transport: RecordingTransport = {
    invokes,
    subscribed,
    unsubscribed,
    respond: () => ({ ok: true, value: null }),
    invoke(channel, request) {
      const call: InvokeCall = { channel, request };
      invokes.push(call);
      return Promise.resolve(transport.respond(call));
    },
    subscribe(channel, listener) {
      subscribed.push(channel);
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      // A wrapper per subscription, so two subscriptions of one function stay two.
      const entry = (payload: unknown): void => {
        listener(payload);
      };
      set.add(entry);
      return () => {
        unsubscribed.push(channel);
        set.delete(entry);
      };
    },
    emit(channel, payload) {
      for (const listener of [...(listeners.get(channel) ?? [])]) listener(payload);
    },
    listenerCount: (channel) => listeners.get(channel)?.size ?? 0,
  };
  return transport;
}
