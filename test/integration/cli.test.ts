import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { certdesk, requireBuiltCli, runProcess } from '../support/cli.ts';

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
    expect(stored.settings).toEqual({ language: 'zh-CN', theme: 'system', closeToTray: true, startAtLogin: false, startHidden: false, quietNotifications: false });
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
