import { createHash, createHmac, createPrivateKey, randomBytes, timingSafeEqual, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { CertDeskError } from '../errors.ts';
import { splitPemChain } from './x509.ts';

/**
 * PKCS#12 (RFC 7292) files, the `.pfx`/`.p12` that Windows (IIS, RDP, Exchange), Java and most
 * appliances import. node-forge supplies the ASN.1 codec, the PKCS#12 key derivation and the
 * password-based ciphers; the PFX structure is assembled here because forge's own writer handles RSA
 * keys only, leaves the certificates unencrypted and MACs with SHA-1, and its reader takes one
 * password encoding for both PBES2 (UTF-8) and the PKCS#12 KDF (BMPString).
 */

type Asn1 = forge.asn1.Asn1;
const { asn1 } = forge;
const { Class, Type } = forge.asn1;
/** The context-specific tag `[0]`: forge keeps tag numbers in `type`, and `Type.NONE` is 0. */
const TAG_0 = Type.NONE;

/** Object identifiers this file writes or reads. */
const oid = {
  data: '1.2.840.113549.1.7.1', // PKCS#7 data
  encryptedData: '1.2.840.113549.1.7.6', // PKCS#7 encryptedData
  keyBag: '1.2.840.113549.1.12.10.1.1', // RFC 7292 §4.2.1
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2', // RFC 7292 §4.2.2
  certBag: '1.2.840.113549.1.12.10.1.3', // RFC 7292 §4.2.3
  safeContentsBag: '1.2.840.113549.1.12.10.1.6', // RFC 7292 §4.2.6
  x509Certificate: '1.2.840.113549.1.9.22.1', // RFC 7292 §4.2.3 certTypes
  friendlyName: '1.2.840.113549.1.9.20', // PKCS#9
  localKeyId: '1.2.840.113549.1.9.21', // PKCS#9
  pbes2: '1.2.840.113549.1.5.13', // RFC 8018 §6.2
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

/** Digests a PFX MAC may use (RFC 7292 §5 with the SHA-2 family OpenSSL and Windows write). */
const macDigests: Readonly<Record<string, { readonly node: string; readonly create: () => forge.md.MessageDigest }>> = {
  [oid.sha1]: { node: 'sha1', create: () => forge.md.sha1.create() },
  [oid.sha256]: { node: 'sha256', create: () => forge.md.sha256.create() },
  [oid.sha384]: { node: 'sha384', create: () => forge.md.sha384.create() },
  [oid.sha512]: { node: 'sha512', create: () => forge.md.sha512.create() },
};

/** forge's password-based cipher lookup, which its type declarations leave out. */
interface ForgePbe {
  getCipher(oid: string, params: Asn1, password: string): forge.cipher.BlockCipher;
}
const pbe = (forge.pki as unknown as { readonly pbe: ForgePbe }).pbe;

/**
 * How a PFX is encrypted. `modern` is OpenSSL 3's default (`openssl pkcs12 -export`): PBES2 with
 * AES-256-CBC and PBKDF2-HMAC-SHA256 for the key and the certificates, an HMAC-SHA256 MAC; Windows
 * Server 2019 and later, current Java and OpenSSL 1.1.1+ read it. `legacy` is what older readers
 * need (Windows Server 2016 and earlier, old Java, macOS Keychain): pbeWithSHAAnd3-KeyTripleDES-CBC
 * for both, a SHA-1 MAC.
 */
const schemes = {
  modern: { algorithm: 'aes256', prfAlgorithm: 'sha256', saltSize: 16, mac: oid.sha256 },
  // 8-byte salts, as `openssl pkcs12 -export -legacy` writes: the files those old readers were tested with.
  legacy: { algorithm: '3des', prfAlgorithm: 'sha1', saltSize: 8, mac: oid.sha1 },
} as const;
type Scheme = (typeof schemes)[keyof typeof schemes];

/**
 * Iterations of PBKDF2, the PKCS#12 KDF and the MAC key derivation: OpenSSL's `pkcs12 -export`
 * default (PKCS12_DEFAULT_ITER), so every reader that takes OpenSSL's files takes ours. The
 * password, not the count, is what protects a file that leaves the machine.
 */
const PBE_ITERATIONS = 2048;

/**
 * The most key-derivation iterations a PFX being read may ask for: .NET's default import limit.
 * Real files use 2000 (Windows), 2048 (OpenSSL) or 10 000 (Java); a crafted file must not hang the
 * app for minutes in pure-JavaScript key derivation.
 */
const MAX_READ_ITERATIONS = 600_000;

/** Longest PFX password accepted: far above any real password, and a bound on the KDF input. */
export const PFX_PASSWORD_MAX_CHARS = 1024;

/** What a PFX holds, as PEM. */
export interface PfxContents {
  /** The private key, PKCS#8 PEM (`BEGIN PRIVATE KEY`). */
  readonly keyPem: string;
  /** The certificate that matches the key. */
  readonly certPem: string;
  /** The other certificates, issuers first in path order (leaf's issuer, its issuer, …), then any others; `''` when none. */
  readonly chainPem: string;
}

/** Input of {@link buildPfx}. */
export interface BuildPfxInput {
  /** The leaf certificate (PEM). More certificates after it are treated as chain. */
  readonly certPem: string;
  /** The intermediates (PEM, any number, possibly `''`). */
  readonly chainPem: string;
  /** The leaf's private key: PKCS#8, PKCS#1 (RSA) or SEC1 (EC) PEM, unencrypted. */
  readonly keyPem: string;
  /** See {@link pfxPasswordProblem}. */
  readonly password: string;
  /** The name Windows shows for the certificate (friendlyName attribute on the key and the leaf). */
  readonly friendlyName?: string | undefined;
  /** 3DES and a SHA-1 MAC for old readers (Windows Server 2016 and earlier); default `false`: AES-256, SHA-256 MAC. */
  readonly legacy?: boolean | undefined;
}

/** Why `password` cannot protect a PFX, or `undefined` when it can: it must be 1–1024 characters. */
export function pfxPasswordProblem(password: string): string | undefined {
  if (password === '') return 'the PFX password is empty';
  if (password.length > PFX_PASSWORD_MAX_CHARS) return `the PFX password is longer than ${PFX_PASSWORD_MAX_CHARS} characters`;
  return undefined;
}

function invalid(action: string, reason: string, remedy?: string, cause?: unknown): CertDeskError {
  return new CertDeskError('invalid_input', `Unable to ${action}, ${reason}`, {
    ...(remedy === undefined ? {} : { remedy }),
    ...(cause === undefined ? {} : { cause }),
  });
}

const binary = (bytes: Buffer): string => bytes.toString('binary');
const toBuffer = (bytes: string): Buffer => Buffer.from(bytes, 'binary');
const derOf = (node: Asn1): string => asn1.toDer(node).getBytes();

const node = {
  seq: (children: Array<Asn1 | undefined>): Asn1 =>
    asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, children.filter((child): child is Asn1 => child !== undefined)),
  set: (children: Asn1[]): Asn1 => asn1.create(Class.UNIVERSAL, Type.SET, true, children),
  oid: (value: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(value).getBytes()),
  int: (value: number): Asn1 => asn1.create(Class.UNIVERSAL, Type.INTEGER, false, asn1.integerToDer(value).getBytes()),
  octets: (bytes: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, bytes),
  explicit0: (child: Asn1): Asn1 => asn1.create(Class.CONTEXT_SPECIFIC, TAG_0, true, [child]),
};

/** A PKCS#7 ContentInfo of type data around DER bytes. */
function dataContent(der: string): Asn1 {
  return node.seq([node.oid(oid.data), node.explicit0(node.octets(der))]);
}

/** The bag attributes that pair the key with its certificate (localKeyId) and name them. */
function bagAttributes(localKeyId: string, friendlyName: string | undefined): Asn1 {
  const attributes = [node.seq([node.oid(oid.localKeyId), node.set([node.octets(localKeyId)])])];
  if (friendlyName !== undefined) {
    attributes.push(node.seq([node.oid(oid.friendlyName), node.set([asn1.create(Class.UNIVERSAL, Type.BMPSTRING, false, friendlyName)])]));
  }
  return node.set(attributes);
}

/**
 * Encrypts `plain` with forge's PKCS#8 encryptor, which does PBES2 or PKCS#12 PBE and returns
 * `SEQUENCE { algorithm, OCTET STRING ciphertext }`: exactly what a shrouded key bag holds, and the
 * two parts an EncryptedData needs. PBES2 derives from the UTF-8 password bytes, the PKCS#12 KDF from
 * the BMPString forge makes of a JavaScript string (what OpenSSL does with each).
 */
function encrypt(plain: Asn1, password: string, scheme: Scheme): Asn1 {
  return forge.pki.encryptPrivateKeyInfo(plain, scheme === schemes.legacy ? password : forge.util.encodeUtf8(password), {
    algorithm: scheme.algorithm,
    prfAlgorithm: scheme.prfAlgorithm,
    saltSize: scheme.saltSize,
    count: PBE_ITERATIONS,
  });
}

/** RFC 7292 §5 MacData over the AuthenticatedSafe, the key derived with the PKCS#12 KDF (ID 3). */
function macData(authSafe: string, password: string, scheme: Scheme): Asn1 {
  const digestOid = scheme.mac;
  const digest = macDigests[digestOid];
  if (digest === undefined) throw new Error(`no MAC digest ${digestOid}`);
  const salt = binary(randomBytes(scheme.saltSize));
  const create = digest.create();
  const key = forge.pkcs12.generateKey(password, forge.util.createBuffer(salt), 3, PBE_ITERATIONS, create.digestLength, create);
  const mac = createHmac(digest.node, toBuffer(key.getBytes())).update(toBuffer(authSafe)).digest();
  return node.seq([
    node.seq([node.seq([node.oid(digestOid), asn1.create(Class.UNIVERSAL, Type.NULL, false, '')]), node.octets(binary(mac))]),
    node.octets(salt),
    node.int(PBE_ITERATIONS),
  ]);
}

function parseCertificate(pem: string, action: string, what: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw invalid(action, `${what} cannot be parsed`, undefined, error);
  }
}

/**
 * Builds a password-protected PFX of the key, the leaf certificate and its chain (RFC 7292): the
 * certificates in an EncryptedData, the key in a shrouded key bag, both with the same localKeyId
 * (and `friendlyName`), and a MAC over the whole. Default encryption: PBES2 AES-256-CBC with
 * PBKDF2-HMAC-SHA256 and an HMAC-SHA256 MAC (OpenSSL 3's default); `legacy`: 3DES and an HMAC-SHA1
 * MAC. Any key type Node reads works (RSA, ECDSA, Ed25519). Throws `invalid_input` for a bad password
 * ({@link pfxPasswordProblem}), an unreadable certificate or key, or a key that is not the leaf's.
 */
export function buildPfx(input: BuildPfxInput): Buffer {
  const action = 'build the PFX';
  const problem = pfxPasswordProblem(input.password);
  if (problem !== undefined) throw invalid(action, problem, `Choose a password of 1–${PFX_PASSWORD_MAX_CHARS} characters.`);
  const [leafPem, ...restPems] = splitPemChain(input.certPem);
  if (leafPem === undefined) throw invalid(action, 'there is no PEM certificate');
  const leaf = parseCertificate(leafPem, action, 'the certificate');
  let key: KeyObject;
  try {
    key = createPrivateKey(input.keyPem);
  } catch (error) {
    throw invalid(action, 'the private key cannot be read (an unencrypted PEM key is needed)', undefined, error);
  }
  if (!leaf.checkPrivateKey(key)) throw invalid(action, 'the private key does not belong to the certificate');
  const seen = new Set([leaf.fingerprint256]);
  const chain: X509Certificate[] = [];
  for (const pem of [...restPems, ...splitPemChain(input.chainPem)]) {
    const cert = parseCertificate(pem, action, 'a chain certificate');
    if (!seen.has(cert.fingerprint256)) chain.push(cert);
    seen.add(cert.fingerprint256);
  }

  const scheme = input.legacy === true ? schemes.legacy : schemes.modern;
  // OpenSSL's choice of localKeyId: the SHA-1 of the leaf, so tools pair key and certificate alike.
  const attributes = bagAttributes(binary(createHash('sha1').update(leaf.raw).digest()), input.friendlyName);
  const certBag = (cert: X509Certificate, attrs: Asn1 | undefined): Asn1 => node.seq([
    node.oid(oid.certBag),
    node.explicit0(node.seq([node.oid(oid.x509Certificate), node.explicit0(node.octets(binary(cert.raw)))])),
    attrs,
  ]);
  const certSafe = node.seq([certBag(leaf, attributes), ...chain.map((cert) => certBag(cert, undefined))]);
  const [algorithm, ciphertext] = encrypt(certSafe, input.password, scheme).value as Asn1[];
  if (algorithm === undefined || ciphertext === undefined) throw new Error('forge returned no ciphertext');
  const encryptedCerts = node.seq([
    node.oid(oid.encryptedData),
    node.explicit0(node.seq([
      node.int(0),
      // encryptedContent is [0] IMPLICIT OCTET STRING: the ciphertext under a context tag.
      node.seq([node.oid(oid.data), algorithm, asn1.create(Class.CONTEXT_SPECIFIC, TAG_0, false, ciphertext.value)]),
    ])),
  ]);
  const keyInfo = asn1.fromDer(binary(key.export({ type: 'pkcs8', format: 'der' })));
  const keySafe = node.seq([node.seq([node.oid(oid.shroudedKeyBag), node.explicit0(encrypt(keyInfo, input.password, scheme)), attributes])]);

  const authSafe = derOf(node.seq([encryptedCerts, dataContent(derOf(keySafe))]));
  const pfx = node.seq([node.int(3), dataContent(authSafe), macData(authSafe, input.password, scheme)]);
  return toBuffer(derOf(pfx));
}

/** A PFX that is not what it should be: the reason goes into the "damaged" message. */
class Malformed extends Error {}

function children(value: Asn1 | undefined, what: string): Asn1[] {
  if (value === undefined || !Array.isArray(value.value)) throw new Malformed(`${what} is missing or not a structure`);
  return value.value;
}

function sequence(value: Asn1 | undefined, what: string): Asn1[] {
  if (value?.tagClass !== Class.UNIVERSAL || value.type !== Type.SEQUENCE) throw new Malformed(`${what} is not a SEQUENCE`);
  return children(value, what);
}

function primitive(value: Asn1 | undefined, type: forge.asn1.Type, what: string): string {
  if (value?.tagClass !== Class.UNIVERSAL || value.type !== type || typeof value.value !== 'string') {
    throw new Malformed(`${what} has the wrong type`);
  }
  return value.value;
}

const oidOf = (value: Asn1 | undefined, what: string): string => asn1.derToOid(primitive(value, Type.OID, what));
const integerOf = (value: Asn1 | undefined, what: string): number => asn1.derToInteger(primitive(value, Type.INTEGER, what));

/** The content of an OCTET STRING, which BER (Windows, Java) may split into constructed chunks. */
function octetsOf(value: Asn1 | undefined, what: string): string {
  // An `[0] IMPLICIT OCTET STRING` (EncryptedData's content) arrives as a context tag, chunked or not.
  const isOctets = value !== undefined && (value.tagClass === Class.CONTEXT_SPECIFIC || (value.tagClass === Class.UNIVERSAL && value.type === Type.OCTETSTRING));
  if (isOctets && Array.isArray(value.value)) return value.value.map((chunk) => octetsOf(chunk, what)).join('');
  if (isOctets && typeof value.value === 'string') return value.value;
  throw new Malformed(`${what} is not an OCTET STRING`);
}

/** The value inside an `[0] EXPLICIT` tag. */
function explicit0(value: Asn1 | undefined, what: string): Asn1 | undefined {
  if (value?.tagClass !== Class.CONTEXT_SPECIFIC || value.type !== TAG_0) throw new Malformed(`${what} is not tagged [0]`);
  return children(value, what)[0];
}

function parseDer(bytes: string, what: string): Asn1 {
  try {
    return asn1.fromDer(bytes, true);
  } catch (error) {
    throw new Malformed(`${what} cannot be decoded (${error instanceof Error ? error.message : String(error)})`);
  }
}

const readAction = 'read the PFX file';
const wrongPassword = (): CertDeskError =>
  invalid(readAction, 'the password is wrong (or the file was altered)', 'Check the password it was exported with; passwords are case-sensitive.');

function checkIterations(count: number): void {
  if (!(count >= 1 && count <= MAX_READ_ITERATIONS)) {
    throw invalid(readAction, `it asks for ${count} key-derivation iterations, outside the 1–${MAX_READ_ITERATIONS} CertDesk accepts`, 'Export it again with the default settings.');
  }
}

function verifyMac(mac: Asn1, authSafe: string, password: string): void {
  const [digestInfo, salt, iterations] = sequence(mac, 'the MAC');
  const [algorithm, digest] = sequence(digestInfo, 'the MAC digest');
  const digestOid = oidOf(sequence(algorithm, 'the MAC algorithm')[0], 'the MAC algorithm');
  const md = macDigests[digestOid];
  if (md === undefined) {
    throw invalid(readAction, `its integrity check uses a digest CertDesk cannot verify (${digestOid})`, 'Export it again with a SHA-1 or SHA-256 MAC (the default of OpenSSL and Windows).');
  }
  // RFC 7292 §5: iterations DEFAULT 1.
  const count = iterations === undefined ? 1 : integerOf(iterations, 'the MAC iteration count');
  checkIterations(count);
  const create = md.create();
  const key = forge.pkcs12.generateKey(password, forge.util.createBuffer(octetsOf(salt, 'the MAC salt')), 3, count, create.digestLength, create);
  const expected = createHmac(md.node, toBuffer(key.getBytes())).update(toBuffer(authSafe)).digest();
  const actual = toBuffer(octetsOf(digest, 'the MAC value'));
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw wrongPassword();
}

/** The iteration count in PBES2 (RFC 8018 §A.2) or PKCS#12 PBE (RFC 7292 App. C) parameters. */
function iterationsOf(algorithmOid: string, params: Asn1 | undefined): number {
  if (algorithmOid === oid.pbes2) {
    const [kdf] = sequence(params, 'the PBES2 parameters');
    const [, kdfParams] = sequence(kdf, 'the key derivation');
    return integerOf(sequence(kdfParams, 'the PBKDF2 parameters')[1], 'the PBKDF2 iteration count');
  }
  return integerOf(sequence(params, 'the PBE parameters')[1], 'the PBE iteration count');
}

/** Decrypts password-based ciphertext; a padding failure is a wrong password. */
function decrypt(algorithm: Asn1 | undefined, ciphertext: string, password: string, what: string): string {
  const [algorithmNode, params] = sequence(algorithm, `the encryption of ${what}`);
  const algorithmOid = oidOf(algorithmNode, `the encryption of ${what}`);
  if (params === undefined) throw new Malformed(`the encryption of ${what} has no parameters`);
  let cipher: forge.cipher.BlockCipher;
  try {
    checkIterations(iterationsOf(algorithmOid, params));
    // PBES2 derives from the password's UTF-8 bytes, the PKCS#12 KDF from its BMPString (as OpenSSL does).
    cipher = pbe.getCipher(algorithmOid, params, algorithmOid === oid.pbes2 ? forge.util.encodeUtf8(password) : password);
  } catch (error) {
    if (error instanceof CertDeskError || error instanceof Malformed) throw error;
    throw invalid(readAction, `${what} is encrypted in a way CertDesk cannot read (${algorithmOid})`,
      'Export it again with AES-256 (or 3DES for old systems); RC2 with more than 40 bits is not supported.', error);
  }
  cipher.update(forge.util.createBuffer(ciphertext));
  if (!cipher.finish()) throw wrongPassword();
  return cipher.output.getBytes();
}

interface Bags {
  readonly keys: string[];
  readonly certs: string[];
}

/** Collects the keys (PrivateKeyInfo DER) and X.509 certificates (DER) of a SafeContents. */
function readSafeContents(der: string, password: string, bags: Bags, depth = 0): void {
  for (const bag of sequence(parseDer(der, 'a SafeContents'), 'a SafeContents')) {
    const [bagId, bagValue] = sequence(bag, 'a SafeBag');
    const value = explicit0(bagValue, 'a SafeBag value');
    switch (oidOf(bagId, 'a SafeBag type')) {
      case oid.keyBag:
        if (value === undefined) throw new Malformed('a key bag is empty');
        bags.keys.push(derOf(value));
        break;
      case oid.shroudedKeyBag: {
        const [algorithm, ciphertext] = sequence(value, 'an encrypted key');
        bags.keys.push(decrypt(algorithm, octetsOf(ciphertext, 'an encrypted key'), password, 'the private key'));
        break;
      }
      case oid.certBag: {
        const [certType, certValue] = sequence(value, 'a certificate bag');
        // SDSI certificates (the other certType) are not X.509: nothing a TLS server could use.
        if (oidOf(certType, 'a certificate type') === oid.x509Certificate) bags.certs.push(octetsOf(explicit0(certValue, 'a certificate'), 'a certificate'));
        break;
      }
      case oid.safeContentsBag:
        // Nesting is legal but rare; a bound keeps a crafted file from recursing without end.
        if (depth >= 4) throw new Malformed('its SafeContents are nested too deeply');
        if (value === undefined) throw new Malformed('a nested SafeContents is empty');
        readSafeContents(derOf(value), password, bags, depth + 1);
        break;
      default:
        // CRL and secret bags carry nothing a certificate export needs.
        break;
    }
  }
}

function decodePfx(der: Buffer, password: string): Bags {
  const [version, authSafeInfo, mac] = sequence(parseDer(binary(der), 'the file'), 'the PFX');
  const pfxVersion = integerOf(version, 'the PFX version');
  if (pfxVersion !== 3) throw new Malformed(`it is PKCS#12 version ${pfxVersion}, not 3`);
  const [contentType, content] = sequence(authSafeInfo, 'the AuthenticatedSafe');
  if (oidOf(contentType, 'the AuthenticatedSafe type') !== oid.data) {
    throw invalid(readAction, 'it is protected with a public key, not a password', 'Export it again protected with a password.');
  }
  const authSafe = octetsOf(explicit0(content, 'the AuthenticatedSafe'), 'the AuthenticatedSafe');
  if (mac !== undefined) verifyMac(mac, authSafe, password);
  const bags: Bags = { keys: [], certs: [] };
  for (const info of sequence(parseDer(authSafe, 'the AuthenticatedSafe'), 'the AuthenticatedSafe')) {
    const [type, body] = sequence(info, 'a ContentInfo');
    const typeOid = oidOf(type, 'a ContentInfo type');
    if (typeOid === oid.data) {
      readSafeContents(octetsOf(explicit0(body, 'a ContentInfo'), 'a ContentInfo'), password, bags);
    } else if (typeOid === oid.encryptedData) {
      const [, encryptedContentInfo] = sequence(explicit0(body, 'an EncryptedData'), 'an EncryptedData');
      const [, algorithm, ciphertext] = sequence(encryptedContentInfo, 'an EncryptedContentInfo');
      readSafeContents(decrypt(algorithm, octetsOf(ciphertext, 'the encrypted certificates'), password, 'the certificates'), password, bags);
    } else {
      throw invalid(readAction, `it holds content encrypted to a public key (${typeOid})`, 'Export it again protected with a password only.');
    }
  }
  return bags;
}

/** Orders `others` as the issuers of `leaf` (its issuer, that one's issuer, …), then any left over in file order. */
function chainOrder(leaf: X509Certificate, others: readonly X509Certificate[]): X509Certificate[] {
  const path: X509Certificate[] = [];
  let current = leaf;
  for (;;) {
    const issuer = others.find((cert) => !path.includes(cert) && current.checkIssued(cert) && current.verify(cert.publicKey));
    if (issuer === undefined || issuer === current) break;
    path.push(issuer);
    current = issuer;
  }
  return [...path, ...others.filter((cert) => !path.includes(cert))];
}

/**
 * Reads a password-protected PFX (RFC 7292), as Windows, OpenSSL (modern or `-legacy`) and Java
 * write them: verifies the MAC, decrypts (PBES2 with AES or 3DES, pbeWithSHAAnd3-KeyTripleDES-CBC,
 * pbeWithSHAAnd40BitRC2-CBC) and returns the key, the certificate matching it, and the other
 * certificates as chain. Throws `invalid_input` saying which: a bad password argument, a wrong
 * password (MAC or decryption failure), a damaged or non-PKCS#12 file, an unsupported algorithm, no
 * private key, no certificate, or a key that matches none of the certificates.
 */
export function readPfx(der: Buffer, password: string): PfxContents {
  const problem = pfxPasswordProblem(password);
  if (problem !== undefined) throw invalid(readAction, problem, 'Give the password the PFX was exported with.');
  let bags: Bags;
  try {
    bags = decodePfx(der, password);
  } catch (error) {
    if (error instanceof CertDeskError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw invalid(readAction, `it is damaged or not a PKCS#12 file: ${reason}`, 'Check that it is the .pfx/.p12 file itself and was copied completely.', error);
  }
  const remedy = 'Export it again including the private key and the certificate (Windows: "Yes, export the private key").';
  if (bags.keys.length === 0) throw invalid(readAction, 'it holds no private key', remedy);
  if (bags.certs.length === 0) throw invalid(readAction, 'it holds no certificate', remedy);
  let keys: KeyObject[];
  let certs: X509Certificate[];
  try {
    keys = bags.keys.map((key) => createPrivateKey({ key: toBuffer(key), format: 'der', type: 'pkcs8' }));
    certs = bags.certs.map((cert) => new X509Certificate(toBuffer(cert)));
  } catch (error) {
    throw invalid(readAction, 'a key or certificate in it cannot be parsed', 'Check that the file was copied completely.', error);
  }
  for (const cert of certs) {
    const key = keys.find((candidate) => cert.checkPrivateKey(candidate));
    if (key === undefined) continue;
    return {
      keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
      certPem: cert.toString(),
      chainPem: chainOrder(cert, certs.filter((other) => other !== cert)).map((other) => other.toString()).join(''),
    };
  }
  throw invalid(readAction, 'its private key matches none of its certificates', remedy);
}
