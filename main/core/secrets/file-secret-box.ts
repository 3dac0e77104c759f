import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { link, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CertDeskError } from '../errors.ts';
import { isErrnoCode, modes, readIfExists, writeAtomic } from '../fs/atomic.ts';
import type { SecretBox } from '../ports.ts';

/** The file format's first line; a different one is refused rather than misread. */
const formatTag = 'certdesk-secret-v1';

/** AES-256-GCM: authenticated, so a corrupted or tampered secret is detected, not misused. */
const algorithm = 'aes-256-gcm';

const secretName = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;

/**
 * A {@link SecretBox} that keeps each secret in its own file under `<dataDir>/secrets/`, encrypted
 * with AES-256-GCM. The key comes from `loadKey`, called once on first use: the desktop app and the
 * CLI pass key-store.ts's resolver (the OS keychain, else the key file); without one it is a random
 * 32-byte key in `secrets/.key` (mode 0600), created on first use. Secret files are 0600 in 0700
 * folders.
 */
export class FileSecretBox implements SecretBox {
  readonly #dir: string;
  readonly #loadKey: () => Promise<Buffer>;
  #key: Promise<Buffer> | undefined;

  constructor(secretsDir: string, loadKey?: () => Promise<Buffer>) {
    this.#dir = secretsDir;
    this.#loadKey = loadKey ?? (() => loadKeyFile(path.join(secretsDir, '.key')));
  }

  async put(name: string, value: string): Promise<void> {
    const key = await this.#keyOnce();
    const iv = randomBytes(12);
    const cipher = createCipheriv(algorithm, key, iv);
    cipher.setAAD(Buffer.from(name));
    const encrypted = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    const body = [formatTag, iv.toString('base64'), cipher.getAuthTag().toString('base64'), encrypted.toString('base64')].join('\n');
    await writeAtomic(this.#file(name), `${body}\n`, { mode: modes.secretFile, dirMode: modes.privateDir });
  }

  async get(name: string): Promise<string | undefined> {
    const text = await readIfExists(this.#file(name));
    if (text === undefined) return undefined;
    // Not trim(): an empty secret has an empty last field.
    const [tag, iv, authTag, data] = text.replace(/\n$/, '').split('\n');
    const damaged = (): CertDeskError =>
      new CertDeskError('invalid_data', `Unable to read the secret ${name}, its file is damaged or was encrypted with another key`, {
        remedy: `Restore ${this.#file(name)} from a backup, or enter the secret again.`,
      });
    if (tag !== formatTag || iv === undefined || authTag === undefined || data === undefined) throw damaged();
    // Outside the try: a key that cannot be loaded (a locked keychain) is not a damaged file.
    const key = await this.#keyOnce();
    try {
      const decipher = createDecipheriv(algorithm, key, Buffer.from(iv, 'base64'));
      decipher.setAAD(Buffer.from(name));
      decipher.setAuthTag(Buffer.from(authTag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw damaged();
    }
  }

  async delete(name: string): Promise<void> {
    await rm(this.#file(name), { force: true });
  }

  #file(name: string): string {
    if (!secretName.test(name) || name.includes('..')) throw new Error(`Invalid secret name ${JSON.stringify(name)}`);
    return path.join(this.#dir, `${name}.secret`);
  }

  /** Loads the key once; a failure (a locked keychain) is not kept, so the next use tries again. */
  #keyOnce(): Promise<Buffer> {
    this.#key ??= this.#loadKey().catch((error: unknown) => {
      this.#key = undefined;
      throw error;
    });
    return this.#key;
  }
}

/**
 * Reads the 32-byte key from `file`, creating it (0600, its folder 0700) on first use. Processes
 * starting at once agree on one key. Throws `invalid_data` when the file holds no 32-byte key.
 */
export async function loadKeyFile(file: string): Promise<Buffer> {
  const existing = await readIfExists(file);
  if (existing !== undefined) {
    const key = Buffer.from(existing.trim(), 'base64');
    if (key.length !== 32) {
      throw new CertDeskError('invalid_data', `Unable to use the secrets key ${file}, it is not a 32-byte key`, {
        remedy: 'Restore the file from a backup; without it the stored secrets cannot be read.',
      });
    }
    return key;
  }
  const key = randomBytes(32);
  await mkdir(path.dirname(file), { recursive: true, mode: modes.privateDir });
  // Written complete under a private name, then linked into place: link() fails if the key exists,
  // so two processes starting at once agree on one key, and nobody ever reads a half-written file.
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(temp, `${key.toString('base64')}\n`, { mode: modes.secretFile, flag: 'wx' });
  try {
    await link(temp, file);
    return key;
  } catch (error) {
    if (isErrnoCode(error, 'EEXIST')) return await loadKeyFile(file);
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}
