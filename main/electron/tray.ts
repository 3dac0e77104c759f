import path from 'node:path';
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import type { Locale, Unsubscribe } from '../../preload/contract.ts';
import type { DesktopEngine, TrayOverview, TrayState } from '../core/desktop.ts';
import { toApiError } from '../core/errors.ts';
import type { Translations } from '../core/i18n.ts';
import type { Logger } from '../core/ports.ts';

/** What the tray needs of the engine (main/core/desktop.ts). */
export type TrayEngine = Pick<DesktopEngine, 'overview' | 'renewAll' | 'pause' | 'resume' | 'paused' | 'on'>;

/** What the tray's menu items do. */
export interface TrayActions {
  /** Shows and focuses the window, opening it if needed. */
  open(): void;
  renewAll(): void;
  pause(): void;
  resume(): void;
  /** Quits CertDesk (background renewal stops). */
  quit(): void;
}

/** The tray menu's texts. */
export const trayTexts = {
  open: { en: 'Open CertDesk', 'zh-CN': '打开 CertDesk' },
  renewAll: { en: 'Renew all now', 'zh-CN': '立即续期全部证书' },
  pause: { en: 'Pause automatic renewal', 'zh-CN': '暂停自动续期' },
  resume: { en: 'Resume automatic renewal', 'zh-CN': '恢复自动续期' },
  quit: { en: 'Quit CertDesk', 'zh-CN': '退出 CertDesk' },
  starting: { en: 'CertDesk: reading certificates…', 'zh-CN': 'CertDesk：正在读取证书…' },
  unreadable: { en: 'CertDesk: unable to read the certificates; open CertDesk for details', 'zh-CN': 'CertDesk：无法读取证书，请打开 CertDesk 查看详情' },
} as const satisfies Record<string, Translations>;

/**
 * The tray menu for an overview (`undefined` while the first one is being read, or when it cannot be
 * read): a status line (the tooltip's text, since Linux trays show no tooltips), Open, Renew all
 * (disabled without certificates), Pause or Resume, Quit. Each item has an `id` for tests. Pure.
 */
export function trayMenuTemplate(overview: TrayOverview | undefined, status: string, paused: boolean, locale: Locale, actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { id: 'status', label: status, enabled: false },
    { type: 'separator' },
    { id: 'open', label: trayTexts.open[locale], click: () => { actions.open(); } },
    { id: 'renew-all', label: trayTexts.renewAll[locale], enabled: overview !== undefined && overview.total > 0, click: () => { actions.renewAll(); } },
    paused
      ? { id: 'resume', label: trayTexts.resume[locale], click: () => { actions.resume(); } }
      : { id: 'pause', label: trayTexts.pause[locale], click: () => { actions.pause(); } },
    { type: 'separator' },
    { id: 'quit', label: trayTexts.quit[locale], click: () => { actions.quit(); } },
  ];
}

/**
 * The icon file for a tray state in `iconDir` (assets/tray, packaged as `resources/tray`): macOS
 * template images (`okTemplate.png`, tinted by the menu bar), colour icons elsewhere (`ok.png`).
 * Electron picks the `@2x` file next to it on HiDPI screens.
 */
export function trayIconFile(iconDir: string, state: TrayState, platform: NodeJS.Platform): string {
  return path.join(iconDir, platform === 'darwin' ? `${state}Template.png` : `${state}.png`);
}

/** What {@link createTray} needs. */
export interface TrayOptions {
  readonly engine: TrayEngine;
  /** The folder of the tray icons (assets/tray). */
  readonly iconDir: string;
  readonly platform: NodeJS.Platform;
  /** The locale now (the language setting can change while the tray lives). */
  readonly locale: () => Locale;
  readonly open: () => void;
  readonly quit: () => void;
  readonly logger: Logger;
}

/** CertDesk's tray icon. */
export interface CertDeskTray {
  /**
   * Reads the engine's overview and updates icon, tooltip and menu. Calls while one runs are merged
   * into one more run after it; the promise resolves when the tray shows the latest state. Never rejects.
   */
  refresh(): Promise<void>;
  /** Removes the icon and stops following the engine. */
  destroy(): void;
}

/**
 * Creates the tray icon: the worst state of all certificates as its icon (failing, expiring, ok, or
 * empty), the overview as its tooltip and status line, and the menu of {@link trayMenuTemplate}. It
 * follows the engine's `cert:changed`, `alert:event` and `renewal:changed` events; call `refresh()` when the
 * locale changes. A click (Windows, macOS) opens the window. An overview that cannot be read shows
 * the failing icon and says so. Call after the app is ready.
 */
export function createTray(options: TrayOptions): CertDeskTray {
  const { engine, logger } = options;
  const images = new Map<TrayState, NativeImage>();
  const image = (state: TrayState): NativeImage => {
    let icon = images.get(state);
    if (icon === undefined) {
      icon = nativeImage.createFromPath(trayIconFile(options.iconDir, state, options.platform));
      if (options.platform === 'darwin') icon.setTemplateImage(true);
      images.set(state, icon);
    }
    return icon;
  };
  const actions: TrayActions = {
    open: options.open,
    quit: options.quit,
    renewAll: () => {
      void engine.renewAll().then((outcomes) => {
        const failed = outcomes.filter((outcome) => !outcome.ok);
        logger.info('Renewed all certificates from the tray', { certificates: outcomes.length, failed: failed.length });
      });
    },
    pause: () => void engine.pause(),
    resume: () => void engine.resume(),
  };

  const tray = new Tray(image('empty'));
  let destroyed = false;
  const show = (overview: TrayOverview | undefined, status: string, state: TrayState): void => {
    tray.setImage(image(state));
    tray.setToolTip(status);
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(overview, status, engine.paused, options.locale(), actions)));
  };
  show(undefined, trayTexts.starting[options.locale()], 'empty');
  tray.on('click', () => {
    options.open();
  });

  const render = async (): Promise<void> => {
    let overview: TrayOverview | undefined;
    try {
      overview = await engine.overview();
    } catch (error) {
      logger.warn('Unable to read the certificates for the tray', { error: toApiError(error).message });
    }
    if (destroyed) return;
    const locale = options.locale();
    if (overview === undefined) show(undefined, trayTexts.unreadable[locale], 'failing');
    else show(overview, overview.tooltip[locale], overview.state);
  };

  let running: Promise<void> | undefined;
  let dirty = false;
  const refresh = (): Promise<void> => {
    dirty = true;
    running ??= (async () => {
      while (dirty && !destroyed) {
        dirty = false;
        await render();
      }
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const stops: Unsubscribe[] = [
    engine.on('cert:changed', () => void refresh()),
    engine.on('alert:event', () => void refresh()),
    engine.on('renewal:changed', () => void refresh()),
  ];
  void refresh();

  return {
    refresh,
    destroy: () => {
      destroyed = true;
      for (const stop of stops) stop();
      tray.destroy();
    },
  };
}
