import { getEventListeners } from 'node:events';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appendOrderLog,
  followOrderLog,
  orderEventTypes,
  readOrderLog,
  redact,
  type OrderEventType,
  type OrderLogEntry,
} from '../../../../../main/core/log/order-log.ts';
import { useTempDir } from '../../support/temp-dir.ts';

function entry(event: OrderEventType, message: string, data?: Record<string, unknown>): OrderLogEntry {
  return {
    time: '2025-06-01T00:00:00.000Z',
    certId: 'example-com',
    event,
    message,
    ...(data === undefined ? {} : { data }),
  };
}

/** Polls `condition` every few ms until it holds; gives up (throwing) after `limitMs`. Never an assertion on time. */
async function until(condition: () => boolean, limitMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('orderEventTypes', () => {
  it('is the closed vocabulary of DESIGN.md "Alerts", snake_case, without duplicates', () => {
    expect(new Set(orderEventTypes).size).toBe(orderEventTypes.length);
    for (const type of orderEventTypes) expect(type).toMatch(/^[a-z]+(_[a-z]+)*$/);
    for (const type of ['cert_obtaining', 'cert_obtained', 'cert_failed', 'order_status', 'challenge_presented', 'retry_scheduled']) {
      expect(orderEventTypes).toContain(type);
    }
  });
});

describe('redact', () => {
  it.each([
    ['tsigSecret'],
    ['secret'],
    ['clientSecret'],
    ['password'],
    ['eabHmac'],
    ['hmacKey'],
    ['privateKey'],
    ['private_key'],
    ['keyPem'],
    ['key_pem'],
    ['token'],
    ['accessToken'],
    ['keyAuthorization'],
    ['signature'],
    ['jws'],
    ['PASSWORD'],
  ])('replaces the value of %j', (key) => {
    expect(redact({ [key]: 'sensitive', other: 'kept' })).toStrictEqual({ [key]: '[redacted]', other: 'kept' });
  });

  it('redacts nested objects and arrays, whatever the value type', () => {
    const data = {
      domain: 'example.com',
      request: { method: 'POST', headers: { signature: 'sig' }, body: { protected: 'p', jws: { payload: 'x' } } },
      challenges: [{ type: 'dns-01', token: 'tok', keyAuthorization: 'tok.thumb' }, { type: 'http-01', value: 'public' }],
      provider: { tsigSecret: 12345, tsigName: 'key-name' },
    };
    expect(redact(data)).toStrictEqual({
      domain: 'example.com',
      request: { method: 'POST', headers: { signature: '[redacted]' }, body: { protected: 'p', jws: '[redacted]' } },
      challenges: [{ type: 'dns-01', token: '[redacted]', keyAuthorization: '[redacted]' }, { type: 'http-01', value: 'public' }],
      provider: { tsigSecret: '[redacted]', tsigName: 'key-name' },
    });
  });

  it('keeps harmless keys and scalar values as they are', () => {
    const data = { status: 429, problemType: 'urn:ietf:params:acme:error:rateLimited', retryAfter: '60', keyType: 'ec-p256', ok: true, none: null };
    expect(redact(data)).toStrictEqual(data);
    expect(redact('plain')).toBe('plain');
    expect(redact(null)).toBeNull();
  });

  it('does not change its input', () => {
    const data = { nested: { password: 'p' } };
    redact(data);
    expect(data).toStrictEqual({ nested: { password: 'p' } });
  });
});

describe('appendOrderLog + readOrderLog', () => {
  const tempDir = useTempDir('order-log');
  const logFile = (): string => path.join(tempDir(), 'certs', 'example-com', 'log.jsonl');

  it('reads nothing from a log that does not exist', async () => {
    expect(await readOrderLog(logFile())).toStrictEqual({ entries: [], skipped: 0 });
  });

  it('round-trips entries in order, one JSON object per line', async () => {
    const entries = [
      entry('cert_obtaining', 'Obtaining example.com'),
      entry('acme_request', 'POST /new-order 201', { method: 'POST', url: 'https://ca.example/new-order', status: 201 }),
      entry('order_status', 'Order is 证书 ready', { status: 'ready' }),
      entry('cert_obtained', 'Stored version 1', { version: 1 }),
    ];
    for (const e of entries) await appendOrderLog(logFile(), e);
    expect(await readOrderLog(logFile())).toStrictEqual({ entries, skipped: 0 });
    const lines = (await readFile(logFile(), 'utf8')).split('\n');
    expect(lines).toHaveLength(entries.length + 1);
    expect(lines.at(-1)).toBe('');
  });

  it('creates the certificate folder 0700 and the log 0644', async () => {
    await appendOrderLog(logFile(), entry('cert_obtaining', 'x'));
    expect((await stat(path.dirname(logFile()))).mode & 0o777).toBe(0o700);
    expect((await stat(logFile())).mode & 0o777).toBe(0o644);
  });

  it('redacts secret-looking fields, nested ones too, before writing', async () => {
    await appendOrderLog(
      logFile(),
      entry('challenge_presented', 'Presented', { domain: 'example.com', provider: { tsigSecret: 'c2VjcmV0', server: '127.0.0.1:53' }, keyAuthorization: 'tok.thumb' }),
    );
    const text = await readFile(logFile(), 'utf8');
    expect(text).not.toContain('c2VjcmV0');
    expect(text).not.toContain('tok.thumb');
    const { entries } = await readOrderLog(logFile());
    expect(entries[0]?.data).toStrictEqual({ domain: 'example.com', provider: { tsigSecret: '[redacted]', server: '127.0.0.1:53' }, keyAuthorization: '[redacted]' });
  });

  it('keeps every line when many appends race', async () => {
    await Promise.all(Array.from({ length: 50 }, (_, i) => appendOrderLog(logFile(), entry('acme_request', `request ${String(i)}`))));
    const { entries, skipped } = await readOrderLog(logFile());
    expect(skipped).toBe(0);
    expect(entries.map((e) => e.message).sort()).toStrictEqual(Array.from({ length: 50 }, (_, i) => `request ${String(i)}`).sort());
  });

  it('skips and counts a torn last line (a crash mid-append)', async () => {
    await appendOrderLog(logFile(), entry('cert_obtaining', 'one'));
    await appendOrderLog(logFile(), entry('order_created', 'two'));
    const torn = JSON.stringify(entry('order_status', 'three')).slice(0, 30);
    await appendFile(logFile(), torn);
    const { entries, skipped } = await readOrderLog(logFile());
    expect(entries.map((e) => e.message)).toStrictEqual(['one', 'two']);
    expect(skipped).toBe(1);
  });

  it('skips and counts garbage and entries outside the vocabulary, keeping the rest', async () => {
    const good = entry('cert_obtaining', 'good');
    const lines = [
      JSON.stringify(good),
      'not json',
      '42',
      'null',
      '[]',
      JSON.stringify({ ...good, event: 'cert_exploded' }),
      JSON.stringify({ ...good, time: 5 }),
      JSON.stringify({ event: 'cert_failed', message: 'no time or certId' }),
      '',
      '   ',
      JSON.stringify({ ...good, message: 'also good' }),
    ];
    await appendOrderLog(logFile(), good); // creates the folder
    await writeFile(logFile(), `${lines.join('\n')}\n`);
    const { entries, skipped } = await readOrderLog(logFile());
    expect(entries.map((e) => e.message)).toStrictEqual(['good', 'also good']);
    expect(skipped).toBe(7);
  });
});

describe('followOrderLog', () => {
  const tempDir = useTempDir('order-log-follow');
  const logFile = (): string => path.join(tempDir(), 'log.jsonl');

  it('yields the existing entries, then appended ones, and stops on abort', async () => {
    await appendOrderLog(logFile(), entry('cert_obtaining', 'one'));
    await appendOrderLog(logFile(), entry('order_created', 'two'));
    const controller = new AbortController();
    const follower = followOrderLog(logFile(), controller.signal, 10);
    expect((await follower.next()).value).toMatchObject({ message: 'one' });
    expect((await follower.next()).value).toMatchObject({ message: 'two' });
    const third = follower.next();
    await appendOrderLog(logFile(), entry('order_status', 'three'));
    expect((await third).value).toMatchObject({ message: 'three' });
    const pending = follower.next();
    controller.abort();
    expect(await pending).toStrictEqual({ done: true, value: undefined });
  });

  it('waits for a log that does not exist yet', async () => {
    const controller = new AbortController();
    const follower = followOrderLog(logFile(), controller.signal, 10);
    const first = follower.next();
    await appendOrderLog(logFile(), entry('cert_obtaining', 'first'));
    expect((await first).value).toMatchObject({ message: 'first' });
    controller.abort();
    expect((await follower.next()).done).toBe(true);
  });

  it('yields a line only once it is complete', async () => {
    const controller = new AbortController();
    await appendOrderLog(logFile(), entry('cert_obtaining', 'one'));
    const line = `${JSON.stringify(entry('order_created', 'two'))}\n`;
    await appendFile(logFile(), line.slice(0, 20));
    const follower = followOrderLog(logFile(), controller.signal, 10);
    expect((await follower.next()).value).toMatchObject({ message: 'one' });
    const second = follower.next();
    await appendFile(logFile(), line.slice(20));
    expect((await second).value).toMatchObject({ message: 'two', event: 'order_created' });
    controller.abort();
  });

  it('keeps a multi-byte character split between two reads intact', async () => {
    const controller = new AbortController();
    await appendOrderLog(logFile(), entry('cert_obtaining', 'one'));
    const line = Buffer.from(`${JSON.stringify(entry('order_status', '订单已就绪'))}\n`, 'utf8');
    const split = line.indexOf(Buffer.from('订', 'utf8')) + 1; // inside the first Chinese character
    await appendFile(logFile(), line.subarray(0, split));
    const follower = followOrderLog(logFile(), controller.signal, 10);
    // The follower read the file up to the middle of 订 before yielding "one".
    expect((await follower.next()).value).toMatchObject({ message: 'one' });
    const second = follower.next();
    await appendFile(logFile(), line.subarray(split));
    expect((await second).value).toMatchObject({ message: '订单已就绪' });
    controller.abort();
  });

  it('skips garbage lines while following', async () => {
    const controller = new AbortController();
    await writeFile(logFile(), `garbage\n${JSON.stringify(entry('cert_obtaining', 'good'))}\n`);
    const follower = followOrderLog(logFile(), controller.signal, 10);
    expect((await follower.next()).value).toMatchObject({ message: 'good' });
    controller.abort();
  });

  it('yields nothing when aborted before it starts', async () => {
    await appendOrderLog(logFile(), entry('cert_obtaining', 'one'));
    const controller = new AbortController();
    controller.abort();
    expect(await followOrderLog(logFile(), controller.signal, 10).next()).toStrictEqual({ done: true, value: undefined });
  });

  it('does not pile up abort listeners while it waits (one per poll would leak on a long follow)', async () => {
    const controller = new AbortController();
    const follower = followOrderLog(logFile(), controller.signal, 1);
    const next = follower.next();
    // Let it poll an empty log many times; stop looking once it is clearly more than one.
    await until(() => getEventListeners(controller.signal, 'abort').length > 1, 500).catch(() => undefined);
    const listeners = getEventListeners(controller.signal, 'abort').length;
    controller.abort();
    await next;
    expect(listeners).toBeLessThanOrEqual(1);
  });
});
