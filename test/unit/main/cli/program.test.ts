import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppInfo } from '../../../../preload/contract.ts';
import type { ExitCode } from '../../../../main/cli/exit-codes.ts';
import { messages } from '../../../../main/cli/messages.ts';
import { runCli } from '../../../../main/cli/program.ts';
import { defaultSettings } from '../../../../main/core/settings.ts';
import { useTempDir } from '../support/temp-dir.ts';

const packageVersion = (JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;
const allowed = 'Allowed: language = system | en | zh-CN; theme = system | light | dark; closeToTray, startAtLogin, startHidden, notifications, quietNotifications = true | false.';

interface Run {
  readonly code: ExitCode;
  readonly out: string;
  readonly err: string;
}

describe('runCli', () => {
  const tempDir = useTempDir('cli');
  const configFile = (): string => path.join(tempDir(), 'config.json');

  /**
   * Runs the CLI in-process on Linux with nothing from the real environment: the home directory is
   * inside the temp dir, so even the default data dir never touches the machine's.
   */
  async function cli(argv: ReadonlyArray<string>, options: { env?: Record<string, string>; cwd?: string } = {}): Promise<Run> {
    let out = '';
    let err = '';
    const code = await runCli(argv, {
      platform: 'linux',
      env: options.env ?? {},
      homedir: path.join(tempDir(), 'home'),
      cwd: options.cwd ?? tempDir(),
      writeOut: (text) => {
        out += text;
      },
      writeErr: (text) => {
        err += text;
      },
    });
    return { code, out, err };
  }

  /** `cli` with `--data-dir <temp dir>` in front. */
  const inDataDir = (argv: ReadonlyArray<string>, env: Record<string, string> = {}): Promise<Run> =>
    cli(['--data-dir', tempDir(), ...argv], { env });

  describe('version and help', () => {
    it.each(['--version', '-V'])('%s prints the package.json version and exits 0', async (flag) => {
      expect(await cli([flag])).toStrictEqual({ code: 0, out: `${packageVersion}\n`, err: '' });
    });

    it.each([['--help'], ['-h'], ['help']])('%s exits 0 and lists the options, the commands and the exit codes', async (...argv) => {
      const { code, out, err } = await cli(argv);
      expect(code).toBe(0);
      expect(err).toBe('');
      expect(out).toContain('Usage: certdesk [options] [command]');
      expect(out).toContain(messages.description.en);
      expect(out).toMatch(/^ {2}--data-dir <path> /m);
      expect(out).toMatch(/^ {2}--json /m);
      expect(out).toMatch(/^ {2}info +show the version, platform and data directory$/m);
      expect(out).toMatch(/^ {2}settings +show or change settings$/m);
      expect(out).toMatch(/^ {2}help \[command\] /m);
      expect(out.trimEnd().endsWith(messages.exitCodes.en)).toBe(true);
    });

    it('help settings lists its subcommands', async () => {
      const { code, out } = await cli(['help', 'settings']);
      expect(code).toBe(0);
      expect(out).toMatch(/^ {2}show \[options\] +show the settings$/m);
      expect(out).toMatch(/^ {2}set \[options\] <key> <value> +change one setting$/m);
      expect(out).toMatch(/^ {2}get \[options\] <key> +print one setting$/m);
      expect(out).toMatch(/^ {2}unset \[options\] <key> +remove a policy setting so its default applies$/m);
    });
  });

  describe('bad usage exits 2', () => {
    it('with no arguments, showing the help on stderr', async () => {
      const { code, out, err } = await cli([]);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toContain('Usage: certdesk [options] [command]');
      expect(err).toContain(messages.exitCodes.en);
    });

    const cases: ReadonlyArray<{ argv: ReadonlyArray<string>; error: string }> = [
      { argv: ['--bogus'], error: "error: unknown option '--bogus'" },
      { argv: ['info', '--bogus'], error: "error: unknown option '--bogus'" },
      { argv: ['frobnicate'], error: 'error: too many arguments' },
      { argv: ['settings', 'set', 'theme'], error: "error: missing required argument 'value'" },
      { argv: ['--data-dir'], error: "error: option '--data-dir <path>' argument missing" },
    ];

    it.each(cases)('$argv', async ({ argv, error }) => {
      const { code, out, err } = await cli(argv);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toContain(error);
      expect(err).toContain('Usage: certdesk');
    });

    it("--data-dir '' names the option and writes nothing", async () => {
      const { code, out, err } = await cli(['--data-dir', '', 'settings', 'set', 'theme', 'dark']);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toBe(
        'certdesk: Unable to use the data dir, --data-dir is empty\n' +
          `What to do: Give --data-dir the path of a folder, or leave it out to use ${path.join(tempDir(), 'home', '.config', 'CertDesk')}.\n`,
      );
      expect(existsSync(path.join(tempDir(), 'home'))).toBe(false);
    });

    it('an empty CERTDESK_DATA_DIR names the variable', async () => {
      const { code, err } = await cli(['info'], { env: { CERTDESK_DATA_DIR: '' } });
      expect(code).toBe(2);
      expect(err).toContain('certdesk: Unable to use the data dir, CERTDESK_DATA_DIR is empty\n');
    });
  });

  describe('info', () => {
    it('prints name, version, runtime, platform, data dir and where the secrets key lives', async () => {
      expect(await inDataDir(['info'], { CERTDESK_KEYCHAIN: 'off' })).toStrictEqual({
        code: 0,
        out: [
          `CertDesk ${packageVersion}`,
          `Runtime: Node ${process.versions.node}`,
          `Platform: ${process.platform}/${process.arch}`,
          `Data directory: ${tempDir()}`,
          `Secrets key: not created yet; will be ${path.join(tempDir(), 'secrets', '.key')} (no OS keychain available)`,
          '',
        ].join('\n'),
        err: '',
      });
    });

    it('names the key file once a secret created it, and the keychain entry when the key is there', async () => {
      const secretsDir = path.join(tempDir(), 'secrets');
      await mkdir(secretsDir, { recursive: true });
      await writeFile(path.join(secretsDir, '.key'), `${Buffer.alloc(32, 1).toString('base64')}\n`, { mode: 0o600 });
      const file = await inDataDir(['info']);
      expect(file.out).toContain(`Secrets key: ${path.join(secretsDir, '.key')} (a file readable only by this user; no OS keychain in use)\n`);
      const json = await inDataDir(['--json', 'info']);
      expect((JSON.parse(json.out) as { secretsKey: unknown }).secretsKey).toStrictEqual({ store: 'file', path: path.join(secretsDir, '.key'), reason: 'key_file' });

      await rm(path.join(secretsDir, '.key'));
      await writeFile(path.join(secretsDir, '.keychain'), JSON.stringify({ format: 'certdesk-keychain-v1', service: 'CertDesk', account: 'abc', fingerprint: '0123456789abcdef' }));
      const keychain = await inDataDir(['info'], { CERTDESK_KEYCHAIN: 'off' });
      expect(keychain.out).toContain('Secrets key: the OS keychain (service "CertDesk", account abc)\n');
    });

    it('--json prints the AppInfo as JSON', async () => {
      const { code, out, err } = await inDataDir(['--json', 'info']);
      expect(code).toBe(0);
      expect(err).toBe('');
      const expected: AppInfo = {
        name: 'CertDesk',
        version: packageVersion,
        platform: process.platform,
        arch: process.arch,
        dataDir: tempDir(),
        runtime: 'node',
        versions: { node: process.versions.node },
      };
      expect(JSON.parse(out)).toStrictEqual({ ...expected, secretsKey: expect.objectContaining({ store: 'none' }) as unknown });
    });

    it('accepts --json after the command too', async () => {
      const { code, out } = await inDataDir(['info', '--json']);
      expect(code).toBe(0);
      expect((JSON.parse(out) as AppInfo).dataDir).toBe(tempDir());
    });

    // Opening a data dir creates it, so every path here lies inside the temp dir.
    const dataDirs: ReadonlyArray<{
      name: string;
      argv: (root: string) => ReadonlyArray<string>;
      env: (root: string) => Record<string, string>;
      expected: (root: string) => string;
    }> = [
      {
        name: 'CERTDESK_DATA_DIR when --data-dir is absent',
        argv: () => [],
        env: (root) => ({ CERTDESK_DATA_DIR: path.join(root, 'from-env') }),
        expected: (root) => path.join(root, 'from-env'),
      },
      {
        name: '--data-dir over CERTDESK_DATA_DIR',
        argv: (root) => ['--data-dir', path.join(root, 'from-option')],
        env: (root) => ({ CERTDESK_DATA_DIR: path.join(root, 'from-env') }),
        expected: (root) => path.join(root, 'from-option'),
      },
      {
        name: 'a relative --data-dir against the working directory',
        argv: () => ['--data-dir', 'state'],
        env: () => ({}),
        expected: (root) => path.join(root, 'state'),
      },
      {
        name: "the app's default under the home directory when neither is given",
        argv: () => [],
        env: () => ({}),
        expected: (root) => path.join(root, 'home', '.config', 'CertDesk'),
      },
      {
        name: 'XDG_CONFIG_HOME from the given env, not the real one',
        argv: () => [],
        env: (root) => ({ XDG_CONFIG_HOME: path.join(root, 'xdg') }),
        expected: (root) => path.join(root, 'xdg', 'CertDesk'),
      },
    ];

    it.each(dataDirs)('uses $name', async ({ argv, env, expected }) => {
      const root = tempDir();
      const { code, out } = await cli(['--json', ...argv(root), 'info'], { env: env(root) });
      expect(code).toBe(0);
      expect((JSON.parse(out) as AppInfo).dataDir).toBe(expected(root));
    });
  });

  describe('settings', () => {
    it('shows the defaults on an empty data dir, as text and as JSON', async () => {
      const shown = await inDataDir(['settings', 'show']);
      expect(shown).toMatchObject({ code: 0, err: '' });
      expect(shown.out).toMatch(/^language = system\ntheme = system\ncloseToTray = true\nstartAtLogin = false\nstartHidden = false\nnotifications = true\nquietNotifications = false\nrenewal\.remainingFraction = 0\.333\d* \(default\)\n/);
      expect(shown.out).toContain('retry.firstDelay = 1m (default)\nretry.factor = 2 (default)\nretry.maxDelay = 6h (default)\n');
      expect(shown.out).toContain('alerts.thresholds = 30,14,7,3,1 (default)\n');
      const json = await inDataDir(['--json', 'settings', 'show']);
      expect(JSON.parse(json.out)).toMatchObject({ language: 'system', theme: 'system', policy: { 'retry.giveUpAfter': '30d', 'scheduler.checkInterval': '1h', 'scheduler.concurrency': '2' } });
    });

    it('set theme dark writes config.json, and show reads it back', async () => {
      expect(await inDataDir(['settings', 'set', 'theme', 'dark'])).toStrictEqual({
        code: 0,
        out: 'language = system\ntheme = dark\ncloseToTray = true\nstartAtLogin = false\nstartHidden = false\nnotifications = true\nquietNotifications = false\n',
        err: '',
      });
      const file = JSON.parse(await readFile(configFile(), 'utf8')) as unknown;
      expect(file).toEqual({ settings: { ...defaultSettings, language: 'system', theme: 'dark' } });

      const shown = await inDataDir(['--json', 'settings', 'show']);
      expect(shown.code).toBe(0);
      expect(JSON.parse(shown.out)).toMatchObject({ language: 'system', theme: 'dark' });
    });

    it('`settings` alone shows the settings', async () => {
      await inDataDir(['settings', 'set', 'language', 'zh-CN']);
      const shown = await inDataDir(['settings']);
      expect(shown).toMatchObject({ code: 0, err: '' });
      expect(shown.out.startsWith('language = zh-CN\ntheme = system\ncloseToTray = true\nstartAtLogin = false\nstartHidden = false\nnotifications = true\nquietNotifications = false\nrenewal.')).toBe(true);
    });

    it('set --json prints the new settings as JSON', async () => {
      const { code, out } = await inDataDir(['--json', 'settings', 'set', 'language', 'en']);
      expect(code).toBe(0);
      expect(JSON.parse(out)).toStrictEqual({ ...defaultSettings, language: 'en' });
    });

    it('writes where CERTDESK_DATA_DIR points when --data-dir is absent', async () => {
      const dataDir = path.join(tempDir(), 'from-env');
      const { code } = await cli(['settings', 'set', 'theme', 'light'], { env: { CERTDESK_DATA_DIR: dataDir } });
      expect(code).toBe(0);
      const file = JSON.parse(await readFile(path.join(dataDir, 'config.json'), 'utf8')) as unknown;
      expect(file).toEqual({ settings: { ...defaultSettings, language: 'system', theme: 'light' } });
    });

    it('rejects an invalid value with exit 2, the remedy on stderr and the file byte-identical', async () => {
      await inDataDir(['settings', 'set', 'theme', 'dark']);
      const before = await readFile(configFile());
      expect(await inDataDir(['settings', 'set', 'theme', 'blue'])).toStrictEqual({
        code: 2,
        out: '',
        err: `certdesk: Unable to update settings, 'theme' is not a valid value\nWhat to do: ${allowed}\n`,
      });
      expect(await readFile(configFile())).toEqual(before);
    });

    it('sets an on/off setting from true/false and refuses other words', async () => {
      const { code, out } = await inDataDir(['--json', 'settings', 'set', 'closeToTray', 'false']);
      expect(code).toBe(0);
      expect(JSON.parse(out)).toStrictEqual({ ...defaultSettings, closeToTray: false });
      expect(await inDataDir(['settings', 'get', 'closeToTray'])).toStrictEqual({ code: 0, out: 'false\n', err: '' });
      const refused = await inDataDir(['settings', 'set', 'startAtLogin', 'yes']);
      expect(refused.code).toBe(2);
      expect(refused.err).toContain("'startAtLogin' is not a valid value");
    });

    it('rejects an invalid value on an empty data dir without creating config.json', async () => {
      const { code } = await inDataDir(['settings', 'set', 'language', 'fr']);
      expect(code).toBe(2);
      expect(existsSync(configFile())).toBe(false);
    });

    it('rejects an unknown setting with exit 2, naming it', async () => {
      const { code, out, err } = await inDataDir(['settings', 'set', 'colour', 'blue']);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toContain("unknown setting 'colour'");
      expect(err).toContain(`What to do: ${allowed}`);
    });

    it('with --json, reports the error as one JSON object on stderr', async () => {
      const { code, out, err } = await inDataDir(['--json', 'settings', 'set', 'theme', 'blue']);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err.endsWith('\n')).toBe(true);
      expect(JSON.parse(err)).toStrictEqual({
        error: { code: 'invalid_input', message: "Unable to update settings, 'theme' is not a valid value", remedy: allowed },
      });
    });

    // The service's contract for a config.json it cannot parse: show falls back to the defaults and
    // logs an error; set refuses with invalid_data (exit 1) and leaves the file for the admin.
    describe('on a corrupt config.json', () => {
      it('show prints the defaults and logs an error', async () => {
        await writeFile(configFile(), '{not json');
        const { code, out, err } = await inDataDir(['settings', 'show']);
        expect(err).toContain('certdesk: error: Unable to read settings, using defaults');
        expect(err).toContain('certdesk: warning: ');
        expect(out).toBe('language = system\ntheme = system\ncloseToTray = true\nstartAtLogin = false\nstartHidden = false\nnotifications = true\nquietNotifications = false\n');
        expect(code).toBe(0);
        expect(await readFile(configFile(), 'utf8')).toBe('{not json');
      });

      it('set exits 1 with invalid_data and its remedy, leaving the file byte-identical', async () => {
        await writeFile(configFile(), '{not json');
        const { code, out, err } = await inDataDir(['settings', 'set', 'theme', 'dark']);
        expect(err).toBe(
          `certdesk: Unable to update settings, ${configFile()} cannot be read\n` +
            'What to do: Repair the file or move it aside; CertDesk will not overwrite it.\n',
        );
        expect(out).toBe('');
        expect(code).toBe(1);
        expect(await readFile(configFile(), 'utf8')).toBe('{not json');
      });
    });
  });

  describe('in Chinese (LANG=zh_CN.UTF-8)', () => {
    const zh = { LANG: 'zh_CN.UTF-8' };

    it('info uses Chinese labels', async () => {
      const { code, out } = await inDataDir(['info'], zh);
      expect(code).toBe(0);
      expect(out.split('\n')).toEqual([
        `CertDesk ${packageVersion}`,
        `运行环境: Node ${process.versions.node}`,
        `平台: ${process.platform}/${process.arch}`,
        `数据目录: ${tempDir()}`,
        expect.stringMatching(/^密钥存放位置: 尚未创建；将保存在/) as unknown,
        '',
      ]);
    });

    it('help is in Chinese, exit codes included', async () => {
      const { code, out } = await cli(['--help'], { env: zh });
      expect(code).toBe(0);
      expect(out).toContain(messages.description['zh-CN']);
      expect(out).toContain(messages.cmdInfo['zh-CN']);
      expect(out.trimEnd().endsWith(messages.exitCodes['zh-CN'])).toBe(true);
    });

    it('labels the remedy in Chinese', async () => {
      const { code, err } = await inDataDir(['settings', 'set', 'theme', 'blue'], zh);
      expect(code).toBe(2);
      expect(err).toContain(`处理建议: ${allowed}`);
    });

    it('LC_ALL=C overrides a Chinese LANG', async () => {
      const { out } = await inDataDir(['info'], { LANG: 'zh_CN.UTF-8', LC_ALL: 'C' });
      expect(out).toContain(`Data directory: ${tempDir()}`);
    });
  });
});
