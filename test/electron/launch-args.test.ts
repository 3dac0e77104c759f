import { describe, expect, it } from 'vitest';
import { parseLaunchArgs, type LaunchArgs } from '../../main/electron/launch-args.ts';

const exe = '/opt/CertDesk/certdesk-desktop';

describe('parseLaunchArgs', () => {
  it.each<[string, ReadonlyArray<string>, LaunchArgs]>([
    ['nothing', [exe], { atLogin: false }],
    ['--open <id>', [exe, '--open', 'example-com'], { open: 'example-com', atLogin: false }],
    ['--open=<id>', [exe, '--open=www.example.org'], { open: 'www.example.org', atLogin: false }],
    ['the last --open wins', [exe, '--open', 'a', '--open=b'], { open: 'b', atLogin: false }],
    ['--login', [exe, '--login'], { atLogin: true }],
    ['--login with --open', [exe, '--login', '--open', 'a1'], { open: 'a1', atLogin: true }],
    ['Chromium flags and the app path around it', [exe, '.', '--no-sandbox', '--open', 'x', '--original-process-start-time=1'], { open: 'x', atLogin: false }],
    ['a path escape', [exe, '--open', '../../etc/passwd'], { atLogin: false }],
    ['dots only', [exe, '--open', '..'], { atLogin: false }],
    ['upper case', [exe, '--open', 'Example'], { atLogin: false }],
    ['a URL', [exe, '--open', 'https://evil.example/'], { atLogin: false }],
    ['a flag as the value', [exe, '--open', '--login'], { atLogin: false }],
    ['a missing value', [exe, '--open'], { atLogin: false }],
    ['an empty value', [exe, '--open='], { atLogin: false }],
    ['a 65-character id', [exe, '--open', 'a'.repeat(65)], { atLogin: false }],
    ['a NUL byte', [exe, '--open', 'a\0b'], { atLogin: false }],
    ['flags after --', [exe, '--', '--open', 'a', '--login'], { atLogin: false }],
  ])('%s', (_name, argv, expected) => {
    expect(parseLaunchArgs(argv)).toStrictEqual(expected);
  });

  it('keeps an earlier valid id when a later --open is invalid', () => {
    expect(parseLaunchArgs([exe, '--open', 'good', '--open', '../bad'])).toStrictEqual({ open: 'good', atLogin: false });
  });
});
