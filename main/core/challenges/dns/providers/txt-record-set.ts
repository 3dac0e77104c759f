import { DnsError } from '../dns-error.ts';
import { displayName } from '../names.ts';
import { quoteTxt, unquoteTxt } from './txt-quoting.ts';

/**
 * One value in a TXT record set, for the APIs that keep all values of a name in one set (Route 53,
 * Huawei Cloud DNS, PowerDNS) and so must read the set, change it and write it whole. The merge and
 * removal are pure; the providers own the read and the write.
 */

/** How to read and make the provider's own records of a TXT set. */
export interface TxtRecordCodec<R> {
  /** The value a record holds, as a resolver reads it (e.g. `unquoteTxt` of presentation data). */
  readonly valueOf: (record: R) => string;
  /** A new record holding `value`, in the provider's form. */
  readonly make: (value: string) => R;
  /** Whether the record is served; default every record is. A record not served does not count as present. */
  readonly isLive?: ((record: R) => boolean) | undefined;
}

/** Records as presentation-form TXT data (`"abc"`), as Route 53 and Huawei Cloud DNS keep them; see `txt-quoting.ts`. */
export const PRESENTATION_TXT: TxtRecordCodec<string> = { valueOf: unquoteTxt, make: quoteTxt };

/** What adding a value comes to: nothing to do, or the whole set to write. */
export type TxtAddition<R> =
  | { readonly kind: 'already_present' }
  | { readonly kind: 'write'; readonly records: ReadonlyArray<R> };

/** What removing a value comes to: nothing to do, the rest of the set to write, or the set to delete. */
export type TxtRemoval<R> =
  | { readonly kind: 'already_gone' }
  | { readonly kind: 'write'; readonly records: ReadonlyArray<R> }
  | { readonly kind: 'delete' };

/**
 * Adds `value` to a set's `records` (empty for a set that does not exist). `already_present` when a
 * live record holds it; else `write` with the other records kept as they are, in order, and a new
 * record from {@link TxtRecordCodec.make} last — a record that holds the value but is not live is
 * replaced by it rather than kept beside it. Pure.
 */
export function addTxtValue<R>(records: ReadonlyArray<R>, value: string, codec: TxtRecordCodec<R>): TxtAddition<R> {
  const isLive = codec.isLive ?? (() => true);
  if (records.some((record) => isLive(record) && codec.valueOf(record) === value)) return { kind: 'already_present' };
  return { kind: 'write', records: [...records.filter((record) => codec.valueOf(record) !== value), codec.make(value)] };
}

/**
 * Removes `value` from a set's `records` (empty for a set that does not exist): `already_gone` when
 * no record holds it; `delete` when it was all the set held; else `write` with the other records kept
 * as they are, in order. Every record holding the value goes, live or not. Pure.
 */
export function removeTxtValue<R>(records: ReadonlyArray<R>, value: string, valueOf: (record: R) => string): TxtRemoval<R> {
  const rest = records.filter((record) => valueOf(record) !== value);
  if (rest.length === records.length) return { kind: 'already_gone' };
  return rest.length === 0 ? { kind: 'delete' } : { kind: 'write', records: rest };
}

/** The two tries {@link changeWithOneRetry} makes: the first, and one more after a concurrent change. */
const TRIES = 2;

/**
 * Runs a read-change-write `attempt` of the TXT set `fqdn` at most twice: `attempt` resolves `true`
 * when done, `false` when the set changed between its read and its write (the API refused the write
 * as stale), and is then run once more from a fresh read. A second `false` rejects with a
 * `server_error` {@link DnsError} ("Unable to change the TXT record set … at `label`, it kept
 * changing …", with `remedy`); an error thrown by `attempt` passes through untouched.
 */
export async function changeWithOneRetry(
  target: { readonly fqdn: string; readonly label: string; readonly remedy: string },
  attempt: () => Promise<boolean>,
): Promise<void> {
  for (let round = 0; round < TRIES; round++) {
    if (await attempt()) return;
  }
  throw new DnsError('server_error', `Unable to change the TXT record set ${displayName(target.fqdn)} at ${target.label}, it kept changing between our read and our write`, {
    remedy: target.remedy,
  });
}
