import { describe, expect, it } from 'vitest';
import type { Settings } from '../../../../preload/contract.ts';
import { EventHub } from '../../../../main/core/events.ts';
import { defaultSettings } from '../../../../main/core/settings.ts';

const dark: Settings = { ...defaultSettings, theme: 'dark' };
const light: Settings = { ...defaultSettings, language: 'en', theme: 'light' };

function hub(): { hub: EventHub; listenerErrors: unknown[] } {
  const listenerErrors: unknown[] = [];
  return {
    hub: new EventHub((error) => {
      listenerErrors.push(error);
    }),
    listenerErrors,
  };
}

describe('EventHub', () => {
  it('delivers a payload to every listener, in subscription order', () => {
    const { hub: events } = hub();
    const calls: string[] = [];
    events.on('settings:changed', (s) => calls.push(`first ${s.theme}`));
    events.on('settings:changed', (s) => calls.push(`second ${s.theme}`));
    events.emit('settings:changed', dark);
    expect(calls).toEqual(['first dark', 'second dark']);
  });

  it('hands listeners the very payload emitted', () => {
    const { hub: events } = hub();
    const received: Settings[] = [];
    events.on('settings:changed', (s) => received.push(s));
    events.emit('settings:changed', dark);
    expect(received).toHaveLength(1);
    expect(received[0]).toBe(dark);
  });

  it('delivers synchronously, before emit returns', () => {
    const { hub: events } = hub();
    let delivered = false;
    events.on('settings:changed', () => {
      delivered = true;
    });
    events.emit('settings:changed', dark);
    expect(delivered).toBe(true);
  });

  it('emits to nobody without error when there are no listeners', () => {
    const { hub: events, listenerErrors } = hub();
    expect(() => {
      events.emit('settings:changed', dark);
    }).not.toThrow();
    expect(listenerErrors).toEqual([]);
  });

  it('stops delivering to a listener once it unsubscribes, and keeps the others', () => {
    const { hub: events } = hub();
    const a: Settings[] = [];
    const b: Settings[] = [];
    const stopA = events.on('settings:changed', (s) => a.push(s));
    events.on('settings:changed', (s) => b.push(s));
    events.emit('settings:changed', dark);
    stopA();
    events.emit('settings:changed', light);
    expect(a).toEqual([dark]);
    expect(b).toEqual([dark, light]);
  });

  it('treats a second unsubscribe as a no-op', () => {
    const { hub: events } = hub();
    const a: Settings[] = [];
    const stop = events.on('settings:changed', (s) => a.push(s));
    stop();
    expect(stop).not.toThrow();
    events.emit('settings:changed', dark);
    expect(a).toEqual([]);
  });

  it('isolates a listener that throws: the others still run and the error is reported', () => {
    const { hub: events, listenerErrors } = hub();
    const boom = new Error('listener broke');
    const after: Settings[] = [];
    events.on('settings:changed', () => {
      throw boom;
    });
    events.on('settings:changed', (s) => after.push(s));
    expect(() => {
      events.emit('settings:changed', dark);
    }).not.toThrow();
    expect(after).toEqual([dark]);
    expect(listenerErrors).toEqual([boom]);
  });

  it('reports a non-Error thrown by a listener as it was thrown', () => {
    const { hub: events, listenerErrors } = hub();
    events.on('settings:changed', () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw 'plain string';
    });
    events.emit('settings:changed', dark);
    expect(listenerErrors).toEqual(['plain string']);
  });

  it('delivers one emit to the listeners subscribed when it started, even if one subscribes another', () => {
    const { hub: events } = hub();
    const late: Settings[] = [];
    let subscribed = false;
    events.on('settings:changed', () => {
      if (subscribed) return;
      subscribed = true;
      events.on('settings:changed', (s) => late.push(s));
    });
    events.emit('settings:changed', dark);
    expect(late).toEqual([]);
    events.emit('settings:changed', light);
    expect(late).toEqual([light]);
  });

  it('lets a listener unsubscribe itself while being called', () => {
    const { hub: events } = hub();
    const once: Settings[] = [];
    const stop = events.on('settings:changed', (s) => {
      once.push(s);
      stop();
    });
    events.emit('settings:changed', dark);
    events.emit('settings:changed', light);
    expect(once).toEqual([dark]);
  });

  it('keeps hubs independent', () => {
    const first = hub().hub;
    const second = hub().hub;
    const received: Settings[] = [];
    first.on('settings:changed', (s) => received.push(s));
    second.emit('settings:changed', dark);
    expect(received).toEqual([]);
  });
});
