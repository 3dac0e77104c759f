import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { certdesk, requireBuiltCli, runProcess } from '../support/cli.ts';
import { startVendorServer } from '../support/vendor-server.ts';

let dataDir: string;

beforeAll(requireBuiltCli);

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-cli-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('the built certdesk CLI', () => {
  it('prints the version through the documented `npm run --silent certdesk -- --version`', async () => {
    const result = await runProcess('npm', ['run', '--silent', 'certdesk', '--', '--version']);
    expect(result).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: '' });
  });

  it('reports info as JSON for the data dir given in CERTDESK_DATA_DIR', async () => {
    const result = await certdesk(['--json', 'info'], { CERTDESK_DATA_DIR: dataDir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ name: 'CertDesk', version: packageJson.version, dataDir, runtime: 'node' });
  });

  it('writes settings to config.json in the data dir and reads them back', async () => {
    expect((await certdesk(['--data-dir', dataDir, 'settings', 'set', 'language', 'zh-CN'])).code).toBe(0);
    const stored = JSON.parse(await readFile(path.join(dataDir, 'config.json'), 'utf8')) as { settings: unknown };
    expect(stored.settings).toEqual({ language: 'zh-CN', theme: 'system', closeToTray: true, startAtLogin: false, startHidden: false, notifications: true, quietNotifications: false });
    const shown = await certdesk(['--data-dir', dataDir, '--json', 'settings', 'show']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ language: 'zh-CN', theme: 'system', policy: { 'retry.maxDelay': '6h' } });
  });

  it('sets a renewal policy value, keeps it in config.json, and unsets it back to the default', async () => {
    const set = await certdesk(['--data-dir', dataDir, 'settings', 'set', 'retry.maxDelay', '2h']);
    expect(set.stdout).toBe('retry.maxDelay = 2h\n');
    const stored = JSON.parse(await readFile(path.join(dataDir, 'config.json'), 'utf8')) as { policy: unknown };
    expect(stored.policy).toEqual({ retry: { maxDelayMs: 2 * 60 * 60 * 1000 } });
    expect((await certdesk(['--data-dir', dataDir, 'settings', 'get', 'retry.maxDelay'])).stdout).toBe('2h\n');

    const refused = await certdesk(['--data-dir', dataDir, 'settings', 'set', 'retry.firstDelay', '3h']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("'maxDelayMs' (7200000) must be at least 'firstDelayMs' (10800000)");

    expect((await certdesk(['--data-dir', dataDir, 'settings', 'unset', 'retry.maxDelay'])).stdout).toBe('retry.maxDelay = 6h (default)\n');
    expect((JSON.parse(await readFile(path.join(dataDir, 'config.json'), 'utf8')) as { policy: unknown }).policy).toEqual({});
  });

  it.each([
    ['an unknown option', ['--frobnicate']],
    ['an unknown command', ['frobnicate']],
    ['a missing argument', ['settings', 'set', 'theme']],
    ['no command at all', []],
  ])('exits 2 for %s', async (_name, args) => {
    const result = await certdesk(['--data-dir', dataDir, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: certdesk');
  });

  it('exits 2 with the remedy and a JSON error for an invalid setting, writing nothing', async () => {
    const result = await certdesk(['--data-dir', dataDir, '--json', 'settings', 'set', 'theme', 'neon']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'invalid_input', remedy: expect.stringContaining('system | light | dark') as unknown } });
    expect(existsSync(path.join(dataDir, 'config.json'))).toBe(false);
  });

  it('speaks Simplified Chinese when the locale is zh_CN', async () => {
    const result = await certdesk(['--data-dir', dataDir, 'info'], { LANG: 'zh_CN.UTF-8', LC_ALL: '', LC_MESSAGES: '' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`数据目录: ${dataDir}`);
  });
});

describe('certdesk dns against a cloud API', () => {
  const token = 'integration-cloudflare-token-0123456789';

  it('adds a Cloudflare provider with the token from the environment, checks it without writing, and removes it', async () => {
    const api = await startVendorServer((request) => {
      if (request.headers.authorization !== `Bearer ${token}`) {
        return { status: 403, body: { success: false, errors: [{ code: 10000, message: 'Authentication error' }], messages: [], result: null } };
      }
      if (request.url.pathname === '/client/v4/user/tokens/verify') return { status: 200, body: { success: true, errors: [], messages: [], result: { id: 'x', status: 'active' } } };
      return { status: 200, body: { success: true, errors: [], messages: [], result: [{ id: '023e105f4ecef8ad9ca31a8372d0c353', name: 'example.com' }], result_info: { page: 1, total_pages: 1 } } };
    });
    try {
      // The built CLI trusts the stand-in's CA the way an admin trusts a private one: NODE_EXTRA_CA_CERTS.
      const caFile = path.join(dataDir, 'api-ca.pem');
      await writeFile(caFile, api.caPem);
      const env = { CERTDESK_KEYCHAIN: 'off', NODE_EXTRA_CA_CERTS: caFile };
      const add = await certdesk(['--data-dir', dataDir, 'dns', 'add', 'cf', '--provider', 'cloudflare', '--endpoint', `${api.url}/client/v4`], { ...env, CERTDESK_DNS_API_TOKEN: token });
      expect(add).toMatchObject({ code: 0, stderr: '' });
      expect(await readFile(path.join(dataDir, 'config.json'), 'utf8')).not.toContain(token);

      const check = await certdesk(['--data-dir', dataDir, 'dns', 'check', 'cf'], env);
      expect(check).toEqual({ code: 0, stdout: 'cf: credentials work; zones: example.com\n', stderr: '' });
      expect(api.requests.map((request) => request.method)).toEqual(['GET', 'GET']);

      const list = await certdesk(['--data-dir', dataDir, '--json', 'dns', 'list'], env);
      expect(JSON.parse(list.stdout)).toEqual([{ name: 'cf', provider: 'cloudflare', settings: { endpoint: `${api.url}/client/v4` }, secrets: ['apiToken'], propagation: { enabled: true } }]);
      expect(list.stdout).not.toContain(token);

      expect((await certdesk(['--data-dir', dataDir, 'dns', 'remove', 'cf'], env)).code).toBe(0);
      expect((await certdesk(['--data-dir', dataDir, 'dns', 'check', 'cf'], env)).code).toBe(2);
    } finally {
      await api.stop();
    }
  });
});
