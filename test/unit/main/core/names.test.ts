import { describe, expect, it } from 'vitest';
import { CertDeskError } from '../../../../main/core/errors.ts';
import { normalizeDomain, validateName } from '../../../../main/core/names.ts';
import { thrown } from '../support/thrown.ts';

/** A name of exactly `length` characters: labels of up to 63 `a`s joined by dots. */
function nameOfLength(length: number): string {
  const labels: string[] = [];
  let left = length;
  while (left > 0) {
    const size = Math.min(63, left);
    labels.push('a'.repeat(size));
    left -= size + 1;
  }
  const name = labels.join('.');
  if (name.length !== length) throw new Error(`nameOfLength(${String(length)}) built ${String(name.length)} characters`);
  return name;
}

/** How a test title shows an input: long ones by their start and length. */
function shown(input: string): string {
  return input.length > 40 ? `${JSON.stringify(input.slice(0, 16))}… (${String(input.length)} characters)` : JSON.stringify(input);
}

function expectInvalidInput(fn: () => unknown, message: RegExp): CertDeskError {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(CertDeskError);
  const certDeskError = error as CertDeskError;
  expect(certDeskError.code).toBe('invalid_input');
  expect(certDeskError.message).toMatch(message);
  expect(certDeskError.remedy).toBeDefined();
  return certDeskError;
}

describe('validateName', () => {
  it.each([
    'a',
    '0',
    'example-com',
    'example.com',
    'le_staging',
    'a1.b2-c3_d4',
    'a'.repeat(64),
  ])('accepts %j', (name) => {
    expect(validateName('certificate id', name)).toBe(name);
  });

  it.each([
    ['empty', ''],
    ['upper case', 'Example'],
    ['starting with a dot', '.hidden'],
    ['starting with a hyphen', '-a'],
    ['starting with an underscore', '_a'],
    ['a parent reference', '..'],
    ['two dots inside', 'a..b'],
    ['a slash', 'a/b'],
    ['a backslash', 'a\\b'],
    ['a space', 'a b'],
    ['a newline at the end', 'a\n'],
    ['non-ASCII', 'bücher'],
    ['65 characters', 'a'.repeat(65)],
    ['a colon', 'c:'],
    ['a wildcard', '*'],
  ])('refuses %s (%j) with invalid_input naming the kind and the value', (_label, name) => {
    const error = expectInvalidInput(() => validateName('CA account', name), /as a CA account, it may contain only a-z, 0-9/);
    expect(error.message).toContain(JSON.stringify(name));
    expect(error.remedy).toMatch(/1-64 characters/);
  });
});

describe('normalizeDomain', () => {
  it.each([
    ['example.com', 'example.com'],
    ['www.example.com', 'www.example.com'],
    ['Example.COM', 'example.com'],
    ['  example.com  ', 'example.com'],
    ['example.com.', 'example.com'],
    ['EXAMPLE.com.', 'example.com'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['BÜCHER.example', 'xn--bcher-kva.example'],
    ['例子.测试', 'xn--fsqu00a.xn--0zwm56d'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['bücher。example', 'xn--bcher-kva.example'], // the ideographic full stop is a label separator (UTS #46)
    ['*.example.com', '*.example.com'],
    ['*.a.b', '*.a.b'],
    ['*.Bücher.Example', '*.xn--bcher-kva.example'],
    ['*.example.com.', '*.example.com'],
    ['a-b.example', 'a-b.example'],
    ['a--b.example', 'a--b.example'],
    ['1.example', '1.example'],
    ['123.example.com', '123.example.com'],
    ['example.co.uk', 'example.co.uk'],
    [`${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`],
    [nameOfLength(253), nameOfLength(253)],
    [`${nameOfLength(253)}.`, nameOfLength(253)], // the trailing dot is not part of the 253
    [`*.${nameOfLength(251)}`, `*.${nameOfLength(251)}`],
  ].map(([input = '', expected = '']) => ({ title: shown(input), input, expected })))('normalises $title', ({ input, expected }) => {
    expect(normalizeDomain(input)).toBe(expected);
  });

  it.each([
    // Empty and wildcards in the wrong place.
    ['', /it is empty/],
    ['.', /it is empty/],
    ['*.', /wildcard/],
    ['*', /wildcard/],
    ['a.*.b', /wildcard/],
    ['*a.b', /wildcard/],
    ['a*.b', /wildcard/],
    ['*.*.a.b', /wildcard/],
    ['**.a.b', /wildcard/],
    // IP addresses, in any spelling.
    ['127.0.0.1', /IP addresses are not supported/],
    ['1.2.3.4.', /IP addresses are not supported/],
    ['127.1', /IP addresses are not supported/],
    ['::1', /IP addresses are not supported/],
    ['[::1]', /IP addresses are not supported/],
    ['2001:db8::1', /IP addresses are not supported/],
    ['0x7f.1', /IP addresses are not supported/],
    ['0x7f.0.0.1', /IP addresses are not supported/],
    ['１２７.0.0.1', /IP addresses are not supported/], // full-width digits
    // Single labels.
    ['localhost', /at least two labels/],
    ['com', /at least two labels/],
    ['*.com', /at least two labels/],
    ['bücher', /at least two labels/],
    // Bad labels.
    ['a_b.example', /the label "a_b" is not a valid DNS label/],
    ['_acme-challenge.example.com', /not a valid DNS label/],
    ['-a.example', /the label "-a" is not a valid DNS label/],
    ['a-.example', /the label "a-" is not a valid DNS label/],
    ['a..example', /the label "" is not a valid DNS label/],
    ['.example.com', /not a valid DNS label/],
    ['example.com..', /not a valid DNS label/],
    [`${'a'.repeat(64)}.com`, /is not a valid DNS label/],
    // Too long.
    [nameOfLength(254), /longer than 253 characters/],
    [`*.${nameOfLength(252)}`, /longer than 253 characters/], // 254 characters with the wildcard label
    [`*.${nameOfLength(253)}`, /longer than 253 characters/],
    // Not a name at all.
    ['ex ample.com', /./],
    ['user@example.com', /./],
    ['example.com:443', /./],
    ['example.com/path', /./],
    ['example.com?query', /./],
    ['example.com#fragment', /./],
    ['example.com\\x', /./],
    ['exa\tmple.com', /./],
    ['example.com\u0000', /./],
    ['xn--a.com', /./], // invalid punycode
  ].map(([input, reason]) => ({ title: shown(input as string), input: input as string, reason: reason as RegExp })))('refuses $title', ({ input, reason }) => {
    const error = expectInvalidInput(() => normalizeDomain(input), reason);
    expect(error.message).toMatch(/^Unable to use the domain /);
    expect(error.message).toContain(JSON.stringify(input));
  });

  it('is idempotent on its own output', () => {
    for (const input of ['Bücher.Example.', '*.例子.测试', 'WWW.Example.Com']) {
      const once = normalizeDomain(input);
      expect(normalizeDomain(once)).toBe(once);
    }
  });
});
