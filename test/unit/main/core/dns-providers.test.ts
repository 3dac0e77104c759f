import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddDnsProviderRequest } from '../../../../preload/contract.ts';
import { DnsError } from '../../../../main/core/challenges/dns/dns-error.ts';
import type { DnsProviderDefinition } from '../../../../main/core/challenges/dns/provider.ts';
import { dnsProviderDefinitions } from '../../../../main/core/challenges/dns/registry.ts';
import { openConfigStore } from '../../../../main/core/config-store.ts';
import { ConfigRepository } from '../../../../main/core/config/repository.ts';
import type { CertificateConfig } from '../../../../main/core/config/schema.ts';
import { CertDeskError } from '../../../../main/core/errors.ts';
import { dnsSecretName, DnsProviderService, fieldFlag, storedSettings, validateCredentials } from '../../../../main/core/dns-providers.ts';
import { FileSecretBox } from '../../../../main/core/secrets/file-secret-box.ts';
import { createRecordingLogger } from '../../../support/recording-logger.ts';
import { startVendorServer, type VendorServer } from '../../../support/vendor-server.ts';
import { useClosers, useTempDir } from '../support/temp-dir.ts';
import { rejection } from '../support/thrown.ts';

const TOKEN = 'cf-token-for-service-tests-0123456789';
const TSIG_SECRET = Buffer.alloc(32, 9).toString('base64');

/** A Cloudflare stand-in for `check`: accepts TOKEN, lists one zone. */
let cloudflare: VendorServer;

beforeAll(async () => {
  cloudflare = await startVendorServer((request) => {
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      return { status: 403, body: { success: false, errors: [{ code: 10000, message: 'Authentication error' }], messages: [], result: null } };
    }
    if (request.url.pathname === '/user/tokens/verify') return { status: 200, body: { success: true, errors: [], messages: [], result: { id: 'x', status: 'active' } } };
    return { status: 200, body: { success: true, errors: [], messages: [], result: [{ id: '023e105f4ecef8ad9ca31a8372d0c353', name: 'example.com' }], result_info: { page: 1, total_pages: 1 } } };
  });
});

afterAll(async () => {
  await cloudflare.stop();
});

describe('DnsProviderService', () => {
  const tempDir = useTempDir('dns-providers');
  const onCleanup = useClosers();

  function open(definitions?: ReadonlyArray<DnsProviderDefinition>) {
    const conf = openConfigStore(tempDir());
    onCleanup(() => { conf._closeWatcher(); });
    const config = new ConfigRepository(conf);
    const secrets = new FileSecretBox(path.join(tempDir(), 'secrets'));
    const logger = createRecordingLogger();
    const service = new DnsProviderService({
      config,
      secrets,
      logger,
      providerContext: { extraCaPem: cloudflare.caPem, sleep: () => Promise.resolve() },
      ...(definitions === undefined ? {} : { definitions }),
    });
    return { service, config, secrets, logger, configFile: path.join(tempDir(), 'config.json') };
  }

  const cloudflareRequest: AddDnsProviderRequest = {
    name: 'cf',
    provider: 'cloudflare',
    credentials: { apiToken: TOKEN, zoneId: '023e105f4ecef8ad9ca31a8372d0c353' },
  };

  it('lists every registered kind as DTOs: labels, help, fields without functions, propagation defaults', () => {
    const { service } = open();
    const kinds = service.kinds();
    expect(kinds.map((kind) => kind.kind)).toEqual(dnsProviderDefinitions.map((definition) => definition.kind));
    expect(JSON.parse(JSON.stringify(kinds))).toEqual(kinds);
    const rfc2136 = kinds.find((kind) => kind.kind === 'rfc2136');
    expect(rfc2136?.fields.map((field) => [field.key, field.secret, field.optional])).toEqual([
      ['server', false, false],
      ['tsigName', false, false],
      ['tsigSecret', true, false],
      ['tsigAlgorithm', false, true],
    ]);
    expect(rfc2136?.fields.find((field) => field.key === 'tsigAlgorithm')).toMatchObject({ choices: ['hmac-sha256', 'hmac-sha384', 'hmac-sha512'], defaultValue: 'hmac-sha256' });
    expect(kinds.find((kind) => kind.kind === 'manual')?.fields).toEqual([]);
  });

  it('keeps a cloud provider\'s token in the SecretBox and its other settings in config.json', async () => {
    const { service, secrets, configFile } = open();
    const added = await service.add(cloudflareRequest);
    expect(added).toEqual({
      name: 'cf',
      provider: 'cloudflare',
      settings: { zoneId: '023e105f4ecef8ad9ca31a8372d0c353' },
      secrets: ['apiToken'],
      propagation: { enabled: true },
    });
    expect(await secrets.get('dns/cf/api-token')).toBe(TOKEN);
    const file = await readFile(configFile, 'utf8');
    expect(file).not.toContain(TOKEN);
    expect((JSON.parse(file) as { dnsProviders: Record<string, unknown> }).dnsProviders.cf).toEqual({ provider: 'cloudflare', settings: { zoneId: '023e105f4ecef8ad9ca31a8372d0c353' }, propagation: { enabled: true } });
    expect(JSON.stringify(await service.list())).not.toContain(TOKEN);
  });

  it('stores rfc2136 as before issue #8, secret at dns/<name>/tsig-secret, and reads an existing data dir unchanged', async () => {
    const { service, secrets, config, configFile } = open();
    await service.add({
      name: 'bind',
      provider: 'rfc2136',
      credentials: { server: '127.0.0.1:5353', tsigName: 'certdesk-key', tsigSecret: TSIG_SECRET },
      propagation: { enabled: true, resolver: '127.0.0.1:5353', timeoutSeconds: 30, intervalSeconds: 1 },
    });
    expect(config.get('dnsProviders', 'bind')).toEqual({
      provider: 'rfc2136',
      server: '127.0.0.1:5353',
      tsigName: 'certdesk-key',
      tsigAlgorithm: 'hmac-sha256',
      propagation: { enabled: true, resolver: '127.0.0.1:5353', timeoutSeconds: 30, intervalSeconds: 1 },
    });
    expect(await secrets.get('dns/bind/tsig-secret')).toBe(TSIG_SECRET);
    expect(await readFile(configFile, 'utf8')).not.toContain(TSIG_SECRET);

    // A data dir written before issue #8: same shape, no intervalSeconds, the secret at its old name.
    const legacy = JSON.parse(await readFile(configFile, 'utf8')) as { dnsProviders: Record<string, unknown> };
    legacy.dnsProviders.old = { provider: 'rfc2136', server: '127.0.0.1:5353', tsigName: 'k', tsigAlgorithm: 'hmac-sha512', propagation: { enabled: false } };
    legacy.dnsProviders.hook = { provider: 'exec', command: '/usr/local/bin/dns-hook', propagation: { enabled: true, timeoutSeconds: 60 } };
    await writeFile(configFile, JSON.stringify(legacy));
    await secrets.put('dns/old/tsig-secret', TSIG_SECRET);
    const reopened = open();
    const listed = await reopened.service.list();
    expect(listed.map((provider) => [provider.name, provider.provider, provider.secrets])).toEqual([
      ['bind', 'rfc2136', ['tsigSecret']],
      ['hook', 'exec', []],
      ['old', 'rfc2136', ['tsigSecret']],
    ]);
    expect(listed.find((provider) => provider.name === 'old')?.settings).toEqual({ server: '127.0.0.1:5353', tsigName: 'k', tsigAlgorithm: 'hmac-sha512' });
    await expect(reopened.service.create('old')).resolves.toMatchObject({ kind: 'rfc2136' });
  });

  it('reports a stored provider of a kind this build does not know, or with settings of the wrong shape, as invalid_data', async () => {
    const { configFile } = open();
    await writeFile(configFile, JSON.stringify({
      dnsProviders: {
        future: { provider: 'future-dns', settings: {}, propagation: { enabled: true } },
        odd: { provider: 'cloudflare', settings: { zoneId: 42 }, propagation: { enabled: true, intervalSeconds: 301 } },
      },
    }));
    const { service } = open();
    await expect(service.create('future')).rejects.toMatchObject({ code: 'invalid_data', message: expect.stringMatching(/DNS provider "future" .* it is not valid \(provider: /) as unknown });
    await expect(service.create('odd')).rejects.toMatchObject({ code: 'invalid_data' });
  });

  it.each<[string, AddDnsProviderRequest, RegExp, RegExp]>([
    ['an unknown kind', { name: 'x', provider: 'bind9', credentials: {} }, /kind "bind9", CertDesk has no such kind/, /Known kinds: cloudflare, .*manual\./],
    ['a field of another kind', { name: 'x', provider: 'cloudflare', credentials: { apiToken: TOKEN, server: '127.0.0.1:53' } }, /Unable to use --server \(server\) with the cloudflare DNS provider, it is not one of its fields/, /^Fields of cloudflare: --api-token, --zone-id, --endpoint\.$/],
    ['a missing required field', { name: 'x', provider: 'cloudflare', credentials: { zoneId: '023e105f4ecef8ad9ca31a8372d0c353' } }, /^Unable to add the cloudflare DNS provider, API token \(--api-token\) is required$/, /Zone:Read and DNS:Edit/],
    ['a value outside the choices', { name: 'x', provider: 'rfc2136', credentials: { server: '127.0.0.1:53', tsigName: 'k', tsigSecret: TSIG_SECRET, tsigAlgorithm: 'hmac-md5' } }, /TSIG algorithm \(--tsig-algorithm\), "hmac-md5" is not one of hmac-sha256, hmac-sha384, hmac-sha512/, /Choose one of/],
    ['a value its validate refuses', { name: 'x', provider: 'cloudflare', credentials: { apiToken: TOKEN, endpoint: 'http://api.example' } }, /^Unable to use API endpoint \(--endpoint\), it must start with https:\/\/$/, /API root/],
    ['a bad name', { name: 'Bad Name', provider: 'manual', credentials: {} }, /as a DNS provider name/, /1-64 characters/],
    ['a propagation interval out of range', { name: 'x', provider: 'manual', credentials: {}, propagation: { enabled: true, intervalSeconds: 0 } }, /--propagation-interval, it is not whole seconds 1-300/, /between 1 and 300/],
  ])('refuses %s with invalid_input naming the field and flag', async (_case, request, message, remedy) => {
    const { service, config } = open();
    const error = await rejection(service.add(request));
    expect(error).toBeInstanceOf(CertDeskError);
    expect(error).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(message) as unknown, remedy: expect.stringMatching(remedy) as unknown });
    expect(config.list('dnsProviders')).toEqual([]);
  });

  it('never quotes a secret value it refuses', async () => {
    const { service } = open();
    const secret = 'not base64 but secret!';
    const error = await rejection(service.add({ name: 'x', provider: 'rfc2136', credentials: { server: '127.0.0.1:53', tsigName: 'k', tsigSecret: secret } })) as CertDeskError;
    expect(error.message).toMatch(/^Unable to use TSIG secret \(--tsig-secret\), it is not a base64 key/);
    expect(`${error.message} ${error.remedy ?? ''}`).not.toContain(secret);
  });

  it('replaces a provider of the same name and deletes the secrets the new one no longer has', async () => {
    const { service, secrets } = open();
    await service.add(cloudflareRequest);
    const replaced = await service.add({ name: 'cf', provider: 'manual', credentials: {}, propagation: { enabled: false } });
    expect(replaced).toMatchObject({ provider: 'manual', secrets: [], propagation: { enabled: false } });
    expect(await secrets.get('dns/cf/api-token')).toBeUndefined();
  });

  it('checks a provider\'s credentials through the kind, without changing records', async () => {
    const { service } = open();
    await service.add({ ...cloudflareRequest, credentials: { apiToken: TOKEN, endpoint: cloudflare.url } });
    await expect(service.check('cf')).resolves.toEqual({ name: 'cf', ok: true, zones: ['example.com.'] });
    expect(cloudflare.requests.every((request) => request.method === 'GET')).toBe(true);

    await service.add({ ...cloudflareRequest, name: 'cf-bad', credentials: { apiToken: 'wrong-token', endpoint: cloudflare.url } });
    const error = await rejection(service.check('cf-bad'));
    expect(error).toBeInstanceOf(DnsError);
    expect(error).toMatchObject({ failure: 'auth' });
  });

  it('refuses to remove a provider a certificate uses, naming it; then removes it with its secrets', async () => {
    const { service, config, secrets } = open();
    await service.add(cloudflareRequest);
    const certificate: CertificateConfig = { domains: ['example.com'], ca: 'le', challenge: { type: 'dns-01', mode: 'dns', provider: 'cf' }, keyType: 'ec-p256', createdAt: '2025-06-01T00:00:00.000Z' };
    config.put('certificates', 'example-com', certificate);
    await expect(service.remove('cf')).rejects.toMatchObject({ code: 'invalid_input', message: 'Unable to remove the DNS provider cf, the certificate example-com uses it' });
    config.remove('certificates', 'example-com');
    await service.remove('cf');
    expect(config.find('dnsProviders', 'cf')).toBeUndefined();
    expect(await secrets.get('dns/cf/api-token')).toBeUndefined();
    await expect(service.remove('cf')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('reports a provider whose secret went missing as invalid_data, and builds manual without a prompt', async () => {
    const { service, secrets } = open();
    await service.add(cloudflareRequest);
    await secrets.delete('dns/cf/api-token');
    await expect(service.create('cf')).rejects.toMatchObject({ code: 'invalid_data', message: 'Unable to use the DNS provider cf, its API token is missing' });
    await service.add({ name: 'hand', provider: 'manual', credentials: {} });
    const manual = await service.create('hand');
    await expect(manual.check()).resolves.toEqual({});
    await expect(manual.present('_acme-challenge.example.com.', 'v')).rejects.toMatchObject({ failure: 'prompt_unavailable' });
  });

  it('stores what prepare completes and returns its note', async () => {
    // A stored kind must be a registered one: this stand-in borrows cloudflare's kind.
    const prepared: DnsProviderDefinition = {
      kind: 'cloudflare',
      label: { en: 'Prepared', 'zh-CN': '预备' },
      help: { en: 'Test kind.', 'zh-CN': '测试。' },
      fields: [
        { key: 'server', label: { en: 'Server', 'zh-CN': '服务器' }, help: { en: 'h', 'zh-CN': 'h' }, secret: false },
        { key: 'password', label: { en: 'Password', 'zh-CN': '密码' }, help: { en: 'h', 'zh-CN': 'h' }, secret: true, optional: true },
      ],
      propagation: { timeoutSeconds: 10, intervalSeconds: 1 },
      create: () => { throw new Error('not used'); },
      prepare: (credentials) => Promise.resolve({
        credentials: { ...credentials, password: 'registered-password', stray: 'ignored' },
        note: { en: 'Create the CNAME.', 'zh-CN': '请创建 CNAME。' },
      }),
    };
    const { service, secrets } = open([prepared]);
    const added = await service.add({ name: 'p', provider: 'cloudflare', credentials: { server: 'https://auth.example' } });
    expect(added).toMatchObject({ settings: { server: 'https://auth.example' }, secrets: ['password'], note: { en: 'Create the CNAME.' } });
    expect(await secrets.get('dns/p/password')).toBe('registered-password');
  });

  it('stores exec\'s command as the absolute path it found', async () => {
    const { service, config } = open();
    const hook = path.join(tempDir(), 'hook.sh');
    await writeFile(hook, '#!/bin/sh\nexit 0\n');
    await chmod(hook, 0o755);
    await service.add({ name: 'hook', provider: 'exec', credentials: { command: hook } });
    expect(config.get('dnsProviders', 'hook')).toEqual({ provider: 'exec', command: hook, propagation: { enabled: true } });
    await expect((await service.create('hook')).check()).resolves.toEqual({});
    const missing = await rejection(service.add({ name: 'gone', provider: 'exec', credentials: { command: path.join(tempDir(), 'nope.sh') } }));
    expect(missing).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/^Unable to use Command \(--command\), it is not an executable file \(.*nope\.sh does not exist\)$/) as unknown });
  });
});

describe('validateCredentials', () => {
  const cloudflare = dnsProviderDefinitions.find((definition) => definition.kind === 'cloudflare');
  it('drops empty optional values, trims, and keeps declaration order', () => {
    if (cloudflare === undefined) throw new Error('cloudflare is registered');
    expect(validateCredentials(cloudflare, { zoneId: ' ', apiToken: ` ${TOKEN}\n` })).toEqual({ apiToken: TOKEN });
  });
});

describe('names', () => {
  it.each([
    ['apiToken', '--api-token', 'dns/cf/api-token'],
    ['tsigSecret', '--tsig-secret', 'dns/cf/tsig-secret'],
    ['accessKeyId', '--access-key-id', 'dns/cf/access-key-id'],
    ['command', '--command', 'dns/cf/command'],
  ])('%s → %s, %s', (key, flag, secret) => {
    expect(fieldFlag(key)).toBe(flag);
    expect(dnsSecretName('cf', key)).toBe(secret);
  });

  it('reads the settings of every storage form', () => {
    expect(storedSettings({ provider: 'manual', propagation: { enabled: true } })).toEqual({});
    expect(storedSettings({ provider: 'exec', command: '/x', propagation: { enabled: true } })).toEqual({ command: '/x' });
    expect(storedSettings({ provider: 'cloudflare', settings: { zoneId: 'z' }, propagation: { enabled: true } })).toEqual({ zoneId: 'z' });
  });
});
