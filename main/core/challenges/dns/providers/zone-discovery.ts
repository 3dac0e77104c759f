import { DnsError } from '../dns-error.ts';
import { displayName, isWithin, parentName, toFqdn } from '../names.ts';

/**
 * Finding the zone that holds a name, as the API providers do it when no zone is configured: the
 * candidates are the name and each of its parents, most specific first, matched against what the
 * provider's API lists (a whole listing, or one query per candidate). Pure, except the cache.
 */

/**
 * The names that could be the zone of `fqdn`, most specific first: `fqdn` itself, then each parent
 * down to names of `minLabels` labels. `minLabels` defaults to 1 (down to the TLD, for APIs that
 * answer from a listing); 2 skips the TLD where each candidate costs a request and a zone is at least
 * a registrable domain. `fqdn` is absolute (`toFqdn`); the root is never a candidate. Pure.
 * `_acme-challenge.www.example.com.` → `_acme-challenge.www.example.com.`, `www.example.com.`,
 * `example.com.`, `com.` (the last only with `minLabels` 1).
 */
export function zoneCandidates(fqdn: string, minLabels = 1): string[] {
  const candidates: string[] = [];
  for (let name: string | undefined = fqdn; name !== undefined && name !== '.' && labelCount(name) >= minLabels; name = parentName(name)) {
    candidates.push(name);
  }
  return candidates;
}

/** Labels of an absolute name: `example.com.` → 2, `.` → 0. */
function labelCount(fqdn: string): number {
  return fqdn === '.' ? 0 : fqdn.replace(/\.$/, '').split('.').length;
}

/**
 * The most specific of `fqdn`'s {@link zoneCandidates} that `listed` holds (absolute, lower-case
 * names, as {@link listedZoneName} makes them), or `undefined` when none does. Pure.
 */
export function matchListedZone(fqdn: string, listed: ReadonlySet<string>): string | undefined {
  return zoneCandidates(fqdn).find((candidate) => listed.has(candidate));
}

/**
 * A zone name as an API lists it, absolute and lower-case, or `undefined` when it is empty or not a
 * name {@link toFqdn} takes (such an entry cannot be the zone of an ACME name: skip it). Pure.
 */
export function listedZoneName(name: string): string | undefined {
  try {
    return name === '' ? undefined : toFqdn(name);
  } catch {
    return undefined;
  }
}

/**
 * `fqdn` relative to `zone`, as the Chinese clouds' APIs write a record's host: `_acme-challenge.www`
 * in `example.com.`, or `@` for the apex. Both absolute, `fqdn` within `zone`; lower-case. Pure.
 */
export function nameInZone(fqdn: string, zone: string): string {
  if (fqdn === zone) return '@';
  return fqdn.slice(0, fqdn.length - zone.length - 1).toLowerCase();
}

/**
 * Checks that `fqdn` is in the zone the admin configured, for the providers that take one; throws a
 * `bad_config` {@link DnsError} ("Unable to use `label` for …, it is not in the configured zone …")
 * when it is not. Both absolute.
 */
export function requireInConfiguredZone(fqdn: string, zone: string, label: string): void {
  if (isWithin(fqdn, zone)) return;
  throw new DnsError('bad_config', `Unable to use ${label} for ${displayName(fqdn)}, it is not in the configured zone ${displayName(zone)}`, {
    remedy: 'Set the provider\'s zone to the domain that holds this name, or leave it empty to find it automatically.',
  });
}

/** A per-provider memo of zone lookups; see {@link createZoneCache}. */
export interface ZoneCache<Z> {
  /** The zone of `fqdn`: the lookup already made (or under way) for it, else a new one. */
  readonly get: (fqdn: string, signal?: AbortSignal) => Promise<Z>;
  /** Drops what is known of `fqdn`, e.g. after its zone turned out deleted; the next `get` looks again. */
  readonly forget: (fqdn: string) => void;
}

/**
 * Memoizes `find` per name: concurrent and later callers for one name share one lookup. Only answers
 * are kept: a lookup that fails (network, a zone added since) is dropped, and asked again on the next
 * `get`. The signal of the first caller is the one the shared lookup runs under. Safe for
 * concurrent use.
 */
export function createZoneCache<Z>(find: (fqdn: string, signal?: AbortSignal) => Promise<Z>): ZoneCache<Z> {
  const zones = new Map<string, Promise<Z>>();
  return {
    get: (fqdn, signal) => {
      let zone = zones.get(fqdn);
      if (zone === undefined) {
        const lookup = find(fqdn, signal);
        zone = lookup;
        zones.set(fqdn, lookup);
        // Only if this lookup is still the cached one: a forget() and a new lookup may have replaced it.
        lookup.catch(() => { if (zones.get(fqdn) === lookup) zones.delete(fqdn); });
      }
      return zone;
    },
    forget: (fqdn) => { zones.delete(fqdn); },
  };
}
