import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startAcmeFaultProxy,
  startHttp01Relay,
  type AcmeFaultProxy,
  type Http01Relay,
} from '../support/acme-fault-proxy.ts';
import { builtCli, certdesk, requireBuiltCli, type ProcessResult } from '../support/cli.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { freePorts, isPortFree } from '../support/ports.ts';
import { spawnManaged, type ManagedProcess } from '../support/processes.ts';
import { createTestCa, type TestCa } from '../support/test-ca.ts';

/**
 * `kill -9` of `certdesk cert renew` at each step of an order, then a second run (issue #3 items 2
 * and 10, DESIGN.md rule 3 "Resume before re-ordering"). The step is pinned by the fault proxy: the
 * request that marks it is held (forwarded to Pebble, its answer kept back) or delayed (not
 * forwarded if the client dies first) while the process is killed, so each crash happens at exactly
 * the intended point. The second run must end with a valid certificate, no extra order at the CA
 * (it resumes: `order_resumed`), at most one finalize reaching Pebble, and nothing left behind.
 *
 * Pebble validates HTTP-01 through a relay to the CLI's own server, so a test can wait until the CA
 * has fetched the proof before killing the process that serves it.
 */

const FINALIZE = /^\/finalize-order\//;
const NEW_ORDER = /^\/order-plz$/;
const ORDER = /^\/my-order\//;
const CHALLENGE = /^\/chalZ\//;
const CERTIFICATE = /^\/certZ\//;
const DOMAINS = ['www.certdesk.test', 'api.certdesk.test'] as const;

/** Bound on waiting for a step of the killed run; the whole order takes well under a second. */
const STEP_TIMEOUT_MS = 20_000;

/**
 * Pebble 2.4 fetches each HTTP-01 proof three times (it simulates validation from several network
 * perspectives, as Let's Encrypt does) and validates the authorization only if all three succeed.
 */
const PEBBLE_FETCHES_PER_PROOF = 3;

/** Long enough that a delayed request is still waiting when the test kills the client. */
const PARK_MS = 30_000;

let ca: TestCa;
let pebble: Pebble;
let proxy: AcmeFaultProxy;
let relay: Http01Relay;
/** Where the CLI's HTTP-01 server listens; Pebble validates on the relay in front of it. */
let solverPort: number;
let dataDir: string;

interface LogEntry {
  readonly event: string;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

interface Journal {
  readonly orderUrl?: string;
  readonly finalizeCount: number;
  readonly ordersCreated: number;
  readonly presented: ReadonlyArray<unknown>;
}

const ID = 'www';
const cli = (...args: string[]): Promise<ProcessResult> => certdesk(['--data-dir', dataDir, ...args]);

async function orderLog(): Promise<LogEntry[]> {
  const file = path.join(dataDir, 'certs', ID, 'log.jsonl');
  if (!existsSync(file)) return [];
  const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
  // A line torn by the kill is not an entry.
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as LogEntry];
    } catch {
      return [];
    }
  });
}

async function journal(): Promise<Journal | undefined> {
  const file = path.join(dataDir, 'certs', ID, 'order.json');
  return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as Journal) : undefined;
}

async function explain(result?: ProcessResult): Promise<string> {
  const log = (await orderLog()).map((entry) => `  ${entry.event.padEnd(20)} ${entry.message}`).join('\n');
  const run = result === undefined ? '' : `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}\n`;
  const requests = proxy.requests().map((r) => `  ${r.method} ${r.path} ${r.fault ?? ''} upstream=${r.upstreamStatus ?? '-'} client=${r.clientStatus ?? 'none'}`).join('\n');
  const validations = relay.requests().map((r) => `  ${r.path} → ${r.status} (${r.userAgent ?? ''})`).join('\n');
  return `${run}order log:\n${log}\nproxy:\n${requests}\nHTTP-01 validations:\n${validations}`;
}

/** Starts `cert renew` as its own process, to be killed. */
function startRenew(): ManagedProcess {
  return spawnManaged(process.execPath, [builtCli, '--data-dir', dataDir, 'cert', 'renew', ID], { name: 'certdesk cert renew' });
}

/** Resolves once `condition` holds; fails if the process exits first or the step never comes. */
async function until(what: string, renew: ManagedProcess, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (!(await condition())) {
    if (renew.exitInfo() !== undefined) throw new Error(`certdesk exited before ${what}\n${renew.output()}\n${await explain()}`);
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}\n${renew.output()}\n${await explain()}`);
    await sleep(10);
  }
}

/** Races a promise against the process exiting, so a wait never outlives a run that ended early. */
async function whileRunning<T>(what: string, renew: ManagedProcess, promise: Promise<T>): Promise<T> {
  const outcome = await Promise.race([promise.then((value) => ({ value })), renew.exited.then(() => 'exited' as const)]);
  if (outcome === 'exited') throw new Error(`certdesk exited before ${what}\n${renew.output()}\n${await explain()}`);
  return outcome.value;
}

const logged = (event: string) => async (): Promise<boolean> => (await orderLog()).some((entry) => entry.event === event);

async function kill(renew: ManagedProcess): Promise<void> {
  renew.child.kill('SIGKILL');
  const exit = await renew.exited;
  expect(exit.signal).toBe('SIGKILL');
}

/** The end state after the second run; returns the CA-side counts over both runs. */
async function expectRecovered(result: ProcessResult): Promise<{ ordersAtCa: number; finalizesAtCa: number }> {
  const why = await explain(result);
  expect(result.code, why).toBe(0);
  const shown = await cli('--json', 'cert', 'show', ID);
  const summary = JSON.parse(shown.stdout) as { status: string; domains: string[] };
  expect(summary.status, why).toBe('valid');
  expect([...summary.domains].sort()).toEqual([...DOMAINS].sort());
  const pem = await readFile(path.join(dataDir, 'certs', ID, 'versions', '1', 'cert.pem'), 'utf8');
  const sans = (new X509Certificate(pem).subjectAltName ?? '').split(', ').map((entry) => entry.replace(/^DNS:/, ''));
  expect(sans.sort()).toEqual([...DOMAINS].sort());

  // Proofs withdrawn (the crashed run's included), server gone, no attempt state left.
  const log = await orderLog();
  const presented = new Set(log.filter((e) => e.event === 'challenge_presented').map((e) => e.data?.domain));
  const cleaned = new Set(log.filter((e) => e.event === 'challenge_cleaned').map((e) => e.data?.domain));
  expect(cleaned, why).toEqual(presented);
  expect(await isPortFree(solverPort)).toBe(true);
  expect(existsSync(path.join(dataDir, 'certs', ID, 'pending'))).toBe(false);
  expect(existsSync(path.join(dataDir, 'certs', ID, 'order.json'))).toBe(false);

  const finalizesAtCa = proxy.count({ method: 'POST', path: FINALIZE, reachedUpstream: true });
  expect(finalizesAtCa, why).toBeLessThanOrEqual(1);
  return { ordersAtCa: proxy.count({ method: 'POST', path: NEW_ORDER, reachedUpstream: true }), finalizesAtCa };
}

async function expectResumed(result: ProcessResult): Promise<void> {
  const { ordersAtCa } = await expectRecovered(result);
  const why = await explain(result);
  expect(ordersAtCa, why).toBe(1);
  expect((await orderLog()).some((e) => e.event === 'order_resumed'), why).toBe(true);
}

beforeAll(async () => {
  requireBuiltCli();
  ca = await createTestCa();
  const [validationPort, cliPort] = await freePorts(2);
  if (validationPort === undefined || cliPort === undefined) throw new Error('Unable to pick ports for the HTTP-01 relay');
  solverPort = cliPort;
  pebble = await startPebble({ ca, httpPort: validationPort });
  relay = await startHttp01Relay(validationPort, solverPort);
  proxy = await startAcmeFaultProxy({ upstream: pebble.directoryUrl, ca });
});

afterAll(async () => {
  await proxy.stop();
  await relay.stop();
  await pebble.stop();
});

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-crash-'));
  const added = await cli('ca', 'add', 'pebble', '--directory', proxy.directoryUrl, '--ca-file', pebble.caCertPath, '--agree-tos');
  expect(added.code, added.stderr).toBe(0);
  const cert = await cli('cert', 'add', ID, ...DOMAINS.flatMap((d) => ['--domain', d]), '--ca', 'pebble', '--http-port', String(solverPort), '--http-address', '127.0.0.1');
  expect(cert.code, cert.stderr).toBe(0);
  proxy.reset();
  relay.reset();
  return () => rm(dataDir, { recursive: true, force: true });
});

describe('kill -9 during cert renew, then a second run', () => {
  it('right after order_created is logged (the order read after it parked): resumes the order', async () => {
    const parked = proxy.inject({ method: 'POST', path: ORDER }, { kind: 'delay', ms: PARK_MS });
    const renew = startRenew();
    await until('order_created', renew, logged('order_created'));
    await whileRunning('the first order read', renew, parked.fired());
    await kill(renew);
    expect((await journal())?.orderUrl).toMatch(/\/my-order\//);

    await expectResumedAfterRerun();
  });

  it('right after challenge_presented is logged (the answer never sent): re-presents the proof and answers', async () => {
    // Both domains' answers are parked: neither reaches the CA before the kill.
    const parked = proxy.inject({ method: 'POST', path: CHALLENGE, nth: 'every' }, { kind: 'delay', ms: PARK_MS });
    const renew = startRenew();
    await until('challenge_presented', renew, logged('challenge_presented'));
    await whileRunning('the challenge answer', renew, parked.fired());
    await kill(renew);
    parked.remove();
    expect((await journal())?.presented.length).toBeGreaterThan(0);
    expect(proxy.count({ method: 'POST', path: CHALLENGE, reachedUpstream: true })).toBe(0);

    await expectResumedAfterRerun();
  });

  it('while the challenge answer is in flight (the CA validated; its answer never arrived)', async () => {
    const held = proxy.inject({ method: 'POST', path: CHALLENGE, nth: 'every' }, { kind: 'hold' });
    const renew = startRenew();
    await whileRunning('the challenge answers', renew, held.fired(DOMAINS.length));
    // Kill only once the CA has fetched both proofs from this process, so the authorizations are
    // valid rather than failed by a vanished server.
    await whileRunning('the CA fetching the proofs', renew, relay.waitForAnswers(DOMAINS.length * PEBBLE_FETCHES_PER_PROOF));
    await kill(renew);
    held.release();
    held.remove();

    await expectResumedAfterRerun();
  });

  it('while the CA is still fetching the HTTP-01 proofs: the validation fails with the process, the next run orders anew', async () => {
    // A second window where an extra order cannot be avoided, specific to the built-in HTTP-01
    // server: the proof dies with the process, so the CA's fetch fails, the authorization and with
    // it the order become invalid (RFC 8555 §7.1.6), and only a new order can succeed. (A DNS-01
    // record or a webroot file outlives the process; the journal then lets the next run clean it up.)
    relay.pause();
    const held = proxy.inject({ method: 'POST', path: CHALLENGE, nth: 'every' }, { kind: 'hold' });
    const renew = startRenew();
    await whileRunning('the challenge answers', renew, held.fired(DOMAINS.length));
    await whileRunning('the CA starting to fetch the proofs', renew, relay.waitForArrivals(1));
    await kill(renew);
    relay.resume();
    held.release();
    held.remove();
    // Every fetch has failed before the next run starts, so it finds the order invalid.
    await relay.waitForAnswers(DOMAINS.length * PEBBLE_FETCHES_PER_PROOF, 502);

    const result = await cli('cert', 'renew', ID);
    const { ordersAtCa, finalizesAtCa } = await expectRecovered(result);
    const why = await explain(result);
    expect(ordersAtCa, why).toBe(2);
    expect(finalizesAtCa).toBe(1);
    expect((await orderLog()).some((e) => e.event === 'order_status' && e.data?.status === 'invalid'), why).toBe(true);
  });

  it('while the finalize response is in flight (Pebble finalized): resumes, downloads, no second finalize', async () => {
    const held = proxy.inject({ method: 'POST', path: FINALIZE }, { kind: 'hold' });
    const renew = startRenew();
    await whileRunning('finalize', renew, held.fired());
    await kill(renew);
    held.release();
    expect(await journal()).toMatchObject({ finalizeCount: 1 });

    const result = await cli('cert', 'renew', ID);
    await expectResumed(result);
    expect(proxy.count({ method: 'POST', path: FINALIZE }), await explain(result)).toBe(1);
  });

  it('while the certificate download is in flight: resumes and downloads again, no second finalize', async () => {
    const held = proxy.inject({ method: 'POST', path: CERTIFICATE }, { kind: 'hold' });
    const renew = startRenew();
    await whileRunning('the certificate download', renew, held.fired());
    await kill(renew);
    held.release();

    const result = await cli('cert', 'renew', ID);
    await expectResumed(result);
    expect(proxy.count({ method: 'POST', path: FINALIZE }), await explain(result)).toBe(1);
    expect(proxy.count({ method: 'POST', path: CERTIFICATE, reachedUpstream: true })).toBe(2);
  });

  it('while the new-order response is in flight (the CA created the order, the journal has no URL): recovers the orphan', async () => {
    // The order's URL reaches the client only in this response, which the killed run never reads.
    // The journal records that a new order was requested; the next run finds the orphan in the
    // account's orders list (RFC 8555 §7.1.2.1, which Pebble serves) instead of ordering again.
    const held = proxy.inject({ method: 'POST', path: NEW_ORDER }, { kind: 'hold' });
    const renew = startRenew();
    await whileRunning('the new order', renew, held.fired());
    await kill(renew);
    held.release();
    expect((await journal())?.orderUrl).toBeUndefined();

    const result = await cli('cert', 'renew', ID);
    await expectResumed(result);
    expect(proxy.count({ method: 'POST', path: FINALIZE }), await explain(result)).toBe(1);
  });

  it('on a renewal, while the new-order request never reached the CA: a new certificate for the new key, not the old order', async () => {
    const first = await cli('cert', 'renew', ID);
    expect(first.code, await explain(first)).toBe(0);
    const firstSerial = new X509Certificate(await readFile(path.join(dataDir, 'certs', ID, 'versions', '1', 'cert.pem'), 'utf8')).serialNumber;
    proxy.reset();

    // Parked, and dropped with the client: the CA never hears of this order. The account's orders
    // list holds only the previous, valid order for the same names.
    const parked = proxy.inject({ method: 'POST', path: NEW_ORDER }, { kind: 'delay', ms: PARK_MS });
    const renew = spawnManaged(process.execPath, [builtCli, '--data-dir', dataDir, 'cert', 'renew', ID, '--force'], { name: 'certdesk cert renew --force' });
    await whileRunning('the new order', renew, parked.fired());
    await kill(renew);
    expect(proxy.count({ method: 'POST', path: NEW_ORDER, reachedUpstream: true })).toBe(0);

    const result = await cli('cert', 'renew', ID, '--force');
    const why = await explain(result);
    expect(result.code, why).toBe(0);
    const version = path.join(dataDir, 'certs', ID, 'versions', '2');
    expect(existsSync(version), why).toBe(true);
    const leaf = new X509Certificate(await readFile(path.join(version, 'cert.pem'), 'utf8'));
    expect(leaf.serialNumber, why).not.toBe(firstSerial);
    expect(leaf.checkPrivateKey(createPrivateKey(await readFile(path.join(version, 'privkey.pem'), 'utf8'))), why).toBe(true);
    expect(proxy.count({ method: 'POST', path: NEW_ORDER, reachedUpstream: true }), why).toBe(1);
    expect(proxy.count({ method: 'POST', path: FINALIZE, reachedUpstream: true }), why).toBe(1);
  });
});

/** The second run for the cases whose crash left a resumable order. */
async function expectResumedAfterRerun(): Promise<void> {
  const result = await cli('cert', 'renew', ID);
  await expectResumed(result);
  expect(proxy.count({ method: 'POST', path: FINALIZE }), await explain(result)).toBe(1);
}
