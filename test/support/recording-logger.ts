import type { Logger } from '../../main/core/ports.ts';

/** One call made to a {@link RecordingLogger}. */
export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>> | undefined;
}

/** A {@link Logger} that keeps every entry, in order, for assertions. */
export interface RecordingLogger extends Logger {
  readonly entries: ReadonlyArray<LogEntry>;
  /** The same entries as `<level>: <message> <fields as JSON>` lines, for text searches (no secret logged). */
  readonly lines: ReadonlyArray<string>;
}

/** Creates an empty {@link RecordingLogger}. */
export function createRecordingLogger(): RecordingLogger {
  const entries: LogEntry[] = [];
  const lines: string[] = [];
  const entry =
    (level: LogEntry['level']) =>
    (message: string, fields?: Readonly<Record<string, unknown>>): void => {
      entries.push({ level, message, fields });
      lines.push(`${level}: ${message} ${JSON.stringify(fields ?? {})}`);
    };
  return { entries, lines, info: entry('info'), warn: entry('warn'), error: entry('error') };
}
