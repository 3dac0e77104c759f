import { createPrivateKey, X509Certificate } from 'node:crypto';
import { CertDeskError } from '../errors.ts';
import { describeChain, keyMatchesCertificate, splitPemChain, type CertificateMeta } from '../vault/x509.ts';

/**
 * Largest PEM text accepted (bytes of UTF-8). A leaf with two intermediates is about 5 KiB; 1 MiB
 * admits any real chain with room for comments, and refuses a wrongly chosen file (a log, an image,
 * a backup) before it is parsed. Callers reading a file may stat it against this first.
 */
export const MAX_IMPORT_BYTES = 1024 * 1024;

/**
 * Most certificates one import may hold. Chains in the wild have 2-4 (leaf, one or two
 * intermediates, sometimes a root); more means a CA bundle rather than one certificate's chain. It
 * also bounds the pairwise issuer search below.
 */
export const MAX_IMPORT_CERTIFICATES = 16;

/** A certificate chain accepted for monitoring, as {@link parseImportedChain} returns it. */
export interface ImportedChain {
  /** The chain as PEM blocks (64-column base64, `\n` line ends), leaf first, then its issuers. */
  readonly chainPem: string;
  /** The leaf, described by {@link describeChain}. */
  readonly meta: CertificateMeta;
}

/**
 * Validates the PEM text an admin gives to `certdesk cert import <id> --from <pem>` (a certificate
 * CertDesk monitors but does not renew) and returns its chain leaf first. `source` names the file in
 * messages and remedies.
 *
 * - Line ends are normalised (CRLF, CR → LF) and a byte-order mark is dropped; text outside PEM blocks
 *   (`openssl`'s "subject=" or "Bag Attributes" lines) is ignored; duplicate certificates are kept once.
 * - Only `CERTIFICATE` blocks are accepted. A private key in the file is refused, whether or not
 *   `keyPem` is given: monitoring needs no key, and CertDesk never stores a key it was not handed
 *   on purpose. Other blocks (a CSR, PKCS#7, parameters) are refused naming the block.
 * - The order in the file does not matter: the leaf is the certificate that issues none of the
 *   others (when several do not, the one that is not a CA: a file of leaf + root lacking the
 *   intermediate still has one leaf); its issuers follow in issuing order, and certificates outside
 *   that path (a root whose intermediate is missing, a second cross-signed root) come last in file
 *   order. A file with two possible leaves (two unrelated server certificates) is refused rather
 *   than guessed at.
 * - `keyPem`, when given, must be a readable unencrypted private key matching the leaf.
 *
 * Throws `invalid_input` ("Unable to import the certificate from <source>, <reason>") with a remedy
 * for: more than {@link MAX_IMPORT_BYTES}, an empty or binary (DER, PKCS#12) file, no certificate, a
 * private key or other non-certificate block, a block without its END line, a certificate that
 * cannot be parsed, more than {@link MAX_IMPORT_CERTIFICATES}, an ambiguous leaf, and a key that is
 * unreadable, encrypted or not the leaf's.
 * Pure apart from parsing; reads no file.
 */
export function parseImportedChain(pemText: string, source: string, keyPem?: string): ImportedChain {
  const fail = (reason: string, remedy: string): never => {
    throw new CertDeskError('invalid_input', `Unable to import the certificate from ${source}, ${reason}`, { remedy });
  };
  if (Buffer.byteLength(pemText, 'utf8') > MAX_IMPORT_BYTES) {
    return fail(`the file is larger than ${MAX_IMPORT_BYTES / 1024} KiB`, `Check that ${source} is the certificate file: a PEM chain is a few KiB.`);
  }
  const text = normalizeText(pemText);
  if (text.trim() === '') return fail('the file is empty', `Give the PEM file holding the certificate (it starts with -----BEGIN CERTIFICATE-----).`);

  const labels = [...text.matchAll(/-----BEGIN ([^-\n]*)-----/g)].map((match) => match[1] ?? '');
  if (labels.length === 0) {
    if (looksBinary(text)) {
      return fail('it is a binary file (DER or PKCS#12), not PEM text', binaryRemedy(source));
    }
    return fail('it holds no PEM certificate', `Give the PEM file holding the certificate: it has a -----BEGIN CERTIFICATE----- line.`);
  }
  if (labels.some((label) => label.endsWith('PRIVATE KEY'))) {
    const reason = labels.includes('CERTIFICATE') ? 'it also holds a private key' : 'it holds a private key and no certificate';
    return fail(
      reason,
      'A monitored certificate needs no key, and CertDesk does not keep keys it was not asked to keep. ' +
        'Import a file with only the CERTIFICATE blocks, e.g. ' +
        `\`openssl crl2pkcs7 -nocrl -certfile ${source} | openssl pkcs7 -print_certs -out chain.pem\`.`,
    );
  }
  const other = labels.find((label) => label !== 'CERTIFICATE');
  if (other !== undefined) return fail(`it holds a ${other} block, and only CERTIFICATE blocks can be imported`, otherBlockRemedy(other, source));

  const blocks = splitPemChain(text);
  if (blocks.length !== labels.length) {
    return fail(
      'a certificate block has no -----END CERTIFICATE----- line',
      `The file may be cut short: copy the certificate again from where it was issued.`,
    );
  }
  const parsed = new Map<string, X509Certificate>();
  for (const [index, block] of blocks.entries()) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch {
      return fail(
        `certificate ${index + 1} of ${blocks.length} cannot be parsed`,
        `Its base64 text is damaged: copy the certificate again from where it was issued.`,
      );
    }
    if (!parsed.has(cert.fingerprint256)) parsed.set(cert.fingerprint256, cert);
  }
  const certs = [...parsed.values()];
  if (certs.length > MAX_IMPORT_CERTIFICATES) {
    return fail(
      `it holds ${certs.length} certificates, more than the ${MAX_IMPORT_CERTIFICATES} one chain can have`,
      `Give a file with one certificate and its intermediates (a CA bundle cannot be monitored as one certificate).`,
    );
  }

  const chain = orderChain(certs, fail);
  const chainPem = chain.map((cert) => cert.toString()).join('');
  if (keyPem !== undefined) checkKey(chainPem, normalizeText(keyPem), chain[0]?.subject ?? '', fail);
  return { chainPem, meta: describeChain(chainPem, source) };
}

/**
 * Whether decoded text came from a binary file: control characters other than white space, or
 * U+FFFD, which a UTF-8 decoder leaves of bytes that are not text (DER starts with 0x30 0x82).
 */
function looksBinary(text: string): boolean {
  return /[\uFFFD]/.test(text) || /\p{Cc}/u.test(text.replace(/[\t\n\v\f]/g, ''));
}

function normalizeText(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** The leaf (the certificate that issues none of the others), then its issuers, then the rest in file order. */
function orderChain(certs: ReadonlyArray<X509Certificate>, fail: (reason: string, remedy: string) => never): X509Certificate[] {
  // x.checkIssued(y): y's subject and key identifier match x's issuer (the signature is not checked).
  const candidates = certs.filter((cert) => !certs.some((other) => other !== cert && other.checkIssued(cert)));
  // A root or intermediate whose own issuer or subordinate is missing (a file of leaf + root without
  // the intermediate) issues nothing here either; it is still not the leaf when a non-CA one is there.
  const nonCa = candidates.filter((cert) => !cert.ca);
  const leaves = nonCa.length === 0 ? candidates : nonCa;
  const [leaf] = leaves;
  if (leaf === undefined) {
    return fail(
      'its certificates all issue one another, so none of them is the leaf',
      'Give a file whose first certificate is the one to monitor, followed by the intermediates that issued it.',
    );
  }
  if (leaves.length > 1) {
    const subjects = leaves.map((cert) => JSON.stringify(cert.subject.replace(/\n/g, ', '))).join(' and ');
    return fail(
      `it holds ${leaves.length} certificates that could each be the leaf (${subjects})`,
      'Give a file with one certificate and the intermediates that issued it; import other certificates under their own ids.',
    );
  }
  const chain = [leaf];
  const rest = certs.filter((cert) => cert !== leaf);
  let issuer = issuerOf(leaf, rest);
  while (issuer !== undefined) {
    chain.push(issuer);
    rest.splice(rest.indexOf(issuer), 1);
    issuer = issuerOf(issuer, rest);
  }
  return [...chain, ...rest];
}

/** The certificate among `candidates` that issued `cert`; when names match several (cross-signs), the one whose key verifies the signature. */
function issuerOf(cert: X509Certificate, candidates: ReadonlyArray<X509Certificate>): X509Certificate | undefined {
  const named = candidates.filter((candidate) => cert.checkIssued(candidate));
  return named.find((candidate) => verifies(cert, candidate)) ?? named[0];
}

function verifies(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function checkKey(chainPem: string, keyPem: string, leafSubject: string, fail: (reason: string, remedy: string) => never): void {
  if (Buffer.byteLength(keyPem, 'utf8') > MAX_IMPORT_BYTES) {
    fail(`the private key is larger than ${MAX_IMPORT_BYTES / 1024} KiB`, 'Give the PEM file holding the private key of this certificate.');
  }
  // PKCS#8 (ENCRYPTED PRIVATE KEY) and OpenSSL's legacy format (a Proc-Type header) say so in the
  // text; Node's own error for them is OpenSSL's "interrupted or cancelled", which explains nothing.
  if (keyPem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /^Proc-Type: 4,ENCRYPTED$/m.test(keyPem)) {
    fail('the private key is encrypted', 'Give the key unencrypted, e.g. `openssl pkey -in key.pem -out key-plain.pem`, and keep that file private.');
  }
  try {
    createPrivateKey(keyPem);
  } catch {
    fail('the private key cannot be read', 'Give the PEM private key (-----BEGIN PRIVATE KEY-----) that belongs to this certificate.');
  }
  if (!keyMatchesCertificate(chainPem, keyPem)) {
    fail(
      `the private key does not belong to its certificate (${leafSubject.replace(/\n/g, ', ')})`,
      "Give the key generated with this certificate's request: its public key must be the certificate's.",
    );
  }
}

function binaryRemedy(source: string): string {
  return (
    `Convert it to PEM first: a DER certificate with \`openssl x509 -inform der -in ${source} -out cert.pem\`, ` +
    `a .pfx/.p12 with \`openssl pkcs12 -in ${source} -nokeys -out chain.pem\`; then import the .pem file.`
  );
}

function otherBlockRemedy(label: string, source: string): string {
  if (label.includes('CERTIFICATE REQUEST')) return 'That is a certificate signing request: import the certificate the CA issued for it.';
  if (label === 'PKCS7') return `Extract the certificates with \`openssl pkcs7 -in ${source} -print_certs -out chain.pem\` and import chain.pem.`;
  if (label === 'TRUSTED CERTIFICATE') {
    return `Rewrite it as a plain certificate with \`openssl x509 -in ${source} -out cert.pem\` and import cert.pem.`;
  }
  return `Remove the ${label} block and keep only the CERTIFICATE blocks.`;
}
