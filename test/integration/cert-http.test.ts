import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { certdesk, requireBuiltCli } from '../support/cli.ts';
import { startNginx, type Nginx } from '../support/nginx.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { freePort } from '../support/ports.ts';

/**
 * The certificate lifecycle through the real `certdesk` CLI against Pebble, proving control over
 * HTTP-01: the built-in server and a webroot served by Debian's nginx. A fresh data dir per test.
 */

let pebble: Pebble;
let httpPort: number;
let dataDir: string;

interface Summary {
  status: string;
  domains: string[];
  serial?: string;
  notAfter?: string;
  version?: number;
}

const cli = (...args: string[]) => certdesk(['--data-dir', dataDir, ...args]);

async function json<T>(...args: string[]): Promise<T> {
  const result = await certdesk(['--data-dir', dataDir, '--json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

async function addPebbleAccount(): Promise<void> {
  const added = await cli('ca', 'add', 'pebble', '--directory', pebble.directoryUrl, '--ca-file', pebble.caCertPath, '--email', 'admin@certdesk.test', '--agree-tos');
  expect(added.code).toBe(0);
}

beforeAll(async () => {
  requireBuiltCli();
  httpPort = await freePort();
  pebble = await startPebble({ httpPort });
});

afterAll(async () => {
  await pebble.stop();
});

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-engine-'));
  return () => rm(dataDir, { recursive: true, force: true });
});

describe('a CA account', () => {
  it('is registered once, stored with its URL, and its key is an encrypted 0600 secret', async () => {
    await addPebbleAccount();
    const [account] = await json<Array<{ name: string; accountUrl: string; directoryUrl: string; email: string }>>('ca', 'list');
    expect(account).toMatchObject({ name: 'pebble', directoryUrl: pebble.directoryUrl, email: 'admin@certdesk.test' });
    expect(account?.accountUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/my-account\//);
    const keyFile = path.join(dataDir, 'secrets', 'accounts', 'pebble', 'account-key.secret');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(keyFile, 'utf8')).not.toContain('PRIVATE KEY');
    const config = await readFile(path.join(dataDir, 'config.json'), 'utf8');
    expect(config).not.toContain('PRIVATE KEY');
  });

  it('refuses a second account by the same name and a CA that requires agreeing to its terms', async () => {
    await addPebbleAccount();
    const again = await cli('ca', 'add', 'pebble', '--directory', pebble.directoryUrl, '--ca-file', pebble.caCertPath, '--agree-tos');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists already');
    const noTos = await cli('ca', 'add', 'other', '--directory', pebble.directoryUrl, '--ca-file', pebble.caCertPath);
    expect(noTos.code).toBe(2);
    expect(noTos.stderr).toContain('terms of service');
    expect(noTos.stderr).toContain('--agree-tos');
  });

  it('fails clearly when the CA is not trusted (no --ca-file)', async () => {
    const result = await cli('ca', 'add', 'pebble', '--directory', pebble.directoryUrl, '--agree-tos');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/trust|certificate/i);
    expect(result.stderr).toContain('--ca-file');
  });
});

describe('HTTP-01 through the built-in server', () => {
  it('obtains, shows, renews only when due or forced, exports, and logs every step', async () => {
    await addPebbleAccount();
    const add = await cli('cert', 'add', 'www', '--domain', 'www.certdesk.test', '--domain', 'API.certdesk.test.', '--ca', 'pebble', '--http-port', String(httpPort), '--http-address', '127.0.0.1');
    expect(add.code).toBe(0);
    expect((await json<Summary>('cert', 'show', 'www')).status).toBe('none');

    const renew = await cli('cert', 'renew', 'www');
    expect(renew.stderr).toBe('');
    expect(renew.code).toBe(0);
    const shown = await json<Summary>('cert', 'show', 'www');
    expect(shown).toMatchObject({ status: 'valid', domains: ['www.certdesk.test', 'api.certdesk.test'], version: 1 });

    const pem = await readFile(path.join(dataDir, 'certs', 'www', 'versions', '1', 'cert.pem'), 'utf8');
    const leaf = new X509Certificate(pem);
    expect(leaf.subjectAltName?.split(', ').sort()).toEqual(['DNS:api.certdesk.test', 'DNS:www.certdesk.test']);
    expect(leaf.serialNumber).toBe(shown.serial);
    expect((await stat(path.join(dataDir, 'certs', 'www', 'versions', '1', 'privkey.pem'))).mode & 0o777).toBe(0o600);
    expect(existsSync(path.join(dataDir, 'certs', 'www', 'pending'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'certs', 'www', 'order.json'))).toBe(false);

    const notDue = await json<Array<{ ok: boolean; result: { renewed: boolean; reason: string } }>>('cert', 'renew', 'www');
    expect(notDue[0]?.result).toMatchObject({ renewed: false, reason: 'not_due' });
    const forced = await cli('cert', 'renew', 'www', '--force');
    expect(forced.code).toBe(0);
    const second = await json<Summary>('cert', 'show', 'www');
    expect(second.version).toBe(2);
    expect(second.serial).not.toBe(shown.serial);

    const exportDir = path.join(dataDir, 'export', 'nested');
    expect((await cli('cert', 'export', 'www', '--to', exportDir)).code).toBe(0);
    expect((await readdir(exportDir)).sort()).toEqual(['cert.pem', 'chain.pem', 'fullchain.pem', 'privkey.pem']);
    expect((await stat(path.join(exportDir, 'privkey.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(exportDir, 'fullchain.pem'))).mode & 0o777).toBe(0o644);
    expect(new X509Certificate(await readFile(path.join(exportDir, 'cert.pem'), 'utf8')).serialNumber).toBe(second.serial);

    const log = await json<Array<{ event: string; message: string }>>('log', 'www');
    const events = log.map((entry) => entry.event);
    for (const event of ['cert_obtaining', 'order_created', 'challenge_presented', 'challenge_answered', 'finalize_sent', 'cert_downloaded', 'challenge_cleaned', 'cert_obtained', 'cert_exported', 'acme_request']) {
      expect(events).toContain(event);
    }
    expect(events.filter((e) => e === 'challenge_cleaned')).toHaveLength(4);
    expect(events.filter((e) => e === 'finalize_sent')).toHaveLength(2);
    const raw = await readFile(path.join(dataDir, 'certs', 'www', 'log.jsonl'), 'utf8');
    expect(raw).not.toMatch(/PRIVATE KEY|"protected"|"signature"/);
  });

  it('refuses a wildcard over HTTP-01, unknown accounts and bad domains with exit code 2', async () => {
    await addPebbleAccount();
    const cases: Array<{ args: string[]; message: string }> = [
      { args: ['--domain', '*.certdesk.test', '--ca', 'pebble', '--http-port', '80'], message: 'DNS-01' },
      { args: ['--domain', 'www.certdesk.test', '--ca', 'nope', '--http-port', '80'], message: 'Unable to find the CA account "nope"' },
      { args: ['--domain', 'bad_name!.test', '--ca', 'pebble', '--http-port', '80'], message: 'characters a domain name cannot have' },
      { args: ['--domain', '192.0.2.1', '--ca', 'pebble', '--http-port', '80'], message: 'IP addresses' },
      { args: ['--domain', 'www.certdesk.test', '--ca', 'pebble'], message: 'exactly one way' },
      { args: ['--domain', 'www.certdesk.test', '--ca', 'pebble', '--http-port', '80', '--webroot', '/tmp'], message: 'exactly one way' },
      { args: ['--domain', 'www.certdesk.test', '--ca', 'pebble', '--http-port', '99999'], message: 'port' },
      { args: ['--domain', 'www.certdesk.test', '--ca', 'pebble', '--http-port', '80', '--key', 'dsa-1024'], message: 'dsa-1024' },
    ];
    for (const { args, message } of cases) {
      const result = await cli('cert', 'add', 'x', ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
    expect(await json<unknown[]>('cert', 'list')).toEqual([]);
  });

  it('issues RSA and P-384 keys when asked', async () => {
    await addPebbleAccount();
    for (const [id, key, expected] of [['rsa', 'rsa-2048', 'rsa'], ['p384', 'ec-p384', 'ec']] as const) {
      expect((await cli('cert', 'add', id, '--domain', `${id}.certdesk.test`, '--ca', 'pebble', '--http-port', String(httpPort), '--http-address', '127.0.0.1', '--key', key)).code).toBe(0);
      expect((await cli('cert', 'renew', id)).code).toBe(0);
      const keyPem = await readFile(path.join(dataDir, 'certs', id, 'versions', '1', 'privkey.pem'), 'utf8');
      const { createPrivateKey } = await import('node:crypto');
      const parsed = createPrivateKey(keyPem);
      expect(parsed.asymmetricKeyType).toBe(expected);
      expect(parsed.asymmetricKeyDetails).toMatchObject(key === 'rsa-2048' ? { modulusLength: 2048 } : { namedCurve: 'secp384r1' });
    }
  });
});

describe('HTTP-01 through a webroot served by nginx', () => {
  let nginx: Nginx;
  let webroot: string;

  beforeAll(async () => {
    webroot = await mkdtemp(path.join(os.tmpdir(), 'certdesk-webroot-'));
    await chmod(webroot, 0o755);
  });

  afterAll(async () => {
    await rm(webroot, { recursive: true, force: true });
  });

  it('writes the answer where nginx serves it and removes it afterwards', async () => {
    nginx = await startNginx({ root: webroot, port: httpPort });
    try {
      await addPebbleAccount();
      expect((await cli('cert', 'add', 'site', '--domain', 'site.certdesk.test', '--ca', 'pebble', '--webroot', webroot)).code).toBe(0);
      const renew = await cli('cert', 'renew', 'site');
      expect(renew.stderr).toBe('');
      expect(renew.code).toBe(0);
      expect((await json<Summary>('cert', 'show', 'site')).status).toBe('valid');
      expect(existsSync(path.join(webroot, '.well-known'))).toBe(false);
    } finally {
      await nginx.stop();
    }
  });
});
