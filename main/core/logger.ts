import type { Logger } from './ports.ts';

/**
 * A {@link Logger} writing one line per entry: human-readable (`certdesk: warning: … {fields}`) or,
 * with `json`, one JSON object per line for log collectors. Used by the CLI (stderr) and the app.
 * With `quiet`, info entries are dropped and only warnings and errors are written (the CLI's
 * default: the order log keeps every step anyway).
 */
export function createLineLogger(write: (line: string) => void, options: { json: boolean; quiet?: boolean }): Logger {
  const entry = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
    if (options.quiet === true && level === 'info') return;
    write(
      options.json
        ? `${JSON.stringify({ ...fields, time: new Date().toISOString(), level, message })}\n`
        : `certdesk: ${level}: ${message}${fields === undefined ? '' : ` ${JSON.stringify(fields)}`}\n`,
    );
  };
  return { info: entry('info'), warn: entry('warning'), error: entry('error') };
}
