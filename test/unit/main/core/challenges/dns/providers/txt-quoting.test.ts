import { describe, expect, it } from 'vitest';
import { quoteTxt, unquoteTxt } from '../../../../../../../main/core/challenges/dns/providers/txt-quoting.ts';

describe('quoteTxt', () => {
  it.each([
    ['LHDhK3oGRvkiefQnx7OOczTY5Tic_xZ6HcMOc_gmtoM', '"LHDhK3oGRvkiefQnx7OOczTY5Tic_xZ6HcMOc_gmtoM"'],
    ['', '""'],
    ['say "hi" \\o/', '"say \\"hi\\" \\\\o/"'],
    ['tab\there', '"tab\\009here"'],
    ['é', '"\\195\\169"'],
  ])('quoteTxt(%j) = %s', (value, expected) => {
    expect(quoteTxt(value)).toBe(expected);
  });

  it('splits a value longer than 255 octets into several strings (RFC 1035 §3.3)', () => {
    const value = 'a'.repeat(300);
    expect(quoteTxt(value)).toBe(`"${'a'.repeat(255)}" "${'a'.repeat(45)}"`);
  });
});

describe('unquoteTxt', () => {
  it.each([
    ['"abc"', 'abc'],
    ['abc', 'abc'],
    ['"ab" "c"', 'abc'],
    ['"v=spf1 include:_spf.example.com ~all"', 'v=spf1 include:_spf.example.com ~all'],
    ['"say \\"hi\\" \\\\o/"', 'say "hi" \\o/'],
    ['"\\195\\169"', 'é'],
    ['"中文"', '中文'],
    ['"unterminated', 'unterminated'],
  ])('unquoteTxt(%j) = %j', (data, expected) => {
    expect(unquoteTxt(data)).toBe(expected);
  });

  it('reads back whatever quoteTxt writes', () => {
    for (const value of ['plain', '', 'a"b\\c', 'x'.repeat(600), 'ünï\u{1F600}', 'new\nline']) {
      expect(unquoteTxt(quoteTxt(value))).toBe(value);
    }
  });
});

describe('unquoteTxt on what PowerDNS stores', () => {
  it('reads several strings, unquoted tokens and escapes', () => {
    expect(unquoteTxt('"abc" "def"')).toBe('abcdef');
    expect(unquoteTxt('plain')).toBe('plain');
    expect(unquoteTxt('"a\\"b" c\\032d')).toBe('a"bc d');
  });
});
