/**
 * The renderer's Content-Security-Policy. Production allows only the app's own bundled scripts,
 * styles and images and no network at all: CertDesk loads no remote content and the renderer talks
 * to main only through the preload bridge.
 *
 * Development (`electron-vite dev`) additionally allows the dev server's inline React-refresh
 * preamble and its HMR websocket; that policy never ships.
 *
 * `frame-ancestors` works only as a response header (browsers ignore it, with a console error, in a
 * `<meta>` tag), so the meta delivery leaves it out; the header delivery keeps it.
 */
export function contentSecurityPolicy(mode: 'production' | 'development', delivery: 'header' | 'meta' = 'header'): string {
  const dev = mode === 'development';
  const directives: ReadonlyArray<readonly [string, string]> = [
    ['default-src', "'none'"],
    ['script-src', dev ? "'self' 'unsafe-inline'" : "'self'"],
    ['style-src', "'self'"],
    ['img-src', "'self' data:"],
    ['font-src', "'self'"],
    ['connect-src', dev ? "'self' ws: http://localhost:*" : "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ...(delivery === 'header' ? ([['frame-ancestors', "'none'"]] as const) : []),
    ['object-src', "'none'"],
  ];
  return directives.map(([name, value]) => `${name} ${value}`).join('; ');
}
