import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtCli, certdesk, requireBuiltCli } from '../support/cli.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { freePort } from '../support/ports.ts';
import { spawnManaged } from '../support/processes.ts';

/**
 * `certdesk daemon` against Pebble issuing 30-second certificates: it obtains a new certificate at
 * once, renews it when it enters its renewal window (a third of the lifetime left), and stops
 * cleanly on SIGTERM.
 */

/** Pebble's certificate lifetime here: short enough that the renewal window opens within the test. */
const validitySeconds = 30;
/** A bound on waiting for the daemon's work, not a timing assertion. */
const waitBoundMs = 90_000;

let pebble: Pebble;
let dataDir: string;
let httpPort: number;

const cli = (...args: string[]) => certdesk(['--data-dir', dataDir, ...args]);

async function until(what: string, condition: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + waitBoundMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}\n${output()}`);
    await sleep(200);
  }
}

beforeAll(async () => {
  requireBuiltCli();
  httpPort = await freePort();
  pebble = await startPebble({ httpPort, certificateValidityPeriod: validitySeconds });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-daemon-'));
  expect((await cli('ca', 'add', 'pebble', '--directory', pebble.directoryUrl, '--ca-file', pebble.caCertPath, '--agree-tos')).code).toBe(0);
  expect((await cli('cert', 'add', 'www', '--domain', 'www.certdesk.test', '--ca', 'pebble', '--http-port', String(httpPort), '--http-address', '127.0.0.1')).code).toBe(0);
});

afterAll(async () => {
  await pebble.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('certdesk daemon', () => {
  it('obtains a certificate, renews it in its window, and stops cleanly on SIGTERM', async () => {
    const daemon = spawnManaged(builtCli, ['--data-dir', dataDir, 'daemon', '--check-interval', '0.05'], { name: 'certdesk daemon' });
    const version = (n: number) => () => existsSync(path.join(dataDir, 'certs', 'www', 'versions', String(n), 'fullchain.pem'));
    await until('the first certificate', version(1), () => daemon.output());
    await until('the renewal inside the window', version(2), () => daemon.output());

    daemon.child.kill('SIGTERM');
    const exit = await daemon.exited;
    expect(exit.code, daemon.output()).toBe(0);
    expect(daemon.output()).toContain('daemon stopped');
    expect(daemon.output()).toContain('www: obtained version 2');

    const shown = JSON.parse((await cli('--json', 'cert', 'show', 'www')).stdout) as { status: string; version: number };
    expect(shown).toMatchObject({ status: 'valid', version: 2 });
    expect(existsSync(path.join(dataDir, 'locks', 'www.lock'))).toBe(false);
  });
});
