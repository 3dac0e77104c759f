import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DnsError } from '../../../../../../main/core/challenges/dns/dns-error.ts';
import {
  createTsigKey,
  signMessage,
  splitTsig,
  TSIG_ERROR,
  verifyResponse,
  type TsigAlgorithm,
} from '../../../../../../main/core/challenges/dns/tsig.ts';

/**
 * Captured from the real thing (Debian's BIND 9 tools), not from this code: `nsupdate -y
 * hmac-sha256:certdesk-test-key:<secret>` adding `_acme-challenge.www.certdesk.test. 60 TXT
 * "vector-value"` to zone certdesk.test through a UDP proxy in front of `named` started by
 * test/support/bind9.ts with that key, and named's answer (NOERROR, signed).
 */
const bindExchange = {
  secret: '4wKuGWdotVkzoegYVoyo4eZues8PmT2Pr2FeDJU+qy8=',
  keyName: 'certdesk-test-key',
  request:
    'eead2800000100000001000108636572746465736b047465737400000600010f5f61636d652d6368616c6c656e67650377777708636572746465736b04746573740000100001'
    + '0000003c000d0c766563746f722d76616c756511636572746465736b2d746573742d6b65790000fa00ff00000000003d0b686d61632d7368613235360000006b0a1b46012c'
    + '0020b0554c08f21b3522aa6a10103cce7668ae12a0d1f55fc187122259c2eca0ac80eead00000000',
  response:
    'eeada800000100000000000108636572746465736b0474657374000006000111636572746465736b2d746573742d6b65790000fa00ff00000000003d0b686d61632d73686132'
    + '35360000006b0a1b46012c0020af0c985a62c7814f46404185d3c9fad332916490a29aabd72acd40c1e4084674eead00000000',
  timeSigned: 0x6b0a1b46,
};

/**
 * Also captured from nsupdate (`-y <alg>:Vector-Key.Example:<secret>`, a server that never answers):
 * a `update delete _acme-challenge.example.test. TXT "cleanup-value"` in zone example.test, one per
 * algorithm. nsupdate compresses the update's owner name (pointer c00c) and lower-cases the key name.
 */
const nsupdateSecret = 'Y2VydGRlc2stdHNpZy10ZXN0LXZlY3Rvci1zZWNyZXQtMDEyMzQ1Njc4OQ==';
const nsupdateRequests: ReadonlyArray<{ algorithm: TsigAlgorithm; hex: string }> = [
  {
    algorithm: 'hmac-sha1',
    hex: 'c7c728000001000000010001076578616d706c65047465737400000600010f5f61636d652d6368616c6c656e6765c00c001000fe00000000000e0d636c65616e75702d76616c75650a'
      + '766563746f722d6b6579076578616d706c650000fa00ff00000000002f09686d61632d736861310000006b0a1b49012c001400a7618e684757fa5796d46a24b68cfd6900facec7c700000000',
  },
  {
    algorithm: 'hmac-sha384',
    hex: '295928000001000000010001076578616d706c65047465737400000600010f5f61636d652d6368616c6c656e6765c00c001000fe00000000000e0d636c65616e75702d76616c75650a'
      + '766563746f722d6b6579076578616d706c650000fa00ff00000000004d0b686d61632d7368613338340000006b0a1b49012c00307e55cdcb221f9223fe4605ad2805c2e0be4ae55607'
      + '9236c017d9be8ed8e8ab71bdade2efdc4521687183d49646f4473d295900000000',
  },
  {
    algorithm: 'hmac-sha512',
    hex: 'f04d28000001000000010001076578616d706c65047465737400000600010f5f61636d652d6368616c6c656e6765c00c001000fe00000000000e0d636c65616e75702d76616c75650a'
      + '766563746f722d6b6579076578616d706c650000fa00ff00000000005d0b686d61632d7368613531320000006b0a1b49012c00405ac67d8f97a7f7f3c22430a0a903841f5e5278c97a'
      + 'e5f52f24722a300b705147ab49348ed668e8e3f339be15e335682993200ff849c65966beec37d90c511bbcf04d00000000',
  },
];

const hex = (text: string): Buffer => Buffer.from(text, 'hex');

describe('signMessage', () => {
  it('reproduces nsupdate’s signed update byte for byte (hmac-sha256)', () => {
    const key = createTsigKey({ name: bindExchange.keyName, secret: bindExchange.secret });
    const captured = hex(bindExchange.request);
    const split = splitTsig(captured);
    if (split === undefined) throw new Error('the captured request has no TSIG');
    expect(split.record).toMatchObject({ keyName: 'certdesk-test-key.', algorithmName: 'hmac-sha256.', fudge: 300, error: 0, originalId: 0xeead });
    expect(split.record.timeSigned).toBe(bindExchange.timeSigned);

    const signed = signMessage(split.unsigned, key, { timeSigned: bindExchange.timeSigned });
    expect(signed.message.toString('hex')).toBe(bindExchange.request);
    expect(signed.mac).toEqual(split.record.mac);
  });

  it.each(nsupdateRequests)('computes the same MAC as nsupdate for $algorithm (compressed names, mixed-case key name)', ({ algorithm, hex: text }) => {
    const captured = hex(text);
    const split = splitTsig(captured);
    if (split === undefined) throw new Error('the captured request has no TSIG');
    expect(split.record.keyName).toBe('vector-key.example.');
    expect(split.record.algorithmName).toBe(`${algorithm}.`);

    const key = createTsigKey({ name: 'Vector-Key.Example', algorithm, secret: nsupdateSecret });
    const signed = signMessage(split.unsigned, key, { timeSigned: split.record.timeSigned });
    expect(signed.mac.toString('hex')).toBe(split.record.mac.toString('hex'));
    expect(signed.message).toEqual(captured);
  });

  it('raises ARCOUNT by one and appends the TSIG record last, keeping the ID as Original ID', () => {
    const key = createTsigKey({ name: 'k', secret: 'c2VjcmV0' });
    // Header (ID 1234, opcode UPDATE, one zone entry), then the zone entry: root, SOA, IN.
    const message = hex('1234' + '2800' + '0001' + '0000' + '0000' + '0000' + '00' + '0006' + '0001');
    const { message: signed } = signMessage(message, key, { timeSigned: 1_700_000_000 });
    expect(signed.readUInt16BE(0)).toBe(0x1234);
    expect(signed.readUInt16BE(10)).toBe(1);
    expect(splitTsig(signed)?.record).toMatchObject({ keyName: 'k.', originalId: 0x1234, timeSigned: 1_700_000_000, fudge: 300 });
    expect(splitTsig(signed)?.unsigned).toEqual(message);
  });
});

describe('verifyResponse', () => {
  const key = createTsigKey({ name: bindExchange.keyName, secret: bindExchange.secret });
  const requestMac = splitTsig(hex(bindExchange.request))?.record.mac ?? Buffer.alloc(0);
  const response = hex(bindExchange.response);

  it('accepts BIND’s signed answer', () => {
    expect(verifyResponse(response, key, requestMac, bindExchange.timeSigned)).toEqual({ status: 'verified', error: 0 });
  });

  const flip = (offset: number): Buffer => {
    const copy = Buffer.from(response);
    copy[offset] = (copy[offset] ?? 0) ^ 0x01;
    return copy;
  };

  it.each([
    { name: 'a flipped RCODE bit (a forged error or success)', message: flip(3), mac: requestMac },
    { name: 'a flipped bit in the zone name', message: flip(14), mac: requestMac },
    { name: 'a flipped bit in the MAC', message: flip(response.length - 10), mac: requestMac },
    { name: 'another request’s MAC (an answer replayed to a different update)', message: response, mac: Buffer.alloc(32, 7) },
  ])('rejects $name as invalid', ({ message, mac }) => {
    expect(verifyResponse(message, key, mac, bindExchange.timeSigned)).toMatchObject({ status: 'invalid' });
  });

  it('rejects an answer signed outside the fudge window, and one signed with another secret', () => {
    expect(verifyResponse(response, key, requestMac, bindExchange.timeSigned + 301)).toEqual({ status: 'invalid', reason: 'signed outside the allowed time window' });
    expect(verifyResponse(response, key, requestMac, bindExchange.timeSigned - 300)).toEqual({ status: 'verified', error: 0 });
    const otherSecret = createTsigKey({ name: bindExchange.keyName, secret: Buffer.alloc(32, 1).toString('base64') });
    expect(verifyResponse(response, otherSecret, requestMac, bindExchange.timeSigned)).toEqual({ status: 'invalid', reason: 'the MAC does not verify' });
  });

  it('rejects an answer signed with another key name or algorithm', () => {
    const otherName = createTsigKey({ name: 'someone-else', secret: bindExchange.secret });
    expect(verifyResponse(response, otherName, requestMac, bindExchange.timeSigned)).toEqual({ status: 'invalid', reason: 'signed with another key' });
    const otherAlgorithm = createTsigKey({ name: bindExchange.keyName, algorithm: 'hmac-sha512', secret: bindExchange.secret });
    expect(verifyResponse(response, otherAlgorithm, requestMac, bindExchange.timeSigned)).toEqual({ status: 'invalid', reason: 'signed with another algorithm' });
  });

  it('reports an unsigned TSIG with an error (the server could not verify us) as rejected with that error', () => {
    const unsignedKey = { ...key, mac: () => Buffer.alloc(0) };
    // What named sends for BADSIG: our request's TSIG echoed with an empty MAC and error 16.
    const request = signMessage(splitTsig(hex(bindExchange.request))?.unsigned ?? Buffer.alloc(0), unsignedKey, { timeSigned: bindExchange.timeSigned }).message;
    const answer = Buffer.from(request);
    answer[2] = (answer[2] ?? 0) | 0x80; // QR
    answer[3] = ((answer[3] ?? 0) & 0xf0) | 9; // NOTAUTH
    answer.writeUInt16BE(TSIG_ERROR.BADSIG, answer.length - 4);
    expect(verifyResponse(answer, key, requestMac)).toEqual({ status: 'rejected', error: TSIG_ERROR.BADSIG });
  });

  it('reports a response without TSIG as absent, and a truncated TSIG as invalid', () => {
    const withoutTsig = splitTsig(response)?.unsigned ?? Buffer.alloc(0);
    expect(verifyResponse(withoutTsig, key, requestMac)).toEqual({ status: 'absent' });
    expect(verifyResponse(response.subarray(0, response.length - 8), key, requestMac)).toMatchObject({ status: 'invalid' });
  });
});

describe('createTsigKey', () => {
  const secret = 'c3VwZXItc2VjcmV0LWtleS1tYXRlcmlhbA==';

  it('normalises the name and defaults to hmac-sha256', () => {
    const key = createTsigKey({ name: 'My-Key', secret });
    expect(key.name).toBe('my-key.');
    expect(key.algorithm).toBe('hmac-sha256');
  });

  it('never exposes the secret through JSON or inspection', () => {
    const key = createTsigKey({ name: 'k', secret });
    const decoded = Buffer.from(secret, 'base64').toString();
    for (const shown of [JSON.stringify(key), inspect(key, { showHidden: true, depth: 5 })]) {
      expect(shown).not.toContain(secret);
      expect(shown).not.toContain(decoded);
    }
  });

  it.each([
    { name: 'a secret that is not base64', options: { name: 'k', secret: 'not base64!' }, message: /its secret is not base64/ },
    { name: 'an empty secret', options: { name: 'k', secret: '' }, message: /its secret is not base64/ },
    { name: 'an empty name', options: { name: '', secret }, message: /its name is invalid/ },
    { name: 'an unknown algorithm', options: { name: 'k', secret, algorithm: 'hmac-md5' as TsigAlgorithm }, message: /algorithm must be one of/ },
  ])('refuses $name with a bad_config error that does not quote the secret', ({ options, message }) => {
    let thrown: unknown;
    try {
      createTsigKey(options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DnsError);
    expect(thrown).toMatchObject({ failure: 'bad_config', code: 'needs_admin', message: expect.stringMatching(message) as unknown });
    if (options.secret !== '') expect((thrown as DnsError).message).not.toContain(options.secret);
  });
});
