import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { CertDeskError } from '../errors.ts';
import { modes, readIfExists, writeAtomic, writeJsonAtomic } from '../fs/atomic.ts';
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

/** A stored version of a certificate. */
export interface StoredVersion {
  readonly version: number;
  readonly dir: string;
  readonly meta: CertificateMeta;
}

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

/**
 * Certificates on disk (DESIGN.md "Data on disk"): `certs/<id>/versions/<n>/` holds each issued
 * version, `certs/<id>/current` names the live one and is switched atomically after the version is
 * complete, so a crash leaves the previous version live. Nothing is deleted here (issue #5 prunes).
 */
export class Vault {
  readonly #paths: DataPaths;

  constructor(paths: DataPaths) {
    this.#paths = paths;
  }

  /** Stores a new version and makes it live. Returns it. */
  async store(certId: string, set: PemSet): Promise<StoredVersion> {
    const meta = describeChain(set.fullchain, 'the downloaded certificate');
    const version = (await this.#versions(certId)).reduce((max, n) => Math.max(max, n), 0) + 1;
    const dir = this.#paths.version(certId, version);
    await writePemSet(dir, set);
    await writeJsonAtomic(path.join(dir, 'meta.json'), { version, storedAt: new Date().toISOString(), ...meta }, { mode: modes.publicFile });
    await writeAtomic(this.#paths.current(certId), `${version}\n`, { mode: modes.publicFile });
    return { version, dir, meta };
  }

  /**
   * The live version, or `undefined` when none was ever stored. The certificate is parsed from its
   * file (not trusted from meta.json); a damaged live version is an `invalid_data` error.
   */
  async current(certId: string): Promise<StoredVersion | undefined> {
    const pointer = await readIfExists(this.#paths.current(certId));
    if (pointer === undefined) return undefined;
    const version = Number(pointer.trim());
    if (!Number.isInteger(version) || version < 1) {
      throw new CertDeskError('invalid_data', `Unable to read ${this.#paths.current(certId)}, it does not name a version`);
    }
    const dir = this.#paths.version(certId, version);
    const fullchain = await readIfExists(path.join(dir, pemFileNames.fullchain));
    if (fullchain === undefined) {
      throw new CertDeskError('invalid_data', `Unable to read version ${version} of ${certId}, ${pemFileNames.fullchain} is missing`);
    }
    return { version, dir, meta: describeChain(fullchain, path.join(dir, pemFileNames.fullchain)) };
  }

  /** The PEM set of the live version; throws `invalid_input` when there is none yet. */
  async currentPemSet(certId: string): Promise<PemSet> {
    const live = await this.current(certId);
    if (live === undefined) {
      throw new CertDeskError('invalid_input', `Unable to export ${certId}, it has no certificate yet`, {
        remedy: `Obtain it first: certdesk cert renew ${certId}`,
      });
    }
    const read = async (file: string): Promise<string> => {
      const text = await readIfExists(path.join(live.dir, file));
      if (text === undefined) throw new CertDeskError('invalid_data', `Unable to read ${path.join(live.dir, file)}, it is missing`);
      return text;
    };
    return {
      cert: await read(pemFileNames.cert),
      chain: await read(pemFileNames.chain),
      fullchain: await read(pemFileNames.fullchain),
      privkey: await read(pemFileNames.privkey),
    };
  }

  async #versions(certId: string): Promise<number[]> {
    try {
      return (await readdir(this.#paths.versionsDir(certId))).map(Number).filter((n) => Number.isInteger(n) && n > 0);
    } catch {
      return [];
    }
  }
}
