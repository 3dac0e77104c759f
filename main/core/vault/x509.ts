import { createPrivateKey, X509Certificate } from 'node:crypto';
import { CertDeskError } from '../errors.ts';

/** What CertDesk shows and decides on about a certificate (parsed, never trusted from meta.json alone). */
export interface CertificateMeta {
  readonly serial: string;
  readonly subject: string;
  readonly issuer: string;
  /** DNS names from subjectAltName, in the certificate's order. */
  readonly domains: ReadonlyArray<string>;
  readonly notBefore: string;
  readonly notAfter: string;
  /** SHA-256 fingerprint, colon-separated hex. */
  readonly fingerprint: string;
  readonly keyType: string;
}

/** OpenSSL's curve names → the names CertDesk's key types use. */
const curveNames: Readonly<Record<string, string>> = { prime256v1: 'p256', secp384r1: 'p384', secp521r1: 'p521' };

const pemBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Splits a PEM chain into its certificates (the leaf first, as RFC 8555 §7.4.2 delivers them). */
export function splitPemChain(pem: string): string[] {
  return [...pem.matchAll(pemBlock)].map((match) => `${match[0]}\n`);
}

/**
 * Parses a PEM certificate chain and describes its leaf. Throws `invalid_data` when there is no
 * certificate or it cannot be parsed (a damaged file is reported, never silently used).
 */
export function describeChain(pem: string, source: string): CertificateMeta {
  const [leaf] = splitPemChain(pem);
  if (leaf === undefined) {
    throw new CertDeskError('invalid_data', `Unable to read the certificate in ${source}, it holds no PEM certificate`);
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(leaf);
  } catch (error) {
    throw new CertDeskError('invalid_data', `Unable to read the certificate in ${source}, it cannot be parsed`, { cause: error });
  }
  const domains = (cert.subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4));
  const key = cert.publicKey.asymmetricKeyDetails;
  const keyType =
    cert.publicKey.asymmetricKeyType === 'ec'
      ? `ec-${curveNames[key?.namedCurve ?? ''] ?? key?.namedCurve ?? 'unknown'}`
      : `${cert.publicKey.asymmetricKeyType ?? 'unknown'}-${key?.modulusLength ?? 0}`;
  return {
    serial: cert.serialNumber,
    subject: cert.subject,
    issuer: cert.issuer,
    domains,
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    fingerprint: cert.fingerprint256,
    keyType,
  };
}

/** Whether `keyPem` is the private key of the chain's leaf certificate. */
export function keyMatchesCertificate(chainPem: string, keyPem: string): boolean {
  const [leaf] = splitPemChain(chainPem);
  if (leaf === undefined) return false;
  try {
    return new X509Certificate(leaf).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}
