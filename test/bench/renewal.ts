/**
 * What one scheduler check costs as the number of certificates grows: `dueTimes()` (read every
 * live version, renewal state and journal, decide) and `listCertificates()` (what `cert list` and
 * the dashboard read), over real files in a temp data dir. Prints figures; asserts nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CertificateService } from '../../main/core/certificates.ts';
import { openConfigStore } from '../../main/core/config-store.ts';
import { createLineLogger } from '../../main/core/logger.ts';
import { dataPaths } from '../../main/core/paths.ts';
import { FileSecretBox } from '../../main/core/secrets/file-secret-box.ts';
import { pemSetFrom, Vault } from '../../main/core/vault/vault.ts';
import { createTestCa } from '../support/test-ca.ts';

/** Certificate counts measured: a small install, a busy one, a large fleet. */
const sizes = [10, 100, 500] as const;

async function timed(runs: number, fn: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN;
  return { median: at(0.5), p95: at(0.95) };
}

/** Measures a scheduler check over `sizes` certificates, each with a stored live version. */
export async function runRenewalBenchmark(): Promise<void> {
  const ca = await createTestCa({ hosts: ['bench.certdesk.test'] });
  const set = pemSetFrom(`${ca.leafCertPem}${ca.caCertPem}`, ca.leafKeyPem);
  for (const size of sizes) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-bench-renewal-'));
    try {
      const paths = dataPaths(dataDir);
      const conf = openConfigStore(dataDir);
      conf.set('accounts', { bench: { directoryUrl: 'https://acme.invalid/directory', termsOfServiceAgreed: true, createdAt: new Date().toISOString() } });
      const certificates: Record<string, unknown> = {};
      const vault = new Vault(paths);
      for (let i = 0; i < size; i += 1) {
        const id = `cert-${i}`;
        certificates[id] = { domains: ['bench.certdesk.test'], ca: 'bench', challenge: { type: 'http-01', mode: 'standalone', address: '::', port: 80 }, keyType: 'ec-p256', createdAt: new Date().toISOString() };
        await vault.store(id, set);
      }
      conf.set('certificates', certificates);
      const service = new CertificateService({ paths, conf, secrets: new FileSecretBox(paths.secretsDir), logger: createLineLogger(() => undefined, { json: false }) });
      const runs = size >= 500 ? 10 : 30;
      const due = await timed(runs, () => service.dueTimes());
      const list = await timed(runs, () => service.listCertificates());
      console.log(`scheduler check (dueTimes), ${String(size).padStart(3)} certs   median ${due.median.toFixed(1)} ms  p95 ${due.p95.toFixed(1)} ms`);
      console.log(`cert list (listCertificates), ${String(size).padStart(3)} certs median ${list.median.toFixed(1)} ms  p95 ${list.p95.toFixed(1)} ms`);
      await service.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
}
