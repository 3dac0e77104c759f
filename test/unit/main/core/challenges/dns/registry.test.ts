import { describe, expect, it } from 'vitest';
import { dnsProviderDefinitions, findDnsProviderDefinition, legacyDnsKinds } from '../../../../../../main/core/challenges/dns/registry.ts';

/** Flags of `dns add` that are not fields (see main/cli/engine-commands.ts). */
const reserved = ['provider', 'resolver', 'propagationCheck', 'propagationTimeout', 'propagationInterval', 'dataDir', 'json', 'verbose', 'help'];

describe('dnsProviderDefinitions', () => {
  it('has the kinds that predate issue #8 and Cloudflare, each kind once', () => {
    const kinds = dnsProviderDefinitions.map((definition) => definition.kind);
    expect(kinds).toEqual(expect.arrayContaining(['cloudflare', ...legacyDnsKinds]));
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(kinds.at(-1)).toBe('manual');
  });

  it.each(dnsProviderDefinitions.map((definition) => [definition.kind, definition] as const))('%s declares what the wizard and the CLI render', (_kind, definition) => {
    expect(definition.kind).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    for (const text of [definition.label, definition.help]) {
      expect(text.en.trim()).not.toBe('');
      expect(text['zh-CN'].trim()).not.toBe('');
    }
    expect(definition.propagation.timeoutSeconds).toBeGreaterThanOrEqual(1);
    expect(definition.propagation.timeoutSeconds).toBeLessThanOrEqual(3600);
    expect(definition.propagation.intervalSeconds).toBeGreaterThanOrEqual(1);
    expect(definition.propagation.intervalSeconds).toBeLessThanOrEqual(300);
    const keys = definition.fields.map((field) => field.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const field of definition.fields) {
      expect(field.key).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(reserved).not.toContain(field.key);
      expect(field.help.en.trim()).not.toBe('');
      expect(field.help['zh-CN'].trim()).not.toBe('');
      if (field.defaultValue !== undefined && field.choices !== undefined) expect(field.choices).toContain(field.defaultValue);
    }
  });
});

describe('findDnsProviderDefinition', () => {
  it('finds a kind by its id and nothing else', () => {
    expect(findDnsProviderDefinition('cloudflare')?.label.en).toBe('Cloudflare');
    expect(findDnsProviderDefinition('rfc2136')?.fields.map((field) => field.key)).toEqual(['server', 'tsigName', 'tsigSecret', 'tsigAlgorithm']);
    expect(findDnsProviderDefinition('Cloudflare')).toBeUndefined();
    expect(findDnsProviderDefinition('')).toBeUndefined();
  });
});
