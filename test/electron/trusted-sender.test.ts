import { describe, expect, it } from 'vitest';
import { isTrustedOrigin, isTrustedSender } from '../../main/electron/trusted-sender.ts';

const origins = ['app://certdesk'];

describe('isTrustedOrigin', () => {
  it.each([
    ['app://certdesk/index.html', true],
    ['app://certdesk/index.html#/settings', true],
    ['app://certdesk', true],
    ['app://certdesk.evil/index.html', false],
    ['app://evil/index.html', false],
    ['https://certdesk/index.html', false],
    ['file:///work/out/renderer/index.html', false],
    ['about:blank', false],
    ['not a url', false],
    [undefined, false],
  ] as const)('%s → %s', (url, expected) => {
    expect(isTrustedOrigin(url, origins)).toBe(expected);
  });

  it('accepts the dev server only when it is listed', () => {
    expect(isTrustedOrigin('http://localhost:5173/', origins)).toBe(false);
    expect(isTrustedOrigin('http://localhost:5173/', [...origins, 'http://localhost:5173'])).toBe(true);
    expect(isTrustedOrigin('http://localhost:5174/', [...origins, 'http://localhost:5173'])).toBe(false);
  });

  it('never trusts the opaque origin "null"', () => {
    expect(isTrustedOrigin('data:text/html,hi', ['null'])).toBe(false);
  });
});

describe('isTrustedSender', () => {
  const trusted = { webContentsId: 7, origins };
  it.each([
    ['our window, main frame, our origin', { webContentsId: 7, frameUrl: 'app://certdesk/index.html', isMainFrame: true }, true],
    ['another window', { webContentsId: 8, frameUrl: 'app://certdesk/index.html', isMainFrame: true }, false],
    ['a subframe of our window', { webContentsId: 7, frameUrl: 'app://certdesk/index.html', isMainFrame: false }, false],
    ['our window navigated elsewhere', { webContentsId: 7, frameUrl: 'https://example.com/', isMainFrame: true }, false],
    ['a frame that is gone', { webContentsId: 7, frameUrl: undefined, isMainFrame: true }, false],
  ] as const)('%s → %s', (_name, sender, expected) => {
    expect(isTrustedSender(sender, trusted)).toBe(expected);
  });

  it('trusts nobody while no window exists', () => {
    expect(
      isTrustedSender({ webContentsId: 7, frameUrl: 'app://certdesk/index.html', isMainFrame: true }, { webContentsId: undefined, origins }),
    ).toBe(false);
  });
});
