import { describe, expect, it } from 'vitest';
import { exitCodeFor, exitCodes, type ExitCode } from '../../../../main/cli/exit-codes.ts';

describe('exitCodes', () => {
  it('are the stable numbers scripts rely on', () => {
    expect(exitCodes).toStrictEqual({ ok: 0, failed: 1, usage: 2, busy: 3 });
  });
});

describe('exitCodeFor', () => {
  const cases: ReadonlyArray<{ code: string; expected: ExitCode }> = [
    { code: 'invalid_input', expected: 2 },
    { code: 'not_found', expected: 2 },
    { code: 'busy', expected: 3 },
    { code: 'invalid_data', expected: 1 },
    { code: 'forbidden', expected: 1 },
    { code: 'internal', expected: 1 },
    { code: 'something_new', expected: 1 },
    { code: '', expected: 1 },
  ];

  it.each(cases)('$code → $expected', ({ code, expected }) => {
    expect(exitCodeFor(code)).toBe(expected);
  });
});
