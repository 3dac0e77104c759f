import { describe, expect, it } from 'vitest';
import { challengeRecordName, createDns01Solver } from '../../../../../../main/core/challenges/dns/dns-01.ts';
import type { DnsProvider } from '../../../../../../main/core/challenges/dns/provider.ts';
import { DnsError } from '../../../../../../main/core/challenges/dns/dns-error.ts';
import { startFakeResolver } from '../../../../../support/fake-resolver.ts';
import { createRecordingLogger } from '../../../../../support/recording-logger.ts';

/** An in-memory zone behind the provider port: records values per name and the order of calls. */
function memoryProvider(): DnsProvider & { records: Map<string, Set<string>>; calls: string[]; active: () => number; maxActive: () => number } {
  const records = new Map<string, Set<string>>();
  const calls: string[] = [];
  let active = 0;
  let maxActive = 0;
  const step = async (label: string, change: () => void): Promise<void> => {
    active++;
    maxActive = Math.max(maxActive, active);
    calls.push(`${label} start`);
    await new Promise((resolve) => { setImmediate(resolve); });
    change();
    calls.push(`${label} end`);
    active--;
  };
  return {
    kind: 'memory',
    records,
    calls,
    active: () => active,
    maxActive: () => maxActive,
    present: (fqdn, value) => step(`present ${fqdn} ${value}`, () => {
      const set = records.get(fqdn) ?? new Set<string>();
      set.add(value);
      records.set(fqdn, set);
    }),
    cleanup: (fqdn, value) => step(`cleanup ${fqdn} ${value}`, () => {
      records.get(fqdn)?.delete(value);
    }),
    check: () => Promise.resolve({}),
  };
}

describe('challengeRecordName', () => {
  it.each([
    ['example.com', '_acme-challenge.example.com.'],
    ['*.example.com', '_acme-challenge.example.com.'],
    ['WWW.Example.com.', '_acme-challenge.www.example.com.'],
  ])('%j → %j', (domain, name) => {
    expect(challengeRecordName(domain)).toBe(name);
  });
});

describe('createDns01Solver', () => {
  it('presents `_acme-challenge.<domain>.` through the provider and logs it', async () => {
    const provider = memoryProvider();
    const logger = createRecordingLogger();
    const solver = createDns01Solver({ provider, propagation: false, logger });
    expect(solver.type).toBe('dns-01');
    await solver.present({ domain: 'www.example.com', wildcard: false, token: 't', value: 'digest-1' });
    expect([...(provider.records.get('_acme-challenge.www.example.com.') ?? [])]).toEqual(['digest-1']);
    expect(logger.entries).toEqual([
      { level: 'info', message: 'DNS-01 record presented', fields: { provider: 'memory', fqdn: '_acme-challenge.www.example.com.', wildcard: false } },
    ]);
  });

  it('keeps a wildcard’s and its apex’s values apart on the one name, and removes only its own', async () => {
    const provider = memoryProvider();
    const solver = createDns01Solver({ provider, propagation: false, logger: createRecordingLogger() });
    const apex = { domain: 'example.com', wildcard: false, token: 'a', value: 'apex-value' };
    const wildcard = { domain: 'example.com', wildcard: true, token: 'w', value: 'wildcard-value' };
    await Promise.all([solver.present(apex), solver.present(wildcard)]);
    expect([...(provider.records.get('_acme-challenge.example.com.') ?? [])].sort()).toEqual(['apex-value', 'wildcard-value']);

    await solver.cleanup(wildcard);
    expect([...(provider.records.get('_acme-challenge.example.com.') ?? [])]).toEqual(['apex-value']);
    // Idempotent: a second cleanup, or one for a challenge never presented, is fine.
    await solver.cleanup(wildcard);
    await solver.cleanup({ domain: 'other.example.com', wildcard: false, token: 'x', value: 'never-presented' });
    expect([...(provider.records.get('_acme-challenge.example.com.') ?? [])]).toEqual(['apex-value']);
  });

  it('runs provider calls for one name one after another, and for different names in parallel', async () => {
    const provider = memoryProvider();
    const solver = createDns01Solver({ provider, propagation: false, logger: createRecordingLogger() });
    await Promise.all([
      solver.present({ domain: 'example.com', wildcard: false, token: 'a', value: 'one' }),
      solver.present({ domain: 'example.com', wildcard: true, token: 'b', value: 'two' }),
    ]);
    expect(provider.calls).toEqual([
      'present _acme-challenge.example.com. one start',
      'present _acme-challenge.example.com. one end',
      'present _acme-challenge.example.com. two start',
      'present _acme-challenge.example.com. two end',
    ]);
    await Promise.all([
      solver.present({ domain: 'a.example.com', wildcard: false, token: 'c', value: 'three' }),
      solver.present({ domain: 'b.example.com', wildcard: false, token: 'd', value: 'four' }),
    ]);
    expect(provider.maxActive()).toBe(2);
  });

  it('still serves the next call for a name after a provider failure', async () => {
    const provider = memoryProvider();
    let failures = 1;
    const flaky: DnsProvider = {
      kind: 'flaky',
      present: (fqdn, value) => (failures-- > 0 ? Promise.reject(new Error('API down')) : provider.present(fqdn, value)),
      cleanup: (fqdn, value) => provider.cleanup(fqdn, value),
      check: () => Promise.resolve({}),
    };
    const solver = createDns01Solver({ provider: flaky, propagation: false, logger: createRecordingLogger() });
    const challenge = { domain: 'example.com', wildcard: false, token: 'a', value: 'v' };
    const results = await Promise.allSettled([solver.present(challenge), solver.present(challenge)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled']);
  });

  it('does not call the provider when the signal is already aborted', async () => {
    const provider = memoryProvider();
    const solver = createDns01Solver({ provider, propagation: false, logger: createRecordingLogger() });
    const controller = new AbortController();
    controller.abort(new Error('order cancelled'));
    await expect(solver.present({ domain: 'example.com', wildcard: false, token: 'a', value: 'v' }, controller.signal)).rejects.toThrow('order cancelled');
    expect(provider.calls).toEqual([]);
  });
});

describe('createDns01Solver with CNAME delegation', () => {
  const cnames = {
    '_acme-challenge.www.example.com.': 'abc.auth.acme-dns.example.',
    '_acme-challenge.two.example.com.': 'hop.example.com.',
    'hop.example.com.': 'def.auth.acme-dns.example.',
    '_acme-challenge.loop.example.com.': 'back.example.com.',
    'back.example.com.': '_acme-challenge.loop.example.com.',
    // Nine hops: long → long1 → … → long9.
    ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`_acme-challenge.long${i === 0 ? '' : i}.example.com.`, `_acme-challenge.long${i + 1}.example.com.`])),
  };

  it('presents and cleans up at the end of the chain, logging the name written and where it came from', async () => {
    const resolver = await startFakeResolver({ cnames });
    try {
      const provider = memoryProvider();
      const logger = createRecordingLogger();
      const solver = createDns01Solver({ provider, propagation: false, delegation: { resolver: resolver.address }, logger });
      const challenge = { domain: 'www.example.com', wildcard: false, token: 't', value: 'delegated' };
      await solver.present(challenge);
      expect([...(provider.records.get('abc.auth.acme-dns.example.') ?? [])]).toEqual(['delegated']);
      expect(provider.records.has('_acme-challenge.www.example.com.')).toBe(false);
      expect(logger.entries[0]).toEqual({
        level: 'info',
        message: 'DNS-01 record presented',
        fields: { provider: 'memory', fqdn: 'abc.auth.acme-dns.example.', delegatedFrom: '_acme-challenge.www.example.com.', wildcard: false },
      });
      const asked = resolver.questions.length;
      await solver.cleanup(challenge);
      // Cleanup removes what present wrote, without asking again.
      expect(resolver.questions).toHaveLength(asked);
      expect([...(provider.records.get('abc.auth.acme-dns.example.') ?? [])]).toEqual([]);
      expect(logger.entries[1]?.fields).toMatchObject({ fqdn: 'abc.auth.acme-dns.example.', delegatedFrom: '_acme-challenge.www.example.com.' });

      // Another solver (a resumed process) looks the chain up again for cleanup.
      await solver.present({ ...challenge, domain: 'two.example.com' });
      const resumed = createDns01Solver({ provider, propagation: false, delegation: { resolver: resolver.address }, logger });
      await resumed.cleanup({ ...challenge, domain: 'two.example.com' });
      expect(provider.calls.filter((call) => call.endsWith('end'))).toEqual([
        'present abc.auth.acme-dns.example. delegated end',
        'cleanup abc.auth.acme-dns.example. delegated end',
        'present def.auth.acme-dns.example. delegated end',
        'cleanup def.auth.acme-dns.example. delegated end',
      ]);
    } finally {
      await resolver.stop();
    }
  });

  it('skips a resolver that refuses and asks the next one', async () => {
    const refusing = await startFakeResolver({ refused: ['_acme-challenge.www.example.com.'] });
    const answering = await startFakeResolver({ cnames });
    try {
      const provider = memoryProvider();
      const solver = createDns01Solver({ provider, propagation: false, delegation: { bootstrap: [refusing.address, answering.address] }, logger: createRecordingLogger() });
      await solver.present({ domain: 'www.example.com', wildcard: false, token: 't', value: 'v' });
      expect(provider.records.has('abc.auth.acme-dns.example.')).toBe(true);
      expect(refusing.questions).toEqual(['CNAME _acme-challenge.www.example.com.', 'CNAME abc.auth.acme-dns.example.']);
    } finally {
      await Promise.all([refusing.stop(), answering.stop()]);
    }
  });

  it.each([
    ['loop.example.com', /the chain loops: _acme-challenge\.loop\.example\.com → back\.example\.com → _acme-challenge\.loop\.example\.com$/],
    ['long.example.com', /the chain is longer than 8 hops/],
  ])('refuses %s with bad_config before calling the provider', async (domain, message) => {
    const resolver = await startFakeResolver({ cnames });
    try {
      const provider = memoryProvider();
      const solver = createDns01Solver({ provider, propagation: false, delegation: { resolver: resolver.address }, logger: createRecordingLogger() });
      const error: unknown = await solver.present({ domain, wildcard: false, token: 't', value: 'v' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DnsError);
      expect(error).toMatchObject({ failure: 'bad_config', message: expect.stringMatching(message) as unknown });
      expect(provider.calls).toEqual([]);
    } finally {
      await resolver.stop();
    }
  });

  it('asks nobody when delegation is off, or by default when the propagation check is off', async () => {
    const resolver = await startFakeResolver({ cnames });
    try {
      for (const solver of [
        createDns01Solver({ provider: memoryProvider(), propagation: false, logger: createRecordingLogger() }),
        createDns01Solver({ provider: memoryProvider(), propagation: { resolver: resolver.address }, delegation: false, logger: createRecordingLogger() }),
      ]) {
        await solver.cleanup({ domain: 'www.example.com', wildcard: false, token: 't', value: 'v' });
      }
      expect(resolver.questions).toEqual([]);
    } finally {
      await resolver.stop();
    }
  });
});
