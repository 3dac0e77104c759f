import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isErrnoCode, modes, readIfExists, writeAtomic, writeJsonAtomic } from '../../../../../main/core/fs/atomic.ts';
import { useTempDir } from '../../support/temp-dir.ts';

const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o777;

describe('modes', () => {
  it('keeps secrets owner-only and the rest world-readable', () => {
    expect(modes).toStrictEqual({ secretFile: 0o600, privateDir: 0o700, publicFile: 0o644, publicDir: 0o755 });
  });
});

describe('writeAtomic', () => {
  const tempDir = useTempDir('atomic');

  it('writes a string exactly', async () => {
    const file = path.join(tempDir(), 'a.txt');
    await writeAtomic(file, 'héllo\nwörld', { mode: modes.publicFile });
    expect(await readFile(file, 'utf8')).toBe('héllo\nwörld');
  });

  it('writes bytes exactly', async () => {
    const file = path.join(tempDir(), 'a.bin');
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    await writeAtomic(file, bytes, { mode: modes.publicFile });
    expect(await readFile(file)).toStrictEqual(bytes);
  });

  it.each([
    ['secretFile', modes.secretFile],
    ['publicFile', modes.publicFile],
  ])('applies the %s mode to a new file', async (_label, mode) => {
    const file = path.join(tempDir(), 'f');
    await writeAtomic(file, 'x', { mode });
    expect(await modeOf(file)).toBe(mode);
  });

  it('applies the mode when replacing a file that had another one (a key never stays readable)', async () => {
    const file = path.join(tempDir(), 'privkey.pem');
    await writeFile(file, 'old');
    await chmod(file, 0o644);
    await writeAtomic(file, 'new', { mode: modes.secretFile });
    expect(await readFile(file, 'utf8')).toBe('new');
    expect(await modeOf(file)).toBe(0o600);
  });

  it('creates missing parent folders, private (0700) by default', async () => {
    const file = path.join(tempDir(), 'certs', 'example-com', 'versions', '1', 'cert.pem');
    await writeAtomic(file, 'x', { mode: modes.publicFile });
    for (const dir of ['certs', 'certs/example-com', 'certs/example-com/versions', 'certs/example-com/versions/1']) {
      expect(await modeOf(path.join(tempDir(), dir))).toBe(0o700);
    }
  });

  it('creates missing parent folders with dirMode', async () => {
    const file = path.join(tempDir(), 'export', 'site', 'cert.pem');
    await writeAtomic(file, 'x', { mode: modes.publicFile, dirMode: modes.publicDir });
    expect(await modeOf(path.join(tempDir(), 'export'))).toBe(0o755);
    expect(await modeOf(path.join(tempDir(), 'export', 'site'))).toBe(0o755);
  });

  it('leaves the mode of an existing folder alone', async () => {
    const dir = path.join(tempDir(), 'existing');
    await mkdir(dir);
    await chmod(dir, 0o750);
    await writeAtomic(path.join(dir, 'f'), 'x', { mode: modes.publicFile, dirMode: modes.privateDir });
    expect(await modeOf(dir)).toBe(0o750);
  });

  it('replaces an existing file whole and leaves no temp file', async () => {
    const file = path.join(tempDir(), 'config.json');
    await writeAtomic(file, 'a much longer first version of the file', { mode: modes.publicFile });
    await writeAtomic(file, 'short', { mode: modes.publicFile });
    expect(await readFile(file, 'utf8')).toBe('short');
    expect(await readdir(tempDir())).toStrictEqual(['config.json']);
  });

  it('ends racing writes with one of them whole, and no temp file', async () => {
    const file = path.join(tempDir(), 'current');
    const versions = Array.from({ length: 20 }, (_, i) => `${String(i)}\n`.repeat(1000));
    await Promise.all(versions.map((data) => writeAtomic(file, data, { mode: modes.publicFile })));
    expect(versions).toContain(await readFile(file, 'utf8'));
    expect(await readdir(tempDir())).toStrictEqual(['current']);
  });

  it('never shows a reader a partial file while it writes', async () => {
    const file = path.join(tempDir(), 'order.json');
    const versions = ['a', 'b', 'c', 'd', 'e'].map((letter) => letter.repeat(256 * 1024));
    await writeAtomic(file, versions[0] ?? '', { mode: modes.publicFile });
    const writer = { done: false };
    const seen = new Set<string>();
    const reader = (async () => {
      while (!writer.done) {
        const text = await readFile(file, 'utf8');
        seen.add(text.length === 256 * 1024 && versions.includes(text) ? 'whole' : `partial ${String(text.length)}`);
      }
    })();
    for (const data of versions.slice(1)) await writeAtomic(file, data, { mode: modes.publicFile });
    writer.done = true;
    await reader;
    expect([...seen]).toStrictEqual(['whole']);
  });

  it('fails when the parent path is a file, writing nothing', async () => {
    const blocker = path.join(tempDir(), 'blocker');
    await writeFile(blocker, 'i am a file');
    await expect(writeAtomic(path.join(blocker, 'child.txt'), 'x', { mode: modes.publicFile })).rejects.toMatchObject({
      code: expect.stringMatching(/^(ENOTDIR|EEXIST)$/) as unknown,
    });
    expect(await readFile(blocker, 'utf8')).toBe('i am a file');
  });
});

describe('writeJsonAtomic', () => {
  const tempDir = useTempDir('atomic-json');

  it('writes 2-space indented JSON with a trailing newline', async () => {
    const file = path.join(tempDir(), 'meta.json');
    await writeJsonAtomic(file, { version: 1, domains: ['a.example'], nested: { ok: true } }, { mode: modes.publicFile });
    expect(await readFile(file, 'utf8')).toBe('{\n  "version": 1,\n  "domains": [\n    "a.example"\n  ],\n  "nested": {\n    "ok": true\n  }\n}\n');
  });

  it('applies the mode and dirMode like writeAtomic', async () => {
    const file = path.join(tempDir(), 'sub', 'x.json');
    await writeJsonAtomic(file, [], { mode: modes.secretFile, dirMode: modes.publicDir });
    expect(await modeOf(file)).toBe(0o600);
    expect(await modeOf(path.dirname(file))).toBe(0o755);
    expect(await readFile(file, 'utf8')).toBe('[]\n');
  });
});

describe('readIfExists', () => {
  const tempDir = useTempDir('atomic-read');

  it('returns the file as UTF-8', async () => {
    const file = path.join(tempDir(), 'a.txt');
    await writeFile(file, '证书\n');
    expect(await readIfExists(file)).toBe('证书\n');
  });

  it('returns an empty string for an empty file (not undefined)', async () => {
    const file = path.join(tempDir(), 'empty');
    await writeFile(file, '');
    expect(await readIfExists(file)).toBe('');
  });

  it('returns undefined for a missing file, and for a missing folder', async () => {
    expect(await readIfExists(path.join(tempDir(), 'missing'))).toBeUndefined();
    expect(await readIfExists(path.join(tempDir(), 'no', 'such', 'file'))).toBeUndefined();
  });

  it('throws other errors (a folder where the file should be)', async () => {
    await mkdir(path.join(tempDir(), 'dir'));
    await expect(readIfExists(path.join(tempDir(), 'dir'))).rejects.toMatchObject({ code: 'EISDIR' });
  });
});

describe('isErrnoCode', () => {
  it.each([
    [Object.assign(new Error('x'), { code: 'ENOENT' }), 'ENOENT', true],
    [Object.assign(new Error('x'), { code: 'EEXIST' }), 'ENOENT', false],
    [{ code: 'ENOENT' }, 'ENOENT', true],
    [new Error('ENOENT'), 'ENOENT', false],
    ['ENOENT', 'ENOENT', false],
    [null, 'ENOENT', false],
    [undefined, 'ENOENT', false],
    [{ code: 2 }, '2', false],
  ])('%o has code %s: %s', (error, code, expected) => {
    expect(isErrnoCode(error, code)).toBe(expected);
  });
});
