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
