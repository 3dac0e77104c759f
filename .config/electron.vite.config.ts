import { chmod } from 'node:fs/promises';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { contentSecurityPolicy } from '../main/electron/csp.ts';

/** The repository root; this file lives in `.config/`. */
const root = resolve(import.meta.dirname, '..');

/**
 * One build for the three bundles: main (app entry + the `certdesk` CLI, plain ESM with
 * dependencies left external), the sandboxed preload (CommonJS, everything bundled: a sandboxed
 * preload cannot load modules), and the renderer (React, served from `app://` in production).
 */
export default defineConfig(({ command }) => ({
  main: {
    plugins: [
      {
        // The CLI runs as an executable through its shebang (the package's `bin`).
        name: 'certdesk-cli-executable',
        writeBundle: async () => {
          await chmod(resolve(root, 'out/main/cli.js'), 0o755);
        },
      },
    ],
    build: {
      outDir: resolve(root, 'out/main'),
      rolldownOptions: {
        input: {
          index: resolve(root, 'main/index.ts'),
          cli: resolve(root, 'main/cli.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [
      react(),
      {
        // One CSP for the page, from the same definition main sends as a header. The dev server
        // needs inline module scripts (React refresh) and a websocket; production gets neither.
        name: 'certdesk-csp',
        transformIndexHtml: (html: string) =>
          html.replace(
            '%CERTDESK_CSP%',
            contentSecurityPolicy(command === 'serve' ? 'development' : 'production', 'meta'),
          ),
      },
    ],
    build: {
      outDir: resolve(root, 'out/renderer'),
      minify: true,
      rolldownOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
}));
