import { describe, expect, it } from 'vitest';
import { DnsError } from '../../../../../../../main/core/challenges/dns/dns-error.ts';
import {
  addTxtValue,
  changeWithOneRetry,
  PRESENTATION_TXT,
  removeTxtValue,
  type TxtRecordCodec,
} from '../../../../../../../main/core/challenges/dns/providers/txt-record-set.ts';

/** Records with a served flag, as PowerDNS keeps them. */
interface Flagged {
  readonly content: string;
  readonly disabled: boolean;
}
const FLAGGED: TxtRecordCodec<Flagged> = {
  valueOf: (record) => record.content,
  make: (value) => ({ content: value, disabled: false }),
  isLive: (record) => !record.disabled,
};

describe('addTxtValue', () => {
  it.each([
    ['a new set', [], 'v1', { kind: 'write', records: ['"v1"'] }],
    ['a set without the value', ['"other"'], 'v1', { kind: 'write', records: ['"other"', '"v1"'] }],
    ['a set with the value', ['"other"', '"v1"'], 'v1', { kind: 'already_present' }],
    ['a set holding it in split strings', ['"v" "1"'], 'v1', { kind: 'already_present' }],
    ['a set holding it unquoted', ['v1'], 'v1', { kind: 'already_present' }],
    ['another program\'s escaped value, kept byte for byte', ['"say \\"hi\\""'], 'v1', { kind: 'write', records: ['"say \\"hi\\""', '"v1"'] }],
  ])('%s', (_what, records, value, expected) => {
    expect(addTxtValue(records, value, PRESENTATION_TXT)).toEqual(expected);
  });

  it.each([
    ['a live copy is present', [{ content: 'v1', disabled: false }], { kind: 'already_present' }],
    ['a disabled copy is replaced by a live one', [{ content: 'a', disabled: true }, { content: 'v1', disabled: true }],
      { kind: 'write', records: [{ content: 'a', disabled: true }, { content: 'v1', disabled: false }] }],
    ['a disabled other value is kept as it is', [{ content: 'a', disabled: true }],
      { kind: 'write', records: [{ content: 'a', disabled: true }, { content: 'v1', disabled: false }] }],
  ])('with isLive: %s', (_what, records, expected) => {
    expect(addTxtValue(records, 'v1', FLAGGED)).toEqual(expected);
  });
});

describe('removeTxtValue', () => {
  it.each([
    ['no set', [], { kind: 'already_gone' }],
    ['a set without the value', ['"other"'], { kind: 'already_gone' }],
    ['the value alone', ['"v1"'], { kind: 'delete' }],
    ['the value among others', ['"a"', '"v1"', '"b"'], { kind: 'write', records: ['"a"', '"b"'] }],
    ['the value twice', ['"v1"', 'v1', '"a"'], { kind: 'write', records: ['"a"'] }],
    ['the value in split strings', ['"v" "1"', '"a"'], { kind: 'write', records: ['"a"'] }],
  ])('%s', (_what, records, expected) => {
    expect(removeTxtValue(records, 'v1', PRESENTATION_TXT.valueOf)).toEqual(expected);
  });

  it('removes a disabled copy too', () => {
    expect(removeTxtValue([{ content: 'v1', disabled: true }], 'v1', FLAGGED.valueOf)).toEqual({ kind: 'delete' });
  });
});

describe('changeWithOneRetry', () => {
  const target = { fqdn: '_acme-challenge.example.com.', label: 'Test DNS', remedy: 'Try again later.' };

  /** An attempt answering `results` in turn, counting its runs. */
  function attempts(results: boolean[]) {
    const state = { runs: 0 };
    const attempt = (): Promise<boolean> => Promise.resolve(results[state.runs++] ?? true);
    return { state, attempt };
  }

  it.each([
    ['done at once', [true], 1],
    ['done after one change under us', [false, true], 2],
  ])('%s: runs %j', async (_what, results, runs) => {
    const { state, attempt } = attempts(results);
    await changeWithOneRetry(target, attempt);
    expect(state.runs).toBe(runs);
  });

  it('gives up after a second change under us, with a server_error naming the set', async () => {
    const { state, attempt } = attempts([false, false, true]);
    const error = await changeWithOneRetry(target, attempt).then(() => undefined, (caught: unknown) => caught);
    expect(state.runs).toBe(2);
    expect(error).toBeInstanceOf(DnsError);
    expect(error).toMatchObject({
      failure: 'server_error',
      message: 'Unable to change the TXT record set _acme-challenge.example.com at Test DNS, it kept changing between our read and our write',
      remedy: 'Try again later.',
    });
  });

  it('lets an error of the attempt through without another run', async () => {
    let runs = 0;
    const failure = new DnsError('auth', 'Unable to read the TXT records, the key was rejected');
    await expect(changeWithOneRetry(target, () => { runs++; return Promise.reject(failure); })).rejects.toBe(failure);
    expect(runs).toBe(1);
  });
});
