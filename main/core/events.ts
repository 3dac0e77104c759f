import type { EventChannel, EventChannels, Unsubscribe } from '../../preload/contract.ts';

/**
 * A typed publish/subscribe hub for the events the core pushes to the shells (IPC to the renderer,
 * the CLI's output). A listener that throws is isolated: the others still run, and the error goes to
 * `onListenerError`.
 */
export class EventHub {
  readonly #listeners = new Map<EventChannel, Set<(payload: never) => void>>();
  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  /** Subscribes to one event; returns the function that unsubscribes. */
  on<E extends EventChannel>(event: E, listener: (payload: EventChannels[E]) => void): Unsubscribe {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    const entry = listener as (payload: never) => void;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /** Delivers `payload` to every current listener of `event`, synchronously, in subscription order. */
  emit<E extends EventChannel>(event: E, payload: EventChannels[E]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      try {
        (listener as (payload: EventChannels[E]) => void)(payload);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
