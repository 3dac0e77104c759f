import { readdir, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal, writeJournal, type Journal } from '../../../../../main/core/acme/journal.ts';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import { useTempDir } from '../../support/temp-dir.ts';

/** A journal as a run writes it mid-order: every optional field set. */
const full: Journal = {
  version: 1,
  certId: 'example-com',
  account: 'le-staging',
  directoryUrl: 'https://acme-staging-v02.api.letsencrypt.org/directory',
  identifiers: ['*.example.com', 'example.com'],
  keyType: 'ec-p256',
  startedAt: '2025-06-01T10:00:00.000Z',
  updatedAt: '2025-06-01T10:00:00.000Z',
  orderRequestedAt: '2025-06-01T10:00:01.000Z',
  orderUrl: 'https://acme.example/order/1',
  orderStatus: 'processing',
  orderExpires: '2025-06-08T10:00:00Z',
  finalizeCount: 1,
  finalizeSentAt: '2025-06-01T10:01:00.000Z',
  presented: [
    { domain: 'example.com', wildcard: true, type: 'dns-01', token: 'tok-1', value: 'txt-value' },
    { domain: 'example.com', wildcard: false, type: 'http-01', token: 'tok-2', value: 'tok-2.thumb' },
  ],
  ordersCreated: 1,
  notBefore: '2025-06-01T11:00:00.000Z',
  lastProblem: { type: 'urn:ietf:params:acme:error:rateLimited', detail: 'too many', at: '2025-06-01T10:02:00.000Z' },
};

/** The smallest journal: a run that has not created its order yet. */
const minimal: Journal = {
  version: 1,
  certId: 'a',
  account: 'ca',
  directoryUrl: 'https://ca.example/dir',
  identifiers: ['a.example'],
  keyType: 'rsa-2048',
  startedAt: '2025-06-01T10:00:00.000Z',
  updatedAt: '2025-06-01T10:00:00.000Z',
  finalizeCount: 0,
  presented: [],
  ordersCreated: 0,
};

const now = new Date('2025-06-01T12:34:56.789Z');

describe('writeJournal + readJournal', () => {
  const tempDir = useTempDir('journal');
  const journalFile = (): string => path.join(tempDir(), 'certs', 'example-com', 'order.json');

  it.each([
    ['every field set', full],
    ['only the required fields', minimal],
  ])('round-trips a journal with %s, stamping updatedAt with now', async (_label, journal) => {
    const written = await writeJournal(journalFile(), journal, now);
    expect(written).toStrictEqual({ ...journal, updatedAt: now.toISOString() });
    expect(await readJournal(journalFile())).toStrictEqual(written);
  });

  it('does not change the journal it was given', async () => {
    const copy = structuredClone(full);
    await writeJournal(journalFile(), full, now);
    expect(full).toStrictEqual(copy);
  });

  it('creates missing folders, and replaces an existing journal whole', async () => {
    await writeJournal(journalFile(), full, now);
    await writeJournal(journalFile(), minimal, now);
    expect(await readJournal(journalFile())).toStrictEqual({ ...minimal, updatedAt: now.toISOString() });
  });

  it('writes plain JSON (no secrets to hide: the pending key has its own file)', async () => {
    await writeJournal(journalFile(), minimal, now);
    const text = await readFile(journalFile(), 'utf8');
    expect(JSON.parse(text)).toStrictEqual({ ...minimal, updatedAt: now.toISOString() });
    expect(text.endsWith('\n')).toBe(true);
  });

  it('leaves no temp file behind, after one write or many', async () => {
    for (let i = 0; i < 5; i += 1) await writeJournal(journalFile(), { ...full, finalizeCount: i }, now);
    expect(await readdir(path.dirname(journalFile()))).toStrictEqual(['order.json']);
  });

  it('leaves either the old or the new journal when writes race, never a mix', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => writeJournal(journalFile(), { ...full, finalizeCount: i }, now)));
    const read = await readJournal(journalFile());
    expect(read?.finalizeCount).toBeGreaterThanOrEqual(0);
    expect(read).toStrictEqual({ ...full, finalizeCount: read?.finalizeCount, updatedAt: now.toISOString() });
    expect(await readdir(path.dirname(journalFile()))).toStrictEqual(['order.json']);
  });

  it('creates the certificate folder private (0700)', async () => {
    await writeJournal(journalFile(), minimal, now);
    expect((await stat(path.dirname(journalFile()))).mode & 0o777).toBe(0o700);
  });
});

describe('readJournal', () => {
  const tempDir = useTempDir('journal-read');
  const journalFile = (): string => path.join(tempDir(), 'order.json');

  it('returns undefined when there is no journal', async () => {
    expect(await readJournal(journalFile())).toBeUndefined();
  });

  it('returns undefined when not even the folder exists', async () => {
    expect(await readJournal(path.join(tempDir(), 'no', 'such', 'order.json'))).toBeUndefined();
  });

  const valid = { ...minimal };
  const damaged: ReadonlyArray<readonly [string, string]> = [
    ['an empty file', ''],
    ['torn JSON', JSON.stringify(valid).slice(0, 40)],
    ['not JSON at all', 'hello'],
    ['JSON null', 'null'],
    ['a JSON array', '[]'],
    ['a JSON string', '"order"'],
    ['another version', JSON.stringify({ ...valid, version: 2 })],
    ['a missing required field', JSON.stringify({ ...valid, certId: undefined })],
    ['an unknown field (strict)', JSON.stringify({ ...valid, extra: true })],
    ['an unknown order status', JSON.stringify({ ...valid, orderStatus: 'done' })],
    ['a negative finalize count', JSON.stringify({ ...valid, finalizeCount: -1 })],
    ['a fractional counter', JSON.stringify({ ...valid, ordersCreated: 0.5 })],
    ['a date that is not ISO 8601', JSON.stringify({ ...valid, startedAt: 'yesterday' })],
    ['an unknown challenge type', JSON.stringify({ ...valid, presented: [{ domain: 'a', wildcard: false, type: 'tls-alpn-01', token: 't', value: 'v' }] })],
    ['a presented challenge with an extra field', JSON.stringify({ ...valid, presented: [{ domain: 'a', wildcard: false, type: 'dns-01', token: 't', value: 'v', key: 'x' }] })],
    ['a problem without its time', JSON.stringify({ ...valid, lastProblem: { type: 'x' } })],
  ];

  it.each(damaged)('reports %s as invalid_data naming the file, with a remedy', async (_label, text) => {
    await writeFile(journalFile(), text);
    const error = await readJournal(journalFile()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CertDeskError);
    const certDeskError = error as CertDeskError;
    expect(certDeskError.code).toBe('invalid_data');
    expect(certDeskError.message).toContain(journalFile());
    expect(certDeskError.message).toMatch(/^Unable to /);
    expect(certDeskError.remedy).toMatch(/Move the file aside/);
  });

  it('propagates an error other than a missing file (a folder where the journal should be)', async () => {
    await mkdir(journalFile());
    await expect(readJournal(journalFile())).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
