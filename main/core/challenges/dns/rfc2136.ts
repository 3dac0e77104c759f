import { randomInt } from 'node:crypto';
import { DnsError, type DnsFailure } from './dns-error.ts';
import { displayName, encodeName, isWithin, toFqdn } from './names.ts';
import type { DnsCheckResult, DnsProvider, DnsProviderDefinition } from './provider.ts';
import { exchange, formatServerAddress, parseServerAddress, type ServerAddress } from './transport.ts';
import { createTsigKey, signMessage, TSIG_ERROR, verifyResponse, type TsigAlgorithm, type TsigKey, type TsigKeyOptions, type TsigVerification } from './tsig.ts';
import { findZone } from './zone.ts';

/**
 * TTL of the TXT records we add. Short because the record lives for minutes and a resolver that
 * cached it would keep serving a stale value after cleanup; 60 s is what lego and certbot use.
 */
export const RFC2136_TTL_SECONDS = 60;

/**
 * Default per-attempt wait for an answer. A primary answers an update in milliseconds; 5 s leaves room
 * for a busy or distant one (nsupdate retries UDP every 3 s) while a dead one fails within ~10 s.
 */
export const RFC2136_DEFAULT_TIMEOUT_MS = 5_000;

const OPCODE_UPDATE = 5;
const TYPE_SOA = 6;
const TYPE_TXT = 16;
const CLASS_IN = 1;
/** CLASS NONE: "delete this RR from an RRset" (RFC 2136 §2.5.4). */
const CLASS_NONE = 254;
/** A TXT character-string holds at most 255 octets (RFC 1035 §3.3). */
const MAX_TXT_STRING = 255;

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'] as const;

/** Settings of the RFC 2136 provider, as `dns add --provider rfc2136` takes them. */
export interface Rfc2136Options {
  /** The zone's primary server, `host:port` (port default 53). */
  readonly server: string;
  /** The TSIG key the server accepts updates with (RFC 8945). */
  readonly tsig: TsigKeyOptions;
  /** The zone to update; default: found by asking {@link server} for SOA (see `findZone`). */
  readonly zone?: string | undefined;
  /** Per-attempt wait for an answer; default {@link RFC2136_DEFAULT_TIMEOUT_MS}. */
  readonly timeoutMs?: number | undefined;
}

/** The RFC 2136 provider: a {@link DnsProvider} plus its zone lookup (for `dns check` and logs). */
export interface Rfc2136Provider extends DnsProvider {
  readonly kind: 'rfc2136';
  /** The zone `fqdn` is updated in: the configured one, or the one found (cached per name). */
  zoneOf(fqdn: string): Promise<string>;
}

/** TXT RDATA: the value split into ≤255-octet character-strings (RFC 1035 §3.3.14). */
function txtRdata(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const parts: Buffer[] = [];
  for (let start = 0; start === 0 || start < bytes.length; start += MAX_TXT_STRING) {
    const chunk = bytes.subarray(start, start + MAX_TXT_STRING);
    parts.push(Buffer.from([chunk.length]), chunk);
  }
  return Buffer.concat(parts);
}

/**
 * An unsigned UPDATE message (RFC 2136 §2): zone section = the zone's SOA question, no
 * prerequisites, one update RR. `add` puts `value` into the TXT RRset at `name` (§2.5.1; adding an
 * RR that exists is a no-op, §3.4.2.2); `delete` removes just that RR (§2.5.4: CLASS NONE, TTL 0),
 * never the RRset, so another value on the same name (wildcard + apex) stays.
 */
export function buildTxtUpdate(id: number, zone: string, name: string, value: string, operation: 'add' | 'delete'): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(OPCODE_UPDATE << 11, 2);
  header.writeUInt16BE(1, 4); // ZOCOUNT
  header.writeUInt16BE(0, 6); // PRCOUNT
  header.writeUInt16BE(1, 8); // UPCOUNT
  header.writeUInt16BE(0, 10); // ADCOUNT
  const zoneSection = Buffer.alloc(4);
  zoneSection.writeUInt16BE(TYPE_SOA, 0);
  zoneSection.writeUInt16BE(CLASS_IN, 2);
  const rdata = txtRdata(value);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(TYPE_TXT, 0);
  fixed.writeUInt16BE(operation === 'add' ? CLASS_IN : CLASS_NONE, 2);
  fixed.writeUInt32BE(operation === 'add' ? RFC2136_TTL_SECONDS : 0, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([header, encodeName(zone), zoneSection, encodeName(name), fixed, rdata]);
}

/** Why an update failed, from its RCODE and TSIG check; `undefined` when it succeeded. */
export interface UpdateFailure {
  readonly failure: DnsFailure;
  readonly reason: string;
}

const AUTH_REASON = 'the TSIG key or its secret is wrong (or clocks differ)';

function tsigErrorName(error: number): string {
  const entry = Object.entries(TSIG_ERROR).find(([, code]) => code === error);
  return entry?.[0] ?? `TSIG error ${error}`;
}

/**
 * Maps an update response to a failure (pure; tested as a table). A verified TSIG makes the RCODE
 * trustworthy; a missing or bad one never lets a NOERROR count as success.
 */
export function describeUpdateFailure(rcode: string, tsig: TsigVerification, zone: string): UpdateFailure | undefined {
  if (tsig.status === 'invalid') {
    return { failure: 'network', reason: `the answer's TSIG signature is not valid (${tsig.reason}); it may be forged or damaged in transit` };
  }
  if (tsig.status === 'rejected' || (tsig.status === 'verified' && tsig.error !== 0)) {
    return { failure: 'auth', reason: `${AUTH_REASON}: the server answered ${rcode}/${tsigErrorName(tsig.error)}` };
  }
  if (rcode === 'NOERROR') {
    return tsig.status === 'verified' ? undefined : { failure: 'network', reason: 'the server answered without a TSIG signature, so the answer cannot be trusted' };
  }
  switch (rcode) {
    case 'NOTAUTH':
      // With our signature verified, NOTAUTH means "not authoritative for the zone" (RFC 2136 §2.2);
      // without one it is the server failing to verify us (RFC 8945 §5.2).
      return tsig.status === 'verified'
        ? { failure: 'zone_not_found', reason: `zone not found: the server is not authoritative for ${displayName(zone)} (NOTAUTH)` }
        : { failure: 'auth', reason: `${AUTH_REASON}: the server answered NOTAUTH` };
    case 'REFUSED':
      return { failure: 'refused', reason: 'the server does not allow updates for this zone with this key (REFUSED)' };
    case 'NOTZONE':
    case 'NXDOMAIN':
      return { failure: 'zone_not_found', reason: `zone not found: ${displayName(zone)} is not a zone the server holds for this name (${rcode})` };
    case 'NOTIMP':
      return { failure: 'server_error', reason: 'the server does not implement dynamic updates (NOTIMP)' };
    default:
      return { failure: 'server_error', reason: `the server answered ${rcode}` };
  }
}

/**
 * An unsigned standard query for SOA at `name`, recursion off (RFC 1035 §4.1): what `check()` signs
 * to prove the TSIG key without changing anything.
 */
export function buildSoaQuery(id: number, name: string): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(1, 4); // QDCOUNT
  const question = Buffer.alloc(4);
  question.writeUInt16BE(TYPE_SOA, 0);
  question.writeUInt16BE(CLASS_IN, 2);
  return Buffer.concat([header, encodeName(name), question]);
}

/**
 * Maps the answer to `check()`'s signed SOA query to a failure (pure; tested as a table). Only the
 * TSIG matters: a server signs its answer with our key only if it verified our request with it,
 * whatever the RCODE (REFUSED for a zone it does not serve is fine). No signature with NOTAUTH is
 * the server rejecting the key (RFC 8945 §5.2); no signature otherwise proves nothing.
 */
export function describeCheckFailure(rcode: string, tsig: TsigVerification): UpdateFailure | undefined {
  switch (tsig.status) {
    case 'invalid':
      return { failure: 'network', reason: `the answer's TSIG signature is not valid (${tsig.reason}); it may be forged or damaged in transit` };
    case 'rejected':
      return { failure: 'auth', reason: `${AUTH_REASON}: the server answered ${rcode}/${tsigErrorName(tsig.error)}` };
    case 'verified':
      return tsig.error === 0 ? undefined : { failure: 'auth', reason: `${AUTH_REASON}: the server answered ${rcode}/${tsigErrorName(tsig.error)}` };
    case 'absent':
      return rcode === 'NOTAUTH'
        ? { failure: 'auth', reason: `${AUTH_REASON}: the server answered NOTAUTH` }
        : { failure: 'network', reason: `the server answered ${rcode} without a TSIG signature, so the key could not be checked` };
  }
}

function remedyFor(failure: DnsFailure, key: TsigKey, server: string, zone: string): string {
  switch (failure) {
    case 'auth':
      return `Check that the key name (${displayName(key.name)}), algorithm (${key.algorithm}) and secret match the server's key exactly, and that this machine's clock is within 5 minutes of the server's.`;
    case 'refused':
      return `Allow the key ${displayName(key.name)} to update ${displayName(zone)} on ${server} (BIND: allow-update { key "${displayName(key.name)}"; } or an update-policy grant for TXT).`;
    case 'zone_not_found':
      return `Check that ${server} is the primary server of the zone, or set the zone explicitly.`;
    case 'server_error':
      return `Look at the DNS server's log on ${server} for why it rejected the update.`;
    default:
      return `Check that ${server} is reachable and is the right server.`;
  }
}

/**
 * Creates the RFC 2136 provider: TXT records added and removed by dynamic UPDATE messages
 * (RFC 2136) signed with TSIG (RFC 8945), as `nsupdate -y` does.
 *
 * Transport: UDP, one retry after a timeout, TCP when the answer is truncated. An UPDATE and its
 * answer are a few hundred octets, so UDP is enough, and both our updates are idempotent (adding an
 * existing RR and deleting a missing one are no-ops), so the retry is safe even if the first update
 * was applied and only its answer lost. Each answer must match our ID, carry a TSIG that verifies
 * against our key (RFC 8945 §5.3) and have RCODE NOERROR.
 *
 * Zone: `zone` when given; otherwise the server itself is asked for SOA at the name and its parents
 * (it is authoritative, so one query usually names the apex), cached per name.
 *
 * Check: a TSIG-signed SOA query (recursion off) for the configured zone, else the root, changes
 * nothing and proves the key: the server signs its answer only if our signature verified. Resolves
 * with the configured zone when the server answered for it, else with no zones (RFC 2136 servers
 * cannot list theirs). Rejects with `auth` for a wrong key, secret or clock, `network` otherwise.
 *
 * Throws a `bad_config` {@link DnsError} at once for a bad server or key; `present`/`cleanup` reject
 * with `auth`, `refused`, `zone_not_found`, `server_error` or `network` errors. No message contains
 * the secret. Safe for concurrent use.
 */
export function createRfc2136Provider(options: Rfc2136Options): Rfc2136Provider {
  let server: ServerAddress;
  try {
    server = parseServerAddress(options.server);
  } catch (error) {
    throw new DnsError('bad_config', `Unable to use the RFC 2136 server, ${(error as Error).message}`, {
      remedy: 'Give the primary DNS server as host:port, e.g. 192.0.2.53:53 or [2001:db8::53]:53.',
    });
  }
  const key = createTsigKey(options.tsig);
  let configuredZone: string | undefined;
  if (options.zone !== undefined && options.zone !== '') {
    try {
      configuredZone = toFqdn(options.zone);
    } catch (error) {
      throw new DnsError('bad_config', `Unable to use the RFC 2136 zone, ${(error as Error).message}`, { remedy: 'Give the zone as a domain name, e.g. example.com.' });
    }
  }
  const timeoutMs = options.timeoutMs ?? RFC2136_DEFAULT_TIMEOUT_MS;
  const serverText = formatServerAddress(server);
  const zones = new Map<string, Promise<string>>();

  const nameOf = (fqdn: string, action: string): string => {
    try {
      return toFqdn(fqdn);
    } catch (error) {
      throw new DnsError('bad_config', `Unable to ${action}, ${(error as Error).message}`);
    }
  };

  const zoneOf = (name: string): Promise<string> => {
    if (configuredZone !== undefined) return Promise.resolve(configuredZone);
    let zone = zones.get(name);
    if (zone === undefined) {
      zone = findZone({ fqdn: name, server, recursionDesired: false, timeoutMs });
      zones.set(name, zone);
      // Only answers are cached: a failure (network, not yet delegated) is asked again next time.
      zone.catch(() => { zones.delete(name); });
    }
    return zone;
  };

  const update = async (fqdn: string, value: string, operation: 'add' | 'delete'): Promise<void> => {
    const verb = operation === 'add' ? 'add' : 'remove';
    const action = `${verb} the TXT record ${displayName(fqdn)} via RFC 2136 at ${serverText}`;
    const name = nameOf(fqdn, action);
    const zone = await zoneOf(name);
    if (!isWithin(name, zone)) {
      throw new DnsError('zone_not_found', `Unable to ${action}, zone not found: the name is not inside the configured zone ${displayName(zone)}`, {
        remedy: 'Set the zone that contains the name, or leave it empty to find it automatically.',
      });
    }
    const id = randomInt(0, 0x10000);
    const signed = signMessage(buildTxtUpdate(id, zone, name, value, operation), key);
    const response = await exchange(server, signed.message, { action, timeoutMs });
    const rcode = RCODES[(response[3] ?? 0) & 0x0f] ?? `RCODE ${(response[3] ?? 0) & 0x0f}`;
    const failed = describeUpdateFailure(rcode, verifyResponse(response, key, signed.mac), zone);
    if (failed !== undefined) {
      throw new DnsError(failed.failure, `Unable to ${action}, ${failed.reason}`, { remedy: remedyFor(failed.failure, key, serverText, zone) });
    }
  };

  const check = async (signal?: AbortSignal): Promise<DnsCheckResult> => {
    const name = configuredZone ?? '.';
    const action = `check the TSIG key ${displayName(key.name)} at ${serverText}`;
    const signed = signMessage(buildSoaQuery(randomInt(0, 0x10000), name), key);
    const response = await exchange(server, signed.message, { action, timeoutMs, signal });
    const rcode = RCODES[(response[3] ?? 0) & 0x0f] ?? `RCODE ${(response[3] ?? 0) & 0x0f}`;
    const failed = describeCheckFailure(rcode, verifyResponse(response, key, signed.mac));
    if (failed !== undefined) {
      throw new DnsError(failed.failure, `Unable to ${action}, ${failed.reason}`, { remedy: remedyFor(failed.failure, key, serverText, name) });
    }
    return configuredZone !== undefined && rcode === 'NOERROR' ? { zones: [configuredZone] } : {};
  };

  return {
    kind: 'rfc2136',
    check,
    zoneOf: async (fqdn) => zoneOf(nameOf(fqdn, `find the DNS zone of ${displayName(fqdn)}`)),
    present: (fqdn, value) => update(fqdn, value, 'add'),
    cleanup: (fqdn, value) => update(fqdn, value, 'delete'),
  };
}

/**
 * The TSIG algorithms `dns add` offers. HMAC-SHA1 is left out on purpose: RFC 8945 §6 keeps it only
 * for interoperability, and the stored configuration has never accepted it.
 */
export const RFC2136_ALGORITHMS = ['hmac-sha256', 'hmac-sha384', 'hmac-sha512'] as const satisfies ReadonlyArray<TsigAlgorithm>;

/** `host:port` with a port 1–65535; IPv6 literals in brackets. The port is required, as config.json stores it. */
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/;

/** Why `value` is not a `host:port` the provider can use, or `undefined`. */
function serverProblem(value: string): string | undefined {
  const match = HOST_PORT.exec(value);
  const port = Number(match?.[2]);
  if (match === null || port < 1 || port > 65535) return 'it is not host:port (e.g. 192.0.2.53:53 or [2001:db8::53]:53)';
  return undefined;
}

/** Why `value` is not a usable TSIG secret, or `undefined`. */
function secretProblem(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || Buffer.from(value, 'base64').length < 16) {
    return 'it is not a base64 key of at least 16 bytes (use the secret from your key file, as tsig-keygen printed it)';
  }
  return undefined;
}

/**
 * The `rfc2136` kind: `server`, `tsigName`, `tsigSecret` (secret; kept at `dns/<name>/tsig-secret`
 * as before) and `tsigAlgorithm`. Propagation defaults: 60 s, every 2 s (lego's for RFC 2136: the
 * admin's own primary notifies its secondaries within seconds).
 */
export const rfc2136Definition: DnsProviderDefinition = {
  kind: 'rfc2136',
  label: { en: 'RFC 2136 (BIND, Knot, PowerDNS, …)', 'zh-CN': 'RFC 2136（BIND、Knot、PowerDNS 等）' },
  help: {
    en: 'Dynamic DNS updates (RFC 2136) signed with a TSIG key, as nsupdate sends them. The key must be allowed to update TXT records in the zone.',
    'zh-CN': '使用 TSIG 密钥签名的动态 DNS 更新（RFC 2136），与 nsupdate 相同。该密钥必须有权更新区域中的 TXT 记录。',
  },
  fields: [
    {
      key: 'server',
      label: { en: 'Primary server', 'zh-CN': '主服务器' },
      help: { en: 'host:port of the zone\'s primary server, which accepts the updates.', 'zh-CN': '接受更新的区域主服务器，格式为 host:port。' },
      secret: false,
      example: '192.0.2.53:53',
      validate: serverProblem,
    },
    {
      key: 'tsigName',
      label: { en: 'TSIG key name', 'zh-CN': 'TSIG 密钥名称' },
      help: { en: 'The key\'s name as the server\'s configuration spells it (key "…" in named.conf).', 'zh-CN': '服务器配置中的密钥名称（named.conf 中的 key "…"）。' },
      secret: false,
      example: 'certdesk',
      validate: (value) => (value.length > 255 ? 'it is longer than 255 characters' : undefined),
    },
    {
      key: 'tsigSecret',
      label: { en: 'TSIG secret', 'zh-CN': 'TSIG 密钥' },
      help: {
        en: 'The key\'s base64 secret, as tsig-keygen printed it; set CERTDESK_DNS_TSIG_SECRET to keep it out of shell history.',
        'zh-CN': '密钥的 base64 内容（tsig-keygen 输出的值）；可设置 CERTDESK_DNS_TSIG_SECRET 环境变量，避免其出现在命令历史中。',
      },
      secret: true,
      validate: secretProblem,
    },
    {
      key: 'tsigAlgorithm',
      label: { en: 'TSIG algorithm', 'zh-CN': 'TSIG 算法' },
      help: { en: 'The key\'s HMAC algorithm.', 'zh-CN': '密钥的 HMAC 算法。' },
      secret: false,
      optional: true,
      choices: RFC2136_ALGORITHMS,
      defaultValue: 'hmac-sha256',
    },
  ],
  propagation: { timeoutSeconds: 60, intervalSeconds: 2 },
  create: (credentials) => createRfc2136Provider({
    server: credentials.server ?? '',
    tsig: {
      name: credentials.tsigName ?? '',
      secret: credentials.tsigSecret ?? '',
      algorithm: (RFC2136_ALGORITHMS as ReadonlyArray<string>).includes(credentials.tsigAlgorithm ?? '') ? credentials.tsigAlgorithm as TsigAlgorithm : 'hmac-sha256',
    },
  }),
};
