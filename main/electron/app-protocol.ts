import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import { resolveAsset } from './asset-path.ts';
import { contentSecurityPolicy } from './csp.ts';

/** The scheme the renderer is served from instead of `file://` (Electron security checklist #18). */
export const appScheme = 'app';

/** The one host under {@link appScheme}; the renderer's origin is `app://certdesk`. */
export const appHost = 'certdesk';

/** The renderer's entry page. */
export const appEntryUrl = `${appScheme}://${appHost}/index.html`;

/**
 * Declares `app://` a standard, secure scheme. Must run before the app is ready.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/**
 * Maps an `app://certdesk/<path>` URL to a file under `rootDir`, or `undefined` for anything else: a
 * foreign scheme or host, or a path escaping the root (see {@link resolveAsset}).
 */
export function resolveAppAsset(rootDir: string, url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${appScheme}:` || parsed.host !== appHost) return undefined;
  return resolveAsset(rootDir, parsed.pathname);
}

/**
 * Serves the built renderer from `rootDir` under `app://certdesk/`, every response carrying the
 * production CSP. Anything outside the root is a 404. Call once the app is ready.
 */
export function handleAppProtocol(rootDir: string): void {
  protocol.handle(appScheme, async (request) => {
    const file = resolveAppAsset(rootDir, request.url);
    if (file === undefined) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', contentSecurityPolicy('production'));
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}
