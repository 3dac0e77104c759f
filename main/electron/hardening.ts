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
 * The permissions the window gets: notifications (alerts), and writing plain text to the clipboard
 * (the order log's "Copy" and the fingerprints' copy buttons). Reading the clipboard, media,
 * geolocation and everything else are denied.
 */
const allowedPermissions: ReadonlySet<string> = new Set(['notifications', 'clipboard-sanitized-write']);

/**
 * Whether the window may download `url`: only a `blob:` URL made by CertDesk's own page (the order
 * log's "Save as file"), never a file from elsewhere. Electron then asks where to save it. Pure.
 */
export function isAllowedDownload(url: string, isAllowedUrl: (url: string) => boolean): boolean {
  if (!url.startsWith('blob:')) return false;
  return isAllowedUrl(url.slice('blob:'.length));
}

/**
 * App-wide guards from Electron's security checklist, applied to every web contents ever created:
 * no navigation away from the app, no new windows (a link to a safe documentation URL opens in the
 * browser instead, see {@link openExternalSafely}), no `<webview>`, no download but the page's own
 * files ({@link isAllowedDownload}), and every permission request denied except
 * {@link allowedPermissions}.
 */
export function hardenApp(isAllowedUrl: (url: string) => boolean): void {
  session.defaultSession.on('will-download', (event, item) => {
    if (!isAllowedDownload(item.getURL(), isAllowedUrl)) event.preventDefault();
  });
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(allowedPermissions.has(permission));
  });
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => allowedPermissions.has(permission));
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
