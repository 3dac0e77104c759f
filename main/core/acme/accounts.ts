import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import acme from 'acme-client';
import type { Account } from '../config/schema.ts';
import { CertDeskError } from '../errors.ts';
import type { SecretBox } from '../ports.ts';
import { splitPemChain } from '../vault/x509.ts';
import { AcmeTransport, createAcmeClient, type TransportOptions } from './transport.ts';

/** Secret names of an account in the SecretBox. */
export const accountSecrets = {
  key: (name: string) => `accounts/${name}/account-key`,
  eabHmac: (name: string) => `accounts/${name}/eab-hmac`,
} as const;

/** Reads the extra trusted CA file of an account, with a clear error when it is missing or not PEM. */
export async function readCaFile(file: string): Promise<string> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (error) {
    throw new CertDeskError('invalid_input', `Unable to read the CA file ${file}`, { remedy: 'Give the path of a PEM file with the CA certificate(s) to trust.', cause: error });
  }
  const blocks = splitPemChain(pem);
  if (blocks.length === 0) {
    throw new CertDeskError('invalid_input', `Unable to use the CA file ${file}, it holds no PEM certificate`, {
      remedy: 'Give a PEM file (-----BEGIN CERTIFICATE-----); convert DER with `openssl x509 -inform der`.',
    });
  }
  blocks.forEach((block, index) => {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw new CertDeskError('invalid_input', `Unable to use the CA file ${file}, certificate ${index + 1} in it cannot be parsed`, {
        remedy: 'Export the CA certificate again in PEM form.',
        cause: error,
      });
    }
  });
  return pem;
}

/** A connected client for one CA account, with the transport that carries its requests. */
export interface AccountClient {
  readonly name: string;
  readonly account: Account;
  readonly client: acme.Client;
  readonly transport: AcmeTransport;
}

/**
 * Opens an acme-client `Client` for a stored, registered account: its key from the SecretBox, its
 * account URL (so no registration round trip), its extra CA. Throws `invalid_data` when the key is
 * missing.
 */
export async function openAccountClient(
  name: string,
  account: Account,
  secrets: SecretBox,
  transportOptions: Omit<TransportOptions, 'extraCaPem'> = {},
): Promise<AccountClient> {
  const key = await secrets.get(accountSecrets.key(name));
  if (key === undefined) {
    throw new CertDeskError('invalid_data', `Unable to use the CA account ${name}, its account key is missing from ${path.join('secrets', 'accounts', name)}`, {
      remedy: `Restore the secrets folder from a backup, or add the account again: certdesk ca add ${name} …`,
    });
  }
  const extraCaPem = account.caFile === undefined ? undefined : await readCaFile(account.caFile);
  const transport = new AcmeTransport({ ...transportOptions, ...(extraCaPem === undefined ? {} : { extraCaPem }) });
  const client = createAcmeClient(
    { directoryUrl: account.directoryUrl, accountKey: key, ...(account.accountUrl === undefined ? {} : { accountUrl: account.accountUrl }) },
    transport,
  );
  return { name, account, client, transport };
}

/**
 * Registers a new account with the CA (RFC 8555 §7.3): generates an EC P-256 account key, binds it
 * with EAB when given (§7.3.4), agrees to the terms of service only when the admin said so, and
 * returns the account URL. The key is stored in the SecretBox before the request, so a crash after
 * the CA registered it still leaves the key that owns the account (registration is idempotent per
 * key: a second attempt returns the same URL).
 */
export async function registerAccount(options: {
  name: string;
  directoryUrl: string;
  email?: string | undefined;
  termsOfServiceAgreed: boolean;
  eab?: { kid: string; hmacKey: string } | undefined;
  caFile?: string | undefined;
  secrets: SecretBox;
  transportOptions?: Omit<TransportOptions, 'extraCaPem'>;
}): Promise<{ accountUrl: string; termsOfService: string | undefined }> {
  const existingKey = await options.secrets.get(accountSecrets.key(options.name));
  const key = existingKey ?? (await acme.crypto.createPrivateEcdsaKey('P-256')).toString();
  if (existingKey === undefined) await options.secrets.put(accountSecrets.key(options.name), key);
  if (options.eab !== undefined) await options.secrets.put(accountSecrets.eabHmac(options.name), options.eab.hmacKey);

  const extraCaPem = options.caFile === undefined ? undefined : await readCaFile(options.caFile);
  const transport = new AcmeTransport({ ...options.transportOptions, ...(extraCaPem === undefined ? {} : { extraCaPem }) });
  try {
    const client = createAcmeClient(
      {
        directoryUrl: options.directoryUrl,
        accountKey: key,
        ...(options.eab === undefined ? {} : { externalAccountBinding: { kid: options.eab.kid, hmacKey: options.eab.hmacKey } }),
      },
      transport,
    );
    const termsOfService = (await client.getTermsOfServiceUrl()) as string | null;
    if (termsOfService !== null && !options.termsOfServiceAgreed) {
      throw new CertDeskError('invalid_input', `Unable to register with ${options.directoryUrl}, the CA requires agreeing to its terms of service`, {
        remedy: `Read ${termsOfService} and add --agree-tos if you agree.`,
      });
    }
    await client.createAccount({
      termsOfServiceAgreed: options.termsOfServiceAgreed,
      ...(options.email === undefined ? {} : { contact: [`mailto:${options.email}`] }),
    });
    return { accountUrl: client.getAccountUrl(), termsOfService: termsOfService ?? undefined };
  } finally {
    transport.close();
  }
}

/**
 * The URLs of the account's orders (RFC 8555 §7.1.2.1), first page only, oldest first as the CA
 * lists them. Empty when the CA does not offer the list (Let's Encrypt does not).
 */
export async function listAccountOrders(client: acme.Client): Promise<string[]> {
  const account = (await client.updateAccount()) as { orders?: unknown };
  if (typeof account.orders !== 'string') return [];
  const api = (client as unknown as { api?: { apiRequest?: (url: string, payload: null, valid: number[]) => Promise<{ data: unknown }> } }).api;
  if (typeof api?.apiRequest !== 'function') throw new Error('Unable to list orders, acme-client internals changed (api.apiRequest not found)');
  const response = await api.apiRequest(account.orders, null, [200]);
  const data = response.data as { orders?: unknown };
  return Array.isArray(data.orders) ? data.orders.filter((url): url is string => typeof url === 'string' && /^https?:\/\//.test(url)) : [];
}
