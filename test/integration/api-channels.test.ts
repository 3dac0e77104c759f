import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls, { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandlers, dispatch, type ApiHandlers } from '../../main/core/api.ts';
import { openConfigStore, settingsStoreFromConf } from '../../main/core/config-store.ts';
import type { DesktopEngine } from '../../main/core/desktop.ts';
import { CertDeskService } from '../../main/core/service.ts';
import type {
  AccountDto,
  CertificateDetailDto,
  CertificateSummaryDto,
  InvokeChannel,
  InvokeChannels,
  PolicyEntryDto,
  RehearsalResultDto,
  RenewResultDto,
  RevokeResultDto,
  VersionDto,
} from '../../preload/contract.ts';
import { openDesktopEngine } from '../support/e2e-bridge.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { freePort, LOOPBACK } from '../support/ports.ts';
import { createRecordingLogger } from '../support/recording-logger.ts';
import { createTestCa } from '../support/test-ca.ts';

/**
 * The dashboard's issue #7 channels end to end against Pebble: every request goes through the same
 * validating handler table the IPC layer and the E2E bridge use (`createApiHandlers` + `dispatch`),
 * into a real {@link DesktopEngine} on a real data dir. One session, in order: add a CA account, add a
 * certificate with an export target, renew, read its detail (identity, chain, versions, the export's
 * last outcome), renew again, roll back, rehearse on "staging", revoke, monitor a TLS endpoint,
 * change the renewal policy, and remove certificates (files kept, and moved to the trash).
 *
 * Pebble's HTTPS listener is trusted the way an admin's system trust store would trust a public CA
 * (the E2E spec covers `ca:add`'s `caFile` for a private one): its CA is added to Node's default CA
 * list for this test file's process, and the previous list is restored afterwards.
 */

let pebble: Pebble;
let httpPort: number;
let dataDir: string;
let outDir: string;
let engine: DesktopEngine;
let service: CertDeskService;
let table: ApiHandlers;
let restoreTrust: () => void;
let endpoint: TlsServer | undefined;
const logger = createRecordingLogger();
const changed: string[] = [];

/** Sends one request through the handler table; resolves to its value, or throws the ApiError it crossed with. */
async function invoke<C extends InvokeChannel>(channel: C, request?: InvokeChannels[C]['request']): Promise<InvokeChannels[C]['response']> {
  const result = await dispatch(table, channel, request);
  // What crosses the bridge must survive structured cloning unchanged.
  expect(structuredClone(result)).toStrictEqual(result);
  if (!result.ok) throw new Error(`${channel} failed: ${JSON.stringify(result.error)}\n${logger.lines.join('\n')}`);
  return result.value as InvokeChannels[C]['response'];
}

/** The ApiError a request fails with. */
async function refusal(channel: InvokeChannel, request: unknown): Promise<{ code: string; message: string; remedy?: string }> {
  const result = await dispatch(table, channel, request);
  if (result.ok) throw new Error(`expected ${channel} to fail, got ${JSON.stringify(result.value)}`);
  return result.error;
}

function versionFile(id: string, version: number, file: string): string {
  return path.join(dataDir, 'certs', id, 'versions', String(version), file);
}

beforeAll(async () => {
  const ca = await createTestCa();
  httpPort = await freePort();
  pebble = await startPebble({ ca, httpPort });
  const previous = tls.getCACertificates('default');
  tls.setDefaultCACertificates([...previous, await readFile(pebble.caCertPath, 'utf8')]);
  restoreTrust = () => {
    tls.setDefaultCACertificates(previous);
  };
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-api-channels-'));
  outDir = path.join(dataDir, 'exported', 'site');
  // The admin's folder exists; an export target never creates it (a typo must not grow a new tree).
  await mkdir(outDir, { recursive: true });
  engine = openDesktopEngine(dataDir, { logger, certificateOptions: { limits: { pollIntervalMs: 50 }, transport: { retryBaseMs: 50 } } });
  engine.on('cert:changed', ({ id }) => changed.push(id));
  service = new CertDeskService({
    info: { name: 'CertDesk', version: '0.0.0', platform: process.platform, arch: process.arch, dataDir, runtime: 'node', versions: { node: process.versions.node } },
    settings: settingsStoreFromConf(openConfigStore(dataDir)),
    logger,
  });
  table = createApiHandlers({ service, engine });
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    if (endpoint === undefined) resolve();
    else endpoint.close(() => { resolve(); });
  });
  service.close();
  await engine.stop();
  await pebble.stop();
  restoreTrust();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the issue #7 channels against Pebble', () => {
  it('ca:add registers an account at the CA; ca:list shows it without its key', async () => {
    const account: AccountDto = await invoke('ca:add', {
      name: 'pebble',
      directory: pebble.directoryUrl,
      email: 'admin@example.com',
      agreeTos: true,
      // Pebble stands in for the CA's staging directory too: a second account is registered there on first use.
      stagingDirectory: pebble.directoryUrl,
    });
    expect(account).toStrictEqual({
      name: 'pebble',
      directoryUrl: pebble.directoryUrl,
      email: 'admin@example.com',
      stagingDirectoryUrl: pebble.directoryUrl,
      registered: true,
      createdAt: expect.any(String) as unknown,
    });
    expect(await invoke('ca:list')).toStrictEqual([account]);
    expect(JSON.stringify(await invoke('ca:list'))).not.toContain('PRIVATE KEY');
  });

  it('cert:add stores a certificate with an export target; nothing is ordered yet', async () => {
    const summary: CertificateSummaryDto = await invoke('cert:add', {
      id: 'site',
      domains: ['site.certdesk.test'],
      ca: 'pebble',
      challenge: { type: 'http-01', mode: 'standalone', address: LOOPBACK, port: httpPort },
      keyType: 'ec-p256',
      exports: [{ target: { dir: outDir, format: 'pem', hook: { command: 'echo deployed' } } }],
    });
    expect(summary).toStrictEqual({ id: 'site', domains: ['site.certdesk.test'], ca: 'pebble', challenge: 'http-01', status: 'none' });
    expect(changed).toEqual(['site']);
    expect(await readdir(outDir)).toEqual([]);
    expect(await invoke('cert:detail', { id: 'site' })).toMatchObject({ summary: { status: 'none' }, versions: [], exports: [{ target: { dir: outDir } }] });
  });

  it('cert:renew obtains it and exports it; cert:detail reads the identity, chain, versions and the export outcome', async () => {
    const renewed: RenewResultDto = await invoke('cert:renew', { id: 'site' });
    expect(renewed).toMatchObject({ id: 'site', renewed: true, version: 1, exports: [{ dir: outDir, ok: true, hook: { ok: true } }] });

    const detail: CertificateDetailDto = await invoke('cert:detail', { id: 'site' });
    const fullchain = await readFile(versionFile('site', 1, 'fullchain.pem'), 'utf8');
    const chain = fullchain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)?.map((pem) => new X509Certificate(pem)) ?? [];
    const [leaf] = chain;
    if (leaf === undefined) throw new Error('no certificate in fullchain.pem');
    expect(chain.length).toBeGreaterThanOrEqual(2);
    expect(detail.identity).toStrictEqual({
      domains: ['site.certdesk.test'],
      serial: leaf.serialNumber,
      subject: leaf.subject,
      issuer: leaf.issuer,
      notBefore: new Date(leaf.validFrom).toISOString(),
      notAfter: new Date(leaf.validTo).toISOString(),
      sha256: leaf.fingerprint256,
      sha1: leaf.fingerprint,
      keyType: 'EC P-256',
      chain: chain.map((cert) => ({
        subject: cert.subject,
        issuer: cert.issuer,
        serial: cert.serialNumber,
        notBefore: new Date(cert.validFrom).toISOString(),
        notAfter: new Date(cert.validTo).toISOString(),
        sha256: cert.fingerprint256,
      })),
    });
    // Leaf first: each certificate is issued by the next one.
    expect(detail.identity?.chain[0]?.issuer).toBe(detail.identity?.chain[1]?.subject);
    expect(detail.identity?.sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(detail.identity?.sha1).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(detail.summary).toMatchObject({ id: 'site', status: 'valid', version: 1, serial: leaf.serialNumber });
    expect(detail.config).toMatchObject({ domains: ['site.certdesk.test'], ca: 'pebble', keyType: 'ec-p256', challenge: { mode: 'standalone' } });
    expect(detail.versions).toStrictEqual([
      {
        version: 1,
        storedAt: expect.any(String) as unknown,
        live: true,
        source: 'acme',
        issuedBy: 'pebble',
        serial: leaf.serialNumber,
        notBefore: new Date(leaf.validFrom).toISOString(),
        notAfter: new Date(leaf.validTo).toISOString(),
      },
    ]);
    expect(detail.exports).toHaveLength(1);
    const [status] = detail.exports;
    expect(status?.target).toStrictEqual({ dir: outDir, format: 'pem', hook: { command: 'echo deployed' } });
    expect(status?.last).toMatchObject({ dir: outDir, format: 'pem', ok: true, hook: { ok: true } });
    expect(status?.last?.hook?.output).toContain('deployed');
    expect(Number.isNaN(Date.parse(status?.last?.at ?? ''))).toBe(false);
    expect(await readFile(path.join(outDir, 'fullchain.pem'), 'utf8')).toBe(fullchain);
  });

  it('cert:renew with force stores version 2; cert:rollback makes version 1 live again and exports it', async () => {
    expect(await invoke('cert:renew', { id: 'site', force: true })).toMatchObject({ renewed: true, version: 2 });
    const before: CertificateDetailDto = await invoke('cert:detail', { id: 'site' });
    expect(before.versions.map((v) => [v.version, v.live])).toEqual([[2, true], [1, false]]);
    const version2 = await readFile(versionFile('site', 2, 'fullchain.pem'), 'utf8');
    expect(await readFile(path.join(outDir, 'fullchain.pem'), 'utf8')).toBe(version2);

    const rolledBack: VersionDto = await invoke('cert:rollback', { id: 'site', version: 1 });
    expect(rolledBack).toMatchObject({ version: 1, live: true, source: 'acme', issuedBy: 'pebble' });

    const after: CertificateDetailDto = await invoke('cert:detail', { id: 'site' });
    expect(after.versions.map((v) => [v.version, v.live])).toEqual([[2, false], [1, true]]);
    expect(after.identity?.serial).toBe(rolledBack.serial);
    expect(after.summary).toMatchObject({ version: 1, serial: rolledBack.serial });
    expect(await readFile(path.join(outDir, 'fullchain.pem'), 'utf8')).toBe(await readFile(versionFile('site', 1, 'fullchain.pem'), 'utf8'));
    expect(after.exports[0]?.last).toMatchObject({ ok: true });

    expect(await refusal('cert:rollback', { id: 'site', version: 1 })).toMatchObject({ code: 'invalid_input', message: 'Unable to roll back site to version 1, it is already live' });
    expect(await refusal('cert:rollback', { id: 'site', version: 9 })).toMatchObject({ code: 'invalid_input' });
  });

  it('cert:rehearse orders from the staging directory and discards the result; the live version stays', async () => {
    const rehearsal: RehearsalResultDto = await invoke('cert:rehearse', { id: 'site' });
    expect(rehearsal).toMatchObject({ id: 'site', directoryUrl: pebble.directoryUrl, meta: { domains: ['site.certdesk.test'] } });
    expect(rehearsal.ordersCreated).toBeGreaterThanOrEqual(1);
    const detail: CertificateDetailDto = await invoke('cert:detail', { id: 'site' });
    expect(detail.summary.rehearsal).toMatchObject({ ok: true });
    expect(detail.summary.version).toBe(1);
    expect(detail.versions).toHaveLength(2);
  });

  it('cert:revoke revokes the live version at the CA and renews at once', async () => {
    const live = (await invoke('cert:detail', { id: 'site' })).identity?.serial;
    const revoked: RevokeResultDto = await invoke('cert:revoke', { id: 'site', reason: 'superseded' });
    expect(revoked).toMatchObject({ version: 1, serial: live, reason: 'superseded', live: true, renewal: { renewed: true, version: 3 } });
    expect(revoked).not.toHaveProperty('renewalError');

    const detail: CertificateDetailDto = await invoke('cert:detail', { id: 'site' });
    expect(detail.versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(detail.versions.find((v) => v.version === 1)?.revoked).toMatchObject({ reason: 'superseded' });
    expect(detail.summary).toMatchObject({ status: 'valid', version: 3 });
    expect(await refusal('cert:rollback', { id: 'site', version: 1 })).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('it was revoked') as unknown });
  });

  it('monitor:add reads what a TLS endpoint serves, and monitor:check reads it again', async () => {
    const server = createTlsServer({
      cert: await readFile(versionFile('site', 3, 'fullchain.pem'), 'utf8'),
      key: await readFile(versionFile('site', 3, 'privkey.pem'), 'utf8'),
    }, (socket) => socket.end());
    endpoint = server;
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');

    const watched: CertificateSummaryDto = await invoke('monitor:add', { id: 'endpoint', host: LOOPBACK, port: address.port, servername: 'site.certdesk.test' });
    expect(watched).toMatchObject({ id: 'endpoint', monitored: 'tls', status: 'valid', domains: ['site.certdesk.test'], endpoint: { port: address.port, deployed: 'same', heldBy: 'site' } });
    expect(await invoke('monitor:check', { id: 'endpoint' })).toMatchObject({ id: 'endpoint', endpoint: { deployed: 'same' } });
    const detail: CertificateDetailDto = await invoke('cert:detail', { id: 'endpoint' });
    expect(detail.identity?.sha256).toBe((await invoke('cert:detail', { id: 'site' })).identity?.sha256);
    expect(await refusal('monitor:check', { id: 'site' })).toMatchObject({ code: 'not_found' });
  });

  it('policy:get and policy:update: global values and the account’s overrides', async () => {
    const entry = (entries: ReadonlyArray<PolicyEntryDto>, key: string): PolicyEntryDto | undefined => entries.find((e) => e.key === key);
    expect(entry(await invoke('policy:get'), 'vault.keepVersions')).toStrictEqual({ key: 'vault.keepVersions', value: '5', isDefault: true });
    expect(entry(await invoke('policy:update', { key: 'vault.keepVersions', value: '3' }), 'vault.keepVersions')).toStrictEqual({ key: 'vault.keepVersions', value: '3', isDefault: false });

    const own = await invoke('policy:update', { key: 'retry.maxAttempts', value: '4', ca: 'pebble' });
    expect(entry(own, 'retry.maxAttempts')).toStrictEqual({ key: 'retry.maxAttempts', value: '4', isDefault: false });
    expect(entry(await invoke('policy:get', { ca: 'pebble' }), 'vault.keepVersions')).toStrictEqual({ key: 'vault.keepVersions', value: '3', isDefault: false });
    expect(entry(await invoke('policy:get'), 'retry.maxAttempts')).toMatchObject({ isDefault: true });

    // The next renewal keeps 3 versions: the oldest goes.
    await invoke('cert:renew', { id: 'site', force: true });
    expect((await invoke('cert:detail', { id: 'site' })).versions.map((v) => v.version)).toEqual([4, 3, 2]);
    expect(entry(await invoke('policy:update', { key: 'vault.keepVersions', value: null }), 'vault.keepVersions')).toStrictEqual({ key: 'vault.keepVersions', value: '5', isDefault: true });
  });

  it('ca:remove refuses while a certificate uses the account, naming it', async () => {
    expect(await refusal('ca:remove', { name: 'pebble' })).toStrictEqual({
      code: 'invalid_input',
      message: 'Unable to remove the CA account pebble, the certificate site uses it',
      remedy: 'Move them to another CA account (as CA and as standby) or remove them first.',
    });
  });

  it('cert:remove keeps the files by default; with deleteFiles it moves them to the trash, private keys included', async () => {
    changed.length = 0;
    await invoke('cert:remove', { id: 'endpoint' });
    await invoke('cert:remove', { id: 'site' });
    expect(await invoke('cert:list')).toEqual([]);
    expect(existsSync(versionFile('site', 4, 'privkey.pem'))).toBe(true);
    expect(existsSync(path.join(outDir, 'fullchain.pem'))).toBe(true);

    await invoke('cert:add', { id: 'other', domains: ['other.certdesk.test'], ca: 'pebble', challenge: { type: 'http-01', mode: 'standalone', address: LOOPBACK, port: httpPort }, keyType: 'rsa-2048' });
    await invoke('cert:renew', { id: 'other' });
    expect((await invoke('cert:detail', { id: 'other' })).identity?.keyType).toBe('RSA 2048');
    const key = await readFile(versionFile('other', 1, 'privkey.pem'), 'utf8');
    await invoke('cert:remove', { id: 'other', deleteFiles: true });
    expect(existsSync(path.join(dataDir, 'certs', 'other'))).toBe(false);
    const trash = await readdir(path.join(dataDir, 'trash'));
    expect(trash).toEqual([expect.stringMatching(/^other-/) as unknown]);
    expect(await readFile(path.join(dataDir, 'trash', trash[0] ?? '', 'versions', '1', 'privkey.pem'), 'utf8')).toBe(key);

    expect(changed).toEqual(expect.arrayContaining(['endpoint', 'site', 'other']));
    expect(changed.filter((id) => id === 'other').length).toBeGreaterThanOrEqual(2);
    expect(await refusal('cert:detail', { id: 'other' })).toMatchObject({ code: 'not_found' });

    // No certificate uses the account any more.
    await invoke('ca:remove', { name: 'pebble' });
    expect(await invoke('ca:list')).toEqual([]);
  });
});
