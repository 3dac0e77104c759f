import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import { dataPaths, type DataPaths } from '../../../../../main/core/paths.ts';
import { Vault, defaultKeep, pemFileNames, pemSetFrom, writePemSet, type PemSet, type StoredVersion } from '../../../../../main/core/vault/vault.ts';
import { describeChain } from '../../../../../main/core/vault/x509.ts';
import { createTestCa, type TestCa } from '../../../../support/test-ca.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { rejection, thrown } from '../../support/thrown.ts';

/** Two independent CAs, so certificates and keys that do not belong together are at hand. */
let first: TestCa;
let second: TestCa;
/** Seven more, one per version, so every stored version of a certificate has its own serial. */
let series: TestCa[];

beforeAll(async () => {
  [first, second, ...series] = await Promise.all([
    createTestCa({ hosts: ['example.com', 'www.example.com'] }),
    createTestCa({ hosts: ['other.example'] }),
    ...Array.from({ length: 7 }, () => createTestCa({ hosts: ['example.com'] })),
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

    it('reports a missing file of the live version as invalid_data naming it, as current() does', async () => {
      const { dir } = await vault().store('example-com', firstSet());
      await rm(path.join(dir, 'privkey.pem'));
      await expectCode(vault().currentPemSet('example-com'), 'invalid_data', /^Unable to read version 1 of example-com, privkey\.pem is missing$/);
    });

    it('verifies the files it returns: a damaged key is invalid_data, never handed out', async () => {
      const { dir } = await vault().store('example-com', firstSet());
      await writeFile(path.join(dir, 'privkey.pem'), first.leafKeyPem.slice(0, 60));
      await expectCode(vault().currentPemSet('example-com'), 'invalid_data', /^Unable to use version 1 of example-com, privkey\.pem is damaged \(/);
    });
  });
});

describe('Vault versions: integrity, listing, retention, rollback, revocation', () => {
  const tempDir = useTempDir('vault-versions');
  const paths = (): DataPaths => dataPaths(tempDir());
  const vault = (): Vault => new Vault(paths());
  const id = 'example-com';
  /** The set of version `n` (1-based) in a series: each from its own CA, so each has its own serial. */
  const setOf = (n: number): PemSet => {
    const ca = series[(n - 1) % series.length];
    if (ca === undefined) throw new Error('no test CA');
    return pemSetFrom(`${ca.leafCertPem}${ca.caCertPem}`, ca.leafKeyPem);
  };
  const serialOf = (n: number): string => describeChain(setOf(n).fullchain, 'x').serial;
  const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
  const readMeta = async (n: number): Promise<Record<string, unknown>> =>
    JSON.parse(await readFile(path.join(paths().version(id, n), 'meta.json'), 'utf8')) as Record<string, unknown>;
  const pointer = async (): Promise<string> => readFile(paths().current(id), 'utf8');
  const dirsOnDisk = async (): Promise<string[]> => (await readdir(paths().versionsDir(id))).sort((a, b) => Number(a) - Number(b));

  /** Stores versions 1..count, keeping them all. */
  async function storeSeries(count: number, v: Vault = vault()): Promise<StoredVersion[]> {
    const stored: StoredVersion[] = [];
    for (let n = 1; n <= count; n += 1) stored.push(await v.store(id, setOf(n), { keep: 100 }));
    return stored;
  }

  /** Writes version `n` exactly as the code before hashes were recorded did, and makes it live. */
  async function storeOldFormat(n: number, set: PemSet = setOf(n)): Promise<string> {
    const dir = paths().version(id, n);
    await writePemSet(dir, set);
    await writeFile(path.join(dir, 'meta.json'), `${JSON.stringify({ version: n, storedAt: '2024-05-06T07:08:09.000Z', ...describeChain(set.fullchain, 'x') }, null, 2)}\n`);
    await writeFile(paths().current(id), `${n}\n`);
    return dir;
  }

  describe('store', () => {
    it('writes meta.json with the version, when, where from, the parsed certificate and the SHA-256 of each PEM file', async () => {
      const before = Date.now();
      const stored = await vault().store(id, setOf(1));
      const meta = await readMeta(1);
      expect(meta).toStrictEqual({
        version: 1,
        storedAt: meta.storedAt,
        source: 'acme',
        ...describeChain(setOf(1).fullchain, 'x'),
        files: {
          'cert.pem': sha256(setOf(1).cert),
          'chain.pem': sha256(setOf(1).chain),
          'fullchain.pem': sha256(setOf(1).fullchain),
          'privkey.pem': sha256(setOf(1).privkey),
        },
      });
      expect(Date.parse(String(meta.storedAt))).toBeGreaterThanOrEqual(before - 1000);
      for (const file of Object.values(pemFileNames)) {
        expect((meta.files as Record<string, string>)[file]).toBe(sha256(await readFile(path.join(stored.dir, file), 'utf8')));
      }
      expect(stored).toStrictEqual({ version: 1, dir: paths().version(id, 1), meta: describeChain(setOf(1).fullchain, 'x') });
    });

    it('records the source and the CA account it came from, and returns them', async () => {
      const stored = await vault().store(id, setOf(1), { source: 'import', ca: 'standby-ca' });
      expect(stored.issuedBy).toBe('standby-ca');
      expect(await readMeta(1)).toMatchObject({ source: 'import', ca: 'standby-ca' });
      expect(await vault().current(id)).toMatchObject({ version: 1, issuedBy: 'standby-ca' });
      expect((await vault().versions(id))[0]).toMatchObject({ source: 'import', issuedBy: 'standby-ca' });
    });

    it('keeps every version folder 0700 and every private key 0600', async () => {
      const stored = await storeSeries(3);
      expect(await modeOf(paths().versionsDir(id))).toBe(0o700);
      for (const { dir } of stored) {
        expect(await modeOf(dir)).toBe(0o700);
        expect(await modeOf(path.join(dir, 'privkey.pem'))).toBe(0o600);
      }
    });

    it('refuses a set whose key is not its certificate\'s, before writing anything', async () => {
      const mismatched: PemSet = { ...setOf(1), privkey: setOf(2).privkey };
      await expectCode(vault().store(id, mismatched), 'invalid_data', /^Unable to store the certificate, it does not match the private key/);
      expect(existsSync(paths().versionsDir(id))).toBe(false);
      expect(existsSync(paths().current(id))).toBe(false);
    });

    it('refuses a set whose cert and chain are not its fullchain\'s leaf and rest, before writing anything', async () => {
      await expectCode(vault().store(id, { ...setOf(1), cert: '' }), 'invalid_data', /^Unable to store the certificate, its cert and chain/);
      await expectCode(vault().store(id, { ...setOf(1), chain: `${setOf(1).chain}${setOf(2).chain}` }), 'invalid_data', /^Unable to store the certificate, its cert and chain/);
      expect(existsSync(paths().versionsDir(id))).toBe(false);
    });

    it.each([[0], [-1], [1.5], [Number.NaN]])('refuses keep %s as invalid_input before writing anything', async (keep) => {
      await expectCode(vault().store(id, setOf(1), { keep }), 'invalid_input', /^Unable to prune old versions, keep must be a whole number of at least 1/);
      expect(existsSync(paths().versionsDir(id))).toBe(false);
    });

    it('never writes into an existing folder: an interrupted store\'s number is skipped, its key left alone', async () => {
      await vault().store(id, setOf(1));
      const interrupted = paths().version(id, 2);
      await writePemSet(interrupted, setOf(2));
      const stored = await vault().store(id, setOf(3));
      expect(stored.version).toBe(3);
      expect(await readFile(path.join(interrupted, 'privkey.pem'), 'utf8')).toBe(setOf(2).privkey);
    });
  });

  describe('versions', () => {
    it('lists three stored versions newest first, the newest live', async () => {
      await storeSeries(3);
      const listed = await vault().versions(id);
      expect(listed.map((info) => info.version)).toStrictEqual([3, 2, 1]);
      expect(listed.map((info) => info.live)).toStrictEqual([true, false, false]);
      expect(listed.map((info) => info.meta?.serial)).toStrictEqual([serialOf(3), serialOf(2), serialOf(1)]);
      for (const [index, info] of listed.entries()) {
        expect(info).toStrictEqual({
          version: 3 - index,
          storedAt: (await readMeta(3 - index)).storedAt,
          meta: describeChain(setOf(3 - index).fullchain, 'x'),
          live: index === 0,
          source: 'acme',
        });
      }
      expect(new Set(listed.map((info) => info.meta?.serial)).size).toBe(3);
    });

    it('is empty for a certificate never stored', async () => {
      expect(await vault().versions(id)).toStrictEqual([]);
    });

    it('marks the live version after a rollback', async () => {
      await storeSeries(3);
      await vault().rollback(id, 1);
      expect((await vault().versions(id)).map((info) => [info.version, info.live])).toStrictEqual([[3, false], [2, false], [1, true]]);
    });

    it('lists a damaged version with why, and the certificate meta.json recorded, instead of throwing', async () => {
      const [, two] = await storeSeries(3);
      if (two === undefined) throw new Error('no version 2');
      await writeFile(path.join(two.dir, 'fullchain.pem'), 'hello\n');
      const listed = await vault().versions(id);
      const damaged = listed.find((info) => info.version === 2);
      expect(damaged?.damaged).toBe(`fullchain.pem is damaged (${path.join(two.dir, 'fullchain.pem')} holds no PEM certificate)`);
      expect(damaged?.meta).toStrictEqual(describeChain(setOf(2).fullchain, 'x'));
      expect(listed.filter((info) => info.damaged !== undefined).map((info) => info.version)).toStrictEqual([2]);
    });

    it('lists none as live when current is damaged, without throwing', async () => {
      await storeSeries(2);
      await writeFile(paths().current(id), 'garbage\n');
      expect((await vault().versions(id)).map((info) => info.live)).toStrictEqual([false, false]);
    });
  });

  describe('integrity on load', () => {
    it('refuses a live version whose privkey.pem was truncated, lists it damaged, and rolls back to the previous one', async () => {
      const v = vault();
      const [, two] = await storeSeries(2, v);
      if (two === undefined) throw new Error('no version 2');
      expect((await v.current(id))?.version).toBe(2);
      const keyFile = path.join(two.dir, 'privkey.pem');
      await truncate(keyFile, 40);

      const error = await rejection(v.current(id));
      expect(error).toBeInstanceOf(CertDeskError);
      expect(error).toMatchObject({
        code: 'invalid_data',
        message: `Unable to use version 2 of ${id}, privkey.pem is damaged (${keyFile} is not the file that was stored, its SHA-256 differs from the one in meta.json)`,
      });
      expect((error as CertDeskError).remedy).toContain(`certdesk cert rollback ${id}`);
      await expectCode(v.currentPemSet(id), 'invalid_data', /privkey\.pem is damaged/);
      await expectCode(v.version(id, 2), 'invalid_data', /privkey\.pem is damaged/);
      expect((await v.versions(id)).map((info) => [info.version, info.live, info.damaged?.split(' (')[0]])).toStrictEqual([
        [2, true, 'privkey.pem is damaged'],
        [1, false, undefined],
      ]);

      const back = await v.rollback(id);
      expect(back).toStrictEqual({ version: 1, dir: paths().version(id, 1), meta: describeChain(setOf(1).fullchain, 'x') });
      expect(await pointer()).toBe('1\n');
      expect((await v.current(id))?.meta.serial).toBe(serialOf(1));
      expect(await v.currentPemSet(id)).toStrictEqual(setOf(1));
    });

    it.each(Object.values(pemFileNames))('refuses a live version whose %s was edited, naming it', async (file) => {
      const { dir } = await vault().store(id, setOf(1));
      const target = path.join(dir, file);
      await writeFile(target, `${await readFile(target, 'utf8')}\n`);
      await expectCode(vault().current(id), 'invalid_data', new RegExp(`^Unable to use version 1 of ${id}, ${file.replace('.', '\\.')} is damaged \\(`));
    });

    it('notices a file changed after it was verified, even at the same size, in the same Vault', async () => {
      const v = vault();
      const { dir } = await v.store(id, setOf(1));
      expect((await v.current(id))?.version).toBe(1);
      const certFile = path.join(dir, 'cert.pem');
      const text = await readFile(certFile, 'utf8');
      const at = text.indexOf('\n') + 10;
      await writeFile(certFile, `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`);
      expect((await stat(certFile)).size).toBe(Buffer.byteLength(text));
      await expectCode(v.current(id), 'invalid_data', /cert\.pem is damaged/);
    });

    it('reports a meta.json that is not JSON as damaged', async () => {
      const { dir } = await vault().store(id, setOf(1));
      await writeFile(path.join(dir, 'meta.json'), '{"version": 1,');
      await expectCode(vault().current(id), 'invalid_data', new RegExp(`^Unable to use version 1 of ${id}, meta\\.json is damaged \\(.*meta\\.json is not JSON\\)$`));
    });

    it('reports a live version whose meta.json is missing', async () => {
      const { dir } = await vault().store(id, setOf(1));
      await rm(path.join(dir, 'meta.json'));
      await expectCode(vault().current(id), 'invalid_data', /^Unable to read version 1 of example-com, meta\.json is missing$/);
    });

    it('version(n) reads any version, verified; undefined when there is none', async () => {
      const v = vault();
      await storeSeries(3, v);
      expect(await v.version(id, 2)).toStrictEqual({ version: 2, dir: paths().version(id, 2), meta: describeChain(setOf(2).fullchain, 'x') });
      expect(await v.version(id, 9)).toBeUndefined();
      expect(await v.version('never-stored', 1)).toBeUndefined();
      await writeFile(path.join(paths().version(id, 1), 'chain.pem'), 'x');
      await expectCode(v.version(id, 1), 'invalid_data', /^Unable to use version 1 of example-com, chain\.pem is damaged/);
    });

    it.each([[0], [-3], [2.5], [Number.NaN]])('version(%s) is invalid_input', async (n) => {
      await expectCode(vault().version(id, n), 'invalid_input', /is not a version number$/);
    });
  });

  describe('an interrupted store (a version folder without meta.json)', () => {
    it('is ignored: not live, not listed, not a version, not counted, and its number is never reused', async () => {
      const v = vault();
      await v.store(id, setOf(1));
      await writePemSet(paths().version(id, 2), setOf(2));
      expect((await v.current(id))?.version).toBe(1);
      expect((await v.versions(id)).map((info) => info.version)).toStrictEqual([1]);
      expect(await v.version(id, 2)).toBeUndefined();
      await expectCode(v.rollback(id, 2), 'invalid_input', /^Unable to roll back example-com to version 2, there is no such version \(example-com has 1\)$/);
      expect((await v.store(id, setOf(3))).version).toBe(3);
      expect((await v.versions(id)).map((info) => info.version)).toStrictEqual([3, 1]);
    });

    it('does not take a retention slot, and is removed once older than every version kept', async () => {
      const v = vault();
      await v.store(id, setOf(1), { keep: 100 });
      await writePemSet(paths().version(id, 2), setOf(2));
      for (let n = 3; n <= 4; n += 1) await v.store(id, setOf(n), { keep: 100 });
      expect(await v.prune(id, 3)).toStrictEqual([]);
      expect(await dirsOnDisk()).toStrictEqual(['1', '2', '3', '4']);
      expect(await v.prune(id, 2)).toStrictEqual([1, 2]);
      expect(await dirsOnDisk()).toStrictEqual(['3', '4']);
    });
  });

  describe('versions written before hashes were recorded', () => {
    it('still load: current, currentPemSet, versions, rollback and store continue from them', async () => {
      await storeOldFormat(1);
      await storeOldFormat(2);
      const v = vault();
      expect(await v.current(id)).toStrictEqual({ version: 2, dir: paths().version(id, 2), meta: describeChain(setOf(2).fullchain, 'x') });
      expect(await v.currentPemSet(id)).toStrictEqual(setOf(2));
      expect(await v.versions(id)).toStrictEqual([
        { version: 2, storedAt: '2024-05-06T07:08:09.000Z', meta: describeChain(setOf(2).fullchain, 'x'), live: true, source: 'acme' },
        { version: 1, storedAt: '2024-05-06T07:08:09.000Z', meta: describeChain(setOf(1).fullchain, 'x'), live: false, source: 'acme' },
      ]);
      expect((await v.rollback(id)).version).toBe(1);
      expect((await v.store(id, setOf(3))).version).toBe(3);
      expect((await v.current(id))?.version).toBe(3);
    });

    it('are still checked: a key that is not the certificate\'s is damaged', async () => {
      const dir = await storeOldFormat(1);
      await writeFile(path.join(dir, 'privkey.pem'), setOf(2).privkey);
      await expectCode(vault().current(id), 'invalid_data', new RegExp(`^Unable to use version 1 of ${id}, privkey\\.pem is damaged \\(.*privkey\\.pem is not the private key of the certificate in fullchain\\.pem\\)$`));
    });

    it('are still checked: a truncated cert.pem no longer matches fullchain.pem', async () => {
      const dir = await storeOldFormat(1);
      await truncate(path.join(dir, 'cert.pem'), 100);
      await expectCode(vault().current(id), 'invalid_data', /^Unable to use version 1 of example-com, its files disagree \(cert\.pem followed by chain\.pem is not fullchain\.pem\)$/);
      expect((await vault().versions(id))[0]?.damaged).toMatch(/^its files disagree/);
    });

    it('can be marked revoked and keep loading', async () => {
      await storeOldFormat(1);
      await vault().markRevoked(id, 1, 'keyCompromise', new Date('2025-01-02T03:04:05Z'));
      expect(await vault().current(id)).toMatchObject({ version: 1, revoked: { at: '2025-01-02T03:04:05.000Z', reason: 'keyCompromise' } });
      expect(await readMeta(1)).toMatchObject({ version: 1, storedAt: '2024-05-06T07:08:09.000Z', serial: serialOf(1) });
    });
  });

  describe('prune', () => {
    it(`keeps the newest ${defaultKeep} of 7 by default, store() pruning as it goes`, async () => {
      const v = vault();
      for (let n = 1; n <= 7; n += 1) await v.store(id, setOf(n));
      expect(await dirsOnDisk()).toStrictEqual(['3', '4', '5', '6', '7']);
      expect((await v.versions(id)).map((info) => info.meta?.serial)).toStrictEqual([7, 6, 5, 4, 3].map(serialOf));
      expect((await v.current(id))?.version).toBe(7);
    });

    it('prunes to the keep given to store()', async () => {
      const v = vault();
      for (let n = 1; n <= 4; n += 1) await v.store(id, setOf(n), { keep: 2 });
      expect(await dirsOnDisk()).toStrictEqual(['3', '4']);
    });

    it('deletes the oldest beyond keep and returns them, oldest first', async () => {
      await storeSeries(7);
      expect(await vault().prune(id, 5)).toStrictEqual([1, 2]);
      expect(await dirsOnDisk()).toStrictEqual(['3', '4', '5', '6', '7']);
      expect(await vault().prune(id, 5)).toStrictEqual([]);
    });

    it('never deletes the live version nor any newer than it, after a rollback', async () => {
      const v = vault();
      await storeSeries(7, v);
      await v.rollback(id, 1);
      expect(await v.prune(id, 5)).toStrictEqual([]);
      expect(await v.prune(id, 1)).toStrictEqual([]);
      expect(await dirsOnDisk()).toStrictEqual(['1', '2', '3', '4', '5', '6', '7']);
      await v.rollback(id, 3);
      expect(await v.prune(id, 2)).toStrictEqual([1, 2]);
      expect(await dirsOnDisk()).toStrictEqual(['3', '4', '5', '6', '7']);
      expect((await v.current(id))?.version).toBe(3);
    });

    it('deletes old versions after a rollback and a new store, keeping the live newest', async () => {
      const v = vault();
      await storeSeries(7, v);
      await v.rollback(id, 2);
      await v.store(id, setOf(1));
      expect(await dirsOnDisk()).toStrictEqual(['4', '5', '6', '7', '8']);
      expect((await v.current(id))?.version).toBe(8);
    });

    it('deletes nothing without a live version', async () => {
      expect(await vault().prune(id)).toStrictEqual([]);
    });

    it('refuses when current is damaged: the live version is unknown', async () => {
      await storeSeries(3);
      await writeFile(paths().current(id), 'x\n');
      await expectCode(vault().prune(id, 1), 'invalid_data', /does not name a version$/);
      expect(await dirsOnDisk()).toStrictEqual(['1', '2', '3']);
    });

    it.each([[0], [2.5]])('refuses keep %s as invalid_input', async (keep) => {
      await expectCode(vault().prune(id, keep), 'invalid_input', /keep must be a whole number/);
    });

    it('removes what an interrupted prune left behind', async () => {
      await storeSeries(2);
      const leftover = path.join(paths().versionsDir(id), '.pruning-1-deadbeef');
      await writePemSet(leftover, setOf(1));
      await vault().prune(id);
      expect(existsSync(leftover)).toBe(false);
      expect(await dirsOnDisk()).toStrictEqual(['1', '2']);
    });
  });

  describe('rollback', () => {
    it('by default makes the newest version older than the live one live, step by step, then refuses', async () => {
      const v = vault();
      await storeSeries(3, v);
      expect(await v.rollback(id)).toStrictEqual({ version: 2, dir: paths().version(id, 2), meta: describeChain(setOf(2).fullchain, 'x') });
      expect(await pointer()).toBe('2\n');
      expect((await v.rollback(id)).version).toBe(1);
      expect(await v.currentPemSet(id)).toStrictEqual(setOf(1));
      const error = await rejection(v.rollback(id));
      expect(error).toMatchObject({ code: 'invalid_input', message: 'Unable to roll back example-com, no version older than the live version 1 is intact and not revoked' });
      expect((error as CertDeskError).remedy).toBe('Obtain a new one: certdesk cert renew example-com');
      expect(await pointer()).toBe('1\n');
    });

    it('goes to the version given, older or newer than the live one', async () => {
      const v = vault();
      await storeSeries(3, v);
      expect((await v.rollback(id, 1)).meta.serial).toBe(serialOf(1));
      expect((await v.current(id))?.version).toBe(1);
      expect((await v.rollback(id, 3)).version).toBe(3);
      expect(await pointer()).toBe('3\n');
    });

    it('skips damaged and revoked versions by default, and says why when none is left', async () => {
      const v = vault();
      await storeSeries(4, v);
      await truncate(path.join(paths().version(id, 3), 'privkey.pem'), 10);
      await v.markRevoked(id, 2, 'superseded', new Date('2025-03-01T00:00:00Z'));
      expect((await v.rollback(id)).version).toBe(1);
      await v.rollback(id, 4);
      await v.markRevoked(id, 1, 'superseded', new Date('2025-03-01T00:00:00Z'));
      await expectCode(v.rollback(id), 'invalid_input', new RegExp(
        '^Unable to roll back example-com, no version older than the live version 4 is intact and not revoked ' +
        '\\(version 3: privkey\\.pem is damaged \\(.*\\); version 2: revoked; version 1: revoked\\)$',
      ));
      expect(await pointer()).toBe('4\n');
    });

    it.each([
      ['a version that does not exist', 9, /^Unable to roll back example-com to version 9, there is no such version \(example-com has 3, 2, 1\)$/],
      ['the live version', 3, /^Unable to roll back example-com to version 3, it is already live$/],
      ['a version number that is none', 0, /^Unable to roll back example-com, 0 is not a version number$/],
    ])('refuses %s as invalid_input, leaving current alone', async (_label, to, message) => {
      await storeSeries(3);
      await expectCode(vault().rollback(id, to), 'invalid_input', message);
      expect(await pointer()).toBe('3\n');
    });

    it('refuses a damaged version, naming the file', async () => {
      await storeSeries(3);
      await writeFile(path.join(paths().version(id, 1), 'fullchain.pem'), '');
      await expectCode(vault().rollback(id, 1), 'invalid_input', /^Unable to roll back example-com to version 1, fullchain\.pem is damaged \(.*fullchain\.pem holds no PEM certificate\)$/);
      expect(await pointer()).toBe('3\n');
    });

    it('refuses a revoked version, saying when and why', async () => {
      await storeSeries(3);
      await vault().markRevoked(id, 2, 'keyCompromise', new Date('2025-02-03T04:05:06Z'));
      await expectCode(vault().rollback(id, 2), 'invalid_input', /^Unable to roll back example-com to version 2, it was revoked at 2025-02-03T04:05:06\.000Z \(keyCompromise\)$/);
      expect(await pointer()).toBe('3\n');
    });

    it('refuses a certificate never stored', async () => {
      const error = await rejection(vault().rollback(id));
      expect(error).toMatchObject({ code: 'invalid_input', message: 'Unable to roll back example-com, it has no certificate yet' });
    });

    it('repairs a damaged current pointer: by default the newest intact version becomes live', async () => {
      await storeSeries(3);
      await writeFile(paths().current(id), 'garbage');
      await truncate(path.join(paths().version(id, 3), 'cert.pem'), 0);
      expect((await vault().rollback(id)).version).toBe(2);
      expect(await pointer()).toBe('2\n');
    });
  });

  describe('markRevoked', () => {
    it('records when and why in meta.json, keeping the hashes, and the version keeps loading', async () => {
      const v = vault();
      await storeSeries(2, v);
      const before = await readMeta(2);
      await v.markRevoked(id, 2, 'keyCompromise', new Date('2025-04-05T06:07:08Z'));
      const revoked = { at: '2025-04-05T06:07:08.000Z', reason: 'keyCompromise' };
      expect(await readMeta(2)).toStrictEqual({ ...before, revoked });
      expect(await modeOf(path.join(paths().version(id, 2), 'meta.json'))).toBe(0o644);
      expect(await v.current(id)).toStrictEqual({ version: 2, dir: paths().version(id, 2), meta: describeChain(setOf(2).fullchain, 'x'), revoked });
      expect((await v.versions(id)).map((info) => info.revoked)).toStrictEqual([revoked, undefined]);
    });

    it('keeps the first record when marked again', async () => {
      await storeSeries(1);
      await vault().markRevoked(id, 1, 'superseded', new Date('2025-01-01T00:00:00Z'));
      await vault().markRevoked(id, 1, 'keyCompromise', new Date('2025-06-01T00:00:00Z'));
      expect((await readMeta(1)).revoked).toStrictEqual({ at: '2025-01-01T00:00:00.000Z', reason: 'superseded' });
    });

    it('refuses a version that does not exist, or a date that is none, as invalid_input', async () => {
      await storeSeries(1);
      await expectCode(vault().markRevoked(id, 4, 'superseded', new Date()), 'invalid_input', /^Unable to mark version 4 of example-com as revoked, there is no such version$/);
      await expectCode(vault().markRevoked(id, 1, 'superseded', new Date('nope')), 'invalid_input', /its revocation date is not a valid date$/);
      expect((await readMeta(1)).revoked).toBeUndefined();
    });

    it('refuses a version whose meta.json is damaged as invalid_data', async () => {
      await storeSeries(1);
      await writeFile(path.join(paths().version(id, 1), 'meta.json'), '[]');
      await expectCode(vault().markRevoked(id, 1, 'superseded', new Date()), 'invalid_data', /meta\.json does not describe a version$/);
    });
  });
});
