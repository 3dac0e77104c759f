import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import { FileSecretBox } from '../../../../../main/core/secrets/file-secret-box.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { rejection } from '../../support/thrown.ts';

async function expectInvalidData(promise: Promise<unknown>, message: RegExp): Promise<CertDeskError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(CertDeskError);
  const certDeskError = error as CertDeskError;
  expect(certDeskError.code).toBe('invalid_data');
  expect(certDeskError.message).toMatch(message);
  expect(certDeskError.remedy).toBeDefined();
  return certDeskError;
}

const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o777;

describe('FileSecretBox', () => {
  const tempDir = useTempDir('secrets');
  const secretsDir = (): string => path.join(tempDir(), 'secrets');
  const keyFile = (): string => path.join(secretsDir(), '.key');
  const box = (): FileSecretBox => new FileSecretBox(secretsDir());

  it.each([
    ['a TSIG secret', 'dns/bind/tsig-secret', 'c2VjcmV0LXRzaWcta2V5LWJhc2U2NA=='],
    ['an account key (multi-line PEM)', 'accounts/le/account-key', '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n'],
    ['an empty value', 'empty', ''],
    ['non-ASCII text', 'unicode', 'pässwört 密码 🔑'],
    ['a large value', 'large', 'x'.repeat(200_000)],
    ['a name with dots, dashes and underscores', 'a.b-c_d/e', 'value'],
  ])('round-trips %s', async (_label, name, value) => {
    const secrets = box();
    await secrets.put(name, value);
    expect(await secrets.get(name)).toBe(value);
    // And through a fresh box, as another process (the CLI after the app) reads it.
    expect(await box().get(name)).toBe(value);
  });

  it('returns undefined for a secret never stored, creating nothing', async () => {
    expect(await box().get('accounts/none/account-key')).toBeUndefined();
    await expect(stat(secretsDir())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('replaces a secret with a new value', async () => {
    const secrets = box();
    await secrets.put('token', 'old');
    await secrets.put('token', 'new');
    expect(await secrets.get('token')).toBe('new');
    expect(await readdir(secretsDir())).toStrictEqual(['.key', 'token.secret']);
  });

  it('keeps secrets apart by name', async () => {
    const secrets = box();
    await secrets.put('accounts/a/account-key', 'A');
    await secrets.put('accounts/b/account-key', 'B');
    expect(await secrets.get('accounts/a/account-key')).toBe('A');
    expect(await secrets.get('accounts/b/account-key')).toBe('B');
  });

  it('never writes the value in clear, and encrypts the same value differently each time', async () => {
    const secrets = box();
    const value = 'the-tsig-secret-in-clear';
    await secrets.put('one', value);
    await secrets.put('two', value);
    const one = await readFile(path.join(secretsDir(), 'one.secret'), 'utf8');
    const two = await readFile(path.join(secretsDir(), 'two.secret'), 'utf8');
    expect(one).not.toContain(value);
    expect(one).not.toContain(Buffer.from(value).toString('base64'));
    expect(one.split('\n')[0]).toBe('certdesk-secret-v1');
    expect(one.split('\n').slice(1)).not.toStrictEqual(two.split('\n').slice(1));
  });

  it('writes secret files 0600 and every folder 0700, the key file 0600', async () => {
    await box().put('accounts/le/account-key', 'k');
    expect(await modeOf(secretsDir())).toBe(0o700);
    expect(await modeOf(path.join(secretsDir(), 'accounts'))).toBe(0o700);
    expect(await modeOf(path.join(secretsDir(), 'accounts', 'le'))).toBe(0o700);
    expect(await modeOf(path.join(secretsDir(), 'accounts', 'le', 'account-key.secret'))).toBe(0o600);
    expect(await modeOf(keyFile())).toBe(0o600);
  });

  it('leaves no temp files behind', async () => {
    const secrets = box();
    for (let i = 0; i < 5; i += 1) await secrets.put('dns/x/tsig', `v${String(i)}`);
    expect(await readdir(path.join(secretsDir(), 'dns', 'x'))).toStrictEqual(['tsig.secret']);
  });

  it('creates the key file once: a 32-byte base64 key, kept across puts and boxes', async () => {
    const first = box();
    await first.put('a', '1');
    const key = await readFile(keyFile(), 'utf8');
    expect(Buffer.from(key.trim(), 'base64')).toHaveLength(32);
    await first.put('b', '2');
    await box().put('c', '3');
    expect(await readFile(keyFile(), 'utf8')).toBe(key);
  });

  /**
   * Boxes created at once (the app and the CLI starting together) must end up with one key. The
   * window for a race is small, so it gets many chances: 200 fresh data dirs, 4 boxes in each.
   */
  it.each([
    ['a fresh data dir', false],
    ['a data dir whose secrets folder exists but holds no key yet', true],
  ])('lets boxes started at once in %s share one key: each reads what the others wrote', async (_label, folderExists) => {
    const boxes = 4;
    for (let round = 0; round < 200; round += 1) {
      const dir = path.join(tempDir(), `round-${String(round)}`, 'secrets');
      if (folderExists) await mkdir(dir, { recursive: true, mode: 0o700 });
      const opened = Array.from({ length: boxes }, () => new FileSecretBox(dir));
      // allSettled: a failed put must not leave the others writing while the temp dir is removed.
      const results = await Promise.allSettled(opened.map((secrets, i) => secrets.put(`from-${String(i)}`, `value ${String(i)}`)));
      expect(results.filter((result) => result.status === 'rejected')).toStrictEqual([]);
      for (const secrets of opened) {
        for (let i = 0; i < boxes; i += 1) expect(await secrets.get(`from-${String(i)}`)).toBe(`value ${String(i)}`);
      }
    }
    // 200 rounds of fsynced writes: about a second alone, several on a busy two-core CI machine.
  }, 60_000);

  it('uses the key from loadKey when given, and writes no key file', async () => {
    const key = randomBytes(32);
    const secrets = new FileSecretBox(secretsDir(), () => Promise.resolve(key));
    await secrets.put('a', 'value');
    expect(await new FileSecretBox(secretsDir(), () => Promise.resolve(key)).get('a')).toBe('value');
    expect(await readdir(secretsDir())).toStrictEqual(['a.secret']);
  });

  it('asks loadKey only once per box', async () => {
    let calls = 0;
    const secrets = new FileSecretBox(secretsDir(), () => {
      calls += 1;
      return Promise.resolve(Buffer.alloc(32, 7));
    });
    await Promise.all([secrets.put('a', '1'), secrets.put('b', '2')]);
    await secrets.get('a');
    expect(calls).toBe(1);
  });

  it('asks loadKey again after it failed (a keychain locked at first use)', async () => {
    let calls = 0;
    const secrets = new FileSecretBox(secretsDir(), () => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('locked')) : Promise.resolve(Buffer.alloc(32, 7));
    });
    await expect(secrets.put('a', '1')).rejects.toThrow('locked');
    await secrets.put('a', '1');
    expect(await secrets.get('a')).toBe('1');
    expect(calls).toBe(2);
  });

  it.each([
    ['the ciphertext', 3],
    ['the auth tag', 2],
    ['the IV', 1],
  ])('reports a tampered secret (a changed byte in %s) as invalid_data', async (_label, line) => {
    await box().put('dns/x/tsig', 'secret-value');
    const file = path.join(secretsDir(), 'dns', 'x', 'tsig.secret');
    const lines = (await readFile(file, 'utf8')).split('\n');
    const field = Buffer.from(lines[line] ?? '', 'base64');
    field[0] = (field[0] ?? 0) ^ 0x01;
    lines[line] = field.toString('base64');
    await writeFile(file, lines.join('\n'));
    const error = await expectInvalidData(box().get('dns/x/tsig'), /^Unable to read the secret dns\/x\/tsig, its file is damaged or was encrypted with another key$/);
    expect(error.remedy).toContain(file);
    expect(error.message).not.toContain('secret-value');
  });

  it.each([
    ['an empty file', ''],
    ['another format tag', 'certdesk-secret-v2\nAAAA\nAAAA\nAAAA\n'],
    ['a truncated file', 'certdesk-secret-v1\nAAAA\n'],
    ['plain text', 'my password\n'],
  ])('reports %s as invalid_data', async (_label, content) => {
    await box().put('seed', 'x'); // creates the key
    await writeFile(path.join(secretsDir(), 'dns.secret'), content);
    await expectInvalidData(box().get('dns'), /^Unable to read the secret dns, /);
  });

  it('refuses a secret moved to another name (the name is authenticated)', async () => {
    const secrets = box();
    await secrets.put('accounts/a/account-key', 'key of a');
    await mkdir(path.join(secretsDir(), 'accounts', 'b'), { recursive: true });
    await rename(path.join(secretsDir(), 'accounts', 'a', 'account-key.secret'), path.join(secretsDir(), 'accounts', 'b', 'account-key.secret'));
    await expectInvalidData(secrets.get('accounts/b/account-key'), /accounts\/b\/account-key/);
  });

  it('refuses a secret encrypted with another key', async () => {
    await new FileSecretBox(secretsDir(), () => Promise.resolve(Buffer.alloc(32, 1))).put('a', 'value');
    await expectInvalidData(new FileSecretBox(secretsDir(), () => Promise.resolve(Buffer.alloc(32, 2))).get('a'), /encrypted with another key/);
  });

  it.each([
    ['16 bytes', Buffer.alloc(16, 1).toString('base64')],
    ['33 bytes', Buffer.alloc(33, 1).toString('base64')],
    ['empty', ''],
    ['not base64', '!!!!'],
  ])('reports a key file of %s as invalid_data naming it, for put and get', async (_label, content) => {
    await mkdir(secretsDir(), { recursive: true });
    await writeFile(keyFile(), content);
    const putError = await expectInvalidData(box().put('a', 'value'), /^Unable to use the secrets key .*, it is not a 32-byte key$/);
    expect(putError.message).toContain(keyFile());
    await writeFile(path.join(secretsDir(), 'b.secret'), 'certdesk-secret-v1\nAAAA\nAAAA\nAAAA\n');
    const getError = await rejection(box().get('b'));
    expect(getError).toBeInstanceOf(CertDeskError);
    expect((getError as CertDeskError).code).toBe('invalid_data');
    // The key file must not have been replaced: the secrets it encrypted would be lost.
    expect(await readFile(keyFile(), 'utf8')).toBe(content);
  });

  it.each([
    [''],
    ['A'],
    ['Accounts/le/key'],
    ['.key'],
    ['../outside'],
    ['a/../../outside'],
    ['a/..'],
    ['/absolute'],
    ['a//b'],
    ['a/'],
    ['a b'],
    ['a\\b'],
    ['a..b'],
    ['-a'],
  ])('refuses the secret name %j for put, get and delete', async (name) => {
    const secrets = box();
    await expect(secrets.put(name, 'v')).rejects.toThrow(/Invalid secret name/);
    await expect(secrets.get(name)).rejects.toThrow(/Invalid secret name/);
    await expect(secrets.delete(name)).rejects.toThrow(/Invalid secret name/);
    expect((await readdir(tempDir())).filter((entry) => entry !== 'secrets')).toStrictEqual([]);
  });

  it('deletes a secret, and deleting again (or what never existed) is fine', async () => {
    const secrets = box();
    await secrets.put('accounts/le/eab-hmac', 'hmac');
    await secrets.delete('accounts/le/eab-hmac');
    expect(await secrets.get('accounts/le/eab-hmac')).toBeUndefined();
    await secrets.delete('accounts/le/eab-hmac');
    await secrets.delete('never/stored');
    expect(await readdir(path.join(secretsDir(), 'accounts', 'le'))).toStrictEqual([]);
  });
});
