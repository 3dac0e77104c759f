import { describe, expect, it } from 'vitest';
import {
  ariCertId,
  defaultRenewalInfoRetryMs,
  fetchRenewalInfo,
  maxRenewalInfoRetryMs,
  maxWindowHorizonMs,
  minRenewalInfoRetryMs,
  renewalInfoUrl,
  RenewalInfoError,
  toAriWindow,
  type RenewalInfoResponse,
} from '../../../../../main/core/acme/ari.ts';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import { AcmeHttpError, AcmeTransportError } from '../../../../../main/core/acme/transport.ts';
import { renewalDecision } from '../../../../../main/core/renewal/renewal-window.ts';

/** RFC 9773 Appendix A, verbatim. */
const rfcExampleCertificate = `-----BEGIN CERTIFICATE-----
MIIBQzCB66ADAgECAgUAh2VDITAKBggqhkjOPQQDAjAVMRMwEQYDVQQDEwpFeGFt
cGxlIENBMCIYDzAwMDEwMTAxMDAwMDAwWhgPMDAwMTAxMDEwMDAwMDBaMBYxFDAS
BgNVBAMTC2V4YW1wbGUuY29tMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEeBZu
7cbpAYNXZLbbh8rNIzuOoqOOtmxA1v7cRm//AwyMwWxyHz4zfwmBhcSrf47NUAFf
qzLQ2PPQxdTXREYEnKMjMCEwHwYDVR0jBBgwFoAUaYhba4dGQEHhs3uEe6CuLN4B
yNQwCgYIKoZIzj0EAwIDRwAwRAIge09+S5TZAlw5tgtiVvuERV6cT4mfutXIlwTb
+FYN/8oCIClDsqBklhB9KAelFiYt9+6FDj3z4KGVelYM5MdsO3pK
-----END CERTIFICATE-----
`;

/** RFC 9773 §4.1's worked example: the identifier of the Appendix A certificate. */
const rfcExampleId = 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE';

// --- A minimal DER writer, to build certificates with exactly the fields under test. ---

function tlv(tag: number, ...contents: readonly Uint8Array[]): Uint8Array {
  const body = Buffer.concat(contents);
  const length = body.length < 0x80
    ? Buffer.of(body.length)
    : body.length < 0x100 ? Buffer.of(0x81, body.length) : Buffer.of(0x82, body.length >> 8, body.length & 0xff);
  return Buffer.concat([Buffer.of(tag), length, body]);
}
const seq = (...contents: readonly Uint8Array[]): Uint8Array => tlv(0x30, ...contents);
const hex = (text: string): Uint8Array => Buffer.from(text.replace(/[: ]/g, ''), 'hex');
const akiOid = tlv(0x06, hex('551d23'));
const name = seq(tlv(0x31, seq(tlv(0x06, hex('550403')), tlv(0x13, Buffer.from('Test')))));
const validity = seq(tlv(0x17, Buffer.from('250101000000Z')), tlv(0x17, Buffer.from('260101000000Z')));
const algorithm = seq(tlv(0x06, hex('2a8648ce3d040302')));
const spki = seq(seq(tlv(0x06, hex('2a8648ce3d0201'))), tlv(0x03, hex('00'), Buffer.alloc(65, 4)));

interface CertParts {
  readonly serial: Uint8Array;
  /** Extensions, each a full Extension SEQUENCE; omitted for a v1 certificate. */
  readonly extensions?: readonly Uint8Array[];
  /** Include `[0] version` (v3). Default true. */
  readonly version?: boolean;
  /** Fields between subjectPublicKeyInfo and extensions (issuerUniqueID, subjectUniqueID). */
  readonly uniqueIds?: readonly Uint8Array[];
}

function certificatePem(parts: CertParts): string {
  const tbs = seq(
    ...(parts.version === false ? [] : [tlv(0xa0, tlv(0x02, hex('02')))]),
    tlv(0x02, parts.serial),
    algorithm,
    name,
    validity,
    name,
    spki,
    ...(parts.uniqueIds ?? []),
    ...(parts.extensions === undefined ? [] : [tlv(0xa3, seq(...parts.extensions))]),
  );
  const der = seq(tbs, algorithm, tlv(0x03, hex('00'), Buffer.alloc(70, 1)));
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** An AKI extension; `critical` adds the optional BOOLEAN. */
function akiExtension(akiContents: readonly Uint8Array[], critical = false): Uint8Array {
  return seq(akiOid, ...(critical ? [tlv(0x01, hex('ff'))] : []), tlv(0x04, seq(...akiContents)));
}
const keyId = hex('69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4');
const keyIdB64 = 'aYhba4dGQEHhs3uEe6CuLN4ByNQ';
const basicConstraints = seq(tlv(0x06, hex('551d13')), tlv(0x01, hex('ff')), tlv(0x04, seq()));

describe('ariCertId', () => {
  it('reproduces the worked example of RFC 9773 §4.1 for the certificate of Appendix A', () => {
    expect(ariCertId(rfcExampleCertificate)).toBe(rfcExampleId);
  });

  it('uses the first certificate of a chain', () => {
    const other = certificatePem({ serial: hex('01'), extensions: [akiExtension([tlv(0x80, hex('aa'))])] });
    expect(ariCertId(`${rfcExampleCertificate}${other}`)).toBe(rfcExampleId);
  });

  // The serial part is the DER content octets as the certificate carries them (RFC 9773 §4.1).
  it.each([
    { serial: '00:87:65:43:21', expected: 'AIdlQyE', why: 'the RFC example: leading zero kept for the high bit' },
    { serial: '01', expected: 'AQ', why: 'one byte' },
    { serial: '7f', expected: 'fw', why: 'high bit clear: no leading zero' },
    { serial: '00:80', expected: 'AIA', why: 'high bit set: the zero byte stays' },
    { serial: '01:00', expected: 'AQA', why: 'trailing zero byte kept' },
    { serial: '00:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff', expected: 'AP__________________________', why: '20-byte serial with high bit: 21 content bytes, base64url alphabet' },
    { serial: '3e:fb', expected: 'Pvs', why: 'base64url, not base64 (no + or /)' },
  ])('encodes serial $serial as $expected ($why)', ({ serial, expected }) => {
    const pem = certificatePem({ serial: hex(serial), extensions: [akiExtension([tlv(0x80, keyId)])] });
    expect(ariCertId(pem)).toBe(`${keyIdB64}.${expected}`);
  });

  it.each([
    { why: 'AKI after another extension, marked critical', extensions: [basicConstraints, akiExtension([tlv(0x80, keyId)], true)] },
    { why: 'AKI with authorityCertIssuer and serial after the keyIdentifier', extensions: [akiExtension([tlv(0x80, keyId), tlv(0xa1, seq()), tlv(0x82, hex('05'))])] },
    { why: 'issuer and subject unique IDs before the extensions', extensions: [akiExtension([tlv(0x80, keyId)])], uniqueIds: [tlv(0x81, hex('00aa')), tlv(0x82, hex('00bb'))] },
    { why: 'a long extension value (long-form lengths)', extensions: [seq(tlv(0x06, hex('551d11')), tlv(0x04, Buffer.alloc(300, 7))), akiExtension([tlv(0x80, keyId)])] },
  ])('finds the keyIdentifier: $why', ({ extensions, uniqueIds }) => {
    expect(ariCertId(certificatePem({ serial: hex('0087654321'), extensions, ...(uniqueIds === undefined ? {} : { uniqueIds }) }))).toBe(rfcExampleId);
  });

  it.each([
    { why: 'no extensions at all (v1)', parts: { serial: hex('01'), version: false } },
    { why: 'extensions without an AKI', parts: { serial: hex('01'), extensions: [basicConstraints] } },
    { why: 'an AKI with only authorityCertIssuer/serial', parts: { serial: hex('01'), extensions: [akiExtension([tlv(0xa1, seq()), tlv(0x82, hex('05'))])] } },
    { why: 'an empty keyIdentifier', parts: { serial: hex('01'), extensions: [akiExtension([tlv(0x80)])] } },
  ])('refuses a certificate without an AKI keyIdentifier: $why', ({ parts }) => {
    const error = catchError(() => ariCertId(certificatePem(parts)));
    expect(error).toBeInstanceOf(CertDeskError);
    expect(error).toMatchObject({ code: 'invalid_data', message: expect.stringMatching(/^Unable to identify the certificate for ARI, it has no Authority Key Identifier/) as unknown });
    expect((error as CertDeskError).remedy).toBeTruthy();
  });

  const truncated = rfcExampleCertificate.replace('+FYN/8oCIClDsqBklhB9KAelFiYt9+6FDj3z4KGVelYM5MdsO3pK\n', '');
  it.each([
    { why: 'empty input', pem: '' },
    { why: 'a private key', pem: '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n' },
    { why: 'not base64', pem: '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n' },
    { why: 'a truncated certificate', pem: truncated },
    { why: 'DER that is not a SEQUENCE', pem: '-----BEGIN CERTIFICATE-----\nBAMBAgM=\n-----END CERTIFICATE-----\n' },
    { why: 'an indefinite length', pem: '-----BEGIN CERTIFICATE-----\nMIAwgAAAAAA=\n-----END CERTIFICATE-----\n' },
    { why: 'a SEQUENCE without serial', pem: `-----BEGIN CERTIFICATE-----\n${Buffer.from(seq(seq(tlv(0xa0, tlv(0x02, hex('02')))))).toString('base64')}\n-----END CERTIFICATE-----\n` },
    { why: 'an empty serial', pem: certificatePem({ serial: new Uint8Array(0), extensions: [akiExtension([tlv(0x80, keyId)])] }) },
  ])('refuses garbage with invalid_data: $why', ({ pem }) => {
    const error = catchError(() => ariCertId(pem));
    expect(error).toBeInstanceOf(CertDeskError);
    expect(error).toMatchObject({ code: 'invalid_data', message: expect.stringMatching(/^Unable to identify the certificate for ARI, /) as unknown });
  });
});

describe('renewalInfoUrl', () => {
  it.each([
    { directory: { newOrder: 'https://ca.test/new-order', renewalInfo: 'https://ca.test/renewal-info' }, expected: 'https://ca.test/renewal-info' },
    { directory: { renewalInfo: 'http://127.0.0.1:8080/ari/' }, expected: 'http://127.0.0.1:8080/ari/' },
    { directory: { newOrder: 'https://ca.test/new-order' }, expected: undefined },
    { directory: { renewalInfo: 42 }, expected: undefined },
    { directory: { renewalInfo: '' }, expected: undefined },
    { directory: { renewalInfo: '/renewal-info' }, expected: undefined },
    { directory: { renewalInfo: 'ftp://ca.test/ri' }, expected: undefined },
    { directory: { renewalInfo: 'javascript:alert(1)' }, expected: undefined },
    { directory: { renewalInfo: 'https://user:pw@ca.test/ri' }, expected: undefined },
    { directory: { renewalInfo: `https://ca.test/${'a'.repeat(3000)}` }, expected: undefined },
    { directory: null, expected: undefined },
    { directory: undefined, expected: undefined },
    { directory: 'https://ca.test/renewal-info', expected: undefined },
    { directory: [{ renewalInfo: 'https://ca.test/ri' }], expected: undefined },
  ])('reads $directory as $expected', ({ directory, expected }) => {
    expect(renewalInfoUrl(directory)).toBe(expected);
  });
});

const now = new Date('2025-01-01T00:00:00Z');
const at = (ms: number): Date => new Date(now.getTime() + ms);
const base = 'https://acme.example.com/renewal-info';
const rfcBody = {
  suggestedWindow: { start: '2025-01-02T04:00:00Z', end: '2025-01-03T04:00:00Z' },
  explanationURL: 'https://acme.example.com/docs/ari',
};

/** A request function answering with `response`, recording the URLs asked for. */
function answer(response: Partial<RenewalInfoResponse>): { request: (url: string) => Promise<RenewalInfoResponse>; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    request: (url) => {
      urls.push(url);
      return Promise.resolve({ status: 200, headers: {}, data: rfcBody, ...response });
    },
  };
}

function fetchWith(response: Partial<RenewalInfoResponse>, certId = rfcExampleId): ReturnType<typeof fetchRenewalInfo> {
  return fetchRenewalInfo({ renewalInfoUrl: base, certId, request: answer(response).request, now });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('fetchRenewalInfo', () => {
  it('reads the RFC 9773 §4.2 example response', async () => {
    const { request, urls } = answer({ headers: { 'content-type': 'application/json', 'retry-after': '21600' } });
    const info = await fetchRenewalInfo({ renewalInfoUrl: base, certId: rfcExampleId, request, now });
    expect(urls).toStrictEqual([`${base}/${rfcExampleId}`]);
    expect(info).toStrictEqual({
      window: { start: new Date('2025-01-02T04:00:00Z'), end: new Date('2025-01-03T04:00:00Z') },
      explanationUrl: 'https://acme.example.com/docs/ari',
      retryAfter: at(6 * 60 * 60 * 1000),
    });
  });

  it('joins with a single slash when the renewalInfo URL ends in one', async () => {
    const { request, urls } = answer({});
    await fetchRenewalInfo({ renewalInfoUrl: `${base}/`, certId: rfcExampleId, request, now });
    expect(urls).toStrictEqual([`${base}/${rfcExampleId}`]);
  });

  it.each([
    { why: 'JSON text (a server sending text/plain)', data: JSON.stringify(rfcBody) },
    { why: 'JSON bytes', data: Buffer.from(JSON.stringify(rfcBody)) },
    { why: 'unknown extra fields (the registry may grow)', data: { ...rfcBody, futureField: { x: 1 }, suggestedWindow: { ...rfcBody.suggestedWindow, note: 'x' } } },
  ])('accepts the body as $why', async ({ data }) => {
    const info = await fetchWith({ data });
    expect(info.window.start).toStrictEqual(new Date('2025-01-02T04:00:00Z'));
  });

  it.each([
    { why: 'absent: six hours (§4.3.3)', header: undefined, expected: at(defaultRenewalInfoRetryMs) },
    { why: 'delta-seconds', header: '3600', expected: at(3600_000) },
    { why: 'under a minute: one minute (§4.3.2)', header: '30', expected: at(minRenewalInfoRetryMs) },
    { why: 'zero: one minute', header: '0', expected: at(minRenewalInfoRetryMs) },
    { why: 'two days: one day (§4.3.2)', header: '172800', expected: at(maxRenewalInfoRetryMs) },
    { why: 'absurdly large: one day', header: '99999999999999999999', expected: at(maxRenewalInfoRetryMs) },
    { why: 'IMF-fixdate', header: 'Wed, 01 Jan 2025 02:00:00 GMT', expected: at(2 * 3600_000) },
    { why: 'RFC 850 date', header: 'Wednesday, 01-Jan-25 03:00:00 GMT', expected: at(3 * 3600_000) },
    { why: 'asctime date', header: 'Wed Jan  1 04:00:00 2025', expected: at(4 * 3600_000) },
    { why: 'a date in the past: one minute', header: 'Tue, 31 Dec 2024 00:00:00 GMT', expected: at(minRenewalInfoRetryMs) },
    { why: 'negative: invalid, six hours', header: '-5', expected: at(defaultRenewalInfoRetryMs) },
    { why: 'garbage: invalid, six hours', header: 'soon', expected: at(defaultRenewalInfoRetryMs) },
    { why: 'empty: invalid, six hours', header: '', expected: at(defaultRenewalInfoRetryMs) },
  ])('turns Retry-After $why', async ({ header, expected }) => {
    const info = await fetchWith({ headers: header === undefined ? {} : { 'retry-after': header } });
    expect(info.retryAfter).toStrictEqual(expected);
  });

  it.each([
    { why: 'mixed-case names in a record', headers: { 'Retry-After': '120' } },
    { why: 'a fetch-style Headers object', headers: new Headers({ 'retry-after': '120' }) },
    { why: 'a number', headers: { 'retry-after': 120 } },
    { why: 'an array (Node IncomingHttpHeaders style)', headers: { 'retry-after': ['120', '999'] } },
  ])('reads Retry-After from $why', async ({ headers }) => {
    expect((await fetchWith({ headers })).retryAfter).toStrictEqual(at(120_000));
  });

  it.each([
    { why: 'lower-case t and z', start: '2025-01-02t04:00:00z', expected: '2025-01-02T04:00:00.000Z' },
    { why: 'a positive offset', start: '2025-01-02T12:00:00+08:00', expected: '2025-01-02T04:00:00.000Z' },
    { why: 'a negative offset', start: '2025-01-01T23:30:00-04:30', expected: '2025-01-02T04:00:00.000Z' },
    { why: 'nanoseconds, truncated to ms', start: '2025-01-02T04:00:00.123456789Z', expected: '2025-01-02T04:00:00.123Z' },
    { why: 'one fractional digit', start: '2025-01-02T04:00:00.5Z', expected: '2025-01-02T04:00:00.500Z' },
    { why: 'a leap second', start: '2024-12-31T23:59:60Z', expected: '2025-01-01T00:00:00.000Z' },
    { why: 'a window wholly in the past (renew now)', start: '2020-01-01T00:00:00Z', expected: '2020-01-01T00:00:00.000Z' },
  ])('accepts an RFC 3339 start with $why', async ({ start, expected }) => {
    const info = await fetchWith({ data: { suggestedWindow: { start, end: '2025-01-03T04:00:00Z' } } });
    expect(info.window.start.toISOString()).toBe(expected);
  });

  it('clamps an end far in the future to the horizon', async () => {
    const info = await fetchWith({ data: { suggestedWindow: { start: '2025-01-02T00:00:00Z', end: '9999-12-31T23:59:59Z' } } });
    expect(info.window).toStrictEqual({ start: new Date('2025-01-02T00:00:00Z'), end: at(maxWindowHorizonMs) });
  });

  it.each([
    { why: 'not a string', url: 42 },
    { why: 'relative', url: '/docs/ari' },
    { why: 'a javascript: URL', url: 'javascript:alert(1)' },
    { why: 'a data: URL', url: 'data:text/html,<h1>x</h1>' },
    { why: 'too long', url: `https://ca.test/${'a'.repeat(3000)}` },
  ])('drops an explanationURL that is $why, keeping the window', async ({ url }) => {
    const info = await fetchWith({ data: { ...rfcBody, explanationURL: url } });
    expect(info).not.toHaveProperty('explanationUrl');
    expect(info.window.end).toStrictEqual(new Date('2025-01-03T04:00:00Z'));
  });

  const window = (start: unknown, end: unknown): unknown => ({ suggestedWindow: { start, end } });
  it.each([
    { why: 'not JSON', data: 'Service temporarily unavailable', reason: 'not a JSON object' },
    { why: 'no body', data: undefined, reason: 'not a JSON object' },
    { why: 'JSON null', data: 'null', reason: 'not a JSON object' },
    { why: 'a JSON array', data: [rfcBody], reason: 'not a JSON object' },
    { why: 'a number', data: 42, reason: 'not a JSON object' },
    { why: 'a huge text body', data: `{"x":"${'a'.repeat(70_000)}"}`, reason: 'not a JSON object' },
    { why: 'no suggestedWindow', data: {}, reason: "no 'suggestedWindow'" },
    { why: 'suggestedWindow null', data: { suggestedWindow: null }, reason: "no 'suggestedWindow'" },
    { why: 'suggestedWindow an array', data: { suggestedWindow: ['2025-01-02T04:00:00Z', '2025-01-03T04:00:00Z'] }, reason: "no 'suggestedWindow'" },
    { why: 'missing end', data: { suggestedWindow: { start: '2025-01-02T04:00:00Z' } }, reason: 'not an RFC 3339' },
    { why: 'numeric timestamps', data: window(1735790400, 1735876800), reason: 'not an RFC 3339' },
    { why: 'a date without time', data: window('2025-01-02', '2025-01-03'), reason: 'not an RFC 3339' },
    { why: 'no time zone', data: window('2025-01-02T04:00:00', '2025-01-03T04:00:00'), reason: 'not an RFC 3339' },
    { why: 'an HTTP-date', data: window('Thu, 02 Jan 2025 04:00:00 GMT', 'Fri, 03 Jan 2025 04:00:00 GMT'), reason: 'not an RFC 3339' },
    { why: '30 February', data: window('2025-02-30T00:00:00Z', '2025-03-03T00:00:00Z'), reason: 'not an RFC 3339' },
    { why: 'hour 25', data: window('2025-01-02T25:00:00Z', '2025-01-03T04:00:00Z'), reason: 'not an RFC 3339' },
    { why: 'month 13', data: window('2025-13-02T04:00:00Z', '2025-01-03T04:00:00Z'), reason: 'not an RFC 3339' },
    { why: 'offset hour 24', data: window('2025-01-02T04:00:00+24:00', '2025-01-03T04:00:00Z'), reason: 'not an RFC 3339' },
    { why: 'surrounding space', data: window(' 2025-01-02T04:00:00Z', '2025-01-03T04:00:00Z'), reason: 'not an RFC 3339' },
    { why: 'a six-digit year', data: window('+002025-01-02T04:00:00Z', '2025-01-03T04:00:00Z'), reason: 'not an RFC 3339' },
    { why: 'end equal to start (§4.2: invalid)', data: window('2025-01-02T04:00:00Z', '2025-01-02T06:00:00+02:00'), reason: 'does not end after it starts' },
    { why: 'end before start', data: window('2025-01-03T04:00:00Z', '2025-01-02T04:00:00Z'), reason: 'does not end after it starts' },
    { why: 'a start beyond the horizon', data: window('3025-01-02T04:00:00Z', '3025-01-03T04:00:00Z'), reason: 'starts more than 825 days from now' },
  ])('refuses a body with $why', async ({ data, reason }) => {
    const error = await rejection(fetchWith({ data, headers: { 'retry-after': '60' } }));
    expect(error).toBeInstanceOf(RenewalInfoError);
    expect(error).toMatchObject({
      code: 'acme_failed',
      message: expect.stringContaining(`Unable to fetch renewal information from ${base}/${rfcExampleId}, `) as unknown,
      // A long-term error: ask again in six hours, whatever Retry-After said (§4.3.3).
      retryAfter: at(defaultRenewalInfoRetryMs),
    });
    expect((error as Error).message).toContain(reason);
    expect((error as CertDeskError).remedy).toContain('2025-01-01T06:00:00.000Z');
  });

  const httpError = (status: number): AcmeHttpError =>
    new AcmeHttpError('get', `${base}/${rfcExampleId}`, { status, headers: {}, data: { type: 'urn:ietf:params:acme:error:malformed', detail: 'nope' } });
  it.each([
    { why: 'the transport raising a 404', request: () => Promise.reject(httpError(404)), reason: 'the CA answered HTTP 404' },
    { why: 'the transport raising a 503 after its retries', request: () => Promise.reject(httpError(503)), reason: 'the CA answered HTTP 503' },
    { why: 'a refused connection', request: () => Promise.reject(new AcmeTransportError('get', base, 'ECONNREFUSED', undefined)), reason: 'the request failed (ECONNREFUSED)' },
    { why: 'a timeout', request: () => Promise.reject(new AcmeTransportError('get', base, 'timeout', undefined)), reason: 'the request failed (timeout)' },
    { why: 'an unknown throw', request: () => Promise.reject(new Error('boom')), reason: 'the request failed (boom)' },
    { why: 'a resolved 500', request: () => Promise.resolve({ status: 500, headers: {}, data: rfcBody }), reason: 'the CA answered HTTP 500' },
    { why: 'a resolved redirect', request: () => Promise.resolve({ status: 302, headers: { location: 'https://elsewhere.test/' }, data: rfcBody }), reason: 'the CA answered HTTP 302' },
  ])('turns $why into a RenewalInfoError', async ({ request, reason }) => {
    const error = await rejection(fetchRenewalInfo({ renewalInfoUrl: base, certId: rfcExampleId, request, now }));
    expect(error).toBeInstanceOf(RenewalInfoError);
    expect(error).toMatchObject({ code: 'acme_failed', message: `Unable to fetch renewal information from ${base}/${rfcExampleId}, ${reason}`, retryAfter: at(defaultRenewalInfoRetryMs) });
  });

  it.each([
    { why: 'a relative renewalInfo URL', renewalInfoUrl: '/renewal-info', certId: rfcExampleId },
    { why: 'a non-http renewalInfo URL', renewalInfoUrl: 'file:///etc/passwd', certId: rfcExampleId },
    { why: 'a certId without a dot', renewalInfoUrl: base, certId: 'aYhba4dGQEHhs3uEe6CuLN4ByNQ' },
    { why: 'a padded certId', renewalInfoUrl: base, certId: 'aYhba4dGQEHhs3uEe6CuLN4ByNQ=.AIdlQyE=' },
    { why: 'a certId with a path', renewalInfoUrl: base, certId: '../admin.x' },
    { why: 'three parts', renewalInfoUrl: base, certId: 'a.b.c' },
  ])('refuses $why with invalid_input, sending nothing', async ({ renewalInfoUrl: url, certId }) => {
    const { request, urls } = answer({});
    const error = await rejection(fetchRenewalInfo({ renewalInfoUrl: url, certId, request, now }));
    expect(error).toBeInstanceOf(CertDeskError);
    expect(error).not.toBeInstanceOf(RenewalInfoError);
    expect(error).toMatchObject({ code: 'invalid_input' });
    expect(urls).toStrictEqual([]);
  });

  it('feeds renewalDecision: due inside the window, not due before it', async () => {
    const info = await fetchWith({ headers: { 'retry-after': '21600' } });
    const certificate = { notBefore: new Date('2024-11-01T00:00:00Z'), notAfter: new Date('2025-01-30T00:00:00Z'), seed: 'serial' };
    const before = renewalDecision({ ...certificate, now, ari: toAriWindow(info) });
    expect(before).toMatchObject({ due: false, basis: 'ari_window', ari: 'used' });
    expect(before.renewAt >= info.window.start && before.renewAt < info.window.end).toBe(true);
    expect(renewalDecision({ ...certificate, now: info.window.end, ari: toAriWindow(info) })).toMatchObject({ due: true, reason: 'ari_window' });
  });
});
