import type acme from 'acme-client';
import { describe, expect, it } from 'vitest';
import { OrderFailedError, asAcmeError, describeFailure, type Failure, type FailureInput } from '../../../../../main/core/acme/failures.ts';
import { IllegalTransitionError } from '../../../../../main/core/acme/order-machine.ts';
import type { ProblemAction, ProblemKind } from '../../../../../main/core/acme/problems.ts';
import { AcmeHttpError, AcmeTransportError } from '../../../../../main/core/acme/transport.ts';
import { CertDeskError } from '../../../../../main/core/errors.ts';

const now = new Date('2025-06-01T00:00:00Z');
const urn = (type: string): string => `urn:ietf:params:acme:error:${type}`;
const cjk = /[\u4e00-\u9fff]/;

function httpError(status: number, body: unknown, headers: Record<string, string> = {}): AcmeHttpError {
  return new AcmeHttpError('post', 'https://ca.example/acme/new-order', { status, headers: { 'content-type': 'application/problem+json', ...headers }, data: body });
}

function order(overrides: Partial<acme.Order> = {}): acme.Order {
  return {
    url: 'https://ca.example/acme/order/1',
    status: 'invalid',
    identifiers: [{ type: 'dns', value: 'example.com' }],
    authorizations: ['https://ca.example/acme/authz/1'],
    finalize: 'https://ca.example/acme/order/1/finalize',
    ...overrides,
  };
}

function authorization(overrides: Partial<acme.Authorization> = {}): acme.Authorization {
  return {
    url: 'https://ca.example/acme/authz/1',
    identifier: { type: 'dns', value: 'example.com' },
    status: 'invalid',
    challenges: [],
    ...overrides,
  };
}

interface Case {
  readonly name: string;
  readonly input: FailureInput;
  readonly kind: ProblemKind;
  readonly action: ProblemAction;
  readonly problemType: string;
  readonly retryAfterMs?: number;
  readonly httpStatus?: number;
  /** Text the English message must contain. */
  readonly message?: RegExp;
  /** Whether the zh-CN texts are written in Chinese (a CertDeskError passed through has only English). */
  readonly chinese?: boolean;
}

const cases: ReadonlyArray<Case> = [
  {
    name: 'AcmeHttpError 429 rateLimited with Retry-After in seconds',
    input: { kind: 'error', error: httpError(429, { type: urn('rateLimited'), detail: 'too many certificates', status: 429 }, { 'retry-after': '120' }) },
    kind: 'transient',
    action: 'retry',
    problemType: 'rateLimited',
    retryAfterMs: 120_000,
    httpStatus: 429,
    message: /\(CA: too many certificates\)$/,
  },
  {
    name: 'AcmeHttpError 429 rateLimited with Retry-After as an HTTP-date',
    input: { kind: 'error', error: httpError(429, { type: urn('rateLimited') }, { 'retry-after': 'Sun, 01 Jun 2025 01:00:00 GMT' }) },
    kind: 'transient',
    action: 'retry',
    problemType: 'rateLimited',
    retryAfterMs: 3_600_000,
    httpStatus: 429,
  },
  {
    name: 'AcmeHttpError 503 serverInternal without Retry-After',
    input: { kind: 'error', error: httpError(503, { type: urn('serverInternal'), detail: 'down' }) },
    kind: 'transient',
    action: 'retry',
    problemType: 'serverInternal',
    httpStatus: 503,
  },
  {
    name: 'AcmeHttpError 502 with an HTML body (no problem document)',
    input: { kind: 'error', error: httpError(502, '<html>Bad Gateway</html>', { 'content-type': 'text/html' }) },
    kind: 'transient',
    action: 'retry',
    problemType: 'serverInternal',
    httpStatus: 502,
  },
  {
    name: 'AcmeHttpError 400 badNonce',
    input: { kind: 'error', error: httpError(400, { type: urn('badNonce') }) },
    kind: 'transient',
    action: 'retry_new_nonce',
    problemType: 'badNonce',
    httpStatus: 400,
  },
  {
    name: 'AcmeHttpError 403 orderNotReady (re-read, never re-finalize)',
    input: { kind: 'error', error: httpError(403, { type: urn('orderNotReady'), detail: "Order's status (\"valid\") is not acceptable for finalization" }) },
    kind: 'state',
    action: 'reread_order',
    problemType: 'orderNotReady',
    httpStatus: 403,
  },
  {
    name: 'AcmeHttpError 403 unauthorized',
    input: { kind: 'error', error: httpError(403, { type: urn('unauthorized'), detail: 'no' }) },
    kind: 'needs_admin',
    action: 'stop',
    problemType: 'unauthorized',
    httpStatus: 403,
    message: /\(CA: no\)$/,
  },
  {
    name: 'AcmeTransportError ECONNRESET',
    input: { kind: 'error', error: new AcmeTransportError('get', 'https://ca.example/dir', 'ECONNRESET', undefined) },
    kind: 'transient',
    action: 'retry',
    problemType: 'caUnreachable',
  },
  {
    name: 'AcmeTransportError timeout',
    input: { kind: 'error', error: new AcmeTransportError('post', 'https://ca.example/finalize', 'timeout', undefined) },
    kind: 'transient',
    action: 'retry',
    problemType: 'caTimeout',
  },
  {
    name: 'AcmeTransportError for an untrusted CA certificate',
    input: { kind: 'error', error: new AcmeTransportError('get', 'https://ca.example/dir', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', undefined) },
    kind: 'needs_admin',
    action: 'stop',
    problemType: 'caUntrusted',
  },
  {
    name: 'a CertDeskError passes through as needs_admin with its code',
    input: { kind: 'error', error: new CertDeskError('invalid_input', 'Unable to run the hook, it is missing', { remedy: 'Fix the path.' }) },
    kind: 'needs_admin',
    action: 'stop',
    problemType: 'invalid_input',
    message: /^Unable to run the hook, it is missing$/,
    chinese: false,
  },
  {
    name: 'an unexpected Error is transient',
    input: { kind: 'error', error: new Error('Failed to get nonce') },
    kind: 'transient',
    action: 'retry',
    problemType: 'unknown',
    message: /Failed to get nonce/,
  },
  {
    name: 'order invalid, expired',
    input: { kind: 'order_invalid', order: order(), expired: true },
    kind: 'transient',
    action: 'retry',
    problemType: 'orderExpired',
  },
  {
    name: 'order invalid with its error (caa)',
    input: { kind: 'order_invalid', order: order({ error: { type: urn('caa'), detail: 'CAA forbids', status: 403 } }), expired: false },
    kind: 'needs_admin',
    action: 'stop',
    problemType: 'caa',
    httpStatus: 403,
    message: /CAA forbids/,
  },
  {
    name: 'order invalid without an error',
    input: { kind: 'order_invalid', order: order(), expired: false },
    kind: 'needs_admin',
    action: 'stop',
    problemType: 'orderInvalid',
  },
  {
    name: 'authorization invalid, challenge error dns',
    input: {
      kind: 'authorization_invalid',
      authorization: authorization(),
      challenge: { error: { type: urn('dns'), detail: 'No TXT record found at _acme-challenge.example.com', status: 400 } },
    },
    kind: 'needs_admin',
    action: 'stop',
    problemType: 'dns',
    // The embedded problem's advisory status (RFC 7807 §3.1) is all there is.
    httpStatus: 400,
    message: /No TXT record found/,
  },
  {
    name: 'authorization invalid, challenge error incorrectResponse',
    input: {
      kind: 'authorization_invalid',
      authorization: authorization(),
      challenge: { error: { type: urn('incorrectResponse'), detail: 'Incorrect TXT record', status: 403 } },
    },
    kind: 'needs_admin',
    action: 'stop',
    problemType: 'incorrectResponse',
    httpStatus: 403,
  },
  {
    name: 'authorization invalid without a challenge error (wildcard)',
    input: { kind: 'authorization_invalid', authorization: authorization({ wildcard: true }), challenge: {} },
    kind: 'needs_admin',
    action: 'stop',
    problemType: 'authorizationInvalid',
    message: /\*\.example\.com/,
  },
  {
    name: 'authorization invalid without a challenge at all',
    input: { kind: 'authorization_invalid', authorization: authorization(), challenge: undefined },
    kind: 'needs_admin',
    action: 'stop',
    problemType: 'authorizationInvalid',
    message: /example\.com/,
  },
  {
    name: 'no challenge: a wildcard asked for http-01',
    input: { kind: 'no_challenge', domain: '*.example.com', wanted: 'http-01', offered: ['dns-01'], wildcard: true },
    kind: 'needs_admin',
    action: 'stop',
    problemType: 'unsupportedChallenge',
    message: /wildcard.*DNS-01/,
  },
  {
    name: 'no challenge: the CA offers other types',
    input: { kind: 'no_challenge', domain: 'example.com', wanted: 'dns-01', offered: ['http-01', 'tls-alpn-01'], wildcard: false },
    kind: 'needs_admin',
    action: 'stop',
    problemType: 'unsupportedChallenge',
    message: /offers http-01, tls-alpn-01 for example\.com, not dns-01/,
  },
  {
    name: 'no challenge: the CA offers none',
    input: { kind: 'no_challenge', domain: 'example.com', wanted: 'dns-01', offered: [], wildcard: false },
    kind: 'needs_admin',
    action: 'stop',
    problemType: 'unsupportedChallenge',
    message: /offers no challenge for example\.com/,
  },
  {
    name: 'timeout',
    input: { kind: 'timeout', what: 'the order to complete' },
    kind: 'transient',
    action: 'retry',
    problemType: 'timeout',
    message: /the order to complete/,
  },
  {
    name: 'wait_until in the future',
    input: { kind: 'wait_until', until: new Date('2025-06-01T02:00:00Z') },
    kind: 'transient',
    action: 'retry',
    problemType: 'rateLimited',
    retryAfterMs: 7_200_000,
    message: /2025-06-01T02:00:00\.000Z/,
  },
  {
    name: 'wait_until in the past',
    input: { kind: 'wait_until', until: new Date('2025-05-31T00:00:00Z') },
    kind: 'transient',
    action: 'retry',
    problemType: 'rateLimited',
    retryAfterMs: 0,
  },
  {
    name: 'protocol: an illegal transition',
    input: { kind: 'protocol', error: new IllegalTransitionError('order', 'valid', 'pending') },
    kind: 'needs_admin',
    action: 'stop',
    problemType: 'protocol',
    message: /from "valid" to "pending"/,
  },
  {
    name: 'protocol: anything else',
    input: { kind: 'protocol', error: 'order has no finalize URL' },
    kind: 'needs_admin',
    action: 'stop',
    problemType: 'protocol',
    message: /order has no finalize URL/,
  },
];

function expectTexts(failure: Failure, chinese: boolean): void {
  for (const texts of [failure.explanation, failure.remedyText]) {
    expect(texts.en.trim()).not.toBe('');
    expect(texts['zh-CN'].trim()).not.toBe('');
    expect(texts.en).not.toMatch(cjk);
    if (chinese) expect(texts['zh-CN']).toMatch(cjk);
    expect(`${texts.en} ${texts['zh-CN']}`).not.toMatch(/undefined|NaN|\$\{|\[object Object\]/);
  }
  expect(failure.message.trim()).not.toBe('');
  expect(failure.remedy.trim()).not.toBe('');
}

describe('describeFailure', () => {
  it.each(cases)('$name → $kind / $problemType', (c) => {
    const failure = describeFailure(c.input, now);
    expect(failure.kind).toBe(c.kind);
    expect(failure.action).toBe(c.action);
    expect(failure.problemType).toBe(c.problemType);
    expect(failure.retryAfterMs).toBe(c.retryAfterMs);
    expect(failure.httpStatus).toBe(c.httpStatus);
    if (c.message !== undefined) expect(failure.message).toMatch(c.message);
    expectTexts(failure, c.chinese ?? true);
  });

  it('returns the failure an OrderFailedError already carries', () => {
    const inner = describeFailure({ kind: 'timeout', what: 'the CA' }, now);
    const error = new OrderFailedError('obtain example-com', inner);
    expect(describeFailure({ kind: 'error', error }, now)).toBe(inner);
  });

  it('measures retryAfterMs from the given now', () => {
    const error = httpError(429, { type: urn('rateLimited') }, { 'retry-after': '60' });
    expect(describeFailure({ kind: 'error', error }, new Date('2030-01-01T00:00:00Z')).retryAfterMs).toBe(60_000);
  });
});

describe('OrderFailedError and asAcmeError', () => {
  it('is a needs_admin CertDeskError for a failure that needs the admin', () => {
    const error = new OrderFailedError('prove control of example.com', describeFailure({ kind: 'order_invalid', order: order(), expired: false }, now));
    expect(error).toBeInstanceOf(CertDeskError);
    expect(error.code).toBe('needs_admin');
    expect(error.message).toMatch(/^Unable to prove control of example\.com, /);
    expect(error.remedy).toBe(error.failure.remedy);
  });

  it('is an acme_failed CertDeskError for a transient failure', () => {
    const error = new OrderFailedError('obtain a', describeFailure({ kind: 'timeout', what: 'x' }, now));
    expect(error.code).toBe('acme_failed');
  });

  it('passes a CertDeskError through and classifies anything else', () => {
    const own = new CertDeskError('busy', 'Unable to renew, locked');
    expect(asAcmeError('renew', own, now)).toBe(own);
    const classified = asAcmeError('renew a', httpError(429, { type: urn('rateLimited') }, { 'retry-after': '10' }), now);
    expect(classified).toBeInstanceOf(OrderFailedError);
    expect(classified).toMatchObject({ failure: { kind: 'transient', problemType: 'rateLimited', retryAfterMs: 10_000 } });
    expect(classified.code).toBe('acme_failed');
  });
});
