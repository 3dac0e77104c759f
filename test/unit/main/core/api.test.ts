import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppInfo, InvokeResult } from '../../../../preload/contract.ts';
import { createApiHandlers, dispatch, isInvokeChannel, type ApiHandlers } from '../../../../main/core/api.ts';
import { openConfigStore, settingsStoreFromConf } from '../../../../main/core/config-store.ts';
import { DesktopEngine } from '../../../../main/core/desktop.ts';
import { dataPaths } from '../../../../main/core/paths.ts';
import { acquireCertificateLock } from '../../../../main/core/renewal/lock.ts';
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
          remedy: 'Allowed: language = system | en | zh-CN; theme = system | light | dark; closeToTray, startAtLogin, startHidden, notifications, quietNotifications = true | false.',
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
      expect(result).toMatchObject({ ok: false, error: { code: 'not_found', message: 'Unable to find the certificate "nope"' } });
    });

    it('cert:renew with an unknown certificate → invalid_input naming it, nothing ordered', async () => {
      const result = await call(handlers(), 'cert:renew', { id: 'nope', force: true });
      expect(result).toMatchObject({ ok: false, error: { code: 'not_found', message: 'Unable to find the certificate "nope"' } });
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

  describe('issue #7 channels', () => {
    /** A stored CA account that was never registered: enough for definitions, no CA is contacted. */
    const storedAccount = { directoryUrl: 'https://ca.invalid/directory', termsOfServiceAgreed: true, createdAt: '2025-01-01T00:00:00.000Z' };
    const standalone = { type: 'http-01', mode: 'standalone', address: '127.0.0.1', port: 5002 } as const;

    /** An engine on a data dir holding two CA accounts, its handler table, and the `cert:changed` ids it pushed. */
    async function seeded(): Promise<{ table: ApiHandlers; engine: DesktopEngine; changed: string[] }> {
      await writeFile(path.join(tempDir(), 'config.json'), JSON.stringify({ accounts: { primary: storedAccount, spare: { ...storedAccount, email: 'admin@example.com' } } }));
      const engine = newEngine();
      const changed: string[] = [];
      engine.on('cert:changed', ({ id }) => changed.push(id));
      return { table: createApiHandlers({ service: newService(), engine }), engine, changed };
    }

    async function ok(table: ApiHandlers, channel: string, payload?: unknown): Promise<unknown> {
      const result = await call(table, channel, payload);
      if (!result.ok) throw new Error(`${channel} failed: ${JSON.stringify(result.error)}`);
      return result.value;
    }

    async function failure(table: ApiHandlers, channel: string, payload?: unknown): Promise<{ code: string; message: string; remedy?: string }> {
      const result = await call(table, channel, payload);
      if (result.ok) throw new Error(`expected ${channel} to fail, got ${JSON.stringify(result.value)}`);
      return result.error;
    }

    const noArgChannels = ['ca:presets', 'ca:list', 'dns:kinds', 'dns:list'] as const;
    const noArgCases = noArgChannels.flatMap((channel) => [{}, null, 0, '', { name: 'x' }].map((payload) => ({ channel, payload })));

    it.each(noArgCases)('$channel with payload $payload → invalid_input', async ({ channel, payload }) => {
      expect(await call(handlers(), channel, payload)).toStrictEqual({
        ok: false,
        error: { code: 'invalid_input', message: `Unable to handle ${channel}, it takes no arguments` },
      });
    });

    /** Shapes each channel refuses before anything is looked up, with the reason it gives. */
    const badPayloads: ReadonlyArray<{ channel: string; payload: unknown; message: string }> = [
      { channel: 'ca:add', payload: undefined, message: 'expected an object' },
      { channel: 'ca:add', payload: { name: 'le', directory: 'letsencrypt' }, message: "'agreeTos' must be a boolean" },
      { channel: 'ca:add', payload: { name: 'le', directory: 'letsencrypt', agreeTos: true, caFile: 'ca.pem' }, message: "'caFile' is not valid" },
      { channel: 'ca:add', payload: { name: 'le', directory: 'letsencrypt', agreeTos: true, caPem: '-----BEGIN' }, message: "unknown key 'caPem'" },
      { channel: 'ca:add', payload: { name: 'le', directory: 'zerossl', agreeTos: true, eab: { kid: 'k' } }, message: "'eab.hmacKey' must be a string" },
      { channel: 'ca:add', payload: { name: 'le', directory: 'zerossl', agreeTos: true, eab: { kid: 'k', hmacKey: 'h', alg: 'HS256' } }, message: "unknown key 'eab.alg'" },
      { channel: 'ca:remove', payload: 'le', message: 'expected an object' },
      { channel: 'ca:remove', payload: { id: 'le' }, message: "'name' must be a string; unknown key 'id'" },
      { channel: 'dns:add', payload: { name: 'cf', provider: 'cloudflare' }, message: "'credentials' must be a record" },
      { channel: 'dns:add', payload: { name: 'cf', provider: 'cloudflare', credentials: { apiToken: 42 } }, message: "'credentials.apiToken' must be a string" },
      { channel: 'dns:add', payload: { name: 'cf', provider: 'cloudflare', credentials: {}, propagation: { enabled: true, wait: 5 } }, message: "unknown key 'propagation.wait'" },
      { channel: 'dns:check', payload: {}, message: "'name' must be a string" },
      { channel: 'dns:remove', payload: { name: 'cf', force: true }, message: "unknown key 'force'" },
      { channel: 'cert:add', payload: { id: 'site', domains: 'example.com', ca: 'primary', challenge: standalone, keyType: 'ec-p256' }, message: "'domains' must be a list" },
      { channel: 'cert:add', payload: { id: 'site', domains: ['example.com'], ca: 'primary', challenge: { type: 'tls-alpn-01', mode: 'alpn' }, keyType: 'ec-p256' }, message: "'challenge.mode' is not valid" },
      { channel: 'cert:add', payload: { id: 'site', domains: ['example.com'], ca: 'primary', challenge: { ...standalone, port: '80' }, keyType: 'ec-p256' }, message: "'challenge.port' must be a number" },
      { channel: 'cert:add', payload: { id: 'site', domains: ['example.com'], ca: 'primary', challenge: { ...standalone, port: 80.5 }, keyType: 'ec-p256' }, message: "'challenge.port' must be a whole number" },
      { channel: 'cert:add', payload: { id: 'site', domains: ['example.com'], ca: 'primary', challenge: standalone, keyType: 'dsa-1024' }, message: "'keyType' is not valid" },
      { channel: 'cert:add', payload: { id: 'site', domains: ['example.com'], ca: 'primary', challenge: standalone, keyType: 'ec-p256', exports: [{ target: { dir: '/srv/tls', format: 'der' } }] }, message: "'exports.0.target.format' is not valid" },
      { channel: 'cert:add', payload: { id: 'site', domains: ['example.com'], ca: 'primary', challenge: standalone, keyType: 'ec-p256', standby: { ca: 'spare', after: 3 } }, message: "unknown key 'standby.after'" },
      { channel: 'cert:update', payload: { domains: ['example.com'] }, message: "'id' must be a string" },
      { channel: 'cert:update', payload: { id: 'site', exports: [] }, message: "unknown key 'exports'" },
      { channel: 'cert:remove', payload: { id: 'site', deleteFiles: 'yes' }, message: "'deleteFiles' must be a boolean" },
      { channel: 'cert:rollback', payload: { id: 'site' }, message: "'version' must be a number" },
      { channel: 'cert:rollback', payload: { id: 'site', version: 1.5 }, message: "'version' must be a whole number" },
      { channel: 'cert:rollback', payload: { id: 'site', version: 0 }, message: "'version' is not valid" },
      { channel: 'cert:revoke', payload: { id: 'site', reason: 'because' }, message: "'reason' is not valid" },
      { channel: 'cert:revoke', payload: { id: 'site', version: 2 }, message: "unknown key 'version'" },
      { channel: 'export:add', payload: { id: 'site', target: { dir: '/srv/tls' } }, message: "'target.format' is not valid" },
      { channel: 'export:add', payload: { id: 'site', target: { dir: '/srv/tls', format: 'pem', hook: { command: 'reload', shell: 'bash' } } }, message: "unknown key 'target.hook.shell'" },
      { channel: 'export:remove', payload: { id: 'site' }, message: "'dir' must be a string" },
      { channel: 'monitor:add', payload: { id: 'site', host: 'example.com', port: '443' }, message: "'port' must be a number" },
      { channel: 'monitor:check', payload: { id: 'site', host: 'example.com' }, message: "unknown key 'host'" },
      { channel: 'policy:get', payload: 'primary', message: 'expected an object' },
      { channel: 'policy:get', payload: { account: 'primary' }, message: "unknown key 'account'" },
      { channel: 'policy:update', payload: { key: 'retry.maxDelay' }, message: "'value' must be a string" },
      { channel: 'policy:update', payload: { key: 'retry.maxDelay', value: 6 }, message: "'value' must be a string" },
    ];

    it.each(badPayloads)('$channel with $payload → invalid_input: $message', async ({ channel, payload, message }) => {
      const error = await failure(handlers(), channel, payload);
      expect(error.code).toBe('invalid_input');
      expect(error.message).toBe(`Unable to handle ${channel}, ${message}`);
      expect(error.remedy).toMatch(/^Send .+\.$/);
    });

    /** Names and ids that break the name rules, in every place a channel takes one. */
    const badNames: ReadonlyArray<{ channel: string; payload: unknown; kind: string; value: string }> = [
      { channel: 'ca:add', payload: { name: 'Lets Encrypt', directory: 'letsencrypt', agreeTos: true }, kind: 'CA account name', value: 'Lets Encrypt' },
      { channel: 'ca:remove', payload: { name: '../secrets' }, kind: 'CA account name', value: '../secrets' },
      { channel: 'dns:add', payload: { name: 'cf/zone', provider: 'cloudflare', credentials: {} }, kind: 'DNS provider name', value: 'cf/zone' },
      { channel: 'dns:check', payload: { name: '' }, kind: 'DNS provider name', value: '' },
      { channel: 'dns:remove', payload: { name: '.cf' }, kind: 'DNS provider name', value: '.cf' },
      { channel: 'cert:add', payload: { id: 'Site', domains: ['example.com'], ca: 'primary', challenge: standalone, keyType: 'ec-p256' }, kind: 'certificate id', value: 'Site' },
      { channel: 'cert:add', payload: { id: 'site', domains: ['example.com'], ca: 'primary/x', challenge: standalone, keyType: 'ec-p256' }, kind: 'CA account name', value: 'primary/x' },
      { channel: 'cert:add', payload: { id: 'site', domains: ['example.com'], ca: 'primary', challenge: { type: 'dns-01', mode: 'dns', provider: '../cf' }, keyType: 'ec-p256' }, kind: 'DNS provider name', value: '../cf' },
      { channel: 'cert:add', payload: { id: 'site', domains: ['example.com'], ca: 'primary', challenge: standalone, keyType: 'ec-p256', standby: { ca: 'Spare' } }, kind: 'CA account name', value: 'Spare' },
      { channel: 'cert:update', payload: { id: 'a/b' }, kind: 'certificate id', value: 'a/b' },
      { channel: 'cert:update', payload: { id: 'site', ca: 'Primary' }, kind: 'CA account name', value: 'Primary' },
      { channel: 'cert:remove', payload: { id: '../../etc' }, kind: 'certificate id', value: '../../etc' },
      { channel: 'cert:detail', payload: { id: 'a'.repeat(65) }, kind: 'certificate id', value: 'a'.repeat(65) },
      { channel: 'cert:rehearse', payload: { id: '' }, kind: 'certificate id', value: '' },
      { channel: 'cert:rollback', payload: { id: 'Site', version: 1 }, kind: 'certificate id', value: 'Site' },
      { channel: 'cert:revoke', payload: { id: 'site..x' }, kind: 'certificate id', value: 'site..x' },
      { channel: 'export:add', payload: { id: 'a b', target: { dir: '/srv/tls', format: 'pem' } }, kind: 'certificate id', value: 'a b' },
      { channel: 'export:remove', payload: { id: 'A', dir: '/srv/tls' }, kind: 'certificate id', value: 'A' },
      { channel: 'monitor:add', payload: { id: '-x', host: 'example.com' }, kind: 'certificate id', value: '-x' },
      { channel: 'monitor:check', payload: { id: '.x' }, kind: 'certificate id', value: '.x' },
      { channel: 'policy:get', payload: { ca: 'Primary' }, kind: 'CA account name', value: 'Primary' },
      { channel: 'policy:update', payload: { key: 'retry.maxDelay', value: '6h', ca: 'a/b' }, kind: 'CA account name', value: 'a/b' },
    ];

    it.each(badNames)('$channel refuses the $kind $value by the name rules', async ({ channel, payload, kind, value }) => {
      const error = await failure(handlers(), channel, payload);
      expect(error).toMatchObject({ code: 'invalid_input', message: `Unable to use ${JSON.stringify(value)} as a ${kind}, it may contain only a-z, 0-9, '.', '_' and '-'` });
    });

    it('never repeats an EAB HMAC key in an error', async () => {
      const hmacKey = 'c2VjcmV0LWhtYWMta2V5LXZhbHVl';
      for (const payload of [
        { name: 'zerossl', directory: 'zerossl', agreeTos: true, eab: { kid: 'kid-1', hmacKey }, extra: 1 },
        { name: 'Zerossl', directory: 'zerossl', agreeTos: true, eab: { kid: 'kid-1', hmacKey } },
        { name: 'zerossl', directory: 'zerossl', agreeTos: 'yes', eab: { kid: 'kid-1', hmacKey } },
      ]) {
        const error = await failure(handlers(), 'ca:add', payload);
        expect(JSON.stringify(error)).not.toContain(hmacKey);
      }
    });

    it('ca:presets → every preset with its directory, EAB need and known staging directory', async () => {
      const presets = (await ok(handlers(), 'ca:presets')) as ReadonlyArray<{ id: string }>;
      expect(presets.map((preset) => preset.id)).toEqual(['letsencrypt', 'letsencrypt-staging', 'zerossl', 'google', 'google-staging']);
      expect(presets[0]).toStrictEqual({
        id: 'letsencrypt',
        directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory',
        eab: false,
        stagingDirectoryUrl: 'https://acme-staging-v02.api.letsencrypt.org/directory',
      });
      expect(presets[2]).toStrictEqual({ id: 'zerossl', directoryUrl: 'https://acme.zerossl.com/v2/DV90', eab: true });
    });

    it('dns:kinds, dns:list, dns:check and dns:remove reach the DNS provider service', async () => {
      const table = handlers();
      const kinds = (await ok(table, 'dns:kinds')) as ReadonlyArray<{ kind: string; fields: unknown[] }>;
      expect(kinds.map((kind) => kind.kind)).toEqual(expect.arrayContaining(['rfc2136', 'manual']));
      expect(await ok(table, 'dns:list')).toEqual([]);
      expect(await failure(table, 'dns:check', { name: 'nope' })).toMatchObject({ code: 'not_found' });
      expect(await failure(table, 'dns:remove', { name: 'nope' })).toMatchObject({ code: 'not_found' });
    });

    it('ca:list → stored accounts without keys; ca:add refuses an invalid directory before contacting anything', async () => {
      const { table } = await seeded();
      expect(await ok(table, 'ca:list')).toStrictEqual([
        { name: 'primary', directoryUrl: 'https://ca.invalid/directory', registered: false, createdAt: '2025-01-01T00:00:00.000Z' },
        { name: 'spare', directoryUrl: 'https://ca.invalid/directory', email: 'admin@example.com', registered: false, createdAt: '2025-01-01T00:00:00.000Z' },
      ]);
      expect(await failure(table, 'ca:add', { name: 'other', directory: 'ftp://ca.invalid/', agreeTos: true })).toMatchObject({ code: 'invalid_input' });
      expect(await failure(table, 'ca:add', { name: 'primary', directory: 'letsencrypt', agreeTos: true })).toMatchObject({
        code: 'invalid_input',
        message: 'Unable to add the CA account primary, it exists already',
      });
    });

    it('cert:add stores a definition with its export targets, pushes cert:changed, and cert:detail shows them', async () => {
      const { table, changed } = await seeded();
      const dir = path.join(tempDir(), 'out');
      const summary = await ok(table, 'cert:add', {
        id: 'site',
        domains: ['WWW.Example.com', 'example.com', 'www.example.com'],
        ca: 'primary',
        challenge: standalone,
        keyType: 'rsa-2048',
        standby: { ca: 'spare', afterFailures: 2 },
        exports: [{ target: { dir, format: 'pem', hook: { command: 'true' } } }, { target: { dir: `${dir}-pfx`, format: 'pfx' }, pfxPassword: 'correct horse' }],
      });
      expect(summary).toStrictEqual({ id: 'site', domains: ['www.example.com', 'example.com'], ca: 'primary', challenge: 'http-01', status: 'none' });
      expect(changed).toEqual(['site']);

      const detail = await ok(table, 'cert:detail', { id: 'site' });
      expect(detail).toMatchObject({
        summary: { id: 'site', status: 'none' },
        config: { domains: ['www.example.com', 'example.com'], ca: 'primary', challenge: standalone, keyType: 'rsa-2048', standby: { ca: 'spare', afterFailures: 2 } },
        versions: [],
        exports: [{ target: { dir, format: 'pem', hook: { command: 'true' } } }, { target: { dir: `${dir}-pfx`, format: 'pfx' } }],
      });
      expect(detail).not.toHaveProperty('identity');
      expect(JSON.stringify(detail)).not.toContain('correct horse');
    });

    it('cert:add validates every export target first: a bad one stores nothing', async () => {
      const { table, changed } = await seeded();
      const base = { id: 'site', domains: ['example.com'], ca: 'primary', challenge: standalone, keyType: 'ec-p256' } as const;
      const bad = [
        { exports: [{ target: { dir: '/srv/ok', format: 'pem' } }, { target: { dir: 'relative/dir', format: 'pem' } }], message: 'Unable to use the export target for site, it is not valid' },
        { exports: [{ target: { dir: '/srv/ok', format: 'pem' } }, { target: { dir: '/srv/pfx', format: 'pfx' } }], message: 'Unable to add the export target /srv/pfx to site, a PFX target needs a password' },
        { exports: [{ target: { dir: '/srv/ok', format: 'pem' } }, { target: { dir: '/srv/ok', format: 'pem' } }], message: 'Unable to add the certificate site, it has two export targets for /srv/ok' },
      ];
      for (const { exports, message } of bad) {
        const error = await failure(table, 'cert:add', { ...base, exports });
        expect(error.code).toBe('invalid_input');
        expect(error.message).toContain(message);
      }
      expect(await failure(table, 'cert:add', { ...base, ca: 'nobody' })).toMatchObject({ code: 'not_found', message: 'Unable to find the CA account "nobody"' });
      expect(await ok(table, 'cert:list')).toEqual([]);
      expect(changed).toEqual([]);
    });

    it('cert:update changes what it is given, keeps the rest, and removes the standby with null', async () => {
      const { table, changed } = await seeded();
      await ok(table, 'cert:add', { id: 'site', domains: ['example.com'], ca: 'primary', challenge: standalone, keyType: 'ec-p256', standby: { ca: 'spare' }, exports: [{ target: { dir: '/srv/tls', format: 'pem' } }] });

      expect(await ok(table, 'cert:update', { id: 'site', domains: ['example.com', 'www.example.com'], keyType: 'ec-p384' })).toMatchObject({ id: 'site', domains: ['example.com', 'www.example.com'], ca: 'primary' });
      expect(await ok(table, 'cert:detail', { id: 'site' })).toMatchObject({
        config: { domains: ['example.com', 'www.example.com'], ca: 'primary', keyType: 'ec-p384', standby: { ca: 'spare' } },
        exports: [{ target: { dir: '/srv/tls', format: 'pem' } }],
      });

      expect(await failure(table, 'cert:update', { id: 'site', standby: { ca: 'primary' } })).toMatchObject({
        code: 'invalid_input',
        message: 'Unable to update the certificate site, its standby CA is its primary CA (primary)',
      });
      await ok(table, 'cert:update', { id: 'site', ca: 'spare', standby: null });
      const detail = (await ok(table, 'cert:detail', { id: 'site' })) as { config: Record<string, unknown> };
      expect(detail.config).toMatchObject({ ca: 'spare', keyType: 'ec-p384' });
      expect(detail.config).not.toHaveProperty('standby');
      expect(changed).toEqual(['site', 'site', 'site']);
      expect(await failure(table, 'cert:update', { id: 'nope', keyType: 'ec-p384' })).toMatchObject({ code: 'not_found' });
    });

    it('export:add and export:remove change the targets and push cert:changed', async () => {
      const { table, changed } = await seeded();
      await ok(table, 'cert:add', { id: 'site', domains: ['example.com'], ca: 'primary', challenge: standalone, keyType: 'ec-p256' });
      expect(await ok(table, 'export:add', { id: 'site', target: { dir: '/srv/tls', format: 'pem', names: { fullchain: 'site.crt' } } })).toStrictEqual({
        dir: '/srv/tls',
        format: 'pem',
        names: { fullchain: 'site.crt' },
      });
      expect(await failure(table, 'export:add', { id: 'site', target: { dir: '/srv/tls', format: 'pem' } })).toMatchObject({ code: 'invalid_input' });
      await ok(table, 'export:remove', { id: 'site', dir: '/srv/tls' });
      expect(await ok(table, 'cert:detail', { id: 'site' })).toMatchObject({ exports: [] });
      expect(await failure(table, 'export:remove', { id: 'site', dir: '/srv/tls' })).toMatchObject({ code: 'invalid_input' });
      expect(changed).toEqual(['site', 'site', 'site']);
    });

    it('ca:remove refuses while a certificate uses the account as CA or standby, naming it', async () => {
      const { table } = await seeded();
      await ok(table, 'cert:add', { id: 'site', domains: ['example.com'], ca: 'primary', challenge: standalone, keyType: 'ec-p256', standby: { ca: 'spare' } });
      await ok(table, 'policy:update', { key: 'retry.maxAttempts', value: '4', ca: 'spare' });

      for (const name of ['primary', 'spare']) {
        expect(await failure(table, 'ca:remove', { name })).toMatchObject({ code: 'invalid_input', message: `Unable to remove the CA account ${name}, the certificate site uses it` });
      }
      await ok(table, 'cert:update', { id: 'site', standby: null });
      expect(await ok(table, 'ca:remove', { name: 'spare' })).toBeUndefined();
      expect(((await ok(table, 'ca:list')) as ReadonlyArray<{ name: string }>).map((account) => account.name)).toEqual(['primary']);
      // Its policy overrides went with it.
      const file = JSON.parse(await readFile(path.join(tempDir(), 'config.json'), 'utf8')) as { policy?: Record<string, unknown> };
      expect(file.policy ?? {}).not.toHaveProperty('accounts');
      expect(await failure(table, 'ca:remove', { name: 'spare' })).toMatchObject({ code: 'not_found' });
    });

    it('cert:remove keeps the files by default and moves them to the trash with deleteFiles', async () => {
      const { table, changed } = await seeded();
      for (const id of ['kept', 'trashed']) {
        await ok(table, 'cert:add', { id, domains: [`${id}.example.com`], ca: 'primary', challenge: standalone, keyType: 'ec-p256' });
        await mkdir(path.join(tempDir(), 'certs', id), { recursive: true });
        await writeFile(path.join(tempDir(), 'certs', id, 'marker'), id);
      }
      expect(await ok(table, 'cert:remove', { id: 'kept' })).toBeUndefined();
      expect(await readFile(path.join(tempDir(), 'certs', 'kept', 'marker'), 'utf8')).toBe('kept');

      await ok(table, 'cert:remove', { id: 'trashed', deleteFiles: true });
      expect(existsSync(path.join(tempDir(), 'certs', 'trashed'))).toBe(false);
      const trash = await readdir(path.join(tempDir(), 'trash'));
      expect(trash).toHaveLength(1);
      expect(trash[0]).toMatch(/^trashed-/);
      expect(await readFile(path.join(tempDir(), 'trash', trash[0] ?? '', 'marker'), 'utf8')).toBe('trashed');

      expect(await ok(table, 'cert:list')).toEqual([]);
      expect(changed).toEqual(['kept', 'trashed', 'kept', 'trashed']);
      expect(await failure(table, 'cert:remove', { id: 'kept' })).toMatchObject({ code: 'not_found', message: 'Unable to find the certificate "kept"' });
    });

    it('cert:remove refuses with busy while the certificate is locked (being renewed) and changes nothing', async () => {
      const { table } = await seeded();
      await ok(table, 'cert:add', { id: 'site', domains: ['example.com'], ca: 'primary', challenge: standalone, keyType: 'ec-p256' });
      const lock = await acquireCertificateLock({ paths: dataPaths(tempDir()), certId: 'site', wait: false, command: 'certdesk cert renew', onCompromised: () => undefined });
      try {
        expect(await failure(table, 'cert:remove', { id: 'site', deleteFiles: true })).toMatchObject({ code: 'busy' });
      } finally {
        await lock.release();
      }
      expect(await ok(table, 'cert:list')).toMatchObject([{ id: 'site' }]);
      expect(existsSync(path.join(tempDir(), 'trash'))).toBe(false);
    });

    it('cert:detail and cert:remove of a monitor-only certificate: identity from the observed chain', async () => {
      const { table, engine } = await seeded();
      const ca = await createTestCa({ hosts: ['www.example.com', 'example.com'] });
      const file = path.join(tempDir(), 'site.pem');
      await writeFile(file, `${ca.leafCertPem}${ca.caCertPem}`);
      await engine.certificates.importCertificate('watched', file);

      const detail = (await ok(table, 'cert:detail', { id: 'watched' })) as { identity: Record<string, unknown>; versions: unknown[]; exports: unknown[] };
      const leaf = new X509Certificate(ca.leafCertPem);
      const root = new X509Certificate(ca.caCertPem);
      expect(detail.identity).toStrictEqual({
        domains: ['www.example.com', 'example.com'],
        serial: leaf.serialNumber,
        subject: leaf.subject,
        issuer: leaf.issuer,
        notBefore: new Date(leaf.validFrom).toISOString(),
        notAfter: new Date(leaf.validTo).toISOString(),
        sha256: leaf.fingerprint256,
        sha1: leaf.fingerprint,
        keyType: expect.stringMatching(/^(EC P-256|RSA \d+)$/) as unknown,
        chain: [
          { subject: leaf.subject, issuer: leaf.issuer, serial: leaf.serialNumber, notBefore: new Date(leaf.validFrom).toISOString(), notAfter: new Date(leaf.validTo).toISOString(), sha256: leaf.fingerprint256 },
          { subject: root.subject, issuer: root.issuer, serial: root.serialNumber, notBefore: new Date(root.validFrom).toISOString(), notAfter: new Date(root.validTo).toISOString(), sha256: root.fingerprint256 },
        ],
      });
      expect(detail.versions).toEqual([]);
      expect(detail.exports).toEqual([]);
      expect(detail).not.toHaveProperty('config');

      expect(await failure(table, 'cert:update', { id: 'watched', keyType: 'ec-p384' })).toMatchObject({ code: 'not_found' });
      await ok(table, 'cert:remove', { id: 'watched', deleteFiles: true });
      expect(await ok(table, 'cert:list')).toEqual([]);
      expect(existsSync(path.join(tempDir(), 'certs', 'watched'))).toBe(false);
    });

    it.each([
      { channel: 'cert:detail', payload: { id: 'nope' } },
      { channel: 'cert:rehearse', payload: { id: 'nope' } },
      { channel: 'cert:rollback', payload: { id: 'nope', version: 1 } },
      { channel: 'cert:revoke', payload: { id: 'nope' } },
      { channel: 'cert:remove', payload: { id: 'nope' } },
      { channel: 'export:add', payload: { id: 'nope', target: { dir: '/srv/tls', format: 'pem' } } },
      { channel: 'export:remove', payload: { id: 'nope', dir: '/srv/tls' } },
      { channel: 'monitor:check', payload: { id: 'nope' } },
    ])('$channel with an unknown certificate → not_found', async ({ channel, payload }) => {
      expect(await failure(handlers(), channel, payload)).toMatchObject({ code: 'not_found', message: expect.stringContaining('"nope"') as unknown });
    });

    it('policy:get and policy:update: global values, one account’s overrides, and back to the default with null', async () => {
      const { table } = await seeded();
      const entry = (entries: unknown, key: string): unknown => (entries as ReadonlyArray<{ key: string }>).find((e) => e.key === key);

      expect(entry(await ok(table, 'policy:get'), 'retry.maxDelay')).toStrictEqual({ key: 'retry.maxDelay', value: '6h', isDefault: true });
      expect(entry(await ok(table, 'policy:update', { key: 'retry.maxDelay', value: '12h' }), 'retry.maxDelay')).toStrictEqual({ key: 'retry.maxDelay', value: '12h', isDefault: false });
      const primary = await ok(table, 'policy:update', { key: 'retry.maxDelay', value: '2h', ca: 'primary' });
      expect(entry(primary, 'retry.maxDelay')).toStrictEqual({ key: 'retry.maxDelay', value: '2h', isDefault: false });
      expect(entry(primary, 'rateLimits.preset')).toMatchObject({ isDefault: true });
      expect(entry(await ok(table, 'policy:get', { ca: 'spare' }), 'retry.maxDelay')).toStrictEqual({ key: 'retry.maxDelay', value: '12h', isDefault: false });
      expect(entry(await ok(table, 'policy:get', {}), 'retry.maxDelay')).toStrictEqual({ key: 'retry.maxDelay', value: '12h', isDefault: false });
      expect(entry(await ok(table, 'policy:update', { key: 'retry.maxDelay', value: null }), 'retry.maxDelay')).toStrictEqual({ key: 'retry.maxDelay', value: '6h', isDefault: true });

      expect(await failure(table, 'policy:update', { key: 'retry.maxDelay', value: 'soon' })).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('retry.maxDelay') as unknown });
      expect(await failure(table, 'policy:update', { key: 'retry.colour', value: 'blue' })).toMatchObject({ code: 'invalid_input', message: 'Unable to use the setting "retry.colour", there is no such setting' });
      expect(await failure(table, 'policy:update', { key: 'vault.keepVersions', value: '3', ca: 'primary' })).toMatchObject({ code: 'invalid_input' });
      expect(await failure(table, 'policy:get', { ca: 'nobody' })).toMatchObject({ code: 'not_found' });
      expect(await failure(table, 'policy:update', { key: 'retry.maxDelay', value: '1h', ca: 'nobody' })).toMatchObject({ code: 'not_found' });
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
