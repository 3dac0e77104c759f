/**
 * Where the key that encrypts `secrets/` lives: an entry in the OS keychain, shared by the desktop
 * app and the CLI, or — where no keychain can be reached (a headless Linux server without a Secret
 * Service) — the 0600 key file `secrets/.key`. A key file from before the keychain existed keeps
 * working as it is.
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, rm, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CertDeskError } from '../errors.ts';
import { isErrnoCode, modes, readIfExists, readJsonFile } from '../fs/atomic.ts';
import type { Logger } from '../ports.ts';
import { FileSecretBox, loadKeyFile } from './file-secret-box.ts';

/**
 * A store outside the data dir that keeps one secret string per service and account: the OS
 * keychain (macOS Keychain, Windows Credential Manager, the Secret Service on Linux).
 *
 * Contract: `get` resolves `undefined` when there is no entry and rejects when the store cannot be
 * reached or read (none installed, locked, no session bus); `set` creates or replaces the entry and
 * rejects when it could not. Rejection messages must not contain the value. Implementations must be
 * safe for concurrent use.
 */
export interface KeyStore {
  /** What to call the store in messages and `certdesk info`, e.g. `Secret Service`. */
  readonly name: string;
  get(service: string, account: string): Promise<string | undefined>;
  set(service: string, account: string, value: string): Promise<void>;
}

/** The keychain service CertDesk's entries are filed under, by the app and the CLI alike. */
export const keychainService = 'CertDesk';

/**
 * The keychain account for a data dir: the SHA-256 of its absolute path, so each data dir has its
 * own key and the app and the CLI on the same data dir find the same entry. Only a new entry is
 * named this way; after that the marker file records the account (see {@link resolveSecretsKey}),
 * so reaching the data dir through another path (a symlink) still finds the key.
 */
export function keychainAccount(dataDir: string): string {
  return createHash('sha256').update(path.resolve(dataDir)).digest('hex');
}

/** Where the secrets key of a data dir lives. */
export type SecretsKeyLocation =
  | { readonly store: 'keychain'; readonly keychain: string; readonly service: string; readonly account: string }
  | {
      readonly store: 'file';
      readonly path: string;
      /** `key_file`: a key file already existed; `no_keychain`: it was created because no keychain could be used. */
      readonly reason: 'key_file' | 'no_keychain';
      /** Why no keychain could be used, when `reason` is `no_keychain`. */
      readonly detail?: string;
    };

/** The key and where it came from. */
export interface SecretsKey {
  readonly key: Buffer;
  readonly location: SecretsKeyLocation;
}

/** What {@link resolveSecretsKey} needs. */
export interface SecretsKeyOptions {
  /** The data dir, for the keychain account of a new key. */
  readonly dataDir: string;
  /** `<dataDir>/secrets`. */
  readonly secretsDir: string;
  /** The OS keychain, or `undefined` where none is to be used (then the key file is). */
  readonly keyStore: KeyStore | undefined;
  readonly logger: Logger;
  /**
   * How to log that the key is kept in a file rather than a keychain: `warn` (the desktop app, at
   * every start) or `info` (the CLI: a headless server has no keychain by nature, and `certdesk info`
   * says where the key is). Default `warn`.
   */
  readonly fileKeyLog?: 'warn' | 'info';
  /** How long to wait for a racing process to store a new key in the keychain; default {@link keychainWaitMs}. */
  readonly keychainWaitMs?: number;
}

/** The marker's file name in `secrets/`; secret files are `<name>.secret` with `name` starting a-z0-9. */
const markerName = '.keychain';

/** The key file's name in `secrets/` (the fallback, and the only store before issue #6). */
const keyFileName = '.key';

const markerTag = 'certdesk-keychain-v1';

/**
 * Says that the key is in the keychain, under which entry, and which key it is (a fingerprint), so a
 * process that cannot reach the keychain fails clearly instead of creating a second key.
 */
const markerSchema = z.strictObject({
  format: z.literal(markerTag),
  service: z.string().min(1),
  account: z.string().min(1),
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
});

type Marker = z.infer<typeof markerSchema>;

/**
 * How long a process that lost the race to create a new keychain key waits for the winner to store
 * it: the winner writes the marker first and the keychain entry right after, which takes
 * milliseconds, or a few seconds when the keychain first asks the user to unlock it.
 */
const keychainWaitMs = 10_000;
const keychainPollMs = 100;

/**
 * Finds or creates the secrets key of a data dir, in this order:
 *
 * 1. `secrets/.keychain` exists → the key is in the keychain entry it names. If the keychain cannot
 *    be reached, or the entry is gone or holds another key, this throws (`invalid_data`) with a
 *    remedy — it never creates a second key that would leave the stored secrets unreadable.
 * 2. `secrets/.key` exists → that file (a data dir from before the keychain; it keeps working, and
 *    is not moved: a CLI run where the keychain is locked or absent would then lose its secrets).
 * 3. Neither: a new random 32-byte key goes into the keychain (service `CertDesk`, account
 *    {@link keychainAccount}) with the marker written first, exclusively, so processes starting at
 *    once agree on one key. An entry already there (a marker lost with a restored data dir) is
 *    adopted. When the keychain cannot be reached or refuses the entry, the key goes into
 *    `secrets/.key` (0600) instead and that is logged.
 *
 * Logs (never the key) where the key is when it is a file: see {@link SecretsKeyOptions.fileKeyLog}.
 */
export async function resolveSecretsKey(options: SecretsKeyOptions): Promise<SecretsKey> {
  const markerFile = path.join(options.secretsDir, markerName);
  const keyFile = path.join(options.secretsDir, keyFileName);
  for (;;) {
    const marker = await readMarker(markerFile);
    if (marker !== undefined) {
      const key = await keyFromKeychain(options.keyStore, marker, markerFile, options.keychainWaitMs ?? keychainWaitMs);
      return { key, location: keychainLocation(options.keyStore, marker) };
    }

    if ((await readIfExists(keyFile)) !== undefined) {
      const key = await loadKeyFile(keyFile);
      return fileKey(options, key, { store: 'file', path: keyFile, reason: 'key_file' });
    }

    const store = options.keyStore;
    if (store === undefined) {
      return fileKey(options, await loadKeyFile(keyFile), { store: 'file', path: keyFile, reason: 'no_keychain', detail: 'no OS keychain is in use' });
    }
    const created = await createInKeychain(store, options, markerFile);
    if (created === 'marker_exists') continue; // another process won; read its marker
    if (created.ok) return { key: created.key, location: keychainLocation(store, created.marker) };
    return fileKey(options, await loadKeyFile(keyFile), { store: 'file', path: keyFile, reason: 'no_keychain', detail: created.detail });
  }
}

/**
 * A {@link FileSecretBox} over `secrets/` whose key comes from {@link resolveSecretsKey} on first
 * use, and `location()`, which resolves the key (creating it if needed) and says where it lives.
 */
export function openSecretBox(options: SecretsKeyOptions): { readonly box: FileSecretBox; location(): Promise<SecretsKeyLocation> } {
  let resolved: Promise<SecretsKey> | undefined;
  const once = (): Promise<SecretsKey> => {
    // A failure (a locked keychain) is not kept: the next use tries again.
    resolved ??= resolveSecretsKey(options).catch((error: unknown) => {
      resolved = undefined;
      throw error;
    });
    return resolved;
  };
  return {
    box: new FileSecretBox(options.secretsDir, async () => (await once()).key),
    location: async () => (await once()).location,
  };
}

/** What {@link inspectSecretsKey} finds, without creating anything. */
export type SecretsKeyStatus =
  | SecretsKeyLocation
  /** No key yet: the first secret stored creates it, in the keychain when `keychain` is set, else in `path`. */
  | { readonly store: 'none'; readonly keychain?: string; readonly path: string };

/**
 * Where the key of a data dir lives, for `certdesk info`: read from the marker and the key file only,
 * creating nothing. With no key yet, it asks `keyStore` (a read of a missing entry) whether a new
 * key would go to the keychain. Throws `invalid_data` for a damaged marker.
 */
export async function inspectSecretsKey(options: { readonly dataDir: string; readonly secretsDir: string; readonly keyStore: KeyStore | undefined }): Promise<SecretsKeyStatus> {
  const markerFile = path.join(options.secretsDir, markerName);
  const keyFile = path.join(options.secretsDir, keyFileName);
  const marker = await readMarker(markerFile);
  if (marker !== undefined) return keychainLocation(options.keyStore, marker);
  if ((await readIfExists(keyFile)) !== undefined) return { store: 'file', path: keyFile, reason: 'key_file' };
  if (options.keyStore !== undefined) {
    try {
      await options.keyStore.get(keychainService, keychainAccount(options.dataDir));
      return { store: 'none', keychain: options.keyStore.name, path: keyFile };
    } catch {
      // No keychain reachable: a new key would go to the file.
    }
  }
  return { store: 'none', path: keyFile };
}

/** One line saying where the key lives, in English and Simplified Chinese, for `certdesk info`. */
export function describeSecretsKey(status: SecretsKeyStatus): { readonly en: string; readonly 'zh-CN': string } {
  switch (status.store) {
    case 'keychain':
      return {
        en: `${status.keychain} (service "${status.service}", account ${status.account})`,
        'zh-CN': `${status.keychain}（服务 "${status.service}"，账户 ${status.account}）`,
      };
    case 'file':
      return {
        en: `${status.path} (a file readable only by this user; no OS keychain in use)`,
        'zh-CN': `${status.path}（仅当前用户可读的文件；未使用系统钥匙串）`,
      };
    case 'none':
      return status.keychain === undefined
        ? { en: `not created yet; will be ${status.path} (no OS keychain available)`, 'zh-CN': `尚未创建；将保存在 ${status.path}（没有可用的系统钥匙串）` }
        : { en: `not created yet; will be kept in ${status.keychain}`, 'zh-CN': `尚未创建；将保存在${status.keychain}中` };
  }
}

function keychainLocation(store: KeyStore | undefined, marker: Marker): SecretsKeyLocation {
  return { store: 'keychain', keychain: store?.name ?? 'the OS keychain', service: marker.service, account: marker.account };
}

function fileKey(options: SecretsKeyOptions, key: Buffer, location: Extract<SecretsKeyLocation, { store: 'file' }>): SecretsKey {
  const fields = { path: location.path, ...(location.detail === undefined ? {} : { reason: location.detail }) };
  const message = 'The secrets key is kept in a file readable only by this user, not in the OS keychain';
  if ((options.fileKeyLog ?? 'warn') === 'warn') options.logger.warn(message, fields);
  else options.logger.info(message, fields);
  return { key, location };
}

function fingerprint(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

async function readMarker(file: string): Promise<Marker | undefined> {
  return readJsonFile(file, markerSchema, () => new CertDeskError('invalid_data', `Unable to find the secrets key, ${file} is damaged`, {
    remedy: 'Restore the file from a backup; it names the OS keychain entry that holds the key.',
  }));
}

function decodeKey(value: string): Buffer | undefined {
  const key = Buffer.from(value.trim(), 'base64');
  return key.length === 32 ? key : undefined;
}

async function keyFromKeychain(store: KeyStore | undefined, marker: Marker, markerFile: string, waitMs: number): Promise<Buffer> {
  const where = `the OS keychain entry "${marker.service}" / ${marker.account}`;
  if (store === undefined) {
    throw new CertDeskError('invalid_data', `Unable to read the secrets key, it is kept in ${where} and no OS keychain is in use here`, {
      remedy: 'Run CertDesk where the keychain is available (the desktop session of the user who set it up), without CERTDESK_KEYCHAIN=off.',
    });
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    let value: string | undefined;
    try {
      value = await store.get(marker.service, marker.account);
    } catch (error) {
      throw new CertDeskError('invalid_data', `Unable to read the secrets key from ${store.name}, ${errorText(error)}`, {
        remedy: `The key is kept in ${where}. Unlock the keychain, or run CertDesk in the desktop session of the user who set it up.`,
        cause: error,
      });
    }
    if (value !== undefined) {
      const key = decodeKey(value);
      if (key === undefined || fingerprint(key) !== marker.fingerprint) {
        throw new CertDeskError('invalid_data', `Unable to use the secrets key in ${where}, it is not the key ${markerFile} names`, {
          remedy: 'Restore the keychain entry from a backup; without the right key the stored secrets cannot be read.',
        });
      }
      return key;
    }
    // A process creating the key writes the marker just before the entry: give it time.
    if (Date.now() >= deadline) {
      throw new CertDeskError('invalid_data', `Unable to read the secrets key, ${where} is missing`, {
        remedy: 'Restore the keychain entry from a backup, or remove the data dir\'s secrets and enter them again.',
      });
    }
    await new Promise((resolve) => setTimeout(resolve, keychainPollMs));
  }
}

type CreateOutcome = 'marker_exists' | { readonly ok: true; readonly key: Buffer; readonly marker: Marker } | { readonly ok: false; readonly detail: string };

async function createInKeychain(store: KeyStore, options: SecretsKeyOptions, markerFile: string): Promise<CreateOutcome> {
  const account = keychainAccount(options.dataDir);
  let existing: string | undefined;
  try {
    existing = await store.get(keychainService, account);
  } catch (error) {
    return { ok: false, detail: `${store.name} is not available: ${errorText(error)}` };
  }
  // An entry without a marker: the data dir was restored or its marker removed. Adopt it.
  const adopted = existing === undefined ? undefined : decodeKey(existing);
  const key = adopted ?? randomBytes(32);
  const marker: Marker = { format: markerTag, service: keychainService, account, fingerprint: fingerprint(key) };
  if (!(await createExclusive(markerFile, `${JSON.stringify(marker, null, 2)}\n`))) return 'marker_exists';
  if (adopted !== undefined) return { ok: true, key, marker };
  try {
    await store.set(keychainService, account, key.toString('base64'));
    // Some keyrings accept a write they do not keep: read it back before trusting it with secrets.
    const back = await store.get(keychainService, account);
    if (back === undefined || !decodeKey(back)?.equals(key)) throw new Error('the entry did not keep the key');
    return { ok: true, key, marker };
  } catch (error) {
    await rm(markerFile, { force: true });
    return { ok: false, detail: `${store.name} refused the key: ${errorText(error)}` };
  }
}

/**
 * Creates `file` with `content` (0600) unless it exists: written under a private name, then linked
 * into place, since link() fails if the target exists. Resolves `false` when it existed.
 */
async function createExclusive(file: string, content: string): Promise<boolean> {
  await mkdir(path.dirname(file), { recursive: true, mode: modes.privateDir });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(temp, content, { mode: modes.secretFile, flag: 'wx' });
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    if (isErrnoCode(error, 'EEXIST')) return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
