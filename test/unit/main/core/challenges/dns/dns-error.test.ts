import { describe, expect, it } from 'vitest';
import { DnsError, dnsFailureText, type DnsFailure } from '../../../../../../main/core/challenges/dns/dns-error.ts';

describe('DnsError', () => {
  it.each<[DnsFailure, string, boolean]>([
    ['bad_config', 'needs_admin', false],
    ['auth', 'needs_admin', false],
    ['refused', 'needs_admin', false],
    ['zone_not_found', 'needs_admin', false],
    ['prompt_unavailable', 'needs_admin', false],
    ['network', 'dns_failed', true],
    ['rate_limited', 'dns_failed', true],
    ['server_error', 'dns_failed', true],
    ['command_failed', 'dns_failed', false],
    ['not_visible', 'dns_failed', true],
  ])('%s carries code %s, transient %s', (failure, code, transient) => {
    const error = new DnsError(failure, 'Unable to do it, because');
    expect(error.code).toBe(code);
    expect(error.transient).toBe(transient);
    expect(error.failure).toBe(failure);
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('keeps the wait a rate-limited server asked for', () => {
    expect(new DnsError('rate_limited', 'Unable to do it, slow down', { retryAfterMs: 30_000 }).retryAfterMs).toBe(30_000);
  });
});

describe('dnsFailureText', () => {
  it.each(Object.entries(dnsFailureText))('%s has a title and a remedy in English and Simplified Chinese', (_failure, text) => {
    for (const part of [text.title, text.remedy]) {
      expect(part.en).toMatch(/^[A-Z]/);
      expect(part['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('covers every failure the errors carry', () => {
    expect(Object.keys(dnsFailureText).sort()).toEqual(
      ['auth', 'bad_config', 'command_failed', 'network', 'not_visible', 'prompt_unavailable', 'rate_limited', 'refused', 'server_error', 'zone_not_found'],
    );
  });
});
