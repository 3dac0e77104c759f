/**
 * The real app under a real Electron binary (`npm run test:electron`, after `npm run build`): the
 * window, closing to the tray, the single-instance hand-over and quitting. Not run by `npm test`;
 * see .config/playwright.electron.config.ts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test as base, type ElectronApplication } from '@playwright/test';

const repoRoot = path.resolve(import.meta.dirname, '../..');

interface Fixtures {
  dataDir: string;
  launch: (args?: ReadonlyArray<string>) => Promise<ElectronApplication>;
}

const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as a pattern
  dataDir: async ({}, use) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-electron-'));
    await use(dir);
    await rm(dir, { recursive: true, force: true });
  },
  launch: async ({ dataDir }, use) => {
    const apps: ElectronApplication[] = [];
    await use(async (args = []) => {
      // The built app (out/), not a dev server; the key file rather than the developer's keychain.
      const env = { ...process.env };
      delete env.ELECTRON_RENDERER_URL;
      const app = await electron.launch({
        args: [repoRoot, ...args],
        cwd: repoRoot,
        env: { ...env, CERTDESK_DATA_DIR: dataDir, CERTDESK_KEYCHAIN: 'off' },
      });
      apps.push(app);
      return app;
    });
    for (const app of apps) await app.close().catch(() => undefined);
  },
});

test('opens one hardened window on app://certdesk', async ({ launch }) => {
  const app = await launch();
  const page = await app.firstWindow();
  await expect(page).toHaveURL(/^app:\/\/certdesk\/index\.html/);
  // The renderer has no Node: no require, no process, only the preload's bridge.
  expect(await page.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual(['undefined', 'undefined']);
  expect(await page.evaluate(() => typeof (globalThis as { certdesk?: { getAppInfo?: unknown } }).certdesk?.getAppInfo)).toBe('function');
});

test('closing the window keeps CertDesk running, hidden', async ({ launch }) => {
  const app = await launch();
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  await app.evaluate(({ BrowserWindow }) => {
    BrowserWindow.getAllWindows()[0]?.close();
  });
  await expect.poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.isVisible()))).toEqual([false]);
  expect(app.process().exitCode).toBeNull();
});

test('a second launch with --open shows the certificate in the first instance, then exits', async ({ launch }) => {
  const first = await launch();
  const page = await first.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  const second = await launch(['--open', 'example-com']);
  await expect.poll(() => second.process().exitCode, { timeout: 15_000 }).not.toBeNull();
  await expect(page).toHaveURL('app://certdesk/index.html#/certificates/example-com');
});

test('with closeToTray off, closing the window quits', async ({ launch, dataDir }) => {
  await writeFile(path.join(dataDir, 'config.json'), JSON.stringify({ settings: { closeToTray: false } }));
  const app = await launch();
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  const exited = new Promise<void>((resolve) => app.process().once('exit', () => { resolve(); }));
  await app.evaluate(({ BrowserWindow }) => {
    BrowserWindow.getAllWindows()[0]?.close();
  });
  if (process.platform !== 'darwin') await exited;
});
