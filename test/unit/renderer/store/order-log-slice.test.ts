import { describe, expect, it, vi } from 'vitest';
import type { OrderEventName, OrderLogEntryDto } from '../../../../preload/contract.ts';
import { createAppStore } from '../../../../renderer/store/app-store.ts';
import {
  entriesJsonl,
  entriesText,
  entryLevel,
  eventLevel,
  followUpWindowMs,
  groupOrders,
  isNotable,
  matchesQuery,
  mergeEntries,
  type GroupOutcome,
  type LogLevel,
  type OrderGroup,
} from '../../../../renderer/store/order-log-slice.ts';
import { createFakeBridge } from '../support/fake-certdesk-api.ts';

const base = Date.parse('2026-03-01T10:00:00.000Z');

/** An entry `seconds` after 10:00 on 1 March 2026. */
function at(seconds: number, event: OrderEventName, data?: Record<string, unknown>, message = `${event} message`): OrderLogEntryDto {
  const time = new Date(base + seconds * 1000).toISOString();
  return data === undefined ? { time, certId: 'shop', event, message } : { time, certId: 'shop', event, message, data };
}

/** Every event, with the level the viewer files it under; typed as a Record so a new event name fails to compile here. */
const levels: Readonly<Record<OrderEventName, LogLevel>> = {
  cert_obtaining: 'info',
  order_created: 'info',
  order_resumed: 'info',
  order_status: 'info',
  acme_request: 'info',
  challenge_presented: 'info',
  challenge_answered: 'info',
  challenge_cleaned: 'info',
  authorization_status: 'info',
  finalize_sent: 'info',
  finalize_failed: 'warning',
  cert_downloaded: 'info',
  cert_obtained: 'info',
  cert_exported: 'info',
  cert_failed: 'error',
  rate_limited: 'warning',
  retry_scheduled: 'warning',
  ca_failover: 'warning',
  export_failed: 'error',
  hook_run: 'info',
  hook_failed: 'error',
  cert_revoked: 'warning',
  cert_rolled_back: 'info',
};

describe('eventLevel', () => {
  it.each(Object.entries(levels) as Array<[OrderEventName, LogLevel]>)('%s → %s', (event, level) => {
    expect(eventLevel(event)).toBe(level);
  });
});

describe('entryLevel', () => {
  it.each<[string, OrderLogEntryDto, LogLevel]>([
    ['an authorization the CA marked invalid is the failure itself', at(0, 'authorization_status', { domain: 'shop.example', status: 'invalid', problem: 'dns' }), 'error'],
    ['a valid authorization is a step', at(0, 'authorization_status', { domain: 'shop.example', status: 'valid' }), 'info'],
    ['a request that got no answer', at(0, 'acme_request', { method: 'POST', url: 'https://ca/x', error: 'ECONNRESET', durationMs: 5 }), 'warning'],
    ['a request the CA answered with a 5xx', at(0, 'acme_request', { method: 'POST', url: 'https://ca/x', status: 503, durationMs: 5 }), 'warning'],
    ['a 400 badNonce is routine (retried at once)', at(0, 'acme_request', { method: 'POST', url: 'https://ca/x', status: 400, problemType: 'urn:ietf:params:acme:error:badNonce', durationMs: 5 }), 'info'],
    ['an order status carrying a problem', at(0, 'order_status', { problem: 'alreadyReplaced' }), 'warning'],
    ['a plain order status', at(0, 'order_status', { status: 'ready' }), 'info'],
    ['a failure without data keeps its event level', at(0, 'cert_failed'), 'error'],
  ])('%s', (_name, entry, level) => {
    expect(entryLevel(entry)).toBe(level);
  });
});

describe('isNotable', () => {
  it.each<[OrderLogEntryDto, boolean]>([
    [at(0, 'cert_obtaining'), true],
    [at(0, 'cert_obtained'), true],
    [at(0, 'retry_scheduled'), true],
    [at(0, 'cert_failed'), true],
    [at(0, 'acme_request', { status: 200 }), false],
    [at(0, 'challenge_presented'), false],
  ])('%j → %s', (entry, notable) => {
    expect(isNotable(entry)).toBe(notable);
  });
});

/** A group reduced to what the table compares: kind, outcome, the events in it, and the end's offset in seconds. */
function shape(group: OrderGroup): [OrderGroup['kind'], GroupOutcome, string, number] {
  return [group.kind, group.outcome, group.entries.map((e) => e.event).join(' '), (Date.parse(group.end) - base) / 1000];
}

const late = followUpWindowMs / 1000 + 1;

describe('groupOrders', () => {
  it.each<[string, OrderLogEntryDto[], Array<ReturnType<typeof shape>>]>([
    ['nothing', [], []],
    [
      'an order that obtained a certificate, with its exports and hook right after',
      [at(0, 'cert_obtaining'), at(1, 'order_created'), at(5, 'cert_obtained'), at(6, 'cert_exported'), at(8, 'hook_run')],
      [['order', 'obtained', 'cert_obtaining order_created cert_obtained cert_exported hook_run', 5]],
    ],
    [
      'a failed order and its retry plan',
      [at(0, 'cert_obtaining'), at(2, 'authorization_status', { status: 'invalid' }), at(3, 'cert_failed', { problem: 'dns' }), at(3, 'retry_scheduled')],
      [['order', 'failed', 'cert_obtaining authorization_status cert_failed retry_scheduled', 3]],
    ],
    [
      'two orders',
      [at(0, 'cert_obtaining'), at(3, 'cert_failed'), at(60, 'cert_obtaining'), at(65, 'cert_obtained')],
      [
        ['order', 'failed', 'cert_obtaining cert_failed', 3],
        ['order', 'obtained', 'cert_obtaining cert_obtained', 65],
      ],
    ],
    [
      'a failover to the standby CA opens the order it announces',
      [at(0, 'ca_failover'), at(0, 'cert_obtaining'), at(4, 'cert_obtained')],
      [['order', 'obtained', 'ca_failover cert_obtaining cert_obtained', 4]],
    ],
    [
      'an export long after the order is separate activity',
      [at(0, 'cert_obtaining'), at(5, 'cert_obtained'), at(5 + late, 'cert_exported')],
      [
        ['order', 'obtained', 'cert_obtaining cert_obtained', 5],
        ['activity', 'activity', 'cert_exported', 5 + late],
      ],
    ],
    [
      'an unfinished order keeps what comes however late (a manual DNS wait)',
      [at(0, 'cert_obtaining'), at(2, 'challenge_presented'), at(2 + late, 'challenge_answered')],
      [['order', 'open', 'cert_obtaining challenge_presented challenge_answered', 2 + late]],
    ],
    [
      'a revocation, then the renewal it triggers',
      [at(0, 'cert_revoked'), at(1, 'cert_obtaining'), at(4, 'cert_obtained')],
      [
        ['activity', 'activity', 'cert_revoked', 0],
        ['order', 'obtained', 'cert_obtaining cert_obtained', 4],
      ],
    ],
    [
      'a rollback after an order, with its export',
      [at(0, 'cert_obtaining'), at(4, 'cert_obtained'), at(30, 'cert_rolled_back'), at(31, 'cert_exported')],
      [
        ['order', 'obtained', 'cert_obtaining cert_obtained', 4],
        ['activity', 'activity', 'cert_rolled_back cert_exported', 31],
      ],
    ],
    [
      'a dry run that succeeded (its own download, then the one naming the staging directory)',
      [
        at(0, 'cert_obtaining', { rehearsal: true }),
        at(3, 'cert_downloaded', { rehearsal: true, orderUrl: 'https://staging/o/1' }),
        at(3, 'cert_downloaded', { rehearsal: true, directoryUrl: 'https://staging/dir' }),
      ],
      [['rehearsal', 'rehearsed', 'cert_obtaining cert_downloaded cert_downloaded', 3]],
    ],
    [
      'a dry run that failed',
      [at(0, 'cert_obtaining', { rehearsal: true }), at(2, 'cert_failed', { rehearsal: true })],
      [['rehearsal', 'failed', 'cert_obtaining cert_failed', 2]],
    ],
    [
      'a proof that could not be removed does not make an obtained order failed',
      [at(0, 'cert_obtaining'), at(3, 'cert_failed', { domain: 'shop.example' }), at(4, 'cert_obtained')],
      [['order', 'obtained', 'cert_obtaining cert_failed cert_obtained', 4]],
    ],
    [
      'an import before any order',
      [at(0, 'cert_obtained', { source: '/etc/ssl/shop.pem' }), at(1, 'cert_exported')],
      [['activity', 'activity', 'cert_obtained cert_exported', 1]],
    ],
  ])('%s', (_name, entries, expected) => {
    expect(groupOrders(entries).map(shape)).toEqual(expected);
  });

  it('keys a group by its first entry, so appending keeps the key', () => {
    const entries = [at(0, 'cert_obtaining'), at(1, 'order_created')];
    const before = groupOrders(entries)[0]?.key;
    const after = groupOrders([...entries, at(2, 'challenge_presented')])[0]?.key;
    expect(before).toBeDefined();
    expect(after).toBe(before);
  });
});

describe('mergeEntries', () => {
  it('adds what is new, drops what is already there, and keeps time order', () => {
    const history = [at(0, 'cert_obtaining'), at(2, 'order_created')];
    const live = [at(2, 'order_created'), at(1, 'acme_request'), at(3, 'challenge_presented')];
    expect(mergeEntries(history, live).map((e) => e.event)).toEqual(['cert_obtaining', 'acme_request', 'order_created', 'challenge_presented']);
  });

  it('keeps the written order of entries with the same time', () => {
    const same = [at(5, 'cert_obtained'), at(5, 'cert_exported'), at(5, 'hook_run')];
    expect(mergeEntries([], same).map((e) => e.event)).toEqual(['cert_obtained', 'cert_exported', 'hook_run']);
  });
});

describe('matchesQuery', () => {
  const entry = at(0, 'authorization_status', { domain: 'shop.example', status: 'invalid', problem: 'caa' }, 'Validation of shop.example failed');
  it.each<[string, string, boolean]>([
    ['', '', true],
    ['shop.example', '', true],
    ['SHOP.EXAMPLE', '', true],
    ['caa', '', true],
    ['authorization_status', '', true],
    ['validation status', 'Validation status', true],
    ['invalid shop', '', true],
    ['www.example', '', false],
    ['shop rate', '', false],
  ])('%j (label %j) → %s', (query, label, match) => {
    expect(matchesQuery(entry, query, label)).toBe(match);
  });
});

describe('copy and save formats', () => {
  const entries = [at(0, 'cert_obtaining', { domains: ['shop.example'] }, 'Obtaining a certificate for shop.example'), at(3, 'cert_failed', undefined, 'Unable to obtain, the CA said no')];

  it('writes one text line per entry with time, level, event, message and data', () => {
    expect(entriesText('shop', entries).split('\n')).toEqual([
      'CertDesk order log of shop (2 entries)',
      '2026-03-01T10:00:00.000Z  INFO     cert_obtaining  Obtaining a certificate for shop.example  {"domains":["shop.example"]}',
      '2026-03-01T10:00:03.000Z  ERROR    cert_failed  Unable to obtain, the CA said no',
      '',
    ]);
  });

  it('writes JSON Lines that read back as the entries', () => {
    const text = entriesJsonl(entries);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual(entries);
    expect(entriesJsonl([])).toBe('');
  });
});

describe('the order log slice', () => {
  const summary = { id: 'shop', domains: ['shop.example'], ca: 'le', status: 'valid' as const, version: 1, notBefore: '2026-02-01T00:00:00.000Z', notAfter: '2026-05-02T00:00:00.000Z' };

  it('reads the history, then appends live entries of this certificate only, once each', async () => {
    const history = [at(0, 'cert_obtaining'), at(4, 'cert_obtained')];
    const bridge = createFakeBridge({ certificates: [{ summary, log: history }, { ...summary, id: 'other' }] });
    const store = createAppStore(bridge.api);
    const stop = store.getState().watchOrderLog('shop');
    expect(store.getState().orderLogs['shop']?.status).toBe('loading');
    await vi.waitFor(() => {
      expect(store.getState().orderLogs['shop']?.status).toBe('ready');
    });
    expect(store.getState().orderLogs['shop']?.entries).toEqual(history);

    const next = at(60, 'cert_obtaining');
    bridge.emitOrderEvent(next);
    bridge.emitOrderEvent(next);
    bridge.emitOrderEvent({ ...at(61, 'cert_failed'), certId: 'other' });
    expect(store.getState().orderLogs['shop']?.entries.map((e) => e.time)).toEqual([history[0]?.time, history[1]?.time, next.time]);
    expect(store.getState().orderLogs['other']).toBeUndefined();

    stop();
    bridge.emitOrderEvent(at(62, 'order_created'));
    expect(store.getState().orderLogs['shop']?.entries).toHaveLength(3);
  });

  it('keeps a live entry that arrives before the history, without doubling it when the history has it too', async () => {
    const bridge = createFakeBridge({ certificates: [{ summary, log: [at(0, 'cert_obtaining')] }] });
    const release = bridge.hold();
    const store = createAppStore(bridge.api);
    store.getState().watchOrderLog('shop');
    const live = at(2, 'order_created');
    bridge.emitOrderEvent(live); // main appends to the file, then pushes
    expect(store.getState().orderLogs['shop']?.entries).toEqual([live]);
    void store.getState().loadOrderLog('shop'); // a second read sees it in the file as well
    release();
    await vi.waitFor(() => {
      expect(store.getState().orderLogs['shop']?.status).toBe('ready');
    });
    expect(store.getState().orderLogs['shop']?.entries.map((e) => e.event)).toEqual(['cert_obtaining', 'order_created']);
  });

  it('announces notable live entries only, never the history', async () => {
    const bridge = createFakeBridge({ certificates: [{ summary, log: [at(0, 'cert_failed')] }] });
    const store = createAppStore(bridge.api);
    store.getState().watchOrderLog('shop');
    await vi.waitFor(() => {
      expect(store.getState().orderLogs['shop']?.status).toBe('ready');
    });
    expect(store.getState().orderLogs['shop']?.announcement).toBeNull();
    const start = at(60, 'cert_obtaining');
    bridge.emitOrderEvent(start);
    bridge.emitOrderEvent(at(61, 'acme_request', { status: 201 }));
    expect(store.getState().orderLogs['shop']?.announcement).toEqual(start);
  });

  it('records why the history could not be read, keeping live entries', async () => {
    const bridge = createFakeBridge({ certificates: [summary] });
    bridge.rejectNext('readOrderLog', { code: 'io_failed', message: 'Unable to read the order log, permission denied', remedy: 'Check the data folder’s permissions.' });
    const store = createAppStore(bridge.api);
    store.getState().watchOrderLog('shop');
    bridge.emitOrderEvent(at(1, 'cert_obtaining'));
    await vi.waitFor(() => {
      expect(store.getState().orderLogs['shop']?.status).toBe('failed');
    });
    expect(store.getState().orderLogs['shop']?.error).toEqual({ code: 'io_failed', message: 'Unable to read the order log, permission denied', remedy: 'Check the data folder’s permissions.' });
    expect(store.getState().orderLogs['shop']?.entries).toHaveLength(1);
  });
});
