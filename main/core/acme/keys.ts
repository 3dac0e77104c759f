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
 * Builds the CSR for `domains` (already normalised; the first is the common name, all are SANs,
 * RFC 8555 §7.4) signed with `keyPem`. Returns PEM.
 */
export async function createCsr(domains: ReadonlyArray<string>, keyPem: string): Promise<string> {
  const [first] = domains;
  if (first === undefined) throw new Error('Unable to build a CSR, no domains');
  const [, csr] = await acme.crypto.createCsr({ commonName: first, altNames: [...domains] }, keyPem);
  return csr.toString();
}
