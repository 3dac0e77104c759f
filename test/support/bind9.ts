import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as dns } from 'node:dns';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeOutput, findExecutable, makeTempDir, removeTempDir, requireExecutable, spawnManaged, waitUntilReady, type ManagedProcess } from './processes.ts';
import { LOOPBACK, freePort, isAddressInUse, withPortRetry } from './ports.ts';

/** The zone served unless another is asked for; `.test` is reserved for testing (RFC 2606). */
export const DEFAULT_ZONE = 'certdesk.test';

/** The TSIG key name used unless another is asked for. */
export const DEFAULT_TSIG_KEY_NAME = 'certdesk-test-key';

/**
 * TTL of every record in the test zone, and the SOA timers. Short, because nothing caches in front
 * of this server and a long TTL would only mislead a reader into thinking caching matters here.
 */
const ZONE_TTL = 60;

/**
 * named's log lines when its port is taken: a taken TCP port is logged and ignored; a taken UDP port
 * makes it exit with "creating IPv4 interface lo failed" / "unable to listen on any configured interfaces".
 */
const NAMED_PORT_LOST = /address in use|creating IPv4 interface \S+ failed|unable to listen on any configured interfaces/i;

/** Bound on one `nsupdate` run: loopback answers in milliseconds, so 10 s means the server is gone. */
const NSUPDATE_TIMEOUT_MS = 10_000;

/** A TSIG key (RFC 8945): its name, HMAC algorithm and base64 secret, as `named.conf` spells them. */
export interface TsigKey {
  readonly name: string;
  readonly algorithm: 'hmac-sha256';
  readonly secret: string;
}

/** Options for {@link startBind9}. Every field is optional. */
export interface Bind9Options {
  /** The zone to serve (no trailing dot); default {@link DEFAULT_ZONE}. */
  readonly zone?: string;
  /** Name of the generated TSIG key; default {@link DEFAULT_TSIG_KEY_NAME}. */
  readonly tsigKeyName?: string;
  /** Extra zone-file lines appended after the defaults, e.g. `'static IN TXT "x"'`. */
  readonly records?: readonly string[];
  /**
   * A fixed port (UDP and TCP) instead of a free one. Start then fails, without retrying, with an
   * "address in use" error if the port is taken. Default: a free port, retried on the rare collision.
   */
  readonly port?: number;
  /** Bound on the wait for the first SOA answer; default 15 000 ms. */
  readonly startupTimeoutMs?: number;
}

/** Options for {@link Bind9.nsupdate}. */
export interface NsupdateOptions {
  /** Sign with this key instead of the server's own (e.g. a wrong secret, to test refusal). */
  readonly tsig?: TsigKey;
}

/** A running BIND9 authoritative server for one zone, from {@link startBind9}. */
export interface Bind9 {
  /** Always `127.0.0.1`. */
  readonly host: string;
  /** The UDP and TCP port named listens on. */
  readonly port: number;
  /** `127.0.0.1:<port>`, the form Pebble's `dnsServer` and `Resolver.setServers` take. */
  readonly address: string;
  /** The zone served, without a trailing dot. */
  readonly zone: string;
  /** The key allowed to update the zone (RFC 2136); fresh random secret per start. */
  readonly tsig: TsigKey;
  /** The temp dir holding named.conf, the zone file and its journal; removed by {@link stop}. */
  readonly dir: string;
  /** named's process id. */
  readonly pid: number;
  /**
   * A new resolver that asks only this server (UDP, 1 s timeout, 2 tries). No caching happens
   * between it and named, so an update is visible to the next query.
   */
  resolver(): dns.Resolver;
  /**
   * Runs `nsupdate` (a real RFC 2136 client) against this server and zone, signed with {@link tsig}
   * (or `options.tsig`): the `server`, `zone` and final `send` lines are added around `commands`,
   * e.g. `['update add _acme-challenge.www.certdesk.test. 60 TXT "abc"']`. Resolves nsupdate's
   * output; rejects with "Unable to update <zone>" and that output if nsupdate exits non-zero
   * (REFUSED, NOTAUTH/TSIG failure, timeout after 10 s).
   */
  nsupdate(commands: readonly string[], options?: NsupdateOptions): Promise<string>;
  /** Adds a TXT record via {@link nsupdate}; `name` is absolute (a trailing dot is added). TTL 60 s. */
  addTxt(name: string, value: string): Promise<void>;
  /** Deletes TXT records at `name` via {@link nsupdate}: the one with `value`, or all when omitted. */
  removeTxt(name: string, value?: string): Promise<void>;
  /** The last lines of named's output, for diagnosing a failed test. */
  output(): string;
  /** Stops named (SIGTERM, SIGKILL after 3 s) and removes {@link dir}. Safe to call twice. */
  stop(): Promise<void>;
}

function absolute(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

/** Quotes a TXT value for a zone file or nsupdate line. */
function quoteTxt(value: string): string {
  return `"${value.replace(/["\\]/g, (char) => `\\${char}`)}"`;
}

function namedConf(dir: string, port: number, zone: string, tsig: TsigKey): string {
  return `// Generated by test/support/bind9.ts for one test run.
options {
  directory "${dir}";
  pid-file "${join(dir, 'named.pid')}";
  session-keyfile "${join(dir, 'session.key')}";
  managed-keys-directory "${dir}";
  listen-on port ${port} { ${LOOPBACK}; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  notify no;
  allow-transfer { none; };
  automatic-interface-scan no;
};
// No rndc: the helper stops named with a signal.
controls { };
key "${tsig.name}" {
  algorithm ${tsig.algorithm};
  secret "${tsig.secret}";
};
zone "${zone}" {
  type primary;
  file "${join(dir, 'zone.db')}";
  allow-update { key "${tsig.name}"; };
};
`;
}

function zoneFile(zone: string, instance: string, extra: readonly string[]): string {
  return [
    `$ORIGIN ${absolute(zone)}`,
    `$TTL ${ZONE_TTL}`,
    `@ IN SOA ns hostmaster 1 ${ZONE_TTL} ${ZONE_TTL} ${ZONE_TTL * 10} ${ZONE_TTL}`,
    '@ IN NS ns',
    `ns IN A ${LOOPBACK}`,
    // Every other name resolves to loopback, so Pebble's HTTP-01 lookups reach the test's server.
    `* IN A ${LOOPBACK}`,
    // Lets the readiness probe tell this named from a stranger that got the same port.
    `_certdesk-instance IN TXT ${quoteTxt(instance)}`,
    ...extra,
    '',
  ].join('\n');
}

function runNsupdate(binary: string, port: number, zone: string, tsig: TsigKey, commands: readonly string[]): Promise<string> {
  const script = [`server ${LOOPBACK} ${port}`, `zone ${absolute(zone)}`, ...commands, 'send', ''].join('\n');
  return new Promise((resolve, reject) => {
    const child = execFile(binary,
      ['-y', `${tsig.algorithm}:${tsig.name}:${tsig.secret}`, '-t', String(NSUPDATE_TIMEOUT_MS / 1000)],
      { timeout: NSUPDATE_TIMEOUT_MS + 1_000 },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trim();
        if (error === null) resolve(output);
        // Not error.message: it repeats the command line, secret included.
        else reject(new Error(`Unable to update ${zone}, nsupdate exited ${String(error.code ?? error.signal)}: ${output}`));
      });
    child.stdin?.end(script);
  });
}

async function startOnce(options: Bind9Options, binaries: { named: string; nsupdate: string }): Promise<Bind9> {
  const zone = options.zone ?? DEFAULT_ZONE;
  const tsig: TsigKey = {
    name: options.tsigKeyName ?? DEFAULT_TSIG_KEY_NAME,
    algorithm: 'hmac-sha256',
    // 32 bytes = the HMAC-SHA256 output size, what tsig-keygen generates too.
    secret: randomBytes(32).toString('base64'),
  };
  const instance = randomBytes(8).toString('hex');
  const dir = makeTempDir('certdesk-bind9-');
  let named: ManagedProcess | undefined;
  try {
    const port = options.port ?? await freePort({ udp: true });
    const confPath = join(dir, 'named.conf');
    await writeFile(confPath, namedConf(dir, port, zone, tsig));
    await writeFile(join(dir, 'zone.db'), zoneFile(zone, instance, options.records ?? []));

    // -g: foreground, log to stderr (captured). -4: IPv4 only. -n 1: one worker thread, plenty for a
    // test and quicker to start on two cores. No -u: as root named keeps running as root (it only
    // drops privileges when told to), which is what CI needs; as a normal user it simply runs as that user.
    named = spawnManaged(binaries.named, ['-g', '-4', '-n', '1', '-c', confPath], { name: 'named', cwd: dir });
    const address = `${LOOPBACK}:${port}`;
    const probe = new dns.Resolver({ timeout: 500, tries: 1 });
    probe.setServers([address]);
    const started = named;
    await waitUntilReady(async () => {
      // Losing the TCP port is not fatal to named (it serves UDP only), so its log is the only sign.
      if (NAMED_PORT_LOST.test(started.output())) {
        throw new Error(`named could not bind ${address}: address in use\n${describeOutput([started])}`);
      }
      const [soa, marker] = await Promise.all([probe.resolveSoa(zone), probe.resolveTxt(`_certdesk-instance.${zone}`)]);
      return soa.nsname === `ns.${zone}` && marker.some((chunks) => chunks.join('') === instance);
    }, {
      what: `BIND9 (named) for ${zone} at ${address}`,
      processes: [named],
      ...(options.startupTimeoutMs === undefined ? {} : { timeoutMs: options.startupTimeoutMs }),
    });

    const nsupdate = (commands: readonly string[], updateOptions: NsupdateOptions = {}): Promise<string> =>
      runNsupdate(binaries.nsupdate, port, zone, updateOptions.tsig ?? tsig, commands);
    let stopped: Promise<void> | undefined;
    return {
      host: LOOPBACK,
      port,
      address,
      zone,
      tsig,
      dir,
      pid: started.pid,
      resolver: () => {
        const resolver = new dns.Resolver({ timeout: 1_000, tries: 2 });
        resolver.setServers([address]);
        return resolver;
      },
      nsupdate,
      addTxt: async (name, value) => {
        await nsupdate([`update add ${absolute(name)} ${ZONE_TTL} IN TXT ${quoteTxt(value)}`]);
      },
      removeTxt: async (name, value) => {
        await nsupdate([`update delete ${absolute(name)} IN TXT${value === undefined ? '' : ` ${quoteTxt(value)}`}`]);
      },
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
    await named?.stop();
    await removeTempDir(dir);
    if (named !== undefined && NAMED_PORT_LOST.test(named.output()) && !isAddressInUse(error)) {
      // Spelled so that withPortRetry recognises it and tries again on a fresh port.
      throw new Error(`named could not bind its port: address in use\n${describeOutput([named])}`, { cause: error });
    }
    throw error;
  }
}

/**
 * Starts BIND9 (`named -g`) as the authoritative server for a test zone on a free 127.0.0.1 port
 * (UDP and TCP), in a fresh temp dir that holds all its files, and resolves once it answers the
 * zone's SOA. The zone has SOA, NS `ns`, `ns` A 127.0.0.1 and a wildcard A 127.0.0.1, and accepts
 * RFC 2136 updates signed with a fresh HMAC-SHA256 TSIG key. Recursion is off; there is no rndc.
 * Retries with a fresh port if the port was lost to another process. Rejects with
 * "named not found: install the Debian package `bind9`" (or `nsupdate` / `bind9-dnsutils`) if a
 * binary is missing, or with an "Unable to start BIND9" error quoting named's output tail if it is
 * not answering within `startupTimeoutMs` or exits early; nothing is left running or on disk then.
 */
export async function startBind9(options: Bind9Options = {}): Promise<Bind9> {
  const binaries = {
    // named lives in /usr/sbin, which a normal user's PATH often lacks.
    named: findExecutable('named') ?? requireExecutable('/usr/sbin/named', 'bind9'),
    nsupdate: requireExecutable('nsupdate', 'bind9-dnsutils'),
  };
  return options.port === undefined ? withPortRetry(() => startOnce(options, binaries)) : startOnce(options, binaries);
}
