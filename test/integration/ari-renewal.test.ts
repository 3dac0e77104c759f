import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ariCertId } from '../../main/core/acme/ari.ts';
import { AcmeTransport } from '../../main/core/acme/transport.ts';
import { startAcmeFaultProxy, type AcmeFaultProxy } from '../support/acme-fault-proxy.ts';
import { certdesk, requireBuiltCli, type ProcessResult } from '../support/cli.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { freePort } from '../support/ports.ts';
import { startRenewalInfoServer, type RenewalInfoServer } from '../support/renewal-info-server.ts';
import { createTestCa } from '../support/test-ca.ts';

/**
 * ARI (RFC 9773) driving real renewals: Pebble 2.4 has no `renewalInfo`, so a small local endpoint
 * serves the directory plus windows, with the fault proxy between CertDesk and Pebble. The CLI asks
 * for the window before deciding, renews when the window opens, names the old certificate in
 * `replaces`, and orders once more without it when the CA refuses it.
 */

const NEW_ORDER = /^\/order-plz$/;
const dayMs = 24 * 60 * 60 * 1000;
const ID = 'ari-www';

let pebble: Pebble;
let proxy: AcmeFaultProxy;
let server: RenewalInfoServer;
let dataDir: string;

const cli = (...args: string[]): Promise<ProcessResult> => certdesk(['--data-dir', dataDir, ...args]);

async function liveCertId(version: number): Promise<string> {
  return ariCertId(await readFile(path.join(dataDir, 'certs', ID, 'versions', String(version), 'cert.pem'), 'utf8'));
}

async function createdOrders(): Promise<Array<{ replaces?: string }>> {
  const text = await readFile(path.join(dataDir, 'certs', ID, 'log.jsonl'), 'utf8');
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { event: string; data?: { replaces?: string } })
    .filter((entry) => entry.event === 'order_created').map((entry) => entry.data ?? {});
}

function window(startInDays: number, endInDays: number): { suggestedWindow: { start: string; end: string } } {
  const now = Date.now();
  return { suggestedWindow: { start: new Date(now + startInDays * dayMs).toISOString(), end: new Date(now + endInDays * dayMs).toISOString() } };
}

beforeAll(async () => {
  requireBuiltCli();
  const ca = await createTestCa();
  const httpPort = await freePort();
  pebble = await startPebble({ ca, httpPort });
  proxy = await startAcmeFaultProxy({ upstream: pebble.directoryUrl, ca });
  const transport = new AcmeTransport({ extraCaPem: ca.caCertPem });
  try {
    const upstream = (await transport.request(proxy.directoryUrl, 'get')).data as Record<string, unknown>;
    server = await startRenewalInfoServer({ certPem: ca.leafCertPem, keyPem: ca.leafKeyPem, upstreamDirectory: upstream });
  } finally {
    transport.close();
  }
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-ari-'));
  expect((await cli('ca', 'add', 'pebble', '--directory', server.directoryUrl, '--ca-file', pebble.caCertPath, '--agree-tos')).code).toBe(0);
  expect((await cli('cert', 'add', ID, '--domain', 'ari.certdesk.test', '--ca', 'pebble', '--http-port', String(httpPort), '--http-address', '127.0.0.1')).code).toBe(0);
});

afterAll(async () => {
  await server.stop();
  await proxy.stop();
  await pebble.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("renewal driven by the CA's ARI window", () => {
  it('asks for the window with a plain GET before deciding, and waits for it', async () => {
    const first = await cli('cert', 'renew', ID);
    expect(first.code, first.stderr).toBe(0);
    expect(await createdOrders()).toEqual([expect.not.objectContaining({ replaces: expect.anything() as unknown })]);

    // A window ten days out: the CLI asks for it (a plain GET) and does not renew.
    const v1 = await liveCertId(1);
    server.answer(v1, { body: window(10, 12) });
    const notYet = await cli('cert', 'renew', ID);
    expect(notYet.code, notYet.stderr).toBe(0);
    expect(notYet.stdout).toContain('not due');
    expect(server.requests.filter((request) => request.path === `/renewal-info/${v1}`).map((request) => [request.method, request.bodyLength])).toEqual([['GET', 0]]);
    const shown = JSON.parse((await cli('--json', 'cert', 'show', ID)).stdout) as { renewAt: string; renewalBasis: string; ariWindow: { start: string; end: string } };
    expect(shown.renewalBasis).toBe('ari_window');
    expect(new Date(shown.renewAt).getTime()).toBeGreaterThanOrEqual(new Date(shown.ariWindow.start).getTime());
    expect(new Date(shown.renewAt).getTime()).toBeLessThan(new Date(shown.ariWindow.end).getTime());
    // A Pebble certificate lasts about 5 years: only ARI could make it due within days.
    expect(new Date(shown.renewAt).getTime()).toBeLessThan(Date.now() + 13 * dayMs);
  });

  it('renews at once when the CA moves the window into the past (as before a revocation)', async () => {
    const v1 = await liveCertId(1);
    // The stored window is fresh for hours; an emergency window reaches CertDesk when it asks again.
    // Here the stored answer is dropped to stand for that later check.
    await rm(path.join(dataDir, 'certs', ID, 'renewal.json'));
    server.answer(v1, { body: window(-2, -1) });
    const renewed = await cli('cert', 'renew', ID);
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(renewed.stdout).toContain('obtained version 2');
    expect((await createdOrders()).at(-1)).toMatchObject({ replaces: v1 });
  });

  it('orders once more without replaces when the CA refuses it', async () => {
    const v2 = await liveCertId(2);
    server.answer(v2, { body: window(-2, -1) });
    proxy.reset();
    const refused = proxy.inject({ method: 'POST', path: NEW_ORDER, nth: 1 }, {
      kind: 'status',
      status: 409,
      problem: { type: 'urn:ietf:params:acme:error:alreadyReplaced', detail: 'acme-fault-proxy: this certificate was already replaced' },
    });
    const renewed = await cli('cert', 'renew', ID);
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(refused.hits).toBe(1);
    expect(proxy.count({ method: 'POST', path: NEW_ORDER })).toBe(2);
    expect(proxy.count({ method: 'POST', path: NEW_ORDER, reachedUpstream: true })).toBe(1);
    const orders = await createdOrders();
    expect(orders.at(-1)?.replaces).toBeUndefined();
    const log = await readFile(path.join(dataDir, 'certs', ID, 'log.jsonl'), 'utf8');
    expect(log).toContain("The CA refused 'replaces'");
    expect(existsSync(path.join(dataDir, 'certs', ID, 'versions', '3', 'fullchain.pem'))).toBe(true);
  });
});
