import { execFile } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import { buildPfx, PFX_PASSWORD_MAX_CHARS, pfxPasswordProblem, readPfx } from '../../../../../main/core/vault/pfx.ts';
import { requireExecutable } from '../../../../support/processes.ts';
import { createTestCa, type TestCa } from '../../../../support/test-ca.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { thrown } from '../../support/thrown.ts';

const execFileAsync = promisify(execFile);
const openssl = requireExecutable('openssl', 'openssl');
const tempDir = useTempDir('pfx');

/** An EC leaf signed by a test CA, and an unrelated CA for keys and certificates that do not belong together. */
let ec: TestCa;
let other: TestCa;
/** A self-signed RSA certificate and its key (PKCS#8), made with `openssl req`. */
let rsa: { certPem: string; keyPem: string };

beforeAll(async () => {
  [ec, other] = await Promise.all([createTestCa({ hosts: ['example.com'] }), createTestCa({ hosts: ['other.example'] })]);
  const { stdout } = await execFileAsync(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', '-', '-out', '-', '-days', '2', '-subj', '/CN=rsa.example']);
  rsa = { keyPem: /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/.exec(stdout)?.[0] ?? '', certPem: /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(stdout)?.[0] ?? '' };
}, 60_000);

async function run(args: readonly string[]): Promise<string> {
  const { stdout, stderr } = await execFileAsync(openssl, args, { encoding: 'latin1' });
  return stdout + stderr;
}

/** What `openssl pkcs12 -in … -nodes` finds in a PFX: the key, the certificates, and the `-info` lines. */
async function opensslReads(der: Buffer, password: string): Promise<{ keyPem: string; certs: string[]; info: string }> {
  const file = path.join(tempDir(), 'read.pfx');
  await writeFile(file, der);
  const out = await run(['pkcs12', '-in', file, '-passin', `pass:${password}`, '-nodes', '-info']);
  return {
    keyPem: /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/.exec(out)?.[0] ?? '',
    certs: [...out.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g)].map((match) => match[0]),
    info: out,
  };
}

const sameKey = (a: string, b: string): boolean =>
  createPrivateKey(a).export({ type: 'pkcs8', format: 'der' }).equals(createPrivateKey(b).export({ type: 'pkcs8', format: 'der' }));
const sameCert = (a: string, b: string): boolean => new X509Certificate(a).raw.equals(new X509Certificate(b).raw);

function invalidInput(fn: () => unknown): CertDeskError {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(CertDeskError);
  expect((error as CertDeskError).code).toBe('invalid_input');
  return error as CertDeskError;
}

describe('buildPfx', () => {
  it.each([
    { name: 'modern (default)', legacy: undefined, info: [/MAC: sha256, Iteration 2048/, /PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/] },
    { name: 'legacy', legacy: true, info: [/MAC: sha1, Iteration 2048/, /PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048/, /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048/] },
  ])('writes a $name PFX that OpenSSL reads: the key, the leaf, the chain, encrypted as documented', async ({ legacy, info }) => {
    const der = buildPfx({ certPem: ec.leafCertPem, chainPem: ec.caCertPem, keyPem: ec.leafKeyPem, password: 'correct horse', friendlyName: 'web v3', legacy });
    const read = await opensslReads(der, 'correct horse');
    expect(sameKey(read.keyPem, ec.leafKeyPem)).toBe(true);
    expect(read.certs).toHaveLength(2);
    expect(sameCert(read.certs[0] ?? '', ec.leafCertPem)).toBe(true);
    expect(sameCert(read.certs[1] ?? '', ec.caCertPem)).toBe(true);
    for (const line of info) expect(read.info).toMatch(line);
    // Key and leaf are paired by localKeyID and both carry the friendly name.
    expect(read.info.match(/friendlyName: web v3/g)).toHaveLength(2);
    expect(read.info.match(/localKeyID: [0-9A-F ]+/g)).toHaveLength(2);
    expect(read.info).not.toMatch(/PKCS7 Data\nCertificate bag/);
  });

  it('takes an RSA key, and a non-ASCII password the way OpenSSL does (UTF-8 for PBES2, BMPString for the MAC and 3DES)', async () => {
    for (const legacy of [false, true]) {
      const der = buildPfx({ certPem: rsa.certPem, chainPem: '', keyPem: rsa.keyPem, password: 'pässwörd ✓', legacy });
      const read = await opensslReads(der, 'pässwörd ✓');
      expect(sameKey(read.keyPem, rsa.keyPem)).toBe(true);
      expect(read.certs).toHaveLength(1);
      expect(sameCert(read.certs[0] ?? '', rsa.certPem)).toBe(true);
    }
  });

  it.each([false, true])('is read back by readPfx (legacy: %s), a fullchain given as the certificate split without duplicates', (legacy) => {
    const der = buildPfx({ certPem: `${ec.leafCertPem}${ec.caCertPem}`, chainPem: ec.caCertPem, keyPem: ec.leafKeyPem, password: 'pässwörd', legacy });
    const read = readPfx(der, 'pässwörd');
    expect(sameKey(read.keyPem, ec.leafKeyPem)).toBe(true);
    expect(read.certPem).toBe(ec.leafCertPem);
    expect(read.chainPem).toBe(ec.caCertPem);
  });

  it.each([
    { name: 'an empty password', input: { password: '' }, message: 'Unable to build the PFX, the PFX password is empty' },
    { name: 'a password over 1024 characters', input: { password: 'x'.repeat(PFX_PASSWORD_MAX_CHARS + 1) }, message: 'Unable to build the PFX, the PFX password is longer than 1024 characters' },
    { name: 'a key of another certificate', input: { keyPem: 'other' }, message: 'Unable to build the PFX, the private key does not belong to the certificate' },
    { name: 'no certificate', input: { certPem: 'nothing' }, message: 'Unable to build the PFX, there is no PEM certificate' },
    { name: 'an unreadable key', input: { keyPem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }, message: 'Unable to build the PFX, the private key cannot be read (an unencrypted PEM key is needed)' },
  ])('refuses $name with invalid_input', ({ input, message }) => {
    // The table is built before the CAs exist: 'other' stands for the other CA's leaf key.
    const keyPem = input.keyPem === 'other' ? other.leafKeyPem : input.keyPem ?? ec.leafKeyPem;
    const error = invalidInput(() => buildPfx({ certPem: ec.leafCertPem, chainPem: ec.caCertPem, password: 'pw', ...input, keyPem }));
    expect(error.message).toBe(message);
  });
});

describe('pfxPasswordProblem', () => {
  it.each([
    { name: 'empty', password: '', problem: 'the PFX password is empty' },
    { name: 'one character', password: 'a', problem: undefined },
    { name: '1024 characters', password: 'x'.repeat(1024), problem: undefined },
    { name: '1025 characters', password: 'x'.repeat(1025), problem: 'the PFX password is longer than 1024 characters' },
  ])('$name → $problem', ({ password, problem }) => {
    expect(pfxPasswordProblem(password)).toBe(problem);
  });
});

describe('readPfx', () => {
  /** Writes the test CA's files and runs `openssl pkcs12 -export` on them. */
  async function opensslPfx(extra: readonly string[], password = 'secret'): Promise<Buffer> {
    const dir = tempDir();
    await Promise.all([
      writeFile(path.join(dir, 'leaf.pem'), ec.leafCertPem),
      writeFile(path.join(dir, 'leaf.key'), ec.leafKeyPem),
      writeFile(path.join(dir, 'ca.pem'), ec.caCertPem),
    ]);
    const out = path.join(dir, 'openssl.pfx');
    await execFileAsync(openssl, ['pkcs12', '-export', ...extra, '-passout', `pass:${password}`, '-out', out], { cwd: dir });
    return readFile(out);
  }

  it.each([
    { name: 'OpenSSL 3 default (AES-256, SHA-256 MAC)', args: [] },
    { name: 'OpenSSL -legacy (RC2-40 certificates, 3DES key, SHA-1 MAC)', args: ['-legacy'] },
    { name: 'OpenSSL with an unencrypted certificate part', args: ['-certpbe', 'NONE'] },
  ])('reads a PFX made by $name: key, leaf and chain', async ({ args }) => {
    const der = await opensslPfx(['-in', 'leaf.pem', '-inkey', 'leaf.key', '-certfile', 'ca.pem', '-name', 'web', ...args]);
    const read = readPfx(der, 'secret');
    expect(sameKey(read.keyPem, ec.leafKeyPem)).toBe(true);
    expect(read.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(read.certPem).toBe(ec.leafCertPem);
    expect(read.chainPem).toBe(ec.caCertPem);
  });

  it('finds the leaf by its key wherever it is, and orders the chain issuer by issuer, others last', () => {
    // Certificates in the file: other's leaf, ec's CA, ec's leaf; the key: ec's leaf's.
    const certs = buildPfx({ certPem: other.leafCertPem, chainPem: `${ec.caCertPem}${ec.leafCertPem}`, keyPem: other.leafKeyPem, password: 'pw' });
    const key = buildPfx({ certPem: ec.leafCertPem, chainPem: '', keyPem: ec.leafKeyPem, password: 'pw' });
    const read = readPfx(splice(key, certs), 'pw');
    expect(read.certPem).toBe(ec.leafCertPem);
    expect(read.chainPem).toBe(`${ec.caCertPem}${other.leafCertPem}`);
    expect(sameKey(read.keyPem, ec.leafKeyPem)).toBe(true);
  });

  it('reads BER as Java and Windows may write it: indefinite lengths, an OCTET STRING in chunks', () => {
    const der = buildPfx({ certPem: ec.leafCertPem, chainPem: ec.caCertPem, keyPem: ec.leafKeyPem, password: 'pw' });
    const authSafe = tlv(0x30, Buffer.concat(authSafeElements(der)));
    const half = Math.floor(authSafe.length / 2);
    const indefinite = (tag: number, ...parts: Buffer[]): Buffer => Buffer.concat([Buffer.from([tag, 0x80]), ...parts, Buffer.from([0, 0])]);
    const chunked = indefinite(0x24, tlv(0x04, authSafe.subarray(0, half)), tlv(0x04, authSafe.subarray(half)));
    const ber = indefinite(0x30, tlv(0x02, Buffer.from([3])), indefinite(0x30, tlv(0x06, Buffer.from('2a864886f70d010701', 'hex')), indefinite(0xa0, chunked)));
    const read = readPfx(ber, 'pw');
    expect(read.certPem).toBe(ec.leafCertPem);
    expect(read.chainPem).toBe(ec.caCertPem);
    expect(sameKey(read.keyPem, ec.leafKeyPem)).toBe(true);
  });

  it.each([
    { name: 'a wrong password (MAC check)', make: () => opensslPfx(['-in', 'leaf.pem', '-inkey', 'leaf.key']), password: 'Secret', message: /^Unable to read the PFX file, the password is wrong \(or the file was altered\)$/ },
    { name: 'a wrong password on a file without a MAC (decryption check)', make: () => opensslPfx(['-in', 'leaf.pem', '-inkey', 'leaf.key', '-nomac']), password: 'Secret', message: /^Unable to read the PFX file, the password is wrong/ },
    { name: 'a PFX without a key', make: () => opensslPfx(['-in', 'leaf.pem', '-nokeys']), password: 'secret', message: /^Unable to read the PFX file, it holds no private key$/ },
    { name: 'a PFX without a certificate', make: () => opensslPfx(['-inkey', 'leaf.key', '-nocerts']), password: 'secret', message: /^Unable to read the PFX file, it holds no certificate$/ },
    {
      name: 'a key matching none of the certificates',
      make: () => Promise.resolve(splice(
        buildPfx({ certPem: ec.leafCertPem, chainPem: '', keyPem: ec.leafKeyPem, password: 'secret' }),
        buildPfx({ certPem: other.leafCertPem, chainPem: other.caCertPem, keyPem: other.leafKeyPem, password: 'secret' }),
      )),
      password: 'secret',
      message: /^Unable to read the PFX file, its private key matches none of its certificates$/,
    },
    { name: 'a PEM file', make: () => Promise.resolve(Buffer.from(ec.leafCertPem)), password: 'secret', message: /^Unable to read the PFX file, it is damaged or not a PKCS#12 file: / },
    { name: 'random bytes', make: () => Promise.resolve(Buffer.from('0a0b0c0d0e0f', 'hex')), password: 'secret', message: /^Unable to read the PFX file, it is damaged or not a PKCS#12 file: / },
    { name: 'a truncated PFX', make: async () => (await opensslPfx(['-in', 'leaf.pem', '-inkey', 'leaf.key'])).subarray(0, 400), password: 'secret', message: /^Unable to read the PFX file, it is damaged or not a PKCS#12 file: / },
    { name: 'an empty password', make: () => opensslPfx(['-in', 'leaf.pem', '-inkey', 'leaf.key']), password: '', message: /^Unable to read the PFX file, the PFX password is empty$/ },
    { name: 'more key-derivation iterations than a real file uses', make: () => opensslPfx(['-in', 'leaf.pem', '-inkey', 'leaf.key', '-iter', '700000']), password: 'secret', message: /^Unable to read the PFX file, it asks for 700000 key-derivation iterations, outside the 1–600000 CertDesk accepts$/ },
    { name: 'the same without a MAC', make: () => opensslPfx(['-in', 'leaf.pem', '-inkey', 'leaf.key', '-iter', '700000', '-nomac']), password: 'secret', message: /^Unable to read the PFX file, it asks for 700000 key-derivation iterations/ },
  ])('refuses $name with a clear invalid_input', async ({ make, password, message }) => {
    const der = await make();
    const error = invalidInput(() => readPfx(der, password));
    expect(error.message).toMatch(message);
    expect(error.remedy ?? '').not.toBe('');
  });

  it('refuses a file whose MAC is intact but whose content was altered', async () => {
    const der = await opensslPfx(['-in', 'leaf.pem', '-inkey', 'leaf.key']);
    // Flip one byte in the middle, inside the MAC-protected AuthenticatedSafe.
    const altered = Buffer.from(der);
    const middle = Math.floor(altered.length / 2);
    altered[middle] = (altered[middle] ?? 0) ^ 0xff;
    expect(invalidInput(() => readPfx(altered, 'secret')).message).toMatch(/^Unable to read the PFX file, (the password is wrong|it is damaged)/);
  });
});

/**
 * A PFX with the key part of `keyFrom` and the certificate part of `certsFrom` (both from
 * {@link buildPfx}, which puts the certificates first and the key second), and no MAC: RFC 7292
 * makes it optional, and it lets a test make what every tool refuses to, such as a key that matches
 * none of the certificates.
 */
function splice(keyFrom: Buffer, certsFrom: Buffer): Buffer {
  const [, keyInfo] = authSafeElements(keyFrom);
  const [certInfo] = authSafeElements(certsFrom);
  if (keyInfo === undefined || certInfo === undefined) throw new Error('unexpected PFX layout');
  const authSafe = tlv(0x30, Buffer.concat([certInfo, keyInfo]));
  const data = tlv(0x30, Buffer.concat([tlv(0x06, Buffer.from('2a864886f70d010701', 'hex')), tlv(0xa0, tlv(0x04, authSafe))]));
  return tlv(0x30, Buffer.concat([tlv(0x02, Buffer.from([3])), data]));
}

/** DER tag-length-value. */
function tlv(tag: number, value: Buffer): Buffer {
  const length = value.length < 0x80 ? Buffer.from([value.length])
    : value.length < 0x100 ? Buffer.from([0x81, value.length]) : Buffer.from([0x82, value.length >> 8, value.length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, value]);
}

/** Reads one DER element at `offset`: its full encoding and where its value starts and ends. */
function element(der: Buffer, offset: number): { whole: Buffer; start: number; end: number } {
  const first = der[offset + 1] ?? 0;
  const lengthBytes = first < 0x80 ? 0 : first & 0x7f;
  let length = first < 0x80 ? first : 0;
  for (let i = 0; i < lengthBytes; i++) length = length * 256 + (der[offset + 2 + i] ?? 0);
  const start = offset + 2 + lengthBytes;
  return { whole: der.subarray(offset, start + length), start, end: start + length };
}

/** The ContentInfos of a PFX's AuthenticatedSafe (PFX → authSafe → [0] → OCTET STRING → SEQUENCE). */
function authSafeElements(der: Buffer): Buffer[] {
  const pfx = element(der, 0);
  const version = element(der, pfx.start);
  const contentInfo = element(der, version.end);
  const contentType = element(der, contentInfo.start);
  const explicit = element(der, contentType.end);
  const octets = element(der, explicit.start);
  const sequence = element(der, octets.start);
  const items: Buffer[] = [];
  for (let offset = sequence.start; offset < sequence.end;) {
    const item = element(der, offset);
    items.push(item.whole);
    offset = item.end;
  }
  return items;
}
