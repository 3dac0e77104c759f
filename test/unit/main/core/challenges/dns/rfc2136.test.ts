import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { DnsError, type DnsFailure } from '../../../../../../main/core/challenges/dns/dns-error.ts';
import { encodeName } from '../../../../../../main/core/challenges/dns/names.ts';
import { buildSoaQuery, buildTxtUpdate, createRfc2136Provider, describeCheckFailure, describeUpdateFailure, rfc2136Definition } from '../../../../../../main/core/challenges/dns/rfc2136.ts';
import { splitTsig, TSIG_ERROR, type TsigVerification } from '../../../../../../main/core/challenges/dns/tsig.ts';

/** nsupdate's signed `update add _acme-challenge.www.certdesk.test. 60 IN TXT "vector-value"` (see tsig.test.ts). */
const nsupdateAdd =
  'eead2800000100000001000108636572746465736b047465737400000600010f5f61636d652d6368616c6c656e67650377777708636572746465736b04746573740000100001'
  + '0000003c000d0c766563746f722d76616c756511636572746465736b2d746573742d6b65790000fa00ff00000000003d0b686d61632d7368613235360000006b0a1b46012c'
  + '0020b0554c08f21b3522aa6a10103cce7668ae12a0d1f55fc187122259c2eca0ac80eead00000000';

/** nsupdate's signed `update delete _acme-challenge.example.test. TXT "cleanup-value"` in zone example.test. */
const nsupdateDelete =
  'c7c728000001000000010001076578616d706c65047465737400000600010f5f61636d652d6368616c6c656e6765c00c001000fe00000000000e0d636c65616e75702d76616c75650a'
  + '766563746f722d6b6579076578616d706c650000fa00ff00000000002f09686d61632d736861310000006b0a1b49012c001400a7618e684757fa5796d46a24b68cfd6900facec7c700000000';

function unsignedHex(text: string): string {
  const split = splitTsig(Buffer.from(text, 'hex'));
  if (split === undefined) throw new Error('no TSIG in the captured message');
  return split.unsigned.toString('hex');
}

describe('buildTxtUpdate', () => {
  it('builds the same add as nsupdate: zone SOA/IN, no prerequisites, TXT/IN TTL 60', () => {
    const built = buildTxtUpdate(0xeead, 'certdesk.test.', '_acme-challenge.www.certdesk.test.', 'vector-value', 'add');
    expect(built.toString('hex')).toBe(unsignedHex(nsupdateAdd));
  });

  it('builds the same single-RR delete as nsupdate: CLASS NONE, TTL 0 (RFC 2136 §2.5.4)', () => {
    // nsupdate compresses the owner name into a pointer to the zone name at offset 12; we do not.
    const captured = unsignedHex(nsupdateDelete);
    expect(captured.split('c00c')).toHaveLength(2);
    const expanded = captured.replace('c00c', encodeName('example.test.').toString('hex'));
    const built = buildTxtUpdate(0xc7c7, 'example.test.', '_acme-challenge.example.test.', 'cleanup-value', 'delete');
    expect(built.toString('hex')).toBe(expanded);
  });

  it('splits a value longer than 255 octets into several character-strings', () => {
    const value = 'x'.repeat(300);
    const built = buildTxtUpdate(1, 'example.test.', 'a.example.test.', value, 'add');
    const rdata = built.subarray(built.length - 302);
    expect(built.readUInt16BE(built.length - 304)).toBe(302);
    expect(rdata[0]).toBe(255);
    expect(rdata[256]).toBe(45);
    expect(rdata.subarray(1, 256).toString()).toBe('x'.repeat(255));
  });
});

describe('describeUpdateFailure', () => {
  const verified: TsigVerification = { status: 'verified', error: 0 };
  const cases: ReadonlyArray<{ rcode: string; tsig: TsigVerification; failure: DnsFailure | undefined; reason?: RegExp }> = [
    { rcode: 'NOERROR', tsig: verified, failure: undefined },
    { rcode: 'NOERROR', tsig: { status: 'absent' }, failure: 'network', reason: /without a TSIG signature/ },
    { rcode: 'NOERROR', tsig: { status: 'invalid', reason: 'the MAC does not verify' }, failure: 'network', reason: /may be forged/ },
    { rcode: 'NOTAUTH', tsig: { status: 'rejected', error: TSIG_ERROR.BADSIG }, failure: 'auth', reason: /TSIG key or its secret is wrong \(or clocks differ\).*NOTAUTH\/BADSIG/ },
    { rcode: 'NOTAUTH', tsig: { status: 'rejected', error: TSIG_ERROR.BADKEY }, failure: 'auth', reason: /NOTAUTH\/BADKEY/ },
    { rcode: 'NOTAUTH', tsig: { status: 'verified', error: TSIG_ERROR.BADTIME }, failure: 'auth', reason: /clocks differ.*BADTIME/ },
    { rcode: 'NOTAUTH', tsig: { status: 'absent' }, failure: 'auth', reason: /TSIG key or its secret is wrong/ },
    { rcode: 'NOTAUTH', tsig: verified, failure: 'zone_not_found', reason: /zone not found: the server is not authoritative for example\.test/ },
    { rcode: 'REFUSED', tsig: verified, failure: 'refused', reason: /does not allow updates for this zone with this key/ },
    { rcode: 'REFUSED', tsig: { status: 'absent' }, failure: 'refused' },
    { rcode: 'NOTZONE', tsig: verified, failure: 'zone_not_found', reason: /zone not found/ },
    { rcode: 'NXDOMAIN', tsig: verified, failure: 'zone_not_found', reason: /zone not found/ },
    { rcode: 'SERVFAIL', tsig: verified, failure: 'server_error', reason: /answered SERVFAIL/ },
    { rcode: 'NOTIMP', tsig: { status: 'absent' }, failure: 'server_error', reason: /does not implement dynamic updates/ },
    { rcode: 'FORMERR', tsig: { status: 'absent' }, failure: 'server_error' },
  ];

  it.each(cases)('$rcode with TSIG $tsig.status → $failure', ({ rcode, tsig, failure, reason }) => {
    const described = describeUpdateFailure(rcode, tsig, 'example.test.');
    expect(described?.failure).toBe(failure);
    if (reason !== undefined) expect(described?.reason).toMatch(reason);
  });
});

describe('createRfc2136Provider', () => {
  const tsig = { name: 'k', secret: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ=' };

  it.each([
    { name: 'a server with a bad port', options: { server: '127.0.0.1:99999', tsig }, message: /port outside/ },
    { name: 'an empty server', options: { server: '', tsig }, message: /no host/ },
    { name: 'a zone that is not a name', options: { server: '127.0.0.1', tsig, zone: 'a..b' }, message: /zone/ },
    { name: 'a secret that is not base64', options: { server: '127.0.0.1', tsig: { name: 'k', secret: '%%%' } }, message: /not base64/ },
  ])('refuses $name at once with a bad_config error', ({ options, message }) => {
    expect(() => createRfc2136Provider(options)).toThrow(message);
    expect(() => createRfc2136Provider(options)).toThrow(DnsError);
  });

  it('rejects a name outside the configured zone without sending anything', async () => {
    // Port 9 (discard) on loopback: nothing is sent, or this would fail with a network error instead.
    const provider = createRfc2136Provider({ server: '127.0.0.1:9', tsig, zone: 'example.test' });
    await expect(provider.present('_acme-challenge.example.org.', 'v')).rejects.toMatchObject({
      failure: 'zone_not_found',
      message: expect.stringMatching(/not inside the configured zone example\.test/) as unknown,
    });
    await expect(provider.zoneOf('_acme-challenge.www.example.test')).resolves.toBe('example.test.');
  });
});

describe('buildSoaQuery', () => {
  it.each(['certdesk.test.', '.'])('asks SOA/IN for %s with recursion off, as dns-packet encodes it', (name) => {
    const built = buildSoaQuery(0x1234, name);
    const expected = dnsPacket.encode({ type: 'query', id: 0x1234, flags: 0, questions: [{ type: 'SOA', class: 'IN', name: name === '.' ? '.' : name.slice(0, -1) }] });
    expect(built.toString('hex')).toBe(expected.toString('hex'));
  });
});

describe('describeCheckFailure', () => {
  const cases: ReadonlyArray<{ rcode: string; tsig: TsigVerification; failure: DnsFailure | undefined; reason?: RegExp }> = [
    { rcode: 'NOERROR', tsig: { status: 'verified', error: 0 }, failure: undefined },
    // A signed REFUSED (a zone the server does not serve) still proves the key.
    { rcode: 'REFUSED', tsig: { status: 'verified', error: 0 }, failure: undefined },
    { rcode: 'NOTAUTH', tsig: { status: 'rejected', error: TSIG_ERROR.BADSIG }, failure: 'auth', reason: /NOTAUTH\/BADSIG$/ },
    { rcode: 'NOTAUTH', tsig: { status: 'rejected', error: TSIG_ERROR.BADKEY }, failure: 'auth', reason: /NOTAUTH\/BADKEY$/ },
    { rcode: 'NOTAUTH', tsig: { status: 'verified', error: TSIG_ERROR.BADTIME }, failure: 'auth', reason: /clocks differ.*BADTIME/ },
    { rcode: 'NOTAUTH', tsig: { status: 'absent' }, failure: 'auth', reason: /answered NOTAUTH$/ },
    { rcode: 'REFUSED', tsig: { status: 'absent' }, failure: 'network', reason: /answered REFUSED without a TSIG signature, so the key could not be checked/ },
    { rcode: 'NOERROR', tsig: { status: 'invalid', reason: 'the MAC does not verify' }, failure: 'network', reason: /may be forged/ },
  ];
  it.each(cases)('$rcode with TSIG $tsig.status → $failure', ({ rcode, tsig, failure, reason }) => {
    const described = describeCheckFailure(rcode, tsig);
    expect(described?.failure).toBe(failure);
    if (reason !== undefined) expect(described?.reason).toMatch(reason);
  });
});

describe('rfc2136Definition', () => {
  const field = (key: string) => rfc2136Definition.fields.find((candidate) => candidate.key === key);
  it.each([
    ['server', '192.0.2.53:53', undefined],
    ['server', '[2001:db8::53]:5353', undefined],
    ['server', '192.0.2.53', 'it is not host:port (e.g. 192.0.2.53:53 or [2001:db8::53]:53)'],
    ['server', 'ns1.example.com:70000', 'it is not host:port (e.g. 192.0.2.53:53 or [2001:db8::53]:53)'],
    ['tsigSecret', Buffer.alloc(32, 1).toString('base64'), undefined],
    ['tsigSecret', Buffer.alloc(8, 1).toString('base64'), 'it is not a base64 key of at least 16 bytes (use the secret from your key file, as tsig-keygen printed it)'],
    ['tsigName', 'x'.repeat(256), 'it is longer than 255 characters'],
  ])('%s %s → %s', (key, value, problem) => {
    expect(field(key)?.validate?.(value)).toBe(problem);
  });

  it('keeps the secret secret and the algorithm a choice that config.json accepts', () => {
    expect(field('tsigSecret')?.secret).toBe(true);
    expect(field('tsigAlgorithm')).toMatchObject({ optional: true, choices: ['hmac-sha256', 'hmac-sha384', 'hmac-sha512'], defaultValue: 'hmac-sha256' });
    const provider = rfc2136Definition.create({ server: '127.0.0.1:53', tsigName: 'k', tsigSecret: Buffer.alloc(32, 1).toString('base64'), tsigAlgorithm: 'hmac-sha512' }, { logger: { info: () => undefined, warn: () => undefined, error: () => undefined } });
    expect(provider.kind).toBe('rfc2136');
  });
});
