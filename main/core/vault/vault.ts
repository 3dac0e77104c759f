import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CertDeskError } from '../errors.ts';
import { isErrnoCode, modes, readIfExists, writeAtomic, writeJsonAtomic } from '../fs/atomic.ts';
import type { DataPaths } from '../paths.ts';
import { describeChain, keyMatchesCertificate, splitPemChain, type CertificateMeta } from './x509.ts';

/** The files of one stored version, as written to disk and to export folders. */
export interface PemSet {
  /** The leaf certificate. */
  readonly cert: string;
  /** The intermediates (everything after the leaf). */
  readonly chain: string;
  /** Leaf + intermediates, what most servers want. */
  readonly fullchain: string;
  readonly privkey: string;
}

/** Where a stored version came from: issued through an ACME order, or imported by the admin. */
export type VersionSource = 'acme' | 'import';

/** A version's revocation, as recorded by {@link Vault.markRevoked}. */
export interface Revocation {
  /** When it was revoked, ISO 8601. */
  readonly at: string;
  /** Why, in the admin's or the CA's words (e.g. an RFC 5280 reason name). */
  readonly reason: string;
}

/** A stored version of a certificate, verified against its meta.json (see {@link Vault.current}). */
export interface StoredVersion {
  readonly version: number;
  readonly dir: string;
  /** Parsed from its fullchain.pem, never taken from meta.json. */
  readonly meta: CertificateMeta;
  /** The CA account it was ordered from, when recorded (versions stored before this was kept have none). */
  readonly issuedBy?: string;
  /** Present once {@link Vault.markRevoked} recorded a revocation. */
  readonly revoked?: Revocation;
}

/** One entry of {@link Vault.versions}: what the admin sees to choose a version to roll back to. */
export interface VersionInfo {
  readonly version: number;
  /** When it was stored, ISO 8601 (meta.json's mtime for a version whose meta.json does not say). */
  readonly storedAt: string;
  /**
   * The certificate: parsed from fullchain.pem when the version is intact, else as meta.json
   * recorded it when stored; absent only for a damaged version where neither can be read.
   */
  readonly meta?: CertificateMeta;
  /** Whether `current` names it. */
  readonly live: boolean;
  /** `acme` for versions stored before the source was recorded (they all came from orders). */
  readonly source: VersionSource;
  /** The CA account it was ordered from, when recorded. */
  readonly issuedBy?: string;
  readonly revoked?: Revocation;
  /** Why it fails verification (e.g. "privkey.pem is damaged (…)"); absent when intact. */
  readonly damaged?: string;
}

/** Options of {@link Vault.store}. */
export interface StoreOptions {
  /** Where the certificate came from; default `acme`. */
  readonly source?: VersionSource;
  /** The CA account it was ordered from (the primary or the standby); recorded in meta.json. */
  readonly ca?: string;
  /** How many versions to keep, the live one included (see {@link Vault.prune}); default {@link defaultKeep}. */
  readonly keep?: number;
}

/**
 * Versions kept per certificate by default: the live one and four before it. Certificates renew
 * every 60 days or so, so that is most of a year to roll back into, at five small folders.
 */
export const defaultKeep = 5;

/** Builds the PEM set from a downloaded chain and its key; throws if the key does not match. */
export function pemSetFrom(fullchainPem: string, keyPem: string): PemSet {
  const blocks = splitPemChain(fullchainPem);
  const [leaf] = blocks;
  if (leaf === undefined) throw new CertDeskError('invalid_data', 'Unable to store the certificate, the CA sent no PEM certificate');
  if (!keyMatchesCertificate(fullchainPem, keyPem)) {
    throw new CertDeskError('invalid_data', 'Unable to store the certificate, it does not match the private key it was ordered with');
  }
  return { cert: leaf, chain: blocks.slice(1).join(''), fullchain: blocks.join(''), privkey: keyPem.endsWith('\n') ? keyPem : `${keyPem}\n` };
}

/** File names of a PEM set, the certbot convention admins know. */
export const pemFileNames = { cert: 'cert.pem', chain: 'chain.pem', fullchain: 'fullchain.pem', privkey: 'privkey.pem' } as const;

/**
 * Writes the PEM set to `dir` atomically, one file at a time (temp + rename in the same folder),
 * the key 0600, the others 0644.
 */
export async function writePemSet(dir: string, set: PemSet, dirMode: number = modes.privateDir): Promise<void> {
  for (const [part, file] of Object.entries(pemFileNames) as Array<[keyof PemSet, string]>) {
    await writeAtomic(path.join(dir, file), set[part], {
      mode: part === 'privkey' ? modes.secretFile : modes.publicFile,
      dirMode,
    });
  }
}

/** Written last into a version folder: a folder without it is an interrupted store, not a version. */
const metaFileName = 'meta.json';

/** Prefix of a version folder being deleted: renamed first so a crash mid-delete leaves no half version. */
const pruningPrefix = '.pruning-';

const pemParts = Object.keys(pemFileNames) as Array<keyof PemSet>;

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

const revocationSchema = z.strictObject({ at: z.iso.datetime(), reason: z.string() });

/** The certificate as meta.json records it (a version damaged later is still listed by it). */
const recordedMetaSchema = z.object({
  serial: z.string(),
  subject: z.string(),
  issuer: z.string(),
  domains: z.array(z.string()),
  notBefore: z.string(),
  notAfter: z.string(),
  fingerprint: z.string(),
  keyType: z.string(),
});

/**
 * meta.json of a version. Loose on purpose: versions written before `files`, `source` and `ca`
 * existed hold only `version`, `storedAt` and the parsed metadata, and must keep loading.
 */
const metaFileSchema = z.looseObject({
  version: z.number().int().positive().optional(),
  storedAt: z.iso.datetime().optional(),
  source: z.enum(['acme', 'import']).optional(),
  ca: z.string().optional(),
  /** SHA-256 (hex) of each PEM file as written; absent in versions written before it was recorded. */
  files: z.strictObject({ [pemFileNames.cert]: sha256Hex, [pemFileNames.chain]: sha256Hex, [pemFileNames.fullchain]: sha256Hex, [pemFileNames.privkey]: sha256Hex }).optional(),
  revoked: revocationSchema.optional(),
});

type MetaFile = z.infer<typeof metaFileSchema>;

/** What reading one version folder found: its files when intact, or why it cannot be used. */
interface Inspection {
  readonly version: number;
  readonly dir: string;
  readonly record: MetaFile | undefined;
  /** Parsed from fullchain.pem when it could be. */
  readonly parsed: CertificateMeta | undefined;
  readonly set: PemSet | undefined;
  /** Why it cannot be used: the text after "Unable to use version N of <id>, ". */
  readonly problem: string | undefined;
  /** Whether the problem is a missing file (reported as "Unable to read …"). */
  readonly missing: boolean;
}

/** Whether the set's cert and chain are its fullchain's leaf and the rest, as {@link pemSetFrom} builds them. */
function consistent(set: Pick<PemSet, 'cert' | 'chain' | 'fullchain'>): boolean {
  const blocks = splitPemChain(set.fullchain);
  return set.cert === blocks[0] && set.chain === blocks.slice(1).join('') && set.cert + set.chain === set.fullchain;
}

/** A file's mtime, ISO 8601; `undefined` when it does not exist. */
async function mtimeOf(file: string): Promise<string | undefined> {
  try {
    return (await stat(file)).mtime.toISOString();
  } catch (error) {
    if (isErrnoCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

async function readBytes(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if (isErrnoCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

function checkVersionNumber(version: number, action: string): void {
  if (!Number.isInteger(version) || version < 1) {
    throw new CertDeskError('invalid_input', `Unable to ${action}, ${String(version)} is not a version number`);
  }
}

function checkKeep(keep: number): void {
  if (!Number.isInteger(keep) || keep < 1) {
    throw new CertDeskError('invalid_input', `Unable to prune old versions, keep must be a whole number of at least 1 (got ${String(keep)})`);
  }
}

/**
 * Certificates on disk (DESIGN.md "Data on disk"). `certs/<id>/versions/<n>/` (0700) holds each
 * version: cert.pem, chain.pem, fullchain.pem, privkey.pem (0600) and meta.json, written last, with
 * the SHA-256 of each PEM file, the parsed metadata, where it came from and any revocation. A folder
 * without meta.json is an interrupted store: it is not a version, and its number is never reused.
 * `certs/<id>/current` names the live version and is switched atomically only once that version is
 * complete, so a crash leaves the previous version live.
 *
 * Every read of a version verifies it (hashes, parse, key against certificate): a damaged version
 * is an `invalid_data` error naming the file, never silently used.
 *
 * Concurrency: readers (`current`, `version`, `currentPemSet`, `versions`) need no lock and never
 * see a half-written version; writers (`store`, `prune`, `rollback`, `markRevoked`) expect the caller
 * to hold the certificate's lock (renewal/lock.ts).
 */
export class Vault {
  readonly #paths: DataPaths;
  /**
   * Intact versions this process verified, by folder, with the stat signature of their files at the
   * time (without the PEM contents: no key is kept in memory). A scheduler check reads every live
   * version; re-reading and re-hashing five files each time tripled its cost. Any write to a file
   * changes its size, mtime, ctime or inode, so a changed file is verified again.
   */
  readonly #intact = new Map<string, { signature: string; found: Inspection }>();

  constructor(paths: DataPaths) {
    this.#paths = paths;
  }

  /**
   * Stores a new version and makes it live, then prunes to `keep` versions (best effort: a failure
   * to delete an old version leaves it for the next store, it does not fail this one). Writes the PEM
   * files, then meta.json, then switches `current`. Refuses, before writing anything, a `keep` that is
   * not a whole number ≥ 1 (`invalid_input`) and a set whose certificate cannot be parsed, does not
   * match its key, or whose cert and chain are not its fullchain's leaf and rest (`invalid_data`; sets
   * from {@link pemSetFrom} always are). The number follows the highest folder on disk, interrupted ones too.
   */
  async store(certId: string, set: PemSet, options: StoreOptions = {}): Promise<StoredVersion> {
    const keep = options.keep ?? defaultKeep;
    checkKeep(keep);
    const meta = describeChain(set.fullchain, 'the downloaded certificate');
    if (!keyMatchesCertificate(set.fullchain, set.privkey)) {
      throw new CertDeskError('invalid_data', 'Unable to store the certificate, it does not match the private key it was ordered with');
    }
    if (!consistent(set)) {
      throw new CertDeskError('invalid_data', 'Unable to store the certificate, its cert and chain are not the leaf and the rest of its fullchain (build it with pemSetFrom)');
    }
    const { version, dir } = await this.#newVersionDir(certId);
    await writePemSet(dir, set);
    const files = Object.fromEntries(pemParts.map((part) => [pemFileNames[part], sha256(set[part])]));
    const record = {
      version,
      storedAt: new Date().toISOString(),
      source: options.source ?? 'acme',
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...meta,
      files,
    };
    await writeJsonAtomic(path.join(dir, metaFileName), record, { mode: modes.publicFile });
    await this.#point(certId, version);
    try {
      await this.prune(certId, keep);
    } catch {
      // The new version is live; an old one that could not be deleted is retried at the next store.
    }
    return { version, dir, meta, ...(options.ca === undefined ? {} : { issuedBy: options.ca }) };
  }

  /**
   * The live version, or `undefined` when none was ever stored. Verified before it is returned: every
   * PEM file against the SHA-256 in meta.json (versions from before hashes were recorded: parse and
   * consistency only), the certificate parsed from fullchain.pem (not trusted from meta.json), the key
   * against the certificate. A missing or damaged file is an `invalid_data` error naming it, with
   * `certdesk cert rollback` as the remedy.
   */
  async current(certId: string): Promise<StoredVersion | undefined> {
    const live = await this.#pointer(certId);
    return live === undefined ? undefined : this.#verifiedVersion(certId, live);
  }

  /**
   * Version `version`, verified like {@link current}; `undefined` when there is no such version (a
   * folder without meta.json is none). `invalid_input` for a number that is not a version number.
   */
  async version(certId: string, version: number): Promise<StoredVersion | undefined> {
    checkVersionNumber(version, `read a version of ${certId}`);
    if (!(await this.#complete(certId, version))) return undefined;
    return this.#verifiedVersion(certId, version);
  }

  /** The PEM set of the live version, verified like {@link current}; `invalid_input` when there is none yet. */
  async currentPemSet(certId: string): Promise<PemSet> {
    const live = await this.#pointer(certId);
    if (live === undefined) {
      throw new CertDeskError('invalid_input', `Unable to export ${certId}, it has no certificate yet`, {
        remedy: `Obtain it first: certdesk cert renew ${certId}`,
      });
    }
    return (await this.#verified(certId, live)).set;
  }

  /**
   * Every version, newest first, each verified: a damaged one is listed with `damaged`, not thrown.
   * Interrupted stores (no meta.json) are left out. A damaged `current` pointer lists none as live.
   */
  async versions(certId: string): Promise<VersionInfo[]> {
    let live: number | undefined;
    try {
      live = await this.#pointer(certId);
    } catch {
      live = undefined;
    }
    const infos: VersionInfo[] = [];
    for (const version of await this.#completeVersions(certId)) {
      const found = await this.#inspect(certId, version);
      const storedAt = found.record?.storedAt ?? (await mtimeOf(path.join(found.dir, metaFileName)));
      // Pruned (by another process) since the folder was listed: gone, not damaged.
      if (storedAt === undefined || (found.missing && !(await this.#complete(certId, version)))) continue;
      const recorded = found.record === undefined ? undefined : recordedMetaSchema.safeParse(found.record);
      const meta = found.problem === undefined ? found.parsed : recorded?.success === true ? recorded.data : found.parsed;
      infos.push({
        version,
        storedAt,
        ...(meta === undefined ? {} : { meta }),
        live: version === live,
        source: found.record?.source ?? 'acme',
        ...(found.record?.ca === undefined ? {} : { issuedBy: found.record.ca }),
        ...(found.record?.revoked === undefined ? {} : { revoked: found.record.revoked }),
        ...(found.problem === undefined ? {} : { damaged: found.problem }),
      });
    }
    return infos;
  }

  /**
   * Deletes the oldest versions beyond the newest `keep` (default {@link defaultKeep}, at least 1),
   * never the live one nor any newer than it (after a rollback, more than `keep` may remain). Also
   * removes interrupted stores older than every version kept. Each folder is renamed away before it is
   * deleted, so a crash never leaves a half-deleted version. Returns the numbers deleted, oldest first.
   * Does nothing without a live version; `invalid_data` when `current` is damaged (the live one is unknown).
   */
  async prune(certId: string, keep: number = defaultKeep): Promise<number[]> {
    checkKeep(keep);
    const live = await this.#pointer(certId);
    if (live === undefined) return [];
    const numbered = await this.#numbered(certId);
    const complete = await this.#completeVersions(certId, numbered);
    const kept = new Set([...complete.slice(0, keep), ...complete.filter((version) => version >= live), live]);
    const oldestKept = Math.min(...kept);
    const doomed = numbered.filter((version) => !kept.has(version) && (complete.includes(version) || version < oldestKept));
    const versionsDir = this.#paths.versionsDir(certId);
    for (const version of doomed) {
      const trash = path.join(versionsDir, `${pruningPrefix}${version}-${randomBytes(4).toString('hex')}`);
      this.#intact.delete(this.#paths.version(certId, version));
      await rename(this.#paths.version(certId, version), trash);
      await rm(trash, { recursive: true, force: true });
    }
    for (const entry of await readdir(versionsDir)) {
      if (entry.startsWith(pruningPrefix)) await rm(path.join(versionsDir, entry), { recursive: true, force: true });
    }
    return doomed.sort((a, b) => a - b);
  }

  /**
   * Makes an older version live again, or version `to` (older or newer than the live one) when given.
   * The default is the newest version older than the live one that is intact and not revoked (the
   * newest such version when `current` is damaged). Refuses with `invalid_input` a version that does
   * not exist, is damaged, revoked or already live, and a rollback with nothing to go back to.
   * Switches `current` atomically; returns the new live version.
   */
  async rollback(certId: string, to?: number): Promise<StoredVersion> {
    let live: number | undefined;
    try {
      live = await this.#pointer(certId);
    } catch (error) {
      // A damaged pointer is what a rollback repairs: go on as if nothing were live.
      if (!(error instanceof CertDeskError)) throw error;
      live = undefined;
    }
    const complete = await this.#completeVersions(certId);
    if (complete.length === 0) {
      throw new CertDeskError('invalid_input', `Unable to roll back ${certId}, it has no certificate yet`, {
        remedy: `Obtain it first: certdesk cert renew ${certId}`,
      });
    }
    let target: Inspection;
    if (to !== undefined) {
      checkVersionNumber(to, `roll back ${certId}`);
      const refuse = (reason: string): CertDeskError => new CertDeskError('invalid_input', `Unable to roll back ${certId} to version ${to}, ${reason}`);
      if (!complete.includes(to)) throw refuse(`there is no such version (${certId} has ${complete.join(', ')})`);
      if (to === live) throw refuse('it is already live');
      target = await this.#inspect(certId, to);
      if (target.problem !== undefined) throw refuse(target.problem);
      if (target.record?.revoked !== undefined) throw refuse(`it was revoked at ${target.record.revoked.at} (${target.record.revoked.reason})`);
    } else {
      const older = complete.filter((version) => live === undefined || version < live);
      const passed: string[] = [];
      let found: Inspection | undefined;
      for (const version of older) {
        const candidate = await this.#inspect(certId, version);
        if (candidate.problem !== undefined) passed.push(`version ${version}: ${candidate.problem}`);
        else if (candidate.record?.revoked !== undefined) passed.push(`version ${version}: revoked`);
        else {
          found = candidate;
          break;
        }
      }
      if (found === undefined) {
        const scope = live === undefined ? 'no version' : `no version older than the live version ${live}`;
        throw new CertDeskError('invalid_input', `Unable to roll back ${certId}, ${scope} is intact and not revoked${passed.length === 0 ? '' : ` (${passed.join('; ')})`}`, {
          remedy: `Obtain a new one: certdesk cert renew ${certId}`,
        });
      }
      target = found;
    }
    await this.#point(certId, target.version);
    return this.#stored(target);
  }

  /**
   * Records that `version` was revoked: rewrites its meta.json atomically with `revoked: { at, reason }`,
   * keeping everything else (hashes included). A version already marked keeps its first record.
   * `invalid_input` for a version that does not exist; `invalid_data` when its meta.json is damaged.
   */
  async markRevoked(certId: string, version: number, reason: string, at: Date): Promise<void> {
    const action = `mark version ${version} of ${certId} as revoked`;
    checkVersionNumber(version, `mark a version of ${certId} as revoked`);
    if (Number.isNaN(at.getTime())) throw new CertDeskError('invalid_input', `Unable to ${action}, its revocation date is not a valid date`);
    if (!(await this.#complete(certId, version))) {
      throw new CertDeskError('invalid_input', `Unable to ${action}, there is no such version`);
    }
    const file = path.join(this.#paths.version(certId, version), metaFileName);
    const raw = await readIfExists(file);
    const record = raw === undefined ? undefined : parseMetaFile(raw);
    if (record === undefined || typeof record === 'string') {
      throw new CertDeskError('invalid_data', `Unable to ${action}, ${file} ${record ?? 'is missing'}`);
    }
    if (record.revoked !== undefined) return;
    await writeJsonAtomic(file, { ...record, revoked: { at: at.toISOString(), reason } }, { mode: modes.publicFile });
  }

  /** The version `current` names; `undefined` when there is none; `invalid_data` when it names none. */
  async #pointer(certId: string): Promise<number | undefined> {
    const pointer = await readIfExists(this.#paths.current(certId));
    if (pointer === undefined) return undefined;
    const version = Number(pointer.trim());
    if (pointer.trim() === '' || !Number.isInteger(version) || version < 1) {
      throw new CertDeskError('invalid_data', `Unable to read ${this.#paths.current(certId)}, it does not name a version`, {
        remedy: `Make an intact version live: certdesk cert rollback ${certId}`,
      });
    }
    return version;
  }

  async #point(certId: string, version: number): Promise<void> {
    await writeAtomic(this.#paths.current(certId), `${version}\n`, { mode: modes.publicFile });
  }

  /**
   * Creates the next version folder (0700). `mkdir` without `recursive` fails on an existing folder,
   * so a number is never reused: an interrupted store's key is not overwritten in place.
   */
  async #newVersionDir(certId: string): Promise<{ version: number; dir: string }> {
    await mkdir(this.#paths.versionsDir(certId), { recursive: true, mode: modes.privateDir });
    let version = (await this.#numbered(certId)).reduce((max, n) => Math.max(max, n), 0) + 1;
    for (;;) {
      const dir = this.#paths.version(certId, version);
      try {
        await mkdir(dir, { mode: modes.privateDir });
        return { version, dir };
      } catch (error) {
        if (!isErrnoCode(error, 'EEXIST')) throw error;
        version += 1;
      }
    }
  }

  /** Numbers of the version folders on disk, complete or not, newest first. */
  async #numbered(certId: string): Promise<number[]> {
    let entries: string[];
    try {
      entries = await readdir(this.#paths.versionsDir(certId));
    } catch (error) {
      if (isErrnoCode(error, 'ENOENT')) return [];
      throw error;
    }
    return entries
      .filter((entry) => /^[1-9]\d*$/.test(entry))
      .map(Number)
      .filter(Number.isSafeInteger)
      .sort((a, b) => b - a);
  }

  /** The versions (folders with meta.json), newest first. */
  async #completeVersions(certId: string, numbered?: number[]): Promise<number[]> {
    const all = numbered ?? (await this.#numbered(certId));
    const complete: number[] = [];
    for (const version of all) if (await this.#complete(certId, version)) complete.push(version);
    return complete;
  }

  async #complete(certId: string, version: number): Promise<boolean> {
    try {
      return (await stat(path.join(this.#paths.version(certId, version), metaFileName))).isFile();
    } catch (error) {
      if (isErrnoCode(error, 'ENOENT') || isErrnoCode(error, 'ENOTDIR')) return false;
      throw error;
    }
  }

  /** {@link #verified} without the PEM contents, from {@link #intact} when the files have not changed since. */
  async #verifiedVersion(certId: string, version: number): Promise<StoredVersion> {
    const dir = this.#paths.version(certId, version);
    const cached = this.#intact.get(dir);
    if (cached !== undefined && cached.signature === (await signature(dir))) return this.#stored(cached.found);
    return (await this.#verified(certId, version)).stored;
  }

  /** Inspects a version and throws its problem: "Unable to read/use version N of <id>, …". */
  async #verified(certId: string, version: number): Promise<{ stored: StoredVersion; set: PemSet }> {
    const dir = this.#paths.version(certId, version);
    // Taken before the files are read: a file changed in between is verified again next time.
    const before = await signature(dir);
    const found = await this.#inspect(certId, version);
    if (found.problem === undefined && before !== undefined) this.#intact.set(dir, { signature: before, found: { ...found, set: undefined } });
    else this.#intact.delete(dir);
    if (found.problem !== undefined || found.set === undefined) {
      throw new CertDeskError('invalid_data', `Unable to ${found.missing ? 'read' : 'use'} version ${version} of ${certId}, ${found.problem ?? 'it is damaged'}`, {
        remedy: `Make an intact version live: certdesk cert rollback ${certId} (or obtain a new one: certdesk cert renew ${certId})`,
      });
    }
    return { stored: this.#stored(found), set: found.set };
  }

  #stored(found: Inspection): StoredVersion {
    if (found.parsed === undefined) throw new Error('Vault: a version without a parsed certificate counted as intact');
    return {
      version: found.version,
      dir: found.dir,
      meta: found.parsed,
      ...(found.record?.ca === undefined ? {} : { issuedBy: found.record.ca }),
      ...(found.record?.revoked === undefined ? {} : { revoked: found.record.revoked }),
    };
  }

  /**
   * Reads a version folder and checks, in this order: every file is there; meta.json is a version's;
   * fullchain.pem parses; each PEM file has the SHA-256 meta.json recorded (when it recorded them);
   * cert.pem and chain.pem are fullchain.pem's leaf and the rest; privkey.pem is the leaf's key.
   * The first failure is the problem. Errors other than a missing file (permissions) are thrown.
   */
  async #inspect(certId: string, version: number): Promise<Inspection> {
    const dir = this.#paths.version(certId, version);
    const at = (file: string): string => path.join(dir, file);
    // fullchain.pem first: a `current` naming a folder that is not there reports it, as it always has.
    const order = [pemFileNames.fullchain, pemFileNames.cert, pemFileNames.chain, pemFileNames.privkey, metaFileName];
    const bytes = new Map(await Promise.all(order.map(async (file) => [file, await readBytes(at(file))] as const)));
    const result = { version, dir, record: undefined as MetaFile | undefined, parsed: undefined as CertificateMeta | undefined, set: undefined, missing: false };
    const fail = (problem: string, missing = false): Inspection => ({ ...result, problem, missing });
    const text = (file: string): string => bytes.get(file)?.toString('utf8') ?? '';

    const absent = order.find((file) => bytes.get(file) === undefined);
    const parsedRecord = bytes.get(metaFileName) === undefined ? undefined : parseMetaFile(text(metaFileName));
    if (typeof parsedRecord === 'object') result.record = parsedRecord;
    const fullchain = text(pemFileNames.fullchain);
    if (bytes.get(pemFileNames.fullchain) !== undefined) {
      try {
        result.parsed = describeChain(fullchain, at(pemFileNames.fullchain));
      } catch {
        // Reported below, in its turn.
      }
    }
    if (absent !== undefined) return fail(`${absent} is missing`, true);
    if (typeof parsedRecord === 'string') return fail(`${metaFileName} is damaged (${at(metaFileName)} ${parsedRecord})`);
    if (result.parsed === undefined) {
      const why = splitPemChain(fullchain).length === 0 ? 'holds no PEM certificate' : 'cannot be parsed';
      return fail(`${pemFileNames.fullchain} is damaged (${at(pemFileNames.fullchain)} ${why})`);
    }
    const hashes = result.record?.files;
    if (hashes !== undefined) {
      for (const part of pemParts) {
        const file = pemFileNames[part];
        const content = bytes.get(file);
        if (content !== undefined && sha256(content) !== hashes[file]) {
          return fail(`${file} is damaged (${at(file)} is not the file that was stored, its SHA-256 differs from the one in ${metaFileName})`);
        }
      }
    }
    const set: PemSet = { cert: text(pemFileNames.cert), chain: text(pemFileNames.chain), fullchain, privkey: text(pemFileNames.privkey) };
    if (!consistent(set)) {
      return fail(`its files disagree (${pemFileNames.cert} followed by ${pemFileNames.chain} is not ${pemFileNames.fullchain})`);
    }
    if (!keyMatchesCertificate(fullchain, set.privkey)) {
      return fail(`${pemFileNames.privkey} is damaged (${at(pemFileNames.privkey)} is not the private key of the certificate in ${pemFileNames.fullchain})`);
    }
    return { ...result, set, problem: undefined };
  }
}

/**
 * The stat signature (inode, size, mtime, ctime in ns) of a version folder's files; `undefined` when
 * one is missing. Equal signatures mean no file was written since (see {@link Vault}'s cache).
 */
async function signature(dir: string): Promise<string | undefined> {
  try {
    const stats = await Promise.all([...Object.values(pemFileNames), metaFileName].map((file) => stat(path.join(dir, file), { bigint: true })));
    return stats.map((s) => `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`).join('/');
  } catch (error) {
    if (isErrnoCode(error, 'ENOENT') || isErrnoCode(error, 'ENOTDIR')) return undefined;
    throw error;
  }
}

/** meta.json's content, or why it is not a version's ("is not JSON", "does not describe a version"). */
function parseMetaFile(text: string): MetaFile | string {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return 'is not JSON';
  }
  const parsed = metaFileSchema.safeParse(value);
  return parsed.success ? parsed.data : 'does not describe a version';
}
