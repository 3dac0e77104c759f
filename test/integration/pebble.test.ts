import { promises as dns } from 'node:dns';
import { existsSync } from 'node:fs';
import { get } from 'node:https';
import { X509Certificate } from 'node:crypto';
import acme from 'acme-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustInAcmeClient } from '../support/acme-trust.ts';
import { isPortFree } from '../support/ports.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { createTestCa } from '../support/test-ca.ts';
import { isProcessAlive } from '../support/processes.ts';

const contact = ['mailto:admin@certdesk.test'];

/**
 * Polling for acme-client's `waitForValidStatus`: its defaults (5 s minimum backoff) would make a
 * validation that Pebble finishes in milliseconds cost seconds.
 */
const fastPolling = { backoffAttempts: 20, backoffMin: 100, backoffMax: 1_000 } as const;

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** GETs a URL with the agent; resolves the status and JSON body, rejects on connection errors. */
function getJson(url: string, agent: Pebble['httpsAgent']): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown });
      });
    }).on('error', reject);
  });
}

describe('Pebble', () => {
  let pebble: Pebble;
  let eabPebble: Pebble;
  let restoreAgent: () => void;

  beforeAll(async () => {
    // One CA for both servers, because acme-client trusts through one process-wide agent.
    const ca = await createTestCa();
    [pebble, eabPebble] = await Promise.all([
      startPebble({ ca }),
      startPebble({ ca, externalAccountBinding: {} }),
    ]);
    restoreAgent = trustInAcmeClient(pebble.httpsAgent);
  });

  afterAll(async () => {
    restoreAgent();
    await Promise.all([pebble.stop(), eabPebble.stop()]);
  });

  it('serves its directory over HTTPS signed by the test CA', async () => {
    const { status, body } = await getJson(pebble.directoryUrl, pebble.httpsAgent);
    expect(status).toBe(200);
    const origin = new URL(pebble.directoryUrl).origin;
    expect(body).toMatchObject({
      newAccount: `${origin}/sign-me-up`,
      newNonce: `${origin}/nonce-plz`,
      newOrder: `${origin}/order-plz`,
      meta: { externalAccountRequired: false },
    });
    expect(new X509Certificate(pebble.caCertPem).ca).toBe(true);
  });

  it('hands out its ACME root, a CA distinct from the listener CA', async () => {
    const root = new X509Certificate(await pebble.fetchRootCertificate());
    expect(root.ca).toBe(true);
    expect(root.subject).toMatch(/Pebble Root CA/);
    expect(root.fingerprint256).not.toBe(new X509Certificate(pebble.caCertPem).fingerprint256);
  });

  it('registers an account and finds the same one again for the same key', async () => {
    const accountKey = await acme.crypto.createPrivateEcdsaKey();
    const client = new acme.Client({ directoryUrl: pebble.directoryUrl, accountKey });
    const account = await client.createAccount({ termsOfServiceAgreed: true, contact });
    expect(account.status).toBe('valid');
    expect(account.contact).toEqual(contact);

    const accountUrl = client.getAccountUrl();
    expect(new URL(accountUrl).origin).toBe(new URL(pebble.directoryUrl).origin);
    expect(new URL(accountUrl).pathname).toMatch(/^\/my-account\/\w+/);

    // A fresh client with the same key: Pebble answers newAccount with 200 and the existing URL.
    const again = new acme.Client({ directoryUrl: pebble.directoryUrl, accountKey });
    await again.createAccount({ termsOfServiceAgreed: true, contact });
    expect(again.getAccountUrl()).toBe(accountUrl);

    // RFC 8555 §7.3.1 onlyReturnExisting: finds the account for a known key ...
    const lookup = new acme.Client({ directoryUrl: pebble.directoryUrl, accountKey });
    await lookup.createAccount({ onlyReturnExisting: true });
    expect(lookup.getAccountUrl()).toBe(accountUrl);

    // ... and refuses to create one for an unknown key.
    const stranger = new acme.Client({
      directoryUrl: pebble.directoryUrl,
      accountKey: await acme.crypto.createPrivateEcdsaKey(),
    });
    await expect(stranger.createAccount({ onlyReturnExisting: true })).rejects.toThrow(/unable to find existing account/);
  });

  describe('with pebble-challtestsrv as DNS and HTTP-01 server', () => {
    it('answers A queries from addA and falls back to 127.0.0.1', async () => {
      const resolver = new dns.Resolver({ timeout: 1_000, tries: 2 });
      resolver.setServers([pebble.challtestsrv.dnsAddress]);
      await pebble.challtestsrv.addA('mapped.certdesk.test', '127.0.0.2');
      expect(await resolver.resolve4('mapped.certdesk.test')).toEqual(['127.0.0.2']);
      await pebble.challtestsrv.clearA('mapped.certdesk.test');
      expect(await resolver.resolve4('mapped.certdesk.test')).toEqual(['127.0.0.1']);
    });

    async function pendingChallenge(domain: string, type: 'http-01' | 'dns-01') {
      const client = new acme.Client({
        directoryUrl: pebble.directoryUrl,
        accountKey: await acme.crypto.createPrivateEcdsaKey(),
        ...fastPolling,
      });
      await client.createAccount({ termsOfServiceAgreed: true, contact });
      const order = await client.createOrder({ identifiers: [{ type: 'dns', value: domain }] });
      const [authz] = await client.getAuthorizations(order);
      const challenge = authz?.challenges.find((candidate) => candidate.type === type);
      if (challenge === undefined) throw new Error(`No ${type} challenge offered: ${JSON.stringify(authz)}`);
      return { client, order, challenge, keyAuthorization: await client.getChallengeKeyAuthorization(challenge) };
    }

    it('validates HTTP-01 from the answer given to addHttp01', async () => {
      expect(pebble.challtestsrv.http01Port).toBe(pebble.httpPort);
      const { client, order, challenge, keyAuthorization } = await pendingChallenge('http.certdesk.test', 'http-01');
      await pebble.challtestsrv.addHttp01(challenge.token, keyAuthorization);
      await client.completeChallenge(challenge);
      expect((await client.waitForValidStatus(challenge)).status).toBe('valid');
      expect((await client.getOrder(order)).status).toBe('ready');
      await pebble.challtestsrv.removeHttp01(challenge.token);
    });

    it('validates DNS-01 from the TXT given to addTxt', async () => {
      const { client, order, challenge, keyAuthorization } = await pendingChallenge('txt.certdesk.test', 'dns-01');
      await pebble.challtestsrv.addTxt('_acme-challenge.txt.certdesk.test', keyAuthorization);
      await client.completeChallenge(challenge);
      expect((await client.waitForValidStatus(challenge)).status).toBe('valid');
      expect((await client.getOrder(order)).status).toBe('ready');
      await pebble.challtestsrv.clearTxt('_acme-challenge.txt.certdesk.test');
    });
  });

  describe('with External Account Binding required', () => {
    it('says so in its directory', async () => {
      const { body } = await getJson(eabPebble.directoryUrl, eabPebble.httpsAgent);
      expect(body).toMatchObject({ meta: { externalAccountRequired: true } });
      expect(eabPebble.eabKeys).toHaveLength(1);
    });

    it('refuses an account without EAB', async () => {
      const client = new acme.Client({
        directoryUrl: eabPebble.directoryUrl,
        accountKey: await acme.crypto.createPrivateEcdsaKey(),
      });
      await expect(client.createAccount({ termsOfServiceAgreed: true, contact }))
        .rejects.toThrow(/must include a value for the 'externalAccountBinding' field/);
    });

    it('refuses an account whose EAB is signed with the wrong HMAC key', async () => {
      const [key] = eabPebble.eabKeys;
      if (key === undefined) throw new Error('The EAB Pebble has no key');
      const client = new acme.Client({
        directoryUrl: eabPebble.directoryUrl,
        accountKey: await acme.crypto.createPrivateEcdsaKey(),
        externalAccountBinding: { kid: key.kid, hmacKey: Buffer.alloc(32, 7).toString('base64url') },
      });
      await expect(client.createAccount({ termsOfServiceAgreed: true, contact }))
        .rejects.toThrow(/external account binding JWS verification error/);
    });

    it('refuses an account whose EAB names an unknown kid', async () => {
      const [key] = eabPebble.eabKeys;
      if (key === undefined) throw new Error('The EAB Pebble has no key');
      const client = new acme.Client({
        directoryUrl: eabPebble.directoryUrl,
        accountKey: await acme.crypto.createPrivateEcdsaKey(),
        externalAccountBinding: { kid: 'kid-unknown', hmacKey: key.hmacKey },
      });
      await expect(client.createAccount({ termsOfServiceAgreed: true, contact }))
        .rejects.toThrow(/'kid' references a key that is not known/);
    });

    it('accepts an account with the right kid and HMAC key', async () => {
      const [key] = eabPebble.eabKeys;
      if (key === undefined) throw new Error('The EAB Pebble has no key');
      const client = new acme.Client({
        directoryUrl: eabPebble.directoryUrl,
        accountKey: await acme.crypto.createPrivateEcdsaKey(),
        externalAccountBinding: { kid: key.kid, hmacKey: key.hmacKey },
      });
      const account = await client.createAccount({ termsOfServiceAgreed: true, contact });
      expect(account.status).toBe('valid');
      expect(new URL(client.getAccountUrl()).origin).toBe(new URL(eabPebble.directoryUrl).origin);
    });
  });
});

describe('startPebble / stop', () => {
  it('kills both processes, frees every port and removes the temp dir', async () => {
    const pebble = await startPebble();
    const dnsPort = Number(pebble.challtestsrv.dnsAddress.split(':')[1]);
    const ports = [portOf(pebble.directoryUrl), portOf(pebble.managementUrl), portOf(pebble.challtestsrv.managementUrl)];
    expect(isProcessAlive(pebble.pids.pebble)).toBe(true);
    expect(isProcessAlive(pebble.pids.challtestsrv)).toBe(true);
    expect(await isPortFree(portOf(pebble.directoryUrl))).toBe(false);
    expect(existsSync(pebble.dir)).toBe(true);

    await pebble.stop();

    expect(isProcessAlive(pebble.pids.pebble)).toBe(false);
    expect(isProcessAlive(pebble.pids.challtestsrv)).toBe(false);
    for (const port of ports) expect(await isPortFree(port)).toBe(true);
    expect(await isPortFree(dnsPort, { udp: true })).toBe(true);
    expect(existsSync(pebble.dir)).toBe(false);
    await expect(getJson(pebble.directoryUrl, pebble.httpsAgent)).rejects.toThrow(/ECONNREFUSED/);
    // A second stop is harmless.
    await pebble.stop();
  });

  it('fails clearly, quoting Pebble’s output, when Pebble cannot start', async () => {
    await expect(startPebble({ extraConfig: { certificate: '/nonexistent/cert.pem' }, startupTimeoutMs: 10_000 }))
      .rejects.toThrow(/Unable to start Pebble[\s\S]*pebble exited early[\s\S]*nonexistent\/cert\.pem/);
  });

  it('fails clearly when the pebble binary is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startPebble()).rejects.toThrow('pebble not found: install the Debian package `pebble`');
    } finally {
      process.env.PATH = path;
    }
  });
});
