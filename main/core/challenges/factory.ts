import type { ChallengeConfig, DnsProviderConfig } from '../config/schema.ts';
import type { Logger } from '../ports.ts';
import type { Dns01Options } from './dns/dns-01.ts';
import type { ManualPrompt } from './dns/manual.ts';
import type { DnsProvider, DnsProviderDefinition, ProviderContext } from './dns/provider.ts';
import { findDnsProviderDefinition } from './dns/registry.ts';
import type { ChallengeSolver } from './solver.ts';

export type { ManualPrompt } from './dns/manual.ts';

/**
 * Where the DNS-01 solver gets its providers: the stored configuration by name, and the provider
 * built from it with its secrets. `DnsProviderService` implements it.
 */
export interface DnsProviderSource {
  /** The stored configuration of `name`; throws `not_found` when there is none. */
  config(name: string): DnsProviderConfig;
  /** Builds the provider `name` (secrets read from the SecretBox now, just before use). */
  create(name: string, context?: Partial<ProviderContext>): Promise<DnsProvider>;
}

/** What building a solver needs besides the certificate's challenge configuration. */
export interface SolverContext {
  readonly dns: DnsProviderSource;
  readonly logger: Logger;
  readonly manualPrompt?: ManualPrompt;
}

/** Propagation defaults for a kind the registry does not know (lego's defaults). */
const FALLBACK_PROPAGATION = { timeoutSeconds: 120, intervalSeconds: 2 } as const;

/**
 * The DNS-01 solver's propagation check and CNAME lookups for a stored provider (pure; tested as a
 * table): the check is off when the admin turned it off, else it waits up to the stored timeout and
 * asks at the stored interval, each falling back to the kind's defaults (`definition.propagation`).
 * CNAMEs at `_acme-challenge` are looked up through the stored resolver (else the system's), also
 * when the check is off: the record must be written where the delegation points.
 */
export function dnsSolverSettings(
  propagation: DnsProviderConfig['propagation'],
  definition: Pick<DnsProviderDefinition, 'propagation'> | undefined,
): Pick<Dns01Options, 'propagation' | 'delegation'> {
  const defaults = definition?.propagation ?? FALLBACK_PROPAGATION;
  const resolver = propagation.resolver === undefined ? {} : { resolver: propagation.resolver };
  return {
    propagation: propagation.enabled
      ? {
          ...resolver,
          timeoutMs: (propagation.timeoutSeconds ?? defaults.timeoutSeconds) * 1000,
          intervalMs: (propagation.intervalSeconds ?? defaults.intervalSeconds) * 1000,
        }
      : false,
    delegation: resolver,
  };
}

/**
 * Builds the {@link ChallengeSolver} a certificate's configuration names: DNS-01 through its
 * provider (any kind of the registry, with the propagation check as configured over the kind's
 * defaults), or HTTP-01 through the built-in server or a webroot folder. Rejects as
 * `DnsProviderSource.create` does when the provider cannot be built.
 */
export async function createSolver(challenge: ChallengeConfig, context: SolverContext): Promise<ChallengeSolver> {
  switch (challenge.mode) {
    // Each solver is loaded when first used: an HTTP-01 renewal never loads the DNS stack.
    case 'standalone': {
      const { createStandaloneSolver } = await import('./http/standalone.ts');
      return createStandaloneSolver({ address: challenge.address, port: challenge.port, logger: context.logger });
    }
    case 'webroot': {
      const { createWebrootSolver } = await import('./http/webroot.ts');
      return createWebrootSolver({ root: challenge.root, logger: context.logger });
    }
    case 'dns': {
      const { createDns01Solver } = await import('./dns/dns-01.ts');
      const config = context.dns.config(challenge.provider);
      const provider = await context.dns.create(challenge.provider, {
        logger: context.logger,
        ...(context.manualPrompt === undefined ? {} : { manualPrompt: context.manualPrompt }),
      });
      return createDns01Solver({
        provider,
        ...dnsSolverSettings(config.propagation, findDnsProviderDefinition(config.provider)),
        logger: context.logger,
      });
    }
  }
}
