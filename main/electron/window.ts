import path from 'node:path';
import { BrowserWindow, type BrowserWindowConstructorOptions } from 'electron';

/**
 * The main window's web preferences, hardened per Electron's security checklist: context isolation,
 * the sandbox, no Node in the renderer, web security on, no webviews, no experimental features.
 * The preload is the only bridge.
 */
export function secureWebPreferences(preload: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/**
 * Opens CertDesk's main window on `url` (the `app://` entry, or the dev server in development). It
 * shows itself once the first paint is ready, so no blank frame flashes.
 */
export function createMainWindow(options: { url: string; preloadDir: string; title: string }): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 720,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: options.title,
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(path.join(options.preloadDir, 'index.cjs')),
  });
  window.once('ready-to-show', () => {
    window.show();
  });
  void window.loadURL(options.url);
  return window;
}

/** Brings `window` to the front, restoring it if minimised (a second launch, a notification click). */
export function focusWindow(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  if (!window.isVisible()) window.show();
  window.focus();
}

/**
 * The URL of a renderer route (`/certificates/<id>`) under the entry page `entryUrl`: the route goes
 * in the hash, as the renderer routes by hash (app.tsx). Each path segment is percent-encoded.
 */
export function routeUrl(entryUrl: string, segments: ReadonlyArray<string>): string {
  const url = new URL(entryUrl);
  url.hash = `/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
  return url.toString();
}

/** The renderer route of one certificate: `#/certificates/<id>`. */
export function certificateUrl(entryUrl: string, id: string): string {
  return routeUrl(entryUrl, ['certificates', id]);
}

/**
 * Closing `window` hides it instead while `keep()` says so (the `closeToTray` setting, and not while
 * the app is quitting), and calls `onHidden` each time it does. CertDesk then keeps running in the
 * tray; the window comes back from the tray, a notification or a second launch.
 */
export function hideOnClose(window: BrowserWindow, keep: () => boolean, onHidden: () => void): void {
  window.on('close', (event) => {
    if (!keep()) return;
    event.preventDefault();
    window.hide();
    onHidden();
  });
}
