import { describe, expect, it } from 'vitest';
import { ACME_CHALLENGE_PATH, checkHttp01Challenge, isValidToken } from '../../../../../../main/core/challenges/http/token.ts';
import { CertDeskError } from '../../../../../../main/core/errors.ts';
import { thrown } from '../../../support/thrown.ts';

/** A token as Let's Encrypt and Pebble send it: 32 random bytes, base64url (43 characters). */
const token = 'LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0';
/** A SHA-256 JWK thumbprint in base64url (43 characters). */
const thumbprint = '9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI';

describe('ACME_CHALLENGE_PATH', () => {
  it('is the RFC 8555 §8.3 path prefix', () => {
    expect(ACME_CHALLENGE_PATH).toBe('/.well-known/acme-challenge/');
  });
});

describe('isValidToken', () => {
  const cases: ReadonlyArray<{ token: string; valid: boolean; why: string }> = [
    { token, valid: true, why: 'a 43-character token' },
    { token: 'a', valid: true, why: 'one character' },
    { token: 'A-_z09', valid: true, why: 'the whole base64url alphabet' },
    { token: 'x'.repeat(128), valid: true, why: '128 characters' },
    { token: 'x'.repeat(129), valid: false, why: 'over 128 characters' },
    { token: '', valid: false, why: 'empty' },
    { token: `${token}=`, valid: false, why: 'base64 padding' },
    { token: 'ab+cd', valid: false, why: 'base64 (not url) alphabet' },
    { token: 'ab/cd', valid: false, why: 'a slash' },
    { token: '..', valid: false, why: 'a parent-folder name' },
    { token: '../etc/passwd', valid: false, why: 'path traversal' },
    { token: '..\\evil', valid: false, why: 'a backslash' },
    { token: '%2e%2e', valid: false, why: 'percent-encoding' },
    { token: '.hidden', valid: false, why: 'a dot' },
    { token: 'ab cd', valid: false, why: 'a space' },
    { token: 'ab\ncd', valid: false, why: 'a newline' },
    { token: 'ab\0cd', valid: false, why: 'a NUL' },
    { token: 'tökén', valid: false, why: 'non-ASCII' },
  ];
  it.each(cases)('$why → $valid', ({ token: candidate, valid }) => {
    expect(isValidToken(candidate)).toBe(valid);
  });
});

describe('checkHttp01Challenge', () => {
  const good = { domain: 'www.example.com', wildcard: false, token, value: `${token}.${thumbprint}` };

  it('accepts a key authorization for its token', () => {
    expect(() => { checkHttp01Challenge(good, 'standalone'); }).not.toThrow();
  });

  it('refuses a wildcard with a pointer to DNS-01', () => {
    const error = thrown(() => { checkHttp01Challenge({ ...good, domain: 'example.com', wildcard: true }, 'webroot'); });
    expect(error).toBeInstanceOf(CertDeskError);
    expect(error).toMatchObject({
      code: 'needs_admin',
      message: 'Unable to validate *.example.com over HTTP-01, a wildcard name can only be validated with DNS-01',
      remedy: expect.stringContaining('--dns') as unknown,
    });
  });

  it('refuses a malformed token without quoting it', () => {
    const error = thrown(() => { checkHttp01Challenge({ ...good, token: '../../etc/passwd', value: `../../etc/passwd.${thumbprint}` }, 'webroot'); });
    expect(error).toBeInstanceOf(CertDeskError);
    expect(error).toMatchObject({ code: 'needs_admin', message: expect.stringMatching(/^Unable to answer the HTTP-01 challenge for www\.example\.com through the webroot solver, / ) as unknown });
    expect((error as Error).message).not.toContain('passwd');
  });

  const badValues: ReadonlyArray<{ value: string; why: string }> = [
    { value: thumbprint, why: 'the DNS-01 digest instead of the key authorization' },
    { value: `${token}.${thumbprint}\n`, why: 'a trailing newline' },
    { value: `${token}.${thumbprint.slice(1)}`, why: 'a short thumbprint' },
    { value: `other.${thumbprint}`, why: 'another token' },
    { value: `${token}.${thumbprint.slice(1)}+`, why: 'a thumbprint outside base64url' },
    { value: '', why: 'empty' },
  ];
  it.each(badValues)('refuses a value that is $why, as a caller bug without quoting it', ({ value }) => {
    const error = thrown(() => { checkHttp01Challenge({ ...good, value }, 'standalone'); });
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(CertDeskError);
    expect((error as Error).message).not.toContain(thumbprint);
  });
});
