import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import { MAX_IMPORT_BYTES, MAX_IMPORT_CERTIFICATES, parseImportedChain } from '../../../../../main/core/monitor/imported.ts';
import { describeChain, splitPemChain } from '../../../../../main/core/vault/x509.ts';
import { makeTempDir, removeTempDir, requireExecutable } from '../../../../support/processes.ts';
import { createTestCa, type TestCa } from '../../../../support/test-ca.ts';
import { thrown } from '../../support/thrown.ts';

const execFileAsync = promisify(execFile);

const source = '/etc/ssl/www.example.test.pem';
const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

let dir: string;
let openssl: string;
/** Root → leaf, from the shared test CA. */
let ca: TestCa;
/** An unrelated CA and leaf: their key belongs to nothing in `ca`. */
let stranger: TestCa;
/** Root → intermediate → leaf, made here since test-ca.ts issues from the root only. */
let deep: { root: string; intermediate: string; intermediateKey: string; leaf: string; leafKey: string };

async function run(args: readonly string[]): Promise<void> {
  await execFileAsync(openssl, args, { cwd: dir });
}

async function read(name: string): Promise<string> {
  return readFile(path.join(dir, name), 'utf8');
}

beforeAll(async () => {
  openssl = requireExecutable('openssl', 'openssl');
  dir = makeTempDir('certdesk-import-');
  [ca, stranger] = await Promise.all([createTestCa({ hosts: ['www.example.test', 'example.test'] }), createTestCa()]);
  await run(['req', '-x509', ...ec, '-keyout', 'root.key', '-out', 'root.pem', '-days', '7', '-subj', '/CN=Deep Root',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run(['req', '-x509', '-CA', 'root.pem', '-CAkey', 'root.key', ...ec, '-keyout', 'int.key', '-out', 'int.pem', '-days', '7',
    '-subj', '/CN=Deep Intermediate', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run(['req', '-x509', '-CA', 'int.pem', '-CAkey', 'int.key', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.pem', '-days', '7',
    '-subj', '/CN=deep.example.test', '-addext', 'subjectAltName=DNS:deep.example.test', '-addext', 'basicConstraints=critical,CA:FALSE']);
  deep = { root: await read('root.pem'), intermediate: await read('int.pem'), intermediateKey: await read('int.key'), leaf: await read('leaf.pem'), leafKey: await read('leaf.key') };
});

afterAll(async () => {
  await removeTempDir(dir);
});

/** What parseImportedChain threw, asserted to be an invalid_input CertDeskError naming the file. */
function importFailure(pemText: string, keyPem?: string): CertDeskError {
  const error = thrown(() => parseImportedChain(pemText, source, keyPem));
  expect(error).toBeInstanceOf(CertDeskError);
  const failure = error as CertDeskError;
  expect(failure.code).toBe('invalid_input');
  expect(failure.message).toMatch(new RegExp(`^Unable to import the certificate from ${source.replace(/\./g, '\\.')}, `));
  expect(failure.remedy).toBeDefined();
  return failure;
}

describe('parseImportedChain: accepted files', () => {
  it('returns a leaf-first chain as it is, with the leaf described', () => {
    const result = parseImportedChain(ca.leafCertPem + ca.caCertPem, source);
    expect(result.chainPem).toBe(ca.leafCertPem + ca.caCertPem);
    expect(result.meta).toEqual(describeChain(ca.leafCertPem, source));
    expect(result.meta.domains).toEqual(['www.example.test', 'example.test']);
  });

  it('takes a lone leaf', () => {
    expect(parseImportedChain(ca.leafCertPem, source).chainPem).toBe(ca.leafCertPem);
  });

  it('normalises CRLF, drops a byte-order mark and ignores text between blocks', () => {
    const text = `\uFEFFsubject=CN=www.example.test\r\n${ca.leafCertPem}\r\nBag Attributes\r\n${ca.caCertPem}`.replace(/\n/g, '\r\n');
    expect(parseImportedChain(text, source).chainPem).toBe(ca.leafCertPem + ca.caCertPem);
  });

  it('accepts old Mac line ends (CR only)', () => {
    expect(parseImportedChain((ca.leafCertPem + ca.caCertPem).replace(/\n/g, '\r'), source).chainPem).toBe(ca.leafCertPem + ca.caCertPem);
  });

  it.each([
    ['leaf, intermediate, root', () => [deep.leaf, deep.intermediate, deep.root]],
    ['leaf, root, intermediate', () => [deep.leaf, deep.root, deep.intermediate]],
    ['intermediate, leaf, root', () => [deep.intermediate, deep.leaf, deep.root]],
    ['intermediate, root, leaf', () => [deep.intermediate, deep.root, deep.leaf]],
    ['root, intermediate, leaf', () => [deep.root, deep.intermediate, deep.leaf]],
    ['root, leaf, intermediate', () => [deep.root, deep.leaf, deep.intermediate]],
  ])('reorders %s into leaf, intermediate, root', (_label, blocks) => {
    const result = parseImportedChain(blocks().join(''), source);
    expect(splitPemChain(result.chainPem)).toEqual([deep.leaf, deep.intermediate, deep.root]);
    expect(result.meta.domains).toEqual(['deep.example.test']);
  });

  it('takes the non-CA certificate as the leaf when the intermediate between it and the root is missing', () => {
    const result = parseImportedChain(deep.root + deep.leaf, source);
    expect(result.chainPem).toBe(deep.leaf + deep.root);
    expect(result.meta.domains).toEqual(['deep.example.test']);
  });

  it('takes a lone CA certificate', () => {
    expect(parseImportedChain(deep.intermediate, source).meta.subject).toBe('CN=Deep Intermediate');
  });

  it('keeps a certificate that appears twice once', () => {
    const result = parseImportedChain(deep.leaf + deep.intermediate + deep.leaf + deep.intermediate, source);
    expect(result.chainPem).toBe(deep.leaf + deep.intermediate);
  });

  it('checks a given key against the leaf, whatever its line ends', () => {
    expect(parseImportedChain(ca.leafCertPem, source, ca.leafKeyPem).meta.domains).toEqual(['www.example.test', 'example.test']);
    expect(parseImportedChain(deep.root + deep.leaf + deep.intermediate, source, deep.leafKey.replace(/\n/g, '\r\n')).meta.domains).toEqual(['deep.example.test']);
  });
});

describe('parseImportedChain: refused files', () => {
  it.each([
    ['an empty file', ''],
    ['a file of white space', ' \r\n\t\n'],
  ])('refuses %s', (_label, text) => {
    expect(importFailure(text).message).toMatch(/, the file is empty$/);
  });

  it.each(['utf8', 'latin1'] as const)('refuses a DER certificate read as %s text, telling how to convert it', async (encoding) => {
    await writeFile(path.join(dir, 'leaf.pem'), ca.leafCertPem);
    await run(['x509', '-in', 'leaf.pem', '-outform', 'der', '-out', 'leaf.der']);
    const der = await readFile(path.join(dir, 'leaf.der'));
    const failure = importFailure(der.toString(encoding));
    expect(failure.message).toMatch(/, it is a binary file \(DER or PKCS#12\), not PEM text$/);
    expect(failure.remedy).toContain(`openssl x509 -inform der -in ${source}`);
  });

  it('refuses text without a PEM block', () => {
    expect(importFailure('this is not a certificate\n').message).toMatch(/, it holds no PEM certificate$/);
  });

  it('refuses a key-only file without repeating the key', () => {
    const failure = importFailure(ca.leafKeyPem);
    expect(failure.message).toMatch(/, it holds a private key and no certificate$/);
    expect(failure.remedy).toMatch(/needs no key/);
    expect(`${failure.message} ${failure.remedy ?? ''}`).not.toContain(ca.leafKeyPem.split('\n')[1]);
  });

  it.each([
    ['after the chain', () => ca.leafCertPem + ca.caCertPem + ca.leafKeyPem],
    ['before the chain', () => ca.leafKeyPem + ca.leafCertPem],
    ['even when the key is also given', () => ca.leafCertPem + ca.leafKeyPem],
  ])('refuses a private key in the file %s', (_label, text) => {
    expect(importFailure(text(), ca.leafKeyPem).message).toMatch(/, it also holds a private key$/);
  });

  it.each([
    ['RSA PRIVATE KEY', /, it also holds a private key$/],
    ['ENCRYPTED PRIVATE KEY', /, it also holds a private key$/],
    ['CERTIFICATE REQUEST', /, it holds a CERTIFICATE REQUEST block, and only CERTIFICATE blocks can be imported$/],
    ['PKCS7', /, it holds a PKCS7 block, and only CERTIFICATE blocks can be imported$/],
  ])('refuses a %s block', (label, reason) => {
    const block = `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`;
    expect(importFailure(ca.leafCertPem + block).message).toMatch(reason);
  });

  it('refuses a block cut short', () => {
    const cut = ca.leafCertPem.slice(0, ca.leafCertPem.indexOf('-----END'));
    expect(importFailure(cut + ca.caCertPem).message).toMatch(/, a certificate block has no -----END CERTIFICATE----- line$/);
    expect(importFailure(cut).message).toMatch(/, a certificate block has no -----END CERTIFICATE----- line$/);
  });

  it('refuses a certificate whose base64 is damaged, saying which', () => {
    const damaged = ca.caCertPem.replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!');
    expect(importFailure(ca.leafCertPem + damaged).message).toMatch(/, certificate 2 of 2 cannot be parsed$/);
  });

  it('refuses a file over the size limit', () => {
    const text = ca.leafCertPem + '#'.repeat(MAX_IMPORT_BYTES);
    expect(importFailure(text).message).toMatch(/, the file is larger than 1024 KiB$/);
  });

  it('refuses more certificates than one chain has', async () => {
    const names = Array.from({ length: MAX_IMPORT_CERTIFICATES + 1 }, (_, index) => `many-${index}`);
    await Promise.all(
      names.map((name) => run(['req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '1', '-subj', `/CN=${name}`])),
    );
    const text = (await Promise.all(names.map((name) => read(`${name}.pem`)))).join('');
    expect(importFailure(text).message).toMatch(new RegExp(`, it holds ${MAX_IMPORT_CERTIFICATES + 1} certificates, more than the ${MAX_IMPORT_CERTIFICATES} one chain can have$`));
  });

  it('refuses two server certificates instead of guessing the leaf', () => {
    const failure = importFailure(ca.leafCertPem + ca.caCertPem + stranger.leafCertPem);
    expect(failure.message).toMatch(/, it holds 2 certificates that could each be the leaf \("CN=www\.example\.test" and "CN=localhost"\)$/);
  });

  it('refuses a key that belongs to another certificate', () => {
    expect(importFailure(ca.leafCertPem, stranger.leafKeyPem).message).toMatch(/, the private key does not belong to its certificate \(CN=www\.example\.test\)$/);
    // The intermediate's key matches a certificate in the file, but not the leaf.
    expect(importFailure(deep.intermediate + deep.leaf, deep.intermediateKey).message).toMatch(/does not belong to its certificate/);
  });

  it('refuses a key that cannot be read', () => {
    expect(importFailure(ca.leafCertPem, 'not a key').message).toMatch(/, the private key cannot be read$/);
  });

  it('refuses an encrypted key, telling how to decrypt it', async () => {
    await writeFile(path.join(dir, 'plain.key'), ca.leafKeyPem);
    await run(['pkey', '-in', 'plain.key', '-aes256', '-passout', 'pass:secret', '-out', 'encrypted.key']);
    const failure = importFailure(ca.leafCertPem, await read('encrypted.key'));
    expect(failure.message).toMatch(/, the private key is encrypted$/);
    expect(failure.remedy).toContain('openssl pkey');
  });
});
