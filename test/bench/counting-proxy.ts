import { Agent, createServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { LOOPBACK } from '../support/ports.ts';
import type { TestCa } from '../support/test-ca.ts';

/** One request the proxy forwarded: method and path (no query string). */
export interface CountedRequest {
  readonly method: string;
  readonly path: string;
}

/** A running {@link startCountingProxy}. */
export interface CountingProxy {
  /** `https://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Every request since the last {@link reset}, oldest first. */
  requests(): ReadonlyArray<CountedRequest>;
  reset(): void;
  /** Closes the listener and every connection; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * An HTTPS reverse proxy in front of Pebble that only counts: it is how the bench sees how many
 * ACME requests clients it cannot instrument (lego, certbot) send. It serves the leaf of the test
 * CA Pebble serves (`startPebble({ ca })`), so whoever trusts Pebble trusts the proxy, and forwards
 * the `Host` header unchanged: Pebble builds every URL it hands out (and checks every JWS `url`)
 * from `Host`, so the client stays on the proxy without any rewriting.
 */
export async function startCountingProxy(upstream: string, ca: TestCa): Promise<CountingProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, ca: ca.caCertPem });
  const seen: CountedRequest[] = [];
  const server = createServer({ cert: ca.leafCertPem, key: ca.leafKeyPem }, (request, response) => {
    const path = request.url ?? '/';
    seen.push({ method: request.method ?? 'GET', path: path.split('?')[0] ?? path });
    const outgoing = httpsRequest(
      { host: target.hostname, port: target.port, method: request.method, path, headers: request.headers, agent },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    outgoing.on('error', (error) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`counting proxy: ${error.message}`);
    });
    request.pipe(outgoing);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port: 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    origin: `https://${LOOPBACK}:${port}`,
    requests: () => [...seen],
    reset: () => {
      seen.length = 0;
    },
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
        agent.destroy();
      });
      return stopped;
    },
  };
}
