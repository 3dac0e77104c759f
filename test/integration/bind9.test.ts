import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBind9, type Bind9 } from '../support/bind9.ts';
import { freePort, isPortFree } from '../support/ports.ts';

describe('BIND9', () => {
  let bind: Bind9;

  beforeAll(async () => {
    bind = await startBind9();
  });

  afterAll(async () => {
    await bind.stop();
  });

  it('answers the zone’s SOA on loopback', async () => {
    const soa = await bind.resolver().resolveSoa('certdesk.test');
    expect(bind.address).toBe(`127.0.0.1:${bind.port}`);
    expect(soa).toMatchObject({ nsname: 'ns.certdesk.test', hostmaster: 'hostmaster.certdesk.test', serial: 1 });
  });

  it('answers A 127.0.0.1 for ns and, through the wildcard, for any other name', async () => {
    const resolver = bind.resolver();
    expect(await resolver.resolve4('ns.certdesk.test')).toEqual(['127.0.0.1']);
    expect(await resolver.resolve4('www.certdesk.test')).toEqual(['127.0.0.1']);
    expect(await resolver.resolve4('deep.sub.certdesk.test')).toEqual(['127.0.0.1']);
  });

  it('is not a resolver for names outside its zone', async () => {
    await expect(bind.resolver().resolve4('example.com')).rejects.toMatchObject({ code: 'EREFUSED' });
  });

  it('adds a TXT record through a TSIG-signed RFC 2136 update, then removes it', async () => {
    const name = '_acme-challenge.www.certdesk.test';
    const resolver = bind.resolver();
    await expect(resolver.resolveTxt(name)).rejects.toMatchObject({ code: 'ENODATA' });

    await bind.nsupdate([`update add ${name}. 60 IN TXT "first-value"`]);
    expect(await resolver.resolveTxt(name)).toEqual([['first-value']]);

    await bind.addTxt(name, 'second value');
    const both = (await resolver.resolveTxt(name)).map((chunks) => chunks.join('')).sort();
    expect(both).toEqual(['first-value', 'second value']);

    await bind.removeTxt(name, 'first-value');
    expect(await resolver.resolveTxt(name)).toEqual([['second value']]);

    await bind.removeTxt(name);
    await expect(resolver.resolveTxt(name)).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it('refuses an update signed with the wrong secret and leaves the zone unchanged', async () => {
    const name = '_acme-challenge.wrong.certdesk.test';
    const wrongKey = { ...bind.tsig, secret: Buffer.alloc(32, 1).toString('base64') };
    await expect(bind.nsupdate([`update add ${name}. 60 IN TXT "forged"`], { tsig: wrongKey }))
      .rejects.toThrow(/NOTAUTH|BADSIG|tsig/i);
    await expect(bind.resolver().resolveTxt(name)).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it('refuses an update signed with an unknown key name', async () => {
    const stranger = { ...bind.tsig, name: 'someone-else' };
    await expect(bind.nsupdate(['update add x.certdesk.test. 60 IN TXT "forged"'], { tsig: stranger }))
      .rejects.toThrow(/NOTAUTH|BADKEY|tsig/i);
  });
});

describe('startBind9 / stop', () => {
  it('serves another zone when asked, then stops named, frees the port and removes the temp dir', async () => {
    const bind = await startBind9({ zone: 'example.test', records: ['fixed IN TXT "from-the-zone-file"'] });
    try {
      expect(await bind.resolver().resolveTxt('fixed.example.test')).toEqual([['from-the-zone-file']]);
      expect(await isPortFree(bind.port, { udp: true })).toBe(false);
    } finally {
      await bind.stop();
    }
    expect(() => process.kill(bind.pid, 0)).toThrow(/ESRCH/);
    expect(await isPortFree(bind.port, { udp: true })).toBe(true);
    expect(existsSync(bind.dir)).toBe(false);
  });

  it('fails clearly, with named’s output, when its port is taken', async () => {
    const port = await freePort({ udp: true });
    const squatter = createSocket('udp4');
    await new Promise<void>((resolve) => { squatter.bind(port, '127.0.0.1', resolve); });
    try {
      await expect(startBind9({ port })).rejects.toThrow(/address in use[\s\S]*named \(pid \d+, exited[\s\S]*unable to listen/);
    } finally {
      squatter.close();
    }
  });
});
