import type { Logger } from '../../ports.ts';
import type { ChallengeInput, ChallengeSolver } from '../solver.ts';
import type { DnsProvider } from './provider.ts';
import { followCnames, waitForTxt, type FollowCnamesOptions, type WaitForTxtOptions } from './propagation.ts';

/**
 * The propagation check's settings: `resolver`, `timeoutMs`, `intervalMs` (see {@link waitForTxt};
 * `bootstrap` and `nameserverPort` are for unusual networks and tests).
 */
export type PropagationOptions = Omit<WaitForTxtOptions, 'fqdn' | 'value' | 'signal'>;

/** Where CNAMEs at `_acme-challenge.<domain>` are looked up: `resolver`, else `bootstrap`, else the system's resolvers. */
export type DelegationOptions = Pick<FollowCnamesOptions, 'resolver' | 'bootstrap'>;

/** Options for {@link createDns01Solver}. */
export interface Dns01Options {
  readonly provider: DnsProvider;
  /** `false` answers right after the provider returns; otherwise wait until the record is visible. */
  readonly propagation: false | PropagationOptions;
  /**
   * CNAME delegation: before presenting, `_acme-challenge.<domain>` is looked up for a CNAME through
   * these resolvers and the record is written at the end of the chain. Default: the propagation
   * check's `resolver` and `bootstrap` when the check is on; no lookup when it is off (then the
   * record is written at the name itself). `false` never looks.
   */
  readonly delegation?: false | DelegationOptions | undefined;
  readonly logger: Logger;
}

/** The name DNS-01 publishes at (RFC 8555 §8.4): `_acme-challenge.<domain>.`, wildcard or not. */
export function challengeRecordName(domain: string): string {
  return `_acme-challenge.${domain.replace(/^\*\./, '').replace(/\.$/, '').toLowerCase()}.`;
}

/** Where one challenge's record is written: the name itself, or the end of its CNAME chain. */
interface RecordTarget {
  readonly fqdn: string;
  /** The `_acme-challenge` name, when a CNAME moved the record elsewhere. */
  readonly delegatedFrom?: string;
}

/**
 * Creates the DNS-01 {@link ChallengeSolver} (RFC 8555 §8.4): `present` looks up a CNAME at
 * `_acme-challenge.<domain>.` (see {@link Dns01Options.delegation}; the acme-dns pattern, which the
 * CA follows too), has the provider add the TXT record with the challenge's value at the end of the
 * chain, logs "DNS-01 record presented" with `fqdn` = the name written (and `delegatedFrom` when a
 * CNAME was followed), then (unless `propagation` is `false`) waits until it is visible at that name
 * ({@link waitForTxt}) and logs how long that took; `cleanup` has the provider remove that one value
 * at the same name.
 *
 * A wildcard and its apex publish two values at one name; each cleanup removes only its own value
 * (the provider's contract). Provider calls for the same name run one after another, so scripts and
 * APIs that read-modify-write a record set never race each other; waits run in parallel.
 *
 * Failures of the lookup, the provider or the check reject `present` as they are (actionable
 * {@link DnsError}s); the record may be half-published then, and the runner calls `cleanup`, which
 * is idempotent.
 */
export function createDns01Solver(options: Dns01Options): ChallengeSolver {
  const { provider, logger } = options;
  const tails = new Map<string, Promise<unknown>>();
  const delegation: false | DelegationOptions = options.delegation ?? (options.propagation === false
    ? false
    : {
        ...(options.propagation.resolver === undefined ? {} : { resolver: options.propagation.resolver }),
        ...(options.propagation.bootstrap === undefined ? {} : { bootstrap: options.propagation.bootstrap }),
      });
  /** The target of each presented challenge (`<name>\n<value>`), so cleanup removes what present wrote. */
  const targets = new Map<string, RecordTarget>();

  /** Runs `task` after every earlier provider call for `fqdn` has settled. */
  const inTurn = <T>(fqdn: string, task: () => Promise<T>): Promise<T> => {
    const previous = tails.get(fqdn) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    tails.set(fqdn, tail);
    void tail.then(() => { if (tails.get(fqdn) === tail) tails.delete(fqdn); });
    return next;
  };

  const targetOf = async (name: string, signal: AbortSignal | undefined): Promise<RecordTarget> => {
    if (delegation === false) return { fqdn: name };
    const found = await followCnames({ ...delegation, fqdn: name, signal });
    return found.target === name ? { fqdn: name } : { fqdn: found.target, delegatedFrom: name };
  };

  return {
    type: 'dns-01',
    present: async (challenge: ChallengeInput, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      const name = challengeRecordName(challenge.domain);
      const target = await targetOf(name, signal);
      targets.set(`${name}\n${challenge.value}`, target);
      const fields = { provider: provider.kind, ...target, wildcard: challenge.wildcard };
      await inTurn(target.fqdn, () => provider.present(target.fqdn, challenge.value, signal));
      logger.info('DNS-01 record presented', fields);
      if (options.propagation === false) return;
      const visible = await waitForTxt({ ...options.propagation, fqdn: target.fqdn, value: challenge.value, signal });
      logger.info('DNS-01 record visible', {
        ...fields,
        checkedName: visible.checkedName,
        servers: visible.servers,
        elapsedMs: visible.elapsedMs,
      });
    },
    cleanup: async (challenge: ChallengeInput) => {
      const name = challengeRecordName(challenge.domain);
      const key = `${name}\n${challenge.value}`;
      // A challenge presented by a process that crashed is looked up again.
      const target = targets.get(key) ?? await targetOf(name, undefined);
      await inTurn(target.fqdn, () => provider.cleanup(target.fqdn, challenge.value));
      targets.delete(key);
      logger.info('DNS-01 record removed', { provider: provider.kind, ...target, wildcard: challenge.wildcard });
    },
  };
}
