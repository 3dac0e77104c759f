import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openConfigStore, type ConfLike } from '../../../../../main/core/config-store.ts';
import { ConfigRepository } from '../../../../../main/core/config/repository.ts';
import type { Account, CertificateConfig, DnsProviderConfig } from '../../../../../main/core/config/schema.ts';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import { thrown } from '../../support/thrown.ts';
import { useClosers, useTempDir } from '../../support/temp-dir.ts';

const account: Account = {
  directoryUrl: 'https://acme-staging-v02.api.letsencrypt.org/directory',
  email: 'admin@example.com',
  termsOfServiceAgreed: true,
  accountUrl: 'https://acme-staging-v02.api.letsencrypt.org/acme/acct/1',
  createdAt: '2025-06-01T00:00:00.000Z',
};

const pebble: Account = {
  directoryUrl: 'https://127.0.0.1:14000/dir',
  termsOfServiceAgreed: true,
  eabKid: 'kid-1',
  caFile: '/etc/certdesk/pebble.minica.pem',
  createdAt: '2025-06-02T00:00:00.000Z',
};

const dnsExec: DnsProviderConfig = { provider: 'exec', command: '/usr/local/bin/dns-hook', propagation: { enabled: true } };
const dnsRfc2136: DnsProviderConfig = {
  provider: 'rfc2136',
  server: '127.0.0.1:5353',
  tsigName: 'certdesk-key',
  tsigAlgorithm: 'hmac-sha256',
  propagation: { enabled: true, resolver: '[::1]:53', timeoutSeconds: 120 },
};

const certificate: CertificateConfig = {
  domains: ['example.com', '*.example.com'],
  ca: 'le-staging',
  challenge: { type: 'dns-01', mode: 'dns', provider: 'bind' },
  keyType: 'ec-p256',
  createdAt: '2025-06-03T00:00:00.000Z',
};

describe('ConfigRepository', () => {
  const tempDir = useTempDir('config-repository');
  const onCleanup = useClosers();
  const configFile = (): string => path.join(tempDir(), 'config.json');

  function open(): { conf: ConfLike; repository: ConfigRepository } {
    const conf = openConfigStore(tempDir());
    onCleanup(() => {
      conf._closeWatcher();
    });
    return { conf, repository: new ConfigRepository(conf) };
  }

  async function writeConfig(value: unknown): Promise<void> {
    await writeFile(configFile(), JSON.stringify(value, null, 2));
  }

  it('lists nothing, finds nothing and writes no file in a fresh data dir', () => {
    const { repository } = open();
    expect(repository.list('accounts')).toStrictEqual([]);
    expect(repository.find('certificates', 'example-com')).toBeUndefined();
    expect(existsSync(configFile())).toBe(false);
  });

  it('stores an entry of each section and reads it back through a fresh store', async () => {
    const { repository } = open();
    repository.put('accounts', 'le-staging', account);
    repository.put('dnsProviders', 'bind', dnsRfc2136);
    repository.put('certificates', 'example.com', certificate);
    const fresh = open().repository;
    expect(fresh.get('accounts', 'le-staging')).toStrictEqual(account);
    expect(fresh.get('dnsProviders', 'bind')).toStrictEqual(dnsRfc2136);
    expect(fresh.get('certificates', 'example.com')).toStrictEqual(certificate);
    const file = JSON.parse(await readFile(configFile(), 'utf8')) as Record<string, unknown>;
    expect(file).toStrictEqual({
      accounts: { 'le-staging': account },
      dnsProviders: { bind: dnsRfc2136 },
      certificates: { 'example.com': certificate },
    });
  });

  it('lists a section sorted by name', () => {
    const { repository } = open();
    repository.put('dnsProviders', 'zone-b', dnsExec);
    repository.put('dnsProviders', 'bind', dnsRfc2136);
    repository.put('dnsProviders', 'manual', { provider: 'manual', propagation: { enabled: false } });
    expect(repository.list('dnsProviders').map(([name]) => name)).toStrictEqual(['bind', 'manual', 'zone-b']);
    expect(repository.list('dnsProviders')[0]).toStrictEqual(['bind', dnsRfc2136]);
  });

  it('replaces an entry put again under the same name, keeping the others', () => {
    const { repository } = open();
    repository.put('accounts', 'le-staging', account);
    repository.put('accounts', 'pebble', pebble);
    repository.put('accounts', 'le-staging', { ...account, email: 'new@example.com' });
    expect(repository.get('accounts', 'le-staging').email).toBe('new@example.com');
    expect(repository.get('accounts', 'pebble')).toStrictEqual(pebble);
  });

  it('finds by own names only: "toString" or "__proto__" are no entries', () => {
    const { repository } = open();
    repository.put('accounts', 'le-staging', account);
    expect(repository.find('accounts', 'toString')).toBeUndefined();
    expect(repository.find('accounts', '__proto__')).toBeUndefined();
    expect(repository.find('accounts', 'constructor')).toBeUndefined();
  });

  it('refuses to store an invalid entry and leaves the file as it was', async () => {
    const { repository } = open();
    repository.put('accounts', 'le-staging', account);
    const before = await readFile(configFile(), 'utf8');
    expect(() => { repository.put('accounts', 'bad', { ...account, directoryUrl: 'ftp://ca.example/dir' }); }).toThrow(/Refusing to store an invalid CA account bad/);
    expect(() => { repository.put('certificates', 'bad', { ...certificate, domains: [] }); }).toThrow(/Refusing to store an invalid certificate bad/);
    expect(await readFile(configFile(), 'utf8')).toBe(before);
  });

  it('keeps every other key of config.json when it writes (settings, other sections, unknown keys)', async () => {
    const others = {
      settings: { language: 'zh-CN', theme: 'dark' },
      certificates: { 'example-com': certificate },
      futureKey: { from: 'a newer CertDesk', list: [1, 2, 3] },
    };
    await writeConfig(others);
    open().repository.put('accounts', 'le-staging', account);
    const file = JSON.parse(await readFile(configFile(), 'utf8')) as Record<string, unknown>;
    expect(file).toStrictEqual({ ...others, accounts: { 'le-staging': account } });
  });

  describe('get', () => {
    it('reports an unknown name as invalid_input listing the known names', () => {
      const { repository } = open();
      repository.put('accounts', 'pebble', pebble);
      repository.put('accounts', 'le-staging', account);
      const error = thrown(() => repository.get('accounts', 'zerossl'));
      expect(error).toBeInstanceOf(CertDeskError);
      expect(error).toMatchObject({ code: 'not_found', message: 'Unable to find the CA account "zerossl"', remedy: 'Known: le-staging, pebble.' });
    });

    it.each([
      ['accounts', 'CA account'],
      ['dnsProviders', 'DNS provider'],
      ['certificates', 'certificate'],
    ] as const)('says when no %s exists yet', (section, label) => {
      const error = thrown(() => open().repository.get(section, 'x'));
      expect(error).toMatchObject({ code: 'not_found', message: `Unable to find the ${label} "x"`, remedy: `No ${label} exists yet; add one first.` });
    });
  });

  describe('invalid data on disk', () => {
    const broken: ReadonlyArray<readonly [string, unknown, RegExp]> = [
      ['a URL that is not http(s)', { ...account, directoryUrl: 'ftp://ca.example/dir' }, /\(directoryUrl: /],
      ['a missing field', { directoryUrl: account.directoryUrl, createdAt: account.createdAt }, /\(termsOfServiceAgreed: /],
      ['an unknown field', { ...account, password: 'x' }, /is not valid/],
      ['a wrong type', { ...account, termsOfServiceAgreed: 'yes' }, /\(termsOfServiceAgreed: /],
      ['not an object', 'le-staging', /is not valid/],
      ['null', null, /is not valid/],
    ];

    it.each(broken)('reports %s as invalid_data naming the entry and the file', async (_label, entry, detail) => {
      await writeConfig({ accounts: { good: account, broken: entry } });
      const { repository } = open();
      for (const read of [() => repository.get('accounts', 'broken'), () => repository.find('accounts', 'broken'), () => repository.list('accounts')]) {
        const error = thrown(read);
        expect(error).toBeInstanceOf(CertDeskError);
        const certDeskError = error as CertDeskError;
        expect(certDeskError.code).toBe('invalid_data');
        expect(certDeskError.message).toContain(`Unable to read the CA account "broken" from ${configFile()}, it is not valid`);
        expect(certDeskError.message).toMatch(detail);
        expect(certDeskError.remedy).toMatch(/Repair that entry/);
      }
      // The valid entry next to it is still readable on its own.
      expect(repository.get('accounts', 'good')).toStrictEqual(account);
    });

    it('reports an invalid DNS provider and certificate the same way', async () => {
      await writeConfig({
        dnsProviders: { bind: { ...dnsRfc2136, server: 'no-port' } },
        certificates: { 'example-com': { ...certificate, keyType: 'dsa-1024' } },
      });
      const { repository } = open();
      expect(thrown(() => repository.get('dnsProviders', 'bind'))).toMatchObject({
        code: 'invalid_data',
        message: expect.stringMatching(/^Unable to read the DNS provider "bind" from .*config\.json, it is not valid \(server: /) as unknown,
      });
      expect(thrown(() => repository.get('certificates', 'example-com'))).toMatchObject({
        code: 'invalid_data',
        message: expect.stringMatching(/^Unable to read the certificate "example-com" from .*config\.json, it is not valid \(keyType: /) as unknown,
      });
    });

    it.each([
      ['an array', []],
      ['a string', 'accounts'],
      ['a number', 5],
      ['null', null],
    ])('reports a section that is %s as invalid_data, and does not overwrite it', async (_label, section) => {
      await writeConfig({ accounts: section });
      const before = await readFile(configFile(), 'utf8');
      const { repository } = open();
      expect(thrown(() => repository.list('accounts'))).toMatchObject({
        code: 'invalid_data',
        message: `Unable to read accounts from ${configFile()}, it is not an object`,
      });
      expect(() => { repository.put('accounts', 'le-staging', account); }).toThrow(/it is not an object/);
      expect(await readFile(configFile(), 'utf8')).toBe(before);
    });
  });
});
