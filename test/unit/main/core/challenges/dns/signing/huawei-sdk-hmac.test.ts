import { describe, expect, it } from 'vitest';
import {
  formatSdkDate,
  huaweiSignedHeaders,
  huaweiUriEncode,
  signHuaweiRequest,
} from '../../../../../../../main/core/challenges/dns/signing/huawei-sdk-hmac.ts';

/**
 * Huawei's worked example, "API Request Signing Guide": the VPC list request and its canonical
 * request (support.huaweicloud.com/intl/en-us/devg-apisign/api-sign-algorithm-002.html), its string
 * to sign (…/api-sign-algorithm-003.html), the signature under the example SK
 * (…/api-sign-algorithm-004.html) and the Authorization header (…/api-sign-algorithm-005.html).
 */
const EXAMPLE = {
  url: new URL('https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0'),
  date: new Date(Date.UTC(2019, 10, 15, 3, 36, 55)),
  credentials: { accessKeyId: 'QTWAOYTTINDUT2QVKYUC', secretAccessKey: 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc' },
  canonicalRequest: [
    'GET',
    '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/',
    'limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
    'content-type:application/json',
    'host:service.region.example.com',
    'x-sdk-date:20191115T033655Z',
    '',
    'content-type;host;x-sdk-date',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  ].join('\n'),
  stringToSign: 'SDK-HMAC-SHA256\n20191115T033655Z\nb25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a',
  signature: '7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
  authorization: 'SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
};

describe('signHuaweiRequest', () => {
  it('reproduces every step of Huawei\'s documented example', () => {
    const signed = signHuaweiRequest(
      { method: 'GET', url: EXAMPLE.url, headers: { 'Content-Type': 'application/json' } },
      EXAMPLE.credentials,
      EXAMPLE.date,
    );
    expect(signed.canonicalRequest).toBe(EXAMPLE.canonicalRequest);
    expect(signed.stringToSign).toBe(EXAMPLE.stringToSign);
    expect(signed.signedHeaders).toBe('content-type;host;x-sdk-date');
    expect(signed.signature).toBe(EXAMPLE.signature);
    expect(signed.authorization).toBe(EXAMPLE.authorization);
  });

  it('gives the same signature whatever the order of the query and the case of header names', () => {
    const url = new URL('https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?marker=13551d6b-755d-4757-b956-536f674975c0&limit=2');
    const signed = signHuaweiRequest({ method: 'get', url, headers: { 'CONTENT-TYPE': ' application/json ' } }, EXAMPLE.credentials, EXAMPLE.date);
    expect(signed.signature).toBe(EXAMPLE.signature);
  });

  it('hashes the body, keeps a non-default port in host, and encodes reserved characters', () => {
    const body = '{"name":"_acme-challenge.example.com.","type":"TXT","records":["\\"v\\""]}';
    const signed = signHuaweiRequest(
      { method: 'POST', url: new URL('https://127.0.0.1:8443/v2/zones/z 1/recordsets?name=a*b&type=TXT&name=a%21'), headers: { 'Content-Type': 'application/json' }, body },
      EXAMPLE.credentials,
      EXAMPLE.date,
    );
    expect(signed.canonicalRequest.split('\n')).toEqual([
      'POST',
      '/v2/zones/z%201/recordsets/',
      'name=a%21&name=a%2Ab&type=TXT',
      'content-type:application/json',
      'host:127.0.0.1:8443',
      'x-sdk-date:20191115T033655Z',
      '',
      'content-type;host;x-sdk-date',
      // sha256 of the body above (printf '%s' "$body" | sha256sum)
      'd91dc6c81927798599f782b3bd0673d7cada5903dbf14d6f7c7b15bb8cf186c7',
    ]);
  });

  it('refuses a header given twice in different cases', () => {
    expect(() => signHuaweiRequest({ method: 'GET', url: EXAMPLE.url, headers: { 'X-A': '1', 'x-a': '2' } }, EXAMPLE.credentials)).toThrow('the header x-a is given twice');
  });
});

describe('huaweiSignedHeaders', () => {
  it('adds X-Sdk-Date and Authorization to the given headers and leaves Host to the client', () => {
    expect(huaweiSignedHeaders({ method: 'GET', url: EXAMPLE.url, headers: { 'Content-Type': 'application/json' } }, EXAMPLE.credentials, EXAMPLE.date)).toEqual({
      'Content-Type': 'application/json',
      'X-Sdk-Date': '20191115T033655Z',
      Authorization: EXAMPLE.authorization,
    });
  });
});

describe('helpers', () => {
  it.each([
    [new Date(Date.UTC(2019, 10, 15, 3, 36, 55, 999)), '20191115T033655Z'],
    [new Date(Date.UTC(2024, 0, 1, 0, 0, 0)), '20240101T000000Z'],
  ])('formatSdkDate(%s) = %s', (date, expected) => {
    expect(formatSdkDate(date)).toBe(expected);
  });

  it.each([
    ['_acme-challenge.example.com.', '_acme-challenge.example.com.'],
    ["a b!'()*~", "a%20b%21%27%28%29%2A~"],
    ['中', '%E4%B8%AD'],
  ])('huaweiUriEncode(%j) = %j', (text, expected) => {
    expect(huaweiUriEncode(text)).toBe(expected);
  });
});
