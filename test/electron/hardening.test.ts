import { describe, expect, it, vi } from 'vitest';
import { externalLinkHosts, isSafeExternalUrl, openExternalSafely } from '../../main/electron/hardening.ts';
import type { FakeElectron } from './fake-electron.ts';

// hardening.ts imports electron; never the real one (it would try to download its binary).
vi.mock('electron', async () => (await import('./fake-electron.ts')).createFakeElectron({ lockGranted: true, userData: '/nonexistent' }));
const electron = (await import('electron')) as unknown as FakeElectron;

describe('isSafeExternalUrl', () => {
  it.each([
    ['https://letsencrypt.org/docs/rate-limits/', true],
    ['https://www.rfc-editor.org/rfc/rfc8555#section-7.1.6', true],
    ['https://datatracker.ietf.org/doc/rfc9773/', true],
    ['http://letsencrypt.org/docs/', false],
    ['https://letsencrypt.org.evil.example/', false],
    ['https://evil.example/?u=https://letsencrypt.org/', false],
    ['https://user:pass@letsencrypt.org/', false],
    ['https://letsencrypt.org:8443/', false],
    ['file:///etc/passwd', false],
    ['smb://server/share', false],
    ['javascript:alert(1)', false],
    ['app://certdesk/index.html', false],
    ['not a url', false],
    ['', false],
  ] as const)('%s → %s', (url, expected) => {
    expect(isSafeExternalUrl(url)).toBe(expected);
  });

  it('lists only hosts, https implied', () => {
    for (const host of externalLinkHosts) expect(host).toMatch(/^[a-z0-9.-]+$/);
  });

  it('takes another host list', () => {
    expect(isSafeExternalUrl('https://example.com/', ['example.com'])).toBe(true);
    expect(isSafeExternalUrl('https://letsencrypt.org/', ['example.com'])).toBe(false);
  });
});

describe('openExternalSafely', () => {
  it('hands only safe URLs to the OS', async () => {
    expect(await openExternalSafely('https://letsencrypt.org/docs/')).toBe(true);
    expect(await openExternalSafely('file:///etc/passwd')).toBe(false);
    expect(await openExternalSafely('https://evil.example/')).toBe(false);
    expect(electron.shell.opened).toEqual(['https://letsencrypt.org/docs/']);
  });
});
