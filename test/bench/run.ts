/**
 * `npm run bench`: measures and prints; asserts nothing. Figures: settings read and write through
 * the core on real files, the CLI's cold start as a fresh process (what cron pays per run), a
 * scheduler check over 10–500 certificates (renewal.ts), the ACME comparison against Pebble
 * (acme.ts), then the dashboard with 5,000 certificates in Chromium (dashboard.ts). Builds the CLI
 * first if it is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openConfigStore, settingsStoreFromConf } from '../../main/core/config-store.ts';
import { createLineLogger } from '../../main/core/logger.ts';
import { CertDeskService } from '../../main/core/service.ts';
import { createAppInfo } from '../../main/core/version.ts';
import { ensureBuiltCli, runAcmeBenchmark } from './acme.ts';
import { runDashboardBenchmark } from './dashboard.ts';
import { runRenewalBenchmark } from './renewal.ts';

/** Runs `fn` `iterations` times after a warm-up and reports the median and p95 per call. */
function measure(name: string, iterations: number, fn: (i: number) => void): void {
  for (let i = 0; i < Math.min(10, iterations); i += 1) fn(i);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const start = performance.now();
    fn(i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN;
  console.log(`${name.padEnd(36)} n=${String(iterations).padStart(5)}  median ${at(0.5).toFixed(3)} ms  p95 ${at(0.95).toFixed(3)} ms`);
}

ensureBuiltCli();
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-bench-'));
try {
  const service = new CertDeskService({
    info: createAppInfo({ dataDir, runtime: 'node', versions: { node: process.versions.node } }),
    settings: settingsStoreFromConf(openConfigStore(dataDir)),
    logger: createLineLogger(() => undefined, { json: false }),
  });
  const themes = ['light', 'dark', 'system'] as const;
  measure('settings:update (atomic write)', 500, (i) => service.updateSettings({ theme: themes[i % 3] }));
  measure('settings:get (read + validate)', 2000, () => service.getSettings());
  service.close();

  const cli = path.resolve(import.meta.dirname, '../../out/main/cli.js');
  if (existsSync(cli)) {
    measure('certdesk --version (fresh process)', 20, () => execFileSync(process.execPath, [cli, '--version']));
    measure('certdesk info (fresh process)', 20, () => execFileSync(process.execPath, [cli, '--data-dir', dataDir, 'info']));
  } else {
    console.log('certdesk CLI: not built, run `npm run build` to measure its cold start');
  }
  const memory = process.memoryUsage();
  console.log(`memory after runs: rss ${(memory.rss / 2 ** 20).toFixed(1)} MiB, heap used ${(memory.heapUsed / 2 ** 20).toFixed(1)} MiB`);
} finally {
  await rm(dataDir, { recursive: true, force: true });
}

await runRenewalBenchmark();
await runAcmeBenchmark();
await runDashboardBenchmark();
