import type { Logger } from '../../ports.ts';
import type { ChallengeInput, ChallengeSolver } from '../solver.ts';
import type { DnsProvider } from './provider.ts';
import { waitForTxt, type WaitForTxtOptions } from './propagation.ts';

/**
 * The propagation check's settings: `resolver`, `timeoutMs`, `intervalMs` (see {@link waitForTxt};
 * `bootstrap` and `nameserverPort` are for unusual networks and tests).
 */
export type PropagationOptions = Omit<WaitForTxtOptions, 'fqdn' | 'value' | 'signal'>;

/** Options for {@link createDns01Solver}. */
export interface Dns01Options {
  readonly provider: DnsProvider;
  /** `false` answers right after the provider returns; otherwise wait until the record is visible. */
  readonly propagation: false | PropagationOptions;
  readonly logger: Logger;
}

/** The name DNS-01 publishes at (RFC 8555 §8.4): `_acme-challenge.<domain>.`, wildcard or not. */
export function challengeRecordName(domain: string): string {
  return `_acme-challenge.${domain.replace(/^\*\./, '').replace(/\.$/, '').toLowerCase()}.`;
}

/**
 * Creates the DNS-01 {@link ChallengeSolver} (RFC 8555 §8.4): `present` has the provider add the TXT
 * record `_acme-challenge.<domain>.` with the challenge's value, then (unless `propagation` is
 * `false`) waits until it is visible ({@link waitForTxt}) and logs how long that took; `cleanup`
 * has the provider remove that one value.
 *
 * A wildcard and its apex publish two values at one name; each cleanup removes only its own value
 * (the provider's contract). Provider calls for the same name run one after another, so scripts and
 * APIs that read-modify-write a record set never race each other; waits run in parallel.
 *
 * Failures of the provider or the check reject `present` as they are (actionable {@link DnsError}s);
 * the record may be half-published then, and the runner calls `cleanup`, which is idempotent.
 */
export function createDns01Solver(options: Dns01Options): ChallengeSolver {
  const { provider, logger } = options;
  const tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every earlier provider call for `fqdn` has settled. */
  const inTurn = <T>(fqdn: string, task: () => Promise<T>): Promise<T> => {
    const previous = tails.get(fqdn) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    tails.set(fqdn, tail);
    void tail.then(() => { if (tails.get(fqdn) === tail) tails.delete(fqdn); });
    return next;
  };

  return {
    type: 'dns-01',
    present: async (challenge: ChallengeInput, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      const fqdn = challengeRecordName(challenge.domain);
      const fields = { provider: provider.kind, fqdn, wildcard: challenge.wildcard };
      await inTurn(fqdn, () => provider.present(fqdn, challenge.value));
      logger.info('DNS-01 record presented', fields);
      if (options.propagation === false) return;
      const visible = await waitForTxt({ ...options.propagation, fqdn, value: challenge.value, signal });
      logger.info('DNS-01 record visible', {
        ...fields,
        checkedName: visible.checkedName,
        servers: visible.servers,
        elapsedMs: visible.elapsedMs,
      });
    },
    cleanup: async (challenge: ChallengeInput) => {
      const fqdn = challengeRecordName(challenge.domain);
      await inTurn(fqdn, () => provider.cleanup(fqdn, challenge.value));
      logger.info('DNS-01 record removed', { provider: provider.kind, fqdn, wildcard: challenge.wildcard });
    },
  };
}
