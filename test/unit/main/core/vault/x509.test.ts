import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import { describeChain, keyMatchesCertificate, splitPemChain } from '../../../../../main/core/vault/x509.ts';
import { makeTempDir, removeTempDir, requireExecutable } from '../../../../support/processes.ts';
import { thrown } from '../../support/thrown.ts';

const execFileAsync = promisify(execFile);

/** A certificate made by openssl, with what openssl itself says about it. */
interface Issued {
  readonly certPem: string;
  readonly keyPem: string;
  readonly serial: string;
  readonly fingerprint: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

const keyArgs = {
  'ec-p256': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  'ec-p384': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  'rsa-2048': ['-newkey', 'rsa:2048'],
} as const;

let dir: string;
let openssl: string;
let caPem: string;

async function run(args: readonly string[]): Promise<string> {
  const { stdout } = await execFileAsync(openssl, args, { cwd: dir });
  return stdout;
}

/** Issues a leaf signed by the test root, then reads its serial, dates and fingerprint back with openssl. */
async function issue(name: string, keyType: keyof typeof keyArgs, options: { sans: string; serial: string; subject: string }): Promise<Issued> {
  await run([
    'req', '-x509', '-CA', 'ca.pem', '-CAkey', 'ca.key', ...keyArgs[keyType], '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '30', '-subj', options.subject,
    '-set_serial', options.serial, '-addext', `subjectAltName=${options.sans}`,
    '-addext', 'basicConstraints=critical,CA:FALSE',
  ]);
  const info = await run(['x509', '-in', `${name}.pem`, '-noout', '-serial', '-startdate', '-enddate', '-fingerprint', '-sha256']);
  const field = (pattern: RegExp): string => {
    const value = pattern.exec(info)?.[1];
    if (value === undefined) throw new Error(`openssl x509 printed no ${pattern.source}`);
    return value.trim();
  };
  return {
    certPem: await readFile(path.join(dir, `${name}.pem`), 'utf8'),
    keyPem: await readFile(path.join(dir, `${name}.key`), 'utf8'),
    serial: field(/serial=(\S+)/),
    fingerprint: field(/Fingerprint=(\S+)/),
    notBefore: new Date(field(/notBefore=(.+)/)).toISOString(),
    notAfter: new Date(field(/notAfter=(.+)/)).toISOString(),
  };
}

let ec256: Issued;
let ec384: Issued;
let rsa2048: Issued;

beforeAll(async () => {
  openssl = requireExecutable('openssl', 'openssl');
  dir = makeTempDir('certdesk-x509-');
  await run([
    'req', '-x509', ...keyArgs['ec-p256'], '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30',
    '-subj', '/CN=CertDesk x509 Test Root', '-addext', 'basicConstraints=critical,CA:TRUE',
  ]);
  caPem = await readFile(path.join(dir, 'ca.pem'), 'utf8');
  [ec256, ec384, rsa2048] = await Promise.all([
    issue('ec256', 'ec-p256', { sans: 'DNS:example.com,DNS:*.example.com,IP:127.0.0.1,DNS:xn--bcher-kva.example', serial: '0x1234ABCD', subject: '/CN=example.com' }),
    issue('ec384', 'ec-p384', { sans: 'DNS:p384.example', serial: '0x0A0B0C0D0E0F', subject: '/CN=p384.example' }),
    issue('rsa2048', 'rsa-2048', { sans: 'DNS:rsa.example,DNS:www.rsa.example', serial: '42', subject: '/O=CertDesk Tests/CN=rsa.example' }),
  ]);
  return async () => {
    await removeTempDir(dir);
  };
}, 60_000);

describe('splitPemChain', () => {
  it('splits a chain into its certificates, leaf first, each ending in a newline', () => {
    const blocks = splitPemChain(`${ec256.certPem}${caPem}`);
    expect(blocks).toStrictEqual([ec256.certPem, caPem]);
  });

  it('ignores text between and around the blocks, and other PEM types', () => {
    const chain = `subject=CN = example.com\n${ec256.certPem}\n\n${ec256.keyPem}issuer=...\n${caPem}trailing`;
    expect(splitPemChain(chain)).toStrictEqual([ec256.certPem, caPem]);
  });

  it('adds the newline a block without one lacks', () => {
    expect(splitPemChain(ec256.certPem.trimEnd())).toStrictEqual([ec256.certPem]);
  });

  it.each([[''], ['no certificate here'], ['-----BEGIN CERTIFICATE-----\n']])('finds nothing in %j', (pem) => {
    expect(splitPemChain(pem)).toStrictEqual([]);
  });
});

describe('describeChain', () => {
  it.each([
    ['ec-p256', () => ec256, 'ec-p256', ['example.com', '*.example.com', 'xn--bcher-kva.example'], 'CN=example.com'],
    ['ec-p384', () => ec384, 'ec-p384', ['p384.example'], 'CN=p384.example'],
    ['rsa-2048', () => rsa2048, 'rsa-2048', ['rsa.example', 'www.rsa.example'], 'O=CertDesk Tests\nCN=rsa.example'],
  ] as const)('describes a %s leaf as openssl does', (_label, get, keyType, domains, subject) => {
    const issued = get();
    const meta = describeChain(`${issued.certPem}${caPem}`, 'test chain');
    expect(meta).toStrictEqual({
      serial: issued.serial,
      subject,
      issuer: 'CN=CertDesk x509 Test Root',
      domains,
      notBefore: issued.notBefore,
      notAfter: issued.notAfter,
      fingerprint: issued.fingerprint,
      keyType,
    });
  });

  it('reports the serial as upper-case hex without separators', () => {
    expect(describeChain(ec256.certPem, 'x').serial).toBe('1234ABCD');
    expect(describeChain(rsa2048.certPem, 'x').serial).toBe('2A');
  });

  it('reports a colon-separated SHA-256 fingerprint', () => {
    expect(describeChain(ec256.certPem, 'x').fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('describes the leaf, not the issuer that follows it', () => {
    expect(describeChain(`${rsa2048.certPem}${caPem}`, 'x').domains).toStrictEqual(['rsa.example', 'www.rsa.example']);
    expect(describeChain(caPem, 'x').domains).toStrictEqual([]);
  });

  it.each([
    ['an empty file', '', /^Unable to read the certificate in \/data\/fullchain\.pem, it holds no PEM certificate$/],
    ['a private key only', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', /it holds no PEM certificate$/],
    ['a garbled certificate', '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n', /^Unable to read the certificate in \/data\/fullchain\.pem, it cannot be parsed$/],
  ])('reports %s as invalid_data naming the source', (_label, pem, message) => {
    const error = thrown(() => describeChain(pem, '/data/fullchain.pem'));
    expect(error).toBeInstanceOf(CertDeskError);
    expect((error as CertDeskError).code).toBe('invalid_data');
    expect((error as CertDeskError).message).toMatch(message);
  });

  it('reports a truncated certificate as invalid_data', () => {
    const lines = ec256.certPem.trim().split('\n');
    const truncated = [...lines.slice(0, 3), lines.at(-1)].join('\n');
    const error = thrown(() => describeChain(truncated, 'f'));
    expect(error).toMatchObject({ code: 'invalid_data' });
  });
});

describe('keyMatchesCertificate', () => {
  it.each([
    ['ec-p256', () => ec256],
    ['ec-p384', () => ec384],
    ['rsa-2048', () => rsa2048],
  ] as const)('is true for the %s leaf and its own key, with or without the chain', (_label, get) => {
    const issued = get();
    expect(keyMatchesCertificate(issued.certPem, issued.keyPem)).toBe(true);
    expect(keyMatchesCertificate(`${issued.certPem}${caPem}`, issued.keyPem)).toBe(true);
  });

  it('is false for another key, of the same or another type', () => {
    expect(keyMatchesCertificate(ec256.certPem, ec384.keyPem)).toBe(false);
    expect(keyMatchesCertificate(ec384.certPem, rsa2048.keyPem)).toBe(false);
    expect(keyMatchesCertificate(rsa2048.certPem, ec256.keyPem)).toBe(false);
  });

  it('checks the leaf only, not a later certificate of the chain', () => {
    expect(keyMatchesCertificate(`${rsa2048.certPem}${ec256.certPem}`, ec256.keyPem)).toBe(false);
  });

  it.each([
    ['no certificate', '', () => ec256.keyPem],
    ['a garbled key', 'cert', () => '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'],
    ['no key', 'cert', () => ''],
  ])('is false (never throws) for %s', (_label, which, key) => {
    const chain = which === 'cert' ? ec256.certPem : '';
    expect(keyMatchesCertificate(chain, key())).toBe(false);
  });
});
