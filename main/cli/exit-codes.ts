import type { ErrorCode } from '../core/errors.ts';

/**
 * The CLI's exit codes, stable for scripts and cron: 0 ok, 1 failed, 2 bad usage (the command line or
 * an input was wrong: fix it before retrying), 3 busy (another process holds the lock: retry later).
 */
export const exitCodes = { ok: 0, failed: 1, usage: 2, busy: 3 } as const;

/** An exit code of the CLI. */
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** The exit code for an error the core raised. */
export function exitCodeFor(code: ErrorCode | (string & {})): ExitCode {
  switch (code) {
    case 'invalid_input':
    case 'not_found':
      return exitCodes.usage;
    case 'busy':
      return exitCodes.busy;
    default:
      return exitCodes.failed;
  }
}
