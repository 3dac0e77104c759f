import { describe, expect, it } from 'vitest';
import {
  acmeErrorNamespace,
  acmeErrorTypes,
  classifyProblem,
  classifyTransportError,
  maxDetailLength,
  maxRetryAfterSeconds,
  parseProblem,
  parseProblemDocument,
  parseRetryAfter,
  type AcmeErrorType,
  type AcmeProblem,
  type Classification,
  type ProblemAction,
  type ProblemKind,
  type ResponseHeaders,
  type ShortType,
} from '../../../../../main/core/acme/problems.ts';

const now = new Date('2025-06-01T00:00:00Z');
const seconds = (s: number): Date => new Date(now.getTime() + s * 1000);
const urn = (name: string): string => `${acmeErrorNamespace}${name}`;
const cjk = /[\u4e00-\u9fff]/;

/** Both languages present, non-empty, and actually in their language. */
function expectTranslated(texts: Classification['explanation']): void {
  expect(texts.en.trim()).not.toBe('');
  expect(texts['zh-CN'].trim()).not.toBe('');
  expect(texts.en).not.toMatch(cjk);
  expect(texts['zh-CN']).toMatch(cjk);
  expect(texts.en).not.toMatch(/undefined|NaN|\$\{/);
  expect(texts['zh-CN']).not.toMatch(/undefined|NaN|\$\{/);
}

describe('acmeErrorTypes', () => {
  it('holds every type of the IANA registry (RFC 8555 §6.7, RFC 9773) and invalidProfile', () => {
    expect([...acmeErrorTypes].sort()).toStrictEqual(
      [
        'accountDoesNotExist',
        'alreadyRevoked',
        'badCSR',
        'badNonce',
        'badPublicKey',
        'badRevocationReason',
        'badSignatureAlgorithm',
        'caa',
        'compound',
        'connection',
        'dns',
        'externalAccountRequired',
        'incorrectResponse',
        'invalidContact',
        'malformed',
        'orderNotReady',
        'rateLimited',
        'rejectedIdentifier',
        'serverInternal',
        'tls',
        'unauthorized',
        'unsupportedContact',
        'unsupportedIdentifier',
        'userActionRequired',
        'alreadyReplaced',
        'invalidProfile',
      ].sort(),
    );
  });
});

describe('classifyProblem: every known type', () => {
  // A mapped type, so a type added to acmeErrorTypes without a row here fails to compile.
  const expected: { readonly [T in AcmeErrorType]: readonly [ProblemKind, ProblemAction] } = {
    accountDoesNotExist: ['needs_admin', 'stop'],
    alreadyReplaced: ['state', 'order_without_replaces'],
    alreadyRevoked: ['state', 'already_done'],
    badCSR: ['needs_admin', 'stop'],
    badNonce: ['transient', 'retry_new_nonce'],
    badPublicKey: ['needs_admin', 'stop'],
    badRevocationReason: ['needs_admin', 'stop'],
    badSignatureAlgorithm: ['needs_admin', 'stop'],
    caa: ['needs_admin', 'stop'],
    compound: ['needs_admin', 'stop'],
    connection: ['needs_admin', 'stop'],
    dns: ['needs_admin', 'stop'],
    externalAccountRequired: ['needs_admin', 'stop'],
    incorrectResponse: ['needs_admin', 'stop'],
    invalidContact: ['needs_admin', 'stop'],
    invalidProfile: ['needs_admin', 'stop'],
    malformed: ['needs_admin', 'stop'],
    orderNotReady: ['state', 'reread_order'],
    rateLimited: ['transient', 'retry'],
    rejectedIdentifier: ['needs_admin', 'stop'],
    serverInternal: ['transient', 'retry'],
    tls: ['needs_admin', 'stop'],
    unauthorized: ['needs_admin', 'stop'],
    unsupportedContact: ['needs_admin', 'stop'],
    unsupportedIdentifier: ['needs_admin', 'stop'],
    userActionRequired: ['needs_admin', 'stop'],
  };

  it.each(acmeErrorTypes.map((type) => ({ type, kind: expected[type][0], action: expected[type][1] })))(
    '$type → $kind, $action',
    ({ type, kind, action }) => {
      const classification = classifyProblem({ type: urn(type), status: 400 });
      expect(classification.kind).toBe(kind);
      expect(classification.action).toBe(action);
      expect(classification.shortType).toBe(type);
    },
  );

  it.each(acmeErrorTypes)('%s has an explanation and a remedy in English and Chinese', (type) => {
    const { explanation, remedy } = classifyProblem({ type: urn(type) });
    expectTranslated(explanation);
    expectTranslated(remedy);
    expect(remedy.en).not.toBe(explanation.en);
  });

  it('explains dns in the words an admin looks for', () => {
    const { explanation, remedy } = classifyProblem({ type: urn('dns'), status: 400 });
    expect(explanation.en).toContain('TXT record');
    expect(remedy.en).toContain('_acme-challenge');
    expect(remedy['zh-CN']).toContain('_acme-challenge');
  });

  it('the classification does not depend on the status for a known type', () => {
    expect(classifyProblem({ type: urn('malformed'), status: 503 }).kind).toBe('needs_admin');
    expect(classifyProblem({ type: urn('serverInternal'), status: 400 }).kind).toBe('transient');
  });
});

describe('classifyProblem: unknown types and documents without a type', () => {
  const cases: ReadonlyArray<{ name: string; problem: AcmeProblem; kind: ProblemKind; action: ProblemAction; shortType: ShortType }> = [
    {
      name: 'no document, 429 → rate limited',
      problem: { type: 'about:blank', status: 429 },
      kind: 'transient',
      action: 'retry',
      shortType: 'rateLimited',
    },
    {
      name: 'no document, 500 → server error',
      problem: { type: 'about:blank', status: 500 },
      kind: 'transient',
      action: 'retry',
      shortType: 'serverInternal',
    },
    {
      name: 'no document, 503 → server error',
      problem: { type: 'about:blank', status: 503 },
      kind: 'transient',
      action: 'retry',
      shortType: 'serverInternal',
    },
    {
      name: 'no document, 599 → server error',
      problem: { type: 'about:blank', status: 599 },
      kind: 'transient',
      action: 'retry',
      shortType: 'serverInternal',
    },
    {
      name: 'no document, 400 → needs admin',
      problem: { type: 'about:blank', status: 400 },
      kind: 'needs_admin',
      action: 'stop',
      shortType: 'unknown',
    },
    {
      name: 'no document, 404 → needs admin',
      problem: { type: 'about:blank', status: 404 },
      kind: 'needs_admin',
      action: 'stop',
      shortType: 'unknown',
    },
    {
      name: 'no document, 409 → needs admin',
      problem: { type: 'about:blank', status: 409 },
      kind: 'needs_admin',
      action: 'stop',
      shortType: 'unknown',
    },
    { name: 'no document, no status → needs admin', problem: { type: 'about:blank' }, kind: 'needs_admin', action: 'stop', shortType: 'unknown' },
    {
      name: 'new ACME type, 400 → needs admin',
      problem: { type: urn('somethingNew'), status: 400 },
      kind: 'needs_admin',
      action: 'stop',
      shortType: 'unknown',
    },
    {
      name: 'new ACME type, 429 → transient',
      problem: { type: urn('somethingNew'), status: 429 },
      kind: 'transient',
      action: 'retry',
      shortType: 'unknown',
    },
    {
      name: 'new ACME type, 502 → transient',
      problem: { type: urn('somethingNew'), status: 502 },
      kind: 'transient',
      action: 'retry',
      shortType: 'unknown',
    },
    {
      name: 'new ACME type, no status → needs admin',
      problem: { type: urn('somethingNew') },
      kind: 'needs_admin',
      action: 'stop',
      shortType: 'unknown',
    },
    {
      name: 'foreign namespace with a known name is not that type',
      problem: { type: 'https://example.com/probs/dns', status: 400 },
      kind: 'needs_admin',
      action: 'stop',
      shortType: 'unknown',
    },
    {
      name: 'foreign namespace, 500 → transient',
      problem: { type: 'https://example.com/probs/dns', status: 500 },
      kind: 'transient',
      action: 'retry',
      shortType: 'unknown',
    },
    {
      name: 'ACME v1 namespace is not ACME v2',
      problem: { type: 'urn:acme:error:serverInternal', status: 400 },
      kind: 'needs_admin',
      action: 'stop',
      shortType: 'unknown',
    },
    { name: 'wrong case is another type', problem: { type: urn('DNS'), status: 400 }, kind: 'needs_admin', action: 'stop', shortType: 'unknown' },
    { name: 'the bare namespace', problem: { type: acmeErrorNamespace, status: 400 }, kind: 'needs_admin', action: 'stop', shortType: 'unknown' },
    {
      name: 'an Object.prototype name',
      problem: { type: urn('constructor'), status: 400 },
      kind: 'needs_admin',
      action: 'stop',
      shortType: 'unknown',
    },
    { name: '__proto__', problem: { type: urn('__proto__'), status: 400 }, kind: 'needs_admin', action: 'stop', shortType: 'unknown' },
    { name: 'toString', problem: { type: urn('toString'), status: 500 }, kind: 'transient', action: 'retry', shortType: 'unknown' },
  ];

  it.each(cases)('$name', ({ problem, kind, action, shortType }) => {
    const classification = classifyProblem(problem);
    expect(classification).toMatchObject({ kind, action, shortType });
    expectTranslated(classification.explanation);
    expectTranslated(classification.remedy);
  });

  it('names the unknown type and the status', () => {
    const { explanation } = classifyProblem({ type: urn('somethingNew'), status: 418 });
    expect(explanation.en).toContain(urn('somethingNew'));
    expect(explanation.en).toContain('418');
    expect(explanation['zh-CN']).toContain(urn('somethingNew'));
    expect(explanation['zh-CN']).toContain('418');
  });

  it('names the status of a response without a document', () => {
    const { explanation } = classifyProblem({ type: 'about:blank', status: 404 });
    expect(explanation.en).toContain('404');
    expect(explanation['zh-CN']).toContain('404');
  });
});

describe('classifyProblem: Retry-After, pausing and userActionRequired', () => {
  it('carries Retry-After for the retry policy', () => {
    const retryAfter = seconds(3600);
    expect(classifyProblem({ type: urn('rateLimited'), status: 429, retryAfter }).retryAfter).toStrictEqual(retryAfter);
    expect(classifyProblem({ type: 'about:blank', status: 503, retryAfter }).retryAfter).toStrictEqual(retryAfter);
  });

  it('has no retryAfter key when the CA sent none', () => {
    expect(Object.hasOwn(classifyProblem({ type: urn('serverInternal'), status: 500 }), 'retryAfter')).toBe(false);
  });

  const pauseDetail =
    'Your account is temporarily prevented from requesting certificates for example.com and possibly others. ' +
    'Please visit: https://portal.letsencrypt.org/sfe/v1/unpause?jwt=abc.def.ghi';

  const pauseCases: ReadonlyArray<{ name: string; problem: AcmeProblem; shortType: ShortType; kind: ProblemKind }> = [
    {
      name: 'rateLimited with the pause message → paused',
      problem: { type: urn('rateLimited'), status: 429, detail: pauseDetail },
      shortType: 'paused',
      kind: 'needs_admin',
    },
    {
      name: 'unauthorized with the pause message → paused',
      problem: { type: urn('unauthorized'), status: 403, detail: pauseDetail },
      shortType: 'paused',
      kind: 'needs_admin',
    },
    {
      name: 'a bare 429 with the pause message → paused',
      problem: { type: 'about:blank', status: 429, detail: pauseDetail },
      shortType: 'paused',
      kind: 'needs_admin',
    },
    {
      name: 'only the unpause link → paused',
      problem: { type: urn('rateLimited'), status: 429, detail: 'see https://ca.example/sfe/v1/unpause?jwt=x' },
      shortType: 'paused',
      kind: 'needs_admin',
    },
    {
      name: 'an ordinary rate limit stays transient',
      problem: {
        type: urn('rateLimited'),
        status: 429,
        detail: 'too many certificates (5) already issued for this exact set of identifiers in the last 168h0m0s',
      },
      shortType: 'rateLimited',
      kind: 'transient',
    },
    {
      name: 'a dns problem mentioning unpause is still dns',
      problem: { type: urn('dns'), status: 400, detail: 'NXDOMAIN looking up TXT for _acme-challenge.unpause.example' },
      shortType: 'dns',
      kind: 'needs_admin',
    },
  ];

  it.each(pauseCases)('$name', ({ problem, shortType, kind }) => {
    const classification = classifyProblem(problem);
    expect(classification.shortType).toBe(shortType);
    expect(classification.kind).toBe(kind);
  });

  it('explains pausing without repeating the unpause token', () => {
    const { explanation, remedy, action } = classifyProblem({ type: urn('rateLimited'), status: 429, detail: pauseDetail });
    expect(action).toBe('stop');
    expectTranslated(explanation);
    expectTranslated(remedy);
    for (const text of [explanation.en, explanation['zh-CN'], remedy.en, remedy['zh-CN']]) expect(text).not.toContain('jwt');
  });

  const instanceCases: ReadonlyArray<{ name: string; instance: string | undefined; shown: boolean }> = [
    { name: 'an https instance is shown', instance: 'https://ca.example/terms/accept', shown: true },
    { name: 'an http instance is shown', instance: 'http://ca.example/terms', shown: true },
    { name: 'a javascript: URL is not', instance: 'javascript:alert(1)', shown: false },
    { name: 'a relative reference is not', instance: '/terms/accept', shown: false },
    { name: 'no instance', instance: undefined, shown: false },
  ];

  it.each(instanceCases)('userActionRequired: $name', ({ instance, shown }) => {
    const problem: AcmeProblem = { type: urn('userActionRequired'), status: 403, ...(instance === undefined ? {} : { instance }) };
    const { remedy } = classifyProblem(problem);
    expectTranslated(remedy);
    if (instance !== undefined) {
      expect(remedy.en.includes(instance)).toBe(shown);
      expect(remedy['zh-CN'].includes(instance)).toBe(shown);
    }
  });
});

describe('classifyProblem: subproblems (RFC 8555 §6.7.1)', () => {
  const dns = (value: string): AcmeProblem['subproblems'] & object => [
    { type: urn('dns'), detail: `NXDOMAIN for _acme-challenge.${value}`, identifier: { type: 'dns', value } },
  ];

  it('compound: the needs_admin subproblem wins over a transient one, and names only its identifiers', () => {
    const classification = classifyProblem({
      type: urn('compound'),
      status: 403,
      subproblems: [
        { type: urn('serverInternal'), identifier: { type: 'dns', value: 'b.example' } },
        ...dns('a.example'),
      ],
    });
    expect(classification.kind).toBe('needs_admin');
    expect(classification.shortType).toBe('dns');
    expect(classification.identifiers).toStrictEqual(['a.example']);
    expect(classification.explanation.en).toContain('a.example');
    expect(classification.explanation.en).not.toContain('b.example');
    expect(classification.explanation['zh-CN']).toContain('a.example');
    expect(classification.remedy).toStrictEqual(classifyProblem({ type: urn('dns') }).remedy);
  });

  it('compound: all transient → transient, naming every identifier once', () => {
    const classification = classifyProblem({
      type: urn('compound'),
      status: 500,
      subproblems: [
        { type: urn('serverInternal'), identifier: { type: 'dns', value: 'a.example' } },
        { type: urn('serverInternal'), identifier: { type: 'dns', value: 'b.example' } },
        { type: urn('serverInternal'), identifier: { type: 'dns', value: 'a.example' } },
      ],
    });
    expect(classification.kind).toBe('transient');
    expect(classification.shortType).toBe('serverInternal');
    expect(classification.identifiers).toStrictEqual(['a.example', 'b.example']);
  });

  it('compound without subproblems needs the admin', () => {
    const classification = classifyProblem({ type: urn('compound'), status: 403 });
    expect(classification.kind).toBe('needs_admin');
    expect(classification.shortType).toBe('compound');
    expect(Object.hasOwn(classification, 'identifiers')).toBe(false);
  });

  it('the example of RFC 8555 §6.7.1: the first subproblem of the worst kind explains, all of that kind are named', () => {
    const classification = classifyProblem({
      type: urn('malformed'),
      status: 403,
      detail: 'Some of the identifiers requested were rejected',
      subproblems: [
        { type: urn('malformed'), detail: 'Invalid underscore in DNS name "_example.org"', identifier: { type: 'dns', value: '_example.org' } },
        { type: urn('rejectedIdentifier'), detail: 'This CA will not issue for "example.net"', identifier: { type: 'dns', value: 'example.net' } },
      ],
    });
    expect(classification.kind).toBe('needs_admin');
    expect(classification.shortType).toBe('malformed');
    expect(classification.identifiers).toStrictEqual(['_example.org', 'example.net']);
  });

  it('a subproblem explains a tie with the top-level type', () => {
    const classification = classifyProblem({ type: urn('rejectedIdentifier'), status: 400, subproblems: dns('a.example') });
    expect(classification.shortType).toBe('dns');
  });

  it('a top-level type worse than every subproblem wins, without naming identifiers of another kind', () => {
    const classification = classifyProblem({
      type: 'about:blank',
      status: 403,
      subproblems: [{ type: urn('serverInternal'), identifier: { type: 'dns', value: 'a.example' } }],
    });
    expect(classification.kind).toBe('needs_admin');
    expect(classification.shortType).toBe('unknown');
    expect(Object.hasOwn(classification, 'identifiers')).toBe(false);
    expect(classification.explanation.en).not.toContain('a.example');
  });

  it('a state subproblem does not hide a transient top level', () => {
    const classification = classifyProblem({ type: urn('serverInternal'), status: 500, subproblems: [{ type: urn('orderNotReady') }] });
    expect(classification.kind).toBe('transient');
    expect(classification.shortType).toBe('serverInternal');
  });

  it('a subproblem of an unknown type needs the admin (it has no status to judge by)', () => {
    const classification = classifyProblem({
      type: urn('compound'),
      status: 500,
      subproblems: [{ type: urn('somethingNew'), identifier: { type: 'dns', value: 'a.example' } }],
    });
    expect(classification.kind).toBe('needs_admin');
    expect(classification.shortType).toBe('unknown');
  });

  it('names ten identifiers, then says how many there are', () => {
    const names = Array.from({ length: 12 }, (_, i) => `host${i}.example`);
    const classification = classifyProblem({ type: urn('compound'), status: 403, subproblems: names.flatMap((name) => dns(name)) });
    expect(classification.identifiers).toStrictEqual(names);
    expect(classification.explanation.en).toContain('host9.example and 2 more.');
    expect(classification.explanation.en).not.toContain('host10.example');
    expect(classification.explanation['zh-CN']).toContain('host9.example 等 12 个');
  });

  it('carries the top-level Retry-After', () => {
    const retryAfter = seconds(60);
    const classification = classifyProblem({ type: urn('compound'), status: 429, retryAfter, subproblems: [{ type: urn('rateLimited') }] });
    expect(classification.retryAfter).toStrictEqual(retryAfter);
  });
});

describe('parseRetryAfter', () => {
  const cap = seconds(maxRetryAfterSeconds);
  const cases: ReadonlyArray<{ name: string; value: string | undefined; expected: Date | undefined }> = [
    { name: 'delta-seconds', value: '120', expected: seconds(120) },
    { name: 'zero', value: '0', expected: now },
    { name: 'surrounding whitespace', value: ' 30 ', expected: seconds(30) },
    { name: 'leading zeros', value: '0060', expected: seconds(60) },
    { name: 'exactly the cap', value: String(maxRetryAfterSeconds), expected: cap },
    { name: 'over the cap is clamped', value: String(maxRetryAfterSeconds + 1), expected: cap },
    { name: 'absurdly many digits are clamped', value: '99999999999999999999999', expected: cap },
    { name: 'negative', value: '-5', expected: undefined },
    { name: 'fraction', value: '1.5', expected: undefined },
    { name: 'plus sign', value: '+5', expected: undefined },
    { name: 'exponent', value: '1e3', expected: undefined },
    { name: 'two values', value: '120, 120', expected: undefined },
    { name: 'empty', value: '', expected: undefined },
    { name: 'missing', value: undefined, expected: undefined },
    { name: 'garbage', value: 'soon', expected: undefined },
    { name: 'IMF-fixdate', value: 'Sun, 01 Jun 2025 00:10:00 GMT', expected: seconds(600) },
    { name: 'IMF-fixdate, two-digit day and month end', value: 'Mon, 02 Jun 2025 00:00:00 GMT', expected: seconds(86_400) },
    { name: 'IMF-fixdate in the past means now', value: 'Sun, 06 Nov 1994 08:49:37 GMT', expected: now },
    { name: 'IMF-fixdate too far ahead is clamped', value: 'Fri, 01 Jun 2035 00:00:00 GMT', expected: cap },
    { name: 'IMF-fixdate with a leap second', value: 'Sun, 01 Jun 2025 00:09:60 GMT', expected: seconds(600) },
    { name: 'RFC 850 date', value: 'Sunday, 01-Jun-25 00:10:00 GMT', expected: seconds(600) },
    // RFC 9110 §5.6.7: "80" is 1980 (2080 is more than 50 years ahead of 2025), so it is in the past.
    { name: 'RFC 850 date, two-digit year more than 50 years ahead is in the past', value: 'Saturday, 01-Jun-80 00:00:00 GMT', expected: now },
    { name: 'RFC 850 date, two-digit year up to 50 years ahead is in the future', value: 'Sunday, 01-Jun-75 00:00:00 GMT', expected: cap },
    { name: 'asctime date, space-padded day', value: 'Sun Jun  1 00:10:00 2025', expected: seconds(600) },
    { name: 'asctime date, two-digit day', value: 'Mon Jun 02 00:00:00 2025', expected: seconds(86_400) },
    { name: 'day names are case-sensitive', value: 'sun, 01 Jun 2025 00:10:00 GMT', expected: undefined },
    { name: 'month names are case-sensitive', value: 'Sun, 01 JUN 2025 00:10:00 GMT', expected: undefined },
    { name: 'only GMT', value: 'Sun, 01 Jun 2025 00:10:00 UTC', expected: undefined },
    { name: 'no 31 February', value: 'Mon, 31 Feb 2025 00:00:00 GMT', expected: undefined },
    { name: 'no hour 24', value: 'Sun, 01 Jun 2025 24:00:00 GMT', expected: undefined },
    { name: 'no minute 60', value: 'Sun, 01 Jun 2025 00:60:00 GMT', expected: undefined },
    { name: 'ISO 8601 is not an HTTP-date', value: '2025-06-01T00:10:00Z', expected: undefined },
    { name: 'a single-digit IMF day', value: 'Sun, 1 Jun 2025 00:10:00 GMT', expected: undefined },
  ];

  it.each(cases)('$name: $value', ({ value, expected }) => {
    expect(parseRetryAfter(value, now)).toStrictEqual(expected);
  });
});

describe('parseProblemDocument', () => {
  const document = { type: urn('rateLimited'), detail: 'too many new orders recently', status: 429 };
  const longDetail = 'x'.repeat(maxDetailLength * 3);

  const cases: ReadonlyArray<{ name: string; status: number; body: unknown; headers?: ResponseHeaders; expected: AcmeProblem | undefined }> = [
    {
      name: 'a parsed document',
      status: 429,
      body: document,
      expected: { type: urn('rateLimited'), detail: 'too many new orders recently', status: 429 },
    },
    {
      name: 'a JSON string',
      status: 429,
      body: JSON.stringify(document),
      expected: { type: urn('rateLimited'), detail: 'too many new orders recently', status: 429 },
    },
    {
      name: 'JSON bytes',
      status: 429,
      body: Buffer.from(JSON.stringify(document)),
      expected: { type: urn('rateLimited'), detail: 'too many new orders recently', status: 429 },
    },
    {
      name: 'JSON in an ArrayBuffer',
      status: 429,
      body: new TextEncoder().encode(JSON.stringify(document)).buffer,
      expected: { type: urn('rateLimited'), detail: 'too many new orders recently', status: 429 },
    },
    {
      name: 'JSON with a byte-order mark',
      status: 429,
      body: `\uFEFF${JSON.stringify(document)}`,
      expected: { type: urn('rateLimited'), detail: 'too many new orders recently', status: 429 },
    },
    { name: 'an HTML error page', status: 502, body: '<html><body>Bad Gateway</body></html>', expected: { type: 'about:blank', status: 502 } },
    { name: 'an empty body', status: 503, body: '', expected: { type: 'about:blank', status: 503 } },
    { name: 'no body', status: 500, body: undefined, expected: { type: 'about:blank', status: 500 } },
    { name: 'null', status: 400, body: null, expected: { type: 'about:blank', status: 400 } },
    { name: 'a number', status: 400, body: 42, expected: { type: 'about:blank', status: 400 } },
    { name: 'an array', status: 400, body: [document], expected: { type: 'about:blank', status: 400 } },
    { name: 'JSON that is a string', status: 400, body: '"urn:ietf:params:acme:error:dns"', expected: { type: 'about:blank', status: 400 } },
    {
      name: 'a body over 1 MiB is not parsed',
      status: 400,
      body: JSON.stringify({ ...document, padding: 'x'.repeat(1024 * 1024) }),
      expected: { type: 'about:blank', status: 400 },
    },
    {
      name: 'bytes over 1 MiB are not parsed',
      status: 400,
      body: Buffer.alloc(1024 * 1024 + 1, 0x20),
      expected: { type: 'about:blank', status: 400 },
    },
    { name: 'missing type', status: 403, body: { detail: 'no' }, expected: { type: 'about:blank', detail: 'no', status: 403 } },
    { name: 'type not a string', status: 403, body: { type: 7, detail: 'no' }, expected: { type: 'about:blank', detail: 'no', status: 403 } },
    { name: 'blank type', status: 403, body: { type: '   ' }, expected: { type: 'about:blank', status: 403 } },
    {
      name: 'a foreign type is kept',
      status: 400,
      body: { type: 'https://example.com/probs/out-of-credit' },
      expected: { type: 'https://example.com/probs/out-of-credit', status: 400 },
    },
    {
      name: 'a type is clamped',
      status: 400,
      body: { type: `${urn('x')}${'y'.repeat(1000)}` },
      expected: { type: `${urn('x')}${'y'.repeat(256 - urn('x').length - 1)}…`, status: 400 },
    },
    {
      name: 'the response status beats the document status',
      status: 503,
      body: { type: urn('serverInternal'), status: 400 },
      expected: { type: urn('serverInternal'), status: 503 },
    },
    {
      name: 'a document status as a string is ignored too',
      status: 429,
      body: { type: urn('rateLimited'), status: '400' },
      expected: { type: urn('rateLimited'), status: 429 },
    },
    {
      name: 'detail not a string is dropped',
      status: 400,
      body: { type: urn('malformed'), detail: { nested: true } },
      expected: { type: urn('malformed'), status: 400 },
    },
    {
      name: 'detail as a number is dropped',
      status: 400,
      body: { type: urn('malformed'), detail: 404 },
      expected: { type: urn('malformed'), status: 400 },
    },
    {
      name: 'whitespace-only detail is dropped',
      status: 400,
      body: { type: urn('malformed'), detail: ' \n\t ' },
      expected: { type: urn('malformed'), status: 400 },
    },
    {
      name: 'control characters and terminal escapes are removed',
      status: 400,
      body: { type: urn('malformed'), detail: 'bad\u001b[31m red\r\nline\u0000end\u202eevil' },
      expected: { type: urn('malformed'), detail: 'bad [31m red line end evil', status: 400 },
    },
    {
      name: 'a long detail is clamped',
      status: 400,
      body: { type: urn('malformed'), detail: longDetail },
      expected: { type: urn('malformed'), detail: `${'x'.repeat(maxDetailLength - 1)}…`, status: 400 },
    },
    {
      name: 'a detail of exactly the limit is kept whole',
      status: 400,
      body: { type: urn('malformed'), detail: 'x'.repeat(maxDetailLength) },
      expected: { type: urn('malformed'), detail: 'x'.repeat(maxDetailLength), status: 400 },
    },
    {
      name: 'instance is kept',
      status: 403,
      body: { type: urn('userActionRequired'), instance: 'https://ca.example/tos' },
      expected: { type: urn('userActionRequired'), status: 403, instance: 'https://ca.example/tos' },
    },
    {
      name: 'instance not a string is dropped',
      status: 403,
      body: { type: urn('userActionRequired'), instance: ['https://ca.example/tos'] },
      expected: { type: urn('userActionRequired'), status: 403 },
    },
    {
      name: 'subproblems not an array are dropped',
      status: 403,
      body: { type: urn('compound'), subproblems: { type: urn('dns') } },
      expected: { type: urn('compound'), status: 403 },
    },
    {
      name: 'an empty subproblems array is dropped',
      status: 403,
      body: { type: urn('compound'), subproblems: [] },
      expected: { type: urn('compound'), status: 403 },
    },
    {
      name: 'malformed subproblems are skipped or repaired',
      status: 403,
      body: {
        type: urn('compound'),
        subproblems: [
          null,
          'dns',
          7,
          [urn('dns')],
          { detail: 'no type' },
          { type: urn('dns'), identifier: { type: 'dns' } },
          { type: urn('caa'), identifier: 'example.com' },
          { type: urn('tls'), detail: 5, identifier: { type: 'dns', value: 'ok.example', extra: true } },
        ],
      },
      expected: {
        type: urn('compound'),
        status: 403,
        subproblems: [
          { type: 'about:blank', detail: 'no type' },
          { type: urn('dns') },
          { type: urn('caa') },
          { type: urn('tls'), identifier: { type: 'dns', value: 'ok.example' } },
        ],
      },
    },
    {
      name: 'Retry-After from a plain header object',
      status: 429,
      body: document,
      headers: { 'retry-after': '120' },
      expected: { type: urn('rateLimited'), detail: 'too many new orders recently', status: 429, retryAfter: seconds(120) },
    },
    {
      name: 'Retry-After in any case',
      status: 503,
      body: '',
      headers: { 'Retry-After': 'Sun, 01 Jun 2025 00:10:00 GMT' },
      expected: { type: 'about:blank', status: 503, retryAfter: seconds(600) },
    },
    {
      name: 'Retry-After as an array (first wins)',
      status: 503,
      body: '',
      headers: { 'retry-after': ['30', '60'] },
      expected: { type: 'about:blank', status: 503, retryAfter: seconds(30) },
    },
    {
      name: 'Retry-After as a number',
      status: 503,
      body: '',
      headers: { 'retry-after': 45 },
      expected: { type: 'about:blank', status: 503, retryAfter: seconds(45) },
    },
    {
      name: 'Retry-After from fetch Headers',
      status: 429,
      body: '',
      headers: new Headers({ 'Retry-After': '90' }),
      expected: { type: 'about:blank', status: 429, retryAfter: seconds(90) },
    },
    {
      name: 'Retry-After from a get() header bag',
      status: 429,
      body: '',
      headers: { get: (name: string) => (name === 'retry-after' ? '15' : undefined) },
      expected: { type: 'about:blank', status: 429, retryAfter: seconds(15) },
    },
    {
      name: 'garbage Retry-After is ignored',
      status: 429,
      body: '',
      headers: { 'retry-after': 'later' },
      expected: { type: 'about:blank', status: 429 },
    },
    {
      name: 'negative Retry-After is ignored',
      status: 429,
      body: '',
      headers: { 'retry-after': '-1' },
      expected: { type: 'about:blank', status: 429 },
    },
    {
      name: 'Retry-After of the wrong type is ignored',
      status: 429,
      body: '',
      headers: { 'retry-after': { seconds: 5 } },
      expected: { type: 'about:blank', status: 429 },
    },
    { name: 'a 200 is not a problem', status: 200, body: document, expected: undefined },
    { name: 'a redirect is not a problem', status: 302, body: document, expected: undefined },
    { name: 'status 600 is not a problem', status: 600, body: document, expected: undefined },
    { name: 'a fractional status is not a problem', status: 404.5, body: document, expected: undefined },
    { name: 'NaN is not a problem', status: Number.NaN, body: document, expected: undefined },
  ];

  it.each(cases)('$name', ({ status, body, headers, expected }) => {
    expect(parseProblemDocument(status, body, headers, now)).toStrictEqual(expected);
  });

  it('keeps at most 100 subproblems', () => {
    const subproblems = Array.from({ length: 150 }, (_, i) => ({ type: urn('dns'), identifier: { type: 'dns', value: `h${i}.example` } }));
    expect(parseProblemDocument(403, { type: urn('compound'), subproblems }, undefined, now)?.subproblems).toHaveLength(100);
  });

  it('never splits a surrogate pair when clamping', () => {
    const detail = `${'x'.repeat(maxDetailLength - 2)}😀😀😀`;
    const parsed = parseProblemDocument(400, { type: urn('malformed'), detail }, undefined, now)?.detail ?? '';
    expect(parsed.length).toBeLessThanOrEqual(maxDetailLength);
    expect(parsed.endsWith('…')).toBe(true);
    expect(parsed).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('clamps a huge detail quickly enough to be usable on hostile input', () => {
    const parsed = parseProblemDocument(400, { type: urn('malformed'), detail: 'y'.repeat(50 * 1024 * 1024) }, undefined, now);
    expect(parsed?.detail).toHaveLength(maxDetailLength);
  });

  it('feeds classifyProblem end to end: a 429 with Retry-After', () => {
    const problem = parseProblemDocument(429, JSON.stringify(document), { 'retry-after': '3600' }, now);
    expect(problem).toBeDefined();
    if (problem === undefined) return;
    const classification = classifyProblem(problem);
    expect(classification).toMatchObject({ kind: 'transient', action: 'retry', shortType: 'rateLimited', retryAfter: seconds(3600) });
  });
});

describe('parseProblem (embedded in an order or challenge)', () => {
  const cases: ReadonlyArray<{ name: string; value: unknown; expected: AcmeProblem | undefined }> = [
    {
      name: 'a challenge error',
      value: { type: urn('dns'), detail: 'NXDOMAIN', status: 400 },
      expected: { type: urn('dns'), detail: 'NXDOMAIN', status: 400 },
    },
    { name: 'a status as a string', value: { type: urn('unauthorized'), status: '403' }, expected: { type: urn('unauthorized'), status: 403 } },
    { name: 'a padded status string', value: { type: urn('unauthorized'), status: ' 403 ' }, expected: { type: urn('unauthorized'), status: 403 } },
    { name: 'a non-numeric status string', value: { type: urn('unauthorized'), status: 'forbidden' }, expected: { type: urn('unauthorized') } },
    { name: 'a status out of range', value: { type: urn('unauthorized'), status: 42 }, expected: { type: urn('unauthorized') } },
    { name: 'a fractional status', value: { type: urn('unauthorized'), status: 403.5 }, expected: { type: urn('unauthorized') } },
    { name: 'a status as a boolean', value: { type: urn('unauthorized'), status: true }, expected: { type: urn('unauthorized') } },
    { name: 'an empty object', value: {}, expected: { type: 'about:blank' } },
    { name: 'not an object', value: 'urn:ietf:params:acme:error:dns', expected: undefined },
    { name: 'null', value: null, expected: undefined },
    { name: 'undefined', value: undefined, expected: undefined },
    { name: 'an array', value: [{ type: urn('dns') }], expected: undefined },
  ];

  it.each(cases)('$name', ({ value, expected }) => {
    expect(parseProblem(value)).toStrictEqual(expected);
  });
});

describe('classifyTransportError', () => {
  const coded = (code: string, message = 'failed'): Error => Object.assign(new Error(message), { code });

  const cases: ReadonlyArray<{ name: string; error: unknown; shortType: ShortType; kind: ProblemKind; code?: string }> = [
    { name: 'ECONNRESET', error: coded('ECONNRESET', 'socket hang up'), shortType: 'caUnreachable', kind: 'transient', code: 'ECONNRESET' },
    { name: 'ECONNREFUSED', error: coded('ECONNREFUSED'), shortType: 'caUnreachable', kind: 'transient', code: 'ECONNREFUSED' },
    { name: 'EHOSTUNREACH', error: coded('EHOSTUNREACH'), shortType: 'caUnreachable', kind: 'transient', code: 'EHOSTUNREACH' },
    { name: 'ENETUNREACH', error: coded('ENETUNREACH'), shortType: 'caUnreachable', kind: 'transient', code: 'ENETUNREACH' },
    { name: 'EPIPE', error: coded('EPIPE'), shortType: 'caUnreachable', kind: 'transient', code: 'EPIPE' },
    {
      name: 'ECONNABORTED (not a timeout)',
      error: coded('ECONNABORTED', 'aborted'),
      shortType: 'caUnreachable',
      kind: 'transient',
      code: 'ECONNABORTED',
    },
    { name: 'axios ERR_NETWORK', error: coded('ERR_NETWORK', 'Network Error'), shortType: 'caUnreachable', kind: 'transient', code: 'ERR_NETWORK' },
    { name: 'ETIMEDOUT', error: coded('ETIMEDOUT'), shortType: 'caTimeout', kind: 'transient', code: 'ETIMEDOUT' },
    {
      name: 'axios timeout (ECONNABORTED "timeout of …")',
      error: coded('ECONNABORTED', 'timeout of 5000ms exceeded'),
      shortType: 'caTimeout',
      kind: 'transient',
      code: 'ECONNABORTED',
    },
    { name: "CertDesk's transport: code 'timeout'", error: coded('timeout'), shortType: 'caTimeout', kind: 'transient', code: 'timeout' },
    {
      name: 'AbortSignal.timeout()',
      error: new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      shortType: 'caTimeout',
      kind: 'transient',
    },
    {
      name: 'fetch failed, cause UND_ERR_CONNECT_TIMEOUT',
      error: new TypeError('fetch failed', { cause: coded('UND_ERR_CONNECT_TIMEOUT') }),
      shortType: 'caTimeout',
      kind: 'transient',
      code: 'UND_ERR_CONNECT_TIMEOUT',
    },
    {
      name: 'EAI_AGAIN',
      error: coded('EAI_AGAIN', 'getaddrinfo EAI_AGAIN acme.example'),
      shortType: 'caNameLookup',
      kind: 'transient',
      code: 'EAI_AGAIN',
    },
    {
      name: 'ENOTFOUND',
      error: coded('ENOTFOUND', 'getaddrinfo ENOTFOUND acme.example'),
      shortType: 'caNameLookup',
      kind: 'transient',
      code: 'ENOTFOUND',
    },
    {
      name: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      error: coded('UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
      shortType: 'caUntrusted',
      kind: 'needs_admin',
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    },
    {
      name: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      error: coded('UNABLE_TO_GET_ISSUER_CERT_LOCALLY'),
      shortType: 'caUntrusted',
      kind: 'needs_admin',
      code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    },
    {
      name: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      error: coded('DEPTH_ZERO_SELF_SIGNED_CERT'),
      shortType: 'caUntrusted',
      kind: 'needs_admin',
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    },
    {
      name: 'SELF_SIGNED_CERT_IN_CHAIN',
      error: coded('SELF_SIGNED_CERT_IN_CHAIN'),
      shortType: 'caUntrusted',
      kind: 'needs_admin',
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    },
    { name: 'CERT_HAS_EXPIRED', error: coded('CERT_HAS_EXPIRED'), shortType: 'caUntrusted', kind: 'needs_admin', code: 'CERT_HAS_EXPIRED' },
    { name: 'CERT_NOT_YET_VALID', error: coded('CERT_NOT_YET_VALID'), shortType: 'caUntrusted', kind: 'needs_admin', code: 'CERT_NOT_YET_VALID' },
    {
      name: 'ERR_TLS_CERT_ALTNAME_INVALID',
      error: coded('ERR_TLS_CERT_ALTNAME_INVALID'),
      shortType: 'caUntrusted',
      kind: 'needs_admin',
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    },
    {
      name: 'a trust error two causes deep',
      error: new Error('request failed', { cause: new Error('tls', { cause: coded('SELF_SIGNED_CERT_IN_CHAIN') }) }),
      shortType: 'caUntrusted',
      kind: 'needs_admin',
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    },
    {
      name: 'an unrecognised outer code yields to a recognised cause',
      error: Object.assign(new Error('x', { cause: coded('ECONNRESET') }), { code: 'ERR_WRAPPED' }),
      shortType: 'caUnreachable',
      kind: 'transient',
      code: 'ECONNRESET',
    },
    {
      name: 'AggregateError of refusals (happy eyeballs)',
      error: new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], 'connect failed'),
      shortType: 'caUnreachable',
      kind: 'transient',
      code: 'ECONNREFUSED',
    },
    { name: 'an unknown code', error: coded('EWEIRD'), shortType: 'network', kind: 'transient', code: 'EWEIRD' },
    { name: 'a code that is prose is not repeated', error: coded('socket hang up'), shortType: 'network', kind: 'transient' },
    { name: 'a plain Error', error: new Error('boom'), shortType: 'network', kind: 'transient' },
    { name: 'a string', error: 'boom', shortType: 'network', kind: 'transient' },
    { name: 'undefined', error: undefined, shortType: 'network', kind: 'transient' },
    { name: 'null', error: null, shortType: 'network', kind: 'transient' },
    { name: 'a number code is not a code', error: { code: 23 }, shortType: 'network', kind: 'transient' },
  ];

  it.each(cases)('$name → $shortType', ({ error, shortType, kind, code }) => {
    const classification = classifyTransportError(error);
    expect(classification.shortType).toBe(shortType);
    expect(classification.kind).toBe(kind);
    expect(classification.action).toBe(kind === 'transient' ? 'retry' : 'stop');
    expectTranslated(classification.explanation);
    expectTranslated(classification.remedy);
    if (code !== undefined) {
      expect(classification.explanation.en).toContain(code);
      expect(classification.explanation['zh-CN']).toContain(code);
    }
  });

  it('points untrusted CA certificates at --ca-file', () => {
    for (const code of ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']) {
      const { remedy } = classifyTransportError(coded(code));
      expect(remedy.en).toContain('--ca-file');
      expect(remedy['zh-CN']).toContain('--ca-file');
    }
  });

  it('points expired CA certificates at the clock', () => {
    for (const code of ['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']) {
      const { remedy } = classifyTransportError(coded(code));
      expect(remedy.en).toContain('date, time and time zone');
      expect(remedy['zh-CN']).toContain('时区');
    }
  });

  it('points a host name mismatch at the directory URL', () => {
    expect(classifyTransportError(coded('ERR_TLS_CERT_ALTNAME_INVALID')).remedy.en).toContain('directory URL');
  });

  it('never repeats the error message, which may hold URLs or server output', () => {
    const classification = classifyTransportError(coded('ECONNRESET', 'POST https://ca.example/acme/finalize?token=s3cret failed'));
    const texts = [classification.explanation.en, classification.explanation['zh-CN'], classification.remedy.en, classification.remedy['zh-CN']];
    for (const text of texts) expect(text).not.toContain('s3cret');
  });

  it('stops on a cause cycle', () => {
    const error = new Error('loop') as Error & { cause?: unknown };
    error.cause = error;
    expect(classifyTransportError(error).shortType).toBe('network');
  });

  it('stops on a very deep cause chain', () => {
    let error: unknown = coded('ECONNRESET');
    for (let i = 0; i < 50; i++) error = new Error(`wrap ${i}`, { cause: error });
    expect(classifyTransportError(error).shortType).toBe('network');
  });

  it('has no retryAfter or identifiers', () => {
    const classification = classifyTransportError(coded('ECONNRESET'));
    expect(Object.hasOwn(classification, 'retryAfter')).toBe(false);
    expect(Object.hasOwn(classification, 'identifiers')).toBe(false);
  });
});

describe('classifications cross the IPC bridge', () => {
  it('survive structured cloning unchanged', () => {
    const samples: ReadonlyArray<Classification> = [
      classifyProblem({
        type: urn('compound'),
        status: 429,
        retryAfter: seconds(5),
        subproblems: [{ type: urn('dns'), identifier: { type: 'dns', value: 'a.example' } }],
      }),
      classifyTransportError(Object.assign(new Error('x'), { code: 'ECONNRESET' })),
    ];
    for (const sample of samples) expect(structuredClone(sample)).toStrictEqual(sample);
  });
});
