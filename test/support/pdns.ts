import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as dns } from 'node:dns';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeOutput, findExecutable, makeTempDir, removeTempDir, requireExecutable, spawnManaged, waitUntilReady, type ManagedProcess } from './processes.ts';
import { LOOPBACK, freePorts, isAddressInUse, withPortRetry } from './ports.ts';

/** The zone served unless others are asked for; `.test` is reserved for testing (RFC 2606). */
export const DEFAULT_PDNS_ZONE = 'pdns.test';

/** The schema Debian's `pdns-backend-sqlite3` ships for a fresh gsqlite3 database. */
export const PDNS_SQLITE_SCHEMA = '/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql';

/**
 * TTL of every record the helper creates, and the SOA timers. Short, because nothing caches in front
 * of this server (and pdns's own caches are off); a long TTL would only suggest caching matters here.
 */
const ZONE_TTL = 60;

/**
 * pdns_server's log lines when a port is taken: a taken DNS port is fatal ("Unable to bind UDP socket
 * to '127.0.0.1:N': Address already in use"), a taken webserver port is logged and the server runs on
 * without its API ("Listening on HTTP socket failed: While binding: Address already in use").
 */
const PDNS_PORT_LOST = /address already in use|Listening on HTTP socket failed/i;

/** Bound on one API call or `sqlite3` run: loopback answers in milliseconds, so 10 s means it is gone. */
const CALL_TIMEOUT_MS = 10_000;

/** One record to create at start, in the zone that contains its name. */
export interface PdnsRecord {
  /** Owner name, with or without the trailing dot. */
  readonly name: string;
  /** Record type, e.g. `A`, `TXT`. */
  readonly type: string;
  /** Content in zone-file presentation format (TXT quoted: `'"hello"'`). */
  readonly content: string;
}

/** Options for {@link startPdns}. Every field is optional. */
export interface PdnsOptions {
  /** Zones to create (no trailing dot needed); default `[DEFAULT_PDNS_ZONE]`. */
  readonly zones?: readonly string[];
  /** Extra records created with the zones, each in the zone that contains its name. */
  readonly records?: readonly PdnsRecord[];
  /** Bound on the wait for the API and then for the DNS answers; default 15 000 ms each. */
  readonly startupTimeoutMs?: number;
}

/** One rrset as the pdns API returns it. */
export interface PdnsRrset {
  readonly name: string;
  readonly type: string;
  readonly ttl: number;
  readonly records: ReadonlyArray<{ readonly content: string; readonly disabled: boolean }>;
}

/** A running PowerDNS Authoritative Server with a gsqlite3 backend, from {@link startPdns}. */
export interface Pdns {
  /** Where it answers DNS (UDP and TCP): always on 127.0.0.1. */
  readonly dnsAddress: { readonly host: string; readonly port: number };
  /** `127.0.0.1:<dns port>`, the form Pebble's `dnsServer` and `Resolver.setServers` take. */
  readonly address: string;
  /** The webserver's base URL, `http://127.0.0.1:<port>` (the API is under `/api/v1`). */
  readonly apiUrl: string;
  /** The API key (`X-API-Key`), fresh and random per start. */
  readonly apiKey: string;
  /** The zones created, without trailing dots. */
  readonly zones: readonly string[];
  /** The temp dir holding pdns.conf, the sqlite3 database and the control socket; removed by {@link stop}. */
  readonly dir: string;
  /** pdns_server's process id. */
  readonly pid: number;
  /**
   * Calls the API as the admin would: `path` is relative to `/api/v1/servers/localhost` (e.g.
   * `/zones`). Resolves the parsed JSON body (`undefined` for 204); rejects with
   * "Unable to <method> <path>, pdns answered <status>: <error>" on any other status.
   */
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** The rrset at `name` of `type` as the API holds it, or `undefined` when there is none. */
  rrset(name: string, type: string): Promise<PdnsRrset | undefined>;
  /** Replaces the rrset at `name` of `type` with `contents` (TTL 60 s), or deletes it when empty. */
  setRrset(name: string, type: string, contents: readonly string[]): Promise<void>;
  /** The TXT values pdns serves at `name` over DNS now (each record's strings joined), sorted; `[]` when none. */
  txt(name: string): Promise<string[]>;
  /** A new resolver that asks only this server (UDP, 1 s timeout, 2 tries). */
  resolver(): dns.Resolver;
  /** The last lines of pdns_server's output, for diagnosing a failed test. */
  output(): string;
  /** Stops pdns_server (SIGTERM, SIGKILL after 3 s) and removes {@link dir}. Safe to call twice. */
  stop(): Promise<void>;
}

function absolute(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

function relative(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

function pdnsConf(dir: string, dnsPort: number, webPort: number, apiKey: string): string {
  return [
    '# Generated by test/support/pdns.ts for one test run.',
    'launch=gsqlite3',
    `gsqlite3-database=${join(dir, 'pdns.sqlite3')}`,
    `local-address=${LOOPBACK}`,
    `local-port=${dnsPort}`,
    'api=yes',
    `api-key=${apiKey}`,
    'webserver=yes',
    `webserver-address=${LOOPBACK}`,
    `webserver-port=${webPort}`,
    `webserver-allow-from=${LOOPBACK}`,
    // Supervised by the test (spawnManaged), logging to stderr, files in the temp dir.
    'guardian=no',
    'daemon=no',
    'disable-syslog=yes',
    `socket-dir=${dir}`,
    // Caches off, so an API change is what the next DNS query sees (as with a real, uncached
    // authoritative server after its TTLs; the tests must not wait out a cache).
    'cache-ttl=0',
    'negquery-cache-ttl=0',
    'query-cache-ttl=0',
    // No security-status lookups: the network is closed, and the answer is irrelevant to a test.
    'security-poll-suffix=',
    // Every zone's SOA names its own `ns` host; `@` is the zone.
    `default-soa-content=ns.@ hostmaster.@ 0 ${ZONE_TTL} ${ZONE_TTL} ${ZONE_TTL * 10} ${ZONE_TTL}`,
    // One thread each is plenty for a test and lighter on a two-core machine.
    'receiver-threads=1',
    'distributor-threads=1',
    '',
  ].join('\n');
}

function runSqlite(binary: string, database: string, schema: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(binary, [database, `.read ${schema}`], { timeout: CALL_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error === null) resolve();
      else reject(new Error(`Unable to create the pdns database ${database}, sqlite3 exited ${String(error.code ?? error.signal)}: ${`${stdout}${stderr}`.trim()}`));
    });
  });
}

/** Groups `records` into rrsets for the zone `zone` (absolute), the helper's defaults first. */
function initialRrsets(zone: string, instance: string, records: readonly PdnsRecord[]): unknown[] {
  const sets = new Map<string, { name: string; type: string; contents: string[] }>();
  const add = (name: string, type: string, content: string): void => {
    const key = `${absolute(name).toLowerCase()} ${type.toUpperCase()}`;
    const set = sets.get(key) ?? { name: absolute(name), type: type.toUpperCase(), contents: [] };
    set.contents.push(content);
    sets.set(key, set);
  };
  add(`ns.${zone}`, 'A', LOOPBACK);
  // Every other name resolves to loopback, so Pebble's HTTP-01 lookups reach the test's server.
  add(`*.${zone}`, 'A', LOOPBACK);
  // Lets the readiness probe tell this pdns from a stranger that got the same port.
  add(`_certdesk-instance.${zone}`, 'TXT', `"${instance}"`);
  for (const record of records) {
    const name = absolute(record.name).toLowerCase();
    if (name === zone || name.endsWith(`.${zone}`)) add(record.name, record.type, record.content);
  }
  return [...sets.values()].map((set) => ({
    name: set.name,
    type: set.type,
    ttl: ZONE_TTL,
    changetype: 'REPLACE',
    records: set.contents.map((content) => ({ content, disabled: false })),
  }));
}

async function callApi<T>(apiUrl: string, apiKey: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${apiUrl}/api/v1/servers/localhost${path}`, {
    method,
    headers: { 'X-API-Key': apiKey, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  const text = await response.text();
  if (!response.ok) {
    let reason = text;
    try {
      reason = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // Not JSON (e.g. a bare "Not Found"): quote it as it is.
    }
    throw new Error(`Unable to ${method} ${path}, pdns answered ${response.status}: ${reason}`);
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

async function txtAt(resolver: dns.Resolver, name: string): Promise<string[]> {
  try {
    return (await resolver.resolveTxt(relative(name))).map((chunks) => chunks.join('')).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENODATA' || code === 'ENOTFOUND') return [];
    throw error;
  }
}

function newResolver(address: string): dns.Resolver {
  const resolver = new dns.Resolver({ timeout: 1_000, tries: 2 });
  resolver.setServers([address]);
  return resolver;
}

async function startOnce(options: PdnsOptions, binaries: { pdns: string; sqlite3: string }): Promise<Pdns> {
  const zones = (options.zones ?? [DEFAULT_PDNS_ZONE]).map((zone) => relative(zone).toLowerCase());
  // 32 random bytes, hex: long enough that no guess gets in, and header-safe.
  const apiKey = randomBytes(32).toString('hex');
  const instance = randomBytes(8).toString('hex');
  const dir = makeTempDir('certdesk-pdns-');
  let pdns: ManagedProcess | undefined;
  try {
    // Two distinct ports from one call; the web port need not be free on UDP, but it does no harm.
    const [dnsPort, webPort] = await freePorts(2, { udp: true });
    if (dnsPort === undefined || webPort === undefined) throw new Error('Unable to pick ports for pdns');
    await runSqlite(binaries.sqlite3, join(dir, 'pdns.sqlite3'), PDNS_SQLITE_SCHEMA);
    await writeFile(join(dir, 'pdns.conf'), pdnsConf(dir, dnsPort, webPort, apiKey), { mode: 0o600 });

    pdns = spawnManaged(binaries.pdns, [`--config-dir=${dir}`], { name: 'pdns_server', cwd: dir });
    const started = pdns;
    const apiUrl = `http://${LOOPBACK}:${webPort}`;
    const address = `${LOOPBACK}:${dnsPort}`;
    const portLost = (): void => {
      if (PDNS_PORT_LOST.test(started.output())) {
        throw new Error(`pdns_server could not bind its ports: address in use\n${describeOutput([started])}`);
      }
    };
    const timeouts = options.startupTimeoutMs === undefined ? {} : { timeoutMs: options.startupTimeoutMs };
    await waitUntilReady(async () => {
      portLost();
      // Our random key proves the answer comes from this pdns, not a stranger on the port.
      const server = await callApi<{ daemon_type?: string }>(apiUrl, apiKey, 'GET', '');
      return server.daemon_type === 'authoritative';
    }, { what: `the PowerDNS API at ${apiUrl}`, processes: [started], ...timeouts });

    const api = <T>(method: string, path: string, body?: unknown): Promise<T> => callApi<T>(apiUrl, apiKey, method, path, body);
    for (const zone of zones) {
      await api('POST', '/zones', {
        name: absolute(zone),
        kind: 'Native',
        nameservers: [`ns.${absolute(zone)}`],
        rrsets: initialRrsets(absolute(zone), instance, options.records ?? []),
      });
    }
    const probe = new dns.Resolver({ timeout: 500, tries: 1 });
    probe.setServers([address]);
    await waitUntilReady(async () => {
      portLost();
      const answers = await Promise.all(zones.map((zone) => txtAt(probe, `_certdesk-instance.${zone}`)));
      return answers.every((values) => values.includes(instance));
    }, { what: `PowerDNS answering DNS at ${address}`, processes: [started], ...timeouts });

    const zoneOf = (name: string): string => {
      const lower = relative(name).toLowerCase();
      const zone = zones.filter((candidate) => lower === candidate || lower.endsWith(`.${candidate}`)).sort((a, b) => b.length - a.length)[0];
      if (zone === undefined) throw new Error(`Unable to find the zone of ${name}, this pdns serves only ${zones.join(', ')}`);
      return absolute(zone);
    };
    let stopped: Promise<void> | undefined;
    return {
      dnsAddress: { host: LOOPBACK, port: dnsPort },
      address,
      apiUrl,
      apiKey,
      zones,
      dir,
      pid: started.pid,
      api,
      rrset: async (name, type) => {
        const query = `rrset_name=${encodeURIComponent(absolute(name))}&rrset_type=${encodeURIComponent(type)}`;
        const zone = await api<{ rrsets: PdnsRrset[] }>('GET', `/zones/${encodeURIComponent(zoneOf(name))}?${query}`);
        // Filtered by the server already; checked again so a server ignoring the filter cannot mislead.
        return zone.rrsets.find((set) => set.name.toLowerCase() === absolute(name).toLowerCase() && set.type === type);
      },
      setRrset: async (name, type, contents) => {
        const rrset = contents.length === 0
          ? { name: absolute(name), type, changetype: 'DELETE' }
          : { name: absolute(name), type, ttl: ZONE_TTL, changetype: 'REPLACE', records: contents.map((content) => ({ content, disabled: false })) };
        await api('PATCH', `/zones/${encodeURIComponent(zoneOf(name))}`, { rrsets: [rrset] });
      },
      txt: (name) => txtAt(newResolver(address), name),
      resolver: () => newResolver(address),
      output: () => describeOutput([started]),
      stop: () => {
        stopped ??= (async () => {
          await started.stop();
          await removeTempDir(dir);
        })();
        return stopped;
      },
    };
  } catch (error) {
    await pdns?.stop();
    await removeTempDir(dir);
    if (pdns !== undefined && PDNS_PORT_LOST.test(pdns.output()) && !isAddressInUse(error)) {
      // Spelled so that withPortRetry recognises it and tries again on fresh ports.
      throw new Error(`pdns_server could not bind its ports: address in use\n${describeOutput([pdns])}`, { cause: error });
    }
    throw error;
  }
}

/**
 * Starts a throwaway PowerDNS Authoritative Server (`pdns_server`, Debian's `pdns-server` with the
 * `pdns-backend-sqlite3` backend) on free 127.0.0.1 ports: DNS on UDP+TCP, the HTTP API (v1) with a
 * fresh random API key. Everything lives in a fresh temp dir: pdns.conf, a sqlite3 database made
 * from Debian's schema with the `sqlite3` CLI, the control socket. Its packet and query caches are
 * off, so an API change is visible to the next DNS query. It then creates each zone through the API
 * (kind Native; SOA, NS `ns`, `ns` A 127.0.0.1, a wildcard A 127.0.0.1, plus `options.records`), and
 * resolves once every zone answers over DNS. Retries on fresh ports if a port was lost to another
 * process. Rejects with "pdns_server not found: install the Debian package `pdns-server`" (or
 * `sqlite3` / `pdns-backend-sqlite3`) when something is missing, or with an "Unable to start …"
 * error quoting pdns's output tail if it exits or is not ready in time; nothing is left running or on
 * disk then.
 */
export async function startPdns(options: PdnsOptions = {}): Promise<Pdns> {
  const binaries = {
    // pdns_server lives in /usr/sbin, which a normal user's PATH often lacks.
    pdns: findExecutable('pdns_server') ?? requireExecutable('/usr/sbin/pdns_server', 'pdns-server'),
    sqlite3: requireExecutable('sqlite3', 'sqlite3'),
  };
  if (!existsSync(PDNS_SQLITE_SCHEMA)) {
    throw new Error(`${PDNS_SQLITE_SCHEMA} not found: install the Debian package \`pdns-backend-sqlite3\``);
  }
  return withPortRetry(() => startOnce(options, binaries));
}
