import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { CertDeskError } from '../../errors.ts';
import type { Logger } from '../../ports.ts';
import type { ChallengeInput, ChallengeSolver } from '../solver.ts';
import { ACME_CHALLENGE_PATH, checkHttp01Challenge, isValidToken } from './token.ts';

/** The port a CA connects to for HTTP-01 (RFC 8555 §8.3); nothing else is ever validated. */
export const DEFAULT_HTTP_PORT = 80;

/**
 * Largest request head accepted. A CA's validation request is well under 1 KiB (request line, Host,
 * User-Agent, Accept); 8 KiB, nginx's large header buffer, leaves room for a proxy's forwarding
 * headers in front of CertDesk and answers anything bigger with 431.
 */
const MAX_HEADER_SIZE = 8 * 1024;

/** Time allowed for a request head to arrive; a CA sends it at once, a slow-loris does not. */
const HEADERS_TIMEOUT_MS = 5_000;

/** Time allowed for a whole request; must be at least {@link HEADERS_TIMEOUT_MS}. */
const REQUEST_TIMEOUT_MS = 10_000;

/** Idle time after which a kept-alive connection is closed (Node's default, stated on purpose). */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/** Inactivity on a socket after which it is destroyed, whatever state its request is in. */
const SOCKET_IDLE_TIMEOUT_MS = 10_000;

/**
 * How often Node enforces the two request timeouts above. Its default of 30 s would let a stalled
 * connection live up to 30 s past its deadline.
 */
const CONNECTIONS_CHECK_INTERVAL_MS = 1_000;

/**
 * Simultaneous connections accepted. Let's Encrypt validates each name from several network
 * perspectives (about five), so even 20 names validated at once stay far below 128; beyond it new
 * connections are dropped instead of exhausting file descriptors.
 */
const MAX_CONNECTIONS = 128;

/** Requests served on one kept-alive connection before it is closed. */
const MAX_REQUESTS_PER_SOCKET = 16;

/** Characters of a requester's User-Agent kept in the log; CAs send under 100, anyone can send more. */
const MAX_LOGGED_USER_AGENT = 200;

/** The User-Agent of the self-check request, so the log tells it from the CA's requests. */
const SELF_CHECK_USER_AGENT = 'CertDesk self-check';

/** Bound on the loopback self-check request; the server is in this process, so it answers in ms. */
const SELF_CHECK_TIMEOUT_MS = 5_000;

/** Largest self-check answer read: a key authorization is 43 + 1 + 128 characters at most. */
const SELF_CHECK_MAX_BODY = 4 * 1024;

/** Options for {@link createStandaloneSolver}. */
export interface StandaloneSolverOptions {
  /**
   * The IP address to listen on (`--http-address`). Default: every address, IPv6 and IPv4 (Node
   * listens on `::` in dual-stack mode, or on `0.0.0.0` where the host has no IPv6), because the CA
   * connects from outside over whichever family the domain's A/AAAA records name, and Let's Encrypt
   * prefers IPv6. A host name is refused: give an address of this machine.
   */
  readonly address?: string;
  /**
   * The port to listen on (`--http-port`); default {@link DEFAULT_HTTP_PORT}. Any other port only
   * works if port 80 forwards `/.well-known/acme-challenge/` to it. `0` picks a free port (tests).
   */
  readonly port?: number;
  /** Where server start/stop and each answered validation request are logged (never the token). */
  readonly logger: Logger;
}

/** An HTTP-01 solver answering from CertDesk's own HTTP server; see {@link createStandaloneSolver}. */
export interface StandaloneSolver extends ChallengeSolver {
  readonly type: 'http-01';
  /** Where the server listens right now, or `undefined` while it is stopped. */
  listening(): AddressInfo | undefined;
  /** Withdraws every answer this solver presented and stops the server if nothing else uses it. */
  close(): Promise<void>;
}

/**
 * One token's answer. Tokens are unique per authorization, so a token presented twice (a CA reusing
 * a pending authorization for two orders) is one answer: either cleanup withdraws it, which is right
 * because the CA validates that authorization once for both orders.
 */
interface Entry {
  readonly value: string;
  readonly domain: string;
  /** The logger of the solver that presented it; validation requests are logged there. */
  readonly logger: Logger;
}

/** One HTTP server on one address and port and the answers it serves. */
interface Listener {
  readonly address: string | undefined;
  readonly port: number;
  readonly entries: Map<string, Entry>;
  server: Server | undefined;
  /** Serializes start and stop, so concurrent presents and cleanups never race a half-open server. */
  queue: Promise<unknown>;
}

/**
 * Listeners by `address|port`, shared by every solver of this process on the same address and port,
 * so certificates renewed concurrently (each with its own solver) do not fight over port 80. Port 0
 * is never shared: each such solver gets its own free port. Entries stay (one small object per
 * configured address and port) so no solver ever holds a listener that a map lookup would not find.
 */
const listeners = new Map<string, Listener>();

function newListener(address: string | undefined, port: number): Listener {
  return { address, port, entries: new Map(), server: undefined, queue: Promise.resolve() };
}

function sharedListener(address: string | undefined, port: number): Listener {
  if (port === 0) return newListener(address, port);
  const key = `${address ?? '*'}|${port}`;
  let listener = listeners.get(key);
  if (listener === undefined) {
    listener = newListener(address, port);
    listeners.set(key, listener);
  }
  return listener;
}

function serialized<T>(listener: Listener, task: () => Promise<T>): Promise<T> {
  const run = listener.queue.then(task, task);
  listener.queue = run.catch(() => undefined);
  return run;
}

function where(address: string | undefined, port: number): string {
  return address === undefined ? `port ${port}` : `${address} port ${port}`;
}

/** The part of every "cannot listen" remedy that offers the two ways around the built-in server. */
const ALTERNATIVES =
  'or run the built-in server on a free port (--http-port <port>) and have port 80 forward /.well-known/acme-challenge/ to it, or answer through your web server’s folder instead (--webroot <dir>).';

/**
 * Turns a `listen()` failure into an actionable {@link CertDeskError} (`needs_admin`: renewing again
 * fails the same way until the admin acts): port in use
 * (`EADDRINUSE`), no privilege for the port (`EACCES`/`EPERM`, ports below 1024 on Linux), an address
 * that is not this machine's (`EADDRNOTAVAIL`), and anything else with its system code. The original
 * error is the `cause`.
 */
export function describeListenError(error: unknown, address: string | undefined, port: number): CertDeskError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const at = where(address, port);
  const options = { cause: error };
  switch (code) {
    case 'EADDRINUSE':
      return new CertDeskError('needs_admin', `Unable to start the HTTP-01 server on ${at}, another program already uses it`, {
        ...options,
        remedy: `Stop the program listening on port ${port} (often a web server; if it is another CertDesk renewing right now, try again when it is done), ${ALTERNATIVES}`,
      });
    case 'EACCES':
    case 'EPERM':
      return new CertDeskError(
        'needs_admin',
        port < 1024
          ? `Unable to start the HTTP-01 server on ${at}, ports below 1024 need privileges this process does not have`
          : `Unable to start the HTTP-01 server on ${at}, the system refused permission`,
        {
          ...options,
          remedy: `Run CertDesk with the right to bind low ports (Linux: \`setcap cap_net_bind_service=+ep\` on the node binary, or AmbientCapabilities=CAP_NET_BIND_SERVICE in its systemd unit), ${ALTERNATIVES}`,
        },
      );
    case 'EADDRNOTAVAIL':
      return new CertDeskError('needs_admin', `Unable to start the HTTP-01 server on ${at}, that address does not belong to this machine`, {
        ...options,
        remedy: 'Give one of this machine’s addresses with --http-address, or leave it out to listen on all of them.',
      });
    default: {
      const reason = code ?? (error instanceof Error ? error.message : String(error));
      return new CertDeskError('needs_admin', `Unable to start the HTTP-01 server on ${at}, ${reason}`, {
        ...options,
        remedy: `Check --http-address and --http-port, ${ALTERNATIVES}`,
      });
    }
  }
}

function reply(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    'content-type': 'text/plain',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  // Node sends no body for HEAD on its own; the length above is still the GET length (RFC 9110 §9.3.2).
  response.end(body);
}

function handleRequest(listener: Listener, request: IncomingMessage, response: ServerResponse): void {
  // The body is never read. Closing after the answer stops a client from streaming one into the
  // next request on a kept-alive connection.
  const contentLength = request.headers['content-length'];
  if (request.headers['transfer-encoding'] !== undefined || (contentLength !== undefined && contentLength !== '0')) {
    response.setHeader('connection', 'close');
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    response.setHeader('connection', 'close');
    reply(response, 405, 'Method Not Allowed');
    return;
  }
  const url = request.url ?? '';
  const token = url.startsWith(ACME_CHALLENGE_PATH) ? url.slice(ACME_CHALLENGE_PATH.length) : '';
  const entry = isValidToken(token) ? listener.entries.get(token) : undefined;
  if (entry === undefined) {
    reply(response, 404, 'Not Found');
    return;
  }
  entry.logger.info('Answered an HTTP-01 validation request', {
    domain: entry.domain,
    method: request.method,
    from: request.socket.remoteAddress,
    // Tells the CA's validators (and their perspectives) from the self-check; the client chose it.
    userAgent: request.headers['user-agent']?.slice(0, MAX_LOGGED_USER_AGENT),
  });
  reply(response, 200, entry.value);
}

function startServer(listener: Listener, logger: Logger): Promise<AddressInfo> {
  return serialized(listener, async () => {
    const running = listener.server?.address();
    if (running !== undefined && running !== null && typeof running !== 'string') return running;

    const server = createServer(
      {
        maxHeaderSize: MAX_HEADER_SIZE,
        headersTimeout: HEADERS_TIMEOUT_MS,
        requestTimeout: REQUEST_TIMEOUT_MS,
        keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
        connectionsCheckingInterval: CONNECTIONS_CHECK_INTERVAL_MS,
      },
      (request, response) => {
        handleRequest(listener, request, response);
      },
    );
    server.maxConnections = MAX_CONNECTIONS;
    server.maxRequestsPerSocket = MAX_REQUESTS_PER_SOCKET;
    server.timeout = SOCKET_IDLE_TIMEOUT_MS;

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      const onListening = (): void => {
        server.off('error', reject);
        resolve();
      };
      if (listener.address === undefined) server.listen(listener.port, onListening);
      else server.listen(listener.port, listener.address, onListening);
    }).catch((error: unknown) => {
      throw describeListenError(error, listener.address, listener.port);
    });
    server.on('error', (error) => {
      logger.error('The HTTP-01 server reported an error', { error: error.message });
    });
    listener.server = server;
    const info = server.address() as AddressInfo;
    logger.info('Started the HTTP-01 server', { address: info.address, port: info.port });
    return info;
  });
}

/** Stops the listener's server once it serves no answer; a no-op while any token is present. */
function stopIfIdle(listener: Listener, logger: Logger): Promise<void> {
  return serialized(listener, async () => {
    const server = listener.server;
    if (server === undefined || listener.entries.size > 0) return;
    listener.server = undefined;
    const info = server.address();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
      // Kept-alive sockets would hold close() open for KEEP_ALIVE_TIMEOUT_MS; no answer is left to give.
      server.closeAllConnections();
    });
    logger.info('Stopped the HTTP-01 server', info !== null && typeof info !== 'string' ? { address: info.address, port: info.port } : {});
  });
}

/**
 * Where the self-check connects: the listening address itself, or loopback for a wildcard one
 * (`::` is dual-stack unless the host forces IPv6-only sockets, hence `::1` as a second try).
 */
function selfCheckHosts(info: AddressInfo): readonly string[] {
  if (info.address === '0.0.0.0') return ['127.0.0.1'];
  if (info.address === '::') return ['127.0.0.1', '::1'];
  return [info.address];
}

function fetchAnswer(host: string, port: number, challenge: ChallengeInput, signal: AbortSignal | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host,
        port,
        path: `${ACME_CHALLENGE_PATH}${challenge.token}`,
        method: 'GET',
        // The CA sends the domain as Host (RFC 8555 §8.3); answer the self-check the same way.
        headers: { host: challenge.domain, 'user-agent': SELF_CHECK_USER_AGENT },
        agent: false,
        timeout: SELF_CHECK_TIMEOUT_MS,
        ...(signal === undefined ? {} : { signal }),
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
          if (body.length > SELF_CHECK_MAX_BODY) response.destroy(new Error('answer too long'));
        });
        response.on('error', reject);
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body });
        });
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${SELF_CHECK_TIMEOUT_MS} ms`)));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

async function selfCheck(info: AddressInfo, challenge: ChallengeInput, signal: AbortSignal | undefined): Promise<void> {
  const reasons: string[] = [];
  for (const host of selfCheckHosts(info)) {
    try {
      const answer = await fetchAnswer(host, info.port, challenge, signal);
      if (answer.status === 200 && answer.body === challenge.value) return;
      reasons.push(`${host}: HTTP ${answer.status}${answer.status === 200 ? ' with a different answer' : ''}`);
    } catch (error) {
      signal?.throwIfAborted();
      reasons.push(`${host}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new CertDeskError(
    'needs_admin',
    `Unable to serve the HTTP-01 answer for ${challenge.domain}, the built-in server did not give it back to a loopback request (${reasons.join('; ')})`,
    { remedy: 'Check that no firewall or proxy on this machine intercepts local connections to that port, or use --webroot.' },
  );
}

/**
 * Creates an HTTP-01 solver (RFC 8555 §8.3) that answers from a built-in HTTP server.
 *
 * The server answers `GET` and `HEAD /.well-known/acme-challenge/<token>` with exactly the key
 * authorization (`text/plain`, no trailing newline) for tokens currently presented, `404` for every
 * other path or token, and `405` for other methods. Tokens are checked against the base64url alphabet
 * before any lookup. It never reads request bodies, and bounds head size, request and idle time,
 * connections and requests per connection (constants above).
 *
 * Lifecycle: the server starts on the first `present` and stops when the last presented token is
 * cleaned up or on `close()`, so port 80 is held only while an order is being validated, never
 * between renewals. Solvers of this process on the same address and port share one server.
 *
 * `present` resolves once the server listens and has served the answer to a loopback request made
 * like the CA's (Host: the domain); it rejects with a {@link CertDeskError} for a wildcard, a bad
 * token, a port in use or needing privileges, or a failed self-check, and leaves nothing served then.
 * `cleanup` withdraws the answer (a no-op if it is not served) and is idempotent. Safe for concurrent
 * use across challenges.
 *
 * Throws `CertDeskError('invalid_input')` at once if `address` is not an IP address or `port` is not
 * an integer 0–65535.
 */
export function createStandaloneSolver(options: StandaloneSolverOptions): StandaloneSolver {
  const { address, logger } = options;
  const port = options.port ?? DEFAULT_HTTP_PORT;
  if (address !== undefined && isIP(address) === 0) {
    throw new CertDeskError('invalid_input', `Unable to use ${JSON.stringify(address)} as the HTTP-01 address, it is not an IP address`, {
      remedy: 'Give an IPv4 or IPv6 address of this machine with --http-address, or leave it out to listen on all addresses.',
    });
  }
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new CertDeskError('invalid_input', `Unable to use ${String(port)} as the HTTP-01 port, it is not a port number`, {
      remedy: 'Give a port from 1 to 65535 with --http-port (the CA always connects to 80).',
    });
  }
  const listener = sharedListener(address, port);
  /** Tokens this solver presented, withdrawn by {@link StandaloneSolver.close}. */
  const presented = new Set<string>();
  let closed = false;
  // A function, so the check after an await reads the flag afresh instead of a narrowed copy.
  const isClosed = (): boolean => closed;

  const withdraw = (token: string): boolean => {
    presented.delete(token);
    return listener.entries.delete(token);
  };

  return {
    type: 'http-01',

    listening: () => {
      const info = listener.server?.address();
      return info === undefined || info === null || typeof info === 'string' ? undefined : info;
    },

    present: async (challenge, signal) => {
      if (isClosed()) throw new Error('Unable to present an HTTP-01 challenge, the standalone solver is closed');
      checkHttp01Challenge(challenge, 'standalone');
      signal?.throwIfAborted();
      const existing = listener.entries.get(challenge.token);
      if (existing !== undefined && existing.value !== challenge.value) {
        throw new Error(`Unable to answer the HTTP-01 challenge for ${challenge.domain}, its token is already served with another key authorization`);
      }
      listener.entries.set(challenge.token, existing ?? { value: challenge.value, domain: challenge.domain, logger });
      presented.add(challenge.token);
      try {
        const info = await startServer(listener, logger);
        if (isClosed()) throw new Error('Unable to present an HTTP-01 challenge, the standalone solver was closed meanwhile');
        signal?.throwIfAborted();
        await selfCheck(info, challenge, signal);
        logger.info('Serving the HTTP-01 answer', { domain: challenge.domain, address: info.address, port: info.port });
      } catch (error) {
        withdraw(challenge.token);
        await stopIfIdle(listener, logger);
        throw error;
      }
    },

    cleanup: async (challenge) => {
      // A malformed token was never stored, so there is nothing to withdraw.
      if (isValidToken(challenge.token) && withdraw(challenge.token)) {
        logger.info('Withdrew the HTTP-01 answer', { domain: challenge.domain });
      }
      await stopIfIdle(listener, logger);
    },

    close: async () => {
      closed = true;
      for (const token of [...presented]) withdraw(token);
      await stopIfIdle(listener, logger);
    },
  };
}
