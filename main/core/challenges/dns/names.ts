/**
 * Domain names as DNS-01 handles them: absolute (trailing dot), lower-case ASCII, and their wire
 * form (RFC 1035 §3.1, §4.1.4). Names with escaped dots or non-ASCII bytes are out of scope: ACME
 * identifiers are LDH names in punycode, and `_acme-challenge` adds one underscore label.
 */

/** Longest wire-form name (RFC 1035 §2.3.4), length octets and the root's zero included. */
const MAX_NAME_OCTETS = 255;

/** Longest label (RFC 1035 §2.3.4). */
const MAX_LABEL_OCTETS = 63;

/** What a label may hold here: letters, digits, hyphen and underscore (`_acme-challenge`, SRV-style). */
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;

/** Pointers may chain, but no honest message needs more hops than a name has labels. */
const MAX_POINTER_HOPS = 128;

/**
 * Returns `name` absolute and lower-case (`Example.COM` → `example.com.`). Throws a plain `Error`
 * naming the problem when it is empty, too long, or has a label outside letters, digits, `-`, `_`;
 * callers wrap it in the error of their action.
 */
export function toFqdn(name: string): string {
  const lower = name.trim().toLowerCase();
  const absolute = lower.endsWith('.') ? lower : `${lower}.`;
  if (absolute === '.') throw new Error('the name is empty');
  const labels = absolute.slice(0, -1).split('.');
  let octets = 1;
  for (const label of labels) {
    if (label === '') throw new Error(`"${name}" has an empty label`);
    if (label.length > MAX_LABEL_OCTETS) throw new Error(`"${name}" has a label longer than ${MAX_LABEL_OCTETS} characters`);
    if (!LABEL.test(label)) throw new Error(`"${name}" has a label with characters other than letters, digits, "-" and "_"`);
    octets += label.length + 1;
  }
  if (octets > MAX_NAME_OCTETS) throw new Error(`"${name}" is longer than ${MAX_NAME_OCTETS} octets`);
  return absolute;
}

/**
 * {@link toFqdn}, or the error `fail` builds from the reason the name is not usable: every provider
 * wraps a bad name in its own `bad_config` error, naming itself and the action.
 */
export function requireFqdn(name: string, fail: (reason: string) => Error): string {
  try {
    return toFqdn(name);
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error));
  }
}

/** `a.b.c.` → `b.c.`; `c.` → `.`; the root has no parent (`undefined`). */
export function parentName(fqdn: string): string | undefined {
  if (fqdn === '.') return undefined;
  const dot = fqdn.indexOf('.');
  const rest = fqdn.slice(dot + 1);
  return rest === '' ? '.' : rest;
}

/** True if `name` is `zone` or below it; both absolute, compared case-insensitively. */
export function isWithin(name: string, zone: string): boolean {
  const n = name.toLowerCase();
  const z = zone.toLowerCase();
  return z === '.' || n === z || n.endsWith(`.${z}`);
}

/** Absolute name with its trailing dot removed, for messages (`example.com.` → `example.com`). */
export function displayName(fqdn: string): string {
  return fqdn === '.' ? '.' : fqdn.replace(/\.$/, '');
}

/**
 * The canonical wire form of an absolute name (RFC 4034 §6.2: uncompressed, lower-case), as TSIG's
 * MAC input and every name CertDesk writes need it.
 */
export function encodeName(fqdn: string): Buffer {
  const labels = fqdn === '.' ? [] : fqdn.toLowerCase().replace(/\.$/, '').split('.');
  const parts: Buffer[] = [];
  for (const label of labels) {
    const bytes = Buffer.from(label, 'ascii');
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/**
 * Reads a possibly compressed name (RFC 1035 §4.1.4) at `offset`; returns it absolute and
 * lower-case, and the offset just past it in the original position. Throws on a truncated message,
 * a forward or looping pointer, or a reserved label type.
 */
export function readName(message: Buffer, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let position = offset;
  let next: number | undefined;
  for (let hops = 0; ; hops++) {
    if (hops > MAX_POINTER_HOPS) throw new Error('name has too many compression pointers');
    const length = message[position];
    if (length === undefined) throw new Error('name runs past the end of the message');
    if (length === 0) {
      next ??= position + 1;
      break;
    }
    const kind = length & 0xc0;
    if (kind === 0xc0) {
      const low = message[position + 1];
      if (low === undefined) throw new Error('name pointer runs past the end of the message');
      const target = ((length & 0x3f) << 8) | low;
      if (target >= position) throw new Error('name pointer does not point backwards');
      next ??= position + 2;
      position = target;
      continue;
    }
    if (kind !== 0) throw new Error('name uses a reserved label type');
    const end = position + 1 + length;
    if (end > message.length) throw new Error('label runs past the end of the message');
    labels.push(message.toString('latin1', position + 1, end).toLowerCase());
    position = end;
  }
  return { name: labels.length === 0 ? '.' : `${labels.join('.')}.`, next };
}

/** A duration for messages: `300 ms` below a second, else whole seconds (`120 s`). */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 1000)} s`;
}
