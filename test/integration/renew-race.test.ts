import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAcmeFaultProxy, type AcmeFaultProxy } from '../support/acme-fault-proxy.ts';
import { builtCli, certdesk, requireBuiltCli } from '../support/cli.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { freePort } from '../support/ports.ts';
import { spawnManaged } from '../support/processes.ts';
import { createTestCa } from '../support/test-ca.ts';

/**
 * Two `certdesk cert renew` processes on one certificate (issue #4 item 6): the second finds the
 * certificate's lock held and exits 3 ("busy") naming the holder; the CA sees one order. The first
 * run is pinned mid-order by holding its finalize response at the fault proxy.
 */

let pebble: Pebble;
let proxy: AcmeFaultProxy;
let httpPort: number;
let dataDir: string;

const cli = (...args: string[]) => certdesk(['--data-dir', dataDir, ...args]);

beforeAll(async () => {
  requireBuiltCli();
  const ca = await createTestCa();
  httpPort = await freePort();
  pebble = await startPebble({ ca, httpPort });
  proxy = await startAcmeFaultProxy({ upstream: pebble.directoryUrl, ca });
});

afterAll(async () => {
  await proxy.stop();
  await pebble.stop();
});

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-race-'));
  expect((await cli('ca', 'add', 'pebble', '--directory', proxy.directoryUrl, '--ca-file', pebble.caCertPath, '--agree-tos')).code).toBe(0);
  expect((await cli('cert', 'add', 'www', '--domain', 'www.certdesk.test', '--ca', 'pebble', '--http-port', String(httpPort), '--http-address', '127.0.0.1')).code).toBe(0);
  proxy.reset();
  return () => rm(dataDir, { recursive: true, force: true });
});

describe('two processes renewing one certificate', () => {
  it('the second exits 3 naming the holder, and the CA sees one order', async () => {
    const held = proxy.inject({ method: 'POST', path: /^\/finalize-order\// }, { kind: 'hold' });
    const first = spawnManaged(process.execPath, [builtCli, '--data-dir', dataDir, 'cert', 'renew', 'www'], { name: 'first renew' });
    await held.fired();

    const second = await cli('cert', 'renew', 'www', '--force');
    expect(second.code).toBe(3);
    expect(second.stdout).toMatch(new RegExp(`being renewed by pid ${String(first.pid)} on host ${os.hostname()}`));

    held.release();
    const exit = await first.exited;
    expect(exit.code, first.output()).toBe(0);
    expect(proxy.count({ method: 'POST', path: /^\/order-plz$/, reachedUpstream: true })).toBe(1);
    expect(proxy.count({ method: 'POST', path: /^\/finalize-order\//, reachedUpstream: true })).toBe(1);

    // Once the lock is free, a run finds the work already done.
    const third = await cli('--json', 'cert', 'renew', 'www');
    expect(third.code).toBe(0);
    expect(JSON.parse(third.stdout)).toMatchObject([{ id: 'www', ok: true, result: { renewed: false, reason: 'not_due' } }]);
  });
});
