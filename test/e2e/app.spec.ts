import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CertDeskApi } from '../../preload/contract.ts';
import { version } from '../../main/core/version.ts';
import { expect, test } from './fixtures.ts';

const builtCli = path.resolve(import.meta.dirname, '../../out/main/cli.js');

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
  expect(stored.settings).toEqual({ language: 'system', theme: 'dark', closeToTray: true, startAtLogin: false, startHidden: false, notifications: true, quietNotifications: false });

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
  expect(seen.missing).toMatchObject({ code: 'not_found', message: 'Unable to find the certificate "nope"' });
  expect(seen.invalid).toMatchObject({ code: 'invalid_input' });
  expect(seen.states).toEqual([{ paused: true }, { paused: false }]);
  expect(cspViolations).toEqual([]);
});
