import { randomBytes } from 'node:crypto';
import { promises as dns } from 'node:dns';
import { writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { describeOutput, makeTempDir, removeTempDir, requireExecutable, spawnManaged, waitUntilReady, type ManagedProcess } from './processes.ts';
import { LOOPBACK, freePorts, withPortRetry } from './ports.ts';
import { createTestCa, writeTestCa, type TestCa } from './test-ca.ts';

/**
 * Environment defaults for Pebble, chosen so a test sees the same behaviour on every run unless it
 * asks otherwise: no random validation sleeps (`PEBBLE_VA_NOSLEEP=1`), no spurious badNonce
 * (`PEBBLE_WFE_NONCEREJECT=0`; Pebble's own default rejects 5% of good nonces) and no reuse of valid
 * authorizations (`PEBBLE_AUTHZREUSE=0`; Pebble's default reuses them 50% of the time).
 */
export const DEFAULT_PEBBLE_ENV: Readonly<Record<string, string>> = {
  PEBBLE_VA_NOSLEEP: '1',
  PEBBLE_WFE_NONCEREJECT: '0',
  PEBBLE_AUTHZREUSE: '0',
};

/**
 * Pebble's environment knobs (see its README). Values are strings as in a shell; `undefined` removes
 * a variable, including one of {@link DEFAULT_PEBBLE_ENV}. Any other variable may be added.
 */
export interface PebbleEnv {
  /** `1`: validate at once instead of sleeping 0–`PEBBLE_VA_SLEEPTIME` s first. Default `1`. */
  readonly PEBBLE_VA_NOSLEEP?: string | undefined;
  /** Upper bound in seconds of the random validation sleep when it is on. */
  readonly PEBBLE_VA_SLEEPTIME?: string | undefined;
  /** Percentage of valid nonces rejected as badNonce. Default `0`. */
  readonly PEBBLE_WFE_NONCEREJECT?: string | undefined;
  /** `1`: every challenge validates without a lookup. */
  readonly PEBBLE_VA_ALWAYS_VALID?: string | undefined;
  /** Percentage of new orders that reuse a valid authorization. Default `0`. */
  readonly PEBBLE_AUTHZREUSE?: string | undefined;
  /** Intermediates between leaf and root (minimum and Pebble default 1). */
  readonly PEBBLE_CHAIN_LENGTH?: string | undefined;
  /** Number of alternate root chains offered (`Link: rel="alternate"`). */
  readonly PEBBLE_ALTERNATE_ROOTS?: string | undefined;
  /** Orders per page of an account's orders list. */
  readonly PEBBLE_WFE_ORDERS_PER_PAGE?: string | undefined;
  /** Any other variable for Pebble's process. */
  readonly [name: string]: string | undefined;
}

/** One External Account Binding credential: the key id and its base64url-encoded HMAC key. */
export interface EabKey {
  readonly kid: string;
  readonly hmacKey: string;
}

/** Options for {@link startPebble}. Every field is optional. */
export interface PebbleOptions {
  /**
   * Environment overrides merged over {@link DEFAULT_PEBBLE_ENV} and this process's environment
   * (minus any inherited `PEBBLE_*`, so a developer's shell cannot change a test's behaviour).
   */
  readonly env?: PebbleEnv;
  /**
   * The DNS server Pebble resolves through for every validation, `host:port`, e.g. a BIND9 from
   * `startBind9`. Default: the pebble-challtestsrv started alongside (answers A 127.0.0.1 for any name).
   */
  readonly dnsServer?: string;
  /**
   * The port Pebble connects to for HTTP-01 validation; the caller serves it on 127.0.0.1. Default: a
   * free port on which pebble-challtestsrv serves HTTP-01 answers (see {@link ChallTestSrv.addHttp01}).
   */
  readonly httpPort?: number;
  /** The port Pebble connects to for TLS-ALPN-01 validation; default a free port nobody serves. */
  readonly tlsPort?: number;
  /**
   * Turns on External Account Binding (RFC 8555 §7.3.4). `required` defaults to `true`; `keys`
   * defaults to one fresh random key with kid `kid-1`. Without this option EAB is not required.
   */
  readonly externalAccountBinding?: {
    readonly required?: boolean;
    readonly keys?: readonly EabKey[];
  };
  /**
   * Retry-After seconds for authorizations and orders. Only Pebble >= 2.5 reads this; Debian's 2.4.0
   * ignores the field (Go's JSON decoder skips unknown keys) and sends no Retry-After.
   */
  readonly retryAfter?: { readonly authz: number; readonly order: number };
  /** Lifetime of issued certificates in seconds; Pebble's default is 5 years. */
  readonly certificateValidityPeriod?: number;
  /** Domains Pebble refuses to issue for (`rejectedIdentifier`). */
  readonly domainBlocklist?: readonly string[];
  /** Extra keys merged last into the `pebble` object of the config file. */
  readonly extraConfig?: Readonly<Record<string, unknown>>;
  /** Run with `-strict` (upcoming API breaking changes). Default `false`. */
  readonly strict?: boolean;
  /**
   * The CA whose leaf Pebble serves on its HTTPS listeners; default a fresh one from `createTestCa()`.
   * Pass one CA to several Pebbles so one `https.Agent` trusts them all.
   */
  readonly ca?: TestCa;
  /** Bound on the wait for `/dir` and pebble-challtestsrv; default 15 000 ms. */
  readonly startupTimeoutMs?: number;
}

/** The pebble-challtestsrv next to a {@link Pebble}: a mock DNS server and HTTP-01 responder. */
export interface ChallTestSrv {
  /** Its plain-HTTP management API, e.g. `http://127.0.0.1:1234`. */
  readonly managementUrl: string;
  /** Its DNS server, `127.0.0.1:port` (UDP and TCP). */
  readonly dnsAddress: string;
  /** The port it answers HTTP-01 on, or `undefined` when the caller supplied `httpPort`. */
  readonly http01Port: number | undefined;
  /** Sets the TXT answer for `host` (a trailing dot is added if missing); replaces earlier values. */
  addTxt(host: string, value: string): Promise<void>;
  /** Removes every TXT answer for `host`. */
  clearTxt(host: string): Promise<void>;
  /** Answers A queries for `host` with `ip` (one or more IPv4 addresses). */
  addA(host: string, ip: string | readonly string[]): Promise<void>;
  /** Removes the A answers for `host` (it falls back to the default 127.0.0.1). */
  clearA(host: string): Promise<void>;
  /** Serves `content` at `/.well-known/acme-challenge/<token>` on {@link http01Port}. */
  addHttp01(token: string, content: string): Promise<void>;
  /** Stops serving the HTTP-01 answer for `token`. */
  removeHttp01(token: string): Promise<void>;
  /** POSTs a JSON body to any management endpoint (e.g. `/set-servfail`); rejects unless 2xx. */
  post(path: string, body: unknown): Promise<void>;
}

/** A running Pebble plus pebble-challtestsrv, from {@link startPebble}. */
export interface Pebble {
  /** The ACME directory, `https://127.0.0.1:<port>/dir`. */
  readonly directoryUrl: string;
  /** The management API (HTTPS, same certificate), `https://127.0.0.1:<port>`. */
  readonly managementUrl: string;
  /** PEM of the test CA that signed Pebble's HTTPS listener certificate (not the ACME root). */
  readonly caCertPem: string;
  /** Path of that PEM inside {@link dir} (for `NODE_EXTRA_CA_CERTS` or a child process). */
  readonly caCertPath: string;
  /** An agent that trusts {@link caCertPem} and nothing else; destroyed by {@link stop}. */
  readonly httpsAgent: HttpsAgent;
  /** The DNS server Pebble validates through (`host:port`). */
  readonly dnsServer: string;
  /** The port Pebble validates HTTP-01 on. */
  readonly httpPort: number;
  /** The port Pebble validates TLS-ALPN-01 on. */
  readonly tlsPort: number;
  /** The EAB credentials Pebble accepts (empty unless `externalAccountBinding` was given). */
  readonly eabKeys: readonly EabKey[];
  /** The temp dir holding config, certificates and nothing else; removed by {@link stop}. */
  readonly dir: string;
  /** The config object written to `<dir>/pebble-config.json`. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Process ids, e.g. to check that {@link stop} ended them. */
  readonly pids: { readonly pebble: number; readonly challtestsrv: number };
  /** The mock DNS / HTTP-01 server. */
  readonly challtestsrv: ChallTestSrv;
  /** GETs the ACME root that issues end-entity certificates (`/roots/<index>`, default 0), as PEM. */
  fetchRootCertificate(index?: number): Promise<string>;
  /** The last output lines of both processes, for diagnosing a failed test. */
  output(): string;
  /** Kills both processes, waits for them to exit and removes {@link dir}. Safe to call twice. */
  stop(): Promise<void>;
}

interface HttpResult {
  readonly status: number;
  readonly body: string;
}

/** Per-request bound for the helper's own HTTP calls; loopback answers in milliseconds. */
const REQUEST_TIMEOUT_MS = 5_000;

function send(url: string, method: 'GET' | 'POST', body?: string, agent?: HttpsAgent): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const onResponse = (response: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    };
    const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const options = { method, headers, timeout: REQUEST_TIMEOUT_MS };
    const request = url.startsWith('https:')
      ? httpsRequest(url, { ...options, ...(agent === undefined ? {} : { agent }) }, onResponse)
      : httpRequest(url, options, onResponse);
    request.on('timeout', () => request.destroy(new Error(`timed out after ${REQUEST_TIMEOUT_MS} ms: ${method} ${url}`)));
    request.on('error', reject);
    request.end(body);
  });
}

function fqdn(host: string): string {
  return host.endsWith('.') ? host : `${host}.`;
}

function createChallTestSrv(managementUrl: string, dnsAddress: string, http01Port: number | undefined): ChallTestSrv {
  const post = async (path: string, body: unknown): Promise<void> => {
    const result = await send(`${managementUrl}${path}`, 'POST', JSON.stringify(body));
    if (result.status < 200 || result.status > 299) {
      throw new Error(`Unable to call pebble-challtestsrv ${path}, HTTP ${result.status}: ${result.body}`);
    }
  };
  return {
    managementUrl,
    dnsAddress,
    http01Port,
    post,
    addTxt: (host, value) => post('/set-txt', { host: fqdn(host), value }),
    clearTxt: (host) => post('/clear-txt', { host: fqdn(host) }),
    addA: (host, ip) => post('/add-a', { host: fqdn(host), addresses: typeof ip === 'string' ? [ip] : ip }),
    clearA: (host) => post('/clear-a', { host: fqdn(host) }),
    addHttp01: (token, content) => post('/add-http01', { token, content }),
    removeHttp01: (token) => post('/del-http01', { token }),
  };
}

function buildEnv(overrides: PebbleEnv | undefined): NodeJS.ProcessEnv {
  // A PEBBLE_* left in the developer's shell must not change what a test sees.
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('PEBBLE_'));
  const merged: Record<string, string | undefined> = { ...Object.fromEntries(inherited), ...DEFAULT_PEBBLE_ENV, ...overrides };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
}

async function startOnce(options: PebbleOptions, ca: TestCa, binaries: { pebble: string; challtestsrv: string }): Promise<Pebble> {
  const dir = makeTempDir('certdesk-pebble-');
  const processes: ManagedProcess[] = [];
  const httpsAgent = new HttpsAgent({ ca: ca.caCertPem });
  try {
    const files = await writeTestCa(ca, dir);
    // One call, so no two ports coincide; all six are free on UDP too, which only the DNS port needs.
    const [dnsPort, listenPort, managementPort, challManagementPort, chosenTlsPort, chosenHttpPort] = await freePorts(6, { udp: true });
    if (listenPort === undefined || managementPort === undefined || challManagementPort === undefined
      || chosenTlsPort === undefined || chosenHttpPort === undefined || dnsPort === undefined) {
      throw new Error('Unable to start Pebble, could not pick its ports');
    }
    const http01Port = options.httpPort === undefined ? chosenHttpPort : undefined;
    const httpPort = options.httpPort ?? chosenHttpPort;
    const tlsPort = options.tlsPort ?? chosenTlsPort;
    const challDns = `${LOOPBACK}:${dnsPort}`;
    const dnsServer = options.dnsServer ?? challDns;

    const eab = options.externalAccountBinding;
    const eabKeys: readonly EabKey[] = eab === undefined
      ? []
      : (eab.keys ?? [{ kid: 'kid-1', hmacKey: randomBytes(32).toString('base64url') }]);
    const config: Record<string, unknown> = {
      listenAddress: `${LOOPBACK}:${listenPort}`,
      managementListenAddress: `${LOOPBACK}:${managementPort}`,
      certificate: files.leafCertPath,
      privateKey: files.leafKeyPath,
      httpPort,
      tlsPort,
      ocspResponderURL: '',
      externalAccountBindingRequired: eab === undefined ? false : (eab.required ?? true),
      ...(eabKeys.length === 0 ? {} : { externalAccountMACKeys: Object.fromEntries(eabKeys.map((key) => [key.kid, key.hmacKey])) }),
      ...(options.retryAfter === undefined ? {} : { retryAfter: options.retryAfter }),
      ...(options.certificateValidityPeriod === undefined ? {} : { certificateValidityPeriod: options.certificateValidityPeriod }),
      ...(options.domainBlocklist === undefined ? {} : { domainBlocklist: options.domainBlocklist }),
      ...options.extraConfig,
    };
    const configPath = join(dir, 'pebble-config.json');
    await writeFile(configPath, JSON.stringify({ pebble: config }, null, 2));

    // Only the listeners asked for, all on loopback: challtestsrv's defaults bind :5001-5003 on every
    // interface. AAAA answers are off so Pebble never dials ::1, where nothing of ours listens.
    const challtestsrv = spawnManaged(binaries.challtestsrv, [
      '-management', `${LOOPBACK}:${challManagementPort}`,
      '-dns01', challDns,
      '-http01', http01Port === undefined ? '' : `${LOOPBACK}:${http01Port}`,
      '-https01', '',
      '-tlsalpn01', '',
      '-defaultIPv4', LOOPBACK,
      '-defaultIPv6', '',
    ], { name: 'pebble-challtestsrv', cwd: dir });
    processes.push(challtestsrv);
    const pebble = spawnManaged(binaries.pebble, [
      '-config', configPath,
      '-dnsserver', dnsServer,
      ...(options.strict === true ? ['-strict'] : []),
    ], { name: 'pebble', cwd: dir, env: buildEnv(options.env) });
    processes.push(pebble);

    const directoryUrl = `https://${LOOPBACK}:${listenPort}/dir`;
    const managementUrl = `https://${LOOPBACK}:${managementPort}`;
    const challManagementUrl = `http://${LOOPBACK}:${challManagementPort}`;
    const probeResolver = new dns.Resolver({ timeout: 500, tries: 1 });
    probeResolver.setServers([challDns]);
    await waitUntilReady(async () => {
      // Trusting only this CA makes a stranger on a reused port fail the probe (unless it shares the CA).
      const directory = await send(directoryUrl, 'GET', undefined, httpsAgent);
      if (directory.status !== 200 || !directory.body.includes('newAccount')) return false;
      await send(`${challManagementUrl}/`, 'GET');
      const answers = await probeResolver.resolve4('readiness-probe.certdesk.invalid');
      return answers.includes(LOOPBACK);
    }, {
      what: `Pebble at ${directoryUrl}`,
      processes,
      ...(options.startupTimeoutMs === undefined ? {} : { timeoutMs: options.startupTimeoutMs }),
    });

    let stopped: Promise<void> | undefined;
    return {
      directoryUrl,
      managementUrl,
      caCertPem: ca.caCertPem,
      caCertPath: files.caCertPath,
      httpsAgent,
      dnsServer,
      httpPort,
      tlsPort,
      eabKeys,
      dir,
      config,
      pids: { pebble: pebble.pid, challtestsrv: challtestsrv.pid },
      challtestsrv: createChallTestSrv(challManagementUrl, challDns, http01Port),
      fetchRootCertificate: async (index = 0) => {
        const result = await send(`${managementUrl}/roots/${index}`, 'GET', undefined, httpsAgent);
        if (result.status !== 200 || !result.body.includes('-----BEGIN CERTIFICATE-----')) {
          throw new Error(`Unable to fetch Pebble root ${index}, HTTP ${result.status}: ${result.body}`);
        }
        return result.body;
      },
      output: () => describeOutput(processes),
      stop: () => {
        stopped ??= (async () => {
          httpsAgent.destroy();
          await Promise.all(processes.map((managed) => managed.stop()));
          await removeTempDir(dir);
        })();
        return stopped;
      },
    };
  } catch (error) {
    httpsAgent.destroy();
    await Promise.all(processes.map((managed) => managed.stop()));
    await removeTempDir(dir);
    throw error;
  }
}

/**
 * Starts pebble-challtestsrv and Pebble on free 127.0.0.1 ports in a fresh temp dir, with a fresh
 * test CA for Pebble's HTTPS listeners, and resolves once `GET /dir` answers over HTTPS and the mock
 * DNS answers. Defaults: {@link DEFAULT_PEBBLE_ENV}, no EAB, challtestsrv as DNS and HTTP-01 server.
 * Retries with fresh ports if a port was lost to another process. Rejects with
 * "pebble not found: install the Debian package `pebble`" if a binary is missing, or with an
 * "Unable to start Pebble" error quoting both processes' output tails if it is not ready within
 * `startupTimeoutMs` or exits early; nothing is left running or on disk then.
 * Always call {@link Pebble.stop}; processes still running when this process exits are killed.
 */
export async function startPebble(options: PebbleOptions = {}): Promise<Pebble> {
  const binaries = {
    pebble: requireExecutable('pebble', 'pebble'),
    challtestsrv: requireExecutable('pebble-challtestsrv', 'pebble'),
  };
  const ca = options.ca ?? await createTestCa();
  return withPortRetry(() => startOnce(options, ca, binaries));
}
