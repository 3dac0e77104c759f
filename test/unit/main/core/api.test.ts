import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppInfo, InvokeResult } from '../../../../preload/contract.ts';
import { createApiHandlers, dispatch, isInvokeChannel, type ApiHandlers } from '../../../../main/core/api.ts';
import { openConfigStore, settingsStoreFromConf } from '../../../../main/core/config-store.ts';
import { DesktopEngine } from '../../../../main/core/desktop.ts';
import { dataPaths } from '../../../../main/core/paths.ts';
import type { SettingsStore } from '../../../../main/core/ports.ts';
import { FileSecretBox } from '../../../../main/core/secrets/file-secret-box.ts';
import { CertDeskService } from '../../../../main/core/service.ts';
import { defaultSettings } from '../../../../main/core/settings.ts';
import { createRecordingLogger } from '../../../support/recording-logger.ts';
import { createTestCa } from '../../../support/test-ca.ts';
import { useClosers, useTempDir } from '../support/temp-dir.ts';

const bugRemedy = 'This is a bug in CertDesk. Please report it with the log.';

describe('createApiHandlers + dispatch', () => {
  const tempDir = useTempDir('api');
  const onCleanup = useClosers();

  function info(): AppInfo {
    return {
      name: 'CertDesk',
      version: '1.2.3',
      platform: 'linux',
      arch: 'arm64',
      dataDir: tempDir(),
      runtime: 'electron',
      versions: { node: '22.1.0', electron: '45.0.0', chrome: '140.0.0.0' },
    };
  }

  function handlers(wrap: (store: SettingsStore) => SettingsStore = (store) => store): ApiHandlers {
    return createApiHandlers({ service: newService(wrap), engine: newEngine() });
  }

  function newService(wrap: (store: SettingsStore) => SettingsStore = (store) => store): CertDeskService {
    const service = new CertDeskService({
      info: info(),
      settings: wrap(settingsStoreFromConf(openConfigStore(tempDir()))),
      logger: createRecordingLogger(),
    });
    onCleanup(() => {
      service.close();
    });
    return service;
  }

  /** A real engine on the test's data dir, never started (no scheduler, no CA contacted). */
  function newEngine(): DesktopEngine {
    const paths = dataPaths(tempDir());
    const engine = new DesktopEngine({
      paths,
      conf: openConfigStore(tempDir()),
      secrets: new FileSecretBox(paths.secretsDir),
      logger: createRecordingLogger(),
      notifiers: [],
    });
    onCleanup(() => {
      void engine.stop();
    });
    return engine;
  }

  /** Dispatches like the IPC layer, and checks the envelope would cross the bridge unchanged. */
  async function call(table: ApiHandlers, channel: unknown, payload?: unknown): Promise<InvokeResult<unknown>> {
    const result = await dispatch(table, channel, payload);
    expect(structuredClone(result)).toStrictEqual(result);
    return result;
  }

  describe('ok envelopes', () => {
    it('app:info → the service info', async () => {
      expect(await call(handlers(), 'app:info')).toStrictEqual({ ok: true, value: info() });
    });

    it('settings:get → the defaults on an empty data dir', async () => {
      expect(await call(handlers(), 'settings:get')).toStrictEqual({
        ok: true,
        value: { ...defaultSettings, language: 'system', theme: 'system' },
      });
    });

    it('settings:update → the merged settings, written to config.json', async () => {
      const table = handlers();
      expect(await call(table, 'settings:update', { theme: 'dark' })).toStrictEqual({
        ok: true,
        value: { ...defaultSettings, language: 'system', theme: 'dark' },
      });
      expect(await call(table, 'settings:get')).toStrictEqual({ ok: true, value: { ...defaultSettings, language: 'system', theme: 'dark' } });
      const file = JSON.parse(await readFile(path.join(tempDir(), 'config.json'), 'utf8')) as unknown;
      expect(file).toEqual({ settings: { ...defaultSettings, language: 'system', theme: 'dark' } });
    });
  });

  describe('unknown channels → invalid_input', () => {
    const channels: ReadonlyArray<{ name: string; channel: unknown; shown: string }> = [
      { name: 'a channel not in the contract', channel: 'cert:delete', shown: '"cert:delete"' },
      { name: 'an event channel (not invokable)', channel: 'settings:changed', shown: '"settings:changed"' },
      { name: 'a near miss', channel: 'settings:Get', shown: '"settings:Get"' },
      { name: 'an inherited property name', channel: 'toString', shown: '"toString"' },
      { name: '__proto__', channel: '__proto__', shown: '"__proto__"' },
      { name: 'the empty string', channel: '', shown: '""' },
      { name: 'a number', channel: 42, shown: '42' },
      { name: 'null', channel: null, shown: 'null' },
      { name: 'an object', channel: { channel: 'app:info' }, shown: '{"channel":"app:info"}' },
    ];

    it.each(channels)('$name', async ({ channel, shown }) => {
      expect(await call(handlers(), channel)).toStrictEqual({
        ok: false,
        error: { code: 'invalid_input', message: `Unable to handle the request, unknown channel ${shown}` },
      });
    });

    it('undefined as the channel', async () => {
      const result = await call(handlers(), undefined);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    });
  });

  describe('payloads', () => {
    const noArgChannels = ['app:info', 'settings:get'] as const;
    const payloads: ReadonlyArray<{ name: string; payload: unknown }> = [
      { name: '{}', payload: {} },
      { name: 'null', payload: null },
      { name: '0', payload: 0 },
      { name: "''", payload: '' },
      { name: 'false', payload: false },
      { name: 'an array', payload: [] },
    ];
    const cases = noArgChannels.flatMap((channel) => payloads.map((p) => ({ channel, ...p })));

    it.each(cases)('$channel with payload $name → invalid_input', async ({ channel, payload }) => {
      expect(await call(handlers(), channel, payload)).toStrictEqual({
        ok: false,
        error: { code: 'invalid_input', message: `Unable to handle ${channel}, it takes no arguments` },
      });
    });

    it('settings:update without a payload → invalid_input with the allowed values', async () => {
      expect(await call(handlers(), 'settings:update')).toStrictEqual({
        ok: false,
        error: {
          code: 'invalid_input',
          message: 'Unable to update settings, expected an object of settings',
          remedy: 'Allowed: language = system | en | zh-CN; theme = system | light | dark; closeToTray, startAtLogin, startHidden, quietNotifications = true | false.',
        },
      });
    });

    it('settings:update with an unknown key → invalid_input naming it, and nothing written', async () => {
      const table = handlers();
      const result = await call(table, 'settings:update', { theme: 'dark', colour: 'blue' });
      if (result.ok) throw new Error('expected settings:update to fail');
      expect(result.error.code).toBe('invalid_input');
      expect(result.error.message).toContain("'colour'");
      expect(await call(table, 'settings:get')).toStrictEqual({ ok: true, value: { ...defaultSettings, language: 'system', theme: 'system' } });
    });
  });

  describe('internal errors', () => {
    it('a plain Error from below the service becomes code internal with a remedy', async () => {
      const table = handlers((store) => ({
        ...store,
        write: () => {
          throw new Error('ENOSPC: no space left on device');
        },
      }));
      expect(await call(table, 'settings:update', { theme: 'dark' })).toStrictEqual({
        ok: false,
        error: { code: 'internal', message: 'Unexpected error: ENOSPC: no space left on device', remedy: bugRemedy },
      });
    });

    it('a handler that throws a non-Error becomes code internal', async () => {
      const table: ApiHandlers = {
        ...handlers(),
        'app:info': () => {
          // eslint-disable-next-line @typescript-eslint/only-throw-error
          throw 'nope';
        },
      };
      expect(await call(table, 'app:info')).toStrictEqual({
        ok: false,
        error: { code: 'internal', message: 'Unexpected error: nope', remedy: bugRemedy },
      });
    });

    it('a handler whose promise rejects is caught too', async () => {
      const table: ApiHandlers = {
        ...handlers(),
        'settings:get': () => Promise.reject(new Error('later')),
      };
      expect(await call(table, 'settings:get')).toStrictEqual({
        ok: false,
        error: { code: 'internal', message: 'Unexpected error: later', remedy: bugRemedy },
      });
    });
  });

  describe('dashboard channels', () => {
    const idRemedy = 'Send {id: "<certificate id>"}.';
    const idChannels = ['cert:show', 'cert:export', 'order:log'] as const;
    const noArgChannels = ['cert:list', 'renewal:status', 'renewal:pause', 'renewal:resume'] as const;

    it('cert:list → an empty list on an empty data dir', async () => {
      expect(await call(handlers(), 'cert:list')).toStrictEqual({ ok: true, value: [] });
    });

    it('cert:list and cert:show → an imported certificate, as the engine reports it', async () => {
      const engine = newEngine();
      const ca = await createTestCa({ hosts: ['www.example.com'] });
      const file = path.join(tempDir(), 'site.pem');
      await writeFile(file, ca.leafCertPem);
      await engine.certificates.importCertificate('site', file);
      const table = createApiHandlers({ service: newService(), engine });

      const listed = await call(table, 'cert:list');
      expect(listed).toMatchObject({ ok: true, value: [{ id: 'site', status: 'valid', monitored: 'import', domains: ['www.example.com'] }] });
      const shown = await call(table, 'cert:show', { id: 'site' });
      expect(shown).toMatchObject({ ok: true, value: { id: 'site', status: 'valid', notAfter: expect.any(String) as unknown } });
    });

    it.each(idChannels)('%s with an unknown certificate → invalid_input naming it', async (channel) => {
      const result = await call(handlers(), channel, { id: 'nope' });
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', message: 'Unable to find the certificate "nope"' } });
    });

    it('cert:renew with an unknown certificate → invalid_input naming it, nothing ordered', async () => {
      const result = await call(handlers(), 'cert:renew', { id: 'nope', force: true });
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', message: 'Unable to find the certificate "nope"' } });
    });

    const badIdPayloads: ReadonlyArray<{ name: string; payload: unknown; message: string }> = [
      { name: 'no payload', payload: undefined, message: 'expected an object' },
      { name: 'a bare id string', payload: 'site', message: 'expected an object' },
      { name: 'null', payload: null, message: 'expected an object' },
      { name: 'an array', payload: ['site'], message: 'expected an object' },
      { name: '{}', payload: {}, message: "'id' must be a string" },
      { name: 'a numeric id', payload: { id: 42 }, message: "'id' must be a string" },
      { name: 'an unknown key', payload: { id: 'site', force: true }, message: "unknown key 'force'" },
      { name: 'two unknown keys', payload: { id: 'site', a: 1, b: 2 }, message: "unknown key 'a', 'b'" },
    ];
    const badIdCases = idChannels.flatMap((channel) => badIdPayloads.map((bad) => ({ channel, ...bad })));

    it.each(badIdCases)('$channel with $name → invalid_input', async ({ channel, payload, message }) => {
      expect(await call(handlers(), channel, payload)).toStrictEqual({
        ok: false,
        error: { code: 'invalid_input', message: `Unable to handle ${channel}, ${message}`, remedy: idRemedy },
      });
    });

    const badIds: ReadonlyArray<{ name: string; id: string }> = [
      { name: 'a path', id: '../../etc/passwd' },
      { name: 'an upper-case id', id: 'Site' },
      { name: 'the empty string', id: '' },
      { name: 'a leading dot', id: '.hidden' },
      { name: 'a slash', id: 'a/b' },
      { name: 'a 65-character id', id: 'a'.repeat(65) },
    ];
    const badIdChannels = [...idChannels, 'cert:renew'] as const;
    const badIdNameCases = badIdChannels.flatMap((channel) => badIds.map((bad) => ({ channel, ...bad })));

    it.each(badIdNameCases)('$channel with $name as the id → invalid_input by the name rules', async ({ channel, id }) => {
      const result = await call(handlers(), channel, { id });
      if (result.ok) throw new Error(`expected ${channel} to fail`);
      expect(result.error.code).toBe('invalid_input');
      expect(result.error.message).toBe(`Unable to use ${JSON.stringify(id)} as a certificate id, it may contain only a-z, 0-9, '.', '_' and '-'`);
    });

    const badRenewPayloads: ReadonlyArray<{ name: string; payload: unknown; message: string }> = [
      { name: 'no payload', payload: undefined, message: 'expected an object' },
      { name: 'force as a string', payload: { id: 'site', force: 'true' }, message: "'force' must be a boolean" },
      { name: 'force as a number', payload: { id: 'site', force: 1 }, message: "'force' must be a boolean" },
      { name: 'an unknown key', payload: { id: 'site', dryRun: true }, message: "unknown key 'dryRun'" },
      { name: 'no id', payload: { force: true }, message: "'id' must be a string" },
    ];

    it.each(badRenewPayloads)('cert:renew with $name → invalid_input', async ({ payload, message }) => {
      expect(await call(handlers(), 'cert:renew', payload)).toStrictEqual({
        ok: false,
        error: { code: 'invalid_input', message: `Unable to handle cert:renew, ${message}`, remedy: 'Send {id: "<certificate id>", force?: true | false}.' },
      });
    });

    const noArgCases = noArgChannels.flatMap((channel) => [{}, null, 0, '', false, { id: 'site' }].map((payload) => ({ channel, payload })));

    it.each(noArgCases)('$channel with payload $payload → invalid_input', async ({ channel, payload }) => {
      expect(await call(handlers(), channel, payload)).toStrictEqual({
        ok: false,
        error: { code: 'invalid_input', message: `Unable to handle ${channel}, it takes no arguments` },
      });
    });

    it('renewal:pause and renewal:resume flip the state at once and push renewal:changed once per change', async () => {
      const engine = newEngine();
      const table = createApiHandlers({ service: newService(), engine });
      const pushed: unknown[] = [];
      engine.on('renewal:changed', (state) => pushed.push(state));

      expect(await call(table, 'renewal:status')).toStrictEqual({ ok: true, value: { paused: false } });
      expect(await call(table, 'renewal:pause')).toStrictEqual({ ok: true, value: { paused: true } });
      expect(await call(table, 'renewal:pause')).toStrictEqual({ ok: true, value: { paused: true } });
      expect(await call(table, 'renewal:status')).toStrictEqual({ ok: true, value: { paused: true } });
      expect(await call(table, 'renewal:resume')).toStrictEqual({ ok: true, value: { paused: false } });
      expect(await call(table, 'renewal:status')).toStrictEqual({ ok: true, value: { paused: false } });
      expect(pushed).toEqual([{ paused: true }, { paused: false }]);
    });
  });
});

describe('isInvokeChannel', () => {
  const table = {} as ApiHandlers;
  const real = { 'app:info': () => undefined, 'settings:get': () => undefined, 'settings:update': () => undefined } as unknown as ApiHandlers;
  const cases: ReadonlyArray<{ name: string; channel: unknown; handlers: ApiHandlers; expected: boolean }> = [
    { name: 'a channel of the table', channel: 'app:info', handlers: real, expected: true },
    { name: 'another channel of the table', channel: 'settings:update', handlers: real, expected: true },
    { name: 'a channel missing from the table', channel: 'app:info', handlers: table, expected: false },
    { name: 'an inherited method name', channel: 'hasOwnProperty', handlers: real, expected: false },
    { name: 'constructor', channel: 'constructor', handlers: real, expected: false },
    { name: 'a number', channel: 1, handlers: real, expected: false },
    { name: 'a symbol', channel: Symbol('app:info'), handlers: real, expected: false },
  ];

  it.each(cases)('$name → $expected', ({ channel, handlers: h, expected }) => {
    expect(isInvokeChannel(h, channel)).toBe(expected);
  });
});
