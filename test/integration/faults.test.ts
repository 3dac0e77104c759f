import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CertificateService } from '../../main/core/certificates.ts';
import { openConfigStore } from '../../main/core/config-store.ts';
import { createLineLogger } from '../../main/core/logger.ts';
import { dataPaths } from '../../main/core/paths.ts';
import { FileSecretBox } from '../../main/core/secrets/file-secret-box.ts';
import {
  rateLimited,
  serviceUnavailable,
  startAcmeFaultProxy,
  type AcmeFaultProxy,
} from '../support/acme-fault-proxy.ts';
import { certdesk, requireBuiltCli, type ProcessResult } from '../support/cli.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { freePort, isPortFree } from '../support/ports.ts';
import { createTestCa, type TestCa } from '../support/test-ca.ts';

/**
 * What real CAs do to clients, injected between the real `certdesk` CLI and Pebble by the fault
 * proxy (issue #3 item 10, DESIGN.md "The order state machine"). Every scenario must end with a
 * stored valid certificate for the right names, exactly one order created at the CA and at most one
 * finalize reaching it, the challenge proofs withdrawn and no attempt state (`order.json`,
 * `pending/`) left behind. Counts come from the proxy, which sees every request.
 */

const FINALIZE = /^\/finalize-order\//;
const NEW_ORDER = /^\/order-plz$/;
const ORDER = /^\/my-order\//;
const CERTIFICATE = /^\/certZ\//;

let ca: TestCa;
let pebble: Pebble;
let proxy: AcmeFaultProxy;
let httpPort: number;
let dataDir: string;

interface LogEntry {
  readonly event: string;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

interface Summary {
  readonly status: string;
  readonly domains: ReadonlyArray<string>;
  readonly serial?: string;
  readonly version?: number;
  readonly nextAttemptAt?: string;
  readonly lastProblem?: { readonly type: string };
}

const cli = (...args: string[]): Promise<ProcessResult> => certdesk(['--data-dir', dataDir, ...args]);

async function orderLog(id: string): Promise<LogEntry[]> {
  const file = path.join(dataDir, 'certs', id, 'log.jsonl');
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as LogEntry);
}

/** The run's output and the certificate's order log, for failure messages. */
async function explain(id: string, result?: ProcessResult): Promise<string> {
  const log = (await orderLog(id)).map((entry) => `  ${entry.event.padEnd(20)} ${entry.message}`).join('\n');
  const run = result === undefined ? '' : `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}\n`;
  const requests = proxy.requests().map((r) => `  ${r.method} ${r.path} ${r.fault ?? ''} upstream=${r.upstreamStatus ?? '-'} client=${r.clientStatus ?? 'dropped'}`).join('\n');
  return `${run}order log:\n${log}\nproxy:\n${requests}`;
}

/** Registers an account through the proxy, defines `id` for `domains`, and forgets those requests. */
async function define(id: string, domains: ReadonlyArray<string>): Promise<void> {
  const added = await cli('ca', 'add', 'pebble', '--directory', proxy.directoryUrl, '--ca-file', pebble.caCertPath, '--agree-tos');
  expect(added.code, added.stderr).toBe(0);
  const cert = await cli('cert', 'add', id, ...domains.flatMap((d) => ['--domain', d]), '--ca', 'pebble', '--http-port', String(httpPort), '--http-address', '127.0.0.1');
  expect(cert.code, cert.stderr).toBe(0);
  proxy.reset();
}

async function show(id: string): Promise<Summary> {
  const result = await cli('--json', 'cert', 'show', id);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Summary;
}

/** New orders and finalizes as the CA saw them, and finalizes the client sent. */
function counts(): { ordersAtCa: number; finalizesSent: number; finalizesAtCa: number } {
  return {
    ordersAtCa: proxy.count({ method: 'POST', path: NEW_ORDER, reachedUpstream: true }),
    finalizesSent: proxy.count({ method: 'POST', path: FINALIZE }),
    finalizesAtCa: proxy.count({ method: 'POST', path: FINALIZE, reachedUpstream: true }),
  };
}

/**
 * The end state every scenario must reach: a live valid certificate whose SANs are `domains`, every
 * presented proof cleaned up, the HTTP-01 server gone, no journal and no pending key.
 */
async function expectObtained(id: string, domains: ReadonlyArray<string>, result: ProcessResult): Promise<void> {
  const why = await explain(id, result);
  expect(result.code, why).toBe(0);
  const summary = await show(id);
  expect(summary.status, why).toBe('valid');
  expect([...summary.domains].sort()).toEqual([...domains].sort());
  const pem = await readFile(path.join(dataDir, 'certs', id, 'versions', '1', 'cert.pem'), 'utf8');
  const sans = (new X509Certificate(pem).subjectAltName ?? '').split(', ').map((entry) => entry.replace(/^DNS:/, ''));
  expect(sans.sort()).toEqual([...domains].sort());
  await expectNoLeftovers(id);
}

async function expectNoLeftovers(id: string): Promise<void> {
  const log = await orderLog(id);
  const presented = log.filter((e) => e.event === 'challenge_presented').map((e) => e.data?.domain);
  const cleaned = log.filter((e) => e.event === 'challenge_cleaned').map((e) => e.data?.domain);
  expect(presented.length, await explain(id)).toBeGreaterThan(0);
  expect(new Set(cleaned)).toEqual(new Set(presented));
  expect(await isPortFree(httpPort)).toBe(true);
  expect(existsSync(path.join(dataDir, 'certs', id, 'pending'))).toBe(false);
  expect(existsSync(path.join(dataDir, 'certs', id, 'order.json'))).toBe(false);
}

/** The ACME requests of the order log, as `METHOD /path status [problem]`. */
function exchanges(log: ReadonlyArray<LogEntry>): string[] {
  return log.filter((e) => e.event === 'acme_request').map((e) => e.message);
}

beforeAll(async () => {
  requireBuiltCli();
  ca = await createTestCa();
  httpPort = await freePort();
  pebble = await startPebble({ ca, httpPort });
  proxy = await startAcmeFaultProxy({ upstream: pebble.directoryUrl, ca });
});

afterAll(async () => {
  await proxy.stop();
  await pebble.stop();
});

beforeEach(async () => {
  proxy.reset();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-faults-'));
  return () => rm(dataDir, { recursive: true, force: true });
});

describe('cert renew through the CLI survives', () => {
  it('a lost finalize response: re-reads the order, sees it processing or valid, downloads, never finalizes twice', async () => {
    const domains = ['www.certdesk.test', 'api.certdesk.test'];
    await define('lost', domains);
    const fault = proxy.inject({ method: 'POST', path: FINALIZE }, { kind: 'dropResponse' });

    const result = await cli('cert', 'renew', 'lost');

    await expectObtained('lost', domains, result);
    expect(fault.hits).toBe(1);
    expect(counts(), await explain('lost', result)).toEqual({ ordersAtCa: 1, finalizesSent: 1, finalizesAtCa: 1 });
    const log = await orderLog('lost');
    expect(log.some((e) => e.event === 'finalize_failed')).toBe(true);
    expect(exchanges(log).join('\n')).not.toContain('orderNotReady');
  });

  it('a connection dropped before finalize reached the CA: re-reads, sees ready, finalizes again (2 sent, 1 reached Pebble)', async () => {
    await define('dropped', ['www.certdesk.test']);
    proxy.inject({ method: 'POST', path: FINALIZE }, { kind: 'dropBeforeForward' });

    const result = await cli('cert', 'renew', 'dropped');

    await expectObtained('dropped', ['www.certdesk.test'], result);
    expect(counts(), await explain('dropped', result)).toEqual({ ordersAtCa: 1, finalizesSent: 2, finalizesAtCa: 1 });
    // Between the failed finalize and the second one, the order was read and found `ready`.
    const requests = proxy.requests();
    const finalizes = requests.filter((r) => FINALIZE.test(r.path));
    const [first, second] = finalizes;
    expect(first?.reachedUpstream).toBe(false);
    const between = requests.filter((r) => r.seq > (first?.seq ?? 0) && r.seq < (second?.seq ?? 0));
    expect(between.some((r) => r.method === 'POST' && ORDER.test(r.path) && r.clientStatus === 200)).toBe(true);
    const log = await orderLog('dropped');
    const failedAt = log.findIndex((e) => e.event === 'finalize_failed');
    const secondSent = log.findIndex((e, i) => i > failedAt && e.event === 'finalize_sent');
    expect(failedAt).toBeGreaterThan(-1);
    expect(secondSent).toBeGreaterThan(failedAt);
    expect(exchanges(log.slice(failedAt, secondSent)).some((line) => /^POST \/my-order\/\S+ → 200$/.test(line))).toBe(true);
    expect(exchanges(log).join('\n')).not.toContain('orderNotReady');
  });

  it('a 500 on finalize after the CA processed it: re-reads instead of re-sending', async () => {
    await define('finalize500', ['www.certdesk.test']);
    proxy.inject({ method: 'POST', path: FINALIZE }, { kind: 'status', status: 500, afterForward: true, problem: { type: 'urn:ietf:params:acme:error:serverInternal', detail: 'injected' } });

    const result = await cli('cert', 'renew', 'finalize500');

    await expectObtained('finalize500', ['www.certdesk.test'], result);
    expect(counts(), await explain('finalize500', result)).toEqual({ ordersAtCa: 1, finalizesSent: 1, finalizesAtCa: 1 });
  });

  it('429 rateLimited with a short Retry-After on new-order: waits inline and succeeds', async () => {
    await define('short429', ['www.certdesk.test']);
    const fault = proxy.inject({ method: 'POST', path: NEW_ORDER }, rateLimited(2));

    const result = await cli('cert', 'renew', 'short429');

    await expectObtained('short429', ['www.certdesk.test'], result);
    expect(fault.hits).toBe(1);
    expect(counts()).toEqual({ ordersAtCa: 1, finalizesSent: 1, finalizesAtCa: 1 });
    expect(proxy.count({ method: 'POST', path: NEW_ORDER })).toBe(2);
    const log = await orderLog('short429');
    expect(log.some((e) => e.event === 'rate_limited'), await explain('short429', result)).toBe(true);
  });

  it('429 rateLimited with a long Retry-After: exit 1, a clear message, the next allowed time recorded and honoured', async () => {
    await define('long429', ['www.certdesk.test']);
    proxy.inject({ method: 'POST', path: NEW_ORDER }, rateLimited(3600));
    const before = Date.now();

    const first = await cli('cert', 'renew', 'long429');
    const after = Date.now();

    const why = await explain('long429', first);
    expect(first.code, why).toBe(1);
    expect(`${first.stdout}${first.stderr}`, why).toMatch(/rate limit|try again/i);
    const summary = await show('long429');
    expect(summary.nextAttemptAt, why).toBeDefined();
    const retryAt = new Date(summary.nextAttemptAt ?? '').getTime();
    expect(retryAt).toBeGreaterThanOrEqual(before + 3_600_000 - 2_000);
    expect(retryAt).toBeLessThanOrEqual(after + 3_600_000 + 2_000);
    expect(counts().ordersAtCa).toBe(0);
    // The admin who ran this needs the time too, not only `cert show`: soft, so the rest still runs.
    expect.soft(`${first.stdout}${first.stderr}`, 'the first run should say when the next attempt is allowed').toContain(new Date(retryAt).toISOString().slice(0, 16));

    proxy.reset();
    const second = await cli('cert', 'renew', 'long429');
    expect(second.code, await explain('long429', second)).toBe(1);
    expect(proxy.count({ method: 'POST', path: NEW_ORDER }), await explain('long429', second)).toBe(0);
    expect(`${second.stdout}${second.stderr}`).toContain(new Date(retryAt).toISOString().slice(0, 16));
  });

  it('intermittent 503s on GET /dir, HEAD /nonce-plz and POST-as-GET of the order (with and without a problem document)', async () => {
    await define('flaky', ['www.certdesk.test']);
    const dir = proxy.inject({ method: 'GET', path: /^\/dir$/ }, serviceUnavailable({ problem: false }));
    const nonce = proxy.inject({ method: 'HEAD', path: /^\/nonce-plz$/ }, serviceUnavailable({ problem: true }));
    const order = proxy.inject({ method: 'POST', path: ORDER, nth: [1, 3] }, serviceUnavailable({ problem: false }));
    const orderWithProblem = proxy.inject({ method: 'POST', path: ORDER, nth: 4 }, serviceUnavailable({ problem: true }));

    const result = await cli('cert', 'renew', 'flaky');

    await expectObtained('flaky', ['www.certdesk.test'], result);
    const why = await explain('flaky', result);
    expect([dir.hits, nonce.hits, order.hits, orderWithProblem.hits], why).toEqual([1, 1, 2, 1]);
    expect(counts()).toEqual({ ordersAtCa: 1, finalizesSent: 1, finalizesAtCa: 1 });
  });

  it('a 500 on the certificate download (first time only)', async () => {
    await define('download500', ['www.certdesk.test']);
    const fault = proxy.inject({ method: 'POST', path: CERTIFICATE }, { kind: 'status', status: 500, body: 'Internal Server Error' });

    const result = await cli('cert', 'renew', 'download500');

    await expectObtained('download500', ['www.certdesk.test'], result);
    expect(fault.hits).toBe(1);
    expect(counts()).toEqual({ ordersAtCa: 1, finalizesSent: 1, finalizesAtCa: 1 });
    expect(proxy.count({ method: 'POST', path: CERTIFICATE, reachedUpstream: true })).toBe(1);
  });

  it('a 503 on new-order during a renewal: the run ends, the next one obtains a new certificate for its new key', async () => {
    await define('renew503', ['www.certdesk.test']);
    const obtained = await cli('cert', 'renew', 'renew503');
    expect(obtained.code, await explain('renew503', obtained)).toBe(0);
    const firstSerial = (await show('renew503')).serial;
    expect(firstSerial).toBeDefined();
    proxy.reset();
    // Without Retry-After, so nothing but the engine itself stands between the two runs.
    proxy.inject({ method: 'POST', path: NEW_ORDER }, serviceUnavailable({ problem: false }));

    const failed = await cli('cert', 'renew', 'renew503', '--force');
    expect(failed.code, await explain('renew503', failed)).toBe(1);
    const result = await cli('cert', 'renew', 'renew503', '--force');

    const why = await explain('renew503', result);
    expect(result.code, why).toBe(0);
    const summary = await show('renew503');
    expect(summary, why).toMatchObject({ status: 'valid', version: 2 });
    expect(summary.serial).not.toBe(firstSerial);
    expect(counts(), why).toEqual({ ordersAtCa: 1, finalizesSent: 1, finalizesAtCa: 1 });
  });

  it('badNonce six times in a row on new-order (one more than acme-client retries by itself)', async () => {
    await define('nonces', ['www.certdesk.test']);
    const fault = proxy.inject(
      { method: 'POST', path: NEW_ORDER, nth: [1, 2, 3, 4, 5, 6] },
      { kind: 'status', status: 400, problem: { type: 'urn:ietf:params:acme:error:badNonce', detail: 'JWS has an invalid anti-replay nonce' } },
    );

    const result = await cli('cert', 'renew', 'nonces');

    await expectObtained('nonces', ['www.certdesk.test'], result);
    expect(fault.hits).toBe(6);
    expect(counts()).toEqual({ ordersAtCa: 1, finalizesSent: 1, finalizesAtCa: 1 });
  });
});

describe('CertificateService in-process', () => {
  it('withdraws the HTTP-01 server in the same process after a lost finalize response', async () => {
    await define('inproc', ['www.certdesk.test']);
    proxy.inject({ method: 'POST', path: FINALIZE }, { kind: 'dropResponse' });
    const paths = dataPaths(dataDir);
    const service = new CertificateService({
      paths,
      conf: openConfigStore(dataDir),
      secrets: new FileSecretBox(paths.secretsDir),
      logger: createLineLogger(() => undefined, { json: true, quiet: true }),
      limits: { pollIntervalMs: 50 },
      transport: { retryBaseMs: 50 },
    });

    const result = await service.renew('inproc');

    expect(result).toMatchObject({ renewed: true, ordersCreated: 1, finalizeCount: 1 });
    // This process stays alive, so only the engine's own cleanup can have freed the port.
    expect(await isPortFree(httpPort)).toBe(true);
    await expectNoLeftovers('inproc');
    expect(counts()).toEqual({ ordersAtCa: 1, finalizesSent: 1, finalizesAtCa: 1 });
  });
});

describe("Pebble's own nonce rejection (PEBBLE_WFE_NONCEREJECT=50, no proxy)", () => {
  let rejecting: Pebble;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    rejecting = await startPebble({ ca, httpPort: port, env: { PEBBLE_WFE_NONCEREJECT: '50' } });
  });

  afterAll(async () => {
    await rejecting.stop();
  });

  it('obtains two certificates although half the nonces are refused', async () => {
    const added = await cli('ca', 'add', 'rejecting', '--directory', rejecting.directoryUrl, '--ca-file', rejecting.caCertPath, '--agree-tos');
    expect(added.code, added.stderr).toBe(0);
    for (const id of ['one', 'two']) {
      const cert = await cli('cert', 'add', id, '--domain', `${id}.certdesk.test`, '--ca', 'rejecting', '--http-port', String(port), '--http-address', '127.0.0.1');
      expect(cert.code, cert.stderr).toBe(0);
    }

    const result = await cli('cert', 'renew', '--all', '--concurrency', '1');

    expect(result.code, `${result.stdout}${result.stderr}\n${await explain('one')}\n${await explain('two')}`).toBe(0);
    let rejected = 0;
    for (const id of ['one', 'two']) {
      expect((await show(id)).status).toBe('valid');
      const log = exchanges(await orderLog(id));
      expect(log.filter((line) => /^POST \/order-plz → 201/.test(line))).toHaveLength(1);
      expect(log.filter((line) => /^POST \/finalize-order\/\S+ → 200/.test(line))).toHaveLength(1);
      rejected += log.filter((line) => line.includes('badNonce')).length;
    }
    // The fault really happened (all ~16 signed requests accepted first time: odds 1 in 65 000).
    expect(rejected).toBeGreaterThan(0);
  });
});
