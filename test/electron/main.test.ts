import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { invokeChannels } from '../../preload/contract.ts';
import { createFakeElectron, FakeBrowserWindow, FakeWebContents, invokeEvent, type FakeElectron } from './fake-electron.ts';

let dataDir: string;
let electron: FakeElectron;

/** Loads main/index.ts (the composition root) against a fresh fake Electron. */
async function launch(options: { lockGranted: boolean }): Promise<FakeElectron> {
  electron = createFakeElectron({ lockGranted: options.lockGranted, userData: path.join(dataDir, 'default-user-data') });
  vi.resetModules();
  vi.doMock('electron', () => electron);
  await import('../../main/index.ts');
  return electron;
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

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-shell-'));
  vi.stubEnv('CERTDESK_DATA_DIR', dataDir);
  vi.stubEnv('ELECTRON_RENDERER_URL', undefined);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.doUnmock('electron');
  await rm(dataDir, { recursive: true, force: true });
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
    const webview = { prevented: false, preventDefault() { this.prevented = true; } };
    contents.emit('will-attach-webview', webview);
    expect(webview.prevented).toBe(true);

    const decide = (permission: string): boolean | undefined => {
      let granted: boolean | undefined;
      electron.session.defaultSession.permissionRequestHandler?.(contents, permission, (g) => { granted = g; });
      return granted;
    };
    expect(decide('notifications')).toBe(true);
    expect(decide('media')).toBe(false);
    expect(decide('geolocation')).toBe(false);
    expect(electron.session.defaultSession.permissionCheckHandler?.(contents, 'clipboard-read')).toBe(false);
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
    expect(result).toEqual({ ok: true, value: { language: 'system', theme: 'dark' } });
    const stored = JSON.parse(await readFile(path.join(dataDir, 'config.json'), 'utf8')) as { settings: unknown };
    expect(stored.settings).toEqual({ language: 'system', theme: 'dark' });
    expect(window.webContents.sent).toContainEqual({ channel: 'settings:changed', payload: { language: 'system', theme: 'dark' } });
    expect(electron.nativeTheme.themeSource).toBe('dark');
  });

  it('starts with a damaged config.json, serves defaults and refuses to overwrite the file', async () => {
    const file = path.join(dataDir, 'config.json');
    await writeFile(file, '{not json');
    await launch({ lockGranted: true });
    await electron.app.becomeReady();
    const event = invokeEvent(onlyWindow().webContents);
    expect(await invoke('settings:get', undefined, event)).toEqual({ ok: true, value: { language: 'system', theme: 'system' } });
    expect(await invoke('settings:update', { theme: 'dark' }, event)).toMatchObject({ ok: false, error: { code: 'invalid_data' } });
    expect(await readFile(file, 'utf8')).toBe('{not json');
  });
});
