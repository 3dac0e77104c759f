/**
 * CertDesk's own command-line flags, read from the process's argv at start and from a second
 * launch's argv (Electron's `second-instance` event). Pure and Electron-free.
 */
import { validateName } from '../core/names.ts';

/** Flags CertDesk understands. Everything else on the command line (Chromium's flags, a path) is ignored. */
export interface LaunchArgs {
  /** `--open <certId>` / `--open=<certId>`: show this certificate. Only a valid certificate id is kept. */
  readonly open?: string;
  /** `--login`: started by the OS login item (see login-item.ts), not by the user. */
  readonly atLogin: boolean;
}

/** The login item's flag, passed by the Windows login item and the Linux autostart entry. */
export const loginFlag = '--login';

/** Whether `value` is a certificate id as the core allows them (names.ts); anything else is dropped. */
function isCertificateId(value: string): boolean {
  try {
    validateName('certificate id', value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads CertDesk's flags from `argv` (the whole argv: the executable and, in development, the app
 * path come first and are skipped as non-flags). A `--open` without a valid certificate id is
 * ignored rather than guessed at: argv of a second launch comes from whoever started it. The last
 * `--open` wins. Flags after `--` are not flags. Never throws.
 */
export function parseLaunchArgs(argv: ReadonlyArray<string>): LaunchArgs {
  let open: string | undefined;
  let atLogin = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--') break;
    if (arg === loginFlag) atLogin = true;
    let value: string | undefined;
    if (arg === '--open') {
      value = argv[i + 1];
      i += 1;
    } else if (arg?.startsWith('--open=') === true) {
      value = arg.slice('--open='.length);
    } else {
      continue;
    }
    if (value !== undefined && isCertificateId(value)) open = value;
  }
  return open === undefined ? { atLogin } : { open, atLogin };
}
