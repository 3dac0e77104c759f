/**
 * The desktop app's composition root: single-instance lock, lifecycle and wiring of the core to
 * Electron. Nothing else lives here; logic belongs in `main/core` (plain Node) or in the thin
 * adapters of `main/electron`.
 */
import path from 'node:path';
import { app, ipcMain, nativeTheme, type BrowserWindow } from 'electron';
import type { Settings } from '../preload/contract.ts';
import type { Notifier } from './core/alerts/notifier.ts';
import { createApiHandlers } from './core/api.ts';
import { appName, dataDirEnv } from './core/data-dir.ts';
import { DesktopEngine } from './core/desktop.ts';
import { toApiError } from './core/errors.ts';
import { createLineLogger } from './core/logger.ts';
import { dataPaths } from './core/paths.ts';
import { PolicyRepository } from './core/renewal/policy.ts';
import { openSecretBox } from './core/secrets/key-store.ts';
import { osKeyStore } from './core/secrets/os-keychain.ts';
import { CertDeskService } from './core/service.ts';
import { createAppInfo } from './core/version.ts';
import { webhookNotifier } from './core/alerts/webhook.ts';
import { appEntryUrl, appHost, appScheme, handleAppProtocol, registerAppScheme } from './electron/app-protocol.ts';
import { hardenApp } from './electron/hardening.ts';
import { forwardEvents, registerIpcHandlers } from './electron/ipc.ts';
import { parseLaunchArgs } from './electron/launch-args.ts';
import { appLocale } from './electron/locale.ts';
import { applyLoginItem, startedAtLogin } from './electron/login-item.ts';
import { desktopNotifier, trayHint } from './electron/notifier.ts';
import { createElectronSettingsStore, openElectronConf } from './electron/settings-store.ts';
import { createTray } from './electron/tray.ts';
import { isTrustedOrigin, isTrustedSender } from './electron/trusted-sender.ts';
import { certificateUrl, createMainWindow, focusWindow, hideOnClose } from './electron/window.ts';

/**
 * How long quitting waits for background renewal to stop. A renewal still running after that is cut
 * off; its order journal lets the next start resume it where it stopped (DESIGN "The order state
 * machine"), so waiting longer only keeps the user waiting.
 */
const quitGraceMs = 5000;

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
  const launch = parseLaunchArgs(process.argv);

  const devServerUrl = app.isPackaged || process.env.ELECTRON_RENDERER_URL === '' ? undefined : process.env.ELECTRON_RENDERER_URL;
  const entryUrl = devServerUrl ?? appEntryUrl;
  const trustedOrigins = [`${appScheme}://${appHost}`, ...(devServerUrl === undefined ? [] : [new URL(devServerUrl).origin])];
  const isAppUrl = (url: string): boolean => isTrustedOrigin(url, trustedOrigins);
  // Icons for the tray and notifications: packaged as resources/ (electron-builder.yml), else assets/.
  const resourcesDir = app.isPackaged ? process.resourcesPath : path.join(app.getAppPath(), 'assets');

  void app.whenReady().then(() => {
    const dataDir = app.getPath('userData');
    const paths = dataPaths(dataDir);
    const logger = createLineLogger((line) => process.stderr.write(line), { json: false });
    const conf = openElectronConf(dataDir);
    const service = new CertDeskService({
      info: createAppInfo({
        dataDir,
        runtime: 'electron',
        versions: { node: process.versions.node, electron: process.versions.electron, chrome: process.versions.chrome },
      }),
      settings: createElectronSettingsStore(dataDir, conf),
      logger,
    });
    let settings: Settings = service.getSettings();
    const locale = () => appLocale(settings.language, app.getPreferredSystemLanguages());

    let mainWindow: BrowserWindow | undefined;
    let quitting = false;
    const onHiddenToTray = trayHint({
      markerFile: path.join(dataDir, 'tray-hint-shown'),
      platform: process.platform,
      locale,
      onClick: () => {
        openWindow();
      },
      onError: (error) => {
        logger.warn('Unable to show the tray hint', { error: toApiError(error).message });
      },
    });
    const newWindow = (url: string): BrowserWindow => {
      const window = createMainWindow({ url, preloadDir: path.join(import.meta.dirname, '../preload'), title: appName });
      hideOnClose(window, () => settings.closeToTray && !quitting, onHiddenToTray);
      window.on('closed', () => {
        mainWindow = undefined;
      });
      return window;
    };
    const openWindow = (): void => {
      if (mainWindow !== undefined && !mainWindow.isDestroyed()) focusWindow(mainWindow);
      else mainWindow = newWindow(entryUrl);
    };
    // A notification click or `--open <id>`: the window on that certificate's route.
    const showCertificate = (id: string): void => {
      const url = certificateUrl(entryUrl, id);
      if (mainWindow !== undefined && !mainWindow.isDestroyed()) {
        focusWindow(mainWindow);
        void mainWindow.loadURL(url);
      } else {
        mainWindow = newWindow(url);
      }
    };

    const secrets = openSecretBox({ dataDir, secretsDir: paths.secretsDir, keyStore: osKeyStore(process.env), logger });
    // Resolved now, not at the first renewal: a keychain problem (or the file-key warning) shows at start.
    secrets.location().catch((error: unknown) => {
      logger.error('Unable to open the secrets key', { error: toApiError(error).message });
    });
    const notifiers: Notifier[] = [
      desktopNotifier({ locale, enabled: () => settings.notifications, quiet: () => settings.quietNotifications, onClick: showCertificate, icon: path.join(resourcesDir, 'icon.png') }),
    ];
    try {
      const alerts = new PolicyRepository(conf).effective().alerts;
      if (alerts.webhook !== undefined) notifiers.push(webhookNotifier({ url: alerts.webhook, timeoutMs: alerts.webhookTimeoutMs, locale: locale() }));
    } catch (error) {
      logger.warn('Unable to read the alert webhook from the renewal policy', { error: toApiError(error).message });
    }
    const engine = new DesktopEngine({ paths, conf, secrets: secrets.box, logger, notifiers });

    hardenApp(isAppUrl);
    handleAppProtocol(path.join(import.meta.dirname, '../renderer'));
    registerIpcHandlers(ipcMain, createApiHandlers({ service, engine }), (event) =>
      isTrustedSender(
        { webContentsId: event.sender.id, frameUrl: event.senderFrame?.url, isMainFrame: event.senderFrame === event.sender.mainFrame },
        { webContentsId: mainWindow?.webContents.id, origins: trustedOrigins },
      ),
    );
    const target = () => mainWindow?.webContents;
    forwardEvents(service, target);
    forwardEvents(engine, target);

    const tray = createTray({
      engine,
      iconDir: path.join(resourcesDir, 'tray'),
      platform: process.platform,
      locale,
      open: openWindow,
      quit: () => {
        app.quit();
      },
      logger,
    });
    const loginHost = { platform: process.platform, env: process.env, homedir: app.getPath('home'), execPath: process.execPath };
    const applyLogin = (enabled: boolean): void => {
      applyLoginItem(app, enabled, loginHost).catch((error: unknown) => {
        logger.warn('Unable to change the login item', { error: toApiError(error).message });
      });
    };
    applyLogin(settings.startAtLogin);

    // The window frame, menus and `prefers-color-scheme` follow the theme setting; the tray and
    // notifications the language; the OS login item startAtLogin.
    nativeTheme.themeSource = settings.theme;
    service.on('settings:changed', (next) => {
      const previous = settings;
      settings = next;
      nativeTheme.themeSource = next.theme;
      if (next.language !== previous.language) void tray.refresh();
      if (next.startAtLogin !== previous.startAtLogin) applyLogin(next.startAtLogin);
    });

    app.on('second-instance', (_event, argv) => {
      const args = parseLaunchArgs(argv);
      if (args.open !== undefined) showCertificate(args.open);
      else openWindow();
    });
    app.on('activate', openWindow);

    // A login start stays in the tray when startHidden asks for it; any other start shows the window.
    if (launch.open !== undefined) showCertificate(launch.open);
    else if (!(settings.startHidden && startedAtLogin(app, process.platform, launch.atLogin))) openWindow();

    engine.start().catch((error: unknown) => {
      logger.error('Unable to start renewing certificates', { error: toApiError(error).message });
    });

    app.on('before-quit', () => {
      quitting = true;
    });
    let stopped = false;
    app.on('will-quit', (event) => {
      if (stopped) return;
      // Quitting waits (boundedly) for background renewal to stop, then quits for real.
      event.preventDefault();
      stopped = true;
      tray.destroy();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, quitGraceMs).unref());
      void Promise.race([engine.stop(), grace])
        .catch((error: unknown) => {
          logger.warn('Unable to stop renewing certificates cleanly', { error: toApiError(error).message });
        })
        .finally(() => {
          service.close();
          app.quit();
        });
    });
  });

  // Closing the window with closeToTray off quits, except on macOS by convention (the app stays in
  // the menu bar and the dock). With closeToTray on, closing only hides the window.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
