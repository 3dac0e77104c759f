import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import acme from 'acme-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ariCertId, defaultRenewalInfoRetryMs, fetchRenewalInfo, renewalInfoUrl, RenewalInfoError, toAriWindow } from '../../main/core/acme/ari.ts';
import { AcmeTransport, createAcmeClient } from '../../main/core/acme/transport.ts';
import { splitPemChain } from '../../main/core/vault/x509.ts';
import { renewalDecision } from '../../main/core/renewal/renewal-window.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { makeTempDir, removeTempDir, requireExecutable } from '../support/processes.ts';
import { startRenewalInfoServer, type RenewalInfoServer } from '../support/renewal-info-server.ts';
import { createTestCa } from '../support/test-ca.ts';

const execFileAsync = promisify(execFile);

/** Polling for acme-client's waits: Pebble validates in milliseconds; its 5 s default minimum would cost seconds. */
const fastPolling = { backoffAttempts: 20, backoffMin: 100, backoffMax: 1_000 } as const;

const DOMAIN = 'ari.certdesk.test';
const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;

/** Issues a certificate for {@link DOMAIN} from Pebble, answering HTTP-01 through pebble-challtestsrv. */
async function issue(pebble: Pebble, transport: AcmeTransport): Promise<string> {
  const client = createAcmeClient({ directoryUrl: pebble.directoryUrl, accountKey: await acme.crypto.createPrivateEcdsaKey(), ...fastPolling }, transport);
  await client.createAccount({ termsOfServiceAgreed: true, contact: ['mailto:admin@certdesk.test'] });
  const order = await client.createOrder({ identifiers: [{ type: 'dns', value: DOMAIN }] });
  for (const authorization of await client.getAuthorizations(order)) {
    const challenge = authorization.challenges.find((candidate) => candidate.type === 'http-01');
    if (challenge === undefined) throw new Error('Pebble offered no http-01 challenge');
    await pebble.challtestsrv.addHttp01(challenge.token, await client.getChallengeKeyAuthorization(challenge));
    await client.completeChallenge(challenge);
    await client.waitForValidStatus(challenge);
  }
  const [, csr] = await acme.crypto.createCsr({ commonName: DOMAIN, altNames: [DOMAIN] }, await acme.crypto.createPrivateEcdsaKey());
  const finalized = await client.finalizeOrder(order, csr);
  const valid = finalized.status === 'valid' ? finalized : await client.waitForValidStatus(finalized);
  return client.getCertificate(valid);
}

/** The hex bytes of an extension as `openssl x509 -ext` prints them: an independent reading of the DER. */
async function opensslExtensionBytes(certPem: string, extension: string): Promise<Buffer> {
  const dir = makeTempDir('certdesk-ari-');
  try {
    const path = join(dir, 'cert.pem');
    await writeFile(path, certPem);
    const { stdout } = await execFileAsync(requireExecutable('openssl', 'openssl'), ['x509', '-in', path, '-noout', '-ext', extension]);
    const bytes = /([0-9A-F]{2}(?::[0-9A-F]{2})+)/.exec(stdout)?.[1];
    if (bytes === undefined) throw new Error(`openssl printed no ${extension}: ${stdout}`);
    return Buffer.from(bytes.replaceAll(':', ''), 'hex');
  } finally {
    await removeTempDir(dir);
  }
}

describe('ARI (RFC 9773) for a certificate issued by Pebble, through a local renewalInfo endpoint', () => {
  let pebble: Pebble;
  let server: RenewalInfoServer;
  let transport: AcmeTransport;
  let chain: string[];
  let leaf: X509Certificate;

  beforeAll(async () => {
    const ca = await createTestCa();
    pebble = await startPebble({ ca });
    // One transport trusting the test CA, which signed both Pebble's listener and the ARI server's.
    transport = new AcmeTransport({ extraCaPem: ca.caCertPem, sleep: () => Promise.resolve() });
    chain = splitPemChain(await issue(pebble, transport));
    leaf = new X509Certificate(chain[0] ?? '');
    const upstream = (await transport.request(pebble.directoryUrl, 'get')).data as Record<string, unknown>;
    server = await startRenewalInfoServer({ certPem: ca.leafCertPem, keyPem: ca.leafKeyPem, upstreamDirectory: upstream });
  });

  afterAll(async () => {
    transport.close();
    await server.stop();
    await pebble.stop();
  });

  it('finds renewalInfo only in a directory that offers it', async () => {
    const pebbleDirectory = (await transport.request(pebble.directoryUrl, 'get')).data;
    expect(renewalInfoUrl(pebbleDirectory)).toBeUndefined();
    const directory = (await transport.request(server.directoryUrl, 'get')).data;
    expect(renewalInfoUrl(directory)).toBe(server.renewalInfoUrl);
  });

  it("identifies Pebble's certificate by its issuer's key identifier and its serial", async () => {
    const id = ariCertId(chain.join(''));
    const [keyPart = '', serialPart = ''] = id.split('.');
    // The leaf's AKI, and the issuer's SKI it must name, as openssl reads them.
    const issuerKeyId = await opensslExtensionBytes(chain[1] ?? '', 'subjectKeyIdentifier');
    expect(await opensslExtensionBytes(chain[0] ?? '', 'authorityKeyIdentifier')).toStrictEqual(issuerKeyId);
    expect(Buffer.from(keyPart, 'base64url')).toStrictEqual(issuerKeyId);
    expect(keyPart).not.toMatch(/[=+/]/);
    // The serial part is the positive DER INTEGER of the serial node reads: a leading 00 only before a high bit.
    const serial = Buffer.from(serialPart, 'base64url');
    expect(BigInt(`0x${serial.toString('hex')}`)).toBe(BigInt(`0x${leaf.serialNumber}`));
    expect(serial[0]).toBeLessThan(0x80);
    if (serial[0] === 0) expect(serial[1]).toBeGreaterThanOrEqual(0x80);
  });

  it("fetches the window with a plain GET and decides as the window says", async () => {
    const certId = ariCertId(chain[0] ?? '');
    const before = server.requests.length;
    const directory = (await transport.request(server.directoryUrl, 'get')).data;
    const url = renewalInfoUrl(directory) ?? '';
    const certificate = { notBefore: new Date(leaf.validFrom), notAfter: new Date(leaf.validTo), seed: leaf.serialNumber };
    const now = new Date();
    const request = (target: string): ReturnType<AcmeTransport['request']> => transport.request(target, 'get');

    // A window ten days out: not due yet, due at a moment inside the window.
    const future = { start: new Date(now.getTime() + 10 * dayMs), end: new Date(now.getTime() + 12 * dayMs) };
    server.answer(certId, {
      body: { suggestedWindow: { start: future.start.toISOString(), end: future.end.toISOString() }, explanationURL: 'https://ca.certdesk.test/ari' },
      retryAfter: '21600',
    });
    const later = await fetchRenewalInfo({ renewalInfoUrl: url, certId, request, now });
    expect(later).toStrictEqual({ window: future, explanationUrl: 'https://ca.certdesk.test/ari', retryAfter: new Date(now.getTime() + 6 * hourMs) });
    const notYet = renewalDecision({ ...certificate, now, ari: toAriWindow(later) });
    expect(notYet).toMatchObject({ due: false, reason: 'not_due', basis: 'ari_window', ari: 'used' });
    expect(notYet.renewAt.getTime()).toBeGreaterThanOrEqual(future.start.getTime());
    expect(notYet.renewAt.getTime()).toBeLessThan(future.end.getTime());

    // The CA moves the window into the past (say, before a revocation): due now.
    const past = { start: new Date(now.getTime() - 2 * dayMs), end: new Date(now.getTime() - dayMs) };
    server.answer(certId, { body: { suggestedWindow: { start: past.start.toISOString(), end: past.end.toISOString() } }, retryAfter: '60' });
    const urgent = await fetchRenewalInfo({ renewalInfoUrl: url, certId, request, now });
    expect(urgent).toStrictEqual({ window: past, retryAfter: new Date(now.getTime() + 60_000) });
    expect(renewalDecision({ ...certificate, now, ari: toAriWindow(urgent) })).toMatchObject({ due: true, reason: 'ari_window', ari: 'used' });

    // Unauthenticated GETs of <renewalInfo>/<certID> (RFC 9773 §4.1): no JWS body.
    expect(server.requests.slice(before)).toStrictEqual([
      { method: 'GET', path: '/directory', bodyLength: 0 },
      { method: 'GET', path: `/renewal-info/${certId}`, bodyLength: 0 },
      { method: 'GET', path: `/renewal-info/${certId}`, bodyLength: 0 },
    ]);
  });

  it('reports a CA that does not know the certificate, or answers garbage, and says when to ask again', async () => {
    const certId = ariCertId(chain[0] ?? '');
    const now = new Date();
    const request = (target: string): ReturnType<AcmeTransport['request']> => transport.request(target, 'get');
    const attempt = async (): Promise<unknown> => {
      try {
        return await fetchRenewalInfo({ renewalInfoUrl: server.renewalInfoUrl, certId, request, now });
      } catch (error) {
        return error;
      }
    };

    server.answer(certId, undefined);
    const unknown = await attempt();
    expect(unknown).toBeInstanceOf(RenewalInfoError);
    expect(unknown).toMatchObject({
      code: 'acme_failed',
      message: `Unable to fetch renewal information from ${server.renewalInfoUrl}/${certId}, the CA answered HTTP 404`,
      retryAfter: new Date(now.getTime() + defaultRenewalInfoRetryMs),
    });

    server.answer(certId, { body: '<html>maintenance</html>', retryAfter: '60' });
    expect(await attempt()).toMatchObject({ code: 'acme_failed', message: expect.stringContaining('the answer is not a JSON object') as unknown });

    const start = new Date(now.getTime() + dayMs).toISOString();
    server.answer(certId, { body: { suggestedWindow: { start, end: start } } });
    const invalid = await attempt();
    expect(invalid).toMatchObject({ code: 'acme_failed', message: expect.stringContaining('does not end after it starts') as unknown });
    // A CA's invalid window leaves the policy in charge (RFC 9773 §4.2): the certificate is not due.
    expect(renewalDecision({ notBefore: new Date(leaf.validFrom), notAfter: new Date(leaf.validTo), now })).toMatchObject({ due: false, basis: 'fraction_remaining' });
  });
});
