import { X509Certificate } from 'node:crypto';
import acme from 'acme-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDns01Solver } from '../../main/core/challenges/dns/dns-01.ts';
import { createRfc2136Provider } from '../../main/core/challenges/dns/rfc2136.ts';
import type { ChallengeSolver } from '../../main/core/challenges/solver.ts';
import { trustInAcmeClient } from '../support/acme-trust.ts';
import { startBind9, type Bind9 } from '../support/bind9.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { challengeInputs } from '../support/acme-challenges.ts';
import { createRecordingLogger } from '../support/recording-logger.ts';

/**
 * Polling for acme-client's `waitForValidStatus`: its defaults (5 s minimum backoff) would make a
 * validation that Pebble finishes in milliseconds cost seconds.
 */
const fastPolling = { backoffAttempts: 20, backoffMin: 100, backoffMax: 1_000 } as const;

describe('DNS-01 through RFC 2136 end to end: Pebble validating through BIND9', () => {
  let bind: Bind9;
  let pebble: Pebble;
  let client: acme.Client;
  let restoreAgent: () => void;
  let solver: ChallengeSolver;
  const log = createRecordingLogger();

  beforeAll(async () => {
    bind = await startBind9();
    pebble = await startPebble({ dnsServer: bind.address });
    restoreAgent = trustInAcmeClient(pebble.httpsAgent);
    client = new acme.Client({ directoryUrl: pebble.directoryUrl, accountKey: await acme.crypto.createPrivateEcdsaKey(), ...fastPolling });
    await client.createAccount({ termsOfServiceAgreed: true, contact: ['mailto:admin@certdesk.test'] });
    solver = createDns01Solver({
      provider: createRfc2136Provider({ server: bind.address, tsig: bind.tsig }),
      propagation: { resolver: bind.address },
      logger: log,
    });
  });

  afterAll(async () => {
    restoreAgent();
    await Promise.all([pebble.stop(), bind.stop()]);
  });

  /** TXT values at `name` as BIND9 (what Pebble asks) serves them now, sorted. */
  async function txtAt(name: string): Promise<string[]> {
    try {
      return (await bind.resolver().resolveTxt(name)).map((chunks) => chunks.join('')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENODATA') return [];
      throw error;
    }
  }

  /**
   * Obtains a certificate for `identifiers` with acme-client's low-level calls, answering every
   * authorization's dns-01 challenge through the solver (all presented at once, as the order runner
   * does), and cleans up whatever happens. Returns the leaf's SANs, sorted, and the TXT values that
   * were live while the challenges were being validated.
   */
  async function obtain(identifiers: readonly string[]): Promise<{ sans: string[]; live: Map<string, string[]> }> {
    const order = await client.createOrder({ identifiers: identifiers.map((value) => ({ type: 'dns', value })) });
    const authorizations = await client.getAuthorizations(order);
    const answers = await challengeInputs(client, authorizations, 'dns-01');
    const live = new Map<string, string[]>();
    try {
      await Promise.all(answers.map(({ input }) => solver.present(input)));
      for (const { input } of answers) {
        const name = `_acme-challenge.${input.domain}`;
        live.set(name, await txtAt(name));
      }
      await Promise.all(answers.map(async ({ challenge }) => {
        try {
          await client.completeChallenge(challenge);
        } catch (error) {
          // Pebble sometimes validates the apex and the wildcard authorization of one name together
          // (both are proved by the same TXT name): answering the second then finds it valid already.
          if (!/status valid/.test(String(error))) throw error;
        }
        expect((await client.waitForValidStatus(challenge)).status).toBe('valid');
      }));
      const [, csr] = await acme.crypto.createCsr(
        { commonName: identifiers[0] ?? '', altNames: [...identifiers] },
        await acme.crypto.createPrivateEcdsaKey(),
      );
      const finalized = await client.finalizeOrder(order, csr);
      const valid = finalized.status === 'valid' ? finalized : await client.waitForValidStatus(finalized);
      const [leafPem] = acme.crypto.splitPemChain(await client.getCertificate(valid));
      if (leafPem === undefined) throw new Error('No leaf certificate in the chain');
      const sans = (new X509Certificate(leafPem).subjectAltName ?? '').split(', ').map((entry) => entry.replace(/^DNS:/, '')).sort();
      return { sans, live };
    } finally {
      await Promise.all(answers.map(({ input }) => solver.cleanup(input)));
    }
  }

  it('issues www.certdesk.test + *.certdesk.test and removes the TXT records afterwards', async () => {
    const { sans, live } = await obtain(['www.certdesk.test', '*.certdesk.test']);
    expect(sans).toEqual(['*.certdesk.test', 'www.certdesk.test']);
    expect(live.get('_acme-challenge.www.certdesk.test')).toHaveLength(1);
    expect(live.get('_acme-challenge.certdesk.test')).toHaveLength(1);
    expect(await txtAt('_acme-challenge.www.certdesk.test')).toEqual([]);
    expect(await txtAt('_acme-challenge.certdesk.test')).toEqual([]);

    const visible = log.entries.filter((entry) => entry.message === 'DNS-01 record visible');
    expect(visible.map((entry) => entry.fields?.fqdn).sort()).toEqual(['_acme-challenge.certdesk.test.', '_acme-challenge.www.certdesk.test.']);
    for (const entry of visible) {
      expect(entry.fields).toMatchObject({ provider: 'rfc2136', servers: [bind.address], elapsedMs: expect.any(Number) as unknown });
    }
    expect(log.entries.filter((entry) => entry.message === 'DNS-01 record removed')).toHaveLength(2);
  });

  it('issues certdesk.test + *.certdesk.test: two values on one name, both validated, both removed', async () => {
    const { sans, live } = await obtain(['certdesk.test', '*.certdesk.test']);
    expect(sans).toEqual(['*.certdesk.test', 'certdesk.test']);
    expect(live.get('_acme-challenge.certdesk.test')).toHaveLength(2);
    expect(await txtAt('_acme-challenge.certdesk.test')).toEqual([]);
  });
});
