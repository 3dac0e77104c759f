import { describe, expect, it } from 'vitest';
import { DnsError } from '../../../../../../../main/core/challenges/dns/dns-error.ts';
import {
  createZoneCache,
  listedZoneName,
  matchListedZone,
  nameInZone,
  requireInConfiguredZone,
  zoneCandidates,
} from '../../../../../../../main/core/challenges/dns/providers/zone-discovery.ts';

describe('zoneCandidates', () => {
  it.each([
    ['_acme-challenge.www.example.com.', 1, ['_acme-challenge.www.example.com.', 'www.example.com.', 'example.com.', 'com.']],
    ['_acme-challenge.www.example.com.', 2, ['_acme-challenge.www.example.com.', 'www.example.com.', 'example.com.']],
    ['_acme-challenge.example.com.', undefined, ['_acme-challenge.example.com.', 'example.com.', 'com.']],
    ['example.com.', 2, ['example.com.']],
    ['com.', 1, ['com.']],
    ['com.', 2, []],
    ['.', 1, []],
    ['a.b.c.d.', 3, ['a.b.c.d.', 'b.c.d.']],
  ])('zoneCandidates(%j, %j) = %j', (fqdn, minLabels, expected) => {
    expect(zoneCandidates(fqdn, minLabels)).toEqual(expected);
  });
});

describe('matchListedZone', () => {
  const listed = new Set(['example.com.', 'sub.example.com.', 'example.org.']);
  it.each([
    ['_acme-challenge.www.example.com.', 'example.com.'],
    ['_acme-challenge.a.sub.example.com.', 'sub.example.com.'],
    ['sub.example.com.', 'sub.example.com.'],
    ['_acme-challenge.example.org.', 'example.org.'],
    ['_acme-challenge.example.net.', undefined],
    ['notexample.com.', undefined],
  ])('the zone of %j in the listing is %j', (fqdn, expected) => {
    expect(matchListedZone(fqdn, listed)).toBe(expected);
  });

  it('takes a TLD zone only when nothing more specific is listed', () => {
    expect(matchListedZone('_acme-challenge.example.com.', new Set(['com.']))).toBe('com.');
  });
});

describe('listedZoneName', () => {
  it.each([
    ['Example.COM', 'example.com.'],
    ['example.com.', 'example.com.'],
    ['xn--fiqs8s.cn', 'xn--fiqs8s.cn.'],
    ['', undefined],
    ['中国.cn', undefined],
    ['bad..name', undefined],
  ])('listedZoneName(%j) = %j', (name, expected) => {
    expect(listedZoneName(name)).toBe(expected);
  });
});

describe('createZoneCache', () => {
  /** A lookup that records its calls and answers from `answers` (an Error rejects). */
  function lookup(answers: Array<string | Error>) {
    const calls: string[] = [];
    const find = (fqdn: string): Promise<string> => {
      calls.push(fqdn);
      const answer = answers.shift() ?? new Error('no more answers');
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    };
    return { calls, find };
  }

  it('looks a name up once, for concurrent and later callers alike', async () => {
    const { calls, find } = lookup(['example.com.']);
    const cache = createZoneCache(find);
    const [first, second] = await Promise.all([cache.get('a.example.com.'), cache.get('a.example.com.')]);
    expect([first, second, await cache.get('a.example.com.')]).toEqual(['example.com.', 'example.com.', 'example.com.']);
    expect(calls).toEqual(['a.example.com.']);
  });

  it('keeps names apart', async () => {
    const { calls, find } = lookup(['example.com.', 'example.org.']);
    const cache = createZoneCache(find);
    expect(await cache.get('a.example.com.')).toBe('example.com.');
    expect(await cache.get('a.example.org.')).toBe('example.org.');
    expect(calls).toEqual(['a.example.com.', 'a.example.org.']);
  });

  it('does not keep a failure: the next get asks again', async () => {
    const { calls, find } = lookup([new Error('network down'), 'example.com.']);
    const cache = createZoneCache(find);
    await expect(cache.get('a.example.com.')).rejects.toThrow('network down');
    expect(await cache.get('a.example.com.')).toBe('example.com.');
    expect(calls).toEqual(['a.example.com.', 'a.example.com.']);
  });

  it('asks again after forget', async () => {
    const { calls, find } = lookup(['old.example.com.', 'example.com.']);
    const cache = createZoneCache(find);
    expect(await cache.get('a.old.example.com.')).toBe('old.example.com.');
    cache.forget('a.old.example.com.');
    expect(await cache.get('a.old.example.com.')).toBe('example.com.');
    expect(calls).toHaveLength(2);
  });

  it('passes the signal of the caller to the lookup', async () => {
    const signals: Array<AbortSignal | undefined> = [];
    const cache = createZoneCache((_fqdn: string, signal?: AbortSignal) => {
      signals.push(signal);
      return Promise.resolve('example.com.');
    });
    const controller = new AbortController();
    await cache.get('a.example.com.', controller.signal);
    expect(signals).toEqual([controller.signal]);
  });
});

describe('nameInZone', () => {
  it.each([
    ['_acme-challenge.www.example.com.', 'example.com.', '_acme-challenge.www'],
    ['_acme-challenge.example.com.', 'example.com.', '_acme-challenge'],
    ['example.com.', 'example.com.', '@'],
    ['_ACME-challenge.Sub.example.com.', 'example.com.', '_acme-challenge.sub'],
    ['_acme-challenge.a.sub.example.com.', 'sub.example.com.', '_acme-challenge.a'],
  ])('nameInZone(%j, %j) = %j', (fqdn, zone, expected) => {
    expect(nameInZone(fqdn, zone)).toBe(expected);
  });
});

describe('requireInConfiguredZone', () => {
  it.each([
    ['_acme-challenge.example.com.', 'example.com.'],
    ['example.com.', 'example.com.'],
    ['_acme-challenge.a.b.example.com.', 'example.com.'],
  ])('accepts %j in %j', (fqdn, zone) => {
    expect(() => { requireInConfiguredZone(fqdn, zone, 'Test DNS'); }).not.toThrow();
  });

  it.each([
    ['_acme-challenge.example.org.', 'example.com.'],
    ['_acme-challenge.notexample.com.', 'example.com.'],
    ['example.com.', 'sub.example.com.'],
  ])('refuses %j outside %j with a bad_config error naming both', (fqdn, zone) => {
    let caught: unknown;
    try {
      requireInConfiguredZone(fqdn, zone, 'Test DNS');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DnsError);
    expect(caught).toMatchObject({
      failure: 'bad_config',
      message: `Unable to use Test DNS for ${fqdn.slice(0, -1)}, it is not in the configured zone ${zone.slice(0, -1)}`,
    });
  });
});
