import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rateLimited, startAcmeFaultProxy, type AcmeFaultProxy } from '../support/acme-fault-proxy.ts';
import { builtCli, certdesk, requireBuiltCli, type ProcessResult } from '../support/cli.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { freePort, LOOPBACK } from '../support/ports.ts';
import { spawnManaged, type ManagedProcess } from '../support/processes.ts';
import { createTestCa, type TestCa } from '../support/test-ca.ts';

/**
 * The renewal engine end to end (issue #4): the real `certdesk daemon` and CLI against Pebble behind
 * the fault proxy, alerts delivered to a real local webhook. A needs-an-admin failure stops retries
 * with one alert; a 429 defers the next attempt past its Retry-After, then recovers; the rate budget
 * refuses an order the CA would refuse; a staging rehearsal stores nothing.
 */

const NEW_ORDER = /^\/order-plz$/;
/** A bound on waiting for the daemon's work, not a timing assertion. */
const waitBoundMs = 120_000;

interface ReceivedAlert {
  readonly kind: string;
  readonly certId: string;
  readonly severity: string;
  readonly titles: Readonly<Record<string, string>>;
}

interface Summary {
  readonly status: string;
  readonly version?: number;
  readonly nextAttemptAt?: string;
  readonly attempts?: { readonly count: number; readonly stopped?: string; readonly lastError: { readonly type: string; readonly explanation: Readonly<Record<string, string>> } };
  readonly budget?: ReadonlyArray<{ readonly limit: string; readonly used: number; readonly left: number; readonly max: number }>;
  readonly rehearsal?: { readonly ok: boolean };
}

let ca: TestCa;
let pebble: Pebble;
let proxy: AcmeFaultProxy;
let httpPort: number;
let dataDir: string;
let webhook: Server;
let webhookUrl: string;
let alerts: ReceivedAlert[] = [];
let daemon: ManagedProcess | undefined;

const cli = (...args: string[]): Promise<ProcessResult> => certdesk(['--data-dir', dataDir, ...args]);

async function show(id: string): Promise<Summary> {
  const result = await cli('--json', 'cert', 'show', id);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Summary;
}

async function orderLog(id: string): Promise<Array<{ event: string; message: string }>> {
  const file = path.join(dataDir, 'certs', id, 'log.jsonl');
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { event: string; message: string });
}

async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + waitBoundMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}\n${daemon?.output() ?? ''}`);
    await sleep(200);
  }
}

/** Registers the account through the proxy, points alerts at the webhook, defines `id`. */
async function setUp(id: string, options: { port?: number; stagingDirectory?: string } = {}): Promise<void> {
  const staging = options.stagingDirectory === undefined ? [] : ['--staging-directory', options.stagingDirectory];
  const added = await cli('ca', 'add', 'pebble', '--directory', proxy.directoryUrl, '--ca-file', pebble.caCertPath, '--agree-tos', ...staging);
  expect(added.code, added.stderr).toBe(0);
  expect((await cli('settings', 'set', 'alerts.webhook', webhookUrl)).code).toBe(0);
  const cert = await cli('cert', 'add', id, '--domain', `${id}.certdesk.test`, '--ca', 'pebble', '--http-port', String(options.port ?? httpPort), '--http-address', '127.0.0.1');
  expect(cert.code, cert.stderr).toBe(0);
  proxy.reset();
}

function startDaemon(): ManagedProcess {
  daemon = spawnManaged(builtCli, ['--data-dir', dataDir, 'daemon', '--check-interval', '0.01'], { name: 'certdesk daemon' });
  return daemon;
}

async function stopDaemon(): Promise<void> {
  if (daemon === undefined) return;
  daemon.child.kill('SIGTERM');
  const exit = await daemon.exited;
  expect(exit.code, daemon.output()).toBe(0);
  daemon = undefined;
}

beforeAll(async () => {
  requireBuiltCli();
  ca = await createTestCa();
  httpPort = await freePort();
  pebble = await startPebble({ ca, httpPort });
  proxy = await startAcmeFaultProxy({ upstream: pebble.directoryUrl, ca });
  webhook = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event: string; alert: ReceivedAlert };
      alerts.push(body.alert);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, LOOPBACK, resolve));
  webhookUrl = `http://${LOOPBACK}:${(webhook.address() as AddressInfo).port}/hooks/certdesk?token=secret-token`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => webhook.close(() => { resolve(); }));
  await proxy.stop();
  await pebble.stop();
});

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-engine-'));
  alerts = [];
});

afterEach(async () => {
  if (daemon !== undefined) {
    daemon.child.kill('SIGKILL');
    await daemon.exited;
    daemon = undefined;
  }
  proxy.reset();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the renewal engine', () => {
  it('stops retrying a needs-an-admin failure with one alert, however many checks follow', async () => {
    // The CA validates HTTP-01 on httpPort; CertDesk answers on another port, so the CA cannot connect.
    await setUp('broken', { port: await freePort() });
    startDaemon();
    await until('the failed attempt to be recorded', async () => (await show('broken')).attempts?.stopped !== undefined);
    // Many more checks (every ~0.6 s) pass: none may start another order or raise another alert.
    await sleep(6_000);
    await stopDaemon();

    const summary = await show('broken');
    expect(summary.status).toBe('stopped');
    expect(summary.attempts).toMatchObject({ count: 1, stopped: 'needs_admin', lastError: { type: 'connection' } });
    expect(summary.attempts?.lastError.explanation['zh-CN']).toMatch(/CA/);
    expect(summary.nextAttemptAt).toBeUndefined();
    expect(proxy.count({ method: 'POST', path: NEW_ORDER })).toBe(1);
    expect(alerts.map((alert) => [alert.kind, alert.certId, alert.severity])).toEqual([['retries_stopped', 'broken', 'critical']]);
    expect((await orderLog('broken')).filter((entry) => entry.event === 'order_created')).toHaveLength(1);

    // The admin renews by hand (acting clears the stop); it fails again: still no second alert.
    const manual = await cli('cert', 'renew', 'broken');
    expect(manual.code).toBe(1);
    expect(proxy.count({ method: 'POST', path: NEW_ORDER })).toBe(2);
    expect(alerts).toHaveLength(1);
    // The secret token in the webhook URL is never printed.
    expect(`${manual.stdout}${manual.stderr}`).not.toContain('secret-token');
  });

  // Waits out a real Retry-After of a minute (CertDesk waits inline only up to 60 s, so a longer one
  // is what goes through the scheduler).
  it('defers the next attempt past a 429 Retry-After, then renews and says it recovered', { timeout: 180_000 }, async () => {
    await setUp('limited');
    // The retry policy's own first delay is short, so only Retry-After can hold the retry back.
    expect((await cli('settings', 'set', 'retry.firstDelay', '1s', '--ca', 'pebble')).code).toBe(0);
    const retryAfterSeconds = 62;
    const fault = proxy.inject({ method: 'POST', path: NEW_ORDER, nth: 1 }, rateLimited(retryAfterSeconds));
    const started = Date.now();
    startDaemon();
    await fault.fired();
    const refusedAt = Date.now();
    await until('the deferred attempt to be recorded', async () => (await show('limited')).nextAttemptAt !== undefined);
    const summary = await show('limited');
    expect(summary.status).toBe('failing');
    expect(summary.attempts).toMatchObject({ count: 1, lastError: { type: 'rateLimited' } });
    expect(new Date(summary.nextAttemptAt ?? '').getTime()).toBeGreaterThanOrEqual(started + retryAfterSeconds * 1000);
    expect(alerts.map((alert) => alert.kind)).toEqual(['renewal_failed']);

    await until('the renewal after Retry-After', () => existsSync(path.join(dataDir, 'certs', 'limited', 'versions', '1', 'fullchain.pem')));
    const orders = proxy.requests().filter((request) => request.method === 'POST' && NEW_ORDER.test(request.path));
    expect(orders).toHaveLength(2);
    // The second order went out only after the CA's Retry-After had passed.
    expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(retryAfterSeconds * 1000 - 1000);
    await until('the recovered alert', () => alerts.length === 2);
    await stopDaemon();
    expect(alerts.map((alert) => alert.kind)).toEqual(['renewal_failed', 'recovered']);
    expect(alerts[1]?.titles['zh-CN']).toBeTruthy();
    const after = await show('limited');
    expect(after).toMatchObject({ status: 'valid', version: 1 });
    expect(after.attempts).toBeUndefined();
  });

  it('refuses an order the rate budget does not allow, without contacting the CA, and shows the budget', async () => {
    await setUp('first');
    expect((await cli('cert', 'add', 'second', '--domain', 'second.certdesk.test', '--ca', 'pebble', '--http-port', String(httpPort), '--http-address', '127.0.0.1')).code).toBe(0);
    expect((await cli('settings', 'set', 'rateLimits.newOrders', '1/3h', '--ca', 'pebble')).code).toBe(0);

    expect((await cli('cert', 'renew', 'first')).code).toBe(0);
    const refused = await cli('cert', 'renew', 'second');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/created 1 new orders in the last 3 hours \(the CA allows 1\)/);
    expect(proxy.count({ method: 'POST', path: NEW_ORDER })).toBe(1);

    const summary = await show('second');
    expect(summary.budget?.find((row) => row.limit === 'newOrders')).toMatchObject({ used: 1, max: 1, left: 0 });
    expect(summary.attempts).toMatchObject({ count: 0, lastError: { type: 'rate_budget' } });
    // Not counted as a failed attempt (the CA never saw it): the next one waits for the budget.
    expect(new Date(summary.nextAttemptAt ?? '').getTime()).toBeGreaterThan(Date.now() + 2 * 60 * 60 * 1000);
  });

  it('rehearses against the staging directory without storing anything, and alerts once when a rehearsal fails', async () => {
    await setUp('rehearsed', { stagingDirectory: proxy.directoryUrl });
    const rehearsal = await cli('cert', 'renew', 'rehearsed', '--dry-run');
    expect(rehearsal.code, rehearsal.stderr).toBe(0);
    expect(rehearsal.stdout).toContain('rehearsal against');
    expect(existsSync(path.join(dataDir, 'certs', 'rehearsed', 'versions'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'certs', 'rehearsed', 'rehearsal'))).toBe(false);
    expect((await show('rehearsed'))).toMatchObject({ status: 'none', rehearsal: { ok: true } });
    const config = JSON.parse(await readFile(path.join(dataDir, 'config.json'), 'utf8')) as { accounts: { pebble: { staging: { accountUrl?: string } } } };
    expect(config.accounts.pebble.staging.accountUrl).toMatch(/^https:\/\//);

    expect((await cli('cert', 'add', 'misconfigured', '--domain', 'misconfigured.certdesk.test', '--ca', 'pebble', '--http-port', String(await freePort()), '--http-address', '127.0.0.1')).code).toBe(0);
    for (let run = 0; run < 2; run += 1) {
      const failed = await cli('cert', 'renew', 'misconfigured', '--dry-run');
      expect(failed.code).toBe(1);
    }
    expect(alerts.map((alert) => [alert.kind, alert.certId])).toEqual([['rehearsal_failed', 'misconfigured']]);
    expect(existsSync(path.join(dataDir, 'certs', 'misconfigured', 'versions'))).toBe(false);
  });
});
