import { X509Certificate } from 'node:crypto';
import acme from 'acme-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustInAcmeClient } from '../support/acme-trust.ts';
import { startBind9, type Bind9 } from '../support/bind9.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';

/**
 * Polling for acme-client's `waitForValidStatus`: its defaults (5 s minimum backoff) would make a
 * validation that Pebble finishes in milliseconds cost seconds. 20 tries up to 1 s apart still
 * tolerate a slow machine.
 */
const fastPolling = { backoffAttempts: 20, backoffMin: 100, backoffMax: 1_000 } as const;

describe('Pebble validating DNS-01 through BIND9', () => {
  let bind: Bind9;
  let pebble: Pebble;
  let client: acme.Client;
  let restoreAgent: () => void;

  beforeAll(async () => {
    bind = await startBind9();
    pebble = await startPebble({ dnsServer: bind.address });
    restoreAgent = trustInAcmeClient(pebble.httpsAgent);
    client = new acme.Client({
      directoryUrl: pebble.directoryUrl,
      accountKey: await acme.crypto.createPrivateEcdsaKey(),
      ...fastPolling,
    });
    await client.createAccount({ termsOfServiceAgreed: true, contact: ['mailto:admin@certdesk.test'] });
  });

  afterAll(async () => {
    restoreAgent();
    await Promise.all([pebble.stop(), bind.stop()]);
  });

  it('issues a certificate for www.certdesk.test after an RFC 2136 TXT update', async () => {
    expect(pebble.dnsServer).toBe(bind.address);
    const domain = 'www.certdesk.test';
    const recordName = `_acme-challenge.${domain}`;

    const order = await client.createOrder({ identifiers: [{ type: 'dns', value: domain }] });
    expect(order.status).toBe('pending');
    const authorizations = await client.getAuthorizations(order);
    expect(authorizations).toHaveLength(1);
    const [authz] = authorizations;
    expect(authz?.identifier).toEqual({ type: 'dns', value: domain });
    const challenge = authz?.challenges.find((candidate) => candidate.type === 'dns-01');
    if (challenge === undefined) throw new Error(`No dns-01 challenge offered: ${JSON.stringify(authz)}`);

    const digest = await client.getChallengeKeyAuthorization(challenge);
    await bind.addTxt(recordName, digest);
    expect(await bind.resolver().resolveTxt(recordName)).toEqual([[digest]]);

    await client.completeChallenge(challenge);
    const validated = await client.waitForValidStatus(challenge);
    expect(validated.status).toBe('valid');
    expect((await client.getOrder(order)).status).toBe('ready');

    const [, csr] = await acme.crypto.createCsr(
      { commonName: domain, altNames: [domain] },
      await acme.crypto.createPrivateEcdsaKey(),
    );
    const finalized = await client.finalizeOrder(order, csr);
    const valid = finalized.status === 'valid' ? finalized : await client.waitForValidStatus(finalized);
    expect(valid.status).toBe('valid');
    const chainPem = await client.getCertificate(valid);
    await bind.removeTxt(recordName, digest);

    const [leafPem, intermediatePem] = acme.crypto.splitPemChain(chainPem);
    if (leafPem === undefined || intermediatePem === undefined) throw new Error(`Expected leaf + intermediate:\n${chainPem}`);
    const leaf = new X509Certificate(leafPem);
    expect(leaf.subjectAltName).toBe(`DNS:${domain}`);
    expect(acme.crypto.readCertificateInfo(leafPem).domains.altNames).toEqual([domain]);
    // The chain ends at the ACME root served on the management port.
    const intermediate = new X509Certificate(intermediatePem);
    const root = new X509Certificate(await pebble.fetchRootCertificate());
    expect(leaf.checkIssued(intermediate)).toBe(true);
    expect(intermediate.checkIssued(root)).toBe(true);
    expect(intermediate.verify(root.publicKey)).toBe(true);
  });

  it('does not validate a TXT record that only the challtestsrv has (Pebble really asks BIND9)', async () => {
    const domain = 'elsewhere.certdesk.test';
    const recordName = `_acme-challenge.${domain}`;
    const order = await client.createOrder({ identifiers: [{ type: 'dns', value: domain }] });
    const [authz] = await client.getAuthorizations(order);
    const challenge = authz?.challenges.find((candidate) => candidate.type === 'dns-01');
    if (challenge === undefined) throw new Error(`No dns-01 challenge offered: ${JSON.stringify(authz)}`);

    await pebble.challtestsrv.addTxt(recordName, await client.getChallengeKeyAuthorization(challenge));
    try {
      await client.completeChallenge(challenge);
      await expect(client.waitForValidStatus(challenge)).rejects.toThrow('No TXT records found for DNS challenge');
      expect((await client.getOrder(order)).status).toBe('invalid');
    } finally {
      await pebble.challtestsrv.clearTxt(recordName);
    }
  });
});
