import { describe, expect, it } from 'vitest';
import type { QueryResponse, ResourceRecord } from '../../../../../../main/core/challenges/dns/transport.ts';
import { interpretSoaResponse, type SoaStep } from '../../../../../../main/core/challenges/dns/zone.ts';

const soa = (name: string): ResourceRecord => ({ name, type: 'SOA', data: `ns.${name}` });
const ns = (name: string): ResourceRecord => ({ name, type: 'NS', data: `ns.${name}` });
const cname = (name: string, target: string): ResourceRecord => ({ name, type: 'CNAME', data: target });

function response(rcode: string, answers: ResourceRecord[] = [], authorities: ResourceRecord[] = []): QueryResponse {
  return { rcode, authoritative: true, answers, authorities, additionals: [] };
}

const zone = (name: string): SoaStep => ({ kind: 'zone', zone: name });
const parent: SoaStep = { kind: 'parent' };

describe('interpretSoaResponse', () => {
  const qname = '_acme-challenge.deep.sub.example.com.';
  const cases: ReadonlyArray<{ name: string; qname?: string; response: QueryResponse; expected: SoaStep }> = [
    { name: 'SOA in the answer at the name itself: the name is the apex', qname: 'example.com.', response: response('NOERROR', [soa('example.com.')]), expected: zone('example.com.') },
    { name: 'NXDOMAIN with the zone’s SOA in the authority section (one query for any depth)', response: response('NXDOMAIN', [], [soa('example.com.')]), expected: zone('example.com.') },
    { name: 'NOERROR/no data with the SOA in the authority section', response: response('NOERROR', [], [soa('sub.example.com.')]), expected: zone('sub.example.com.') },
    { name: 'a referral (NS for an ancestor, no SOA): the zone is cut there', response: response('NOERROR', [], [ns('sub.example.com.')]), expected: zone('sub.example.com.') },
    { name: 'REFUSED (the server serves no zone for it)', response: response('REFUSED'), expected: parent },
    { name: 'SERVFAIL', response: response('SERVFAIL', [], [soa('example.com.')]), expected: parent },
    { name: 'an authority SOA that is not an ancestor (a CNAME chased into another zone)', response: response('NOERROR', [], [soa('acme-dns.example.net.')]), expected: parent },
    { name: 'a CNAME in the answer: its authority SOA belongs to the target', response: response('NOERROR', [cname(qname, 'x.example.com.')], [soa('example.com.')]), expected: parent },
    { name: 'an SOA in the answer owned by another name', response: response('NOERROR', [soa('example.com.')]), expected: parent },
    { name: 'NOERROR with nothing at all', response: response('NOERROR'), expected: parent },
    { name: 'a referral to the root from a lame server', response: response('NOERROR', [], [ns('.')]), expected: parent },
  ];

  it.each(cases)('$name', ({ qname: asked, response: answer, expected }) => {
    expect(interpretSoaResponse(asked ?? qname, answer)).toEqual(expected);
  });
});
