import { defineConfig } from '@playwright/test';

/**
 * E2E tests: the built renderer in Debian's Chromium (`/usr/bin/chromium`, never a downloaded
 * browser), with `window.certdesk` bound to the real core service in the test process
 * (`test/support/e2e-bridge.ts`). Run `npm run build` first; `npm test` does.
 */
export default defineConfig({
  // Paths are relative to this file, which lives in `.config/`.
  testDir: '../test/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: '../test-results/e2e',
  fullyParallel: false,
  workers: 1,
  forbidOnly: process.env.CI !== undefined,
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.CERTDESK_CHROMIUM ?? '/usr/bin/chromium',
      // Without the background-networking flags Chromium floods a closed network with requests.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
