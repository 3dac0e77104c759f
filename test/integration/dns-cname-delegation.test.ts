import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDns01Solver } from '../../main/core/challenges/dns/dns-01.ts';
import { DnsError } from '../../main/core/challenges/dns/dns-error.ts';
import { followCnames } from '../../main/core/challenges/dns/propagation.ts';
import { createRfc2136Provider } from '../../main/core/challenges/dns/rfc2136.ts';
import { startBind9, type Bind9 } from '../support/bind9.ts';
import { createRecordingLogger } from '../support/recording-logger.ts';

/**
 * CNAME delegation (the acme-dns pattern) against two real BIND9 servers: `certdesk.test` holds
 * `_acme-challenge.www` as a CNAME into `acme.test`, a zone on another server that the RFC 2136
 * provider updates. Neither server recurses, so the lookups go to both in turn (`bootstrap`), as the
 * system's resolvers would in production.
 */

const TARGET = 'www.delegated.acme.test.';

let origin: Bind9;
let delegated: Bind9;

beforeAll(async () => {
  [origin, delegated] = await Promise.all([
    startBind9({
      zone: 'certdesk.test',
      records: [
        `_acme-challenge.www IN CNAME ${TARGET}`,
        // A two-hop chain inside the zone, then into acme.test.
        '_acme-challenge.api IN CNAME hop.certdesk.test.',
        `hop IN CNAME ${TARGET}`,
        '_acme-challenge.loop IN CNAME loop-back.certdesk.test.',
        'loop-back IN CNAME _acme-challenge.loop.certdesk.test.',
      ],
    }),
    startBind9({ zone: 'acme.test', tsigKeyName: 'acme-dns-key' }),
  ]);
});

afterAll(async () => {
  await Promise.all([origin.stop(), delegated.stop()]);
});

/** TXT values `server` serves at `name` now (sorted); `[]` when none. */
async function txtAt(server: Bind9, name: string): Promise<string[]> {
  try {
    return (await server.resolver().resolveTxt(name)).map((chunks) => chunks.join('')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENODATA' || (error as NodeJS.ErrnoException).code === 'ENOTFOUND') return [];
    throw error;
  }
}

function solver() {
  const logger = createRecordingLogger();
  const provider = createRfc2136Provider({ server: delegated.address, tsig: delegated.tsig });
  return {
    logger,
    solver: createDns01Solver({
      provider,
      propagation: { bootstrap: [origin.address, delegated.address], nameserverPort: delegated.port, timeoutMs: 20_000, intervalMs: 100 },
      logger,
    }),
  };
}

describe('DNS-01 with an _acme-challenge CNAME into another zone', () => {
  it('writes the record at the CNAME target via RFC 2136, waits for it there, logs the name written, and removes it', async () => {
    const { solver: dns01, logger } = solver();
    const challenge = { domain: 'www.certdesk.test', wildcard: false, token: 't', value: 'delegated-value' };
    await dns01.present(challenge);

    expect(await txtAt(delegated, TARGET)).toEqual(['delegated-value']);
    // The delegating zone still holds only its CNAME.
    expect(await origin.resolver().resolveCname('_acme-challenge.www.certdesk.test')).toEqual([TARGET.slice(0, -1)]);
    const presented = logger.entries.find((entry) => entry.message === 'DNS-01 record presented');
    expect(presented?.fields).toEqual({ provider: 'rfc2136', fqdn: TARGET, delegatedFrom: '_acme-challenge.www.certdesk.test.', wildcard: false });
    const visible = logger.entries.find((entry) => entry.message === 'DNS-01 record visible');
    expect(visible?.fields).toMatchObject({ fqdn: TARGET, checkedName: TARGET, servers: [`127.0.0.1:${delegated.port}`] });
    expect(typeof visible?.fields?.elapsedMs).toBe('number');

    await dns01.cleanup(challenge);
    expect(await txtAt(delegated, TARGET)).toEqual([]);
    expect(logger.entries.at(-1)).toMatchObject({ message: 'DNS-01 record removed', fields: { fqdn: TARGET, delegatedFrom: '_acme-challenge.www.certdesk.test.' } });
  });

  it('follows a chain of two CNAMEs, and cleans up by looking the chain up again after a restart', async () => {
    const first = solver();
    const challenge = { domain: 'api.certdesk.test', wildcard: false, token: 't', value: 'two-hops' };
    await first.solver.present(challenge);
    expect(await txtAt(delegated, TARGET)).toEqual(['two-hops']);
    await expect(followCnames({ fqdn: '_acme-challenge.api.certdesk.test', bootstrap: [origin.address, delegated.address] })).resolves.toEqual({
      target: TARGET,
      chain: ['_acme-challenge.api.certdesk.test.', 'hop.certdesk.test.', TARGET],
    });

    // A new process (crash, resume) knows nothing of the first one's lookup.
    const resumed = solver();
    await resumed.solver.cleanup(challenge);
    expect(await txtAt(delegated, TARGET)).toEqual([]);
  });

  it('writes at the name itself when there is no CNAME', async () => {
    const { solver: dns01, logger } = solver();
    const challenge = { domain: 'plain.acme.test', wildcard: false, token: 't', value: 'no-delegation' };
    await dns01.present(challenge);
    expect(await txtAt(delegated, '_acme-challenge.plain.acme.test')).toEqual(['no-delegation']);
    expect(logger.entries.find((entry) => entry.message === 'DNS-01 record presented')?.fields).toEqual({ provider: 'rfc2136', fqdn: '_acme-challenge.plain.acme.test.', wildcard: false });
    await dns01.cleanup(challenge);
  });

  it('refuses a CNAME loop before writing anything', async () => {
    const { solver: dns01 } = solver();
    const error: unknown = await dns01.present({ domain: 'loop.certdesk.test', wildcard: false, token: 't', value: 'never' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DnsError);
    expect(error).toMatchObject({ failure: 'bad_config' });
    expect((error as DnsError).message).toBe('Unable to follow the CNAME at _acme-challenge.loop.certdesk.test, the chain loops: _acme-challenge.loop.certdesk.test → loop-back.certdesk.test → _acme-challenge.loop.certdesk.test');
  });
});
