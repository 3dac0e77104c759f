import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readdir, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { join } from 'node:path';
import acme from 'acme-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStandaloneSolver } from '../../main/core/challenges/http/standalone.ts';
import { createWebrootSolver } from '../../main/core/challenges/http/webroot.ts';
import type { ChallengeInput, ChallengeSolver } from '../../main/core/challenges/solver.ts';
import { trustInAcmeClient } from '../support/acme-trust.ts';
import { startNginx, type Nginx } from '../support/nginx.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { LOOPBACK, freePort, isPortFree } from '../support/ports.ts';
import { makeTempDir, removeTempDir } from '../support/processes.ts';
import { createTestCa } from '../support/test-ca.ts';
import { challengeInputs } from '../support/acme-challenges.ts';
import { createRecordingLogger } from '../support/recording-logger.ts';

/**
 * Polling for acme-client's `waitForValidStatus`: its defaults (5 s minimum backoff) would make a
 * validation that Pebble finishes in milliseconds cost seconds. 20 tries up to 1 s apart still
 * tolerate a slow machine.
 */
const fastPolling = { backoffAttempts: 20, backoffMin: 100, backoffMax: 1_000 } as const;

/** Several names per order, so one solver answers several challenges at once. */
const DOMAINS = ['www.certdesk.test', 'api.certdesk.test', 'certdesk.test'] as const;

/** GETs `path` from 127.0.0.1:`port` with the Host the CA would send. */
function fetchAnswer(port: number, host: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: LOOPBACK, port, path, headers: { host }, agent: false, timeout: 5_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body });
      });
    }).on('error', reject);
  });
}

async function newClient(pebble: Pebble): Promise<acme.Client> {
  const client = new acme.Client({ directoryUrl: pebble.directoryUrl, accountKey: await acme.crypto.createPrivateEcdsaKey(), ...fastPolling });
  await client.createAccount({ termsOfServiceAgreed: true, contact: ['mailto:admin@certdesk.test'] });
  return client;
}

interface Obtained {
  readonly leafPem: string;
  /** What the solver was given, to check afterwards that nothing of it is left. */
  readonly inputs: readonly ChallengeInput[];
}

/**
 * Drives one order through `solver` with acme-client's low-level calls, as the order runner will:
 * present every HTTP-01 challenge, check it is served where the CA looks (`servedAt`), answer them,
 * wait for the authorizations, always clean up, then finalize and download.
 */
async function obtain(
  client: acme.Client,
  solver: ChallengeSolver,
  servedAt: { readonly port: number },
): Promise<Obtained> {
  const order = await client.createOrder({ identifiers: DOMAINS.map((value) => ({ type: 'dns', value })) });
  const authorizations = await client.getAuthorizations(order);
  expect(authorizations).toHaveLength(DOMAINS.length);
  const pending = await challengeInputs(client, authorizations, 'http-01');
  const inputs = pending.map(({ input }) => input);

  try {
    await Promise.all(inputs.map((input) => solver.present(input)));
    for (const input of inputs) {
      expect(await fetchAnswer(servedAt.port, input.domain, `/.well-known/acme-challenge/${input.token}`)).toEqual({ status: 200, body: input.value });
    }
    await Promise.all(pending.map(async ({ challenge }) => {
      await client.completeChallenge(challenge);
      expect((await client.waitForValidStatus(challenge)).status).toBe('valid');
    }));
  } finally {
    await Promise.all(inputs.map((input) => solver.cleanup(input)));
  }

  expect((await client.getOrder(order)).status).toBe('ready');
  const [, csr] = await acme.crypto.createCsr({ commonName: DOMAINS[0], altNames: [...DOMAINS] }, await acme.crypto.createPrivateEcdsaKey());
  const finalized = await client.finalizeOrder(order, csr);
  const valid = finalized.status === 'valid' ? finalized : await client.waitForValidStatus(finalized);
  const [leafPem] = acme.crypto.splitPemChain(await client.getCertificate(valid));
  if (leafPem === undefined) throw new Error('No certificate in the chain');
  return { leafPem, inputs };
}

function expectSans(leafPem: string): void {
  const sans = new X509Certificate(leafPem).subjectAltName?.split(', ').sort();
  expect(sans).toEqual(DOMAINS.map((domain) => `DNS:${domain}`).sort());
}

describe('HTTP-01 validated by Pebble', () => {
  let standalonePebble: Pebble;
  let webrootPebble: Pebble;
  let nginx: Nginx;
  let webroot: string;
  let standalonePort: number;
  let restoreAgent: () => void;

  beforeAll(async () => {
    standalonePort = await freePort();
    webroot = makeTempDir('certdesk-webroot-');
    // nginx's worker runs as nobody when the tests run as root; makeTempDir gives 0700.
    await chmod(webroot, 0o755);
    await writeFile(join(webroot, 'index.html'), '<h1>site</h1>');
    nginx = await startNginx({ root: webroot });
    // One CA for both Pebbles, because acme-client trusts through one process-wide agent. Each
    // validates HTTP-01 on its own port; challtestsrv's DNS answers A 127.0.0.1 for every name.
    const ca = await createTestCa();
    [standalonePebble, webrootPebble] = await Promise.all([
      startPebble({ ca, httpPort: standalonePort }),
      startPebble({ ca, httpPort: nginx.port }),
    ]);
    restoreAgent = trustInAcmeClient(standalonePebble.httpsAgent);
  });

  afterAll(async () => {
    restoreAgent();
    await Promise.all([standalonePebble.stop(), webrootPebble.stop(), nginx.stop()]);
    await removeTempDir(webroot);
  });

  it('issues a certificate through the built-in standalone server, which is gone afterwards', async () => {
    const logger = createRecordingLogger();
    const { lines } = logger;
    const solver = createStandaloneSolver({ address: LOOPBACK, port: standalonePort, logger });
    try {
      const { leafPem, inputs } = await obtain(await newClient(standalonePebble), solver, { port: standalonePort });
      expectSans(leafPem);

      // Cleanup of the last token stopped the server: nothing answers any more.
      expect(solver.listening()).toBeUndefined();
      expect(await isPortFree(standalonePort)).toBe(true);
      // Pebble's requests (not only the self-checks) reached the server, and no token made it into the log.
      const fromPebble = lines.filter((line) => line.includes('Answered an HTTP-01 validation request') && !line.includes('CertDesk self-check'));
      expect(fromPebble.length).toBeGreaterThanOrEqual(DOMAINS.length);
      const log = lines.join('\n');
      for (const input of inputs) expect(log).not.toContain(input.token);
    } finally {
      await solver.close();
    }
  });

  it('issues a certificate through a webroot served by nginx, leaving the webroot as it was', async () => {
    const solver = createWebrootSolver({ root: webroot, logger: createRecordingLogger() });
    const { leafPem, inputs } = await obtain(await newClient(webrootPebble), solver, { port: nginx.port });
    expectSans(leafPem);

    for (const input of inputs) {
      expect(existsSync(join(webroot, '.well-known', 'acme-challenge', input.token))).toBe(false);
      expect((await fetchAnswer(nginx.port, input.domain, `/.well-known/acme-challenge/${input.token}`)).status).toBe(404);
    }
    // The folders the solver created are gone; the site is untouched.
    expect(await readdir(webroot)).toEqual(['index.html']);
    expect(nginx.output()).toMatch(/GET \/\.well-known\/acme-challenge\/\S+ HTTP\/1\.1" 200/);
  });
});
