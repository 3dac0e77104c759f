import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { App } from 'electron';
import { loginFlag } from './launch-args.ts';

/**
 * Starting CertDesk when the user logs in. macOS and Windows use Electron's login item
 * (`app.setLoginItemSettings`); Linux, where Electron has none, an XDG autostart entry
 * (`~/.config/autostart/certdesk.desktop`). Windows and Linux start with `--login`, macOS reports a
 * login start itself (`wasOpenedAtLogin`), so a login start can stay in the tray (`startHidden`).
 */

/** The autostart entry's file name. */
export const autostartFileName = 'certdesk.desktop';

/** What the login item needs from the host; passed in so every platform is tested anywhere. */
export interface LoginItemHost {
  readonly platform: NodeJS.Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homedir: string;
  /** The executable to start: `process.execPath` (in an AppImage, the AppImage file instead). */
  readonly execPath: string;
}

/** `~/.config/autostart` or `$XDG_CONFIG_HOME/autostart` (an absolute XDG_CONFIG_HOME only, as the spec asks). */
export function autostartDir(host: Pick<LoginItemHost, 'env' | 'homedir'>): string {
  const xdg = host.env.XDG_CONFIG_HOME;
  return path.join(xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(host.homedir, '.config'), 'autostart');
}

/**
 * The XDG autostart entry that starts `exec` with `--login`. The path is quoted and `"`, `` ` ``, `$`
 * and `\` escaped as the Desktop Entry spec requires for Exec, so a path with spaces works and cannot
 * inject arguments.
 */
export function autostartEntry(exec: string): string {
  const quoted = `"${exec.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=CertDesk',
    'Comment=Keeps TLS certificates renewed',
    `Exec=${quoted.replace(/\\/g, '\\\\')} ${loginFlag}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** The executable a login start runs: in an AppImage `$APPIMAGE` (execPath points into its temporary mount). */
export function loginExecutable(host: Pick<LoginItemHost, 'env' | 'execPath'>): string {
  const appImage = host.env.APPIMAGE;
  return appImage !== undefined && appImage !== '' ? appImage : host.execPath;
}

/**
 * Makes CertDesk start at login, or not. Idempotent; call at start and whenever `startAtLogin`
 * changes. Rejects when the autostart entry cannot be written (Linux); Electron's login item
 * reports nothing.
 */
export async function applyLoginItem(app: Pick<App, 'setLoginItemSettings'>, startAtLogin: boolean, host: LoginItemHost): Promise<void> {
  switch (host.platform) {
    case 'darwin':
      app.setLoginItemSettings({ openAtLogin: startAtLogin });
      return;
    case 'win32':
      app.setLoginItemSettings({ openAtLogin: startAtLogin, path: host.execPath, args: [loginFlag] });
      return;
    default: {
      const file = path.join(autostartDir(host), autostartFileName);
      if (!startAtLogin) {
        await rm(file, { force: true });
        return;
      }
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, autostartEntry(loginExecutable(host)), { mode: 0o644 });
    }
  }
}

/** Whether this process was started by the login item: `--login` (Windows, Linux) or macOS's own report. */
export function startedAtLogin(app: Pick<App, 'getLoginItemSettings'>, platform: NodeJS.Platform, atLoginFlag: boolean): boolean {
  if (atLoginFlag) return true;
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
}
