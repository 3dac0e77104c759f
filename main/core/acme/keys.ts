import acme from 'acme-client';
import type { KeyType } from '../config/schema.ts';

/**
 * Generates a certificate private key (PEM). EC P-256 is the default everywhere: small, fast and
 * accepted by every public CA and client; RSA is there for old clients.
 */
export async function createPrivateKey(type: KeyType): Promise<string> {
  switch (type) {
    case 'ec-p256':
      return (await acme.crypto.createPrivateEcdsaKey('P-256')).toString();
    case 'ec-p384':
      return (await acme.crypto.createPrivateEcdsaKey('P-384')).toString();
    case 'rsa-2048':
      return (await acme.crypto.createPrivateRsaKey(2048)).toString();
    case 'rsa-3072':
      return (await acme.crypto.createPrivateRsaKey(3072)).toString();
    case 'rsa-4096':
      return (await acme.crypto.createPrivateRsaKey(4096)).toString();
  }
}

/**
 * Builds the CSR for `domains` (already normalised; all are SANs, RFC 8555 §7.4) signed with
 * `keyPem`. Returns PEM.
 */
export async function createCsr(domains: ReadonlyArray<string>, keyPem: string): Promise<string> {
  if (domains.length === 0) throw new Error('Unable to build a CSR, no domains');
  // The common name is limited to 64 characters (RFC 5280 ub-common-name) and optional: CAs go by
  // the SANs. Use the first domain that fits, or none.
  const commonName = domains.find((domain) => domain.length <= maxCommonNameLength);
  const [, csr] = await acme.crypto.createCsr({ ...(commonName === undefined ? {} : { commonName }), altNames: [...domains] }, keyPem);
  return csr.toString();
}

/** RFC 5280's upper bound for a common name; Let's Encrypt rejects longer ones with badCSR. */
const maxCommonNameLength = 64;
