import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openConfigStore, settingsStoreFromConf } from '../../../../main/core/config-store.ts';
import type { SettingsStore } from '../../../../main/core/ports.ts';
import { useClosers, useTempDir } from '../support/temp-dir.ts';

/**
 * How long to wait for a change another store wrote: conf polls the file every 500 ms on Linux and
 * debounces for 1 s, so a few seconds is plenty; this is a ceiling, never an assertion.
 */
const watchTimeout = 20_000;

describe('openConfigStore + settingsStoreFromConf', () => {
  const tempDir = useTempDir('config-store');
  const onCleanup = useClosers();

  function open(options: { watch?: boolean } = {}): SettingsStore {
    const store = settingsStoreFromConf(openConfigStore(tempDir(), options));
    onCleanup(() => {
      store.close();
    });
    return store;
  }

  const configFile = (): string => path.join(tempDir(), 'config.json');

  it('keeps the settings in <dataDir>/config.json', () => {
    expect(open().path).toBe(configFile());
  });

  it('reads undefined from a fresh data dir and creates no file just by opening and reading', () => {
    const store = open();
    expect(store.read()).toBeUndefined();
    expect(existsSync(configFile())).toBe(false);
  });

  it('writes the settings under the "settings" key of config.json', async () => {
    open().write({ language: 'en', theme: 'dark' });
    const file = JSON.parse(await readFile(configFile(), 'utf8')) as unknown;
    expect(file).toEqual({ settings: { language: 'en', theme: 'dark' } });
  });

  it('reads back, through a fresh store, what another store wrote', () => {
    open().write({ language: 'zh-CN', theme: 'light' });
    expect(open().read()).toEqual({ language: 'zh-CN', theme: 'light' });
  });

  it('replaces the settings whole: a field left out of a write is gone', () => {
    const store = open();
    store.write({ language: 'en', theme: 'dark' });
    store.write({ theme: 'light' });
    expect(store.read()).toEqual({ theme: 'light' });
  });

  it('leaves the other keys of config.json (accounts, certificates) alone', async () => {
    await writeFile(configFile(), JSON.stringify({ accounts: [{ id: 'le' }], settings: { theme: 'dark' } }));
    open().write({ language: 'en', theme: 'light' });
    const file = JSON.parse(await readFile(configFile(), 'utf8')) as unknown;
    expect(file).toEqual({ accounts: [{ id: 'le' }], settings: { language: 'en', theme: 'light' } });
  });

  it('reads what is in the file right now, not a copy from when it was opened', async () => {
    const store = open();
    await writeFile(configFile(), JSON.stringify({ settings: { theme: 'dark' } }));
    expect(store.read()).toEqual({ theme: 'dark' });
  });

  it('calls onDidChange listeners after its own write, until they unsubscribe', () => {
    const store = open();
    let calls = 0;
    const stop = store.onDidChange(() => {
      calls += 1;
    });
    store.write({ language: 'en', theme: 'dark' });
    expect(calls).toBe(1);
    stop();
    store.write({ language: 'en', theme: 'light' });
    expect(calls).toBe(1);
  });

  it('does not call onDidChange for a write of the same settings', () => {
    const store = open();
    store.write({ language: 'en', theme: 'dark' });
    let calls = 0;
    store.onDidChange(() => {
      calls += 1;
    });
    store.write({ language: 'en', theme: 'dark' });
    expect(calls).toBe(0);
  });

  it('throws from read() and write() on a config.json that became unparsable, leaving it byte-identical', async () => {
    const store = open();
    await writeFile(configFile(), '{not json');
    expect(() => store.read()).toThrow(/not valid JSON/);
    expect(() => {
      store.write({ language: 'en', theme: 'dark' });
    }).toThrow(/not valid JSON/);
    expect(await readFile(configFile(), 'utf8')).toBe('{not json');
  });

  // The SettingsStore port promises that read() throws on an unparsable file, which is what lets the
  // service fall back to defaults (getSettings) or refuse to overwrite it (updateSettings).
  it('opens a data dir whose config.json is already unparsable, leaving read() to report it', async () => {
    await writeFile(configFile(), '{not json');
    let store: SettingsStore | undefined;
    expect(() => {
      store = open();
    }).not.toThrow();
    expect(() => store?.read()).toThrow(/not valid JSON/);
    expect(await readFile(configFile(), 'utf8')).toBe('{not json');
  });

  it(
    'with watch, reports a change another store instance wrote to the same file',
    async () => {
      const watching = open({ watch: true });
      const changed = new Promise<unknown>((resolve) => {
        const stop = watching.onDidChange(() => {
          stop();
          resolve(watching.read());
        });
      });
      open().write({ language: 'zh-CN', theme: 'dark' });
      expect(await changed).toEqual({ language: 'zh-CN', theme: 'dark' });
    },
    watchTimeout,
  );

  it('close() on a store that never watched is harmless', () => {
    const store = open();
    expect(() => {
      store.close();
    }).not.toThrow();
  });
});
