import { describe, expect, it } from 'vitest';
import type { ApiError } from '../../../../preload/contract.ts';
import { CertDeskError, toApiError } from '../../../../main/core/errors.ts';

const bugRemedy = 'This is a bug in CertDesk. Please report it with the log.';

describe('CertDeskError', () => {
  it('is an Error with a name, a code, a remedy and a cause', () => {
    const cause = new Error('EACCES');
    const error = new CertDeskError('invalid_data', 'Unable to read config.json, it is corrupt', {
      remedy: 'Move it aside.',
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CertDeskError');
    expect(error.code).toBe('invalid_data');
    expect(error.message).toBe('Unable to read config.json, it is corrupt');
    expect(error.remedy).toBe('Move it aside.');
    expect(error.cause).toBe(cause);
  });

  it('has no remedy and no own cause when none are given', () => {
    const error = new CertDeskError('busy', 'Unable to renew, another process holds the lock');
    expect(error.remedy).toBeUndefined();
    expect(Object.hasOwn(error, 'cause')).toBe(false);
  });
});

describe('toApiError', () => {
  const cases: ReadonlyArray<{ name: string; error: unknown; expected: ApiError }> = [
    {
      name: 'a CertDeskError with a remedy keeps code, message and remedy',
      error: new CertDeskError('invalid_input', 'Unable to update settings, bad theme', { remedy: 'Use dark.' }),
      expected: { code: 'invalid_input', message: 'Unable to update settings, bad theme', remedy: 'Use dark.' },
    },
    {
      name: 'a CertDeskError without a remedy has no remedy key at all',
      error: new CertDeskError('busy', 'Unable to renew, locked'),
      expected: { code: 'busy', message: 'Unable to renew, locked' },
    },
    {
      name: 'a CertDeskError drops its cause',
      error: new CertDeskError('forbidden', 'Unable to handle app:info, wrong sender', { cause: new Error('secret detail') }),
      expected: { code: 'forbidden', message: 'Unable to handle app:info, wrong sender' },
    },
    {
      name: 'a plain Error is internal, with the bug remedy',
      error: new Error('disk full'),
      expected: { code: 'internal', message: 'Unexpected error: disk full', remedy: bugRemedy },
    },
    {
      name: 'an Error subclass is internal',
      error: new TypeError('x is not a function'),
      expected: { code: 'internal', message: 'Unexpected error: x is not a function', remedy: bugRemedy },
    },
    {
      name: 'a look-alike object with a code is still internal',
      error: { code: 'invalid_input', message: 'spoofed' },
      expected: { code: 'internal', message: 'Unexpected error: [object Object]', remedy: bugRemedy },
    },
    { name: 'a thrown string', error: 'oops', expected: { code: 'internal', message: 'Unexpected error: oops', remedy: bugRemedy } },
    { name: 'a thrown number', error: 42, expected: { code: 'internal', message: 'Unexpected error: 42', remedy: bugRemedy } },
    {
      name: 'undefined',
      error: undefined,
      expected: { code: 'internal', message: 'Unexpected error: undefined', remedy: bugRemedy },
    },
    { name: 'null', error: null, expected: { code: 'internal', message: 'Unexpected error: null', remedy: bugRemedy } },
  ];

  it.each(cases)('$name', ({ error, expected }) => {
    expect(toApiError(error)).toStrictEqual(expected);
  });

  it('returns a plain object that survives structured cloning (the IPC bridge) unchanged', () => {
    const apiError = toApiError(new CertDeskError('invalid_input', 'Unable to x, y', { remedy: 'z' }));
    expect(apiError).not.toBeInstanceOf(Error);
    expect(Object.getPrototypeOf(apiError)).toBe(Object.prototype);
    expect(structuredClone(apiError)).toStrictEqual(apiError);
  });
});
