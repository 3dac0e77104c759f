import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAppInfo, version } from '../../../../main/core/version.ts';

const packageVersion = (JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

describe('version', () => {
  it("is package.json's version", () => {
    expect(version).toBe(packageVersion);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('createAppInfo', () => {
  it('describes this process with the data dir, runtime and versions given', () => {
    expect(createAppInfo({ dataDir: '/srv/certdesk', runtime: 'node', versions: { node: '22.9.0' } })).toStrictEqual({
      name: 'CertDesk',
      version: packageVersion,
      platform: process.platform,
      arch: process.arch,
      dataDir: '/srv/certdesk',
      runtime: 'node',
      versions: { node: '22.9.0' },
    });
  });

  it('passes the Electron shell its runtime versions', () => {
    const info = createAppInfo({
      dataDir: '/home/a/.config/CertDesk',
      runtime: 'electron',
      versions: { node: '22.9.0', electron: '45.1.0', chrome: '140.0.1' },
    });
    expect(info.runtime).toBe('electron');
    expect(info.versions).toStrictEqual({ node: '22.9.0', electron: '45.1.0', chrome: '140.0.1' });
  });
});
