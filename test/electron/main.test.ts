import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { invokeChannels } from '../../preload/contract.ts';
import { CertificateService } from '../../main/core/certificates.ts';
import { openConfigStore } from '../../main/core/config-store.ts';
import { dataPaths } from '../../main/core/paths.ts';
import { FileSecretBox } from '../../main/core/secrets/file-secret-box.ts';
import { defaultSettings } from '../../main/core/settings.ts';
import { createRecordingLogger } from '../support/recording-logger.ts';
import {
  createFakeElectron,
  FakeBrowserWindow,
  FakeTray,
  FakeWebContents,
  invokeEvent,
  preventable,
  shownNotifications,
  type FakeElectron,
  type FakeMenu,
} from './fake-electron.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
let dataDir: string;
let electron: FakeElectron;
let launched = false;

/** Loads main/index.ts (the composition root) against a fresh fake Electron. */
async function launch(options: { lockGranted: boolean; argv?: ReadonlyArray<string>; wasOpenedAtLogin?: boolean; preferredLanguages?: ReadonlyArray<string> }): Promise<FakeElectron> {
  electron = createFakeElectron({
    lockGranted: options.lockGranted,
    userData: path.join(dataDir, 'default-user-data'),
    appPath: repoRoot,
    ...(options.wasOpenedAtLogin === undefined ? {} : { wasOpenedAtLogin: options.wasOpenedAtLogin }),
    ...(options.preferredLanguages === undefined ? {} : { preferredLanguages: options.preferredLanguages }),
  });
  process.argv = ['/opt/CertDesk/certdesk-desktop', ...(options.argv ?? [])];
  vi.resetModules();
  vi.doMock('electron', () => electron);
  await import('../../main/index.ts');
  launched = true;
  return electron;
}

/** Plays quitting as Electron does (before-quit, will-quit) and waits until the shell quits for real. */
async function quit(): Promise<void> {
  const before = electron.app.quitCalls;
  electron.app.emit('before-quit', preventable());
  for (const window of FakeBrowserWindow.instances.filter((w) => !w.destroyed)) window.close();
  electron.app.emit('will-quit', preventable());
  await vi.waitFor(() => {
    expect(electron.app.quitCalls).toBeGreaterThan(before);
  }, { timeout: 10_000 });
}

/** The one tray icon and its current menu. */
function theTray(): { tray: FakeTray; menu: FakeMenu } {
  expect(FakeTray.instances).toHaveLength(1);
  const [tray] = FakeTray.instances;
  if (tray?.menu === undefined) throw new Error('no tray menu');
  return { tray, menu: tray.menu };
}

/** Waits until the tray shows `state`'s icon. */
async function trayShows(state: string): Promise<FakeTray> {
  await vi.waitFor(() => {
    expect(path.basename(theTray().tray.image.path)).toBe(`${state}.png`);
  });
  return theTray().tray;
}

async function invoke(channel: string, payload: unknown, event: unknown): Promise<unknown> {
  const handler = electron.ipcMain.handlers.get(channel);
  if (handler === undefined) throw new Error(`no handler for ${channel}`);
  return await handler(event, payload);
}

function onlyWindow(): FakeBrowserWindow {
  expect(FakeBrowserWindow.instances).toHaveLength(1);
  const [window] = FakeBrowserWindow.instances;
  if (window === undefined) throw new Error('no window');
  return window;
}

const savedArgv = process.argv;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-shell-'));
  vi.stubEnv('CERTDESK_DATA_DIR', dataDir);
  vi.stubEnv('ELECTRON_RENDERER_URL', undefined);
  // No keychain in tests: the key file, as on a headless Linux machine.
  vi.stubEnv('CERTDESK_KEYCHAIN', 'off');
  // The Linux login item writes an XDG autostart entry: keep it inside the temp dir.
  vi.stubEnv('XDG_CONFIG_HOME', path.join(dataDir, 'xdg'));
  // Packaged resources (tray icons, app icon) are the repository's assets/.
  Object.defineProperty(process, 'resourcesPath', { value: path.join(repoRoot, 'assets'), configurable: true });
  launched = false;
});

afterEach(async () => {
  if (launched && electron.app.ready && electron.app.quitCalls === 0) await quit();
  process.argv = savedArgv;
  vi.unstubAllEnvs();
  vi.doUnmock('electron');
  // The secrets key may still be being created (a temp file linked into place) when a test ends.
  await rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
});

describe('single-instance lock', () => {
  it('quits at once and opens nothing when another instance holds the lock', async () => {
    await launch({ lockGranted: false });
    await electron.app.becomeReady();
    expect(electron.app.quitCalls).toBe(1);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    expect(electron.ipcMain.handlers.size).toBe(0);
  });

  it('focuses and restores the existing window on a second launch instead of opening another', async () => {
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    const window = onlyWindow();
    window.minimized = true;
    electron.app.emit('second-instance', {}, ['certdesk'], '/');
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(window.minimized).toBe(false);
    expect(window.visible).toBe(true);
    expect(window.focused).toBe(1);
  });

  it('opens the certificate a second launch names with --open, and ignores an unsafe id', async () => {
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    const window = onlyWindow();
    window.close(); // hidden in the tray
    expect(window.visible).toBe(false);
    electron.app.emit('second-instance', {}, ['/opt/CertDesk/certdesk-desktop', '--open', 'example-com'], '/');
    expect(window.visible).toBe(true);
    expect(window.focused).toBe(1);
    expect(window.loads.at(-1)).toBe('app://certdesk/index.html#/certificates/example-com');
    electron.app.emit('second-instance', {}, ['certdesk', '--open=../../etc/passwd'], '/');
    expect(window.loads.at(-1)).toBe('app://certdesk/index.html#/certificates/example-com');
    expect(window.focused).toBe(2);
  });

  it('starts on the certificate named by --open on the first launch', async () => {
    await launch({ lockGranted: true, argv: ['--open', 'www.example.org'] });
    await electron.app.becomeReady();
    expect(onlyWindow().loadedUrl).toBe('app://certdesk/index.html#/certificates/www.example.org');
  });
});

describe('tray', () => {
  it('is created at start with the empty icon, the overview as tooltip and the menu', async () => {
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    const tray = await trayShows('empty');
    expect(tray.tooltip).toBe('CertDesk: no certificates yet');
    expect(tray.menu?.items.map((item) => item.id ?? item.type)).toEqual(['status', 'separator', 'open', 'renew-all', 'pause', 'separator', 'quit']);
    expect(tray.menu?.item('status').label).toBe('CertDesk: no certificates yet');
    expect(tray.menu?.item('open').label).toBe('Open CertDesk');
    expect(path.dirname(tray.image.path)).toBe(path.join(repoRoot, 'assets', 'tray'));
  });

  it('speaks the language setting, or the system\'s', async () => {
    await launch({ lockGranted: true, preferredLanguages: ['zh-Hans-CN', 'en-US'] });
    await electron.app.becomeReady();
    await vi.waitFor(() => {
      expect(theTray().tray.tooltip).toBe('CertDesk：尚无证书');
    });
    expect(theTray().menu.item('quit').label).toBe('退出 CertDesk');
    const event = invokeEvent(onlyWindow().webContents);
    await invoke('settings:update', { language: 'en' }, event);
    await vi.waitFor(() => {
      expect(theTray().menu.item('quit').label).toBe('Quit CertDesk');
    });
  });

  it('pauses and resumes automatic renewal from the menu, and the window hears of it', async () => {
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    await trayShows('empty');
    theTray().menu.click('pause');
    await vi.waitFor(() => {
      expect(theTray().menu.items.map((item) => item.id)).toContain('resume');
    });
    expect(theTray().menu.item('resume').label).toBe('Resume automatic renewal');
    expect(onlyWindow().webContents.sent).toContainEqual({ channel: 'renewal:changed', payload: { paused: true } });
    theTray().menu.click('resume');
    await vi.waitFor(() => {
      expect(theTray().menu.items.map((item) => item.id)).toContain('pause');
    });
    expect(onlyWindow().webContents.sent).toContainEqual({ channel: 'renewal:changed', payload: { paused: false } });
  });

  it('opens the window from the menu and from a click on the icon', async () => {
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    const window = onlyWindow();
    window.close();
    theTray().menu.click('open');
    expect(window.visible).toBe(true);
    window.close();
    theTray().tray.emit('click');
    expect(window.visible).toBe(true);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });

  it('quits from the menu: background renewal stops, the tray goes, then the app quits', async () => {
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    theTray().menu.click('quit');
    expect(electron.app.quitCalls).toBe(1);
    await quit();
    expect(theTray().tray.destroyed).toBe(true);
    expect(onlyWindow().destroyed).toBe(true);
  });
});

describe('closing the window', () => {
  it('hides it and keeps CertDesk running in the tray, saying so in a notification the first time only', async () => {
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    const window = onlyWindow();
    window.emit('ready-to-show');
    expect(window.close()).toBe(false);
    expect(window.visible).toBe(false);
    expect(window.destroyed).toBe(false);
    expect(electron.app.quitCalls).toBe(0);
    expect(shownNotifications().map((n) => n.options.title)).toEqual(['CertDesk keeps running in the tray']);

    // The notification brings the window back; closing again says nothing more.
    shownNotifications()[0]?.click();
    expect(window.visible).toBe(true);
    window.close();
    expect(shownNotifications()).toHaveLength(1);
    await vi.waitFor(() => {
      expect(existsSync(path.join(dataDir, 'tray-hint-shown'))).toBe(true);
    });
  });

  it('does not repeat the tray notification after a restart', async () => {
    await writeFile(path.join(dataDir, 'tray-hint-shown'), 'earlier\n');
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    onlyWindow().close();
    expect(shownNotifications()).toHaveLength(0);
  });

  it('closes it and quits with closeToTray off (not on macOS)', async () => {
    await writeFile(path.join(dataDir, 'config.json'), JSON.stringify({ settings: { closeToTray: false } }));
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    expect(onlyWindow().close()).toBe(true);
    expect(electron.app.quitCalls).toBe(process.platform === 'darwin' ? 0 : 1);
    expect(shownNotifications()).toHaveLength(0);
  });
});

describe('notifications', () => {
  /**
   * Imports a self-signed certificate for `<id>.example` that expires in `days` days after 90 days
   * of life (the tray counts a certificate as expiring by its lifetime too), as monitor-only.
   */
  async function importExpiring(id: string, days: number): Promise<void> {
    const dayMs = 24 * 60 * 60 * 1000;
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date(Date.now() - (90 - days) * dayMs);
    cert.validity.notAfter = new Date(Date.now() + days * dayMs);
    const name = [{ name: 'commonName', value: `${id}.example` }];
    cert.setSubject(name);
    cert.setIssuer(name);
    cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 2, value: `${id}.example` }] }]);
    cert.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()), forge.md.sha256.create());
    const file = path.join(dataDir, `${id}.pem`);
    await writeFile(file, forge.pki.certificateToPem(cert));
    const service = new CertificateService({ paths: dataPaths(dataDir), conf: openConfigStore(dataDir), secrets: new FileSecretBox(path.join(dataDir, 'secrets')), logger: createRecordingLogger() });
    await service.importCertificate(id, file);
    await service.close();
  }

  it('shows alerts in the app\'s language, follows them in the tray, and a click opens the window on the certificate', async () => {
    await importExpiring('soon', 2);
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    await vi.waitFor(() => {
      expect(shownNotifications().map((n) => n.options.title)).toEqual(['Certificate soon expires in 2 days']);
    }, { timeout: 10_000 });
    const [notification] = shownNotifications();
    expect(notification?.options.urgency).toBe('critical');
    await trayShows('expiring');
    expect(theTray().tray.tooltip).toMatch(/^CertDesk: 1 expiring soon; next expiry soon on \d{4}-\d{2}-\d{2}$/);

    const window = onlyWindow();
    window.close();
    notification?.click();
    expect(window.visible).toBe(true);
    expect(window.loads.at(-1)).toBe('app://certdesk/index.html#/certificates/soon');
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });

  it('in quiet mode shows only critical alerts', async () => {
    await writeFile(path.join(dataDir, 'config.json'), JSON.stringify({ settings: { quietNotifications: true, language: 'zh-CN' } }));
    await importExpiring('soon', 2);
    await importExpiring('later', 10);
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    await trayShows('expiring');
    await vi.waitFor(() => {
      expect(shownNotifications().map((n) => n.options.title)).toEqual(['证书 soon 将在 2 天后过期']);
    }, { timeout: 10_000 });
    // The warning about `later` reached the window, just not the desktop.
    await vi.waitFor(() => {
      expect(onlyWindow().webContents.sent.filter((m) => m.channel === 'alert:event').map((m) => (m.payload as { certId: string }).certId).sort()).toEqual(['later', 'soon']);
    });
    expect(shownNotifications()).toHaveLength(1);
  });
});

describe('start at login', () => {
  it('stays in the tray when started at login with startHidden', async () => {
    await writeFile(path.join(dataDir, 'config.json'), JSON.stringify({ settings: { startAtLogin: true, startHidden: true } }));
    await launch({ lockGranted: true, argv: ['--login'] });
    await electron.app.becomeReady();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    await trayShows('empty');
    theTray().menu.click('open');
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });

  it('opens the window when the user starts it, startHidden or not', async () => {
    await writeFile(path.join(dataDir, 'config.json'), JSON.stringify({ settings: { startHidden: true } }));
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });

  it('follows the startAtLogin setting with the OS login item', async () => {
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    const event = invokeEvent(onlyWindow().webContents);
    await invoke('settings:update', { startAtLogin: true }, event);
    if (process.platform === 'linux') {
      const entry = path.join(dataDir, 'xdg', 'autostart', 'certdesk.desktop');
      await vi.waitFor(async () => {
        expect(await readFile(entry, 'utf8')).toContain('Exec=');
      });
      await invoke('settings:update', { startAtLogin: false }, event);
      await vi.waitFor(() => {
        expect(existsSync(entry)).toBe(false);
      });
    } else {
      expect(electron.app.loginItemSettings.at(-1)).toMatchObject({ openAtLogin: true });
    }
  });
});

describe('window', () => {
  it('opens one hardened window on app://certdesk with the CJS preload', async () => {
    await launch({ lockGranted: true });
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    await electron.app.becomeReady();
    const window = onlyWindow();
    expect(window.options.show).toBe(false);
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(window.options.webPreferences?.preload).toMatch(/[/\\]preload[/\\]index\.cjs$/);
    expect(window.loadedUrl).toBe('app://certdesk/index.html');
    window.emit('ready-to-show');
    expect(window.visible).toBe(true);
  });

  it('uses CERTDESK_DATA_DIR as the userData folder', async () => {
    await launch({ lockGranted: true });
    expect(electron.app.getPath('userData')).toBe(dataDir);
  });

  it('registers app:// as a secure standard scheme and serves only files under the renderer folder, with the CSP', async () => {
    await launch({ lockGranted: true });
    expect(electron.protocol.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    await electron.app.becomeReady();
    const handler = electron.protocol.handlers.get('app');
    if (handler === undefined) throw new Error('app:// not handled');

    const page = await handler(new Request('app://certdesk/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
    expect(electron.net.fetched).toHaveLength(1);
    expect(electron.net.fetched[0]).toMatch(/^file:\/\/.*\/renderer\/index\.html$/);

    // An encoded slash survives URL parsing and would climb out of the folder once decoded.
    const escape = await handler(new Request('app://certdesk/..%2f..%2f..%2fetc%2fpasswd'));
    expect(escape.status).toBe(404);
    const foreign = await handler(new Request('app://elsewhere/index.html'));
    expect(foreign.status).toBe(404);
    expect(electron.net.fetched).toHaveLength(1);
  });
});

describe('web contents guards', () => {
  it('denies navigation away from the app, new windows, webviews and permissions but notifications', async () => {
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    const contents = new FakeWebContents();
    electron.app.emit('web-contents-created', {}, contents);

    const navigate = (url: string): boolean => {
      const event = { prevented: false, preventDefault() { this.prevented = true; } };
      contents.emit('will-navigate', event, url);
      return event.prevented;
    };
    expect(navigate('https://example.com/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate('app://certdesk/index.html#/settings')).toBe(false);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    // A link to documentation CertDesk links to opens in the browser; nothing else reaches the OS.
    expect(contents.windowOpenHandler?.({ url: 'https://letsencrypt.org/docs/rate-limits/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => {
      expect(electron.shell.opened).toEqual(['https://letsencrypt.org/docs/rate-limits/']);
    });
    const webview = { prevented: false, preventDefault() { this.prevented = true; } };
    contents.emit('will-attach-webview', webview);
    expect(webview.prevented).toBe(true);

    const decide = (permission: string): boolean | undefined => {
      let granted: boolean | undefined;
      electron.session.defaultSession.permissionRequestHandler?.(contents, permission, (g) => { granted = g; });
      return granted;
    };
    expect(decide('notifications')).toBe(true);
    expect(decide('clipboard-sanitized-write')).toBe(true);
    expect(decide('clipboard-read')).toBe(false);
    expect(decide('media')).toBe(false);
    expect(decide('geolocation')).toBe(false);
    expect(electron.session.defaultSession.permissionCheckHandler?.(contents, 'clipboard-read')).toBe(false);

    // Only the page's own blob: files may be saved (the order log's "Save as file").
    const download = (url: string): boolean => {
      const event = { prevented: false, preventDefault() { this.prevented = true; } };
      electron.session.defaultSession.emit('will-download', event, { getURL: () => url });
      return event.prevented;
    };
    expect(download('blob:app://certdesk/6f1c2a7e-0000-4000-8000-000000000000')).toBe(false);
    expect(download('blob:https://example.com/6f1c2a7e-0000-4000-8000-000000000000')).toBe(true);
    expect(download('https://example.com/setup.exe')).toBe(true);
  });
});

describe('IPC', () => {
  it('handles exactly the contract\'s invoke channels', async () => {
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual([...invokeChannels].sort());
  });

  it('answers app:info from the core for our window', async () => {
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    const window = onlyWindow();
    const result = await invoke('app:info', undefined, invokeEvent(window.webContents));
    expect(result).toMatchObject({ ok: true, value: { name: 'CertDesk', dataDir, runtime: 'electron' } });
  });

  it('refuses requests from another window, a subframe or a foreign origin', async () => {
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    const window = onlyWindow();
    const forbidden = { ok: false, error: { code: 'forbidden' } };
    expect(await invoke('app:info', undefined, invokeEvent(new FakeWebContents()))).toMatchObject(forbidden);
    expect(await invoke('app:info', undefined, invokeEvent(window.webContents, { subframe: true }))).toMatchObject(forbidden);
    expect(await invoke('app:info', undefined, invokeEvent(window.webContents, { frameUrl: 'https://evil.example/' }))).toMatchObject(forbidden);
  });

  it('validates payloads before they reach the core', async () => {
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    const event = invokeEvent(onlyWindow().webContents);
    expect(await invoke('settings:update', { theme: 'neon' }, event)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await invoke('settings:update', { colour: 'dark' }, event)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await invoke('app:info', { extra: true }, event)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('stores a settings update in config.json through electron-store, pushes settings:changed and follows the theme', async () => {
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    const window = onlyWindow();
    const result = await invoke('settings:update', { theme: 'dark' }, invokeEvent(window.webContents));
    const dark = { ...defaultSettings, theme: 'dark' };
    expect(result).toEqual({ ok: true, value: dark });
    const stored = JSON.parse(await readFile(path.join(dataDir, 'config.json'), 'utf8')) as { settings: unknown };
    expect(stored.settings).toEqual(dark);
    expect(window.webContents.sent).toContainEqual({ channel: 'settings:changed', payload: dark });
    expect(electron.nativeTheme.themeSource).toBe('dark');
  });

  it('starts with a damaged config.json, serves defaults and refuses to overwrite the file', async () => {
    const file = path.join(dataDir, 'config.json');
    await writeFile(file, '{not json');
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    const event = invokeEvent(onlyWindow().webContents);
    expect(await invoke('settings:get', undefined, event)).toEqual({ ok: true, value: defaultSettings });
    expect(await invoke('settings:update', { theme: 'dark' }, event)).toMatchObject({ ok: false, error: { code: 'invalid_data' } });
    expect(await readFile(file, 'utf8')).toBe('{not json');
  });
});
