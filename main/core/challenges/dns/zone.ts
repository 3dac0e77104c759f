import { DnsError } from './dns-error.ts';
import { displayName, isWithin, parentName } from './names.ts';
import { formatServerAddress, query, type QueryResponse, type ServerAddress } from './transport.ts';

/**
 * What one SOA answer says about the zone holding `qname`:
 * - `zone`: the apex was found (the SOA's owner); no further queries are needed.
 * - `parent`: this answer does not say; ask again for the parent name.
 */
export type SoaStep = { readonly kind: 'zone'; readonly zone: string } | { readonly kind: 'parent' };

/**
 * Reads a response to "SOA? `qname`" (RFC 1035 §6.2.1; RFC 2308 §2 for the negative case) and says
 * where the zone apex is. Pure, so the rules are tested as a table:
 * 1. an SOA in the answer owned by `qname` itself: `qname` is the apex;
 * 2. otherwise, if the answer is empty and the RCODE is NOERROR (no data) or NXDOMAIN, an SOA in
 *    the authority section owned by an ancestor of `qname` is the apex (one query for any depth);
 * 3. a referral (NS in the authority section, no SOA, owned by an ancestor) means the zone is cut
 *    there: its apex is the NS owner, even though this server does not hold it;
 * 4. anything else (REFUSED, SERVFAIL, a CNAME at `qname`, whose authority SOA would belong to the
 *    CNAME target's zone) says nothing: try the parent.
 */
export function interpretSoaResponse(qname: string, response: QueryResponse): SoaStep {
  const apex = response.answers.find((record) => record.type === 'SOA' && record.name === qname);
  if (apex !== undefined) return { kind: 'zone', zone: qname };
  if (response.answers.length > 0) return { kind: 'parent' };
  if (response.rcode !== 'NOERROR' && response.rcode !== 'NXDOMAIN') return { kind: 'parent' };
  const soa = response.authorities.find((record) => record.type === 'SOA' && isWithin(qname, record.name));
  if (soa !== undefined) return { kind: 'zone', zone: soa.name };
  const cut = response.authorities.find((record) => record.type === 'NS' && record.name !== '.' && isWithin(qname, record.name));
  if (cut !== undefined) return { kind: 'zone', zone: cut.name };
  return { kind: 'parent' };
}

/** Options for {@link findZone}. */
export interface FindZoneOptions {
  /** The name whose zone is wanted, absolute. */
  readonly fqdn: string;
  /** The server asked: the RFC 2136 primary, or a recursive resolver. */
  readonly server: ServerAddress;
  /** Set RD (a recursive resolver) or not (an authoritative server). */
  readonly recursionDesired: boolean;
  /** Per-attempt timeout of each query. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Finds the apex of the zone holding `fqdn` by asking `server` for SOA at `fqdn`, then at each parent
 * in turn, until {@link interpretSoaResponse} names the apex. Usually one query suffices (rule 2).
 * Never returns the root. Rejects with a `zone_not_found` {@link DnsError} when no ancestor below
 * the root is a zone on that server, or with the transport's `network` error.
 */
export async function findZone(options: FindZoneOptions): Promise<string> {
  const action = `find the DNS zone of ${displayName(options.fqdn)}`;
  const rcodes: string[] = [];
  for (let name = options.fqdn; name !== '.'; name = parentName(name) ?? '.') {
    const response = await query(options.server, name, 'SOA', {
      action,
      recursionDesired: options.recursionDesired,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    const step = interpretSoaResponse(name, response);
    if (step.kind === 'zone' && step.zone !== '.') return step.zone;
    rcodes.push(response.rcode);
  }
  const seen = [...new Set(rcodes)].join(', ');
  throw new DnsError('zone_not_found', `Unable to ${action}, ${formatServerAddress(options.server)} knows no zone that contains it (answers: ${seen})`, {
    remedy: 'Check the domain name and that this DNS server is the primary for its zone, or set the zone explicitly.',
  });
}
