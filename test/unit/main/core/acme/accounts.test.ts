import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { accountSecrets, readCaFile } from '../../../../../main/core/acme/accounts.ts';
import { caPresets, resolveDirectoryUrl } from '../../../../../main/core/acme/presets.ts';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import { createTestCa, type TestCa } from '../../../../support/test-ca.ts';
import { thrown } from '../../support/thrown.ts';
import { useTempDir } from '../../support/temp-dir.ts';

describe('resolveDirectoryUrl', () => {
  it.each([
    ['letsencrypt', 'https://acme-v02.api.letsencrypt.org/directory'],
    ['letsencrypt-staging', 'https://acme-staging-v02.api.letsencrypt.org/directory'],
    ['zerossl', 'https://acme.zerossl.com/v2/DV90'],
    ['google', 'https://dv.acme-v02.api.pki.goog/directory'],
    ['google-staging', 'https://dv.acme-v02.test-api.pki.goog/directory'],
  ])('resolves the preset %s to %s', (preset, url) => {
    expect(resolveDirectoryUrl(preset)).toBe(url);
  });

  it('has a test row for every preset', () => {
    expect(Object.keys(caPresets).sort()).toStrictEqual(['google', 'google-staging', 'letsencrypt', 'letsencrypt-staging', 'zerossl']);
  });

  it.each([
    ['https://ca.example/directory', 'https://ca.example/directory'],
    ['https://127.0.0.1:14000/dir', 'https://127.0.0.1:14000/dir'],
    ['http://localhost:4001/directory', 'http://localhost:4001/directory'],
    ['HTTPS://CA.Example/Directory', 'https://ca.example/Directory'],
    ['https://ca.example', 'https://ca.example/'],
    ['https://[::1]:14000/dir', 'https://[::1]:14000/dir'],
    ['https://bücher.example/dir', 'https://xn--bcher-kva.example/dir'],
  ])('accepts the URL %s as %s', (input, url) => {
    expect(resolveDirectoryUrl(input)).toBe(url);
  });

  it.each([
    [''],
    ['   '],
    ['letsencrypt-prod'],
    ['LetsEncrypt'],
    ['toString'],
    ['__proto__'],
    ['constructor'],
    ['ca.example/directory'],
    ['//ca.example/directory'],
    ['https://'],
    ['ftp://ca.example/directory'],
    ['file:///etc/passwd'],
    ['javascript:alert(1)'],
    ['data:text/plain,hi'],
    ['ws://ca.example/directory'],
  ])('refuses %j with invalid_input naming it and listing the presets', (input) => {
    const error = thrown(() => resolveDirectoryUrl(input));
    expect(error).toBeInstanceOf(CertDeskError);
    const certDeskError = error as CertDeskError;
    expect(certDeskError.code).toBe('invalid_input');
    expect(certDeskError.message).toBe(`Unable to use ${JSON.stringify(input)} as an ACME directory, it is neither a preset nor an http(s) URL`);
    expect(certDeskError.remedy).toContain('letsencrypt, letsencrypt-staging, zerossl, google, google-staging');
  });
});

describe('accountSecrets', () => {
  it('names the account key and EAB HMAC under accounts/<name>/', () => {
    expect(accountSecrets.key('le')).toBe('accounts/le/account-key');
    expect(accountSecrets.eabHmac('zerossl')).toBe('accounts/zerossl/eab-hmac');
  });
});

describe('readCaFile', () => {
  const tempDir = useTempDir('accounts');
  let testCa: TestCa;

  beforeAll(async () => {
    testCa = await createTestCa();
  });

  async function expectInvalid(file: string, message: RegExp): Promise<CertDeskError> {
    const error = await readCaFile(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CertDeskError);
    const certDeskError = error as CertDeskError;
    expect(certDeskError.code).toBe('invalid_input');
    expect(certDeskError.message).toMatch(message);
    expect(certDeskError.message).toContain(file);
    expect(certDeskError.remedy).toBeDefined();
    return certDeskError;
  }

  it('returns the PEM of a CA file', async () => {
    const file = path.join(tempDir(), 'ca.pem');
    await writeFile(file, testCa.caCertPem);
    expect(await readCaFile(file)).toBe(testCa.caCertPem);
  });

  it('returns a bundle of several certificates whole', async () => {
    const file = path.join(tempDir(), 'bundle.pem');
    const bundle = `${testCa.caCertPem}${testCa.leafCertPem}`;
    await writeFile(file, bundle);
    expect(await readCaFile(file)).toBe(bundle);
  });

  it('reports a missing file as invalid_input, keeping the cause', async () => {
    const file = path.join(tempDir(), 'missing.pem');
    const error = await expectInvalid(file, /^Unable to read the CA file /);
    expect(error.cause).toMatchObject({ code: 'ENOENT' });
  });

  it('reports a folder as invalid_input', async () => {
    const dir = path.join(tempDir(), 'folder.pem');
    await mkdir(dir);
    await expectInvalid(dir, /^Unable to read the CA file /);
  });

  it.each([
    ['an empty file', ''],
    ['plain text', 'trust me\n'],
    ['a private key', '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n'],
    ['DER bytes', '\u0030\u0082\u0001\u0022\u0030\u0081'],
  ])('reports %s as invalid_input: it holds no PEM certificate', async (_label, content) => {
    const file = path.join(tempDir(), 'ca.pem');
    await writeFile(file, content);
    const error = await expectInvalid(file, /it holds no PEM certificate$/);
    expect(error.remedy).toMatch(/openssl x509 -inform der/);
  });

  it('reports a PEM certificate block that does not parse as invalid_input', async () => {
    const file = path.join(tempDir(), 'ca.pem');
    await writeFile(file, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
    await expectInvalid(file, /^Unable to use the CA file /);
  });
});
