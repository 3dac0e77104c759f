/**
 * Whether `url` is at one of the `origins` CertDesk loads (`app://certdesk`, or the dev server's in
 * development). Electron may report a custom scheme's origin as the opaque "null", so scheme + host
 * count as the origin too.
 */
export function isTrustedOrigin(url: string | undefined, origins: ReadonlyArray<string>): boolean {
  if (url === undefined) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const seen = [parsed.origin, `${parsed.protocol}//${parsed.host}`];
  return origins.some((allowed) => allowed !== 'null' && seen.includes(allowed));
}

/**
 * Whether an IPC message comes from CertDesk's own page: the top frame of our window, at a trusted
 * origin. Everything else — another window, an iframe, a page that navigated away — is refused.
 * Pure, so it is tested without Electron.
 */
export function isTrustedSender(
  sender: { readonly webContentsId: number; readonly frameUrl: string | undefined; readonly isMainFrame: boolean },
  trusted: { readonly webContentsId: number | undefined; readonly origins: ReadonlyArray<string> },
): boolean {
  if (trusted.webContentsId === undefined || sender.webContentsId !== trusted.webContentsId) return false;
  return sender.isMainFrame && isTrustedOrigin(sender.frameUrl, trusted.origins);
}
