import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsError } from '../../main/core/challenges/dns/dns-error.ts';
import { createRfc2136Provider, type Rfc2136Provider } from '../../main/core/challenges/dns/rfc2136.ts';
import { startBind9, type Bind9 } from '../support/bind9.ts';
import { freePort } from '../support/ports.ts';

/** TXT values at `name` as BIND9 serves them now (sorted), `[]` when there are none. */
async function txtAt(bind: Bind9, name: string): Promise<string[]> {
  try {
    return (await bind.resolver().resolveTxt(name)).map((chunks) => chunks.join('')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENODATA' || (error as NodeJS.ErrnoException).code === 'ENOTFOUND') return [];
    throw error;
  }
}

async function rejection(promise: Promise<unknown>): Promise<DnsError> {
  const error: unknown = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof DnsError)) throw new Error(`expected a DnsError, got ${String(error)}`);
  return error;
}

describe('RFC 2136 provider against BIND9', () => {
  let bind: Bind9;
  let provider: Rfc2136Provider;

  beforeAll(async () => {
    bind = await startBind9();
    provider = createRfc2136Provider({ server: bind.address, tsig: bind.tsig });
  });

  afterAll(async () => {
    await bind.stop();
  });

  it('adds a TXT record that a direct query then sees, and removes it', async () => {
    const name = '_acme-challenge.www.certdesk.test';
    await provider.present(`${name}.`, 'first-value');
    expect(await txtAt(bind, name)).toEqual(['first-value']);
    await provider.cleanup(`${name}.`, 'first-value');
    expect(await txtAt(bind, name)).toEqual([]);
  });

  it('keeps two values on one name (wildcard + apex) and removes only the one asked for', async () => {
    const name = '_acme-challenge.certdesk.test';
    await Promise.all([provider.present(`${name}.`, 'apex-value'), provider.present(`${name}.`, 'wildcard-value')]);
    expect(await txtAt(bind, name)).toEqual(['apex-value', 'wildcard-value']);
    // Presenting again is a no-op (RFC 2136 §3.4.2.2), not a duplicate.
    await provider.present(`${name}.`, 'apex-value');
    expect(await txtAt(bind, name)).toEqual(['apex-value', 'wildcard-value']);

    await provider.cleanup(`${name}.`, 'wildcard-value');
    expect(await txtAt(bind, name)).toEqual(['apex-value']);
    await provider.cleanup(`${name}.`, 'apex-value');
    expect(await txtAt(bind, name)).toEqual([]);
  });

  it('succeeds cleaning up a value that is not there, leaving other records alone', async () => {
    const name = '_acme-challenge.idle.certdesk.test';
    await bind.addTxt(name, 'someone-elses');
    await provider.cleanup(`${name}.`, 'never-added');
    await provider.cleanup('_acme-challenge.nothing-here.certdesk.test.', 'never-added');
    expect(await txtAt(bind, name)).toEqual(['someone-elses']);
    await bind.removeTxt(name);
  });

  it('finds the zone of a deep name with one SOA question and updates there', async () => {
    const name = '_acme-challenge.a.b.c.deep.certdesk.test.';
    await expect(provider.zoneOf(name)).resolves.toBe('certdesk.test.');
    await provider.present(name, 'deep-value');
    expect(await txtAt(bind, name)).toEqual(['deep-value']);
    await provider.cleanup(name, 'deep-value');
  });

  it('says "zone not found" for a name in no zone the server holds, and for a zone it does not serve', async () => {
    const outside = await rejection(provider.present('_acme-challenge.www.example.org.', 'v'));
    expect(outside).toMatchObject({ failure: 'zone_not_found', code: 'needs_admin' });
    expect(outside.message).toBe(`Unable to find the DNS zone of _acme-challenge.www.example.org, ${bind.address} knows no zone that contains it (answers: REFUSED)`);

    const notServed = createRfc2136Provider({ server: bind.address, tsig: bind.tsig, zone: 'other.test' });
    const error = await rejection(notServed.present('_acme-challenge.www.other.test.', 'v'));
    expect(error).toMatchObject({ failure: 'zone_not_found' });
    expect(error.message).toMatch(/zone not found: the server is not authoritative for other\.test \(NOTAUTH\)$/);
  });

  it('refuses a wrong secret with the TSIG message, quoting neither secret, and changes nothing', async () => {
    const wrongSecret = Buffer.alloc(32, 1).toString('base64');
    const forged = createRfc2136Provider({ server: bind.address, tsig: { ...bind.tsig, secret: wrongSecret } });
    const name = '_acme-challenge.forged.certdesk.test';
    const error = await rejection(forged.present(`${name}.`, 'forged'));
    expect(error).toMatchObject({ failure: 'auth', code: 'needs_admin', transient: false });
    expect(error.message).toBe(`Unable to add the TXT record ${name} via RFC 2136 at ${bind.address}, the TSIG key or its secret is wrong (or clocks differ): the server answered NOTAUTH/BADSIG`);
    for (const text of [error.message, error.remedy ?? '', JSON.stringify(error), String(error.stack)]) {
      expect(text).not.toContain(wrongSecret);
      expect(text).not.toContain(bind.tsig.secret);
    }
    expect(await txtAt(bind, name)).toEqual([]);
  });

  it('refuses an unknown key name (BADKEY) and an algorithm the key does not have', async () => {
    const stranger = createRfc2136Provider({ server: bind.address, tsig: { ...bind.tsig, name: 'someone-else' } });
    await expect(stranger.present('_acme-challenge.x.certdesk.test.', 'v')).rejects.toMatchObject({
      failure: 'auth',
      message: expect.stringMatching(/the TSIG key or its secret is wrong \(or clocks differ\): the server answered NOTAUTH\/BADKEY$/) as unknown,
      remedy: expect.stringMatching(/key name \(someone-else\)/) as unknown,
    });
    const otherAlgorithm = createRfc2136Provider({ server: bind.address, tsig: { ...bind.tsig, algorithm: 'hmac-sha512' } });
    await expect(otherAlgorithm.present('_acme-challenge.x.certdesk.test.', 'v')).rejects.toMatchObject({ failure: 'auth' });
  });

  it('check() proves the key with a signed SOA query, changing nothing, and names the configured zone', async () => {
    await expect(provider.check()).resolves.toEqual({});
    const withZone = createRfc2136Provider({ server: bind.address, tsig: bind.tsig, zone: 'certdesk.test' });
    await expect(withZone.check()).resolves.toEqual({ zones: ['certdesk.test.'] });
    const wrongSecret = Buffer.alloc(32, 3).toString('base64');
    const forged = await rejection(createRfc2136Provider({ server: bind.address, tsig: { ...bind.tsig, secret: wrongSecret } }).check());
    expect(forged).toMatchObject({ failure: 'auth' });
    expect(forged.message).toBe(`Unable to check the TSIG key ${bind.tsig.name} at ${bind.address}, the TSIG key or its secret is wrong (or clocks differ): the server answered NOTAUTH/BADSIG`);
    expect(forged.message).not.toContain(wrongSecret);
    const stranger = await rejection(createRfc2136Provider({ server: bind.address, tsig: { ...bind.tsig, name: 'someone-else' } }).check());
    expect(stranger.message).toMatch(/NOTAUTH\/BADKEY$/);
  });

  it('reports a server that is not there as a network error', async () => {
    const port = await freePort({ udp: true });
    const absent = createRfc2136Provider({ server: `127.0.0.1:${port}`, tsig: bind.tsig, zone: 'certdesk.test', timeoutMs: 500 });
    const error = await rejection(absent.present('_acme-challenge.www.certdesk.test.', 'v'));
    expect(error).toMatchObject({ failure: 'network', transient: true });
    expect(error.message).toMatch(new RegExp(`^Unable to add the TXT record _acme-challenge\\.www\\.certdesk\\.test via RFC 2136 at 127\\.0\\.0\\.1:${port}, 127\\.0\\.0\\.1:${port} refused the connection`));
  });
});
