import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsError } from '../../main/core/challenges/dns/dns-error.ts';
import { waitForTxt, type WaitForTxtOptions } from '../../main/core/challenges/dns/propagation.ts';
import { createRfc2136Provider } from '../../main/core/challenges/dns/rfc2136.ts';
import { startBind9, type Bind9 } from '../support/bind9.ts';

/** A wait that gives up quickly: these tests check what happens at the deadline, not how long it is. */
const shortWait = { timeoutMs: 400, intervalMs: 100 } as const;

async function rejection(promise: Promise<unknown>): Promise<DnsError> {
  const error: unknown = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof DnsError)) throw new Error(`expected a DnsError, got ${String(error)}`);
  return error;
}

describe('waitForTxt against BIND9', () => {
  let bind: Bind9;
  /** The default mode (the zone's authoritative servers), pointed at BIND9 for discovery and queries. */
  let authoritative: Pick<WaitForTxtOptions, 'bootstrap' | 'nameserverPort'>;

  beforeAll(async () => {
    bind = await startBind9();
    authoritative = { bootstrap: [bind.address], nameserverPort: bind.port };
  });

  afterAll(async () => {
    await bind.stop();
  });

  it('sees a record added through the RFC 2136 provider, asking the given resolver', async () => {
    const provider = createRfc2136Provider({ server: bind.address, tsig: bind.tsig });
    const fqdn = '_acme-challenge.www.certdesk.test.';
    await provider.present(fqdn, 'visible-value');
    try {
      const result = await waitForTxt({ fqdn, value: 'visible-value', resolver: bind.address });
      expect(result.checkedName).toBe(fqdn);
      expect(result.servers).toEqual([bind.address]);
      expect(result.elapsedMs).toBeGreaterThanOrEqual(0);
    } finally {
      await provider.cleanup(fqdn, 'visible-value');
    }
  });

  it('by default finds the zone, its NS and their addresses, and asks the authoritative server directly', async () => {
    const fqdn = '_acme-challenge.auth.certdesk.test.';
    await bind.addTxt(fqdn, 'authoritative-value');
    try {
      const result = await waitForTxt({ fqdn, value: 'authoritative-value', ...authoritative });
      // ns.certdesk.test has A 127.0.0.1 in the zone; the port is the test's.
      expect(result.servers).toEqual([`127.0.0.1:${bind.port}`]);
      expect(result.checkedName).toBe(fqdn);
    } finally {
      await bind.removeTxt(fqdn);
    }
  });

  it('waits for a record that appears after the wait began', async () => {
    const fqdn = '_acme-challenge.late.certdesk.test.';
    const waiting = waitForTxt({ fqdn, value: 'late-value', resolver: bind.address, intervalMs: 50, timeoutMs: 30_000 });
    await bind.addTxt(fqdn, 'late-value');
    try {
      await expect(waiting).resolves.toMatchObject({ checkedName: fqdn });
    } finally {
      await bind.removeTxt(fqdn);
    }
  });

  it('times out naming the server and what it showed when the value is absent', async () => {
    const fqdn = '_acme-challenge.absent.certdesk.test.';
    const error = await rejection(waitForTxt({ fqdn, value: 'never-added', resolver: bind.address, ...shortWait }));
    expect(error).toMatchObject({ failure: 'not_visible', transient: true });
    // The zone's wildcard A makes every name exist, so the answer is "no data", not NXDOMAIN.
    expect(error.message).toBe(`Unable to confirm the TXT record at _acme-challenge.absent.certdesk.test, 1 of 1 servers did not show it after 400 ms: ${bind.address} has no TXT record there`);
    expect(error.remedy).toMatch(/raise the propagation timeout/);

    await bind.addTxt(fqdn, 'another-value');
    try {
      const other = await rejection(waitForTxt({ fqdn, value: 'never-added', ...authoritative, ...shortWait }));
      expect(other.message).toMatch(new RegExp(`did not show it after 400 ms: 127\\.0\\.0\\.1:${bind.port} has 1 other TXT value\\(s\\) there$`));
    } finally {
      await bind.removeTxt(fqdn);
    }
  });

  it('follows a CNAME at _acme-challenge (acme-dns style) and says which name it checked', async () => {
    const alias = '_acme-challenge.alias.certdesk.test.';
    const target = '_acme-challenge.target.certdesk.test.';
    await bind.nsupdate([`update add ${alias} 60 IN CNAME ${target}`]);
    try {
      // Not there yet: the timeout names the target and the CNAME that led there.
      const missing = await rejection(waitForTxt({ fqdn: alias, value: 'delegated-value', resolver: bind.address, ...shortWait }));
      expect(missing.message).toMatch(/^Unable to confirm the TXT record at _acme-challenge\.target\.certdesk\.test \(followed the CNAME at _acme-challenge\.alias\.certdesk\.test to _acme-challenge\.target\.certdesk\.test\), /);

      await bind.addTxt(target, 'delegated-value');
      expect(await waitForTxt({ fqdn: alias, value: 'delegated-value', resolver: bind.address })).toMatchObject({ checkedName: target });
      expect(await waitForTxt({ fqdn: alias, value: 'delegated-value', ...authoritative })).toMatchObject({ checkedName: target, servers: [`127.0.0.1:${bind.port}`] });
    } finally {
      await bind.nsupdate([`update delete ${alias} CNAME`, `update delete ${target} TXT`]);
    }
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const waiting = waitForTxt({ fqdn: '_acme-challenge.aborted.certdesk.test.', value: 'v', resolver: bind.address, intervalMs: 50, timeoutMs: 30_000, signal: controller.signal });
    controller.abort(new Error('order cancelled'));
    await expect(waiting).rejects.toThrow('order cancelled');
  });
});
