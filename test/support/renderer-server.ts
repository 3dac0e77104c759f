import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { resolveAsset } from '../../main/electron/asset-path.ts';
import { contentSecurityPolicy } from '../../main/electron/csp.ts';

/** Where `npm run build` puts the renderer. */
export const builtRendererDir = path.resolve(import.meta.dirname, '../../out/renderer');

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** A running static server for the built renderer. */
export interface RendererServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly origin: string;
  stop(): Promise<void>;
}

/**
 * Serves the built renderer on a free loopback port the way the app's `app://` handler does: same
 * path resolution, same production CSP header. Fails with a clear message when the renderer has not
 * been built.
 */
export async function startRendererServer(rootDir: string = builtRendererDir): Promise<RendererServer> {
  try {
    await readFile(path.join(rootDir, 'index.html'));
  } catch {
    throw new Error(`No built renderer in ${rootDir}: run \`npm run build\` first.`);
  }
  const server = http.createServer((request, response) => {
    const urlPath = new URL(request.url ?? '/', 'http://localhost').pathname;
    const file = resolveAsset(rootDir, urlPath);
    const send = (status: number, body: Buffer | string, type: string): void => {
      response.writeHead(status, {
        'Content-Type': type,
        'Content-Security-Policy': contentSecurityPolicy('production'),
        'X-Content-Type-Options': 'nosniff',
      });
      response.end(body);
    };
    if (file === undefined) {
      send(404, 'Not found', 'text/plain');
      return;
    }
    readFile(file).then(
      (body) => {
        send(200, body, contentTypes[path.extname(file)] ?? 'application/octet-stream');
      },
      () => {
        send(404, 'Not found', 'text/plain');
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}
