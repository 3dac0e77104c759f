import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAsset } from '../../main/electron/asset-path.ts';

const root = path.resolve('/srv/certdesk/renderer');

describe('resolveAsset', () => {
  it.each([
    ['/', path.join(root, 'index.html')],
    ['/index.html', path.join(root, 'index.html')],
    ['/assets/index-abc.js', path.join(root, 'assets', 'index-abc.js')],
    ['/assets/a%20b.css', path.join(root, 'assets', 'a b.css')],
    ['/assets/../index.html', path.join(root, 'index.html')],
    ['/../secret', undefined],
    ['/..%2f..%2fetc%2fpasswd', undefined],
    ['/%2e%2e/%2e%2e/etc/passwd', undefined],
    ['/assets/%00.js', undefined],
    ['/%E0%A4%A', undefined],
    ['relative.html', undefined],
    ['/..', undefined],
  ] as const)('%s → %s', (urlPath, expected) => {
    expect(resolveAsset(root, urlPath)).toBe(expected);
  });
});
