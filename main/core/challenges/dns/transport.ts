import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { promises as dnsPromises } from 'node:dns';
import { isIP, connect as tcpConnect } from 'node:net';
import dnsPacket from 'dns-packet';
import { DnsError } from './dns-error.ts';
import { displayName } from './names.ts';

/** The DNS port (RFC 1035 §4.2). */
export const DNS_PORT = 53;

/**
 * EDNS UDP payload size advertised on queries: 1232 bytes is the DNS Flag Day 2020 value, the largest
 * that fits an IPv6 minimum MTU without fragmentation; above it a server truncates and we use TCP.
 */
const EDNS_UDP_PAYLOAD = 1232;

/** Largest DNS message over TCP (RFC 1035 §4.2.2: a 16-bit length prefix). */
const MAX_TCP_MESSAGE = 65_535;

/** The QR bit in the second header octet: set on responses. */
const QR_BIT = 0x80;

/** The TC bit in the second header octet: the UDP answer was truncated, ask again over TCP. */
const TC_BIT = 0x02;

/** A DNS server to talk to: an IP address (or host name) and a port. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address; the port defaults to
 * `defaultPort` (53). Throws a plain `Error` naming the problem; callers wrap it in their own.
 */
export function parseServerAddress(text: string, defaultPort = DNS_PORT): ServerAddress {
  const value = text.trim();
  let host: string;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracketed !== null) {
    host = bracketed[1] ?? '';
    port = bracketed[2];
    if (isIP(host) !== 6) throw new Error(`"${text}" has brackets around something that is not an IPv6 address`);
  } else if (isIP(value) === 6) {
    host = value;
  } else {
    const colon = value.lastIndexOf(':');
    host = colon === -1 ? value : value.slice(0, colon);
    port = colon === -1 ? undefined : value.slice(colon + 1);
  }
  if (host === '' || /\s/.test(host)) throw new Error(`"${text}" has no host`);
  if (isIP(host) === 0 && !/^[a-z0-9.-]+$/i.test(host)) throw new Error(`"${text}" is neither an IP address nor a host name`);
  const portNumber = port === undefined ? defaultPort : Number(port);
  if (!/^\d+$/.test(port ?? '53') || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65_535) {
    throw new Error(`"${text}" has a port outside 1–65535`);
  }
  return { host, port: portNumber };
}

/** `host:port`, with brackets around IPv6 (`[::1]:53`), for messages and results. */
export function formatServerAddress(server: ServerAddress): string {
  return isIP(server.host) === 6 ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

/** Options for {@link exchange}. */
export interface ExchangeOptions {
  /** What the caller is doing, for the error message: "Unable to <action>, …". */
  readonly action: string;
  /** How long one attempt waits for the answer. */
  readonly timeoutMs: number;
  /** Aborts the exchange; rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

/** A transport-level failure, turned into a {@link DnsError} with the caller's action by {@link exchange}. */
class TransportFailure extends Error {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.retryable = retryable;
  }
}

async function resolveHost(server: ServerAddress): Promise<{ address: string; family: 4 | 6 }> {
  const family = isIP(server.host);
  if (family === 4 || family === 6) return { address: server.host, family };
  try {
    const found = await dnsPromises.lookup(server.host);
    return { address: found.address, family: found.family === 6 ? 6 : 4 };
  } catch (error) {
    throw new TransportFailure(`the host name ${server.host} does not resolve`, false, { cause: error });
  }
}

/** True if `message` is a response to the request with `id` (header long enough, QR set, same ID). */
function isResponseTo(message: Buffer, id: number): boolean {
  return message.length >= 12 && message.readUInt16BE(0) === id && ((message[2] ?? 0) & QR_BIT) !== 0;
}

function socketFailure(error: unknown, peer: string): TransportFailure {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED') {
    return new TransportFailure(`${peer} refused the connection (is a DNS server listening there?)`, false, { cause: error });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new TransportFailure(`the connection to ${peer} failed (${detail})`, true, { cause: error });
}

/** The signal's reason as an Error: the default reason is a DOMException (an Error); anything else is wrapped. */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('The operation was aborted', { cause: reason });
}

/**
 * Runs `attempt` with a timer and the caller's signal; `attempt` gets `finish` to settle once and a
 * cleanup registration. Keeps each transport's socket handling free of timer bookkeeping.
 */
function withDeadline<T>(
  timeoutMs: number,
  signal: AbortSignal | undefined,
  onTimeout: () => TransportFailure,
  attempt: (finish: (error: Error | undefined, value?: T) => void, onCleanup: (cleanup: () => void) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cleanups: (() => void)[] = [];
    let settled = false;
    const finish = (error: Error | undefined, value?: T): void => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      // The signal's reason is rethrown as given, like node's own abortable APIs do.
      if (error === undefined) resolve(value as T);
      else reject(error);
    };
    const timer = setTimeout(() => { finish(onTimeout()); }, timeoutMs);
    cleanups.push(() => { clearTimeout(timer); });
    if (signal !== undefined) {
      const onAbort = (): void => { finish(abortReason(signal)); };
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => { signal.removeEventListener('abort', onAbort); });
    }
    attempt(finish, (cleanup) => { cleanups.push(cleanup); });
  });
}

function udpAttempt(address: string, family: 4 | 6, port: number, request: Buffer, timeoutMs: number, signal: AbortSignal | undefined, peer: string): Promise<Buffer> {
  const id = request.readUInt16BE(0);
  return withDeadline<Buffer>(timeoutMs, signal, () => new TransportFailure(`${peer} did not answer within ${timeoutMs} ms`, true), (finish, onCleanup) => {
    const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    onCleanup(() => { socket.close(); });
    // Connected, so the kernel drops datagrams from anyone but the server and reports ICMP
    // "port unreachable" as ECONNREFUSED instead of leaving us to time out.
    socket.on('error', (error) => { finish(socketFailure(error, peer)); });
    // A datagram with another ID is a late answer to an earlier attempt or a spoof: keep waiting.
    socket.on('message', (message) => { if (isResponseTo(message, id)) finish(undefined, message); });
    socket.connect(port, address, () => {
      socket.send(request, (error) => { if (error !== null) finish(socketFailure(error, peer)); });
    });
  });
}

function tcpAttempt(address: string, port: number, request: Buffer, timeoutMs: number, signal: AbortSignal | undefined, peer: string): Promise<Buffer> {
  const id = request.readUInt16BE(0);
  return withDeadline<Buffer>(timeoutMs, signal, () => new TransportFailure(`${peer} did not answer over TCP within ${timeoutMs} ms`, true), (finish, onCleanup) => {
    const socket = tcpConnect({ host: address, port });
    onCleanup(() => { socket.destroy(); });
    const length = Buffer.alloc(2);
    length.writeUInt16BE(request.length);
    let received = Buffer.alloc(0);
    // write, not end: a half-close before the answer makes some servers drop the query.
    socket.on('connect', () => { socket.write(Buffer.concat([length, request])); });
    socket.on('error', (error) => { finish(socketFailure(error, peer)); });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2) return;
      const size = received.readUInt16BE(0);
      if (received.length < 2 + size) return;
      const message = received.subarray(2, 2 + size);
      if (isResponseTo(message, id)) finish(undefined, message);
      else finish(new TransportFailure(`${peer} answered over TCP with a message that is not a response to ours`, false));
    });
    socket.on('end', () => { finish(new TransportFailure(`${peer} closed the TCP connection without a complete answer`, true)); });
  });
}

/**
 * Sends one DNS message (its first two octets are the ID) to `server` and resolves the raw response
 * whose ID matches and whose QR bit is set; responses with other IDs are ignored as stale or spoofed.
 *
 * UDP first, with one retry after a timeout (`timeoutMs` per attempt), then TCP (RFC 7766) when the
 * answer comes back truncated. Rejects with a `network` {@link DnsError} "Unable to <action>, <server>
 * did not answer within N ms" (or refused, unreachable, no such host), or with the signal's reason
 * when aborted. Callers must only send requests that are safe to repeat: the retry re-sends them.
 */
export async function exchange(server: ServerAddress, request: Buffer, options: ExchangeOptions): Promise<Buffer> {
  if (request.length > MAX_TCP_MESSAGE) throw new RangeError('DNS message longer than 65535 octets');
  const peer = formatServerAddress(server);
  try {
    const { address, family } = await resolveHost(server);
    const udp = (): Promise<Buffer> => udpAttempt(address, family, server.port, request, options.timeoutMs, options.signal, peer);
    let response = await udp().catch((error: unknown) => {
      if (error instanceof TransportFailure && error.retryable) return udp();
      throw error;
    });
    if (((response[2] ?? 0) & TC_BIT) !== 0) {
      response = await tcpAttempt(address, server.port, request, options.timeoutMs, options.signal, peer);
    }
    return response;
  } catch (error) {
    if (!(error instanceof TransportFailure)) throw error;
    throw new DnsError('network', `Unable to ${options.action}, ${error.message}`, {
      remedy: `Check that ${peer} is the right DNS server and that this machine can reach it (firewall, VPN, port ${server.port} over UDP and TCP).`,
      cause: error,
    });
  }
}

/** The record types CertDesk asks for. */
export type QueryType = 'SOA' | 'NS' | 'TXT' | 'CNAME' | 'A' | 'AAAA';

/** One resource record of a response, reduced to what CertDesk reads. */
export interface ResourceRecord {
  /** Owner name, absolute and lower-case. */
  readonly name: string;
  readonly type: string;
  /**
   * For TXT the value (the record's strings joined, RFC 7208 §3.3 / RFC 8555 §8.4 style); for NS,
   * CNAME the target name absolute and lower-case; for A/AAAA the address; for SOA the primary
   * name server; otherwise an empty string.
   */
  readonly data: string;
}

/** A decoded response to {@link query}. */
export interface QueryResponse {
  /** The RCODE name (`NOERROR`, `NXDOMAIN`, `REFUSED`, …). */
  readonly rcode: string;
  /** The AA bit: the answer comes from a server authoritative for the name. */
  readonly authoritative: boolean;
  readonly answers: readonly ResourceRecord[];
  readonly authorities: readonly ResourceRecord[];
  readonly additionals: readonly ResourceRecord[];
}

/** Options for {@link query}. */
export interface QueryOptions extends ExchangeOptions {
  /** Set RD: ask a recursive resolver to resolve; clear it to ask an authoritative server directly. */
  readonly recursionDesired: boolean;
}

function absoluteLower(name: string): string {
  const lower = name.toLowerCase();
  return lower === '.' || lower.endsWith('.') ? lower : `${lower}.`;
}

function simplify(record: dnsPacket.Answer): ResourceRecord | undefined {
  if (record.type === 'OPT') return undefined;
  const name = absoluteLower(record.name === '' ? '.' : record.name);
  switch (record.type) {
    case 'TXT': {
      const chunks = Array.isArray(record.data) ? record.data : [record.data];
      const data = Buffer.concat(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk))).toString('utf8');
      return { name, type: record.type, data };
    }
    case 'NS':
    case 'CNAME':
      return { name, type: record.type, data: absoluteLower(record.data) };
    case 'A':
    case 'AAAA':
      return { name, type: record.type, data: record.data };
    case 'SOA':
      return { name, type: record.type, data: absoluteLower(record.data.mname) };
    default:
      return { name, type: record.type, data: '' };
  }
}

function simplifyAll(records: readonly dnsPacket.Answer[] | undefined): ResourceRecord[] {
  return (records ?? []).flatMap((record) => simplify(record) ?? []);
}

/**
 * Asks `server` for the `type` records of `name` (absolute) and resolves the decoded response,
 * whatever its RCODE. Transport as {@link exchange}; a response that does not decode, or whose
 * question differs from ours, rejects with a `network` {@link DnsError}.
 */
export async function query(server: ServerAddress, name: string, type: QueryType, options: QueryOptions): Promise<QueryResponse> {
  const request = dnsPacket.encode({
    type: 'query',
    id: randomInt(0, 0x10000),
    flags: options.recursionDesired ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ type, name: displayName(name), class: 'IN' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: EDNS_UDP_PAYLOAD, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
  });
  const raw = await exchange(server, request, options);
  let decoded: dnsPacket.DecodedPacket & { rcode?: string };
  try {
    decoded = dnsPacket.decode(raw);
  } catch (error) {
    throw new DnsError('network', `Unable to ${options.action}, ${formatServerAddress(server)} sent a response that does not decode`, { cause: error });
  }
  const question = decoded.questions?.[0];
  // A response without a question is legal (e.g. FORMERR); one with another question is not ours.
  if (question !== undefined && (absoluteLower(question.name || '.') !== absoluteLower(name) || question.type !== type)) {
    throw new DnsError('network', `Unable to ${options.action}, ${formatServerAddress(server)} answered another question`);
  }
  return {
    rcode: decoded.rcode ?? 'NOERROR',
    authoritative: decoded.flag_aa,
    answers: simplifyAll(decoded.answers),
    authorities: simplifyAll(decoded.authorities),
    additionals: simplifyAll(decoded.additionals),
  };
}
