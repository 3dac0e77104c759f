import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import { dataPaths, type DataPaths } from '../../../../../main/core/paths.ts';
import { Vault, pemFileNames, pemSetFrom, writePemSet, type PemSet, type StoredVersion } from '../../../../../main/core/vault/vault.ts';
import { describeChain } from '../../../../../main/core/vault/x509.ts';
import { createTestCa, type TestCa } from '../../../../support/test-ca.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { rejection, thrown } from '../../support/thrown.ts';

/** Two independent CAs, so certificates and keys that do not belong together are at hand. */
let first: TestCa;
let second: TestCa;

beforeAll(async () => {
  [first, second] = await Promise.all([
    createTestCa({ hosts: ['example.com', 'www.example.com'] }),
    createTestCa({ hosts: ['other.example'] }),
  ]);
}, 60_000);

const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o777;

async function expectCode(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(CertDeskError);
  expect((error as CertDeskError).code).toBe(code);
  expect((error as CertDeskError).message).toMatch(message);
}

describe('pemSetFrom', () => {
  it('splits the downloaded chain into leaf, intermediates and full chain', () => {
    const set = pemSetFrom(`${first.leafCertPem}${first.caCertPem}`, first.leafKeyPem);
    expect(set).toStrictEqual({
      cert: first.leafCertPem,
      chain: first.caCertPem,
      fullchain: `${first.leafCertPem}${first.caCertPem}`,
      privkey: first.leafKeyPem,
    });
  });

  it('keeps several intermediates in order', () => {
    const set = pemSetFrom(`${first.leafCertPem}${first.caCertPem}${second.caCertPem}`, first.leafKeyPem);
    expect(set.chain).toBe(`${first.caCertPem}${second.caCertPem}`);
  });

  it('gives an empty chain for a leaf alone', () => {
    const set = pemSetFrom(first.leafCertPem, first.leafKeyPem);
    expect(set.cert).toBe(first.leafCertPem);
    expect(set.chain).toBe('');
    expect(set.fullchain).toBe(first.leafCertPem);
  });

  it('normalises what lies around the blocks (CRLF separators, blank lines, a missing final newline)', () => {
    const messy = `\n${first.leafCertPem.trimEnd()}\r\n\r\n${first.caCertPem.trimEnd()}`;
    const set = pemSetFrom(messy, first.leafKeyPem.trimEnd());
    expect(set.fullchain).toBe(`${first.leafCertPem}${first.caCertPem}`);
    expect(set.privkey).toBe(first.leafKeyPem);
  });

  it('refuses a key that is not the leaf\'s, as invalid_data', () => {
    const error = thrown(() => pemSetFrom(`${first.leafCertPem}${first.caCertPem}`, second.leafKeyPem));
    expect(error).toBeInstanceOf(CertDeskError);
    expect(error).toMatchObject({ code: 'invalid_data', message: 'Unable to store the certificate, it does not match the private key it was ordered with' });
  });

  it('refuses the key of an intermediate: only the leaf counts', () => {
    expect(() => pemSetFrom(`${first.leafCertPem}${first.caCertPem}`, first.caKeyPem)).toThrow(/does not match the private key/);
  });

  it.each([[''], ['<html>not a certificate</html>']])('refuses a download without a certificate (%j) as invalid_data', (pem) => {
    const error = thrown(() => pemSetFrom(pem, first.leafKeyPem));
    expect(error).toMatchObject({ code: 'invalid_data', message: 'Unable to store the certificate, the CA sent no PEM certificate' });
  });
});

describe('writePemSet', () => {
  const tempDir = useTempDir('pem-set');

  it('writes the four files, the key 0600 and the rest 0644, in a 0700 folder by default', async () => {
    const set = pemSetFrom(`${first.leafCertPem}${first.caCertPem}`, first.leafKeyPem);
    const dir = path.join(tempDir(), 'export');
    await writePemSet(dir, set);
    expect((await readdir(dir)).sort()).toStrictEqual(['cert.pem', 'chain.pem', 'fullchain.pem', 'privkey.pem']);
    for (const [part, file] of Object.entries(pemFileNames) as Array<[keyof PemSet, string]>) {
      expect(await readFile(path.join(dir, file), 'utf8')).toBe(set[part]);
      expect(await modeOf(path.join(dir, file))).toBe(part === 'privkey' ? 0o600 : 0o644);
    }
    expect(await modeOf(dir)).toBe(0o700);
  });

  it('creates the folder with the mode asked for', async () => {
    const dir = path.join(tempDir(), 'public');
    await writePemSet(dir, pemSetFrom(first.leafCertPem, first.leafKeyPem), 0o755);
    expect(await modeOf(dir)).toBe(0o755);
  });
});

describe('Vault', () => {
  const tempDir = useTempDir('vault');
  const paths = (): DataPaths => dataPaths(tempDir());
  const vault = (): Vault => new Vault(paths());
  const firstSet = (): PemSet => pemSetFrom(`${first.leafCertPem}${first.caCertPem}`, first.leafKeyPem);
  const secondSet = (): PemSet => pemSetFrom(`${second.leafCertPem}${second.caCertPem}`, second.leafKeyPem);

  it('has no current version before the first store', async () => {
    expect(await vault().current('example-com')).toBeUndefined();
  });

  it('stores version 1 with the four PEM files and meta.json, and makes it current', async () => {
    const stored = await vault().store('example-com', firstSet());
    const dir = paths().version('example-com', 1);
    expect(stored.version).toBe(1);
    expect(stored.dir).toBe(dir);
    expect(stored.meta).toStrictEqual(describeChain(first.leafCertPem, 'x'));
    expect((await readdir(dir)).sort()).toStrictEqual(['cert.pem', 'chain.pem', 'fullchain.pem', 'meta.json', 'privkey.pem']);
    expect(await readFile(paths().current('example-com'), 'utf8')).toBe('1\n');
    const meta = JSON.parse(await readFile(path.join(dir, 'meta.json'), 'utf8')) as Record<string, unknown>;
    expect(meta).toMatchObject({ version: 1, ...stored.meta, domains: ['example.com', 'www.example.com'] });
    expect(Number.isNaN(Date.parse(String(meta.storedAt)))).toBe(false);
  });

  it('writes the private key 0600, the other files 0644, the version folder 0700', async () => {
    const { dir } = await vault().store('example-com', firstSet());
    expect(await modeOf(path.join(dir, 'privkey.pem'))).toBe(0o600);
    for (const file of ['cert.pem', 'chain.pem', 'fullchain.pem', 'meta.json']) expect(await modeOf(path.join(dir, file))).toBe(0o644);
    expect(await modeOf(dir)).toBe(0o700);
  });

  it('numbers versions 1, 2, 3, keeps the old ones untouched and switches current to the newest', async () => {
    const v = vault();
    const one = await v.store('example-com', firstSet());
    const oneKey = await readFile(path.join(one.dir, 'privkey.pem'), 'utf8');
    const two = await v.store('example-com', secondSet());
    const three = await vault().store('example-com', firstSet());
    expect([one.version, two.version, three.version]).toStrictEqual([1, 2, 3]);
    expect(await readFile(path.join(one.dir, 'privkey.pem'), 'utf8')).toBe(oneKey);
    expect(await readFile(path.join(two.dir, 'privkey.pem'), 'utf8')).toBe(second.leafKeyPem);
    expect(await readFile(paths().current('example-com'), 'utf8')).toBe('3\n');
    expect((await readdir(paths().versionsDir('example-com'))).sort()).toStrictEqual(['1', '2', '3']);
  });

  it('continues after the highest version on disk, ignoring entries that are not versions', async () => {
    const versions = paths().versionsDir('example-com');
    for (const entry of ['1', '5', 'tmp', '0', '-2', '7.5']) await mkdir(path.join(versions, entry), { recursive: true });
    expect((await vault().store('example-com', firstSet())).version).toBe(6);
  });

  it('numbers each certificate separately', async () => {
    const v = vault();
    await v.store('a', firstSet());
    await v.store('a', firstSet());
    expect((await v.store('b', secondSet())).version).toBe(1);
  });

  it('refuses a set without a parseable certificate before writing anything', async () => {
    const v = vault();
    await v.store('example-com', firstSet());
    const broken: PemSet = { ...secondSet(), fullchain: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' };
    await expectCode(v.store('example-com', broken), 'invalid_data', /cannot be parsed/);
    expect(await readdir(paths().versionsDir('example-com'))).toStrictEqual(['1']);
    expect(await readFile(paths().current('example-com'), 'utf8')).toBe('1\n');
  });

  it('switches current only once the new version is complete: a reader never sees a half-written version', async () => {
    const v = vault();
    await v.store('example-com', firstSet());
    const writer = { done: false };
    const seen: number[] = [];
    const problems: unknown[] = [];
    const reader = (async () => {
      while (!writer.done) {
        try {
          const live: StoredVersion | undefined = await v.current('example-com');
          if (live !== undefined) {
            seen.push(live.version);
            for (const file of ['cert.pem', 'chain.pem', 'fullchain.pem', 'privkey.pem', 'meta.json']) {
              if (!existsSync(path.join(live.dir, file))) problems.push(`version ${String(live.version)} lacks ${file}`);
            }
          }
        } catch (error) {
          problems.push(error);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (let i = 0; i < 5; i += 1) await v.store('example-com', i % 2 === 0 ? secondSet() : firstSet());
    writer.done = true;
    await reader;
    expect(problems).toStrictEqual([]);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toStrictEqual([...seen].sort((a, b) => a - b));
    expect((await v.current('example-com'))?.version).toBe(6);
  });

  describe('current', () => {
    it('parses the live version from its fullchain.pem, not from meta.json', async () => {
      const v = vault();
      await v.store('example-com', firstSet());
      const two = await v.store('example-com', secondSet());
      await writeFile(path.join(two.dir, 'meta.json'), JSON.stringify({ version: 2, domains: ['forged.example'] }));
      const live = await v.current('example-com');
      expect(live).toStrictEqual({ version: 2, dir: two.dir, meta: describeChain(second.leafCertPem, 'x') });
      expect(live?.meta.domains).toStrictEqual(['other.example']);
    });

    it('follows the pointer, wherever it points', async () => {
      const v = vault();
      await v.store('example-com', firstSet());
      await v.store('example-com', secondSet());
      await writeFile(paths().current('example-com'), '1\n');
      expect((await v.current('example-com'))?.meta.domains).toStrictEqual(['example.com', 'www.example.com']);
    });

    it.each([[''], ['\n'], ['abc\n'], ['0\n'], ['-1\n'], ['1.5\n'], ['NaN'], ['Infinity']])(
      'reports a damaged pointer %j as invalid_data naming the file',
      async (pointer) => {
        await vault().store('example-com', firstSet());
        await writeFile(paths().current('example-com'), pointer);
        await expectCode(vault().current('example-com'), 'invalid_data', new RegExp(`^Unable to read ${paths().current('example-com')}, it does not name a version$`));
      },
    );

    it('reports a pointer to a missing version as invalid_data', async () => {
      await vault().store('example-com', firstSet());
      await writeFile(paths().current('example-com'), '9\n');
      await expectCode(vault().current('example-com'), 'invalid_data', /^Unable to read version 9 of example-com, fullchain\.pem is missing$/);
    });

    it('reports a missing fullchain.pem as invalid_data', async () => {
      const { dir } = await vault().store('example-com', firstSet());
      await rm(path.join(dir, 'fullchain.pem'));
      await expectCode(vault().current('example-com'), 'invalid_data', /^Unable to read version 1 of example-com, fullchain\.pem is missing$/);
    });

    it.each([
      ['empty', '', /holds no PEM certificate/],
      ['garbled', '-----BEGIN CERTIFICATE-----\nZ2FyYmxlZA==\n-----END CERTIFICATE-----\n', /cannot be parsed/],
      ['text', 'hello\n', /holds no PEM certificate/],
    ])('reports a %s fullchain.pem as invalid_data naming the file', async (_label, content, reason) => {
      const { dir } = await vault().store('example-com', firstSet());
      await writeFile(path.join(dir, 'fullchain.pem'), content);
      const error = await rejection(vault().current('example-com'));
      expect(error).toBeInstanceOf(CertDeskError);
      expect((error as CertDeskError).code).toBe('invalid_data');
      expect((error as CertDeskError).message).toContain(path.join(dir, 'fullchain.pem'));
      expect((error as CertDeskError).message).toMatch(reason);
    });
  });

  describe('currentPemSet', () => {
    it('returns the live version\'s files', async () => {
      const v = vault();
      await v.store('example-com', firstSet());
      await v.store('example-com', secondSet());
      expect(await v.currentPemSet('example-com')).toStrictEqual(secondSet());
    });

    it('reports a certificate without a version yet as invalid_input with the renew command', async () => {
      const error = await rejection(vault().currentPemSet('example-com'));
      expect(error).toMatchObject({ code: 'invalid_input', message: 'Unable to export example-com, it has no certificate yet' });
      expect((error as CertDeskError).remedy).toBe('Obtain it first: certdesk cert renew example-com');
    });

    it('reports a missing file of the live version as invalid_data naming it', async () => {
      const { dir } = await vault().store('example-com', firstSet());
      await rm(path.join(dir, 'privkey.pem'));
      await expectCode(vault().currentPemSet('example-com'), 'invalid_data', new RegExp(`${path.join(dir, 'privkey.pem')}, it is missing$`));
    });
  });
});
