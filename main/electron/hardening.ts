import { app, session, shell } from 'electron';

/**
 * Hosts CertDesk itself links to (documentation in remedies and help texts). Only https URLs on
 * these hosts are ever handed to the OS: `shell.openExternal` runs whatever handler the OS has for a
 * URL, so a page that could choose the URL (`file:`, `smb:`, a custom scheme) could run programs.
 */
export const externalLinkHosts: ReadonlyArray<string> = ['letsencrypt.org', 'www.rfc-editor.org', 'datatracker.ietf.org'];

/**
 * Whether CertDesk may open `url` in the user's browser: `https:` only, no user info, no explicit
 * port, and a host of `hosts` (exact match). Pure.
 */
export function isSafeExternalUrl(url: string, hosts: ReadonlyArray<string> = externalLinkHosts): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && parsed.port === '' && hosts.includes(parsed.hostname);
}

/**
 * The only way CertDesk opens a URL outside the app (the lint forbids `shell.openExternal` anywhere
 * else): resolves `true` after handing a safe URL ({@link isSafeExternalUrl}) to the OS, `false`
 * without doing anything for any other URL.
 */
export async function openExternalSafely(url: string, hosts: ReadonlyArray<string> = externalLinkHosts): Promise<boolean> {
  if (!isSafeExternalUrl(url, hosts)) return false;
  await shell.openExternal(url);
  return true;
}

/**
 * App-wide guards from Electron's security checklist, applied to every web contents ever created:
 * no navigation away from the app, no new windows (a link to a safe documentation URL opens in the
 * browser instead, see {@link openExternalSafely}), no `<webview>`, and every permission request
 * denied except notifications.
 */
export function hardenApp(isAllowedUrl: (url: string) => boolean): void {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(permission === 'notifications');
  });
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => permission === 'notifications');
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAllowedUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAllowedUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      void openExternalSafely(url);
      return { action: 'deny' };
    });
  });
}
