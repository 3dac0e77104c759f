import { describe, expect, it } from 'vitest';
import {
  canonicalizedQuery,
  percentEncode,
  rpcSignature,
  rpcStringToSign,
  rpcTimestamp,
  signRpcRequest,
} from '../../../../../../../main/core/challenges/dns/signing/alibaba-rpc.ts';

/**
 * Alibaba Cloud's worked example of the RPC signature (ECS DescribeRegions, AccessKey ID `testid`,
 * secret `testsecret`, so the HMAC key is `testsecret&`), with the timestamp parameter spelled
 * `Timestamp` as every API takes it today. Alibaba's API references quote its result as their
 * sample signature (`Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D` with the same nonce, e.g. the
 * Server Migration Center's common parameters); the example itself is below in `olderExample`.
 */
const currentExample = {
  params: {
    AccessKeyId: 'testid',
    Action: 'DescribeRegions',
    Format: 'XML',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
    SignatureVersion: '1.0',
    Timestamp: '2016-02-23T12:46:24Z',
    Version: '2014-05-26',
  },
  stringToSign:
    'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1'
    + '%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0'
    + '%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
  signature: 'OLeaidS1JvxuMvnyHOwuJ+uX5qY=',
};

/**
 * The example as the ECS documentation printed it, spelling the parameter `TimeStamp`: "API 签名机制
 * (示例)", https://developer.aliyun.com/ask/210168 ("计算得到的签名值为: CT9X0VtwR86fNWSnsc6v8YGOjuE="),
 * whose signed URL recurs in https://www.alibabacloud.com/help/en/cloud-config/latest/request-signatures-1.
 * (The page prints its string to sign with bare `&` between the pairs; the signature it gives is
 * the one over `%26`, as the rule it states says.)
 */
const olderExample = {
  params: { ...Object.fromEntries(Object.entries(currentExample.params).filter(([name]) => name !== 'Timestamp')), TimeStamp: '2016-02-23T12:46:24Z' },
  signature: 'CT9X0VtwR86fNWSnsc6v8YGOjuE=',
};

describe('rpcSignature', () => {
  it('reproduces the documented example: canonical query, string to sign, signature', () => {
    expect(canonicalizedQuery(currentExample.params)).toBe(
      'AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1'
      + '&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0'
      + '&Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26',
    );
    expect(rpcStringToSign('GET', currentExample.params)).toBe(currentExample.stringToSign);
    expect(rpcSignature('GET', currentExample.params, 'testsecret')).toBe(currentExample.signature);
  });

  it('reproduces the older revision of the example (TimeStamp)', () => {
    expect(rpcSignature('GET', olderExample.params, 'testsecret')).toBe(olderExample.signature);
  });

  it('does not depend on the order the parameters were given in', () => {
    const reversed = Object.fromEntries(Object.entries(currentExample.params).reverse());
    expect(rpcSignature('GET', reversed, 'testsecret')).toBe(currentExample.signature);
  });

  it('covers the method and the secret', () => {
    expect(rpcSignature('POST', currentExample.params, 'testsecret')).not.toBe(currentExample.signature);
    expect(rpcSignature('GET', currentExample.params, 'othersecret')).not.toBe(currentExample.signature);
  });
});

describe('percentEncode', () => {
  // The documented rules: A-Z a-z 0-9 - _ . ~ stay; other bytes of the UTF-8 form become %XY in
  // upper case; a space is %20, * is %2A, and ~ is not %7E.
  it.each([
    ['AZaz09-_.~', 'AZaz09-_.~'],
    [' ', '%20'],
    ['*', '%2A'],
    ['+', '%2B'],
    ['/', '%2F'],
    ['=', '%3D'],
    ['&', '%26'],
    ['"', '%22'],
    ["!'()", '%21%27%28%29'],
    ['默认', '%E9%BB%98%E8%AE%A4'],
  ])('%s → %s', (value, encoded) => {
    expect(percentEncode(value)).toBe(encoded);
  });
});

describe('signRpcRequest', () => {
  it('adds the common parameters and a Signature the example pins', () => {
    const query = signRpcRequest(
      { Action: 'DescribeRegions', Version: '2014-05-26' },
      { accessKeyId: 'testid', accessKeySecret: 'testsecret' },
      { now: new Date('2016-02-23T12:46:24.123Z'), nonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf', format: 'XML' },
    );
    expect(query).toBe(`${canonicalizedQuery(currentExample.params)}&Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D`);
    expect(query).not.toContain('testsecret');
  });

  it('uses a fresh nonce per call and JSON by default', () => {
    const sign = (): URLSearchParams => new URLSearchParams(signRpcRequest({ Action: 'DescribeDomains' }, { accessKeyId: 'id', accessKeySecret: 's' }));
    const first = sign();
    const second = sign();
    expect(first.get('Format')).toBe('JSON');
    expect(first.get('SignatureNonce')).not.toBe(second.get('SignatureNonce'));
  });
});

describe('rpcTimestamp', () => {
  it('drops the milliseconds', () => {
    expect(rpcTimestamp(new Date('2016-02-23T12:46:24.999Z'))).toBe('2016-02-23T12:46:24Z');
  });
});
