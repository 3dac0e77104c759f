import { describe, expect, it } from 'vitest';
import { sha256Hex, signTc3, tc3Date } from '../../../../../../../main/core/challenges/dns/signing/tc3.ts';

/**
 * The worked example of Tencent Cloud's "Signature v3" page (CVM DescribeInstances in
 * ap-guangzhou), https://www.tencentcloud.com/document/api/1021/34193 (the same text is on every
 * product's "Signature v3" page, DNSPod's included). The payload is sent exactly as shown, with the
 * `\u672a\u547d\u540d` escapes as literal text.
 */
const docExample = {
  secretId: 'AKID**********************0123456789EXAMPLE',
  secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
  service: 'cvm',
  timestamp: 1551113065,
  headers: { 'Content-Type': 'application/json; charset=utf-8', Host: 'cvm.tencentcloudapi.com' },
  payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
  hashedPayload: '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
  canonicalRequest: [
    'POST',
    '/',
    '',
    'content-type:application/json; charset=utf-8',
    'host:cvm.tencentcloudapi.com',
    '',
    'content-type;host',
    '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
  ].join('\n'),
  hashedCanonicalRequest: '5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031',
  signature: '72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
  authorization:
    'TC3-HMAC-SHA256 Credential=AKID**********************0123456789EXAMPLE/2019-02-25/cvm/tc3_request, '
    + 'SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
};

/**
 * The same example in the page's earlier revision (e.g. the 2020 Chinese page "签名方法 v3",
 * https://intl.cloud.tencent.com/zh/document/api/1021/34193), whose key was masked with asterisks.
 */
const earlierRevision = {
  secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******',
  secretKey: 'Gu5t9xGARNpq86cd98joQYCN3*******',
  authorization:
    'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, '
    + 'SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c',
};

describe('signTc3', () => {
  it('reproduces every intermediate value of the documented example', () => {
    expect(sha256Hex(docExample.payload)).toBe(docExample.hashedPayload);
    const signed = signTc3(docExample);
    expect(signed.canonicalRequest).toBe(docExample.canonicalRequest);
    expect(sha256Hex(signed.canonicalRequest)).toBe(docExample.hashedCanonicalRequest);
    expect(signed.credentialScope).toBe('2019-02-25/cvm/tc3_request');
    expect(signed.stringToSign).toBe(`TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n${docExample.hashedCanonicalRequest}`);
    expect(signed.signedHeaders).toBe('content-type;host');
    expect(signed.signature).toBe(docExample.signature);
    expect(signed.authorization).toBe(docExample.authorization);
  });

  it('reproduces the earlier revision of the example (masked key)', () => {
    expect(signTc3({ ...docExample, ...earlierRevision }).authorization).toBe(earlierRevision.authorization);
  });

  it('signs extra headers in sorted order, names and values lower-cased', () => {
    const signed = signTc3({ ...docExample, headers: { ...docExample.headers, 'X-TC-Action': 'DescribeInstances' } });
    expect(signed.signedHeaders).toBe('content-type;host;x-tc-action');
    expect(signed.canonicalRequest).toContain('host:cvm.tencentcloudapi.com\nx-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n');
    expect(signed.signature).not.toBe(docExample.signature);
  });

  it('derives the key from the secret key: another key gives another signature', () => {
    expect(signTc3({ ...docExample, secretKey: 'another-key' }).signature).not.toBe(docExample.signature);
    expect(signTc3(docExample).authorization).not.toContain(docExample.secretKey);
  });

  it('refuses to sign without the required headers', () => {
    expect(() => signTc3({ ...docExample, headers: { Host: 'cvm.tencentcloudapi.com' } })).toThrow(/content-type/);
  });
});

describe('tc3Date', () => {
  it.each([
    // The documentation's own warning: 2019-02-26 00:44:25 in UTC+8 is still 2019-02-25 in UTC.
    [1551113065, '2019-02-25'],
    [0, '1970-01-01'],
    [1551139199, '2019-02-25'],
    [1551139200, '2019-02-26'],
  ])('%i → %s', (timestamp, date) => {
    expect(tc3Date(timestamp)).toBe(date);
  });
});
