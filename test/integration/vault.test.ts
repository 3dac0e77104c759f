import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serviceUnavailable, startAcmeFaultProxy, type AcmeFaultProxy } from '../support/acme-fault-proxy.ts';
import { certdesk, requireBuiltCli, type ProcessResult } from '../support/cli.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { freePort } from '../support/ports.ts';
import { requireExecutable } from '../support/processes.ts';
import { createTestCa } from '../support/test-ca.ts';

/**
 * The vault end to end (issue #5) with the real CLI: export targets written after every renewal
 * with their deploy hook, PFX read back by OpenSSL, a failing target leaving its old files, failover
 * to a standby CA (a second Pebble) while the primary is down, revocation seen by the CA and
 * followed by a renewal, a damaged version detected and rolled back, and imports.
 */

const execFileAsync = promisify(execFile);
const NEW_ORDER = /^\/order-plz$/;
const PFX_PASSWORD = 'correct horse battery staple';

let primary: Pebble;
let standby: Pebble;
let proxy: AcmeFaultProxy;
let httpPort: number;
let dataDir: string;

const cli = (...args: string[]): Promise<ProcessResult> => certdesk(['--data-dir', dataDir, ...args], { CERTDESK_PFX_PASSWORD: PFX_PASSWORD });

async function ok(...args: string[]): Promise<ProcessResult> {
  const result = await cli(...args);
  expect(result.code, `${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

async function show(id: string): Promise<{ status: string; version?: number; serial?: string; problem?: string }> {
  return JSON.parse((await ok('--json', 'cert', 'show', id)).stdout) as { status: string; version?: number; serial?: string; problem?: string };
}

async function log(id: string): Promise<Array<{ event: string; message: string; data?: Record<string, unknown> }>> {
  const text = await readFile(path.join(dataDir, 'certs', id, 'log.jsonl'), 'utf8');
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { event: string; message: string; data?: Record<string, unknown> });
}

function serialOf(pem: string): string {
  return new X509Certificate(pem).serialNumber;
}

/** Pebble's management API: the status of a certificate by serial (hex). */
function certStatus(pebble: Pebble, serial: string): Promise<{ Status: string }> {
  return new Promise((resolve, reject) => {
    get(`${pebble.managementUrl}/cert-status-by-serial/${serial.toLowerCase().replace(/^0+/, '')}`, { agent: pebble.httpsAgent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Status: string });
        } catch (error) {
          reject(new Error(`Pebble answered ${response.statusCode ?? '?'}: ${Buffer.concat(chunks).toString('utf8')}`, { cause: error }));
        }
      });
    }).on('error', reject);
  });
}

async function addCert(id: string, extra: string[] = []): Promise<void> {
  await ok('cert', 'add', id, '--domain', `${id}.certdesk.test`, '--ca', 'primary', '--http-port', String(httpPort), '--http-address', '127.0.0.1', ...extra);
}

beforeAll(async () => {
  requireBuiltCli();
  const ca = await createTestCa();
  httpPort = await freePort();
  // Two CAs validating HTTP-01 on the same port, as two public CAs would reach the same server.
  primary = await startPebble({ ca, httpPort });
  standby = await startPebble({ ca, httpPort });
  proxy = await startAcmeFaultProxy({ upstream: primary.directoryUrl, ca });
});

afterAll(async () => {
  await proxy.stop();
  await Promise.all([primary.stop(), standby.stop()]);
});

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-vault-'));
  proxy.reset();
  await ok('ca', 'add', 'primary', '--directory', proxy.directoryUrl, '--ca-file', primary.caCertPath, '--agree-tos');
  await ok('ca', 'add', 'standby', '--directory', standby.directoryUrl, '--ca-file', standby.caCertPath, '--agree-tos');
});

afterEach(async () => {
  proxy.reset();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the certificate vault', () => {
  it('exports to two targets after every renewal and runs the hook; OpenSSL reads the PFX', async () => {
    await addCert('site');
    const pemDir = path.join(dataDir, 'nginx');
    const pfxDir = path.join(dataDir, 'iis');
    const hookLog = path.join(dataDir, 'hook.log');
    await mkdir(pemDir);
    await mkdir(pfxDir);
    await ok('export', 'add', 'site', '--to', pemDir, '--combined', 'haproxy.pem', '--hook', `echo "$CERTDESK_CERT_ID v$CERTDESK_VERSION $CERTDESK_FULLCHAIN_PATH $CERTDESK_KEY_PATH" >> '${hookLog}'; echo reloaded`);
    await ok('export', 'add', 'site', '--to', pfxDir, '--format', 'pfx', '--pfx-password', PFX_PASSWORD);
    const config = await readFile(path.join(dataDir, 'config.json'), 'utf8');
    expect(config).not.toContain(PFX_PASSWORD);

    const renewed = await ok('cert', 'renew', 'site');
    expect(renewed.stdout).toContain('obtained version 1');
    const live = path.join(dataDir, 'certs', 'site', 'versions', '1');
    expect(await readFile(path.join(pemDir, 'fullchain.pem'), 'utf8')).toBe(await readFile(path.join(live, 'fullchain.pem'), 'utf8'));
    expect((await stat(path.join(pemDir, 'privkey.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(pemDir, 'haproxy.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(pemDir, 'cert.pem'))).mode & 0o777).toBe(0o644);
    expect((await readFile(hookLog, 'utf8')).trim()).toBe(`site v1 ${path.join(pemDir, 'fullchain.pem')} ${path.join(pemDir, 'privkey.pem')}`);
    expect((await log('site')).find((entry) => entry.event === 'hook_run')?.data?.output).toBe('reloaded\n');

    const openssl = requireExecutable('openssl', 'openssl');
    const { stdout } = await execFileAsync(openssl, ['pkcs12', '-in', path.join(pfxDir, 'certificate.pfx'), '-passin', `pass:${PFX_PASSWORD}`, '-nodes']);
    expect(stdout).toContain('-----BEGIN PRIVATE KEY-----');
    expect(serialOf(stdout.slice(stdout.indexOf('-----BEGIN CERTIFICATE-----')))).toBe(serialOf(await readFile(path.join(live, 'cert.pem'), 'utf8')));

    // The next renewal goes to both targets again.
    await ok('cert', 'renew', 'site', '--force');
    expect((await readFile(hookLog, 'utf8')).trim().split('\n')).toHaveLength(2);
    expect(serialOf(await readFile(path.join(pemDir, 'cert.pem'), 'utf8'))).toBe(serialOf(await readFile(path.join(dataDir, 'certs', 'site', 'versions', '2', 'cert.pem'), 'utf8')));
  });

  it('a target that fails leaves its old files intact, alerts, and does not fail the renewal', async () => {
    await addCert('kept');
    const dir = path.join(dataDir, 'out');
    await mkdir(dir);
    await ok('export', 'add', 'kept', '--to', dir);
    await ok('cert', 'renew', 'kept');
    const before = await Promise.all(['cert.pem', 'chain.pem', 'fullchain.pem', 'privkey.pem'].map((name) => readFile(path.join(dir, name))));

    // A folder where a file must go: the target cannot be written.
    await rm(path.join(dir, 'chain.pem'));
    await mkdir(path.join(dir, 'chain.pem'));
    const renewed = await cli('cert', 'renew', 'kept', '--force');
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(renewed.stderr).toMatch(/ALERT warning kept: .*export to .* failed/);
    expect((await show('kept')).version).toBe(2);
    const after = await Promise.all(['cert.pem', 'fullchain.pem', 'privkey.pem'].map((name) => readFile(path.join(dir, name))));
    expect(after).toEqual([before[0], before[2], before[3]]);
    expect((await log('kept')).filter((entry) => entry.event === 'export_failed')).toHaveLength(1);
    // Exporting on demand says it failed.
    expect((await cli('cert', 'export', 'kept')).code).toBe(1);
  });

  it('fails over to the standby CA while the primary is down, then returns to the primary', async () => {
    await addCert('fo', ['--standby-ca', 'standby', '--failover-after', '1']);
    const down = proxy.inject({ method: 'POST', path: /.*/, nth: 'every' }, serviceUnavailable({ problem: true }));
    const failed = await cli('cert', 'renew', 'fo');
    expect(failed.code).toBe(1);

    const failover = await cli('cert', 'renew', 'fo');
    expect(failover.code, failover.stderr).toBe(0);
    expect(failover.stderr).toMatch(/ALERT warning fo: fo: switching to the standby CA standby/);
    expect((await log('fo')).some((entry) => entry.event === 'ca_failover')).toBe(true);
    const versions = JSON.parse((await ok('--json', 'cert', 'versions', 'fo')).stdout) as Array<{ version: number; issuedBy?: string; live: boolean }>;
    expect(versions[0]).toMatchObject({ version: 1, issuedBy: 'standby', live: true });

    down.remove();
    proxy.reset();
    await ok('cert', 'renew', 'fo', '--force');
    expect(proxy.count({ method: 'POST', path: NEW_ORDER, reachedUpstream: true })).toBe(1);
    const after = JSON.parse((await ok('--json', 'cert', 'versions', 'fo')).stdout) as Array<{ version: number; issuedBy?: string }>;
    expect(after[0]).toMatchObject({ version: 2, issuedBy: 'primary' });
  });

  it('revokes the live certificate at the CA and renews at once', async () => {
    await addCert('rv');
    await ok('cert', 'renew', 'rv');
    const serial = (await show('rv')).serial ?? '';
    expect((await certStatus(primary, serial)).Status).toBe('Valid');

    const revoked = await ok('cert', 'revoke', 'rv', '--reason', 'keyCompromise');
    expect(revoked.stdout).toContain('revoked version 1');
    expect(revoked.stdout).toContain('obtained version 2');
    expect((await certStatus(primary, serial)).Status).toBe('Revoked');
    const versions = JSON.parse((await ok('--json', 'cert', 'versions', 'rv')).stdout) as Array<{ version: number; live: boolean; revoked?: { reason: string } }>;
    expect(versions.map((v) => [v.version, v.live, v.revoked?.reason])).toEqual([[2, true, undefined], [1, false, 'keyCompromise']]);
    // A revoked version can never be made live again.
    expect((await cli('cert', 'rollback', 'rv')).code).toBe(2);
  });

  it('detects a truncated file in the live version and rolls back to the previous one', async () => {
    await addCert('tr');
    await ok('cert', 'renew', 'tr');
    await ok('cert', 'renew', 'tr', '--force');
    await truncate(path.join(dataDir, 'certs', 'tr', 'versions', '2', 'privkey.pem'), 40);

    const shown = await show('tr');
    expect(shown.status).toBe('damaged');
    expect(shown.problem).toMatch(/privkey\.pem/);
    const exported = await cli('cert', 'export', 'tr', '--to', path.join(dataDir, 'copy'));
    expect(exported.code).toBe(1);
    expect(exported.stderr).toMatch(/damaged/);
    expect(existsSync(path.join(dataDir, 'copy', 'privkey.pem'))).toBe(false);

    const rolled = await ok('cert', 'rollback', 'tr');
    expect(rolled.stdout).toContain('version 1 is live');
    expect(await show('tr')).toMatchObject({ status: 'valid', version: 1 });
  });

  it('imports a PFX as a managed certificate that then renews, and refuses a wrong password', async () => {
    await addCert('src');
    await ok('cert', 'renew', 'src');
    const pfxDir = path.join(dataDir, 'pfx');
    await mkdir(pfxDir);
    await ok('cert', 'export', 'src', '--to', pfxDir, '--format', 'pfx');
    const pfx = path.join(pfxDir, 'certificate.pfx');

    const wrong = await certdesk(['--data-dir', dataDir, 'cert', 'import', 'bad', '--from', pfx, '--pfx-password', 'nope', '--ca', 'primary', '--http-port', String(httpPort)]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/password/i);

    await ok('cert', 'import', 'adopted', '--from', pfx, '--ca', 'primary', '--http-port', String(httpPort), '--http-address', '127.0.0.1');
    const versions = JSON.parse((await ok('--json', 'cert', 'versions', 'adopted')).stdout) as Array<{ version: number; source: string }>;
    expect(versions).toMatchObject([{ version: 1, source: 'import' }]);
    expect(JSON.parse((await ok('--json', 'cert', 'show', 'adopted')).stdout)).toMatchObject({ domains: ['src.certdesk.test'], status: 'valid' });
    await ok('cert', 'renew', 'adopted', '--force');
    expect((await show('adopted')).version).toBe(2);

    // A PEM chain with its key in one file works too; a key that does not match is refused.
    const combined = path.join(dataDir, 'combined.pem');
    const v1 = path.join(dataDir, 'certs', 'src', 'versions', '1');
    await writeFile(combined, `${await readFile(path.join(v1, 'fullchain.pem'), 'utf8')}${await readFile(path.join(v1, 'privkey.pem'), 'utf8')}`);
    await ok('cert', 'import', 'pem-import', '--from', combined, '--ca', 'primary', '--http-port', String(httpPort));
    const mismatched = await cli('cert', 'import', 'mismatch', '--from', path.join(v1, 'fullchain.pem'), '--key-file', path.join(dataDir, 'certs', 'adopted', 'versions', '2', 'privkey.pem'), '--ca', 'primary', '--http-port', String(httpPort));
    expect(mismatched.code).toBe(2);
    expect(mismatched.stderr).toMatch(/key/i);
  });
});
