import type { Unsubscribe } from '../../preload/contract.ts';

/**
 * Where the settings live. The app passes electron-store, the CLI and tests conf (its base class);
 * both keep them in `config.json` in the data dir, written atomically (temp file + rename).
 *
 * Implementations need not be safe for concurrent use from several threads; the core calls them from
 * one event loop.
 */
export interface SettingsStore {
  /** The absolute path of the file, for messages. */
  readonly path: string;
  /** The settings object as stored, unvalidated; `undefined` when none was ever written. Throws if the file cannot be read or parsed. */
  read(): unknown;
  /** Replaces the stored settings. Throws if the file cannot be written; the old file stays intact. */
  write(settings: unknown): void;
  /** Calls `listener` after the stored settings change, by this process or (when watching) another one. */
  onDidChange(listener: () => void): Unsubscribe;
  /** Stops watching the file; the store must not be used afterwards. */
  close(): void;
}

/** Log sink for the core. Messages are plain English for the log; never pass secrets. */
export interface Logger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/**
 * Keeps secrets (account keys, EAB HMAC keys, TSIG secrets, PFX passwords) encrypted at rest.
 * Names are validated ids (`accounts/letsencrypt.key`-like, `[a-z0-9._/-]`).
 *
 * Implementations must be safe for concurrent use; `put` is atomic and never leaves a half-written
 * secret; `get` of a missing name resolves `undefined`; a secret that cannot be decrypted throws.
 */
export interface SecretBox {
  put(name: string, value: string): Promise<void>;
  get(name: string): Promise<string | undefined>;
  delete(name: string): Promise<void>;
}
