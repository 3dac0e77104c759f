import { once } from 'node:events';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import { compareDeployed, probeTls, type DeployedComparison, type ProbeTlsOptions } from '../../../../../main/core/monitor/tls-probe.ts';
import { describeChain, splitPemChain, type CertificateMeta } from '../../../../../main/core/vault/x509.ts';
import { LOOPBACK } from '../../../../support/ports.ts';
import { createTestCa, type TestCa } from '../../../../support/test-ca.ts';
import { rejection } from '../../support/thrown.ts';

/** Servers (TCP and TLS) and sockets a test opened, closed after it whatever happened. */
const open: TcpServer[] = [];
const sockets = new Set<Socket>();

async function listen(server: TcpServer): Promise<number> {
  open.push(server);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client that hangs up mid-handshake is the probe's business, not the server's.
    socket.on('error', () => undefined);
  });
  // The TLS server reports failed handshakes here; probes that give up cause them on purpose.
  server.on('tlsClientError', () => undefined);
  server.listen(0, LOOPBACK);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(open.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A port nothing listens on: bound by the kernel, then released. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, LOOPBACK);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

async function probeFailure(options: ProbeTlsOptions): Promise<CertDeskError> {
  const error = await rejection(probeTls(options));
  expect(error).toBeInstanceOf(CertDeskError);
  return error as CertDeskError;
}

describe('probeTls against loopback TLS servers', () => {
  let main: TestCa;
  let siteA: TestCa;
  let siteB: TestCa;

  beforeAll(async () => {
    [main, siteA, siteB] = await Promise.all([
      createTestCa(),
      createTestCa({ hosts: ['a.test'] }),
      createTestCa({ hosts: ['b.test'] }),
    ]);
  });

  /** Serves main's leaf (with its root) by default, and a.test's and b.test's leaves by SNI. */
  async function startSniServer(): Promise<number> {
    const server = createTlsServer({ key: main.leafKeyPem, cert: main.leafCertPem + main.caCertPem });
    server.addContext('a.test', { key: siteA.leafKeyPem, cert: siteA.leafCertPem + siteA.caCertPem });
    server.addContext('b.test', { key: siteB.leafKeyPem, cert: siteB.leafCertPem + siteB.caCertPem });
    return listen(server);
  }

  it('reads the whole chain the server sends, leaf first, and describes the leaf', async () => {
    const port = await startSniServer();
    const served = await probeTls({ host: LOOPBACK, port });
    expect(splitPemChain(served.chainPem)).toEqual([main.leafCertPem, main.caCertPem]);
    expect(served.meta).toEqual(describeChain(main.leafCertPem, 'the test leaf'));
    expect(served.address).toBe(LOOPBACK);
    expect(served.port).toBe(port);
    // An IP literal gets no SNI, so the server's default certificate answers.
    expect(served.servername).toBeUndefined();
    expect(served.meta.domains).toEqual(['localhost']);
  });

  it('reads a certificate it does not trust, reporting why, and trusts it given its root', async () => {
    const port = await startSniServer();
    const untrusted = await probeTls({ host: LOOPBACK, port });
    expect(untrusted.authorized).toBe(false);
    expect(untrusted.authorizationError).toBe('SELF_SIGNED_CERT_IN_CHAIN');

    const trusted = await probeTls({ host: LOOPBACK, port, ca: main.caCertPem });
    expect(trusted.authorized).toBe(true);
    expect(trusted).not.toHaveProperty('authorizationError');
  });

  it.each([
    ['a.test', 'a.test', () => siteA],
    ['b.test', 'b.test', () => siteB],
    ['B.Test.', 'b.test', () => siteB],
  ])('sends SNI %j and gets that name’s certificate', async (servername, normalized, site) => {
    const port = await startSniServer();
    const served = await probeTls({ host: LOOPBACK, port, servername, ca: [siteA.caCertPem, siteB.caCertPem] });
    expect(served.servername).toBe(normalized);
    expect(served.meta.domains).toEqual([normalized]);
    expect(splitPemChain(served.chainPem)[0]).toBe(site().leafCertPem);
    expect(served.authorized).toBe(true);
  });

  it('reports a certificate that does not name the SNI host as unauthorized', async () => {
    const port = await startSniServer();
    const served = await probeTls({ host: LOOPBACK, port, servername: 'c.test', ca: main.caCertPem });
    expect(served.meta.domains).toEqual(['localhost']);
    expect(served.authorized).toBe(false);
    expect(served.authorizationError).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('reads a self-signed certificate with authorized=false', async () => {
    const port = await listen(createTlsServer({ key: main.caKeyPem, cert: main.caCertPem }));
    const served = await probeTls({ host: LOOPBACK, port });
    expect(splitPemChain(served.chainPem)).toEqual([main.caCertPem]);
    expect(served.meta.subject).toBe(describeChain(main.caCertPem, 'the test root').subject);
    expect(served.authorized).toBe(false);
    expect(served.authorizationError).toEqual(expect.any(String));
  });
});

describe('probeTls failures', () => {
  it('reports a refused connection', async () => {
    const port = await closedPort();
    const error = await probeFailure({ host: LOOPBACK, port });
    expect(error.code).toBe('probe_failed');
    expect(error.message).toBe(`Unable to read the certificate served by 127.0.0.1:${port}, the connection was refused`);
    expect(error.remedy).toContain(`port ${port}`);
  });

  it('times out on a server that accepts TCP but never speaks TLS', async () => {
    const port = await listen(createTcpServer());
    const error = await probeFailure({ host: LOOPBACK, port, timeoutMs: 200 });
    expect(error.code).toBe('probe_failed');
    expect(error.message).toBe(
      `Unable to read the certificate served by 127.0.0.1:${port}, the server accepted the connection but did not complete a TLS handshake within 200 ms`,
    );
  });

  it('reports a server that answers in another protocol', async () => {
    const port = await listen(
      createTcpServer((socket) => {
        socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
      }),
    );
    const error = await probeFailure({ host: LOOPBACK, port });
    expect(error.message).toBe(`Unable to read the certificate served by 127.0.0.1:${port}, the server did not answer in TLS`);
  });

  it('reports a server that hangs up during the handshake', async () => {
    const port = await listen(
      createTcpServer((socket) => {
        socket.destroy();
      }),
    );
    const error = await probeFailure({ host: LOOPBACK, port, servername: 'www.example.test' });
    expect(error.message).toBe(
      `Unable to read the certificate served by 127.0.0.1:${port} for www.example.test, the server closed the connection during the TLS handshake`,
    );
  });

  it('reports a TLS handshake failure with OpenSSL’s reason', async () => {
    const ca = await createTestCa();
    // The server only takes TLS 1.2 with a cipher the client does not offer for its EC key.
    const port = await listen(createTlsServer({ key: ca.leafKeyPem, cert: ca.leafCertPem, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }));
    const error = await probeFailure({ host: LOOPBACK, port });
    expect(error.message).toMatch(new RegExp(`^Unable to read the certificate served by 127\\.0\\.0\\.1:${port}, the TLS handshake failed \\(.+\\)$`));
  });

  it('reports a name that does not resolve', async () => {
    // RFC 6761 §6.4: no .invalid name ever resolves.
    const error = await probeFailure({ host: 'no-such-host.invalid', port: 443 });
    expect(error.message).toMatch(/^Unable to read the certificate served by no-such-host\.invalid:443, the name (does not resolve|could not be resolved, no DNS server answered)$/);
    expect(error.remedy).toBeDefined();
  });
});

describe('probeTls option validation', () => {
  it.each<[string, ProbeTlsOptions, RegExp]>([
    ['an empty host', { host: '' }, /the host is empty/],
    ['a URL', { host: 'https://example.com' }, /contains characters a host name cannot have/],
    ['a host with a port', { host: 'example.com:443' }, /contains characters a host name cannot have/],
    ['a wildcard', { host: '*.example.com' }, /contains characters a host name cannot have/],
    ['a path', { host: 'example.com/x' }, /contains characters a host name cannot have/],
    ['white space inside', { host: 'exa mple.com' }, /contains characters a host name cannot have/],
    ['a host far too long', { host: `${'a'.repeat(63)}.`.repeat(5) }, /longer than 253 characters/],
    ['a 254-character host', { host: `${`${'a'.repeat(63)}.`.repeat(3)}${'a'.repeat(62)}` }, /longer than 253 characters/],
    ['a 64-character label', { host: `${'a'.repeat(64)}.example` }, /is not a valid DNS label/],
    ['a label ending in a hyphen', { host: 'bad-.example' }, /is not a valid DNS label/],
    ['brackets around a name', { host: '[example.com]' }, /brackets around something that is not an IPv6 address/],
    ['a hexadecimal IPv4', { host: '0x7f.1' }, /neither a host name nor an IP address in standard notation/],
    ['an integer IPv4', { host: '2130706433' }, /neither a host name nor an IP address in standard notation/],
    ['port 0', { host: 'example.com', port: 0 }, /the port 0 is not a whole number from 1 to 65535/],
    ['port 65536', { host: 'example.com', port: 65_536 }, /the port 65536 is not/],
    ['a fractional port', { host: 'example.com', port: 443.5 }, /the port 443.5 is not/],
    ['a NaN port', { host: 'example.com', port: Number.NaN }, /the port NaN is not/],
    ['a zero timeout', { host: 'example.com', timeoutMs: 0 }, /the timeout 0 is not/],
    ['a negative timeout', { host: 'example.com', timeoutMs: -1 }, /the timeout -1 is not/],
    ['a timeout over 5 minutes', { host: 'example.com', timeoutMs: 300_001 }, /the timeout 300001 is not/],
    ['an IP as SNI', { host: 'example.com', servername: '192.0.2.1' }, /is an IP address, and SNI carries host names only/],
    ['an empty SNI', { host: 'example.com', servername: '' }, /the server name \(SNI\) is empty/],
  ])('rejects %s as invalid_input', async (_label, options, reason) => {
    const error = await probeFailure(options);
    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(/^Unable to read the certificate served by /);
    expect(error.message).toMatch(reason);
    expect(error.remedy).toBeDefined();
  });
});

describe('compareDeployed', () => {
  const base: CertificateMeta = {
    serial: '01',
    subject: 'CN=www.example.com',
    issuer: 'CN=Test CA',
    domains: ['www.example.com', 'example.com'],
    notBefore: '2025-01-01T00:00:00.000Z',
    notAfter: '2025-04-01T00:00:00.000Z',
    fingerprint: 'AA:AA',
    keyType: 'ec-p256',
  };
  const meta = (patch: Partial<CertificateMeta>): CertificateMeta => ({ ...base, fingerprint: 'BB:BB', ...patch });
  const renewed = meta({ notBefore: '2025-03-02T00:00:00.000Z', notAfter: '2025-05-31T00:00:00.000Z' });

  it.each<[string, CertificateMeta, CertificateMeta | undefined, DeployedComparison]>([
    ['the very certificate', base, base, 'same'],
    ['the same fingerprint in lower case', base, { ...base, fingerprint: 'aa:aa' }, 'same'],
    ['nothing held', base, undefined, 'none'],
    ['the old one served, the renewal held', base, renewed, 'older'],
    ['the renewal served, the old one held', renewed, base, 'newer'],
    ['one common name of several', meta({ domains: ['example.com'], notAfter: '2025-06-01T00:00:00.000Z' }), base, 'newer'],
    ['names differing only in case', meta({ domains: ['WWW.EXAMPLE.COM'], notAfter: '2025-06-01T00:00:00.000Z' }), base, 'newer'],
    ['equal expiry, issued earlier', meta({ notBefore: '2024-12-01T00:00:00.000Z' }), base, 'older'],
    ['equal expiry, issued later', meta({ notBefore: '2025-01-02T00:00:00.000Z' }), base, 'newer'],
    ['equal validity, another fingerprint', meta({}), base, 'other'],
    ['no common name', meta({ domains: ['shop.example.net'], notAfter: '2025-06-01T00:00:00.000Z' }), base, 'other'],
    ['a wildcard is not a literal match', meta({ domains: ['*.example.com'], notAfter: '2025-06-01T00:00:00.000Z' }), meta({ domains: ['www.example.com'], fingerprint: 'CC:CC' }), 'other'],
    ['no DNS names, same subject', meta({ domains: [], notAfter: '2025-06-01T00:00:00.000Z' }), meta({ domains: [], fingerprint: 'CC:CC' }), 'newer'],
    ['no DNS names, other subject', meta({ domains: [], subject: 'CN=a' }), meta({ domains: [], subject: 'CN=b', fingerprint: 'CC:CC' }), 'other'],
    ['an unreadable date', meta({ notAfter: 'soon' }), base, 'other'],
  ])('%s → %s', (_label, served, held, expected) => {
    expect(compareDeployed(served, held)).toBe(expected);
  });
});
