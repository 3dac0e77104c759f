import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Settings as LoginSettings } from 'electron';
import { applyLoginItem, autostartDir, autostartEntry, loginExecutable, startedAtLogin } from '../../main/electron/login-item.ts';

function fakeApp(wasOpenedAtLogin = false) {
  const calls: LoginSettings[] = [];
  return {
    calls,
    setLoginItemSettings: (settings: LoginSettings) => {
      calls.push(settings);
    },
    getLoginItemSettings: () => ({ wasOpenedAtLogin }) as ReturnType<Electron.App['getLoginItemSettings']>,
  };
}

describe('autostartEntry', () => {
  it('quotes the executable and passes --login', () => {
    expect(autostartEntry('/opt/CertDesk/certdesk-desktop')).toBe(
      ['[Desktop Entry]', 'Type=Application', 'Name=CertDesk', 'Comment=Keeps TLS certificates renewed',
        'Exec="/opt/CertDesk/certdesk-desktop" --login', 'Terminal=false', 'X-GNOME-Autostart-enabled=true', ''].join('\n'),
    );
  });

  it.each([
    ['/home/a b/CertDesk.AppImage', 'Exec="/home/a b/CertDesk.AppImage" --login'],
    ['/x/"quoted"', 'Exec="/x/\\\\"quoted\\\\"" --login'],
    ['/x/$HOME`id`', 'Exec="/x/\\\\$HOME\\\\`id\\\\`" --login'],
    ['/x/back\\slash', 'Exec="/x/back\\\\\\\\slash" --login'],
  ])('escapes %s as the Desktop Entry spec asks', (exec, line) => {
    expect(autostartEntry(exec).split('\n')).toContain(line);
  });
});

describe('autostartDir and loginExecutable', () => {
  it('uses an absolute XDG_CONFIG_HOME, else ~/.config', () => {
    expect(autostartDir({ env: { XDG_CONFIG_HOME: '/cfg' }, homedir: '/home/a' })).toBe(path.join('/cfg', 'autostart'));
    expect(autostartDir({ env: { XDG_CONFIG_HOME: 'relative' }, homedir: '/home/a' })).toBe(path.join('/home/a', '.config', 'autostart'));
    expect(autostartDir({ env: {}, homedir: '/home/a' })).toBe(path.join('/home/a', '.config', 'autostart'));
  });

  it('starts the AppImage file rather than its temporary mount', () => {
    expect(loginExecutable({ env: { APPIMAGE: '/home/a/CertDesk.AppImage' }, execPath: '/tmp/.mount_x/certdesk-desktop' })).toBe('/home/a/CertDesk.AppImage');
    expect(loginExecutable({ env: {}, execPath: '/opt/CertDesk/certdesk-desktop' })).toBe('/opt/CertDesk/certdesk-desktop');
  });
});

describe('applyLoginItem', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'certdesk-login-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });
  const host = (platform: NodeJS.Platform) => ({ platform, env: {}, homedir: home, execPath: '/opt/CertDesk/certdesk-desktop' });

  it('uses the login item on macOS', async () => {
    const app = fakeApp();
    await applyLoginItem(app, true, host('darwin'));
    await applyLoginItem(app, false, host('darwin'));
    expect(app.calls).toStrictEqual([{ openAtLogin: true }, { openAtLogin: false }]);
  });

  it('uses the login item with --login on Windows', async () => {
    const app = fakeApp();
    await applyLoginItem(app, true, host('win32'));
    expect(app.calls).toStrictEqual([{ openAtLogin: true, path: '/opt/CertDesk/certdesk-desktop', args: ['--login'] }]);
  });

  it('writes and removes an XDG autostart entry on Linux', async () => {
    const app = fakeApp();
    const file = path.join(home, '.config', 'autostart', 'certdesk.desktop');
    await applyLoginItem(app, true, host('linux'));
    expect(await readFile(file, 'utf8')).toContain('Exec="/opt/CertDesk/certdesk-desktop" --login\n');
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    await applyLoginItem(app, false, host('linux'));
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    await applyLoginItem(app, false, host('linux'));
    expect(app.calls).toStrictEqual([]);
  });
});

describe('startedAtLogin', () => {
  it.each([
    ['the --login flag', 'linux', true, false, true],
    ['nothing on Linux', 'linux', false, false, false],
    ['macOS reporting a login start', 'darwin', false, true, true],
    ['macOS reporting none', 'darwin', false, false, false],
    ['a macOS report elsewhere is ignored', 'win32', false, true, false],
  ] as const)('%s → %s', (_name, platform, flag, reported, expected) => {
    expect(startedAtLogin(fakeApp(reported), platform, flag)).toBe(expected);
  });
});
