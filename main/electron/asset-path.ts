import path from 'node:path';

/**
 * Maps a URL path (`/index.html`, `/assets/x.js`, `/` for the entry page) to a file under `rootDir`,
 * or `undefined` when it would escape the root (`..`, encoded or not, absolute Windows paths) or
 * cannot be decoded. Pure and Electron-free: the `app://` handler and the E2E tests' static server
 * both use it.
 */
export function resolveAsset(rootDir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || !decoded.startsWith('/')) return undefined;
  const root = path.resolve(rootDir);
  const file = path.resolve(root, `.${decoded === '/' ? '/index.html' : decoded}`);
  return file.startsWith(root + path.sep) ? file : undefined;
}
