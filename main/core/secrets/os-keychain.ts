/**
 * The OS keychain as a {@link KeyStore}, through `@napi-rs/keyring` (prebuilt N-API binaries, no
 * install scripts; the same module loads in Node for the CLI and in Electron's main process).
 */
import type { KeyStore } from './key-store.ts';

/** The environment variable that turns the keychain off (`off`): the key file is used instead. */
export const keychainEnv = 'CERTDESK_KEYCHAIN';

/** The part of `@napi-rs/keyring` used here (its `AsyncEntry`, which works off the main thread). */
interface KeyringModule {
  AsyncEntry: new (service: string, account: string, options?: { linux?: { store?: 'secret-service' | 'keyutils' } }) => {
    getPassword(): Promise<string | null | undefined>;
    setPassword(password: string): Promise<void>;
  };
}

/** What the keychain is called on each platform, for messages. */
function keychainName(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'darwin':
      return 'the macOS Keychain';
    case 'win32':
      return 'the Windows Credential Manager';
    case 'linux':
      return 'the Secret Service';
    default:
      return 'the OS keychain';
  }
}

/**
 * The OS keychain, or `undefined` when `CERTDESK_KEYCHAIN=off` asks for the key file (a server
 * where the admin wants no keychain). The native module loads on first use; a platform it has no
 * binary for makes every call reject, which callers treat as "no keychain".
 *
 * On Linux only the Secret Service (GNOME Keyring, KWallet) is used, never the library's fallback to
 * the kernel keyring: kernel keyring entries vanish at logout or reboot, and with them the only copy
 * of the key. Without a session bus or a Secret Service, calls reject and the key file is used.
 */
export function osKeyStore(env: Readonly<Record<string, string | undefined>> = process.env, platform: NodeJS.Platform = process.platform): KeyStore | undefined {
  if (env[keychainEnv]?.toLowerCase() === 'off') return undefined;
  let loaded: Promise<KeyringModule> | undefined;
  const entry = async (service: string, account: string) => {
    loaded ??= import('@napi-rs/keyring') as Promise<KeyringModule>;
    const { AsyncEntry } = await loaded;
    return new AsyncEntry(service, account, { linux: { store: 'secret-service' } });
  };
  return {
    name: keychainName(platform),
    get: async (service, account) => (await (await entry(service, account)).getPassword()) ?? undefined,
    set: async (service, account, value) => {
      await (await entry(service, account)).setPassword(value);
    },
  };
}
