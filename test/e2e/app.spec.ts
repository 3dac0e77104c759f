import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test as base } from '@playwright/test';
import { openConfigStore, settingsStoreFromConf } from '../../main/core/config-store.ts';
import { createLineLogger } from '../../main/core/logger.ts';
import { CertDeskService } from '../../main/core/service.ts';
import type { DesktopEngine } from '../../main/core/desktop.ts';
import type { CertDeskApi } from '../../preload/contract.ts';
import { createAppInfo, version } from '../../main/core/version.ts';
import { bindCertDeskApi, openDesktopEngine } from '../support/e2e-bridge.ts';
import { startRendererServer, type RendererServer } from '../support/renderer-server.ts';

const builtCli = path.resolve(import.meta.dirname, '../../out/main/cli.js');

interface Fixtures {
  dataDir: string;
  service: CertDeskService;
  engine: DesktopEngine;
  server: RendererServer;
  cspViolations: string[];
}

/**
 * Each test gets a fresh data dir, a real core service on it (watching config.json like the app), a
 * real desktop engine renewing in the background on the same data dir, the built renderer on a
 * loopback server, and a page whose `window.certdesk` reaches both.
 */
const test = base.extend<Fixtures>({
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
      logger: createLineLogger((line) => process.stderr.write(line), { json: false }),
    });
    await use(service);
    service.close();
  },
  engine: async ({ dataDir }, use) => {
    const engine = openDesktopEngine(dataDir, { logger: createLineLogger((line) => process.stderr.write(line), { json: false }) });
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

test('the renderer shows app:info from the core and follows settings pushed from main', async ({ page, server, dataDir, cspViolations }, testInfo) => {
  await page.goto(`${server.origin}/index.html#/settings`);

  // app:info round trip: the About section shows what main-side code reported.
  await expect(page.getByText(dataDir, { exact: true })).toBeVisible();
  await expect(page.getByText(version, { exact: false }).first()).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  // A change written by another process (the real CLI on the same data dir) is pushed as
  // settings:changed by the core's file watcher and re-renders the page in Chinese.
  await promisify(execFile)(process.execPath, [builtCli, '--data-dir', dataDir, 'settings', 'set', 'language', 'zh-CN']);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('link', { name: '设置' })).toBeVisible();
  await expect(page.getByText(dataDir, { exact: true })).toBeVisible();

  await page.screenshot({ path: testInfo.outputPath('settings-zh-CN.png'), fullPage: true });
  expect(cspViolations).toEqual([]);
});

test('changing the theme in the page is validated and stored by the core', async ({ page, server, dataDir, cspViolations }, testInfo) => {
  await page.goto(`${server.origin}/index.html#/settings`);
  await expect(page.getByText(dataDir, { exact: true })).toBeVisible();

  await page.getByLabel('Theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const stored = JSON.parse(await readFile(path.join(dataDir, 'config.json'), 'utf8')) as { settings: unknown };
  expect(stored.settings).toEqual({ language: 'system', theme: 'dark', closeToTray: true, startAtLogin: false, startHidden: false, quietNotifications: false });

  await page.screenshot({ path: testInfo.outputPath('settings-dark.png'), fullPage: true });
  expect(cspViolations).toEqual([]);
});

test('the empty dashboard tells the admin how to add the first certificate', async ({ page, server, cspViolations }, testInfo) => {
  await page.goto(`${server.origin}/index.html`);
  await expect(page.getByRole('heading', { name: 'No certificates yet' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Certificates' })).toHaveAttribute('aria-current', 'page');
  await page.screenshot({ path: testInfo.outputPath('dashboard-empty.png'), fullPage: true });
  expect(cspViolations).toEqual([]);
});

test("the dashboard's channels reach the real engine, and its events reach the page", async ({ page, server, engine, cspViolations }) => {
  await page.goto(`${server.origin}/index.html`);
  await expect(page.getByRole('heading', { name: 'No certificates yet' })).toBeVisible();

  const seen = await page.evaluate(async () => {
    const api = (globalThis as { certdesk?: CertDeskApi }).certdesk;
    if (api === undefined) throw new Error('window.certdesk is missing');
    const states: unknown[] = [];
    const stop = api.onRenewalState((state) => states.push(state));
    const list = await api.listCertificates();
    const paused = await api.pauseRenewal();
    const resumed = await api.resumeRenewal();
    const status = await api.getRenewalStatus();
    const missing = await api.showCertificate('nope').then(() => null, (error: unknown) => error);
    const invalid = await api.readOrderLog('../etc').then(() => null, (error: unknown) => error);
    // Pushes travel through page.evaluate: give them a moment to land.
    for (let i = 0; i < 50 && states.length < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    stop();
    return { list, paused, resumed, status, missing, invalid, states };
  });

  expect(seen.list).toEqual([]);
  expect(seen.paused).toEqual({ paused: true });
  expect(seen.resumed).toEqual({ paused: false });
  expect(seen.status).toEqual({ paused: false });
  expect(engine.paused).toBe(false);
  expect(seen.missing).toMatchObject({ code: 'invalid_input', message: 'Unable to find the certificate "nope"' });
  expect(seen.invalid).toMatchObject({ code: 'invalid_input' });
  expect(seen.states).toEqual([{ paused: true }, { paused: false }]);
  expect(cspViolations).toEqual([]);
});
