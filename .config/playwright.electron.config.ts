import { defineConfig } from '@playwright/test';

/**
 * `npm run test:electron`: Playwright `_electron` specs (`test/electron/*.spec.ts`) that launch the
 * built app with a real Electron binary. They are not part of `npm test`: no Electron binary can be
 * downloaded on the machines `npm test` runs on (there the shell is tested against a typed fake of
 * the electron module, `test/electron/*.test.ts`). Run them where `npx electron --version` works.
 */
export default defineConfig({
  // Paths are relative to this file, which lives in `.config/`.
  testDir: '../test/electron',
  testMatch: '**/*.spec.ts',
  outputDir: '../test-results/electron',
  fullyParallel: false,
  workers: 1,
  forbidOnly: process.env.CI !== undefined,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: { screenshot: 'only-on-failure', trace: 'retain-on-failure' },
});
