import { describe, expect, it } from 'vitest';
import { displayName, encodeName, isWithin, parentName, readName, requireFqdn, toFqdn } from '../../../../../../main/core/challenges/dns/names.ts';

describe('toFqdn', () => {
  it.each([
    ['example.com', 'example.com.'],
    ['Example.COM.', 'example.com.'],
    [' _acme-challenge.www.example.com ', '_acme-challenge.www.example.com.'],
    ['xn--fsq.example', 'xn--fsq.example.'],
  ])('%j → %j', (input, expected) => {
    expect(toFqdn(input)).toBe(expected);
  });

  it.each([
    ['', /empty/],
    ['.', /empty/],
    ['a..b', /empty label/],
    ['-a.example', /characters other than/],
    ['a b.example', /characters other than/],
    ['*.example.com', /characters other than/],
    [`${'a'.repeat(64)}.example`, /longer than 63/],
    [Array.from({ length: 60 }, () => 'abcd').join('.'), /longer than 255 octets/],
  ])('refuses %j', (input, message) => {
    expect(() => toFqdn(input)).toThrow(message);
  });
});

describe('parentName / isWithin / displayName', () => {
  it.each([
    ['a.b.c.', 'b.c.'],
    ['c.', '.'],
    ['.', undefined],
  ])('parentName(%j) = %j', (name, parent) => {
    expect(parentName(name)).toBe(parent);
  });

  it.each([
    ['www.example.com.', 'example.com.', true],
    ['example.com.', 'example.com.', true],
    ['WWW.Example.com.', 'example.COM.', true],
    ['badexample.com.', 'example.com.', false],
    ['example.com.', 'www.example.com.', false],
    ['anything.', '.', true],
  ])('isWithin(%j, %j) = %j', (name, zone, expected) => {
    expect(isWithin(name, zone)).toBe(expected);
  });

  it('drops the trailing dot for messages but keeps the root', () => {
    expect(displayName('example.com.')).toBe('example.com');
    expect(displayName('.')).toBe('.');
  });
});

describe('encodeName / readName', () => {
  it('encodes canonically: lower-case labels, length-prefixed, root last', () => {
    expect(encodeName('Ab.C.').toString('hex')).toBe('026162016300');
    expect(encodeName('.').toString('hex')).toBe('00');
  });

  it('reads plain and compressed names and says where the name ended', () => {
    // "example.test." at 0, then "www" + pointer to 0 at 14.
    const message = Buffer.concat([encodeName('example.test.'), Buffer.from('03777777c000', 'hex')]);
    expect(readName(message, 0)).toEqual({ name: 'example.test.', next: 14 });
    expect(readName(message, 14)).toEqual({ name: 'www.example.test.', next: 20 });
  });

  it.each([
    ['a pointer to itself', '0000c002'],
    ['a forward pointer', 'c00200'],
    ['a label past the end', '05616263'],
    ['a reserved label type', '4000'],
    ['no terminating zero', '0161'],
  ])('refuses %s', (_name, bytes) => {
    const message = Buffer.from(bytes, 'hex');
    expect(() => readName(message, bytes.startsWith('0000') ? 2 : 0)).toThrow();
  });
});

describe('requireFqdn', () => {
  it('returns the absolute name, or throws the caller\'s error built from the reason', () => {
    expect(requireFqdn('Example.COM', (reason) => new Error(reason))).toBe('example.com.');
    expect(() => requireFqdn('a..b', (reason) => new RangeError(`Unable to add the TXT record, ${reason}`))).toThrow(new RangeError('Unable to add the TXT record, "a..b" has an empty label'));
  });
});
