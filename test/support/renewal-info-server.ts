import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { LOOPBACK } from './ports.ts';

/** What the server answers for one certificate identifier. */
export interface RenewalInfoAnswer {
  /** Default 200. */
  readonly status?: number;
  /** Sent as JSON (`application/json`) unless a string, which is sent as is. */
  readonly body: unknown;
  /** The `Retry-After` header; omitted when undefined. */
  readonly retryAfter?: string;
}

/** One request the server received. */
export interface RenewalInfoRequest {
  readonly method: string;
  readonly path: string;
  /** Bytes of request body: an RFC 9773 §4.1 GET carries none (no JWS). */
  readonly bodyLength: number;
}

/** A running {@link startRenewalInfoServer}. */
export interface RenewalInfoServer {
  /** `https://127.0.0.1:<port>/directory`: the upstream directory plus `renewalInfo`. */
  readonly directoryUrl: string;
  /** `https://127.0.0.1:<port>/renewal-info`, as the directory advertises it. */
  readonly renewalInfoUrl: string;
  /** Sets (or with `undefined` removes) the answer for `certId`; unknown identifiers get a 404 problem. */
  answer(certId: string, answer: RenewalInfoAnswer | undefined): void;
  /** Every request so far, in order. */
  readonly requests: ReadonlyArray<RenewalInfoRequest>;
  /** Closes the listener and its connections. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options for {@link startRenewalInfoServer}. */
export interface RenewalInfoServerOptions {
  /** The HTTPS certificate and key (e.g. a `TestCa` leaf for 127.0.0.1). */
  readonly certPem: string;
  readonly keyPem: string;
  /** The directory object to extend with `renewalInfo`, e.g. Pebble's, which has none (Pebble 2.4). */
  readonly upstreamDirectory: Readonly<Record<string, unknown>>;
}

/**
 * Starts a small HTTPS ARI endpoint on 127.0.0.1 (a free port chosen by the OS), "in front of" a CA
 * without ARI: `GET /directory` serves the upstream directory plus `renewalInfo`, and
 * `GET /renewal-info/<certId>` serves whatever {@link RenewalInfoServer.answer} set for it. Anything
 * else is a 404 or 405 problem document. Always call {@link RenewalInfoServer.stop}.
 */
export async function startRenewalInfoServer(options: RenewalInfoServerOptions): Promise<RenewalInfoServer> {
  const answers = new Map<string, RenewalInfoAnswer>();
  const requests: RenewalInfoRequest[] = [];
  let origin = '';
  const server: Server = createServer({ cert: options.certPem, key: options.keyPem }, (request, response) => {
    let bodyLength = 0;
    request.on('data', (chunk: Buffer) => (bodyLength += chunk.length));
    request.on('end', () => {
      const path = request.url ?? '/';
      requests.push({ method: request.method ?? '', path, bodyLength });
      const problem = (status: number, detail: string): void => {
        response.writeHead(status, { 'content-type': 'application/problem+json' });
        response.end(JSON.stringify({ type: 'urn:ietf:params:acme:error:malformed', detail }));
      };
      if (request.method !== 'GET') {
        problem(405, 'renewalInfo is fetched with GET');
        return;
      }
      if (path === '/directory') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ ...options.upstreamDirectory, renewalInfo: `${origin}/renewal-info` }));
        return;
      }
      const answer = path.startsWith('/renewal-info/') ? answers.get(decodeURIComponent(path.slice('/renewal-info/'.length))) : undefined;
      if (answer === undefined) {
        problem(404, `no renewal information for ${path}`);
        return;
      }
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      response.writeHead(answer.status ?? 200, {
        'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
        ...(answer.retryAfter === undefined ? {} : { 'retry-after': answer.retryAfter }),
      });
      response.end(text);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  origin = `https://${LOOPBACK}:${String((server.address() as AddressInfo).port)}`;
  let stopped: Promise<void> | undefined;
  return {
    directoryUrl: `${origin}/directory`,
    renewalInfoUrl: `${origin}/renewal-info`,
    answer: (certId, answer) => {
      if (answer === undefined) answers.delete(certId);
      else answers.set(certId, answer);
    },
    requests,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
