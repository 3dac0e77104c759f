import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir, removeTempDir, requireExecutable } from './processes.ts';

const execFileAsync = promisify(execFile);

/**
 * Validity of the test CA and its leaf. Each is made fresh per server start, so a week is far more
 * than any run needs while keeping the material useless soon after it leaks.
 */
const VALIDITY_DAYS = 7;

/** A throwaway CA and one server certificate it signed, all PEM (keys are unencrypted PKCS#8). */
export interface TestCa {
  /** The root certificate to trust (self-signed, `CA:TRUE`). */
  readonly caCertPem: string;
  /** The root's private key (EC P-256). */
  readonly caKeyPem: string;
  /** The server certificate (`serverAuth`, SANs = `hosts`), signed by the root. */
  readonly leafCertPem: string;
  /** The server certificate's private key (EC P-256). */
  readonly leafKeyPem: string;
  /** The names and IP addresses in the leaf's subjectAltName. */
  readonly hosts: readonly string[];
}

/** Options for {@link createTestCa}. */
export interface CreateTestCaOptions {
  /** The root's common name; default `CertDesk Test CA <random>` so two runs' CAs never look alike. */
  readonly commonName?: string;
  /** SANs of the leaf (DNS names or IPs); default `['localhost', '127.0.0.1']`. */
  readonly hosts?: readonly string[];
}

/** Paths of a {@link TestCa} written to disk by {@link writeTestCa}. */
export interface TestCaFiles {
  /** `ca.pem`: the root certificate. */
  readonly caCertPath: string;
  /** `server.pem`: the leaf certificate. */
  readonly leafCertPath: string;
  /** `server.key`: the leaf's private key (mode 0600). */
  readonly leafKeyPath: string;
}

async function openssl(binary: string, args: readonly string[], cwd: string): Promise<void> {
  try {
    await execFileAsync(binary, args, { cwd });
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const detail = typeof stderr === 'string' ? stderr.trim() : String(error);
    throw new Error(`Unable to create the test CA, openssl ${args[0] ?? ''} failed: ${detail}`, { cause: error });
  }
}

/**
 * Makes a root CA and a leaf for `hosts` with the `openssl` CLI (two `openssl req` runs, EC P-256,
 * a few ms each) in a temp dir that is removed before this resolves; nothing is cached. Throws
 * "openssl not found: install the Debian package `openssl`" if the CLI is missing, or an
 * "Unable to create the test CA" error quoting openssl's stderr.
 */
export async function createTestCa(options: CreateTestCaOptions = {}): Promise<TestCa> {
  const binary = requireExecutable('openssl', 'openssl');
  const hosts = options.hosts ?? ['localhost', '127.0.0.1'];
  const commonName = options.commonName ?? `CertDesk Test CA ${randomBytes(4).toString('hex')}`;
  const san = hosts.map((host) => (isIP(host) === 0 ? `DNS:${host}` : `IP:${host}`)).join(',');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const dir = makeTempDir('certdesk-ca-');
  try {
    await openssl(binary, ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem',
      '-days', String(VALIDITY_DAYS), '-subj', `/CN=${commonName}`,
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    // OpenSSL 3's `req -x509 -CA` signs the new certificate with the root directly: no CSR, no serial file.
    await openssl(binary, ['req', '-x509', '-CA', 'ca.pem', '-CAkey', 'ca.key', ...ec,
      '-keyout', 'server.key', '-out', 'server.pem',
      '-days', String(VALIDITY_DAYS), '-subj', `/CN=${hosts[0] ?? 'localhost'}`,
      '-addext', `subjectAltName=${san}`,
      '-addext', 'basicConstraints=critical,CA:FALSE',
      '-addext', 'keyUsage=critical,digitalSignature',
      '-addext', 'extendedKeyUsage=serverAuth'], dir);
    const [caCertPem, caKeyPem, leafCertPem, leafKeyPem] = await Promise.all(
      ['ca.pem', 'ca.key', 'server.pem', 'server.key'].map((name) => readFile(join(dir, name), 'utf8')),
    );
    if (caCertPem === undefined || caKeyPem === undefined || leafCertPem === undefined || leafKeyPem === undefined) {
      throw new Error('Unable to create the test CA, openssl wrote no output');
    }
    return { caCertPem, caKeyPem, leafCertPem, leafKeyPem, hosts };
  } finally {
    await removeTempDir(dir);
  }
}

/**
 * Writes the root certificate and the leaf's certificate and key into `dir` (which must exist) as
 * `ca.pem`, `server.pem` and `server.key`. The root's private key is not written.
 */
export async function writeTestCa(ca: TestCa, dir: string): Promise<TestCaFiles> {
  const files: TestCaFiles = {
    caCertPath: join(dir, 'ca.pem'),
    leafCertPath: join(dir, 'server.pem'),
    leafKeyPath: join(dir, 'server.key'),
  };
  await Promise.all([
    writeFile(files.caCertPath, ca.caCertPem),
    writeFile(files.leafCertPath, ca.leafCertPem),
    writeFile(files.leafKeyPath, ca.leafKeyPem, { mode: 0o600 }),
  ]);
  return files;
}
