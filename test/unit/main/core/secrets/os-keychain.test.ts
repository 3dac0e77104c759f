import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveSecretsKey } from '../../../../../main/core/secrets/key-store.ts';
import { osKeyStore } from '../../../../../main/core/secrets/os-keychain.ts';
import { createRecordingLogger } from '../../../../support/recording-logger.ts';
import { useTempDir } from '../../support/temp-dir.ts';

describe('osKeyStore', () => {
  it('is off with CERTDESK_KEYCHAIN=off, in any case', () => {
    expect(osKeyStore({ CERTDESK_KEYCHAIN: 'off' }, 'linux')).toBeUndefined();
    expect(osKeyStore({ CERTDESK_KEYCHAIN: 'OFF' }, 'darwin')).toBeUndefined();
    expect(osKeyStore({}, 'linux')).toBeDefined();
  });

  it.each([
    ['darwin', 'the macOS Keychain'],
    ['win32', 'the Windows Credential Manager'],
    ['linux', 'the Secret Service'],
    ['freebsd', 'the OS keychain'],
  ] as const)('names the keychain on %s', (platform, name) => {
    expect(osKeyStore({}, platform)?.name).toBe(name);
  });

  // The real native module on a Linux session without a Secret Service (this machine, CI, a
  // headless server): every call rejects, so CertDesk keeps the key in the file.
  describe.runIf(process.platform === 'linux')('on Linux without a Secret Service', () => {
    const tempDir = useTempDir('os-keychain');
    let saved: string | undefined;
    beforeEach(() => {
      saved = process.env.DBUS_SESSION_BUS_ADDRESS;
      process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${path.join(tempDir(), 'no-bus')}`;
    });
    afterEach(() => {
      if (saved === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
      else process.env.DBUS_SESSION_BUS_ADDRESS = saved;
    });

    it('rejects reads and writes, and the key goes to the file with a warning', async () => {
      const store = osKeyStore({}, 'linux');
      if (store === undefined) throw new Error('keychain off');
      await expect(store.get('CertDesk-test', 'probe')).rejects.toThrow();
      await expect(store.set('CertDesk-test', 'probe', 'value')).rejects.toThrow();

      const logger = createRecordingLogger();
      const secretsDir = path.join(tempDir(), 'secrets');
      const { location } = await resolveSecretsKey({ dataDir: tempDir(), secretsDir, keyStore: store, logger });
      expect(location).toMatchObject({ store: 'file', path: path.join(secretsDir, '.key'), reason: 'no_keychain' });
      expect(logger.entries.map((e) => e.level)).toStrictEqual(['warn']);
    });
  });
});
