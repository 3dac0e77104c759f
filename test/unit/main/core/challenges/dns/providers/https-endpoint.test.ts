import { describe, expect, it } from 'vitest';
import { checkBareHttpsEndpoint, checkHttpsEndpoint, endpointBase } from '../../../../../../../main/core/challenges/dns/providers/https-endpoint.ts';

describe('checkHttpsEndpoint', () => {
  it.each([
    ['https://dns.cn-north-4.myhuaweicloud.com', undefined],
    ['https://route53.amazonaws.com.cn', undefined],
    ['https://127.0.0.1:8443/base/', undefined],
    ['http://dns.cn-north-4.myhuaweicloud.com', 'it must start with https://'],
    ['ftp://example.com', 'it must start with https://'],
    ['https://user:pw@dns.example.com', 'it must not contain a user name or password'],
    ['https://dns.example.com/?x=1', 'it must not contain a query or fragment'],
    ['https://dns.example.com/#top', 'it must not contain a query or fragment'],
    ['dns.example.com', 'it is not a URL (e.g. https://dns.example.com)'],
  ])('checkHttpsEndpoint(%j) = %j', (value, expected) => {
    expect(checkHttpsEndpoint(value)).toBe(expected);
  });
});

describe('endpointBase', () => {
  it.each([
    ['https://127.0.0.1:8443', 'https://127.0.0.1:8443'],
    ['https://127.0.0.1:8443/', 'https://127.0.0.1:8443'],
    ['https://example.com/api//', 'https://example.com/api'],
  ])('endpointBase(%j) = %j', (value, expected) => {
    expect(endpointBase(value)).toBe(expected);
  });
});

describe('checkBareHttpsEndpoint', () => {
  const example = 'https://api.example.com';
  it.each([
    ['https://api.example.com', undefined],
    ['https://api.example.com/', undefined],
    ['https://127.0.0.1:8443', undefined],
    ['http://api.example.com', 'it must start with https://'],
    ['https://api.example.com/v2', 'it must be the bare endpoint, with no path or query (e.g. https://api.example.com)'],
    ['https://api.example.com/?a=1', 'it must be the bare endpoint, with no path or query (e.g. https://api.example.com)'],
    ['https://api.example.com/#top', 'it must be the bare endpoint, with no path or query (e.g. https://api.example.com)'],
    ['::', 'it is not a URL'],
  ])('checkBareHttpsEndpoint(%j) = %j', (value, expected) => {
    expect(checkBareHttpsEndpoint(value, example)).toBe(expected);
  });
});
