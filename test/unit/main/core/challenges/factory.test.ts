import { describe, expect, it } from 'vitest';
import { createSolver, dnsSolverSettings, type DnsProviderSource } from '../../../../../main/core/challenges/factory.ts';
import type { DnsProvider } from '../../../../../main/core/challenges/dns/provider.ts';
import type { DnsProviderConfig } from '../../../../../main/core/config/schema.ts';
import { startFakeResolver } from '../../../../support/fake-resolver.ts';
import { createRecordingLogger } from '../../../../support/recording-logger.ts';

describe('dnsSolverSettings', () => {
  const kind = { propagation: { timeoutSeconds: 60, intervalSeconds: 3 } };
  it.each<[string, DnsProviderConfig['propagation'], ReturnType<typeof dnsSolverSettings>]>([
    ['the kind\'s defaults', { enabled: true }, { propagation: { timeoutMs: 60_000, intervalMs: 3_000 }, delegation: {} }],
    ['stored overrides', { enabled: true, timeoutSeconds: 10, intervalSeconds: 1 }, { propagation: { timeoutMs: 10_000, intervalMs: 1_000 }, delegation: {} }],
    ['a resolver for the check and the CNAME lookup', { enabled: true, resolver: '192.0.2.53:53' }, { propagation: { resolver: '192.0.2.53:53', timeoutMs: 60_000, intervalMs: 3_000 }, delegation: { resolver: '192.0.2.53:53' } }],
    ['the check off, the CNAME lookup still on', { enabled: false, resolver: '192.0.2.53:53', timeoutSeconds: 10 }, { propagation: false, delegation: { resolver: '192.0.2.53:53' } }],
  ])('%s', (_case, stored, expected) => {
    expect(dnsSolverSettings(stored, kind)).toEqual(expected);
  });

  it('falls back to lego\'s defaults for a kind it does not know', () => {
    expect(dnsSolverSettings({ enabled: true }, undefined)).toEqual({ propagation: { timeoutMs: 120_000, intervalMs: 2_000 }, delegation: {} });
  });
});

describe('createSolver', () => {
  it('builds a DNS-01 solver through the provider source, passing the logger and the manual prompt, and follows CNAMEs through the stored resolver', async () => {
    const resolver = await startFakeResolver({ cnames: { '_acme-challenge.example.com.': 'x.auth.example.org.' } });
    const contexts: unknown[] = [];
    const written: string[] = [];
    const provider: DnsProvider = {
      kind: 'memory',
      present: (fqdn, value) => { written.push(`${fqdn} ${value}`); return Promise.resolve(); },
      cleanup: () => Promise.resolve(),
      check: () => Promise.resolve({}),
    };
    const source: DnsProviderSource = {
      config: () => ({ provider: 'manual', propagation: { enabled: false, resolver: resolver.address } }),
      create: (name, context) => {
        contexts.push({ name, ...context });
        return Promise.resolve(provider);
      },
    };
    const logger = createRecordingLogger();
    const prompt = { confirmPresent: () => Promise.resolve(), notifyCleanup: () => Promise.resolve() };
    const solver = await createSolver({ type: 'dns-01', mode: 'dns', provider: 'hand' }, { dns: source, logger, manualPrompt: prompt });
    expect(solver.type).toBe('dns-01');
    expect(contexts).toEqual([{ name: 'hand', logger, manualPrompt: prompt }]);
    try {
      await solver.present({ domain: 'example.com', wildcard: false, token: 't', value: 'v' });
    } finally {
      await resolver.stop();
    }
    expect(written).toEqual(['x.auth.example.org. v']);
    expect(resolver.questions).toEqual(['CNAME _acme-challenge.example.com.', 'CNAME x.auth.example.org.']);
  });
});
