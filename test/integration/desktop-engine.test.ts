import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesktopEngine } from '../../main/core/desktop.ts';
import type { OrderLogEntryDto, RenewalStatusDto } from '../../preload/contract.ts';
import { openDesktopEngine } from '../support/e2e-bridge.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { freePort, LOOPBACK } from '../support/ports.ts';
import { createRecordingLogger } from '../support/recording-logger.ts';
import { createTestCa } from '../support/test-ca.ts';

/**
 * The desktop engine (issue #6) against Pebble, in-process as the app runs it: the scheduler
 * obtains a certificate defined through the engine's API and the events reach a subscriber; a
 * pause holds back scheduled work for many check intervals and a resume lets it through; the tray's
 * "renew all" renews what needs it while paused; the tray overview follows. The steps run in order
 * on one engine and one data dir, as one session of the app would.
 */

/** The scheduler's check interval here: short, so "several checks passed" takes seconds. */
const checkIntervalMs = 300;
/** A bound on waiting for the engine's work, not a timing assertion. */
const waitBoundMs = 45_000;

let pebble: Pebble;
let httpPort: number;
let dataDir: string;
let engine: DesktopEngine;
const logger = createRecordingLogger();
const orderEvents: OrderLogEntryDto[] = [];
const changed: string[] = [];
const states: RenewalStatusDto[] = [];

async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + waitBoundMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}\n${logger.lines.join('\n')}`);
    await sleep(100);
  }
}

function define(id: string): void {
  engine.certificates.addCertificate({
    id,
    domains: [`${id}.certdesk.test`],
    ca: 'pebble',
    challenge: { type: 'http-01', mode: 'standalone', address: LOOPBACK, port: httpPort },
    keyType: 'ec-p256',
  });
}

async function status(id: string): Promise<string> {
  return (await engine.certificates.showCertificate(id)).status;
}

beforeAll(async () => {
  const ca = await createTestCa();
  httpPort = await freePort();
  pebble = await startPebble({ ca, httpPort });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-desktop-'));
  engine = openDesktopEngine(dataDir, {
    logger,
    schedulerOptions: { checkIntervalMs, jitter: 0 },
    certificateOptions: { limits: { pollIntervalMs: 50 }, transport: { retryBaseMs: 50 } },
  });
  engine.on('order:event', (entry) => orderEvents.push(entry));
  engine.on('cert:changed', ({ id }) => changed.push(id));
  engine.on('renewal:changed', (state) => states.push(state));
  await engine.certificates.addAccount({ name: 'pebble', directory: pebble.directoryUrl, agreeTos: true, caFile: pebble.caCertPath });
});

afterAll(async () => {
  await engine.stop();
  await pebble.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the desktop engine against Pebble', () => {
  it('obtains a certificate through its scheduler, pushing order events, and the overview turns ok', async () => {
    expect((await engine.overview()).state).toBe('empty');
    define('first');
    expect(await engine.overview()).toMatchObject({ state: 'ok', counts: { pending: 1 } });

    await engine.start();
    await until('the scheduler to obtain "first"', async () => (await status('first')) === 'valid');

    const events = orderEvents.filter((entry) => entry.certId === 'first').map((entry) => entry.event);
    expect(events[0]).toBe('cert_obtaining');
    expect(events).toContain('order_created');
    expect(events).toContain('finalize_sent');
    expect(events).toContain('cert_obtained');
    // One cert:changed per entry, each naming the certificate.
    expect(changed.filter((id) => id === 'first')).toHaveLength(events.length);
    // What was pushed is what the order log holds (the CA exchanges are logged without waiting, so
    // the push order may differ from the file's by a line or two).
    const { entries } = await engine.certificates.readLog('first');
    const lines = (list: ReadonlyArray<unknown>): string[] => list.map((entry) => JSON.stringify(entry)).sort();
    expect(lines(orderEvents.filter((entry) => entry.certId === 'first'))).toEqual(lines(entries));

    const overview = await engine.overview();
    expect(overview).toMatchObject({ state: 'ok', total: 1, counts: { ok: 1, pending: 0 }, nextExpiry: { id: 'first' } });
    expect(overview.tooltip.en).toMatch(/^CertDesk: 1 OK; next expiry first on /);
  });

  it('starts no scheduled work while paused, and obtains what was added meanwhile on resume', async () => {
    await engine.pause();
    expect(engine.paused).toBe(true);
    expect(states).toEqual([{ paused: true }]);

    define('second');
    // Ten check intervals: a running scheduler would have started the order within the first.
    await sleep(10 * checkIntervalMs);
    expect(await status('second')).toBe('none');
    expect(orderEvents.filter((entry) => entry.certId === 'second')).toEqual([]);
    expect(existsSync(path.join(dataDir, 'certs', 'second', 'log.jsonl'))).toBe(false);

    await engine.resume();
    expect(engine.paused).toBe(false);
    expect(states).toEqual([{ paused: true }, { paused: false }]);
    await until('the scheduler to obtain "second" after resume', async () => (await status('second')) === 'valid');
    expect(orderEvents.filter((entry) => entry.certId === 'second').map((entry) => entry.event)).toContain('cert_obtained');
  });

  it('renewAll() renews what needs it — paused or not — and leaves the rest', async () => {
    await engine.pause();
    define('third');
    const outcomes = await engine.renewAll();

    expect(outcomes.map((outcome) => outcome.id)).toEqual(['first', 'second', 'third']);
    const byId = new Map(outcomes.map((outcome) => [outcome.id, outcome]));
    expect(byId.get('first')).toMatchObject({ ok: true, result: { renewed: false, reason: 'not_due', version: 1 } });
    expect(byId.get('second')).toMatchObject({ ok: true, result: { renewed: false, reason: 'not_due', version: 1 } });
    expect(byId.get('third')).toMatchObject({ ok: true, result: { renewed: true, version: 1 } });
    expect(await status('third')).toBe('valid');
    expect(engine.paused).toBe(true);

    expect(await engine.overview()).toMatchObject({ state: 'ok', total: 3, counts: { ok: 3, failing: 0, expiring: 0, pending: 0 } });
    await engine.resume();
  });
});
