import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/**
 * Four projects: `unit` (Electron-free core, CLI and preload in Node), `renderer` (React in jsdom),
 * `electron` (the shell's wiring against a typed fake of the `electron` module, since no Electron
 * binary exists here) and `integration` (real Pebble, BIND9 and files, started by `test/support/`).
 */
export default defineConfig({
  // This file lives in `.config/`; paths below are relative to the repository root.
  root: resolve(import.meta.dirname, '..'),
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
          exclude: ['test/unit/renderer/**'],
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['test/unit/renderer/**/*.test.{ts,tsx}'],
          setupFiles: ['test/unit/renderer/setup.ts'],
        },
      },
      {
        test: {
          name: 'electron',
          environment: 'node',
          include: ['test/electron/**/*.test.ts'],
          // Let vi.mock('electron') reach electron-store, which imports electron itself.
          server: { deps: { inline: ['electron-store'] } },
        },
      },
      {
        test: {
          name: 'integration',
          environment: 'node',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each file starts its own servers; two cores go further one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
