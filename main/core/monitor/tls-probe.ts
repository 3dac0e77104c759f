import { isIP } from 'node:net';
import { connect, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { domainToASCII } from 'node:url';
import { CertDeskError, type ErrorCode } from '../errors.ts';
import { describeChain, type CertificateMeta } from '../vault/x509.ts';

/** The port probed when none is given: HTTPS. */
export const DEFAULT_PROBE_PORT = 443;

/**
 * How long a probe may take from DNS lookup to finished handshake when no `timeoutMs` is given. A
 * healthy server answers in well under a second even across continents; 10 s tolerates a slow
 * resolver and a loaded server without letting a dropped SYN hang a check for the kernel's ~2 min.
 */
export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

/** The longest `timeoutMs` accepted: a probe that needs more than 5 minutes is stuck, not slow. */
const MAX_PROBE_TIMEOUT_MS = 300_000;

/** A DNS name's longest presentation form without the trailing dot (RFC 1035 §2.3.4: 255 octets on the wire). */
const MAX_HOST_NAME_LENGTH = 253;

/**
 * Longest host input looked at: a 253-character name, or an IPv6 address with brackets and a zone
 * id. Anything longer is refused before it is parsed.
 */
const MAX_HOST_INPUT_LENGTH = 255;

/**
 * The code of every failure to read a server (name, connection, handshake), whatever its cause: the
 * message and remedy say which. Not `needs_admin`, which stops ACME retries; a monitor probes again
 * on its next round.
 */
const PROBE_FAILED: ErrorCode = 'probe_failed';

/** What a server presented in its TLS handshake, as read by {@link probeTls}. */
export interface ServedCertificate {
  /**
   * The chain as PEM blocks, leaf first: the leaf, then each issuer the server sent, in issuing
   * order (Node rebuilds the order from what was sent). When the server's chain stops below a root
   * that is in the trust store used for the probe, Node appends that root from the store, so the
   * last block may be one the server did not send. Certificates the server sent that issue nothing
   * in the chain are left out.
   */
  readonly chainPem: string;
  /** The leaf, described by {@link describeChain}. */
  readonly meta: CertificateMeta;
  /** Whether the chain verifies against the trust store and names the probed host (or `servername`). */
  readonly authorized: boolean;
  /** Why it does not, as OpenSSL's or Node's code (`CERT_HAS_EXPIRED`, `DEPTH_ZERO_SELF_SIGNED_CERT`, `ERR_TLS_CERT_ALTNAME_INVALID`, …). */
  readonly authorizationError?: string;
  /** The IP address connected to (the one the host name resolved to, or the IP literal). */
  readonly address: string;
  /** The port connected to. */
  readonly port: number;
  /** The name sent as SNI (normalised: lower case, punycode), or `undefined` when none was sent. */
  readonly servername?: string;
}

/** Options for {@link probeTls}. */
export interface ProbeTlsOptions {
  /** A DNS name (an IDN is converted to punycode; single labels such as `localhost` are fine) or an IP literal (`::1` or `[::1]`). */
  readonly host: string;
  /** The TCP port; default {@link DEFAULT_PROBE_PORT}. */
  readonly port?: number;
  /**
   * The name to send as SNI and to check the certificate against. Default: `host` when it is a DNS
   * name; no SNI when `host` is an IP literal (RFC 6066 §3 allows only host names), and the
   * certificate is then checked against the IP address. It cannot be an IP address.
   */
  readonly servername?: string;
  /** Time allowed for the whole probe (DNS, TCP, TLS handshake), 1 to 300 000 ms; default {@link DEFAULT_PROBE_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
  /**
   * PEM root certificates to judge `authorized` by, replacing Node's bundled roots (e.g. an
   * internal CA). Default: Node's roots (plus `NODE_EXTRA_CA_CERTS`). Never affects whether the
   * certificate is read.
   */
  readonly ca?: string | ReadonlyArray<string>;
}

/**
 * Connects to `host:port` over TLS, reads the certificate chain the server presents and closes the
 * connection right after the handshake (no request is sent). Expired, self-signed and otherwise
 * untrusted certificates are read like any other: the verdict is in `authorized` and
 * `authorizationError`, never a rejection.
 *
 * Rejects with `invalid_input` when the options are invalid (nothing is connected then), and with
 * `probe_failed` (message and remedy saying which) when the name does not resolve, the connection
 * is refused, the host is unreachable, the time runs out, the TLS handshake fails or the server
 * sends no certificate. A failure says nothing about the next attempt: callers keep probing on
 * their own schedule.
 */
export async function probeTls(options: ProbeTlsOptions): Promise<ServedCertificate> {
  const target = validateProbeOptions(options);
  return new Promise<ServedCertificate>((resolve, reject) => {
    let connected = false;
    let settled = false;
    const socket: TLSSocket = connect({
      host: target.host,
      port: target.port,
      ...(target.servername === undefined ? {} : { servername: target.servername }),
      ...(options.ca === undefined ? {} : { ca: [...(typeof options.ca === 'string' ? [options.ca] : options.ca)] }),
      // The point is to read whatever is served; the trust verdict is reported, not enforced.
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => {
      fail(timeoutError(target, connected));
    }, target.timeoutMs);
    function settle(): boolean {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      return true;
    }
    function fail(error: CertDeskError): void {
      if (settle()) reject(error);
    }
    socket.on('connect', () => {
      connected = true;
    });
    // `on`, not `once`: a late error after settling must not become an unhandled 'error' event.
    socket.on('error', (error) => {
      fail(networkError(target, connected, error));
    });
    socket.once('secureConnect', () => {
      let served: ServedCertificate;
      try {
        served = readServed(socket, target);
      } catch (error) {
        fail(error instanceof CertDeskError ? error : networkError(target, connected, error));
        return;
      }
      if (settle()) resolve(served);
    });
  });
}

/** A probe target after validation. */
interface ProbeTarget {
  readonly host: string;
  readonly port: number;
  readonly servername: string | undefined;
  readonly timeoutMs: number;
  /** `host:port` (`[v6]:port`), plus the SNI name when it differs from the host, for messages. */
  readonly where: string;
}

function validateProbeOptions(options: ProbeTlsOptions): ProbeTarget {
  const rawHost: unknown = options.host;
  const shown = typeof rawHost === 'string' ? JSON.stringify(rawHost.slice(0, 80)) : 'the server';
  const invalid = (reason: string, remedy: string): never => {
    throw new CertDeskError('invalid_input', `Unable to read the certificate served by ${shown}, ${reason}`, { remedy });
  };
  const hostRemedy = 'Give a host name such as www.example.com or an IP address such as 192.0.2.10 or ::1, without a scheme, port or path.';
  if (typeof rawHost !== 'string') return invalid('the host is not a string', hostRemedy);
  const host = parseHost(rawHost, 'host', invalid, hostRemedy);

  const port = options.port ?? DEFAULT_PROBE_PORT;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) {
    return invalid(`the port ${String(port)} is not a whole number from 1 to 65535`, 'Give the TCP port the server accepts TLS on, e.g. 443.');
  }

  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_PROBE_TIMEOUT_MS) {
    return invalid(
      `the timeout ${String(timeoutMs)} is not a whole number of milliseconds from 1 to ${MAX_PROBE_TIMEOUT_MS}`,
      `Leave it out for the default of ${DEFAULT_PROBE_TIMEOUT_MS} ms.`,
    );
  }

  let servername: string | undefined;
  const rawServername: unknown = options.servername;
  if (rawServername === undefined) {
    servername = host.ip ? undefined : host.name;
  } else {
    const sniRemedy = 'Give the host name the server is configured for, e.g. www.example.com; leave it out to send the host.';
    if (typeof rawServername !== 'string') return invalid('the server name (SNI) is not a string', sniRemedy);
    const parsed = parseHost(rawServername, 'server name (SNI)', invalid, sniRemedy);
    if (parsed.ip) {
      return invalid(`the server name (SNI) ${JSON.stringify(rawServername)} is an IP address, and SNI carries host names only`, sniRemedy);
    }
    servername = parsed.name;
  }

  const hostPort = isIP(host.name) === 6 ? `[${host.name}]:${port}` : `${host.name}:${port}`;
  const where = servername === undefined || servername === host.name ? hostPort : `${hostPort} for ${servername}`;
  return { host: host.name, port, servername, timeoutMs, where };
}

/** Validates a host name or IP literal; returns it normalised (lower case, punycode, no brackets or trailing dot). */
function parseHost(
  input: string,
  what: string,
  invalid: (reason: string, remedy: string) => never,
  remedy: string,
): { readonly name: string; readonly ip: boolean } {
  if (input.length > MAX_HOST_INPUT_LENGTH) return invalid(`the ${what} is longer than ${MAX_HOST_NAME_LENGTH} characters`, remedy);
  const value = input.trim();
  if (value === '') return invalid(`the ${what} is empty`, remedy);
  const unbracketed = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (isIP(unbracketed) !== 0) return { name: unbracketed.toLowerCase(), ip: true };
  if (unbracketed !== value) return invalid(`the ${what} ${JSON.stringify(input)} has brackets around something that is not an IPv6 address`, remedy);
  const body = value.replace(/\.$/, '');
  // Checked before domainToASCII, which parses URL hosts and would silently drop "/path", ":port"
  // or "#x": only letters (any script), digits, hyphens, underscores and dots make a host name.
  if (!/^[\p{L}\p{M}\p{N}._-]+$/u.test(body)) {
    return invalid(`the ${what} ${JSON.stringify(input)} contains characters a host name cannot have`, remedy);
  }
  const ascii = domainToASCII(body.toLowerCase());
  if (ascii === '') return invalid(`the ${what} ${JSON.stringify(input)} is not a valid host name`, remedy);
  // domainToASCII turns "0x7f.1" or "2130706433" into 127.0.0.1: numbers are only taken as dotted quads.
  if (/^[0-9.]+$/.test(ascii) || isIP(ascii) !== 0) {
    return invalid(`the ${what} ${JSON.stringify(input)} is neither a host name nor an IP address in standard notation`, remedy);
  }
  if (ascii.length > MAX_HOST_NAME_LENGTH) return invalid(`the ${what} is longer than ${MAX_HOST_NAME_LENGTH} characters`, remedy);
  for (const label of ascii.split('.')) {
    if (!/^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(label)) {
      return invalid(`the label ${JSON.stringify(label)} of the ${what} is not a valid DNS label`, remedy);
    }
  }
  return { name: ascii, ip: false };
}

/** Reads the peer's chain off a socket that has just completed its handshake. */
function readServed(socket: TLSSocket, target: ProbeTarget): ServedCertificate {
  const peer = socket.getPeerCertificate(true) as Partial<DetailedPeerCertificate> | null;
  const blocks: string[] = [];
  const seen = new Set<string>();
  let current: Partial<DetailedPeerCertificate> | undefined = peer ?? undefined;
  // A self-signed root is its own issuerCertificate; the set also ends any other cycle.
  while (current?.raw !== undefined && !seen.has(current.fingerprint256 ?? '')) {
    seen.add(current.fingerprint256 ?? '');
    blocks.push(derToPem(current.raw));
    current = current.issuerCertificate;
  }
  if (blocks.length === 0) {
    throw new CertDeskError(PROBE_FAILED, `Unable to read the certificate served by ${target.where}, the server sent no certificate`, {
      remedy: 'The server completed the handshake without a certificate (anonymous or PSK TLS); there is nothing to monitor on this port.',
    });
  }
  const chainPem = blocks.join('');
  // Typed as an Error, but Node sets OpenSSL's or its own error code, a string.
  const verdict: unknown = socket.authorizationError;
  const authorizationError = typeof verdict === 'string' ? verdict : verdict instanceof Error ? verdict.message : undefined;
  const address = socket.remoteAddress ?? target.host;
  return {
    chainPem,
    meta: describeChain(chainPem, `the TLS handshake of ${target.where}`),
    authorized: socket.authorized,
    ...(socket.authorized || authorizationError === undefined ? {} : { authorizationError }),
    address,
    port: socket.remotePort ?? target.port,
    ...(target.servername === undefined ? {} : { servername: target.servername }),
  };
}

function derToPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** The failure when `timeoutMs` runs out (or the kernel gives up connecting): before or after TCP connected. */
function timeoutError(target: ProbeTarget, connected: boolean): CertDeskError {
  const at = `Unable to read the certificate served by ${target.where}`;
  if (connected) {
    return new CertDeskError(PROBE_FAILED, `${at}, the server accepted the connection but did not complete a TLS handshake within ${target.timeoutMs} ms`, {
      remedy:
        `Check that port ${target.port} serves TLS directly (not plain HTTP, and not a protocol that starts TLS later ` +
        "such as SMTP's STARTTLS) and that the server is not overloaded.",
    });
  }
  return new CertDeskError(PROBE_FAILED, `${at}, no connection was made within ${target.timeoutMs} ms`, {
    remedy: `Check that ${target.host} is up, that its DNS answers, and that no firewall silently drops connections to port ${target.port}.`,
  });
}

const lookupFailures: ReadonlySet<string> = new Set(['ENOTFOUND', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL']);
const unreachable: ReadonlySet<string> = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
/** OpenSSL's answer to bytes that are not a TLS record: the port speaks another protocol. */
const notTls: ReadonlySet<string> = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
  'ERR_SSL_RECORD_LAYER_FAILURE',
]);

/** Turns a socket error into a {@link CertDeskError} that says what failed and what to check. */
function networkError(target: ProbeTarget, connected: boolean, error: unknown): CertDeskError {
  const code = errorCode(error);
  const at = `Unable to read the certificate served by ${target.where}`;
  const make = (reason: string, remedy: string): CertDeskError => new CertDeskError(PROBE_FAILED, `${at}, ${reason}`, { remedy, cause: error });
  if (lookupFailures.has(code)) {
    return make(
      'the name does not resolve',
      `Check the spelling of ${target.host} and that it has an A or AAAA record (e.g. \`dig ${target.host}\`).`,
    );
  }
  if (code === 'EAI_AGAIN') {
    return make('the name could not be resolved, no DNS server answered', "Check this machine's network and DNS settings, then try again.");
  }
  if (code === 'ECONNREFUSED') {
    return make(
      'the connection was refused',
      `Check that the server is running and accepts connections on port ${target.port}, and that no firewall rejects them.`,
    );
  }
  if (unreachable.has(code)) {
    return make(`the host cannot be reached (${code})`, `Check the network route to ${target.host} and any firewall in between.`);
  }
  if (code === 'ETIMEDOUT') return timeoutError(target, connected);
  if (notTls.has(code)) {
    return make(
      'the server did not answer in TLS',
      `Check that port ${target.port} serves TLS directly (not plain HTTP, and not a protocol that starts TLS later such as SMTP's STARTTLS).`,
    );
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return make(
      `the TLS handshake failed (${opensslReason(error) ?? code})`,
      "Check the server's TLS configuration: its protocol versions and ciphers must include ones Node supports " +
        '(TLS 1.2 or 1.3), and it must serve the name probed.',
    );
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    if (!connected) {
      return make(
        'the connection was reset before it was established',
        `Check that ${target.host} accepts connections on port ${target.port} and any firewall in between.`,
      );
    }
    return make(
      'the server closed the connection during the TLS handshake',
      `Check that port ${target.port} serves TLS, that the server accepts the name ${target.servername ?? target.host} ` +
        'and TLS 1.2 or 1.3, and its error log.',
    );
  }
  const detail = code === '' ? (error instanceof Error ? error.message : String(error)) : code;
  return make(`the connection failed (${detail})`, `Check that ${target.host} serves TLS on port ${target.port} and that this machine can reach it.`);
}

function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const { code } = error as { code?: unknown };
  return typeof code === 'string' ? code : '';
}

/** The reason part of an OpenSSL error line ("…:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:…"). */
function opensslReason(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : '';
  const reason = /:SSL routines:[^:]*:([^:]+):/.exec(message)?.[1];
  const alert = /SSL alert number (\d+)/.exec(message)?.[1];
  if (reason === undefined) return undefined;
  return alert === undefined ? reason : `${reason}, alert ${alert}`;
}

/** How a served certificate relates to the one CertDesk holds; see {@link compareDeployed}. */
export type DeployedComparison = 'same' | 'older' | 'newer' | 'other' | 'none';

/**
 * Compares the certificate a server presents with the one CertDesk holds for it:
 * - `same`: the very certificate (equal SHA-256 fingerprints);
 * - `none`: CertDesk holds nothing to compare with (`held` is `undefined`);
 * - `other`: an unrelated certificate: no DNS name in common (names compared case-insensitively and
 *   literally, so `*.example.com` does not match `www.example.com`; two certificates without DNS
 *   names match when their subjects are equal), or equal validity periods with different
 *   fingerprints (e.g. an RSA and an ECDSA certificate issued together), or unreadable dates;
 * - `older`: it expires before the held one (on equal `notAfter`, it was issued earlier): the server
 *   still serves a certificate the held one replaced, so the renewal has not been deployed;
 * - `newer`: it expires after the held one (or was issued later): the server has a certificate
 *   CertDesk does not hold yet.
 * Pure; never throws.
 */
export function compareDeployed(served: CertificateMeta, held: CertificateMeta | undefined): DeployedComparison {
  if (held === undefined) return 'none';
  if (served.fingerprint.toUpperCase() === held.fingerprint.toUpperCase()) return 'same';
  if (!sameNames(served, held)) return 'other';
  const byExpiry = compareTimes(served.notAfter, held.notAfter);
  const byIssue = compareTimes(served.notBefore, held.notBefore);
  if (Number.isNaN(byExpiry) || Number.isNaN(byIssue)) return 'other';
  const order = byExpiry === 0 ? byIssue : byExpiry;
  if (order === 0) return 'other';
  return order < 0 ? 'older' : 'newer';
}

function sameNames(a: CertificateMeta, b: CertificateMeta): boolean {
  if (a.domains.length === 0 && b.domains.length === 0) return a.subject === b.subject;
  const names = new Set(a.domains.map((name) => name.toLowerCase()));
  return b.domains.some((name) => names.has(name.toLowerCase()));
}

/** Negative when `a` is before `b`, positive when after, 0 when equal, NaN when either is not a date. */
function compareTimes(a: string, b: string): number {
  return Math.sign(Date.parse(a) - Date.parse(b));
}
