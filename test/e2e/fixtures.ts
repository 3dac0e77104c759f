import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test as base, type Page, type TestInfo } from '@playwright/test';
import { openConfigStore, settingsStoreFromConf } from '../../main/core/config-store.ts';
import type { DesktopEngine } from '../../main/core/desktop.ts';
import { createLineLogger } from '../../main/core/logger.ts';
import { CertDeskService } from '../../main/core/service.ts';
import { createAppInfo } from '../../main/core/version.ts';
import { bindCertDeskApi, openDesktopEngine } from '../support/e2e-bridge.ts';
import { startRendererServer, type RendererServer } from '../support/renderer-server.ts';

export { expect } from '@playwright/test';

/** What every E2E test gets besides Playwright's own fixtures. */
export interface E2eFixtures {
  /** A fresh data dir, removed after the test. */
  dataDir: string;
  /** A real core service on {@link E2eFixtures.dataDir}, watching config.json like the app. */
  service: CertDeskService;
  /** A real desktop engine on the same data dir, started (background renewal on), stopped after the test. */
  engine: DesktopEngine;
  /** The built renderer on a loopback port, with the app's production CSP. */
  server: RendererServer;
  /**
   * Everything the page reported as wrong while the test ran: console errors (CSP violations among
   * them) and uncaught page errors. Asking for it binds `window.certdesk` to {@link E2eFixtures.service}
   * and {@link E2eFixtures.engine}, so every test that opens the app asks for it and ends with
   * `expect(cspViolations).toEqual([])`.
   */
  cspViolations: string[];
}

const logger = createLineLogger((line) => process.stderr.write(line), { json: false });

/**
 * Playwright's `test` with the E2E fixtures: each test gets a fresh data dir, a real core service on
 * it (watching config.json like the app), a real desktop engine renewing in the background on the
 * same data dir, the built renderer on a loopback server, and a page whose `window.certdesk` reaches
 * both. Fails at the `server` fixture with "run `npm run build` first" when the renderer is not built.
 */
export const test = base.extend<E2eFixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as a pattern
  dataDir: async ({}, use) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-e2e-'));
    await use(dir);
    await rm(dir, { recursive: true, force: true });
  },
  service: async ({ dataDir }, use) => {
    const service = new CertDeskService({
      info: createAppInfo({ dataDir, runtime: 'node', versions: { node: process.versions.node } }),
      settings: settingsStoreFromConf(openConfigStore(dataDir, { watch: true })),
      logger,
    });
    await use(service);
    service.close();
  },
  engine: async ({ dataDir }, use) => {
    const engine = openDesktopEngine(dataDir, { logger });
    await engine.start();
    await use(engine);
    await engine.stop();
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as a pattern
  server: async ({}, use) => {
    const server = await startRendererServer();
    await use(server);
    await server.stop();
  },
  cspViolations: async ({ page, service, engine }, use) => {
    const violations: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') violations.push(message.text());
    });
    page.on('pageerror', (error) => violations.push(error.message));
    const stop = await bindCertDeskApi(page, { service, engine });
    await use(violations);
    stop();
  },
});

/**
 * How much taller than the window the page's content is. The app scrolls inside its main area
 * (`.app-main`), not the document, so Playwright's `fullPage` alone would capture one window's worth.
 * A string, because the Node tsconfig has no DOM types.
 */
const overflowScript = `(() => {
  let extra = 0;
  for (const element of document.querySelectorAll('body *')) {
    const overflowY = getComputedStyle(element).overflowY;
    if (overflowY === 'auto' || overflowY === 'scroll') extra = Math.max(extra, element.scrollHeight - element.clientHeight);
  }
  return extra;
})()`;

/**
 * Saves a full-page PNG of `page` as `<name>.png` in the test's output folder (under Playwright's
 * `outputDir`, `test-results/e2e`) and attaches it to the report, so it is kept as a test artifact
 * whether the test passes or fails. The window is made as tall as the content for the shot (the app
 * scrolls inside its main area) and restored afterwards. Resolves to the file's path.
 */
export async function saveScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<string> {
  const file = testInfo.outputPath(`${name}.png`);
  const viewport = page.viewportSize();
  const extra = await page.evaluate<number>(overflowScript);
  if (viewport !== null && extra > 0) await page.setViewportSize({ width: viewport.width, height: viewport.height + extra });
  try {
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
  } finally {
    if (viewport !== null && extra > 0) await page.setViewportSize(viewport);
  }
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
  return file;
}
