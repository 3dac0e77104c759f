/**
 * The desktop app's composition root: single-instance lock, lifecycle and wiring of the core to
 * Electron. Nothing else lives here; logic belongs in `main/core` (plain Node) or in the thin
 * adapters of `main/electron`.
 */
import path from 'node:path';
import { app, ipcMain, nativeTheme, type BrowserWindow } from 'electron';
import { createApiHandlers } from './core/api.ts';
import { appName, dataDirEnv } from './core/data-dir.ts';
import { createLineLogger } from './core/logger.ts';
import { CertDeskService } from './core/service.ts';
import { createAppInfo } from './core/version.ts';
import { appEntryUrl, appHost, appScheme, handleAppProtocol, registerAppScheme } from './electron/app-protocol.ts';
import { hardenApp } from './electron/hardening.ts';
import { forwardEvents, registerIpcHandlers } from './electron/ipc.ts';
import { createElectronSettingsStore } from './electron/settings-store.ts';
import { isTrustedOrigin, isTrustedSender } from './electron/trusted-sender.ts';
import { createMainWindow, focusWindow } from './electron/window.ts';

// The single-instance lock comes before anything else: a second launch hands over and exits.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start();
}

function start(): void {
  app.setName(appName);
  // CERTDESK_DATA_DIR moves the app's data the same way it moves the CLI's.
  const envDataDir = process.env[dataDirEnv];
  if (envDataDir !== undefined && envDataDir.trim() !== '') app.setPath('userData', path.resolve(envDataDir));
  registerAppScheme();

  const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  const entryUrl = devServerUrl ?? appEntryUrl;
  const trustedOrigins = [`${appScheme}://${appHost}`, ...(devServerUrl === undefined ? [] : [new URL(devServerUrl).origin])];
  const isAppUrl = (url: string): boolean => isTrustedOrigin(url, trustedOrigins);

  let mainWindow: BrowserWindow | undefined;
  const openWindow = (): void => {
    if (mainWindow !== undefined && !mainWindow.isDestroyed()) {
      focusWindow(mainWindow);
      return;
    }
    mainWindow = createMainWindow({ url: entryUrl, preloadDir: path.join(import.meta.dirname, '../preload'), title: appName });
    mainWindow.on('closed', () => {
      mainWindow = undefined;
    });
  };
  app.on('second-instance', openWindow);

  void app.whenReady().then(() => {
    const dataDir = app.getPath('userData');
    const logger = createLineLogger((line) => process.stderr.write(line), { json: false });
    const service = new CertDeskService({
      info: createAppInfo({
        dataDir,
        runtime: 'electron',
        versions: { node: process.versions.node, electron: process.versions.electron, chrome: process.versions.chrome },
      }),
      settings: createElectronSettingsStore(dataDir),
      logger,
    });

    hardenApp(isAppUrl);
    handleAppProtocol(path.join(import.meta.dirname, '../renderer'));
    registerIpcHandlers(ipcMain, createApiHandlers(service), (event) =>
      isTrustedSender(
        { webContentsId: event.sender.id, frameUrl: event.senderFrame?.url, isMainFrame: event.senderFrame === event.sender.mainFrame },
        { webContentsId: mainWindow?.webContents.id, origins: trustedOrigins },
      ),
    );
    forwardEvents(service, () => mainWindow?.webContents);

    // The window frame, menus and `prefers-color-scheme` follow the theme setting.
    nativeTheme.themeSource = service.getSettings().theme;
    service.on('settings:changed', (settings) => {
      nativeTheme.themeSource = settings.theme;
    });

    openWindow();
    app.on('activate', openWindow);
    app.on('will-quit', () => {
      service.close();
    });
  });

  // Until the tray arrives (issue #6), closing the last window quits, except on macOS by convention.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
