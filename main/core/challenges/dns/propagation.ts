import { getServers } from 'node:dns';
import { setTimeout as sleep } from 'node:timers/promises';
import { DnsError } from './dns-error.ts';
import { displayName, formatDuration, toFqdn } from './names.ts';
import { DNS_PORT, formatServerAddress, parseServerAddress, query, type QueryResponse, type ServerAddress } from './transport.ts';
import { findZone } from './zone.ts';

/**
 * Default bound on the wait. Most DNS providers publish to every authoritative server within a
 * minute; 120 s is lego's default propagation timeout and short enough to report a real failure.
 */
export const PROPAGATION_DEFAULT_TIMEOUT_MS = 120_000;

/** Default pause between rounds: lego's default interval, gentle on the servers asked. */
export const PROPAGATION_DEFAULT_INTERVAL_MS = 2_000;

/**
 * Per-attempt timeout of each query. Authoritative servers answer in well under a second; an answer
 * slower than this is treated as "not yet" and asked again next round.
 */
const QUERY_TIMEOUT_MS = 2_000;

/** CNAME hops followed from `_acme-challenge.<domain>` before giving up on a loop or a chain too long. */
const MAX_CNAME_HOPS = 8;

/** Options for {@link waitForTxt}. */
export interface WaitForTxtOptions {
  /** The name the TXT record was written at, e.g. `_acme-challenge.example.com.`. */
  readonly fqdn: string;
  /** The value that must be visible. */
  readonly value: string;
  /**
   * Ask only this server (`host:port`, port default 53), with recursion desired. Default: the zone's
   * authoritative servers, each asked directly with recursion off.
   */
  readonly resolver?: string | undefined;
  /** Bound on the whole wait; default {@link PROPAGATION_DEFAULT_TIMEOUT_MS}. */
  readonly timeoutMs?: number | undefined;
  /** Pause between rounds; default {@link PROPAGATION_DEFAULT_INTERVAL_MS}. */
  readonly intervalMs?: number | undefined;
  /** Aborts the wait; rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Recursive resolvers (`host:port`) used, without `resolver`, to find the zone (SOA walk), its NS
   * names and their addresses. Default: the system's (`dns.getServers()`).
   */
  readonly bootstrap?: readonly string[] | undefined;
  /**
   * The port the authoritative servers are asked on; default 53. Only tests running their own
   * authoritative server on another port change it.
   */
  readonly nameserverPort?: number | undefined;
}

/** What {@link waitForTxt} resolves with once every server shows the value. */
export interface PropagationResult {
  /** How long the wait took, in milliseconds. */
  readonly elapsedMs: number;
  /** The name that was queried last: `fqdn`, or the end of its CNAME chain. Absolute. */
  readonly checkedName: string;
  /** The servers that showed the value, `host:port`. */
  readonly servers: readonly string[];
}

/** One server's answer in one round. */
interface ServerCheck {
  readonly server: string;
  readonly seen: boolean;
  /** Why not, for the timeout message: "answered without the value", "NXDOMAIN", the network error. */
  readonly detail: string;
}

/** One round's outcome. */
interface Round {
  readonly checkedName: string;
  readonly checks: readonly ServerCheck[];
}

/** Where to ask about a name, and whether to set RD. */
interface View {
  readonly servers: readonly ServerAddress[];
  readonly recursionDesired: boolean;
}

/**
 * Follows the CNAME chain from `name` inside one response (servers include in-zone chains, resolvers
 * the whole chain) and returns its end and the TXT values owned by that end.
 */
export function followAnswer(name: string, response: QueryResponse): { end: string; values: readonly string[] } {
  let end = name;
  const seen = new Set([end]);
  for (;;) {
    const cname = response.answers.find((record) => record.type === 'CNAME' && record.name === end);
    if (cname === undefined || seen.has(cname.data)) break;
    end = cname.data;
    seen.add(end);
  }
  const values = response.answers.filter((record) => record.type === 'TXT' && record.name === end).map((record) => record.data);
  return { end, values };
}

/** True when a resolver gave an answer (data, no data or NXDOMAIN), not a refusal or failure. */
function answered(response: QueryResponse): boolean {
  return response.rcode === 'NOERROR' || response.rcode === 'NXDOMAIN';
}

function errorDetail(error: unknown): string {
  if (error instanceof DnsError) return error.message.replace(/^Unable to [^,]*, /, '');
  throw error;
}

/** Resolves `servers` for `zone`: its NS names, then each name's IPv4 addresses (IPv6 only where a name has none). */
async function authoritativeServers(zone: string, bootstrap: readonly ServerAddress[], port: number, signal: AbortSignal | undefined): Promise<ServerAddress[]> {
  const action = `find the authoritative servers of ${displayName(zone)}`;
  const ask = async (name: string, type: 'NS' | 'A' | 'AAAA'): Promise<QueryResponse> => {
    let lastError: DnsError | undefined;
    let refused: QueryResponse | undefined;
    for (const server of bootstrap) {
      try {
        const response = await query(server, name, type, { action, recursionDesired: true, timeoutMs: QUERY_TIMEOUT_MS, signal });
        // A resolver that will not answer (REFUSED, SERVFAIL) says nothing: ask the next one.
        if (answered(response)) return response;
        refused ??= response;
      } catch (error) {
        if (!(error instanceof DnsError)) throw error;
        lastError = error;
      }
    }
    if (refused !== undefined) return refused;
    throw lastError ?? new DnsError('network', `Unable to ${action}, no resolver is configured on this system`);
  };
  const ns = (await ask(zone, 'NS')).answers.filter((record) => record.type === 'NS' && record.name === zone).map((record) => record.data);
  if (ns.length === 0) {
    throw new DnsError('zone_not_found', `Unable to ${action}, the zone has no NS records`);
  }
  const addresses = await Promise.all(ns.map(async (host) => {
    const v4 = (await ask(host, 'A')).answers.filter((record) => record.type === 'A').map((record) => record.data);
    if (v4.length > 0) return v4;
    return (await ask(host, 'AAAA')).answers.filter((record) => record.type === 'AAAA').map((record) => record.data);
  }));
  const unique = [...new Set(addresses.flat())];
  if (unique.length === 0) throw new DnsError('network', `Unable to ${action}, none of its name servers (${ns.map(displayName).join(', ')}) has an address`);
  return unique.map((host) => ({ host, port }));
}

/** The system's resolvers (`/etc/resolv.conf` and the like), skipping any entry we cannot use. */
function systemResolvers(): ServerAddress[] {
  return getServers().flatMap((text) => {
    try {
      return [parseServerAddress(text)];
    } catch {
      return [];
    }
  });
}

function parseServers(texts: readonly string[], what: string): ServerAddress[] {
  return texts.map((text) => {
    try {
      return parseServerAddress(text);
    } catch (error) {
      throw new DnsError('bad_config', `Unable to use ${text} as ${what}, ${(error as Error).message}`, {
        remedy: 'Give the DNS server as host:port, e.g. 192.0.2.53:53, or leave it empty to ask the zone\'s authoritative servers.',
      });
    }
  });
}

/**
 * Waits until the TXT record `value` at `fqdn` is visible where the CA will look, before the DNS-01
 * challenge is answered (RFC 8555 §8.4: the CA looks it up right after the answer; an early answer
 * fails the authorization for good).
 *
 * Default: find the zone holding the name (SOA walk through the system's resolvers, or `bootstrap`),
 * resolve its NS names to addresses, and ask each of them directly with recursion off, so no cache
 * can show an old answer; every one must show the value, as the CA may ask any. With `resolver`, ask
 * only that server, recursion on.
 *
 * A CNAME at the name (the acme-dns delegation pattern) is followed, up to 8 hops, to where the
 * record really lives; {@link PropagationResult.checkedName} says which name that was. Each round
 * starts afresh (after `intervalMs`), so a record or a CNAME that appears mid-wait is found.
 *
 * Rejects with a `not_visible` {@link DnsError} after `timeoutMs` naming the servers that did not show
 * the value and what they answered; with `bad_config` for a malformed `resolver`; with the signal's
 * reason when aborted.
 */
export async function waitForTxt(options: WaitForTxtOptions): Promise<PropagationResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? PROPAGATION_DEFAULT_TIMEOUT_MS;
  const intervalMs = options.intervalMs ?? PROPAGATION_DEFAULT_INTERVAL_MS;
  const deadline = started + timeoutMs;
  const { signal } = options;
  let fqdn: string;
  try {
    fqdn = toFqdn(options.fqdn);
  } catch (error) {
    throw new DnsError('bad_config', `Unable to check the TXT record at ${options.fqdn}, ${(error as Error).message}`);
  }
  const fixed = options.resolver === undefined || options.resolver === ''
    ? undefined
    : parseServers([options.resolver], 'the propagation-check resolver');
  const bootstrap = options.bootstrap !== undefined
    ? parseServers(options.bootstrap, 'a bootstrap resolver')
    : fixed === undefined ? systemResolvers() : [];
  const port = options.nameserverPort ?? DNS_PORT;
  const zoneViews = new Map<string, View>();

  const viewFor = async (name: string): Promise<View> => {
    if (fixed !== undefined) return { servers: fixed, recursionDesired: true };
    let lastError: DnsError | undefined;
    for (const resolver of bootstrap) {
      try {
        const zone = await findZone({ fqdn: name, server: resolver, recursionDesired: true, timeoutMs: QUERY_TIMEOUT_MS, signal });
        let view = zoneViews.get(zone);
        if (view === undefined) {
          view = { servers: await authoritativeServers(zone, bootstrap, port, signal), recursionDesired: false };
          zoneViews.set(zone, view);
        }
        return view;
      } catch (error) {
        if (!(error instanceof DnsError)) throw error;
        lastError = error;
      }
    }
    throw lastError ?? new DnsError('network', `Unable to find the DNS zone of ${displayName(name)}, no resolver is configured on this system`);
  };

  const round = async (): Promise<Round> => {
    let name = fqdn;
    for (let hop = 0; ; hop++) {
      const view = await viewFor(name);
      const action = `check the TXT record at ${displayName(name)}`;
      const answers = await Promise.all(view.servers.map(async (server) => {
        try {
          return { server, response: await query(server, name, 'TXT', { action, recursionDesired: view.recursionDesired, timeoutMs: QUERY_TIMEOUT_MS, signal }) };
        } catch (error) {
          return { server, error: errorDetail(error) };
        }
      }));
      const followed = answers.map((answer) => (answer.response === undefined ? undefined : followAnswer(name, answer.response)));
      // A CNAME seen by any server moves the check to its target: that is where the record lives. If
      // the answer already holds the target's TXT (a resolver, or an in-zone chain), that is the end.
      const chain = followed.find((result) => result !== undefined && result.end !== name);
      if (chain !== undefined && chain.values.length === 0 && hop < MAX_CNAME_HOPS) {
        name = chain.end;
        continue;
      }
      return {
        checkedName: chain?.end ?? name,
        checks: answers.map(({ server, response, error }, index): ServerCheck => {
          const address = formatServerAddress(server);
          const values = followed[index]?.values;
          if (response === undefined || values === undefined) return { server: address, seen: false, detail: error ?? 'no answer' };
          if (values.includes(options.value)) return { server: address, seen: true, detail: 'shows the value' };
          if (response.rcode !== 'NOERROR') return { server: address, seen: false, detail: `answered ${response.rcode}` };
          return { server: address, seen: false, detail: values.length === 0 ? 'has no TXT record there' : `has ${values.length} other TXT value(s) there` };
        }),
      };
    }
  };

  let last: Round | undefined;
  let lastProblem = '';
  for (;;) {
    signal?.throwIfAborted();
    // The message at the deadline reports the latest round only: earlier answers may be out of date.
    try {
      last = await round();
      if (last.checks.length > 0 && last.checks.every((check) => check.seen)) {
        return { elapsedMs: Math.round(performance.now() - started), checkedName: last.checkedName, servers: last.checks.map((check) => check.server) };
      }
    } catch (error) {
      last = undefined;
      lastProblem = errorDetail(error);
    }
    const remaining = deadline - performance.now();
    if (remaining <= 0) break;
    try {
      await sleep(Math.min(intervalMs, remaining), undefined, { signal });
    } catch (error) {
      signal?.throwIfAborted();
      throw error;
    }
  }

  const waited = formatDuration(timeoutMs);
  const checked = last === undefined ? displayName(fqdn) : displayName(last.checkedName);
  const via = last === undefined || last.checkedName === fqdn ? '' : ` (followed the CNAME at ${displayName(fqdn)} to ${checked})`;
  const missing = last?.checks.filter((check) => !check.seen) ?? [];
  const why = missing.length > 0
    ? `${missing.length} of ${last?.checks.length ?? 0} servers did not show it after ${waited}: ${missing.map((check) => `${check.server} ${check.detail}`).join('; ')}`
    : `it could not be checked within ${waited}: ${lastProblem}`;
  throw new DnsError('not_visible', `Unable to confirm the TXT record at ${checked}${via}, ${why}`, {
    remedy: 'Check that the DNS provider wrote the record in the zone these servers serve; if it is just slow to publish, raise the propagation timeout.',
  });
}

/** Options for {@link followCnames}. */
export interface FollowCnamesOptions {
  /** The name to start from, e.g. `_acme-challenge.www.example.com.`. */
  readonly fqdn: string;
  /** Ask only this resolver (`host:port`), recursion on. Default: `bootstrap`. */
  readonly resolver?: string | undefined;
  /**
   * Resolvers (`host:port`) asked in turn, recursion on, until one answers (one that refuses or
   * fails is skipped). Default: the system's (`dns.getServers()`), as {@link waitForTxt} uses.
   */
  readonly bootstrap?: readonly string[] | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Where a CNAME chain ends, from {@link followCnames}. */
export interface CnameTarget {
  /** The end of the chain, absolute: `fqdn` itself when it has no CNAME. */
  readonly target: string;
  /** Every name followed, `fqdn` first and `target` last; one entry when there was no CNAME. */
  readonly chain: readonly string[];
}

/**
 * Follows the CNAME chain at `fqdn` (the acme-dns delegation pattern: `_acme-challenge.example.com`
 * CNAME `<id>.auth.example.org`) to the name that really holds the TXT record, up to 8 hops, through
 * the same resolvers the propagation check starts from. A name that does not exist (NXDOMAIN) or has
 * no CNAME ends the chain.
 *
 * Rejects with a `bad_config` {@link DnsError} for a loop or a chain longer than 8 hops (the CA
 * would fail too), with `network` when no resolver answers, with `bad_config` for a malformed
 * resolver, and with the signal's reason when aborted.
 */
export async function followCnames(options: FollowCnamesOptions): Promise<CnameTarget> {
  let fqdn: string;
  try {
    fqdn = toFqdn(options.fqdn);
  } catch (error) {
    throw new DnsError('bad_config', `Unable to look up the CNAME at ${options.fqdn}, ${(error as Error).message}`);
  }
  const servers = options.resolver !== undefined && options.resolver !== ''
    ? parseServers([options.resolver], 'the propagation-check resolver')
    : options.bootstrap !== undefined ? parseServers(options.bootstrap, 'a bootstrap resolver') : systemResolvers();
  const chain = [fqdn];
  const remedy = 'Fix the CNAME records at these names so that the chain ends at the name that holds the TXT record.';
  for (;;) {
    const name = chain.at(-1) ?? fqdn;
    const action = `look up the CNAME at ${displayName(name)}`;
    let response: QueryResponse | undefined;
    let lastError: DnsError | undefined;
    for (const server of servers) {
      try {
        const candidate = await query(server, name, 'CNAME', { action, recursionDesired: true, timeoutMs: QUERY_TIMEOUT_MS, signal: options.signal });
        if (answered(candidate)) {
          response = candidate;
          break;
        }
        lastError = new DnsError('network', `Unable to ${action}, ${formatServerAddress(server)} answered ${candidate.rcode}`);
      } catch (error) {
        if (!(error instanceof DnsError)) throw error;
        lastError = error;
      }
    }
    if (response === undefined) {
      throw lastError ?? new DnsError('network', `Unable to ${action}, no resolver is configured on this system`, {
        remedy: 'Set the propagation-check resolver (--resolver host:port) of the DNS provider.',
      });
    }
    const next = response.answers.find((record) => record.type === 'CNAME' && record.name === name)?.data;
    if (next === undefined) return { target: name, chain };
    if (chain.includes(next)) {
      throw new DnsError('bad_config', `Unable to follow the CNAME at ${displayName(fqdn)}, the chain loops: ${[...chain, next].map(displayName).join(' → ')}`, { remedy });
    }
    chain.push(next);
    if (chain.length - 1 > MAX_CNAME_HOPS) {
      throw new DnsError('bad_config', `Unable to follow the CNAME at ${displayName(fqdn)}, the chain is longer than ${MAX_CNAME_HOPS} hops: ${chain.map(displayName).join(' → ')}`, { remedy });
    }
  }
}
