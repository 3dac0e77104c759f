/**
 * The dashboard benchmark (issue #7, item 7): the built renderer in Debian's Chromium with 5,000
 * certificates, measuring
 *
 * (a) the time from navigation to the list's first rows on screen with all 5,000 loaded (the app
 *     loads info and settings, then `cert:list`, then renders), over fresh pages, with the renderer's
 *     main-thread time (CDP `Performance.getMetrics` TaskDuration / ScriptDuration) and long tasks
 *     up to that point; and
 * (b) the main-thread time each one-second countdown tick costs once loaded: a Chromium trace of
 *     ~10 ticks, summing the renderer main thread's top-level tasks from each tick to 500 ms after it
 *     (the timer task with React's render and commit, then the frame's style, layout and paint),
 *     cross-checked with the TaskDuration delta per second over ~10 untraced seconds (tracing
 *     itself adds to every task).
 *
 * `window.certdesk` is a stub injected with `page.addInitScript` that serves the generated
 * certificates (a benchmark of the UI, not of the core). The list's first screen is sorted by
 * expiry, so it holds certificates under a day from expiry whose countdowns show seconds: every
 * tick changes them (the worst case; most certificates' text changes once a minute).
 *
 * Prints median and p95 beside the budgets (1 s to first rows, 16 ms a tick); asserts nothing.
 * Run by `npm run bench` (run.ts) or alone: `node test/bench/dashboard.ts`. Rebuilds the renderer
 * when `out/renderer` is missing or older than the renderer's sources. `BENCH_DASHBOARD_COUNT`
 * changes the count, `CERTDESK_CHROMIUM` the browser.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type CDPSession, type Page } from '@playwright/test';
import playwrightConfig from '../../.config/playwright.config.ts';
import type { AppInfo, CertificateSummaryDto, Settings } from '../../preload/contract.ts';
import { builtRendererDir, startRendererServer } from '../support/renderer-server.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** The scale: an admin with thousands of certificates. */
const defaultCount = 5000;

/** Fresh page loads measured for (a), after one warm-up load (the OS file cache, Chromium's code cache). */
const loadRuns = 5;

/** Countdown ticks traced for (b). */
const traceTicks = 10;

/** How long after a tick its work is counted: the timer task, React's commit, then the next frame (at most a few frames later). */
const tickWindowMs = 500;

/** The budgets. */
const budgets = { firstRowsMs: 1000, tickMs: 16 } as const;

const dayMs = 24 * 60 * 60 * 1000;
const hourMs = 60 * 60 * 1000;

/** The user-timing mark the stub puts before each one-second timer callback (the app's one clock). */
const tickMark = 'certdesk-bench-tick';

/**
 * `count` believable certificates, deterministic: mostly valid 90-day certificates spread over their
 * lifetime, some expiring soon (a few within hours, so the first screen's countdowns show seconds),
 * failing with a retry planned, stopped, never obtained, expired, and monitor-only endpoints; one to
 * four names each, a few IDNs, three CA accounts.
 */
export function generateCertificates(count: number, nowMs: number): CertificateSummaryDto[] {
  const cas = ['letsencrypt', 'zerossl', 'google'] as const;
  const issuers: Readonly<Record<(typeof cas)[number], string>> = {
    letsencrypt: "C=US, O=Let's Encrypt, CN=E6",
    zerossl: 'C=AT, O=ZeroSSL, CN=ZeroSSL ECC Domain Secure Site CA',
    google: 'C=US, O=Google Trust Services, CN=WE1',
  };
  const out: CertificateSummaryDto[] = [];
  let seed = 12345;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const iso = (ms: number): string => new Date(ms).toISOString();
  for (let i = 0; i < count; i += 1) {
    const id = `svc-${String(i).padStart(5, '0')}`;
    // Every 97th in an IDN zone (münchen.de, 例子.测试), as main stores them: punycode.
    const zone = i % 97 === 0 ? (i % 2 === 0 ? 'xn--mnchen-3ya.de' : 'xn--fsqu00a.xn--0zwm56d') : `example-${String(i % 211)}.com`;
    const first = `${['www', 'api', 'mail', 'shop', 'app', 'cdn'][i % 6] ?? 'www'}-${String(i)}.${zone}`;
    const domains = [first, ...Array.from({ length: i % 4 }, (_, k) => `alt${String(k)}-${String(i)}.${zone}`)];
    const ca = cas[i % cas.length] ?? 'letsencrypt';
    const roll = random();
    const lifetime = 90 * dayMs;
    let notAfter = nowMs + (5 + random() * 85) * dayMs;
    let status: CertificateSummaryDto['status'] = 'valid';
    let extra: Partial<CertificateSummaryDto> = {};
    if (i < 12) {
      // The first screen (sorted by expiry): within hours of expiry, either side, so seconds show.
      notAfter = nowMs + (i - 4) * 2 * hourMs + random() * hourMs;
      status = notAfter <= nowMs ? 'expired' : 'failing';
      extra = status === 'failing' ? { nextAttemptAt: iso(nowMs + 20 * 60 * 1000) } : {};
    } else if (roll < 0.05) {
      notAfter = nowMs + random() * 13 * dayMs;
    } else if (roll < 0.08) {
      status = 'failing';
      extra = {
        nextAttemptAt: iso(nowMs + random() * 6 * hourMs),
        lastProblem: { type: 'urn:ietf:params:acme:error:dns', detail: 'DNS problem: SERVFAIL looking up TXT', at: iso(nowMs - hourMs) },
      };
    } else if (roll < 0.09) {
      status = 'stopped';
    } else if (roll < 0.1) {
      status = 'none';
    } else if (roll < 0.15) {
      const monitored: CertificateSummaryDto = {
        id,
        domains: [first],
        monitored: 'tls',
        endpoint: { host: first, port: 443, deployed: random() < 0.2 ? 'older' : 'same' },
        status: 'valid',
        notBefore: iso(notAfter - lifetime),
        notAfter: iso(notAfter),
        issuer: issuers[ca],
        version: 1,
      };
      out.push(monitored);
      continue;
    }
    out.push({
      id,
      domains,
      ca,
      challenge: i % 5 === 0 ? 'http-01' : 'dns-01',
      status,
      ...(status === 'none'
        ? {}
        : {
            notBefore: iso(notAfter - lifetime),
            notAfter: iso(notAfter),
            issuer: issuers[ca],
            serial: (i * 7919).toString(16).padStart(16, '0'),
            version: 1 + (i % 3),
            renewAt: iso(notAfter - 30 * dayMs),
            renewalBasis: 'fraction_remaining' as const,
          }),
      ...extra,
    });
  }
  return out;
}

/**
 * The stub `window.certdesk` and the page-side instrumentation, as an init script. The certificates
 * are generated in the page by {@link generateCertificates} itself (its source, types stripped by
 * Node), not shipped as a multi-megabyte JSON literal whose parsing would be counted as the app's
 * start-up; generating them costs about what receiving them over IPC would.
 */
export function stubInitScript(count: number, nowMs: number): string {
  const info: AppInfo = {
    name: 'CertDesk',
    version: 'bench',
    platform: process.platform,
    arch: process.arch,
    dataDir: '/var/lib/certdesk-bench',
    runtime: 'electron',
    versions: { node: process.versions.node },
  };
  const settings: Settings = { language: 'en', theme: 'light', closeToTray: true, startAtLogin: false, startHidden: false, notifications: true, quietNotifications: false };
  return `(() => {
  const dayMs = ${String(dayMs)};
  const hourMs = ${String(hourMs)};
  const certificates = (${generateCertificates.toString()})(${String(count)}, ${String(nowMs)});
  const info = ${JSON.stringify(info)};
  const settings = ${JSON.stringify(settings)};
  const byId = new Map(certificates.map((c) => [c.id, c]));
  const api = {
    getAppInfo: async () => info,
    getSettings: async () => settings,
    updateSettings: async (patch) => ({ ...settings, ...patch }),
    listCertificates: async () => { window.__certdeskBench.listed = performance.now(); return certificates; },
    showCertificate: async (id) => {
      const found = byId.get(id);
      if (found === undefined) throw { code: 'not_found', message: 'Unable to show ' + id + ', no such certificate' };
      return found;
    },
    getRenewalStatus: async () => ({ paused: false }),
  };
  // Subscriptions are no-ops; any other call rejects as main would for an unknown request.
  window.certdesk = new Proxy(api, {
    get(target, name) {
      if (name in target) return target[name];
      if (typeof name === 'string' && name.startsWith('on')) return () => () => undefined;
      return async () => { throw { code: 'unsupported', message: 'Unable to call ' + String(name) + ', the benchmark stub does not serve it' }; };
    },
  });

  const bench = { longTasks: [] };
  window.__certdeskBench = bench;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  // The app's one clock ticks with a 1000 ms interval: mark each tick for the trace.
  const setIntervalOriginal = window.setInterval.bind(window);
  window.setInterval = (callback, ms, ...rest) => setIntervalOriginal(
    ms === 1000 && typeof callback === 'function' ? (...args) => { performance.mark(${JSON.stringify(tickMark)}); return callback(...args); } : callback,
    ms,
    ...rest,
  );
  const watch = () => {
    const observer = new MutationObserver(() => {
      if (bench.rowsInDom !== undefined || document.querySelector('[data-cert-id]') === null) return;
      bench.rowsInDom = performance.now();
      bench.rowCount = document.querySelectorAll('[data-cert-id]').length;
      bench.totals = document.querySelector('.summary-bar__totals')?.textContent ?? '';
      observer.disconnect();
      // The frame that paints the rows runs its rAF callbacks first; a task queued from there runs after the paint.
      requestAnimationFrame(() => {
        bench.frameStart = performance.now();
        setTimeout(() => { bench.painted = performance.now(); }, 0);
      });
    });
    observer.observe(document, { childList: true, subtree: true });
  };
  watch();
})();`;
}

/** Page-side state the init script records (read with `page.evaluate`). */
interface BenchState {
  /** When the app asked for the certificate list (the stub answers at once, as IPC would, a moment later). */
  readonly listed?: number;
  readonly rowsInDom?: number;
  readonly frameStart?: number;
  readonly painted?: number;
  readonly rowCount?: number;
  readonly totals?: string;
  readonly longTasks: ReadonlyArray<{ readonly start: number; readonly duration: number }>;
}

interface LoadSample {
  readonly listedToPaintedMs: number;
  readonly rowsInDomMs: number;
  readonly paintedMs: number;
  readonly taskMs: number;
  readonly scriptMs: number;
  readonly layoutMs: number;
  readonly longTaskMs: number;
  readonly longTasks: number;
  readonly rowCount: number;
  readonly totals: string;
}

async function metrics(session: CDPSession): Promise<Map<string, number>> {
  const { metrics: list } = (await session.send('Performance.getMetrics')) as { metrics: ReadonlyArray<{ name: string; value: number }> };
  return new Map(list.map((metric) => [metric.name, metric.value]));
}

async function readBench(page: Page): Promise<BenchState> {
  return page.evaluate(() => (globalThis as unknown as { __certdeskBench: BenchState }).__certdeskBench);
}

/** Opens the dashboard on a fresh page and waits until its first rows have painted. */
async function loadDashboard(browser: Browser, url: string, script: string): Promise<{ page: Page; session: CDPSession; sample: LoadSample }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript({ content: script });
  const session = await context.newCDPSession(page);
  await session.send('Performance.enable', { timeDomain: 'threadTicks' });
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as unknown as { __certdeskBench?: BenchState }).__certdeskBench?.painted !== undefined, undefined, { timeout: 60_000 });
  const state = await readBench(page);
  const values = await metrics(session);
  const painted = state.painted ?? Number.NaN;
  const early = state.longTasks.filter((task) => task.start < painted);
  return {
    page,
    session,
    sample: {
      listedToPaintedMs: painted - (state.listed ?? Number.NaN),
      rowsInDomMs: state.rowsInDom ?? Number.NaN,
      paintedMs: painted,
      taskMs: (values.get('TaskDuration') ?? Number.NaN) * 1000,
      scriptMs: (values.get('ScriptDuration') ?? Number.NaN) * 1000,
      layoutMs: ((values.get('LayoutDuration') ?? 0) + (values.get('RecalcStyleDuration') ?? 0)) * 1000,
      longTaskMs: early.reduce((sum, task) => sum + task.duration, 0),
      longTasks: early.length,
      rowCount: state.rowCount ?? 0,
      totals: state.totals ?? '',
    },
  };
}

/** One trace event, as much of it as this file reads. */
interface TraceEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: string;
  readonly ts: number;
  readonly dur?: number;
  /** Thread (CPU) duration, µs. */
  readonly tdur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly args?: { readonly name?: string };
}

/** What one tick cost the renderer's main thread. */
export interface TickCost {
  /** Wall time the thread was busy with top-level tasks, from the tick to 500 ms after it. */
  readonly wallMs: number;
  /** Thread CPU time of the same tasks (what a busy machine does not inflate by descheduling). */
  readonly cpuMs: number;
}

/**
 * Main-thread cost per tick from a trace: for each tick mark, the top-level tasks of that thread
 * from the one holding the mark to 500 ms after it, summed (wall time clipped to the window, and
 * the tasks' thread CPU time); plus the same over the following half-second, the idle baseline.
 */
export function tickCosts(events: ReadonlyArray<TraceEvent>): { ticks: TickCost[]; idle: TickCost[] } {
  const marks = events.filter((event) => event.name === tickMark && event.cat.includes('blink.user_timing')).sort((a, b) => a.ts - b.ts);
  const first = marks[0];
  if (first === undefined) return { ticks: [], idle: [] };
  const tasks = events.filter(
    (event) => event.pid === first.pid && event.tid === first.tid && event.ph === 'X' && (event.name === 'RunTask' || event.name === 'ThreadControllerImpl::RunTask') && event.dur !== undefined,
  );
  // Both names can wrap the same task; keep the outermost of nested ones.
  tasks.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const topLevel: TraceEvent[] = [];
  let end = -1;
  for (const task of tasks) {
    if (task.ts >= end) {
      topLevel.push(task);
      end = task.ts + (task.dur ?? 0);
    }
  }
  const busy = (from: number, to: number): TickCost => {
    let wall = 0;
    let cpu = 0;
    for (const task of topLevel) {
      const start = Math.max(from, task.ts);
      const stop = Math.min(to, task.ts + (task.dur ?? 0));
      if (stop <= start) continue;
      wall += stop - start;
      // A task's CPU time, in the share of it that falls in the window.
      cpu += (task.tdur ?? task.dur ?? 0) * ((stop - start) / Math.max(1, task.dur ?? 1));
    }
    return { wallMs: wall / 1000, cpuMs: cpu / 1000 };
  };
  const windowUs = tickWindowMs * 1000;
  const ticks: TickCost[] = [];
  const idle: TickCost[] = [];
  for (const mark of marks) {
    // The task holding the mark started just before it: count from that task's start.
    const holder = topLevel.find((task) => task.ts <= mark.ts && task.ts + (task.dur ?? 0) >= mark.ts);
    ticks.push(busy(holder?.ts ?? mark.ts, mark.ts + windowUs));
    idle.push(busy(mark.ts + windowUs, mark.ts + 2 * windowUs));
  }
  return { ticks, idle };
}

function quantiles(samples: ReadonlyArray<number>): { median: number; p95: number } {
  const sorted = [...samples].filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { median: at(0.5), p95: at(0.95) };
}

function line(name: string, samples: ReadonlyArray<number>, budgetMs?: number): string {
  const { median, p95 } = quantiles(samples);
  const budget = budgetMs === undefined ? '' : `   budget ${String(budgetMs)} ms${p95 <= budgetMs ? '' : '  (OVER at p95)'}`;
  return `${name.padEnd(44)} n=${String(samples.length).padStart(3)}  median ${median.toFixed(1).padStart(7)} ms  p95 ${p95.toFixed(1).padStart(7)} ms${budget}`;
}

/** The newest modification time under `dir` (recursively), in ms. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the app when the renderer bundle is missing or older than its sources (a stale bundle measures old code). */
function ensureFreshRenderer(): void {
  const index = path.join(builtRendererDir, 'index.html');
  const sources = Math.max(newestMtime(path.join(repoRoot, 'renderer')), statSync(path.join(repoRoot, 'preload/contract.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  process.stderr.write('bench: out/renderer is missing or older than renderer/, running `npm run build` first\n');
  execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: ['ignore', process.stderr, process.stderr] });
}

/** Runs the dashboard benchmark and prints its figures; skips (saying why) without Chromium. */
export async function runDashboardBenchmark(): Promise<void> {
  const count = Number(process.env.BENCH_DASHBOARD_COUNT ?? defaultCount);
  const launchOptions = playwrightConfig.use?.launchOptions ?? {};
  const executablePath = launchOptions.executablePath ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.log(`dashboard: skipped, no Chromium at ${executablePath} (Debian package chromium, or set CERTDESK_CHROMIUM)`);
    return;
  }
  ensureFreshRenderer();
  const server = await startRendererServer();
  const browser = await chromium.launch({ ...launchOptions, executablePath, headless: true });
  try {
    const script = stubInitScript(count, Date.now());
    const url = `${server.origin}/index.html#/`;
    const samples: LoadSample[] = [];
    for (let run = 0; run <= loadRuns; run += 1) {
      const { page, sample } = await loadDashboard(browser, url, script);
      // Run 0 warms the OS file cache and Chromium's code cache; it is not counted.
      if (run > 0) samples.push(sample);
      await page.context().close();
    }

    // (b): a fresh page, settled, then a trace over ~10 ticks.
    const { page, session } = await loadDashboard(browser, url, script);
    await page.waitForTimeout(2000);
    // First without tracing (tracing instruments every task and inflates it): the renderer's
    // main-thread CPU over ~10 ticks, everything included.
    const untracedStart = await metrics(session);
    await page.waitForTimeout(traceTicks * 1000);
    const untracedEnd = await metrics(session);
    const untracedSeconds = (untracedEnd.get('Timestamp') ?? 0) - (untracedStart.get('Timestamp') ?? 0) || traceTicks;
    const untracedPerSecond = (((untracedEnd.get('TaskDuration') ?? 0) - (untracedStart.get('TaskDuration') ?? 0)) * 1000) / untracedSeconds;
    const before = await metrics(session);
    await browser.startTracing(page, { categories: ['toplevel', 'blink.user_timing', 'devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    await page.waitForTimeout((traceTicks + 0.5) * 1000);
    const trace = await browser.stopTracing();
    const after = await metrics(session);
    const { traceEvents } = JSON.parse(trace.toString('utf8')) as { traceEvents: ReadonlyArray<TraceEvent> };
    const { ticks, idle } = tickCosts(traceEvents);
    const secondsTraced = ((after.get('Timestamp') ?? 0) - (before.get('Timestamp') ?? 0)) || traceTicks + 0.5;
    const taskDelta = ((after.get('TaskDuration') ?? 0) - (before.get('TaskDuration') ?? 0)) * 1000;
    const rowsMounted = await page.evaluate(() => (globalThis as unknown as { document: { querySelectorAll: (s: string) => { length: number } } }).document.querySelectorAll('[data-cert-id]').length);
    await page.context().close();

    const loaded = samples[0];
    console.log(`dashboard in Chromium, ${count.toLocaleString('en')} certificates (${loaded?.totals ?? '?'}; ${String(loaded?.rowCount ?? 0)} rows in the DOM at first paint, ${String(rowsMounted)} later)`);
    // Wall times stretch on a busy machine; CPU times much less. Say how busy it was.
    console.log(`  load average ${(os.loadavg()[0] ?? 0).toFixed(1)} on ${String(os.cpus().length)} cores`);
    // From navigation includes the page's own start and this harness parsing its multi-megabyte
    // fixture before the app runs; from the list request is the app rendering the 5,000 it was given.
    console.log(line('list requested → first rows painted', samples.map((s) => s.listedToPaintedMs), budgets.firstRowsMs));
    console.log(line('navigation → first rows painted', samples.map((s) => s.paintedMs), budgets.firstRowsMs));
    console.log(line('navigation → first rows in the DOM', samples.map((s) => s.rowsInDomMs)));
    console.log(line('main-thread CPU to first rows (CDP)', samples.map((s) => s.taskMs), budgets.firstRowsMs));
    console.log(line('  of which script (CDP ScriptDuration)', samples.map((s) => s.scriptMs)));
    console.log(line('  of which style + layout (CDP)', samples.map((s) => s.layoutMs)));
    console.log(line('long tasks (> 50 ms) before first rows, total', samples.map((s) => s.longTaskMs)));
    console.log(line('countdown tick: main-thread CPU time (trace)', ticks.map((tick) => tick.cpuMs), budgets.tickMs));
    console.log(line('countdown tick: main-thread busy wall time', ticks.map((tick) => tick.wallMs)));
    console.log(line('  idle half-second after each tick (CPU)', idle.map((tick) => tick.cpuMs)));
    const perSecond = taskDelta / secondsTraced;
    console.log(`${'countdown tick: main-thread CPU per second'.padEnd(44)} ${untracedPerSecond.toFixed(2)} ms/s untraced, ${perSecond.toFixed(2)} ms/s traced (CDP TaskDuration, everything included)   budget ${String(budgets.tickMs)} ms`);
  } finally {
    await browser.close();
    await server.stop();
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runDashboardBenchmark();
}
