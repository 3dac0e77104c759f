import { execFile } from 'node:child_process';
import { createPrivateKey as parsePrivateKey, createPublicKey } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import acme from 'acme-client';
import { describe, expect, it } from 'vitest';
import { createCsr, createPrivateKey } from '../../../../../main/core/acme/keys.ts';
import { keyTypes, type KeyType } from '../../../../../main/core/config/schema.ts';
import { requireExecutable } from '../../../../support/processes.ts';
import { useTempDir } from '../../support/temp-dir.ts';

const execFileAsync = promisify(execFile);

/** RSA 4096 takes a few seconds to generate on a slow machine; this is a ceiling, not an assertion. */
const slowKeyTimeout = 60_000;

const expected: Readonly<Record<KeyType, { type: string; details: Record<string, unknown> }>> = {
  'ec-p256': { type: 'ec', details: { namedCurve: 'prime256v1' } },
  'ec-p384': { type: 'ec', details: { namedCurve: 'secp384r1' } },
  'rsa-2048': { type: 'rsa', details: { modulusLength: 2048, publicExponent: 65537n } },
  'rsa-3072': { type: 'rsa', details: { modulusLength: 3072, publicExponent: 65537n } },
  'rsa-4096': { type: 'rsa', details: { modulusLength: 4096, publicExponent: 65537n } },
};

describe('createPrivateKey', () => {
  it('has an expectation for every key type', () => {
    expect(Object.keys(expected).sort()).toStrictEqual([...keyTypes].sort());
  });

  it.each(keyTypes)(
    '%s produces an unencrypted PEM key of that type and size',
    async (type) => {
      const pem = await createPrivateKey(type);
      expect(pem).toMatch(/^-----BEGIN (EC |RSA )?PRIVATE KEY-----\n/);
      expect(pem).not.toMatch(/ENCRYPTED/);
      const key = parsePrivateKey(pem);
      expect(key.type).toBe('private');
      expect(key.asymmetricKeyType).toBe(expected[type].type);
      expect(key.asymmetricKeyDetails).toMatchObject(expected[type].details);
    },
    slowKeyTimeout,
  );

  it('produces a different key each time', async () => {
    const [a, b] = await Promise.all([createPrivateKey('ec-p256'), createPrivateKey('ec-p256')]);
    expect(a).not.toBe(b);
  });
});

describe('createCsr', () => {
  const tempDir = useTempDir('keys');

  /** openssl's own check: the CSR's signature verifies, and its public key. */
  async function verifyWithOpenssl(csr: string): Promise<string> {
    const file = path.join(tempDir(), 'request.csr');
    await writeFile(file, csr);
    const { stdout, stderr } = await execFileAsync(requireExecutable('openssl', 'openssl'), ['req', '-in', file, '-noout', '-verify', '-pubkey']);
    expect(`${stdout}${stderr}`).toMatch(/verify OK/i);
    const publicKey = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/.exec(stdout)?.[0];
    if (publicKey === undefined) throw new Error('openssl printed no public key');
    return publicKey;
  }

  const domainLists: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
    ['one domain', ['example.com']],
    ['several domains', ['example.com', 'www.example.com', 'api.example.com']],
    ['a wildcard and its base', ['example.com', '*.example.com']],
    ['punycode IDNs', ['xn--bcher-kva.example', 'xn--fsqu00a.xn--0zwm56d']],
    ['a wildcard first', ['*.example.com', 'example.com']],
  ];

  it.each(domainLists)('carries every SAN, the first domain as common name: %s', async (_label, domains) => {
    const key = await createPrivateKey('ec-p256');
    const csr = await createCsr(domains, key);
    expect(csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/);
    const read = acme.crypto.readCsrDomains(csr);
    expect(read.commonName).toBe(domains[0]);
    expect(read.altNames).toStrictEqual([...domains]);
  });

  it('carries 100 SANs (the most an order may hold at Let\'s Encrypt)', async () => {
    const domains = Array.from({ length: 100 }, (_, i) => `host${String(i)}.example.com`);
    const csr = await createCsr(domains, await createPrivateKey('ec-p256'));
    expect(acme.crypto.readCsrDomains(csr).altNames).toStrictEqual(domains);
  });

  it.each(['ec-p256', 'ec-p384', 'rsa-2048'] as const)('is signed by the %s key it was given (openssl req -verify)', async (type) => {
    const key = await createPrivateKey(type);
    const csr = await createCsr(['example.com', 'www.example.com'], key);
    const publicKey = await verifyWithOpenssl(csr);
    expect(createPublicKey(publicKey).export({ format: 'jwk' })).toStrictEqual(createPublicKey(key).export({ format: 'jwk' }));
  });

  it('does not mutate the domain list it was given', async () => {
    const domains = Object.freeze(['a.example.com', 'b.example.com']);
    await createCsr(domains, await createPrivateKey('ec-p256'));
    expect(domains).toStrictEqual(['a.example.com', 'b.example.com']);
  });

  it('keeps the common name within 64 characters (RFC 5280 ub-common-name) when the first domain is longer', async () => {
    const long = `${'a'.repeat(63)}.example.com`;
    const csr = await createCsr([long, 'www.example.com'], await createPrivateKey('ec-p256'));
    const read = acme.crypto.readCsrDomains(csr);
    expect(read.altNames).toStrictEqual([long, 'www.example.com']);
    // CAs such as Let's Encrypt refuse a CSR whose CN is longer (badCSR "CN was longer than 64 bytes").
    expect((read.commonName as string | null ?? '').length).toBeLessThanOrEqual(64);
  });

  it('refuses an empty domain list', async () => {
    await expect(createCsr([], await createPrivateKey('ec-p256'))).rejects.toThrow(/^Unable to build a CSR, no domains$/);
  });
});
