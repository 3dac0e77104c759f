import { describe, expect, it } from 'vitest';
import {
  certificateIdFor,
  challengeRecordName,
  parseDomain,
  parseDomainList,
  splitDomainInput,
  type DomainIssueCode,
} from '../../../../renderer/store/domain-input.ts';

describe('splitDomainInput', () => {
  it.each([
    ['example.com', ['example.com']],
    ['example.com, www.example.com', ['example.com', 'www.example.com']],
    ['a.example\nb.example\r\nc.example', ['a.example', 'b.example', 'c.example']],
    ['a.example;b.example\tc.example', ['a.example', 'b.example', 'c.example']],
    ['例子.中国，www.例子.中国、api.例子.中国；x.example', ['例子.中国', 'www.例子.中国', 'api.例子.中国', 'x.example']],
    ['  ,, \n ', []],
    ['', []],
  ])('%j → %j', (text, tokens) => {
    expect(splitDomainInput(text)).toEqual(tokens);
  });
});

describe('parseDomain: accepted names', () => {
  it.each([
    // input, ascii, unicode, wildcard
    ['example.com', 'example.com', 'example.com', false],
    ['WWW.Example.COM', 'www.example.com', 'www.example.com', false],
    ['example.com.', 'example.com', 'example.com', false],
    ['*.example.com', '*.example.com', '*.example.com', true],
    ['*.EXAMPLE.com.', '*.example.com', '*.example.com', true],
    ['bücher.example', 'xn--bcher-kva.example', 'bücher.example', false],
    ['Bücher.Example', 'xn--bcher-kva.example', 'bücher.example', false],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example', 'bücher.example', false],
    ['例子.中国', 'xn--fsqu00a.xn--fiqs8s', '例子.中国', false],
    ['例子。中国', 'xn--fsqu00a.xn--fiqs8s', '例子.中国', false],
    ['*.例子.中国', '*.xn--fsqu00a.xn--fiqs8s', '*.例子.中国', true],
    ['a-b.example', 'a-b.example', 'a-b.example', false],
    ['1password.example', '1password.example', '1password.example', false],
    [`${'a'.repeat(63)}.example`, `${'a'.repeat(63)}.example`, `${'a'.repeat(63)}.example`, false],
  ])('%s → %s', (input, ascii, unicode, wildcard) => {
    expect(parseDomain(input)).toEqual({ input, ascii, unicode, wildcard });
  });

  it('accepts a name of exactly 253 characters', () => {
    const name = `${['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(53)].join('.')}.example`;
    expect(name).toHaveLength(253);
    expect(parseDomain(name)).toMatchObject({ ascii: name });
  });
});

describe('parseDomain: rejected tokens', () => {
  it.each<[string, DomainIssueCode]>([
    ['192.0.2.1', 'ip_address'],
    ['256.1.1.1', 'ip_address'],
    ['0x7f.1', 'ip_address'],
    ['1.2.3', 'ip_address'],
    ['2001:db8::1', 'ip_address'],
    ['::1', 'ip_address'],
    ['[2001:db8::1]', 'ip_address'],
    ['example.123', 'numeric_tld'],
    ['www.example.0', 'numeric_tld'],
    ['exa_mple.com', 'invalid_chars'],
    ['https://example.com/', 'invalid_chars'],
    ['example.com:443', 'invalid_chars'],
    ['admin@example.com', 'invalid_chars'],
    ['exa%41mple.com', 'invalid_chars'],
    ['example!.com', 'invalid_chars'],
    ['example..com', 'empty_label'],
    ['.example.com', 'empty_label'],
    ['example.com..', 'empty_label'],
    ['-example.com', 'bad_hyphen'],
    ['example-.com', 'bad_hyphen'],
    [`${'a'.repeat(64)}.example`, 'label_too_long'],
    [`${'ü'.repeat(60)}.example`, 'label_too_long'],
    [`${['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(54)].join('.')}.example`, 'name_too_long'],
    ['localhost', 'single_label'],
    ['intranet.', 'single_label'],
    ['www.*.example.com', 'wildcard_position'],
    ['*example.com', 'wildcard_position'],
    ['f*.example.com', 'wildcard_position'],
    ['*.*.example.com', 'wildcard_position'],
    ['example.*', 'wildcard_position'],
    ['*', 'wildcard_bare'],
    ['*.', 'wildcard_bare'],
    ['*.com', 'wildcard_too_broad'],
    ['*.com.', 'wildcard_too_broad'],
  ])('%s → %s', (input, code) => {
    expect(parseDomain(input)).toEqual({ input, code });
  });
});

describe('parseDomainList', () => {
  it('keeps the order typed and reports each bad token once, leaving the good ones usable', () => {
    const list = parseDomainList('example.com, localhost\nwww.example.com 192.0.2.1');
    expect(list.domains.map((d) => d.ascii)).toEqual(['example.com', 'www.example.com']);
    expect(list.issues).toEqual([
      { input: 'localhost', code: 'single_label' },
      { input: '192.0.2.1', code: 'ip_address' },
    ]);
    expect(list.warnings).toEqual([]);
    expect(list.hasWildcard).toBe(false);
  });

  it.each([
    ['example.com example.com', 'example.com'],
    ['example.com EXAMPLE.com.', 'EXAMPLE.com.'],
    ['bücher.example xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['*.example.com *.Example.com', '*.Example.com'],
  ])('%s: a duplicate is reported, the first kept', (text, duplicate) => {
    const list = parseDomainList(text);
    expect(list.domains).toHaveLength(1);
    expect(list.issues).toEqual([{ input: duplicate, code: 'duplicate' }]);
  });

  it('warns that a wildcard needs DNS-01, and allows its apex beside it', () => {
    const list = parseDomainList('*.example.com example.com');
    expect(list.domains.map((d) => d.ascii)).toEqual(['*.example.com', 'example.com']);
    expect(list.issues).toEqual([]);
    expect(list.warnings).toEqual([{ code: 'wildcard_needs_dns', input: '*.example.com' }]);
    expect(list.hasWildcard).toBe(true);
  });

  it('warns about a name a wildcard of the list already covers, but not a deeper one', () => {
    const list = parseDomainList('*.example.com www.example.com a.b.example.com');
    expect(list.warnings).toEqual([
      { code: 'wildcard_needs_dns', input: '*.example.com' },
      { code: 'covered_by_wildcard', input: 'www.example.com' },
    ]);
    expect(list.domains).toHaveLength(3);
  });

  it('is empty for blank input', () => {
    expect(parseDomainList(' \n ')).toEqual({ domains: [], issues: [], warnings: [], hasWildcard: false });
  });
});

describe('certificateIdFor', () => {
  it.each([
    ['example.com', 'example.com'],
    ['*.example.com', 'wildcard.example.com'],
    ['WWW.Example.com', 'www.example.com'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['例子.中国', ''],
    ['-odd_name.example', 'odd_name.example'],
    [`${'a'.repeat(70)}.example`, 'a'.repeat(64)],
    ['', ''],
  ])('%s → %j', (domain, id) => {
    expect(certificateIdFor(domain)).toBe(id);
  });

  it('gives ids main accepts for every accepted name', () => {
    for (const input of ['*.example.com', 'bücher.example', 'a-b.c-d.example', `${'x'.repeat(63)}.${'y'.repeat(63)}.example`]) {
      const parsed = parseDomain(input);
      if ('code' in parsed) throw new Error(`${input} should parse`);
      expect(certificateIdFor(parsed.ascii)).toMatch(/^[a-z0-9][a-z0-9._-]{0,63}$/);
    }
  });
});

describe('challengeRecordName', () => {
  it.each([
    ['example.com', '_acme-challenge.example.com'],
    ['*.example.com', '_acme-challenge.example.com'],
    ['www.xn--bcher-kva.example', '_acme-challenge.www.xn--bcher-kva.example'],
  ])('%s → %s', (domain, name) => {
    expect(challengeRecordName(domain)).toBe(name);
  });
});
