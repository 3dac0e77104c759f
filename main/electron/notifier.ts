import { existsSync } from 'node:fs';
import { Notification, type NotificationConstructorOptions } from 'electron';
import type { Locale } from '../../preload/contract.ts';
import { alertText, type Alert } from '../core/alerts/alerts.ts';
import type { Notifier } from '../core/alerts/notifier.ts';
import { modes, writeAtomic } from '../core/fs/atomic.ts';
import type { Translations } from '../core/i18n.ts';

/**
 * How many notifications are kept referenced until clicked or closed. Electron drops a notification's
 * click handler once the object is garbage-collected, so shown ones are held; a bound keeps a desktop
 * that never reports `close` from growing the set forever.
 */
const maxLiveNotifications = 50;

/** Whether `alert` is shown while `quietNotifications` is on: critical alerts only. Pure. */
export function shownWhenQuiet(alert: Pick<Alert, 'severity'>): boolean {
  return alert.severity === 'critical';
}

/** What {@link desktopNotifier} needs. */
export interface DesktopNotifierOptions {
  /** The locale of the texts now (the language setting). */
  readonly locale: () => Locale;
  /** The `notifications` setting now: `false` shows none. */
  readonly enabled: () => boolean;
  /** The `quietNotifications` setting now. */
  readonly quiet: () => boolean;
  /** Called with the alert's certificate when its notification is clicked: show that certificate. */
  readonly onClick: (certId: string) => void;
  /** The notification icon (Linux, Windows); the app icon when left out. */
  readonly icon?: string | undefined;
}

/**
 * The core's {@link Notifier} as OS notifications (Electron's `Notification`): the alert's title and
 * body in the app's locale; `critical` alerts with critical urgency and no timeout (Linux, Windows).
 * With `notifications` off nothing is shown; with `quietNotifications` on, only critical alerts are;
 * the others resolve without showing anything (the window and the log still have them). A click calls `onClick(certId)`. Rejects when
 * the desktop has no notification service. Safe to call concurrently.
 */
export function desktopNotifier(options: DesktopNotifierOptions): Notifier {
  const live = new Set<Notification>();
  return {
    name: 'desktop notifications',
    notify: (alert) => {
      if (!options.enabled() || (options.quiet() && !shownWhenQuiet(alert))) return Promise.resolve();
      const { title, body } = alertText(alert, options.locale());
      const critical = alert.severity === 'critical';
      return showNotification(
        {
          title,
          body,
          urgency: critical ? 'critical' : 'normal',
          timeoutType: critical ? 'never' : 'default',
          ...(options.icon === undefined ? {} : { icon: options.icon }),
        },
        live,
        () => {
          options.onClick(alert.certId);
        },
      );
    },
  };
}

/** Shows one notification, holding it in `live` until clicked or closed. */
function showNotification(init: NotificationConstructorOptions, live: Set<Notification>, onClick: () => void): Promise<void> {
  if (!Notification.isSupported()) return Promise.reject(new Error('Unable to show a notification, this desktop has no notification service'));
  const notification = new Notification(init);
  live.add(notification);
  for (const old of live) {
    if (live.size <= maxLiveNotifications) break;
    live.delete(old);
  }
  notification.on('click', () => {
    live.delete(notification);
    onClick();
  });
  notification.on('close', () => {
    live.delete(notification);
  });
  notification.show();
  return Promise.resolve();
}

/** The one-time notification when closing the window first leaves CertDesk in the tray. */
export function trayHintText(platform: NodeJS.Platform): { readonly title: Translations; readonly body: Translations } {
  const where: Translations = platform === 'darwin' ? { en: 'menu bar', 'zh-CN': '菜单栏' } : { en: 'tray', 'zh-CN': '系统托盘' };
  return {
    title: { en: `CertDesk keeps running in the ${where.en}`, 'zh-CN': `CertDesk 仍在${where['zh-CN']}中运行` },
    body: {
      en: `Certificates keep renewing in the background. Open CertDesk from its ${where.en} icon, or choose Quit CertDesk there to stop it.`,
      'zh-CN': `证书会在后台继续续期。可通过${where['zh-CN']}图标重新打开 CertDesk，或在其菜单中选择“退出 CertDesk”以停止运行。`,
    },
  };
}

/**
 * Returns the function to call each time closing the window left CertDesk in the tray: the first
 * time ever (remembered by creating `markerFile`, 0600) it shows {@link trayHintText}; a click on it
 * calls `onClick` (show the window again). Later calls do nothing. Never throws: a notification that
 * cannot be shown or a marker that cannot be written is reported to `onError`.
 */
export function trayHint(options: {
  readonly markerFile: string;
  readonly platform: NodeJS.Platform;
  readonly locale: () => Locale;
  readonly onClick: () => void;
  readonly onError: (error: unknown) => void;
}): () => void {
  let shown = existsSync(options.markerFile);
  const live = new Set<Notification>();
  return () => {
    if (shown) return;
    shown = true;
    const text = trayHintText(options.platform);
    const locale = options.locale();
    showNotification({ title: text.title[locale], body: text.body[locale] }, live, options.onClick).catch(options.onError);
    writeAtomic(options.markerFile, `${new Date().toISOString()}\n`, { mode: modes.secretFile }).catch(options.onError);
  };
}
