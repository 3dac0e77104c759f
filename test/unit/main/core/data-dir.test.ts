import { describe, expect, it } from 'vitest';
import { appName, dataDirEnv, defaultDataDir, resolveDataDir, type Host } from '../../../../main/core/data-dir.ts';
import { CertDeskError } from '../../../../main/core/errors.ts';
import { thrown } from '../support/thrown.ts';

const linuxHome = '/home/alice';
const macHome = '/Users/alice';
const windowsHome = 'C:\\Users\\alice';

function host(platform: NodeJS.Platform, env: Host['env'] = {}): Host {
  const homedir = platform === 'win32' ? windowsHome : platform === 'darwin' ? macHome : linuxHome;
  return { platform, env, homedir };
}

describe('appName and dataDirEnv', () => {
  it('name the folder Electron derives from productName and the override variable', () => {
    expect(appName).toBe('CertDesk');
    expect(dataDirEnv).toBe('CERTDESK_DATA_DIR');
  });
});

describe('defaultDataDir', () => {
  const cases: ReadonlyArray<{ name: string; host: Host; expected: string }> = [
    { name: 'linux, XDG_CONFIG_HOME unset → ~/.config', host: host('linux'), expected: '/home/alice/.config/CertDesk' },
    {
      name: 'linux, absolute XDG_CONFIG_HOME is used',
      host: host('linux', { XDG_CONFIG_HOME: '/srv/config' }),
      expected: '/srv/config/CertDesk',
    },
    {
      name: 'linux, absolute XDG_CONFIG_HOME with a trailing slash is normalised',
      host: host('linux', { XDG_CONFIG_HOME: '/srv/config/' }),
      expected: '/srv/config/CertDesk',
    },
    {
      name: 'linux, relative XDG_CONFIG_HOME is ignored as the XDG spec asks',
      host: host('linux', { XDG_CONFIG_HOME: 'relative/config' }),
      expected: '/home/alice/.config/CertDesk',
    },
    {
      name: 'linux, empty XDG_CONFIG_HOME is ignored',
      host: host('linux', { XDG_CONFIG_HOME: '' }),
      expected: '/home/alice/.config/CertDesk',
    },
    {
      name: 'linux, APPDATA means nothing',
      host: host('linux', { APPDATA: '/mnt/appdata' }),
      expected: '/home/alice/.config/CertDesk',
    },
    {
      name: 'another Unix (freebsd) follows the XDG rule',
      host: host('freebsd', { XDG_CONFIG_HOME: '/usr/home/alice/.xdg' }),
      expected: '/usr/home/alice/.xdg/CertDesk',
    },
    {
      name: 'darwin → ~/Library/Application Support',
      host: host('darwin'),
      expected: '/Users/alice/Library/Application Support/CertDesk',
    },
    {
      name: 'darwin ignores XDG_CONFIG_HOME',
      host: host('darwin', { XDG_CONFIG_HOME: '/Users/alice/.config' }),
      expected: '/Users/alice/Library/Application Support/CertDesk',
    },
    {
      name: 'win32, APPDATA set → %APPDATA%\\CertDesk with backslashes',
      host: host('win32', { APPDATA: 'D:\\Profiles\\alice\\Roaming' }),
      expected: 'D:\\Profiles\\alice\\Roaming\\CertDesk',
    },
    {
      name: 'win32, APPDATA unset → <home>\\AppData\\Roaming',
      host: host('win32'),
      expected: 'C:\\Users\\alice\\AppData\\Roaming\\CertDesk',
    },
    {
      name: 'win32, empty APPDATA is treated as unset',
      host: host('win32', { APPDATA: '' }),
      expected: 'C:\\Users\\alice\\AppData\\Roaming\\CertDesk',
    },
    {
      name: 'win32 ignores XDG_CONFIG_HOME',
      host: host('win32', { XDG_CONFIG_HOME: 'C:\\xdg' }),
      expected: 'C:\\Users\\alice\\AppData\\Roaming\\CertDesk',
    },
  ];

  it.each(cases)('$name', ({ host: h, expected }) => {
    expect(defaultDataDir(h)).toBe(expected);
  });
});

describe('resolveDataDir', () => {
  const cases: ReadonlyArray<{ name: string; host: Host; explicit?: string; cwd: string; expected: string }> = [
    { name: 'nothing given → the default', host: host('linux'), cwd: '/work', expected: '/home/alice/.config/CertDesk' },
    {
      name: 'CERTDESK_DATA_DIR beats the default',
      host: host('linux', { CERTDESK_DATA_DIR: '/var/lib/certdesk' }),
      cwd: '/work',
      expected: '/var/lib/certdesk',
    },
    {
      name: 'explicit beats CERTDESK_DATA_DIR',
      host: host('linux', { CERTDESK_DATA_DIR: '/var/lib/certdesk' }),
      explicit: '/srv/certdesk',
      cwd: '/work',
      expected: '/srv/certdesk',
    },
    {
      name: 'explicit beats a blank CERTDESK_DATA_DIR, which is then never looked at',
      host: host('linux', { CERTDESK_DATA_DIR: '   ' }),
      explicit: '/srv/certdesk',
      cwd: '/work',
      expected: '/srv/certdesk',
    },
    { name: 'relative explicit is resolved against cwd', host: host('linux'), explicit: 'data', cwd: '/work', expected: '/work/data' },
    {
      name: 'relative explicit with .. is normalised',
      host: host('linux'),
      explicit: '../shared/./data',
      cwd: '/work/main',
      expected: '/work/shared/data',
    },
    {
      name: 'relative CERTDESK_DATA_DIR is resolved against cwd too',
      host: host('linux', { CERTDESK_DATA_DIR: 'state' }),
      cwd: '/work',
      expected: '/work/state',
    },
    {
      name: 'win32 resolves a relative explicit path with backslashes',
      host: host('win32'),
      explicit: 'data',
      cwd: 'C:\\Users\\alice\\work',
      expected: 'C:\\Users\\alice\\work\\data',
    },
    {
      name: 'win32 keeps an absolute explicit path on another drive',
      host: host('win32'),
      explicit: 'E:\\certdesk',
      cwd: 'C:\\Users\\alice',
      expected: 'E:\\certdesk',
    },
    {
      name: 'win32 with nothing given → the APPDATA default',
      host: host('win32', { APPDATA: 'C:\\Users\\alice\\AppData\\Roaming' }),
      cwd: 'C:\\',
      expected: 'C:\\Users\\alice\\AppData\\Roaming\\CertDesk',
    },
  ];

  it.each(cases)('$name', ({ host: h, explicit, cwd, expected }) => {
    expect(resolveDataDir(h, { explicit, cwd })).toBe(expected);
  });

  const blanks: ReadonlyArray<{ name: string; host: Host; explicit?: string; source: string }> = [
    { name: 'empty --data-dir', host: host('linux'), explicit: '', source: '--data-dir' },
    { name: 'blank --data-dir', host: host('linux'), explicit: ' \t ', source: '--data-dir' },
    {
      name: 'empty --data-dir even when CERTDESK_DATA_DIR is valid',
      host: host('linux', { CERTDESK_DATA_DIR: '/var/lib/certdesk' }),
      explicit: '',
      source: '--data-dir',
    },
    { name: 'empty CERTDESK_DATA_DIR', host: host('linux', { CERTDESK_DATA_DIR: '' }), source: 'CERTDESK_DATA_DIR' },
    { name: 'blank CERTDESK_DATA_DIR', host: host('darwin', { CERTDESK_DATA_DIR: '  ' }), source: 'CERTDESK_DATA_DIR' },
  ];

  it.each(blanks)('$name → invalid_input naming $source, never the default', ({ host: h, explicit, source }) => {
    const error = thrown(() => resolveDataDir(h, { explicit, cwd: '/work' }));
    expect(error).toBeInstanceOf(CertDeskError);
    const { code, message, remedy } = error as CertDeskError;
    expect(code).toBe('invalid_input');
    expect(message).toBe(`Unable to use the data dir, ${source} is empty`);
    expect(remedy).toBe(`Give ${source} the path of a folder, or leave it out to use ${defaultDataDir(h)}.`);
  });
});
