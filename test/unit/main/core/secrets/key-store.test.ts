import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import {
  describeSecretsKey,
  inspectSecretsKey,
  keychainAccount,
  keychainService,
  openSecretBox,
  resolveSecretsKey,
  type KeyStore,
  type SecretsKeyOptions,
} from '../../../../../main/core/secrets/key-store.ts';
import { createRecordingLogger, type RecordingLogger } from '../../../../support/recording-logger.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { rejection } from '../../support/thrown.ts';

/** An in-memory keychain with the failures a real one shows. */
function fakeKeychain(options: { unavailable?: boolean; refuseSet?: boolean; forgetWrites?: boolean; setDelayMs?: number } = {}) {
  const entries = new Map<string, string>();
  const calls = { get: 0, set: 0 };
  const store: KeyStore = {
    name: 'the Test Keychain',
    get: (service, account) => {
      calls.get += 1;
      if (options.unavailable === true) return Promise.reject(new Error('DBus error: no session bus'));
      return Promise.resolve(entries.get(`${service}/${account}`));
    },
    set: async (service, account, value) => {
      calls.set += 1;
      if (options.unavailable === true) throw new Error('DBus error: no session bus');
      if (options.refuseSet === true) throw new Error('the collection is locked');
      if (options.setDelayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, options.setDelayMs));
      if (options.forgetWrites !== true) entries.set(`${service}/${account}`, value);
    },
  };
  return { store, entries, calls };
}

const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o777;

async function expectInvalidData(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(CertDeskError);
  expect(error).toMatchObject({ code: 'invalid_data' });
  expect((error as CertDeskError).message).toMatch(message);
  expect((error as CertDeskError).remedy).toBeDefined();
}

describe('keychainAccount', () => {
  it('is the SHA-256 of the absolute data dir path, different per data dir', () => {
    const dir = path.resolve('/home/admin/.config/CertDesk');
    expect(keychainAccount(dir)).toBe(createHash('sha256').update(dir).digest('hex'));
    expect(keychainAccount(dir)).not.toBe(keychainAccount(`${dir}-2`));
    expect(keychainAccount('relative/dir')).toBe(keychainAccount(path.resolve('relative/dir')));
  });
});

describe('resolveSecretsKey', () => {
  const tempDir = useTempDir('key-store');
  const secretsDir = (): string => path.join(tempDir(), 'secrets');
  let logger: RecordingLogger;
  const options = (keyStore: KeyStore | undefined, extra: Partial<SecretsKeyOptions> = {}): SecretsKeyOptions => {
    logger = createRecordingLogger();
    return { dataDir: tempDir(), secretsDir: secretsDir(), keyStore, logger, keychainWaitMs: 300, ...extra };
  };

  it('creates a new key in the keychain, with a 0600 marker naming the entry and no key file', async () => {
    const keychain = fakeKeychain();
    const { key, location } = await resolveSecretsKey(options(keychain.store));
    const account = keychainAccount(tempDir());
    expect(location).toStrictEqual({ store: 'keychain', keychain: 'the Test Keychain', service: keychainService, account });
    expect(Buffer.from(keychain.entries.get(`CertDesk/${account}`) ?? '', 'base64')).toStrictEqual(key);
    expect(await readdir(secretsDir())).toStrictEqual(['.keychain']);
    expect(await modeOf(path.join(secretsDir(), '.keychain'))).toBe(0o600);
    const marker = JSON.parse(await readFile(path.join(secretsDir(), '.keychain'), 'utf8')) as Record<string, string>;
    expect(marker).toStrictEqual({
      format: 'certdesk-keychain-v1',
      service: 'CertDesk',
      account,
      fingerprint: createHash('sha256').update(key).digest('hex').slice(0, 16),
    });
    expect(logger.entries).toStrictEqual([]);
  });

  it('finds the same key again, as the CLI does after the app', async () => {
    const keychain = fakeKeychain();
    const first = await resolveSecretsKey(options(keychain.store));
    const second = await resolveSecretsKey(options(keychain.store));
    expect(second.key).toStrictEqual(first.key);
    expect(keychain.calls.set).toBe(1);
  });

  it('keeps using a key file from before the keychain, moving nothing', async () => {
    const old = randomBytes(32);
    await mkdir(secretsDir(), { recursive: true });
    await writeFile(path.join(secretsDir(), '.key'), `${old.toString('base64')}\n`, { mode: 0o600 });
    const keychain = fakeKeychain();
    const { key, location } = await resolveSecretsKey(options(keychain.store));
    expect(key).toStrictEqual(old);
    expect(location).toStrictEqual({ store: 'file', path: path.join(secretsDir(), '.key'), reason: 'key_file' });
    expect(keychain.calls).toStrictEqual({ get: 0, set: 0 });
    expect(await readdir(secretsDir())).toStrictEqual(['.key']);
    expect(logger.entries.map((e) => e.level)).toStrictEqual(['warn']);
  });

  it('falls back to a 0600 key file with a warning when the keychain cannot be reached', async () => {
    const { key, location } = await resolveSecretsKey(options(fakeKeychain({ unavailable: true }).store));
    const file = path.join(secretsDir(), '.key');
    expect(location).toMatchObject({ store: 'file', path: file, reason: 'no_keychain' });
    expect(location.store === 'file' ? location.detail : '').toContain('the Test Keychain is not available: DBus error');
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')).toStrictEqual(key);
    expect(await modeOf(file)).toBe(0o600);
    expect(await modeOf(secretsDir())).toBe(0o700);
    expect(await readdir(secretsDir())).toStrictEqual(['.key']);
    expect(logger.entries).toHaveLength(1);
    expect(logger.entries[0]).toMatchObject({ level: 'warn', fields: { path: file } });
    expect(logger.lines.join('\n')).not.toContain(key.toString('base64'));
  });

  it('logs the file key at info level when asked (the CLI)', async () => {
    await resolveSecretsKey(options(undefined, { fileKeyLog: 'info' }));
    expect(logger.entries.map((e) => e.level)).toStrictEqual(['info']);
  });

  it('uses the key file when no keychain is in use at all', async () => {
    const { location } = await resolveSecretsKey(options(undefined));
    expect(location).toMatchObject({ store: 'file', reason: 'no_keychain' });
  });

  it.each([
    ['refuses the entry', { refuseSet: true }, 'refused the key: the collection is locked'],
    ['accepts the entry but does not keep it', { forgetWrites: true }, 'did not keep the key'],
  ] as const)('falls back to the key file, removing its marker, when the keychain %s', async (_label, failure, detail) => {
    const { location } = await resolveSecretsKey(options(fakeKeychain(failure).store));
    expect(location).toMatchObject({ store: 'file', reason: 'no_keychain' });
    expect(location.store === 'file' ? location.detail : '').toContain(detail);
    expect(await readdir(secretsDir())).toStrictEqual(['.key']);
  });

  it('adopts an entry already in the keychain when the marker is missing (a restored data dir)', async () => {
    const keychain = fakeKeychain();
    const existing = randomBytes(32);
    keychain.entries.set(`CertDesk/${keychainAccount(tempDir())}`, existing.toString('base64'));
    const { key, location } = await resolveSecretsKey(options(keychain.store));
    expect(key).toStrictEqual(existing);
    expect(location.store).toBe('keychain');
    expect(keychain.calls.set).toBe(0);
    expect(await readdir(secretsDir())).toStrictEqual(['.keychain']);
  });

  it('gives boxes started at once one key, stored once', async () => {
    const keychain = fakeKeychain({ setDelayMs: 30 });
    const keys = await Promise.all(Array.from({ length: 6 }, () => resolveSecretsKey(options(keychain.store))));
    for (const { key } of keys) expect(key).toStrictEqual(keys[0]?.key);
    expect(keychain.calls.set).toBe(1);
  });

  describe('with the key in the keychain', () => {
    async function keyInKeychain(): Promise<ReturnType<typeof fakeKeychain>> {
      const keychain = fakeKeychain();
      await resolveSecretsKey(options(keychain.store));
      return keychain;
    }

    it('refuses to create a second key when the keychain cannot be reached, naming the entry', async () => {
      await keyInKeychain();
      await expectInvalidData(resolveSecretsKey(options(fakeKeychain({ unavailable: true }).store)), /^Unable to read the secrets key from the Test Keychain, DBus error/);
      expect(await readdir(secretsDir())).toStrictEqual(['.keychain']);
    });

    it('refuses when no keychain is in use (CERTDESK_KEYCHAIN=off)', async () => {
      await keyInKeychain();
      await expectInvalidData(resolveSecretsKey(options(undefined)), /it is kept in the OS keychain entry "CertDesk" \/ [0-9a-f]{64} and no OS keychain is in use here/);
      expect(await readdir(secretsDir())).toStrictEqual(['.keychain']);
    });

    it('refuses an entry that holds another key', async () => {
      const keychain = await keyInKeychain();
      keychain.entries.set(`CertDesk/${keychainAccount(tempDir())}`, randomBytes(32).toString('base64'));
      await expectInvalidData(resolveSecretsKey(options(keychain.store)), /it is not the key .*\.keychain names/);
    });

    it('waits for a missing entry a moment (a racing creator), then refuses', async () => {
      const keychain = await keyInKeychain();
      keychain.entries.clear();
      await expectInvalidData(resolveSecretsKey(options(keychain.store)), /is missing$/);
    });

    it('refuses a damaged marker', async () => {
      await keyInKeychain();
      await writeFile(path.join(secretsDir(), '.keychain'), '{"format":"something-else"}');
      await expectInvalidData(resolveSecretsKey(options(fakeKeychain().store)), /\.keychain is damaged$/);
    });
  });
});

describe('openSecretBox', () => {
  const tempDir = useTempDir('secret-box');
  const open = (keyStore: KeyStore | undefined) =>
    openSecretBox({ dataDir: tempDir(), secretsDir: path.join(tempDir(), 'secrets'), keyStore, logger: createRecordingLogger() });

  it('encrypts under the keychain key; another box on the same data dir reads it', async () => {
    const keychain = fakeKeychain();
    const first = open(keychain.store);
    await first.box.put('accounts/le/account-key', 'PEM');
    expect(await open(keychain.store).box.get('accounts/le/account-key')).toBe('PEM');
    expect(await first.location()).toMatchObject({ store: 'keychain' });
  });

  it('tries the keychain again after a failure instead of keeping it', async () => {
    const keychain = fakeKeychain();
    await open(keychain.store).box.put('a', '1');
    let unavailable = true;
    const flaky: KeyStore = { ...keychain.store, get: (s, a) => (unavailable ? Promise.reject(new Error('locked')) : keychain.store.get(s, a)) };
    const opened = open(flaky);
    await expect(opened.box.get('a')).rejects.toThrow(/locked/);
    unavailable = false;
    expect(await opened.box.get('a')).toBe('1');
  });
});

describe('inspectSecretsKey and describeSecretsKey', () => {
  const tempDir = useTempDir('key-info');
  const where = (keyStore: KeyStore | undefined) => inspectSecretsKey({ dataDir: tempDir(), secretsDir: path.join(tempDir(), 'secrets'), keyStore });

  it('says a new key would go to the keychain, creating nothing', async () => {
    const status = await where(fakeKeychain().store);
    expect(status).toStrictEqual({ store: 'none', keychain: 'the Test Keychain', path: path.join(tempDir(), 'secrets', '.key') });
    expect(describeSecretsKey(status).en).toBe('not created yet; will be kept in the Test Keychain');
    await expect(stat(path.join(tempDir(), 'secrets'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('says a new key would go to the file when no keychain answers', async () => {
    const status = await where(fakeKeychain({ unavailable: true }).store);
    expect(status).toStrictEqual({ store: 'none', path: path.join(tempDir(), 'secrets', '.key') });
    expect(describeSecretsKey(status)['zh-CN']).toContain('没有可用的系统钥匙串');
  });

  it('names the keychain entry or the key file', async () => {
    const keychain = fakeKeychain();
    await resolveSecretsKey({ dataDir: tempDir(), secretsDir: path.join(tempDir(), 'secrets'), keyStore: keychain.store, logger: createRecordingLogger() });
    const status = await where(keychain.store);
    expect(describeSecretsKey(status).en).toBe(`the Test Keychain (service "CertDesk", account ${keychainAccount(tempDir())})`);

    const other = path.join(tempDir(), 'other');
    await resolveSecretsKey({ dataDir: other, secretsDir: path.join(other, 'secrets'), keyStore: undefined, logger: createRecordingLogger() });
    const file = await inspectSecretsKey({ dataDir: other, secretsDir: path.join(other, 'secrets'), keyStore: keychain.store });
    expect(describeSecretsKey(file).en).toBe(`${path.join(other, 'secrets', '.key')} (a file readable only by this user; no OS keychain in use)`);
  });
});
