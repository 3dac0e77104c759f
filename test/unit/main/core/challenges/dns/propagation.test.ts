import { describe, expect, it } from 'vitest';
import { DnsError } from '../../../../../../main/core/challenges/dns/dns-error.ts';
import { followAnswer, followCnames, waitForTxt } from '../../../../../../main/core/challenges/dns/propagation.ts';
import type { QueryResponse, ResourceRecord } from '../../../../../../main/core/challenges/dns/transport.ts';
import { startFakeResolver } from '../../../../../support/fake-resolver.ts';

const txt = (name: string, data: string): ResourceRecord => ({ name, type: 'TXT', data });
const cname = (name: string, data: string): ResourceRecord => ({ name, type: 'CNAME', data });
const response = (...answers: ResourceRecord[]): QueryResponse => ({ rcode: 'NOERROR', authoritative: true, answers, authorities: [], additionals: [] });

describe('followAnswer', () => {
  const name = '_acme-challenge.example.com.';
  it.each([
    { case: 'TXT values at the name', answer: response(txt(name, 'a'), txt(name, 'b')), end: name, values: ['a', 'b'] },
    { case: 'nothing', answer: response(), end: name, values: [] },
    {
      case: 'a CNAME chain with the target’s TXT (a resolver’s answer)',
      answer: response(cname(name, 'x.auth.example.net.'), cname('x.auth.example.net.', 'y.auth.example.net.'), txt('y.auth.example.net.', 'v')),
      end: 'y.auth.example.net.',
      values: ['v'],
    },
    { case: 'a CNAME without the target’s data (an authoritative server outside the target zone)', answer: response(cname(name, 'x.example.net.')), end: 'x.example.net.', values: [] },
    { case: 'a CNAME loop', answer: response(cname(name, 'b.example.com.'), cname('b.example.com.', name)), end: 'b.example.com.', values: [] },
    { case: 'TXT owned by another name is ignored', answer: response(txt('other.example.com.', 'v')), end: name, values: [] },
  ])('$case', ({ answer, end, values }) => {
    expect(followAnswer(name, answer)).toEqual({ end, values });
  });
});

describe('waitForTxt options', () => {
  it.each([
    { case: 'a resolver that is not host:port', options: { fqdn: '_acme-challenge.example.com', value: 'v', resolver: '192.0.2.1:port' } },
    { case: 'a name that is not a domain name', options: { fqdn: 'a..b', value: 'v', resolver: '192.0.2.1' } },
  ])('refuses $case with a bad_config error before asking anyone', async ({ options }) => {
    const error: unknown = await waitForTxt(options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DnsError);
    expect(error).toMatchObject({ failure: 'bad_config' });
  });
});

describe('followCnames', () => {
  it('ends at the name itself when it has no CNAME (NXDOMAIN), lower-cased and absolute', async () => {
    const resolver = await startFakeResolver({});
    try {
      await expect(followCnames({ fqdn: '_acme-challenge.WWW.example.com', resolver: resolver.address })).resolves.toEqual({
        target: '_acme-challenge.www.example.com.',
        chain: ['_acme-challenge.www.example.com.'],
      });
    } finally {
      await resolver.stop();
    }
  });

  it('fails with a network error naming the answer when every resolver refuses', async () => {
    const resolver = await startFakeResolver({ refused: ['_acme-challenge.example.com.'] });
    try {
      const error: unknown = await followCnames({ fqdn: '_acme-challenge.example.com.', bootstrap: [resolver.address] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DnsError);
      expect(error).toMatchObject({ failure: 'network', message: `Unable to look up the CNAME at _acme-challenge.example.com, ${resolver.address} answered REFUSED` });
    } finally {
      await resolver.stop();
    }
  });

  it.each([
    { case: 'a resolver that is not host:port', options: { fqdn: '_acme-challenge.example.com', resolver: '192.0.2.1:port' } },
    { case: 'a name that is not a domain name', options: { fqdn: 'a..b', resolver: '192.0.2.1' } },
  ])('refuses $case with a bad_config error before asking anyone', async ({ options }) => {
    const error: unknown = await followCnames(options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DnsError);
    expect(error).toMatchObject({ failure: 'bad_config' });
  });
});
