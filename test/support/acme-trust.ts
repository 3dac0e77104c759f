import type { Agent as HttpsAgent } from 'node:https';
import acme from 'acme-client';

/**
 * Makes acme-client trust a test server's HTTPS listener (e.g. `pebble.httpsAgent`) and talk to it
 * directly, and returns a function that restores the previous settings.
 *
 * Why the module-level axios: acme-client 5.4 has no per-client agent or TLS option. `Client` builds
 * an `HttpClient` (src/http.js) that sends every request through the one axios instance created in
 * src/axios.js and exported as `acme.axios`; neither `Client` nor `HttpClient` takes an agent. So
 * `acme.axios.defaults.httpsAgent` is the only supported seam, and it affects every client in this
 * process: trust one CA at a time per test file (share a `TestCa` between Pebbles via their `ca`
 * option) and restore in `afterAll`. `NODE_TLS_REJECT_UNAUTHORIZED=0` is never the answer.
 *
 * `proxy: false` because axios, unlike Node's https, obeys `HTTPS_PROXY` from the environment and
 * would send loopback requests to a CI proxy.
 */
export function trustInAcmeClient(agent: HttpsAgent): () => void {
  const defaults = acme.axios.defaults;
  const previous = { httpsAgent: defaults.httpsAgent as unknown, proxy: defaults.proxy };
  defaults.httpsAgent = agent;
  defaults.proxy = false;
  return () => {
    defaults.httpsAgent = previous.httpsAgent;
    if (previous.proxy === undefined) delete defaults.proxy;
    else defaults.proxy = previous.proxy;
  };
}
