import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../main/electron/csp.ts';

function directives(policy: string): Map<string, string> {
  return new Map(policy.split('; ').map((d) => {
    const [name = '', ...values] = d.split(' ');
    return [name, values.join(' ')];
  }));
}

describe('contentSecurityPolicy', () => {
  it('allows only the app\'s own scripts and no network in production', () => {
    const policy = directives(contentSecurityPolicy('production'));
    expect(policy.get('default-src')).toBe("'none'");
    expect(policy.get('script-src')).toBe("'self'");
    expect(policy.get('connect-src')).toBe("'none'");
    expect(policy.get('object-src')).toBe("'none'");
    expect(policy.get('frame-ancestors')).toBe("'none'");
    expect(contentSecurityPolicy('production')).not.toMatch(/unsafe-(inline|eval)|https?:|ws:/);
  });

  it('leaves frame-ancestors out of the meta tag, where browsers ignore it', () => {
    expect(directives(contentSecurityPolicy('production', 'meta')).has('frame-ancestors')).toBe(false);
    expect(directives(contentSecurityPolicy('production', 'header')).get('frame-ancestors')).toBe("'none'");
  });

  it('loosens only what the dev server needs in development', () => {
    const policy = directives(contentSecurityPolicy('development'));
    expect(policy.get('script-src')).toBe("'self' 'unsafe-inline'");
    expect(policy.get('connect-src')).toContain('ws:');
    expect(contentSecurityPolicy('development')).not.toContain('unsafe-eval');
  });
});
