import { createHmac, timingSafeEqual } from 'node:crypto';
import { DnsError } from './dns-error.ts';
import { encodeName, readName, toFqdn } from './names.ts';

/** The HMAC algorithms CertDesk signs with (RFC 8945 §6; HMAC-MD5 is deprecated and not offered). */
export type TsigAlgorithm = 'hmac-sha1' | 'hmac-sha256' | 'hmac-sha384' | 'hmac-sha512';

/** Every {@link TsigAlgorithm}, for validating settings. */
export const TSIG_ALGORITHMS: readonly TsigAlgorithm[] = ['hmac-sha1', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'];

/** Node's hash name and the MAC length in octets for each algorithm. */
const HASHES: Readonly<Record<TsigAlgorithm, { hash: string; macLength: number }>> = {
  'hmac-sha1': { hash: 'sha1', macLength: 20 },
  'hmac-sha256': { hash: 'sha256', macLength: 32 },
  'hmac-sha384': { hash: 'sha384', macLength: 48 },
  'hmac-sha512': { hash: 'sha512', macLength: 64 },
};

/** The TSIG RR type (RFC 8945 §4.2). */
const TYPE_TSIG = 250;

/** TSIG records have CLASS ANY and TTL 0 (RFC 8945 §4.2). */
const CLASS_ANY = 255;

/**
 * Seconds of clock difference allowed either way; 300 is what RFC 8945 §10 recommends and what
 * nsupdate and BIND send.
 */
export const TSIG_FUDGE_SECONDS = 300;

/** TSIG error codes (RFC 8945 §4.2, IANA "DNS RCODEs"); they travel in the TSIG record, not the header. */
export const TSIG_ERROR = { BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 } as const;

/** A key as the admin gives it, e.g. from `tsig-keygen` or `named.conf`. */
export interface TsigKeyOptions {
  /** The key's name as the server knows it, e.g. `certdesk-key` (case-insensitive). */
  readonly name: string;
  /** Default `hmac-sha256`. */
  readonly algorithm?: TsigAlgorithm | undefined;
  /** The shared secret, base64 as BIND prints it. */
  readonly secret: string;
}

/**
 * A validated TSIG key. The secret lives only inside {@link mac}'s closure, so logging or
 * serialising the key (JSON, `util.inspect`) can never print it.
 */
export interface TsigKey {
  /** Absolute, lower-case: the form the MAC covers (RFC 8945 §4.3.3). */
  readonly name: string;
  readonly algorithm: TsigAlgorithm;
  /** HMAC of `data` under the secret. */
  mac(data: Buffer): Buffer;
}

/** The fields of a TSIG record (RFC 8945 §4.2). */
export interface TsigRecord {
  readonly keyName: string;
  /** The algorithm's name, absolute and lower-case (`hmac-sha256.`). */
  readonly algorithmName: string;
  /** Seconds since the epoch. */
  readonly timeSigned: number;
  readonly fudge: number;
  readonly mac: Buffer;
  readonly originalId: number;
  readonly error: number;
  readonly otherData: Buffer;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Validates a key and returns it ready to sign. Throws a `bad_config` {@link DnsError} naming the
 * problem (bad name, unknown algorithm, secret not base64) without ever quoting the secret.
 */
export function createTsigKey(options: TsigKeyOptions): TsigKey {
  const algorithm = options.algorithm ?? 'hmac-sha256';
  const remedy = 'Copy the key name, algorithm and secret exactly as the DNS server\'s configuration has them (e.g. the `key` block in named.conf).';
  let name: string;
  try {
    name = toFqdn(options.name);
  } catch (error) {
    throw new DnsError('bad_config', `Unable to use the TSIG key, its name is invalid: ${(error as Error).message}`, { remedy });
  }
  if (!(TSIG_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new DnsError('bad_config', `Unable to use the TSIG key ${name}, the algorithm must be one of ${TSIG_ALGORITHMS.join(', ')}`, { remedy });
  }
  const compact = options.secret.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1) {
    throw new DnsError('bad_config', `Unable to use the TSIG key ${name}, its secret is not base64`, { remedy });
  }
  const secret = Buffer.from(compact, 'base64');
  const { hash } = HASHES[algorithm];
  return {
    name,
    algorithm,
    mac: (data) => createHmac(hash, secret).update(data).digest(),
  };
}

function u16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

function u48(value: number): Buffer {
  const buffer = Buffer.alloc(6);
  buffer.writeUIntBE(value, 0, 6);
  return buffer;
}

/** The "TSIG Variables" the MAC covers after the message (RFC 8945 §4.3.3), in canonical form. */
function tsigVariables(record: Omit<TsigRecord, 'mac' | 'originalId'>): Buffer {
  return Buffer.concat([
    encodeName(record.keyName),
    u16(CLASS_ANY),
    u32(0),
    encodeName(record.algorithmName),
    u48(record.timeSigned),
    u16(record.fudge),
    u16(record.error),
    u16(record.otherData.length),
    record.otherData,
  ]);
}

/** The TSIG resource record as it goes on the wire (RFC 8945 §4.2), names uncompressed. */
function encodeTsigRecord(record: TsigRecord): Buffer {
  const rdata = Buffer.concat([
    encodeName(record.algorithmName),
    u48(record.timeSigned),
    u16(record.fudge),
    u16(record.mac.length),
    record.mac,
    u16(record.originalId),
    u16(record.error),
    u16(record.otherData.length),
    record.otherData,
  ]);
  return Buffer.concat([encodeName(record.keyName), u16(TYPE_TSIG), u16(CLASS_ANY), u32(0), u16(rdata.length), rdata]);
}

/** Options for {@link signMessage}. */
export interface SignOptions {
  /** Seconds since the epoch; default now. Fixed only by tests reproducing a captured message. */
  readonly timeSigned?: number;
  /** Default {@link TSIG_FUDGE_SECONDS}. */
  readonly fudge?: number;
}

/**
 * Signs a request (RFC 8945 §4.3.1, §5.1): the MAC covers the whole unsigned message followed by the
 * TSIG variables; the TSIG record is appended as the last additional record and ARCOUNT raised by
 * one. Returns the signed message and the MAC, which {@link verifyResponse} needs for the answer.
 */
export function signMessage(message: Buffer, key: TsigKey, options: SignOptions = {}): { message: Buffer; mac: Buffer } {
  if (message.length < 12) throw new RangeError('a DNS message has a 12-octet header');
  const fields = {
    keyName: key.name,
    algorithmName: `${key.algorithm}.`,
    timeSigned: options.timeSigned ?? Math.floor(Date.now() / 1000),
    fudge: options.fudge ?? TSIG_FUDGE_SECONDS,
    error: 0,
    otherData: Buffer.alloc(0),
  };
  const mac = key.mac(Buffer.concat([message, tsigVariables(fields)]));
  const header = Buffer.from(message.subarray(0, 12));
  header.writeUInt16BE(header.readUInt16BE(10) + 1, 10);
  const record = encodeTsigRecord({ ...fields, mac, originalId: message.readUInt16BE(0) });
  return { message: Buffer.concat([header, message.subarray(12), record]), mac };
}

/**
 * Finds a TSIG record as the last additional record of `message` and returns it with the message as
 * it was before signing (TSIG removed, ARCOUNT lowered, the ID set back to the original ID: RFC 8945
 * §4.3.2). `undefined` when the last record is not a TSIG or there are no additional records; throws
 * a plain `Error` when the message is malformed.
 */
export function splitTsig(message: Buffer): { unsigned: Buffer; record: TsigRecord } | undefined {
  if (message.length < 12) throw new Error('message shorter than its header');
  const counts = [4, 6, 8, 10].map((offset) => message.readUInt16BE(offset));
  const [questions = 0, answers = 0, authorities = 0, additionals = 0] = counts;
  if (additionals === 0) return undefined;
  let offset = 12;
  for (let i = 0; i < questions; i++) offset = readName(message, offset).next + 4;
  const records = answers + authorities + additionals;
  let lastStart = offset;
  let last: { name: string; type: number; klass: number; rdataStart: number; rdataEnd: number } | undefined;
  for (let i = 0; i < records; i++) {
    lastStart = offset;
    const { name, next } = readName(message, offset);
    if (next + 10 > message.length) throw new Error('record header runs past the end of the message');
    const rdlength = message.readUInt16BE(next + 8);
    const rdataEnd = next + 10 + rdlength;
    if (rdataEnd > message.length) throw new Error('record data runs past the end of the message');
    last = { name, type: message.readUInt16BE(next), klass: message.readUInt16BE(next + 2), rdataStart: next + 10, rdataEnd };
    offset = rdataEnd;
  }
  if (last === undefined || last.type !== TYPE_TSIG) return undefined;
  if (last.klass !== CLASS_ANY) throw new Error('TSIG record has a class other than ANY');

  const { rdataEnd } = last;
  const algorithm = readName(message, last.rdataStart);
  let position = algorithm.next;
  const need = (octets: number): void => {
    if (position + octets > rdataEnd) throw new Error('TSIG record data is truncated');
  };
  need(10);
  const timeSigned = message.readUIntBE(position, 6);
  const fudge = message.readUInt16BE(position + 6);
  const macSize = message.readUInt16BE(position + 8);
  position += 10;
  need(macSize + 6);
  const mac = Buffer.from(message.subarray(position, position + macSize));
  position += macSize;
  const originalId = message.readUInt16BE(position);
  const error = message.readUInt16BE(position + 2);
  const otherLength = message.readUInt16BE(position + 4);
  position += 6;
  need(otherLength);
  const otherData = Buffer.from(message.subarray(position, position + otherLength));

  const header = Buffer.from(message.subarray(0, 12));
  header.writeUInt16BE(originalId, 0);
  header.writeUInt16BE(additionals - 1, 10);
  return {
    unsigned: Buffer.concat([header, message.subarray(12, lastStart)]),
    record: { keyName: last.name, algorithmName: algorithm.name, timeSigned, fudge, mac, originalId, error, otherData },
  };
}

/**
 * What {@link verifyResponse} found:
 * - `verified`: the MAC is right and fresh; `error` is the TSIG error field (0, or 18 BADTIME when the
 *   server thinks our clock is off).
 * - `rejected`: the server could not verify our request and says why in `error` (BADSIG, BADKEY,
 *   BADTIME); such answers carry no MAC (RFC 8945 §5.2), so they prove nothing but a failure.
 * - `absent`: no TSIG on the response.
 * - `invalid`: a MAC that does not verify, another key or algorithm, or a stale time: the answer
 *   may be forged and must not be believed.
 */
export type TsigVerification =
  | { readonly status: 'verified'; readonly error: number }
  | { readonly status: 'rejected'; readonly error: number }
  | { readonly status: 'absent' }
  | { readonly status: 'invalid'; readonly reason: string };

/**
 * Verifies the TSIG on a response to a request we signed with `key` and `requestMac`
 * (RFC 8945 §5.3): the MAC covers the request MAC (length-prefixed), the response without its TSIG
 * and with the original ID, and the response's TSIG variables. Also checks the key name, algorithm,
 * MAC length and that the time signed is within the fudge of `nowSeconds` (default now).
 * Never throws for a malformed TSIG: that is `invalid`.
 */
export function verifyResponse(response: Buffer, key: TsigKey, requestMac: Buffer, nowSeconds = Math.floor(Date.now() / 1000)): TsigVerification {
  let split: ReturnType<typeof splitTsig>;
  try {
    split = splitTsig(response);
  } catch (error) {
    return { status: 'invalid', reason: `malformed TSIG record (${(error as Error).message})` };
  }
  if (split === undefined) return { status: 'absent' };
  const { unsigned, record } = split;
  if (record.mac.length === 0) {
    return record.error === 0 ? { status: 'invalid', reason: 'unsigned TSIG record without an error' } : { status: 'rejected', error: record.error };
  }
  if (record.keyName !== key.name) return { status: 'invalid', reason: 'signed with another key' };
  if (record.algorithmName !== `${key.algorithm}.`) return { status: 'invalid', reason: 'signed with another algorithm' };
  if (record.mac.length !== HASHES[key.algorithm].macLength) return { status: 'invalid', reason: 'truncated MAC' };
  const expected = key.mac(Buffer.concat([u16(requestMac.length), requestMac, unsigned, tsigVariables(record)]));
  if (!timingSafeEqual(expected, record.mac)) return { status: 'invalid', reason: 'the MAC does not verify' };
  if (Math.abs(nowSeconds - record.timeSigned) > record.fudge) return { status: 'invalid', reason: 'signed outside the allowed time window' };
  return { status: 'verified', error: record.error };
}
