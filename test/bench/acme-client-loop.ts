/**
 * The "bare acme-client" contender of the ACME benchmark, run by acme.ts as its own process so its
 * peak RSS is its own: one account, then `client.auto()` for each domain in turn, proving control
 * with HTTP-01 from a tiny answer server on the port Pebble validates. Every HTTP request through
 * acme-client's module-wide axios instance is counted by an interceptor.
 *
 * Usage: `node test/bench/acme-client-loop.ts '<LoopConfig as JSON>'`; prints one JSON line
 * ({@link LoopResult}) on stdout and exits 0, or exits 1 with the error on stderr.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Agent } from 'node:https';
import { performance } from 'node:perf_hooks';
import acme from 'acme-client';
import { trustInAcmeClient } from '../support/acme-trust.ts';

/** What acme.ts passes in. */
export interface LoopConfig {
  readonly directoryUrl: string;
  /** PEM file of the CA that signed Pebble's HTTPS listener. */
  readonly caCertPath: string;
  /** The port Pebble connects to for HTTP-01; served here on 127.0.0.1. */
  readonly httpPort: number;
  readonly domains: readonly string[];
  /** acme-client's polling backoff (`backoffMin`/`backoffMax`, ms). */
  readonly backoffMin: number;
  readonly backoffMax: number;
}

/** What the loop prints when done. */
export interface LoopResult {
  readonly certificates: number;
  /** Every HTTP request acme-client sent to the CA. */
  readonly requests: number;
  /** Of those, HEAD/GET newNonce. */
  readonly nonceRequests: number;
  /** The loop alone, without Node's start-up and module loading. */
  readonly loopMs: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as LoopConfig;
// Node's global agent keeps connections alive since Node 19; a custom agent does not unless asked.
const agent = new Agent({ keepAlive: true, ca: readFileSync(config.caCertPath, 'utf8') });
const restoreTrust = trustInAcmeClient(agent);

const origin = new URL(config.directoryUrl).origin;
let requests = 0;
let nonceRequests = 0;
let newNonceUrl: string | undefined;
acme.axios.interceptors.request.use((request) => {
  const url = request.url ?? '';
  if (url.startsWith(origin)) {
    requests += 1;
    const method = (request.method ?? 'get').toLowerCase();
    if (url === newNonceUrl && (method === 'head' || method === 'get')) nonceRequests += 1;
  }
  return request;
});
acme.axios.interceptors.response.use((response) => {
  // The directory names newNonce; learning it from the first answer keeps the count server-neutral.
  const data = response.data as { newNonce?: unknown } | undefined;
  if (newNonceUrl === undefined && typeof data?.newNonce === 'string') newNonceUrl = data.newNonce;
  return response;
});

const answers = new Map<string, string>();
const prefix = '/.well-known/acme-challenge/';
const server = createServer((request, response) => {
  const url = request.url ?? '';
  const answer = url.startsWith(prefix) ? answers.get(url.slice(prefix.length)) : undefined;
  response.writeHead(answer === undefined ? 404 : 200, { 'content-type': 'text/plain' });
  response.end(answer ?? 'not found');
});
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(config.httpPort, '127.0.0.1', () => {
    resolve();
  });
});

try {
  const started = performance.now();
  const client = new acme.Client({
    directoryUrl: config.directoryUrl,
    accountKey: await acme.crypto.createPrivateEcdsaKey(),
    backoffMin: config.backoffMin,
    backoffMax: config.backoffMax,
  });
  for (const domain of config.domains) {
    // EC P-256 like CertDesk's default (acme-client's own default would be RSA 2048).
    const [, csr] = await acme.crypto.createCsr({ commonName: domain }, await acme.crypto.createPrivateEcdsaKey());
    await client.auto({
      csr,
      termsOfServiceAgreed: true,
      challengePriority: ['http-01'],
      // Its self-check GETs http://<domain>:80/, which neither resolves nor listens here; Pebble's
      // own validation is the real check (CertDesk's self-check goes to its own listener directly).
      skipChallengeVerification: true,
      challengeCreateFn: (_authz, challenge, keyAuthorization) => {
        answers.set(challenge.token, keyAuthorization);
        return Promise.resolve();
      },
      challengeRemoveFn: (_authz, challenge) => {
        answers.delete(challenge.token);
        return Promise.resolve();
      },
    });
  }
  const result: LoopResult = { certificates: config.domains.length, requests, nonceRequests, loopMs: performance.now() - started };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (error) {
  process.stderr.write(`acme-client loop failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  restoreTrust();
  agent.destroy();
  server.close();
  server.closeAllConnections();
}
