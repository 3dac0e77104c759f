import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppInfo, Settings } from '../../../../preload/contract.ts';
import { openConfigStore, settingsStoreFromConf } from '../../../../main/core/config-store.ts';
import { CertDeskError } from '../../../../main/core/errors.ts';
import type { SettingsStore } from '../../../../main/core/ports.ts';
import { CertDeskService } from '../../../../main/core/service.ts';
import { defaultSettings } from '../../../../main/core/settings.ts';
import { createRecordingLogger, type RecordingLogger } from '../../../support/recording-logger.ts';
import { useClosers, useTempDir } from '../support/temp-dir.ts';
import { thrown } from '../support/thrown.ts';

/**
 * How long to wait for a change another store wrote: conf polls the file every 500 ms on Linux and
 * debounces for 1 s, so a few seconds is plenty; this is a ceiling, never an assertion.
 */
const watchTimeout = 20_000;

describe('CertDeskService', () => {
  const tempDir = useTempDir('service');
  const onCleanup = useClosers();
  const configFile = (): string => path.join(tempDir(), 'config.json');

  function info(): AppInfo {
    return {
      name: 'CertDesk',
      version: '9.9.9-test',
      platform: 'linux',
      arch: 'x64',
      dataDir: tempDir(),
      runtime: 'node',
      versions: { node: '22.0.0' },
    };
  }

  /** A service on the temp dir's real config.json, closed after the test. */
  function open(
    options: { watch?: boolean; settings?: SettingsStore } = {},
  ): { service: CertDeskService; logger: RecordingLogger; changes: Settings[] } {
    const logger = createRecordingLogger();
    const settings = options.settings ?? settingsStoreFromConf(openConfigStore(tempDir(), { watch: options.watch ?? false }));
    const service = new CertDeskService({ info: info(), settings, logger });
    onCleanup(() => {
      service.close();
    });
    const changes: Settings[] = [];
    service.on('settings:changed', (s) => changes.push(s));
    return { service, logger, changes };
  }

  describe('appInfo', () => {
    it('returns the info the shell passed in', () => {
      expect(open().service.appInfo()).toEqual(info());
    });
  });

  describe('on an empty data dir', () => {
    it('reads the defaults and logs nothing', () => {
      const { service, logger } = open();
      expect(service.getSettings()).toEqual(defaultSettings);
      expect(logger.entries).toEqual([]);
    });
  });

  describe('updateSettings', () => {
    it('returns the merged settings and writes them to config.json', async () => {
      const { service } = open();
      expect(service.updateSettings({ theme: 'dark' })).toEqual({ ...defaultSettings, language: 'system', theme: 'dark' });
      const file = JSON.parse(await readFile(configFile(), 'utf8')) as unknown;
      expect(file).toEqual({ settings: { ...defaultSettings, language: 'system', theme: 'dark' } });
    });

    it('writes what a fresh service on the same data dir reads back', () => {
      open().service.updateSettings({ language: 'zh-CN', theme: 'light' });
      expect(open().service.getSettings()).toEqual({ ...defaultSettings, language: 'zh-CN', theme: 'light' });
    });

    it('keeps the fields a patch leaves out', () => {
      const { service } = open();
      service.updateSettings({ theme: 'dark' });
      expect(service.updateSettings({ language: 'en' })).toEqual({ ...defaultSettings, language: 'en', theme: 'dark' });
      expect(service.getSettings()).toEqual({ ...defaultSettings, language: 'en', theme: 'dark' });
    });

    it('treats {theme: undefined} as no change, never as unsetting the theme', () => {
      const { service } = open();
      service.updateSettings({ theme: 'dark' });
      expect(service.updateSettings({ theme: undefined })).toEqual({ ...defaultSettings, language: 'system', theme: 'dark' });
    });

    it('replaces an invalid stored field with its default when writing', async () => {
      await writeFile(configFile(), JSON.stringify({ settings: { ...defaultSettings, language: 'klingon', theme: 'dark' } }));
      const { service } = open();
      expect(service.updateSettings({ theme: 'light' })).toEqual({ ...defaultSettings, language: 'system', theme: 'light' });
      expect(open().service.getSettings()).toEqual({ ...defaultSettings, language: 'system', theme: 'light' });
    });

    const invalidPatches: ReadonlyArray<{ name: string; patch: unknown }> = [
      { name: 'a bad value', patch: { theme: 'blue' } },
      { name: 'an unknown key', patch: { colour: 'blue' } },
      { name: 'a valid field next to an unknown key', patch: { theme: 'light', colour: 'blue' } },
      { name: 'not an object', patch: 'dark' },
    ];

    it.each(invalidPatches)('rejects $name with invalid_input and leaves config.json byte-identical', async ({ patch }) => {
      const { service, changes } = open();
      service.updateSettings({ theme: 'dark' });
      const before = await readFile(configFile());
      const error = thrown(() => service.updateSettings(patch));
      expect(error).toBeInstanceOf(CertDeskError);
      expect(error).toMatchObject({ code: 'invalid_input' });
      expect(await readFile(configFile())).toEqual(before);
      expect(service.getSettings()).toEqual({ ...defaultSettings, language: 'system', theme: 'dark' });
      expect(changes).toHaveLength(1);
    });
  });

  describe('with stored settings that are partly invalid', () => {
    it('uses the default for the bad field only and logs a warning naming it', async () => {
      await writeFile(configFile(), JSON.stringify({ settings: { ...defaultSettings, language: 'klingon', theme: 'dark' } }));
      const { service, logger } = open();
      expect(service.getSettings()).toEqual({ ...defaultSettings, language: 'system', theme: 'dark' });
      expect(logger.entries).toEqual([
        {
          level: 'warn',
          message: 'Ignoring an invalid stored setting, using its default',
          fields: { path: configFile(), key: 'language' },
        },
      ]);
    });
  });

  describe('with a corrupt config.json', () => {
    // The store is opened on an intact file, then the file is damaged (by hand, a crash, another tool).
    async function openThenCorrupt(): Promise<ReturnType<typeof open>> {
      const opened = open();
      opened.service.updateSettings({ theme: 'dark' });
      await writeFile(configFile(), '{not json');
      return opened;
    }

    it('getSettings returns the defaults and logs an error naming the file', async () => {
      const { service, logger } = await openThenCorrupt();
      expect(service.getSettings()).toEqual(defaultSettings);
      expect(logger.entries).toHaveLength(1);
      expect(logger.entries[0]).toMatchObject({
        level: 'error',
        message: 'Unable to read settings, using defaults',
        fields: { path: configFile() },
      });
      expect(logger.entries[0]?.fields?.error).toMatch(/not valid JSON/);
    });

    it('updateSettings throws invalid_data with a remedy and leaves the file byte-identical', async () => {
      const { service, changes } = await openThenCorrupt();
      const error = thrown(() => service.updateSettings({ theme: 'light' }));
      expect(error).toBeInstanceOf(CertDeskError);
      expect(error).toMatchObject({
        code: 'invalid_data',
        message: `Unable to update settings, ${configFile()} cannot be read`,
        remedy: 'Repair the file or move it aside; CertDesk will not overwrite it.',
      });
      expect((error as CertDeskError).cause).toBeInstanceOf(Error);
      expect(await readFile(configFile(), 'utf8')).toBe('{not json');
      expect(changes).toHaveLength(1);
    });
  });

  describe('settings:changed', () => {
    it('is emitted once per real change, with the new settings', () => {
      const { service, changes } = open();
      service.updateSettings({ theme: 'dark' });
      service.updateSettings({ language: 'zh-CN' });
      expect(changes).toEqual([
        { ...defaultSettings, language: 'system', theme: 'dark' },
        { ...defaultSettings, language: 'zh-CN', theme: 'dark' },
      ]);
    });

    it('is not emitted for an update that changes nothing', () => {
      const { service, changes } = open();
      service.updateSettings({ theme: 'dark' });
      service.updateSettings({ theme: 'dark' });
      service.updateSettings({});
      service.updateSettings({ language: undefined });
      expect(changes).toEqual([{ ...defaultSettings, language: 'system', theme: 'dark' }]);
    });

    // A fresh data dir already has the default settings: writing them again changes nothing.
    it('is not emitted for a first update that sets the values already in effect', () => {
      const { service, changes } = open();
      expect(service.updateSettings({ theme: 'system' })).toEqual(defaultSettings);
      expect(service.updateSettings({})).toEqual(defaultSettings);
      expect(changes).toEqual([]);
    });

    it('is emitted again when a value changes back', () => {
      const { service, changes } = open();
      service.updateSettings({ theme: 'dark' });
      service.updateSettings({ theme: 'system' });
      expect(changes).toEqual([
        { ...defaultSettings, language: 'system', theme: 'dark' },
        { ...defaultSettings, language: 'system', theme: 'system' },
      ]);
    });

    it('stops reaching a listener once it unsubscribes', () => {
      const { service } = open();
      const received: Settings[] = [];
      const stop = service.on('settings:changed', (s) => received.push(s));
      service.updateSettings({ theme: 'dark' });
      stop();
      service.updateSettings({ theme: 'light' });
      expect(received).toEqual([{ ...defaultSettings, language: 'system', theme: 'dark' }]);
    });

    it('survives a listener that throws: the update succeeds, the others are called, the error is logged', () => {
      const { service, logger, changes } = open();
      service.on('settings:changed', () => {
        throw new Error('renderer gone');
      });
      expect(service.updateSettings({ theme: 'dark' })).toEqual({ ...defaultSettings, language: 'system', theme: 'dark' });
      expect(changes).toEqual([{ ...defaultSettings, language: 'system', theme: 'dark' }]);
      expect(logger.entries).toEqual([
        { level: 'error', message: 'An event listener failed', fields: { error: 'Error: renderer gone' } },
      ]);
    });

    it(
      'reaches a watching service when another store instance writes the same config.json',
      async () => {
        const { service: watching } = open({ watch: true });
        const changed = new Promise<Settings>((resolve) => {
          const stop = watching.on('settings:changed', (s) => {
            stop();
            resolve(s);
          });
        });
        // As the CLI does: its own non-watching store on the same data dir.
        open().service.updateSettings({ language: 'zh-CN', theme: 'light' });
        expect(await changed).toEqual({ ...defaultSettings, language: 'zh-CN', theme: 'light' });
        expect(watching.getSettings()).toEqual({ ...defaultSettings, language: 'zh-CN', theme: 'light' });
      },
      watchTimeout,
    );
  });

  describe('close', () => {
    it('stops listening to its store and closes it', () => {
      const real = settingsStoreFromConf(openConfigStore(tempDir()));
      const calls: string[] = [];
      const spy: SettingsStore = {
        path: real.path,
        read: () => real.read(),
        write: (s) => {
          real.write(s);
        },
        onDidChange: (listener) => {
          const stop = real.onDidChange(listener);
          return () => {
            calls.push('unsubscribe');
            stop();
          };
        },
        close: () => {
          calls.push('close');
          real.close();
        },
      };
      const logger = createRecordingLogger();
      const service = new CertDeskService({ info: info(), settings: spy, logger });
      service.close();
      expect(calls).toEqual(['unsubscribe', 'close']);
    });
  });
});
