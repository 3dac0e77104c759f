import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsProviderDto, DnsProviderKindDto } from '../../../../preload/contract.ts';
import { dnsSecretEnvName } from '../../../../main/cli/engine-commands.ts';
import type { ExitCode } from '../../../../main/cli/exit-codes.ts';
import { runCli } from '../../../../main/cli/program.ts';
import { dnsFailureText } from '../../../../main/core/challenges/dns/dns-error.ts';
import { dnsProviderDefinitions } from '../../../../main/core/challenges/dns/registry.ts';
import { startVendorServer, type VendorServer } from '../../../support/vendor-server.ts';
import { useTempDir } from '../support/temp-dir.ts';

const TOKEN = 'cli-test-token-abcdefghijklmnop';
const TSIG_SECRET = Buffer.alloc(32, 5).toString('base64');

interface Run {
  readonly code: ExitCode;
  readonly out: string;
  readonly err: string;
}

/** An HTTPS server this process does not trust: `dns check` must report it, not hang or retry forever. */
let untrusted: VendorServer;

beforeAll(async () => {
  untrusted = await startVendorServer(() => ({ status: 200, body: { success: true, errors: [], messages: [], result: {} } }));
});

afterAll(async () => {
  await untrusted.stop();
});

describe('certdesk dns', () => {
  const tempDir = useTempDir('dns-cli');

  /** The CLI in-process on its own data dir, the key file instead of a keychain. */
  async function cli(argv: ReadonlyArray<string>, env: Record<string, string> = {}): Promise<Run> {
    let out = '';
    let err = '';
    const code = await runCli(['--data-dir', tempDir(), ...argv], {
      platform: 'linux',
      env: { CERTDESK_KEYCHAIN: 'off', ...env },
      homedir: path.join(tempDir(), 'home'),
      cwd: tempDir(),
      writeOut: (text) => { out += text; },
      writeErr: (text) => { err += text; },
    });
    return { code, out, err };
  }

  const json = async <T>(argv: ReadonlyArray<string>): Promise<T> => {
    const run = await cli(['--json', ...argv]);
    expect(run).toMatchObject({ code: 0, err: '' });
    return JSON.parse(run.out) as T;
  };

  it('dns add --help has one option per field of every kind, from the registry', async () => {
    const { code, out } = await cli(['dns', 'add', '--help']);
    expect(code).toBe(0);
    for (const definition of dnsProviderDefinitions) {
      for (const field of definition.fields) {
        const flag = `--${field.key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)} <value>`;
        expect(out).toContain(flag);
      }
    }
    expect(out).toMatch(/--api-token <value> +cloudflare[,:]/);
    expect(out.replace(/\s+/g, ' ')).toContain('(secret; or set CERTDESK_DNS_TSIG_SECRET or CERTDESK_TSIG_SECRET)');
    expect(out).toContain('--propagation-interval <seconds>');
    expect(out).toContain('--no-propagation-check');
  });

  it('dns kinds lists every kind with its flags, marking the secret ones; --json gives the DTOs', async () => {
    const text = await cli(['dns', 'kinds']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^cloudflare\tCloudflare — /m);
    expect(text.out).toMatch(/^ {2}--api-token \(secret\)\t/m);
    expect(text.out).toMatch(/^ {2}--zone-id \(optional\)\t/m);
    expect(text.out).toMatch(/^manual\tManual — /m);
    const kinds = await json<DnsProviderKindDto[]>(['dns', 'kinds']);
    expect(kinds.map((kind) => kind.kind)).toEqual(dnsProviderDefinitions.map((definition) => definition.kind));
    const zh = await cli(['dns', 'kinds'], { LANG: 'zh_CN.UTF-8' });
    expect(zh.out).toMatch(/^manual\t手动 — /m);
  });

  it('adds a cloud provider with its token from the environment, never writing or printing it', async () => {
    const add = await cli(['dns', 'add', 'cf', '--provider', 'cloudflare', '--zone-id', '023e105f4ecef8ad9ca31a8372d0c353', '--propagation-interval', '5'], { [dnsSecretEnvName('apiToken')]: TOKEN });
    expect(add).toMatchObject({ code: 0, err: '' });
    expect(add.out).toBe('Added DNS provider cf (cloudflare)\nCheck its credentials with: certdesk dns check cf\n');
    expect(await readFile(path.join(tempDir(), 'config.json'), 'utf8')).not.toContain(TOKEN);
    const list = await cli(['dns', 'list']);
    expect(list.out).toBe('cf\tcloudflare\tzoneId=023e105f4ecef8ad9ca31a8372d0c353\tsecrets: apiToken\tpropagation check\n');
    const listed = await json<DnsProviderDto[]>(['dns', 'list']);
    expect(listed).toEqual([{
      name: 'cf',
      provider: 'cloudflare',
      settings: { zoneId: '023e105f4ecef8ad9ca31a8372d0c353' },
      secrets: ['apiToken'],
      propagation: { enabled: true, intervalSeconds: 5 },
    }]);
    expect(JSON.stringify(listed)).not.toContain(TOKEN);
  });

  it('adds rfc2136 as before, the secret from --tsig-secret or CERTDESK_TSIG_SECRET', async () => {
    const common = ['--provider', 'rfc2136', '--server', '127.0.0.1:5353', '--tsig-name', 'certdesk-key', '--resolver', '127.0.0.1:5353', '--propagation-timeout', '30'];
    expect((await cli(['dns', 'add', 'flag', ...common, '--tsig-secret', TSIG_SECRET])).code).toBe(0);
    expect((await cli(['dns', 'add', 'env', ...common, '--tsig-algorithm', 'hmac-sha512'], { CERTDESK_TSIG_SECRET: TSIG_SECRET })).code).toBe(0);
    const listed = await json<DnsProviderDto[]>(['dns', 'list']);
    expect(listed.map((provider) => [provider.name, provider.settings.tsigAlgorithm, provider.secrets, provider.propagation])).toEqual([
      ['env', 'hmac-sha512', ['tsigSecret'], { enabled: true, resolver: '127.0.0.1:5353', timeoutSeconds: 30 }],
      ['flag', 'hmac-sha256', ['tsigSecret'], { enabled: true, resolver: '127.0.0.1:5353', timeoutSeconds: 30 }],
    ]);
  });

  it.each([
    [['--provider', 'cloudflare', '--api-token', TOKEN, '--server', '127.0.0.1:53'], /Unable to add the cloudflare DNS provider x, --server is not one of its fields/, 'Fields of cloudflare: --api-token, --zone-id, --endpoint.'],
    [['--provider', 'manual', '--command', '/bin/true', '--tsig-name', 'k'], /Unable to add the manual DNS provider x, --tsig-name, --command are not among its fields/, 'Fields of manual: none.'],
    [['--provider', 'cloudflare'], /Unable to add the cloudflare DNS provider, API token \(--api-token\) is required/, undefined],
    [['--provider', 'rfc2136', '--server', 'no-port', '--tsig-name', 'k', '--tsig-secret', TSIG_SECRET], /Unable to use Primary server \(--server\), it is not host:port/, undefined],
    [['--provider', 'rfc2136', '--server', '127.0.0.1:53', '--tsig-name', 'k', '--tsig-secret', TSIG_SECRET, '--tsig-algorithm', 'hmac-md5'], /"hmac-md5" is not one of hmac-sha256, hmac-sha384, hmac-sha512/, undefined],
  ])('refuses %j as bad usage (exit 2), naming the fields', async (args, message, remedy) => {
    const run = await cli(['dns', 'add', 'x', ...args]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(message);
    if (remedy !== undefined) expect(run.err).toContain(remedy);
    expect(run.err).not.toContain(TOKEN);
    expect((await json<DnsProviderDto[]>(['dns', 'list']))).toEqual([]);
  });

  it('refuses an unknown kind through the option\'s choices (exit 2)', async () => {
    const run = await cli(['dns', 'add', 'x', '--provider', 'bind9']);
    expect(run.code).toBe(2);
    expect(run.err).toContain("option '--provider <kind>' argument 'bind9' is invalid");
  });

  it('dns check says the credentials work (manual, exec) and exits 0', async () => {
    const hook = path.join(tempDir(), 'hook.sh');
    await writeFile(hook, '#!/bin/sh\nexit 0\n');
    await chmod(hook, 0o755);
    expect((await cli(['dns', 'add', 'hand', '--provider', 'manual'])).code).toBe(0);
    expect((await cli(['dns', 'add', 'hook', '--provider', 'exec', '--command', hook])).code).toBe(0);
    expect(await cli(['dns', 'check', 'hand'])).toEqual({ code: 0, out: 'hand: credentials work\n', err: '' });
    expect(await cli(['dns', 'check', 'hook'])).toEqual({ code: 0, out: 'hook: credentials work\n', err: '' });
    expect(await json<unknown>(['dns', 'check', 'hook'])).toEqual({ name: 'hook', ok: true });
  });

  it('stores an exec command given relative to the current directory as its absolute path', async () => {
    await mkdir(path.join(tempDir(), 'hooks'));
    const hook = path.join(tempDir(), 'hooks', 'dns.sh');
    await writeFile(hook, '#!/bin/sh\nexit 0\n');
    await chmod(hook, 0o755);
    expect((await cli(['dns', 'add', 'hook', '--provider', 'exec', '--command', './hooks/dns.sh'])).code).toBe(0);
    const listed = await json<ReadonlyArray<{ name: string; settings: Record<string, string> }>>(['dns', 'list']);
    expect(listed.find((provider) => provider.name === 'hook')?.settings).toEqual({ command: hook });
  });

  it('dns check exits 1 with the error, its translated kind and a remedy when the API cannot be trusted', async () => {
    expect((await cli(['dns', 'add', 'cf', '--provider', 'cloudflare', '--api-token', TOKEN, '--endpoint', untrusted.url])).code).toBe(0);
    const run = await cli(['dns', 'check', 'cf']);
    expect(run.code).toBe(1);
    expect(run.out).toBe('');
    expect(run.err).toContain(`certdesk: ${dnsFailureText.network.title.en}\n`);
    expect(run.err).toMatch(/certdesk: Unable to verify the API token at Cloudflare, the TLS certificate of 127\.0\.0\.1:\d+ is not trusted/);
    expect(run.err).not.toContain(TOKEN);
    const zh = await cli(['dns', 'check', 'cf'], { LANG: 'zh_CN.UTF-8' });
    expect(zh.err).toContain(`certdesk: ${dnsFailureText.network.title['zh-CN']}：${dnsFailureText.network.remedy['zh-CN']}\n`);
    expect((await cli(['dns', 'check', 'nothing'])).code).toBe(2);
  });

  it('dns remove refuses while a certificate uses the provider, then removes it', async () => {
    expect((await cli(['dns', 'add', 'hand', '--provider', 'manual'])).code).toBe(0);
    const configFile = path.join(tempDir(), 'config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
    config.certificates = { www: { domains: ['www.example.com'], ca: 'le', challenge: { type: 'dns-01', mode: 'dns', provider: 'hand' }, keyType: 'ec-p256', createdAt: '2025-06-01T00:00:00.000Z' } };
    await writeFile(configFile, JSON.stringify(config));
    const refused = await cli(['dns', 'remove', 'hand']);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('Unable to remove the DNS provider hand, the certificate www uses it');
    delete config.certificates;
    await writeFile(configFile, JSON.stringify(config));
    expect(await cli(['dns', 'remove', 'hand'])).toEqual({ code: 0, out: 'Removed DNS provider hand\n', err: '' });
    expect(await json<unknown[]>(['dns', 'list'])).toEqual([]);
  });
});

describe('dnsSecretEnvName', () => {
  it.each([['apiToken', 'CERTDESK_DNS_API_TOKEN'], ['tsigSecret', 'CERTDESK_DNS_TSIG_SECRET'], ['secretAccessKey', 'CERTDESK_DNS_SECRET_ACCESS_KEY']])('%s → %s', (key, name) => {
    expect(dnsSecretEnvName(key)).toBe(name);
  });
});
