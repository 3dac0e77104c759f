import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import type { SpendEvent } from '../../../../../main/core/renewal/rate-budget.ts';
import {
  RenewalStateStore,
  SpendLog,
  emptyRenewalState,
  readRenewalState,
  updateRenewalState,
  type RenewalState,
} from '../../../../../main/core/renewal/state.ts';
import { rejection } from '../../support/thrown.ts';
import { useTempDir } from '../../support/temp-dir.ts';

const t0 = new Date('2025-06-01T00:00:00Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);
const hour = 3_600_000;
const translations = { en: 'The CA had an internal error.', 'zh-CN': 'CA 内部出错。' };

/** A state with every field set, as the engine writes it. */
const full: RenewalState = {
  version: 1,
  attempts: {
    count: 3,
    firstFailureAt: t0.toISOString(),
    lastFailure: { at: at(hour).toISOString(), type: 'serverInternal', kind: 'transient', httpStatus: 503, message: 'The CA had an internal error (CA: down)', explanation: translations, remedy: translations },
    nextAttemptAt: at(2 * hour).toISOString(),
  },
  ari: { serial: '03ab', start: at(24 * hour).toISOString(), end: at(48 * hour).toISOString(), retryAfter: at(6 * hour).toISOString(), explanationUrl: 'https://ca.example/why', fetchedAt: t0.toISOString() },
  expiryAlerts: { serial: '03ab', sent: [30, 14] },
  alertMemory: { failureStreakAlerted: true, stoppedAlerted: false, rehearsalAlerted: false },
  rehearsal: { at: t0.toISOString(), ok: false, message: 'staging refused' },
};

async function invalidData(promise: Promise<unknown>): Promise<CertDeskError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(CertDeskError);
  expect((error as CertDeskError).code).toBe('invalid_data');
  return error as CertDeskError;
}

/** The permission bits of a file or folder. */
async function mode(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777;
}

describe('readRenewalState / updateRenewalState', () => {
  const tempDir = useTempDir('renewal-state');
  const stateFile = (): string => path.join(tempDir(), 'certs', 'example', 'renewal.json');

  it('reads a missing file as the empty state, creating nothing', async () => {
    expect(await readRenewalState(stateFile())).toStrictEqual({ version: 1 });
    expect(emptyRenewalState).toStrictEqual({ version: 1 });
    await expect(stat(path.dirname(stateFile()))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('writes what the change returns and reads it back; the change sees the stored state', async () => {
    const seen: RenewalState[] = [];
    expect(await updateRenewalState(stateFile(), (state) => (seen.push(state), full))).toStrictEqual(full);
    expect(await readRenewalState(stateFile())).toStrictEqual(full);
    const next = await updateRenewalState(stateFile(), (state) => (seen.push(state), { ...state, rehearsal: { at: t0.toISOString(), ok: true } }));
    expect(next.rehearsal).toStrictEqual({ at: t0.toISOString(), ok: true });
    expect(seen).toStrictEqual([{ version: 1 }, full]);
    expect(await readRenewalState(stateFile())).toStrictEqual(next);
  });

  it('writes indented JSON with a trailing newline, file 0644 in a private 0700 folder', async () => {
    await updateRenewalState(stateFile(), () => full);
    const text = await readFile(stateFile(), 'utf8');
    expect(text).toBe(`${JSON.stringify(full, null, 2)}\n`);
    expect(await mode(stateFile())).toBe(0o644);
    expect(await mode(path.dirname(stateFile()))).toBe(0o700);
  });

  it('leaves the file as it was when the change throws', async () => {
    await updateRenewalState(stateFile(), () => full);
    const before = await readFile(stateFile(), 'utf8');
    await expect(updateRenewalState(stateFile(), () => {
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(await readFile(stateFile(), 'utf8')).toBe(before);
  });

  const damaged: ReadonlyArray<{ readonly name: string; readonly text: string }> = [
    { name: 'empty', text: '' },
    { name: 'truncated JSON', text: JSON.stringify(full).slice(0, 40) },
    { name: 'not JSON', text: 'version: 1\n' },
    { name: 'null', text: 'null' },
    { name: 'an array', text: '[]' },
    { name: 'an unknown version', text: JSON.stringify({ version: 2 }) },
    { name: 'no version', text: JSON.stringify({}) },
    { name: 'an unknown field', text: JSON.stringify({ version: 1, extra: true }) },
    { name: 'a count that is not a whole number', text: JSON.stringify({ ...full, attempts: { ...full.attempts, count: 1.5 } }) },
    { name: 'a negative count', text: JSON.stringify({ ...full, attempts: { ...full.attempts, count: -1 } }) },
    { name: 'a date that is not ISO 8601', text: JSON.stringify({ ...full, attempts: { ...full.attempts, firstFailureAt: 'yesterday' } }) },
    { name: 'an unknown stop reason', text: JSON.stringify({ ...full, attempts: { ...full.attempts, stopped: 'bored' } }) },
    { name: 'an unknown failure kind', text: JSON.stringify({ ...full, attempts: { ...full.attempts, lastFailure: { ...full.attempts?.lastFailure, kind: 'fatal' } } }) },
    { name: 'a missing translation', text: JSON.stringify({ ...full, attempts: { ...full.attempts, lastFailure: { ...full.attempts?.lastFailure, remedy: { en: 'x' } } } }) },
    { name: 'expiry alerts without a serial', text: JSON.stringify({ ...full, expiryAlerts: { sent: [30] } }) },
    { name: 'an incomplete alert memory', text: JSON.stringify({ ...full, alertMemory: { failureStreakAlerted: true } }) },
  ];

  it.each(damaged)('$name: read and update throw invalid_data naming the file, and the file is kept', async ({ text }) => {
    await mkdir(path.dirname(stateFile()), { recursive: true });
    await writeFile(stateFile(), text);
    const error = await invalidData(readRenewalState(stateFile()));
    expect(error.message).toBe(`Unable to read the renewal state ${stateFile()}, it is damaged`);
    expect(error.remedy).toBeTruthy();
    let called = false;
    await invalidData(updateRenewalState(stateFile(), () => {
      called = true;
      return full;
    }));
    expect(called).toBe(false);
    expect(await readFile(stateFile(), 'utf8')).toBe(text);
  });

  it('reads a state without the optional fields', async () => {
    const minimal: RenewalState = {
      version: 1,
      attempts: { count: 1, firstFailureAt: t0.toISOString(), lastFailure: { at: t0.toISOString(), type: 'dns', kind: 'needs_admin', message: 'm', explanation: translations, remedy: translations }, stopped: 'needs_admin' },
    };
    await mkdir(path.dirname(stateFile()), { recursive: true });
    await writeFile(stateFile(), JSON.stringify(minimal));
    expect(await readRenewalState(stateFile())).toStrictEqual(minimal);
  });
});

describe('RenewalStateStore', () => {
  const tempDir = useTempDir('renewal-store');
  const store = (): RenewalStateStore => new RenewalStateStore((id) => path.join(tempDir(), 'certs', id, 'renewal.json'));

  /** Adds one to the expiry alert list's length: a read-modify-write that loses updates unless serialised. */
  const addOne = (state: RenewalState): RenewalState => ({ ...state, expiryAlerts: { serial: 'a', sent: [...(state.expiryAlerts?.sent ?? []), (state.expiryAlerts?.sent.length ?? 0) + 1] } });

  it('serialises 50 concurrent updates of one id: none is lost, each sees the one before', async () => {
    const states = store();
    const results = await Promise.all(Array.from({ length: 50 }, () => states.update('example', addOne)));
    const expected = Array.from({ length: 50 }, (_, i) => i + 1);
    expect((await states.read('example')).expiryAlerts?.sent).toStrictEqual(expected);
    // Applied in the order they were called.
    expect(results.map((state) => state.expiryAlerts?.sent.length)).toStrictEqual(expected);
  });

  it('serialises each id on its own, so updates of different ids both land', async () => {
    const states = store();
    await Promise.all(Array.from({ length: 20 }, (_, i) => states.update(i % 2 === 0 ? 'one' : 'two', addOne)));
    expect((await states.read('one')).expiryAlerts?.sent).toHaveLength(10);
    expect((await states.read('two')).expiryAlerts?.sent).toHaveLength(10);
  });

  it('a change that throws rejects its own update only; the queue goes on', async () => {
    const states = store();
    const first = states.update('example', addOne);
    const failing = states.update('example', () => {
      throw new Error('boom');
    });
    const third = states.update('example', addOne);
    await expect(first).resolves.toMatchObject({ expiryAlerts: { sent: [1] } });
    await expect(failing).rejects.toThrow('boom');
    await expect(third).resolves.toMatchObject({ expiryAlerts: { sent: [1, 2] } });
  });

  it('a damaged file rejects the update with invalid_data and later updates still run', async () => {
    const states = store();
    const file = path.join(tempDir(), 'certs', 'example', 'renewal.json');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '{');
    await invalidData(states.update('example', addOne));
    await writeFile(file, JSON.stringify({ version: 1 }));
    await expect(states.update('example', addOne)).resolves.toMatchObject({ expiryAlerts: { sent: [1] } });
  });
});

describe('SpendLog', () => {
  const tempDir = useTempDir('spend-log');
  const logFile = (account = 'le'): string => path.join(tempDir(), 'accounts', account, 'spend.jsonl');

  const events: ReadonlyArray<SpendEvent> = [
    { at: t0, kind: 'new_order', identifiers: ['example.com', '*.example.com'] },
    { at: at(1000), kind: 'failed_validation', identifiers: ['example.com'] },
    { at: at(hour), kind: 'new_order', identifiers: ['example.com', '*.example.com'] },
    { at: at(hour + 1), kind: 'certificate_issued', identifiers: ['example.com', '*.example.com'] },
  ];

  it('reads nothing for an account that never spent', async () => {
    expect(await new SpendLog(tempDir(), 'le').read()).toStrictEqual([]);
  });

  it('appends one JSON line per event and reads them back in order', async () => {
    const log = new SpendLog(tempDir(), 'le');
    for (const event of events) await log.append(event);
    expect(await log.read()).toStrictEqual(events);
    const lines = (await readFile(logFile(), 'utf8')).split('\n');
    expect(lines).toHaveLength(events.length + 1);
    expect(lines.at(-1)).toBe('');
    expect(JSON.parse(lines[0] ?? '')).toStrictEqual({ at: '2025-06-01T00:00:00.000Z', kind: 'new_order', identifiers: ['example.com', '*.example.com'] });
  });

  it('keeps each account in its own file', async () => {
    await new SpendLog(tempDir(), 'le').append(events[0] as SpendEvent);
    await new SpendLog(tempDir(), 'le.staging').append(events[1] as SpendEvent);
    expect(await new SpendLog(tempDir(), 'le').read()).toStrictEqual([events[0]]);
    expect(await new SpendLog(tempDir(), 'le.staging').read()).toStrictEqual([events[1]]);
  });

  const since: ReadonlyArray<{ readonly name: string; readonly since: Date | undefined; readonly count: number }> = [
    { name: 'no since: everything', since: undefined, count: 4 },
    { name: 'before the first', since: at(-1), count: 4 },
    { name: 'exactly the first: only newer ones', since: t0, count: 3 },
    { name: 'between two', since: at(hour - 1), count: 2 },
    { name: 'exactly the last: none', since: at(hour + 1), count: 0 },
    { name: 'after the last', since: at(2 * hour), count: 0 },
  ];
  it.each(since)('since $name', async ({ since: after, count }) => {
    const log = new SpendLog(tempDir(), 'le');
    for (const event of events) await log.append(event);
    expect(await log.read(after)).toStrictEqual(events.slice(events.length - count));
  });

  it('skips torn and garbage lines and keeps the rest', async () => {
    const log = new SpendLog(tempDir(), 'le');
    await log.append(events[0] as SpendEvent);
    const good = JSON.stringify({ at: at(hour).toISOString(), kind: 'certificate_issued', identifiers: ['example.com'] });
    await writeFile(logFile(), [
      '{"at":"2025-06-01T00:00:00.500Z","kind":"new_ord', // torn mid-write
      'garbage',
      '',
      '   ',
      'null',
      '42',
      JSON.stringify({ at: 'yesterday', kind: 'new_order', identifiers: [] }),
      JSON.stringify({ at: t0.toISOString(), kind: 'revoked', identifiers: [] }),
      JSON.stringify({ at: t0.toISOString(), kind: 'new_order', identifiers: ['a'], extra: 1 }),
      JSON.stringify({ at: t0.toISOString(), kind: 'new_order', identifiers: 'a' }),
      good,
      '',
    ].join('\n'), { flag: 'a' });
    await log.append(events[2] as SpendEvent);
    expect(await log.read()).toStrictEqual([events[0], { at: at(hour), kind: 'certificate_issued', identifiers: ['example.com'] }, events[2]]);
  });

  it('creates the log 0644 in private 0700 folders', async () => {
    await new SpendLog(tempDir(), 'le').append(events[0] as SpendEvent);
    expect(await mode(logFile())).toBe(0o644);
    expect(await mode(path.dirname(logFile()))).toBe(0o700);
    expect(await mode(path.join(tempDir(), 'accounts'))).toBe(0o700);
  });

  it('many appends at once all land, each on its own line', async () => {
    const log = new SpendLog(tempDir(), 'le');
    const many = Array.from({ length: 100 }, (_, i): SpendEvent => ({ at: at(i), kind: 'new_order', identifiers: [`host${i}.example.com`] }));
    await Promise.all(many.map((event) => log.append(event)));
    const read = await log.read();
    expect(read).toHaveLength(100);
    expect([...read].sort((a, b) => a.at.getTime() - b.at.getTime())).toStrictEqual(many);
  });
});
