import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer as createTlsServer, createSecureContext, type Server as TlsServer, type SecureContext } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtCli, certdesk, requireBuiltCli, type ProcessResult } from '../support/cli.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { freePort, LOOPBACK } from '../support/ports.ts';
import { spawnManaged } from '../support/processes.ts';

/**
 * Monitor-only certificates through the real CLI: `cert import` of a PEM file and `monitor add` of a
 * real TLS endpoint (SNI), compared with what CertDesk holds, and expiry alerts that the daemon
 * raises once for them.
 */

const HOST = 'site.certdesk.test';
/** A bound on waiting for the daemon's work, not a timing assertion. */
const waitBoundMs = 60_000;

let pebble: Pebble;
let dataDir: string;
let tls: TlsServer;
let tlsPort: number;
let served: SecureContext;
let webhook: Server;
const alerts: Array<{ kind: string; certId: string }> = [];

const cli = (...args: string[]): Promise<ProcessResult> => certdesk(['--data-dir', dataDir, ...args]);

async function version(n: number): Promise<{ cert: string; key: string; fullchain: string }> {
  const dir = path.join(dataDir, 'certs', 'site', 'versions', String(n));
  return { cert: await readFile(path.join(dir, 'cert.pem'), 'utf8'), key: await readFile(path.join(dir, 'privkey.pem'), 'utf8'), fullchain: await readFile(path.join(dir, 'fullchain.pem'), 'utf8') };
}

beforeAll(async () => {
  requireBuiltCli();
  const httpPort = await freePort();
  pebble = await startPebble({ httpPort });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-monitor-'));
  expect((await cli('ca', 'add', 'pebble', '--directory', pebble.directoryUrl, '--ca-file', pebble.caCertPath, '--agree-tos')).code).toBe(0);
  expect((await cli('cert', 'add', 'site', '--domain', HOST, '--ca', 'pebble', '--http-port', String(httpPort), '--http-address', '127.0.0.1')).code).toBe(0);
  expect((await cli('cert', 'renew', 'site')).code).toBe(0);
  expect((await cli('cert', 'renew', 'site', '--force')).code).toBe(0);

  // A web server still serving version 1 for the site's name (SNI), and nothing for others.
  const v1 = await version(1);
  served = createSecureContext({ cert: v1.fullchain, key: v1.key });
  tls = createTlsServer({ SNICallback: (name, done) => { done(null, name === HOST ? served : undefined); } }, (socket) => socket.end());
  await new Promise<void>((resolve) => tls.listen(0, LOOPBACK, resolve));
  tlsPort = (tls.address() as AddressInfo).port;

  webhook = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      alerts.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alert: { kind: string; certId: string } }).alert);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, LOOPBACK, resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => tls.close(() => { resolve(); }));
  await new Promise<void>((resolve) => webhook.close(() => { resolve(); }));
  await pebble.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('monitor-only certificates', () => {
  it('reads what a TLS endpoint serves and says the deployed certificate is older than the one CertDesk holds', async () => {
    const added = await cli('--json', 'monitor', 'add', 'deployed', '--host', LOOPBACK, '--port', String(tlsPort), '--servername', HOST);
    expect(added.code, added.stderr).toBe(0);
    const v1 = await version(1);
    const summary = JSON.parse(added.stdout) as { monitored: string; domains: string[]; serial: string; endpoint: { deployed: string; heldBy: string } };
    expect(summary).toMatchObject({ monitored: 'tls', domains: [HOST], endpoint: { deployed: 'older', heldBy: 'site' } });
    expect(new X509Certificate(v1.cert).serialNumber).toBe(summary.serial);
    expect((await cli('monitor', 'add', 'again', '--host', LOOPBACK, '--port', String(tlsPort), '--servername', HOST)).code).toBe(0);

    // The admin deploys version 2; the next check sees it.
    const v2 = await version(2);
    served = createSecureContext({ cert: v2.fullchain, key: v2.key });
    const checked = await cli('monitor', 'check', 'deployed');
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toContain('the same certificate CertDesk holds (site)');

    const list = await cli('cert', 'list');
    expect(list.stdout).toMatch(/^deployed\tvalid \(monitored\)\t/m);
    expect((await cli('monitor', 'remove', 'again')).code).toBe(0);
  });

  it('fails clearly for an endpoint that is not there, storing nothing', async () => {
    const closed = await freePort();
    const result = await cli('monitor', 'add', 'nowhere', '--host', LOOPBACK, '--port', String(closed));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/refused/i);
    expect((await cli('cert', 'show', 'nowhere')).code).toBe(2);
  });

  it('imports a PEM file for expiry tracking, refusing one with a private key in it', async () => {
    const v1 = await version(1);
    const file = path.join(dataDir, 'legacy.pem');
    await writeFile(file, v1.fullchain);
    const imported = await cli('cert', 'import', 'legacy', '--from', file);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse((await cli('--json', 'cert', 'show', 'legacy')).stdout)).toMatchObject({ id: 'legacy', monitored: 'import', status: 'valid', domains: [HOST] });

    const withKey = path.join(dataDir, 'with-key.pem');
    await writeFile(withKey, `${v1.fullchain}${v1.key}`);
    const refused = await cli('cert', 'import', 'keyed', '--from', withKey);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/private key/i);
    expect(refused.stderr).not.toContain('PRIVATE KEY-----\n');
  });

  it('the daemon raises one expiry alert per monitored certificate, not one per check', async () => {
    // Pebble's certificates live for years: a threshold beyond that makes them "expiring" now.
    expect((await cli('settings', 'set', 'alerts.thresholds', '5000')).code).toBe(0);
    expect((await cli('settings', 'set', 'alerts.webhook', `http://${LOOPBACK}:${(webhook.address() as AddressInfo).port}/alerts`)).code).toBe(0);
    const daemon = spawnManaged(builtCli, ['--data-dir', dataDir, 'daemon', '--check-interval', '0.01'], { name: 'certdesk daemon' });
    const deadline = Date.now() + waitBoundMs;
    while (alerts.length < 2 && Date.now() < deadline) await sleep(200);
    // Several more checks pass (every ~0.6 s).
    await sleep(4_000);
    daemon.child.kill('SIGTERM');
    expect((await daemon.exited).code, daemon.output()).toBe(0);
    expect(alerts.map((alert) => `${alert.kind} ${alert.certId}`).sort()).toEqual(['expiring deployed', 'expiring legacy']);
    // The managed certificate renews long before: its alerts start only after its planned renewal.
    expect(daemon.output()).toContain('ALERT');
  });
});
