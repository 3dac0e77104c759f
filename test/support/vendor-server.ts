import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { LOOPBACK } from './ports.ts';
import { createTestCa, type TestCa } from './test-ca.ts';

/** One request a {@link VendorServer} received, as its handler saw it. */
export interface VendorRequest {
  readonly method: string;
  /** The full URL (`https://127.0.0.1:<port>/path?query`): read `pathname` and `searchParams`. */
  readonly url: URL;
  /** Lower-case header names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** The request body as UTF-8 text (`''` when none). */
  readonly body: string;
}

/**
 * What the handler answers. `body` is sent as is when a string, else as JSON with
 * `content-type: application/json` (unless `headers` sets one). `drop: true` destroys the connection
 * without any answer (a reset, for network-error tests); `status` is then ignored.
 */
export interface VendorReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly drop?: boolean;
}

/**
 * Answers one request. May be async; a promise that never settles makes the client time out (the
 * connection is closed by {@link VendorServer.stop}). A throw answers 500 with the error's message.
 */
export type VendorHandler = (request: VendorRequest) => VendorReply | Promise<VendorReply>;

/** Options for {@link startVendorServer}. */
export interface VendorServerOptions {
  /** Serve plain HTTP instead of HTTPS (`caPem` is then `''`); default `false`. */
  readonly http?: boolean;
  /**
   * The CA whose leaf (which must name 127.0.0.1) the HTTPS listener serves; default a fresh one from
   * `createTestCa` (two openssl runs). Pass one to share it between servers of a test file.
   */
  readonly ca?: TestCa;
}

/** A running {@link startVendorServer}. */
export interface VendorServer {
  /** `https://127.0.0.1:<port>` (or `http://…`), without a trailing slash. */
  readonly url: string;
  /** The PEM root to trust for {@link url}: pass it as a provider's `extraCaPem`. `''` over plain HTTP. */
  readonly caPem: string;
  /** Every request so far, in arrival order (recorded before the handler runs). */
  readonly requests: ReadonlyArray<VendorRequest>;
  /** Closes the listener and every open connection. Safe to call twice. */
  stop(): Promise<void>;
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function send(response: ServerResponse, reply: VendorReply): void {
  if (reply.drop === true) {
    response.socket?.destroy();
    return;
  }
  const headers: Record<string, string> = { ...reply.headers };
  const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  let text = '';
  if (typeof reply.body === 'string') {
    text = reply.body;
  } else if (reply.body !== undefined) {
    text = JSON.stringify(reply.body);
    if (!hasType) headers['content-type'] = 'application/json';
  }
  response.writeHead(reply.status, headers);
  response.end(text);
}

/**
 * Starts a stand-in for a DNS vendor's HTTP API on 127.0.0.1 (a port chosen by the OS): every request
 * is recorded in {@link VendorServer.requests}, then answered by `handler`. HTTPS by default, with a
 * leaf for 127.0.0.1 signed by a throwaway CA ({@link VendorServer.caPem}), so a client under test
 * trusts it only through `extraCaPem`, as it would a private PKI. Always call {@link VendorServer.stop}.
 *
 * Rejects if the CA cannot be made (no openssl) or the port cannot be bound.
 */
export async function startVendorServer(handler: VendorHandler, options: VendorServerOptions = {}): Promise<VendorServer> {
  const plain = options.http === true;
  const ca = plain ? undefined : options.ca ?? await createTestCa({ hosts: [LOOPBACK, 'localhost'] });
  const requests: VendorRequest[] = [];
  let origin = '';
  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded: VendorRequest = {
        method: request.method ?? '',
        url: new URL(request.url ?? '/', origin),
        headers: headersOf(request),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      Promise.resolve()
        .then(() => handler(recorded))
        .then(
          (reply) => { send(response, reply); },
          (error: unknown) => { send(response, { status: 500, body: `vendor-server handler failed: ${error instanceof Error ? error.message : String(error)}` }); },
        );
    });
  };
  const server: Server = ca === undefined
    ? createHttpServer(listener)
    : createHttpsServer({ cert: ca.leafCertPem, key: ca.leafKeyPem }, listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  origin = `${plain ? 'http' : 'https'}://${LOOPBACK}:${String((server.address() as AddressInfo).port)}`;
  let stopped: Promise<void> | undefined;
  return {
    url: origin,
    caPem: ca?.caCertPem ?? '',
    requests,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => { resolve(); });
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
