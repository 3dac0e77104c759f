import type { ChallengeConfig, DnsProviderConfig } from '../config/schema.ts';
import type { Logger, SecretBox } from '../ports.ts';
import type { DnsProvider } from './dns/provider.ts';
import { CertDeskError } from '../errors.ts';
import type { ChallengeSolver } from './solver.ts';

import type { ManualPrompt } from './dns/manual.ts';

export type { ManualPrompt } from './dns/manual.ts';

/** Secret names of DNS providers in the SecretBox. */
export const dnsSecrets = { tsig: (name: string) => `dns/${name}/tsig-secret` } as const;

/** What building a solver needs besides the certificate's challenge configuration. */
export interface SolverContext {
  readonly dnsProvider: (name: string) => DnsProviderConfig;
  readonly secrets: SecretBox;
  readonly logger: Logger;
  readonly manualPrompt?: ManualPrompt;
}

/**
 * Builds the {@link ChallengeSolver} a certificate's configuration names: DNS-01 through its
 * provider (with the propagation check as configured), or HTTP-01 through the built-in server or a
 * webroot folder. Secrets are read from the SecretBox here, just before use.
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
      const config = context.dnsProvider(challenge.provider);
      const provider = await createDnsProvider(challenge.provider, config, context);
      const { propagation } = config;
      return createDns01Solver({
        provider,
        propagation: propagation.enabled
          ? {
              ...(propagation.resolver === undefined ? {} : { resolver: propagation.resolver }),
              ...(propagation.timeoutSeconds === undefined ? {} : { timeoutMs: propagation.timeoutSeconds * 1000 }),
            }
          : false,
        logger: context.logger,
      });
    }
  }
}

async function createDnsProvider(name: string, config: DnsProviderConfig, context: SolverContext): Promise<DnsProvider> {
  switch (config.provider) {
    case 'exec': {
      const { createExecProvider } = await import('./dns/exec.ts');
      return createExecProvider({ command: config.command });
    }
    case 'rfc2136': {
      const secret = await context.secrets.get(dnsSecrets.tsig(name));
      if (secret === undefined) {
        throw new CertDeskError('invalid_data', `Unable to use the DNS provider ${name}, its TSIG secret is missing`, {
          remedy: `Add the provider again: certdesk dns add ${name} --provider rfc2136 …`,
        });
      }
      const { createRfc2136Provider } = await import('./dns/rfc2136.ts');
      return createRfc2136Provider({ server: config.server, tsig: { name: config.tsigName, algorithm: config.tsigAlgorithm, secret } });
    }
    case 'manual': {
      if (context.manualPrompt === undefined) {
        throw new CertDeskError('invalid_input', `Unable to use the manual DNS provider ${name} here, nobody can be asked to create the record`, {
          remedy: 'Run the renewal from a terminal (certdesk cert renew …) or use an automatic DNS provider.',
        });
      }
      const { createManualProvider } = await import('./dns/manual.ts');
      return createManualProvider({ prompt: context.manualPrompt });
    }
  }
}
