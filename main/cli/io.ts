import type { Locale } from '../../preload/contract.ts';
import type { ManualPrompt } from '../core/challenges/factory.ts';
import type { Host } from '../core/data-dir.ts';

/** Everything the CLI touches outside itself, so tests run it in-process. */
export interface CliIo extends Host {
  readonly cwd: string;
  writeOut(text: string): void;
  writeErr(text: string): void;
  /** The manual DNS provider's prompt (the entry point passes a terminal prompt). */
  readonly manualPrompt?: ((locale: Locale) => ManualPrompt) | undefined;
  /** Aborted on SIGINT/SIGTERM, for commands that stop gracefully. */
  readonly signal?: AbortSignal | undefined;
  /** Called by a command that watches `signal` and stops by itself; others are exited at once. */
  readonly stopsGracefully?: (() => void) | undefined;
}
