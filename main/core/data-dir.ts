import path from 'node:path';
import { CertDeskError } from './errors.ts';

/**
 * The application's name as Electron derives it from package.json's `productName`; it names the data
 * dir, so the app and the CLI find the same one.
 */
export const appName = 'CertDesk';

/** The environment variable that overrides the data dir for the app and the CLI. */
export const dataDirEnv = 'CERTDESK_DATA_DIR';

/** What {@link defaultDataDir} needs to know about the machine; passed in so tests cover every OS. */
export interface Host {
  readonly platform: NodeJS.Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homedir: string;
}

/**
 * The data dir Electron uses as `app.getPath('userData')`: `%APPDATA%\CertDesk` on Windows,
 * `~/Library/Application Support/CertDesk` on macOS, `$XDG_CONFIG_HOME/CertDesk` (default
 * `~/.config/CertDesk`) elsewhere.
 */
export function defaultDataDir(host: Host): string {
  switch (host.platform) {
    case 'win32':
      return path.win32.join(nonEmpty(host.env.APPDATA) ?? path.win32.join(host.homedir, 'AppData', 'Roaming'), appName);
    case 'darwin':
      return path.posix.join(host.homedir, 'Library', 'Application Support', appName);
    default: {
      // Electron ignores a relative XDG_CONFIG_HOME, as the XDG spec asks.
      const xdg = nonEmpty(host.env.XDG_CONFIG_HOME);
      const base = xdg !== undefined && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(host.homedir, '.config');
      return path.posix.join(base, appName);
    }
  }
}

/**
 * The data dir to use: an explicit choice (the CLI's `--data-dir`), else `CERTDESK_DATA_DIR`, else
 * {@link defaultDataDir}. A relative explicit path is taken relative to `cwd`.
 *
 * Throws `invalid_input` for an empty or blank explicit path rather than silently using the default.
 */
export function resolveDataDir(host: Host, options: { explicit?: string | undefined; cwd: string }): string {
  const chosen = options.explicit ?? host.env[dataDirEnv];
  if (chosen === undefined) return defaultDataDir(host);
  if (chosen.trim() === '') {
    const source = options.explicit === undefined ? dataDirEnv : '--data-dir';
    throw new CertDeskError('invalid_input', `Unable to use the data dir, ${source} is empty`, {
      remedy: `Give ${source} the path of a folder, or leave it out to use ${defaultDataDir(host)}.`,
    });
  }
  const pathApi = host.platform === 'win32' ? path.win32 : path.posix;
  return pathApi.resolve(options.cwd, chosen);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
