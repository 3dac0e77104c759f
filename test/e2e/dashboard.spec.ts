import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { freePort } from '../support/ports.ts';
import { expect as baseExpect, saveScreenshot, test } from './fixtures.ts';

/**
 * Issue #7 end to end: the built renderer in Chromium, `window.certdesk` bound to the real core and
 * desktop engine, ordering from a real Pebble over HTTP-01 (CertDesk's own listener on Pebble's
 * `httpPort`). One flow, in order: the empty dashboard leads to the wizard; the wizard adds a custom
 * CA account (Pebble, trusted through the account's CA certificate file) and the certificate, and
 * the run streams its progress and order log until the certificate is valid; the dashboard counts
 * it and counts down; the detail page shows its identity, versions and export target, and exports
 * again on request; the order log groups and searches; then everything again in Chinese. Full-page
 * screenshots of each page in both languages and both themes are saved as test artifacts
 * (`test-results/e2e/…/<locale>-<theme>-<page>.png`).
 */

const domain = 'www.certdesk.test';

/**
 * Assertions wait up to 15 s (Playwright's default is 5 s): on a busy 2-core CI machine a page that
 * re-reads the detail over the bridge can take longer than that, and nothing here is timed.
 */
const expect = baseExpect.configure({ timeout: 15_000 });

// An action that cannot happen (a covered control) fails in 30 s with its reason, not at the test's
// end. The browser's language is pinned, so "System default" means English whatever the machine's
// LANG, and the window size, so the screenshots compare across runs.
test.use({ actionTimeout: 30_000, locale: 'en-US', viewport: { width: 1280, height: 720 } });

/**
 * Pebble's certificate lifetime: under a day, so the countdown shows seconds and visibly moves, and
 * long enough that the certificate is neither due for renewal (at 1/3 left) nor "expiring" (under
 * 1/6 left) while the test runs, so the dashboard counts it as fine.
 */
const validitySeconds = 20 * 60 * 60;

/** The deliberate gap between two readings of the countdown, which ticks once a second. */
const countdownGapMs = 1100;

/** A bound for the first order (account key, order, validation, issuance); Pebble takes well under a second. */
const orderTimeoutMs = 60_000;

let pebble: Pebble;
let exportDir: string;

test.beforeAll(async () => {
  pebble = await startPebble({ httpPort: await freePort(), certificateValidityPeriod: validitySeconds });
  // The admin's folder exists before it is named as an export target.
  exportDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-e2e-export-'));
});

test.afterAll(async () => {
  await pebble.stop();
  await rm(exportDir, { recursive: true, force: true });
});

/** What the flow reads in each language: the same checks run on the English and the Chinese UI. */
const ui = {
  en: {
    mainNav: 'Main',
    nav: 'Certificates',
    summary: 'Certificate health',
    fine: 'Fine',
    valid: 'Valid',
    countdown: /^Expires in \d+h \d+m \d+s$/,
    overview: 'Overview',
    log: 'Order log',
    identity: 'Identity',
    sans: 'Domains (SANs)',
    sha256: 'SHA-256 fingerprint',
    versions: 'Versions',
    live: 'Live',
    exports: 'Export targets',
    exportNow: 'Export now',
    search: 'Search the whole history',
    orderGroup: 'Order',
    obtained: 'Certificate obtained',
  },
  'zh-CN': {
    mainNav: '主导航',
    nav: '证书',
    summary: '证书状况',
    fine: '正常',
    valid: '有效',
    countdown: /^\d+ 小时 \d+ 分 \d+ 秒后过期$/,
    overview: '概览',
    log: '订单日志',
    identity: '证书信息',
    sans: '域名（SAN）',
    sha256: 'SHA-256 指纹',
    versions: '版本',
    live: '当前版本',
    exports: '导出目标',
    exportNow: '立即导出',
    search: '搜索全部历史',
    orderGroup: '订单',
    obtained: '已获取证书',
  },
} as const;

type Ui = (typeof ui)[keyof typeof ui];

/**
 * Records, in the page, what the wizard's Run step showed after each DOM change: the progress bar's
 * step, the number of order log entries, and whether the success message was there yet. The order
 * runs faster than any polling from the test could see, so the page keeps the history itself.
 * A string, because the Node tsconfig has no DOM types.
 */
const runTraceScript = `(() => {
  const trace = [];
  window.__certdeskRunTrace = trace;
  const record = () => {
    const bar = document.querySelector('.wizard-run [role="progressbar"]');
    trace.push({
      progress: bar === null ? null : bar.getAttribute('aria-valuetext'),
      entries: document.querySelectorAll('.wizard-run [role="log"] > li').length,
      succeeded: document.querySelector('.wizard-run .run-result--ok') !== null,
    });
  };
  new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
})()`;

interface RunSnapshot {
  readonly progress: string | null;
  readonly entries: number;
  readonly succeeded: boolean;
}

/** Seconds left in an English or Chinese countdown with hours, minutes and seconds. */
function secondsLeft(text: string): number {
  const [hours, minutes, seconds] = (text.match(/\d+/g) ?? []).map(Number);
  if (hours === undefined || minutes === undefined || seconds === undefined) throw new Error(`Not a countdown with seconds: ${text}`);
  return hours * 3600 + minutes * 60 + seconds;
}

/** Chooses one of a group of radio cards the way a person does, by clicking its label (the card). */
async function chooseCard(scope: Locator, name: string): Promise<void> {
  const radio = scope.getByRole('radio', { name, exact: true });
  await scope.locator(`label[for="${String(await radio.getAttribute('id'))}"]`).click();
  await expect(radio).toBeChecked();
}

/** The value of the fact labelled `label` in a card's description list. */
function fact(scope: Locator, label: string): Locator {
  return scope.locator('.facts__row').filter({ has: scope.page().getByRole('term').filter({ hasText: label }) }).getByRole('definition');
}

/** The dashboard's row of the certificate, named by its domain and status badge. */
function certificateRow(page: Page, words: Ui): Locator {
  return page.getByRole('link', { name: `${domain} ${words.valid}`, exact: true });
}

test('issue #7: a certificate from the wizard to the dashboard, its detail and its log, against Pebble, in English and Chinese', async ({ page, server, cspViolations }, testInfo) => {
  test.setTimeout(180_000);
  const shot = async (name: string): Promise<void> => {
    await saveScreenshot(page, testInfo, name);
  };
  const wizard = page.locator('.wizard-card');

  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${server.origin}/index.html`);

  await test.step('the empty dashboard leads to the wizard', async () => {
    await expect(page.getByRole('heading', { name: 'No certificates yet' })).toBeVisible();
    await shot('en-light-empty');
    await page.getByRole('link', { name: 'Add a certificate' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'New certificate' })).toBeVisible();
    await expect(wizard.getByRole('heading', { level: 2 })).toHaveText('Step 1 of 6 Domains');
  });

  await test.step('wizard, domains: an invalid name is shown inline before the right one is taken', async () => {
    const domains = wizard.getByRole('textbox', { name: 'Domains', exact: true });
    await domains.fill('bad_name.test, ');
    await expect(wizard.getByText('“bad_name.test” has characters a domain name can’t hold', { exact: false })).toBeVisible();
    await expect(domains).toHaveAttribute('aria-invalid', 'true');
    await shot('en-light-wizard-domains');
    await domains.fill(domain);
    await expect(domains).not.toHaveAttribute('aria-invalid');
    await expect(wizard.getByRole('list', { name: 'In the certificate (1):' })).toHaveText(domain);
    await expect(wizard.getByRole('textbox', { name: 'Certificate id', exact: true })).toHaveValue(domain);
    await wizard.getByRole('button', { name: 'Next' }).click();
  });

  await test.step('wizard, CA account: Pebble added inline as a custom directory with its CA file', async () => {
    await expect(wizard.getByRole('heading', { level: 2 })).toHaveText('Step 2 of 6 CA account');
    const form = wizard.getByRole('form', { name: 'New CA account' });
    await form.getByRole('combobox', { name: 'Certificate authority' }).selectOption('custom');
    await form.getByRole('textbox', { name: 'Directory URL', exact: true }).fill(pebble.directoryUrl);
    await form.getByRole('textbox', { name: /^CA certificate file/ }).fill(pebble.caCertPath);
    await form.getByRole('textbox', { name: 'Account name', exact: true }).fill('pebble');
    await form.getByRole('textbox', { name: /^Contact email/ }).fill('admin@example.com');
    await form.getByRole('checkbox', { name: 'I have read and accept this CA’s terms of service' }).check();
    await shot('en-light-wizard-account');
    // Adding registers the account at Pebble over HTTPS, which only works through the CA file.
    await form.getByRole('button', { name: 'Add account' }).click();
    await expect(wizard.getByRole('radio', { name: /^pebble/ })).toBeChecked();
    await expect(form).toBeHidden();
    await wizard.getByRole('button', { name: 'Next' }).click();
  });

  await test.step('wizard, validation: HTTP-01 answered by CertDesk on Pebble’s HTTP port', async () => {
    await expect(wizard.getByRole('heading', { level: 2 })).toHaveText('Step 3 of 6 Validation');
    await chooseCard(wizard, 'HTTP, answered by CertDesk (HTTP-01)');
    await wizard.getByRole('textbox', { name: 'Listen on address', exact: true }).fill('127.0.0.1');
    await wizard.getByRole('textbox', { name: 'Port', exact: true }).fill(String(pebble.httpPort));
    await wizard.getByRole('button', { name: 'Next' }).click();
  });

  await test.step('wizard, key and exports: EC P-256 and a PEM export target', async () => {
    await expect(wizard.getByRole('heading', { level: 2 })).toHaveText('Step 4 of 6 Key & exports');
    await expect(wizard.getByRole('radio', { name: 'EC P-256 (recommended)' })).toBeChecked();
    await wizard.getByRole('button', { name: 'Add export target' }).click();
    await wizard.getByRole('textbox', { name: 'Folder', exact: true }).fill(exportDir);
    await expect(wizard.getByRole('combobox', { name: 'Format', exact: true })).toHaveValue('pem');
    await wizard.getByRole('button', { name: 'Next' }).click();
  });

  await test.step('wizard, review', async () => {
    await expect(wizard.getByRole('heading', { level: 2 })).toHaveText('Step 5 of 6 Review');
    await expect(wizard.getByText(`HTTP-01, CertDesk listening on 127.0.0.1 port ${String(pebble.httpPort)}`)).toBeVisible();
    await expect(wizard.getByText(pebble.directoryUrl)).toBeVisible();
    await expect(wizard.getByText(exportDir)).toBeVisible();
    await expect(wizard.getByText('EC P-256 (recommended)')).toBeVisible();
    await shot('en-light-wizard-review');
  });

  await test.step('wizard, run: progress and the order log stream in live, then the certificate is valid', async () => {
    await page.evaluate(runTraceScript);
    await wizard.getByRole('button', { name: 'Create and obtain the certificate' }).click();
    await expect(wizard.getByRole('heading', { name: 'Certificate obtained' })).toBeVisible({ timeout: orderTimeoutMs });
    await expect(wizard.getByText(/^Valid until .+\. CertDesk renews it in the background well before then\.$/)).toBeVisible();

    const log = wizard.getByRole('log', { name: 'Order log' });
    await expect(log).toContainText(/Created order https:\/\/127\.0\.0\.1:\d+\//);
    expect(await log.getByRole('listitem').count()).toBeGreaterThanOrEqual(4);

    // What the page showed on the way, recorded as it happened: the progress bar named a step while
    // the order ran, and log entries (pushed as order:event) arrived one after another before the
    // success message did.
    const trace = await page.evaluate<ReadonlyArray<RunSnapshot>>('window.__certdeskRunTrace');
    const steps = [...new Set(trace.flatMap((snapshot) => (snapshot.progress === null ? [] : [snapshot.progress])))];
    expect(steps.length, JSON.stringify(trace)).toBeGreaterThanOrEqual(1);
    for (const step of steps) expect(step).toMatch(/^Step [1-6] of 6: \S/);
    const beforeSuccess = new Set(trace.filter((snapshot) => !snapshot.succeeded && snapshot.entries > 0).map((snapshot) => snapshot.entries));
    expect(beforeSuccess.size, JSON.stringify(trace)).toBeGreaterThanOrEqual(2);
    expect(trace.at(-1)?.succeeded).toBe(true);
    await shot('en-light-wizard-done');
  });

  const fullchain = path.join(exportDir, 'fullchain.pem');
  const privkey = path.join(exportDir, 'privkey.pem');
  const leaf = new X509Certificate(await readFile(fullchain));

  /** The dashboard: the row, its badge and moving countdown, and the summary counting it as fine. */
  const checkDashboard = async (words: Ui, name: string): Promise<void> => {
    await page.getByRole('navigation', { name: words.mainNav }).getByRole('link', { name: words.nav, exact: true }).click();
    const row = certificateRow(page, words);
    await expect(row).toBeVisible();
    await expect(row.locator('.badge')).toHaveText(words.valid);
    await expect(page.getByRole('region', { name: words.summary }).getByRole('button', { name: `1 ${words.fine}`, exact: true })).toBeVisible();
    const countdown = row.locator('time.countdown');
    await expect(countdown).toHaveText(words.countdown);
    const first = await countdown.innerText();
    // The one deliberate wait: the countdown ticks once a second, so 1.1 s later it reads less (a
    // renderer slowed down by a busy machine gets the assertion's own wait on top).
    await page.waitForTimeout(countdownGapMs);
    await expect(countdown).not.toHaveText(first);
    expect(secondsLeft(await countdown.innerText())).toBeLessThan(secondsLeft(first));
    await shot(`${name}-dashboard`);
  };

  /** The detail page's Overview: identity, versions, export target (its last result), and the actions. */
  const checkDetail = async (words: Ui, name: string): Promise<void> => {
    await certificateRow(page, words).click();
    await expect(page.getByRole('heading', { level: 1, name: domain })).toBeVisible();
    await expect(page.getByRole('tab', { name: words.overview })).toHaveAttribute('aria-selected', 'true');
    const identity = page.getByRole('region', { name: words.identity });
    await expect(fact(identity, words.sans).getByRole('listitem')).toHaveText([domain]);
    await expect(fact(identity, words.sha256).getByRole('code')).toHaveText(leaf.fingerprint256);
    const versions = page.getByRole('region', { name: words.versions });
    await expect(versions.getByRole('row')).toHaveCount(2);
    await expect(versions.getByRole('rowheader', { name: '1', exact: true })).toBeVisible();
    await expect(versions.getByText(words.live, { exact: true })).toBeVisible();
    const exports = page.getByRole('region', { name: words.exports });
    await expect(exports.getByText(exportDir, { exact: true })).toBeVisible();
    await expect(exports).toContainText('fullchain.pem');
    await expect(page.getByRole('button', { name: words.exportNow })).toBeEnabled();
    await shot(`${name}-detail`);
  };

  /** The Order log tab: the order as one group that obtained the certificate, and a search that filters. */
  const checkLog = async (words: Ui, name: string): Promise<void> => {
    await page.getByRole('tab', { name: words.log }).click();
    await expect(page).toHaveURL(/#\/certificates\/www\.certdesk\.test\/log$/);
    const group = page.locator('.log-group').filter({ hasText: words.obtained });
    await expect(group).toHaveCount(1);
    await expect(group.getByRole('button', { expanded: true })).toContainText(words.orderGroup);
    await expect(group.locator('.log-entries > li').first()).toBeVisible();
    await shot(`${name}-log`);
  };

  await test.step('dashboard: the row is valid and counts down; the summary counts one fine', async () => {
    await checkDashboard(ui.en, 'en-light');
  });

  await test.step('detail: identity, versions and export target; Export now writes the files again', async () => {
    await checkDetail(ui.en, 'en-light');
    await expect(page.getByRole('region', { name: 'Export targets' })).toContainText(/Written .+/);
    // Remove what the first order exported, so the files found afterwards are this export's.
    await rm(fullchain);
    await rm(privkey);
    await page.getByRole('button', { name: 'Export now' }).click();
    await expect(page.getByText('Written to 1 of 1 export targets.')).toBeVisible();
    expect((await stat(fullchain)).isFile()).toBe(true);
    const key = await stat(privkey);
    expect(key.isFile()).toBe(true);
    if (process.platform !== 'win32') expect(key.mode & 0o777).toBe(0o600);
    expect(new X509Certificate(await readFile(fullchain)).fingerprint256).toBe(leaf.fingerprint256);
    await shot('en-light-detail-exported');
  });

  await test.step('order log: entries grouped by order, and the search filters them', async () => {
    await checkLog(ui.en, 'en-light');
    const count = page.locator('.order-log__count');
    const total = Number(/of (\d+) entries/.exec(await count.innerText())?.[1]);
    expect(total).toBeGreaterThanOrEqual(4);
    const search = page.getByRole('searchbox', { name: 'Search the whole history' });
    // The event's name finds its one entry (the search reads messages, event names and data).
    await search.fill('order_created');
    await expect(count).toHaveText(`1 of ${String(total)} entries`);
    await expect(page.locator('.log-entries > li')).toHaveCount(1);
    await expect(page.locator('.log-entries')).toContainText('Created order');
    await search.fill('no-such-entry-anywhere');
    await expect(page.getByText('No entries match', { exact: false })).toBeVisible();
    await page.getByRole('button', { name: 'Show every entry' }).click();
    await expect(count).toHaveText(`${String(total)} of ${String(total)} entries`);
  });

  await test.step('dark theme, chosen in Settings: dashboard, detail and log', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await checkDashboard(ui.en, 'en-dark');
    await checkDetail(ui.en, 'en-dark');
    await checkLog(ui.en, 'en-dark');
  });

  await test.step('Chinese, chosen in Settings: dashboard, detail and log, dark and light', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByRole('heading', { level: 1, name: '设置' })).toBeVisible();
    // Back to following the system, which the page emulates as dark, then light.
    await page.getByRole('combobox', { name: '主题' }).selectOption('system');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await checkDashboard(ui['zh-CN'], 'zh-CN-dark');
    await checkDetail(ui['zh-CN'], 'zh-CN-dark');
    await checkLog(ui['zh-CN'], 'zh-CN-dark');

    await page.emulateMedia({ colorScheme: 'light' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await checkDashboard(ui['zh-CN'], 'zh-CN-light');
    await checkDetail(ui['zh-CN'], 'zh-CN-light');
    await checkLog(ui['zh-CN'], 'zh-CN-light');
    await expect(page.getByRole('searchbox', { name: ui['zh-CN'].search })).toBeVisible();
  });

  await test.step('Chinese wizard: the inline domain error and the CA account form with its CA file field', async () => {
    await page.getByRole('link', { name: '新建证书' }).click();
    await expect(wizard.getByRole('heading', { level: 2 })).toHaveText('第 1/6 步 域名');
    await wizard.getByRole('textbox', { name: '域名', exact: true }).fill('bad_name.test, ');
    await expect(wizard.getByText('“bad_name.test”包含域名中不允许的字符', { exact: false })).toBeVisible();
    await shot('zh-CN-light-wizard-domains');
    await wizard.getByRole('textbox', { name: '域名', exact: true }).fill('api.certdesk.test');
    await wizard.getByRole('button', { name: '下一步' }).click();
    await expect(wizard.getByRole('radio', { name: /^pebble/ })).toBeChecked();
    await wizard.getByRole('button', { name: '添加其他 CA 账户' }).click();
    const form = wizard.getByRole('form', { name: '新建 CA 账户' });
    await form.getByRole('combobox', { name: '证书颁发机构' }).selectOption('custom');
    await form.getByRole('textbox', { name: /^CA 证书文件/ }).fill('ca.pem');
    await form.getByRole('button', { name: '添加账户' }).click();
    await expect(form.getByText('请输入 PEM 文件的绝对路径（例如 /etc/step-ca/certs/root_ca.crt），或留空。')).toBeVisible();
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await shot('zh-CN-dark-wizard-account');
  });

  await test.step('200% zoom: every page fits the width of a 1280-pixel window zoomed to 200% (640 CSS pixels)', async () => {
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: 640, height: 400 });
    // Horizontal overflow means something is clipped or needs sideways scrolling: nothing may.
    // A script string: this file is type-checked without the DOM's types.
    const overflow = (): Promise<number> => page.evaluate<number>(`(() => {
      const root = document.documentElement;
      const scroller = document.querySelector('.app-main') ?? root;
      return Math.max(root.scrollWidth - root.clientWidth, scroller.scrollWidth - scroller.clientWidth);
    })()`);
    for (const [route, name] of [['/', 'dashboard'], [`/certificates/${domain}`, 'detail'], [`/certificates/${domain}/log`, 'log'], ['/new', 'wizard'], ['/settings', 'settings']] as const) {
      await page.goto(`${server.origin}/index.html#${route}`);
      await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
      expect(await overflow(), `${name} at 200% zoom`).toBeLessThanOrEqual(1);
      await shot(`zh-CN-dark-zoom200-${name}`);
    }
    if (viewport !== null) await page.setViewportSize(viewport);
  });

  expect(cspViolations).toEqual([]);
});
