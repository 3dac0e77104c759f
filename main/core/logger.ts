import type { Logger } from './ports.ts';

/**
 * A {@link Logger} writing one line per entry: human-readable (`certdesk: warning: … {fields}`) or,
 * with `json`, one JSON object per line for log collectors. Used by the CLI (stderr) and the app.
 */
export function createLineLogger(write: (line: string) => void, options: { json: boolean }): Logger {
  const entry = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
    write(
      options.json
        ? `${JSON.stringify({ ...fields, time: new Date().toISOString(), level, message })}\n`
        : `certdesk: ${level}: ${message}${fields === undefined ? '' : ` ${JSON.stringify(fields)}`}\n`,
    );
  };
  return { info: entry('info'), warn: entry('warning'), error: entry('error') };
}
