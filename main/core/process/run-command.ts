import { spawn } from 'node:child_process';

/** After SIGTERM on timeout, how long the process group gets to exit before SIGKILL. */
const KILL_GRACE_MS = 2_000;

/**
 * Output kept per run: the tail explains a failure, and a chatty or runaway command must not grow
 * memory without bound. 16 KiB is a few hundred lines.
 */
const MAX_OUTPUT_CHARS = 16 * 1024;

/** A quoted line longer than this is cut: one minified JSON blob should not swamp an error message. */
const MAX_LINE_CHARS = 300;

/**
 * After the command exits, how long to wait for its output pipes to close. A background grandchild
 * that inherited them would otherwise hold the run open until it exits.
 */
const PIPE_DRAIN_MS = 500;

/** How a run of a command ended. */
export type RunResult =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'signal'; readonly signal: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'spawn_failed'; readonly error: NodeJS.ErrnoException };

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  /** The command's whole environment (not merged with this process's). */
  readonly env: NodeJS.ProcessEnv;
  /** Bound on the run; the whole process group is stopped when it passes. */
  readonly timeoutMs: number;
  /** Working directory; default this process's. A missing one is a `spawn_failed` result. */
  readonly cwd?: string | undefined;
  /** Windows only: pass the arguments as they are, unquoted (what `cmd.exe /s /c "…"` needs). */
  readonly windowsVerbatimArguments?: boolean | undefined;
}

/** What {@link runCommand} reports: how the run ended and the tail of its output. */
export interface CommandRun {
  readonly result: RunResult;
  /** The last 16 KiB of stdout and stderr, interleaved in arrival order. */
  readonly output: string;
}

/** Keeps the last {@link MAX_OUTPUT_CHARS} characters of everything written to it. */
class OutputTail {
  #text = '';
  push(chunk: string): void {
    this.#text += chunk;
    if (this.#text.length > MAX_OUTPUT_CHARS) this.#text = this.#text.slice(-MAX_OUTPUT_CHARS);
  }
  get text(): string {
    return this.#text;
  }
}

/** Signals the command's whole process group (it leads one: spawned detached), or the tree on Windows. */
function killTree(pid: number, signal: NodeJS.Signals): void {
  try {
    if (process.platform === 'win32') {
      // Windows has no process groups to signal; taskkill /T walks the tree, /F forces.
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
    } else {
      process.kill(-pid, signal);
    }
  } catch {
    // The group is already gone.
  }
}

/**
 * Runs `command` with `args` (no shell: the arguments reach the program as they are), stdin closed,
 * and resolves when it has ended; it never rejects. The command leads its own process group, so on
 * timeout the whole group gets SIGTERM, then SIGKILL 2 s later (Windows: `taskkill /T /F` on the
 * tree), grandchildren included. After the command exits, output still arriving from a grandchild
 * that inherited the pipes is awaited for at most 500 ms.
 */
export function runCommand(command: string, args: readonly string[], options: RunCommandOptions): Promise<CommandRun> {
  const output = new OutputTail();
  return new Promise((resolve) => {
    // detached: the command leads its own process group, so a timeout can kill what it started too.
    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      windowsVerbatimArguments: options.windowsVerbatimArguments === true,
    });
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid === undefined) return;
      const pid = child.pid;
      killTree(pid, 'SIGTERM');
      killTimer = setTimeout(() => { killTree(pid, 'SIGKILL'); }, KILL_GRACE_MS);
    }, options.timeoutMs);
    let settled = false;
    const finish = (result: RunResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ result, output: output.text });
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { output.push(chunk); });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { output.push(chunk); });
    child.on('error', (error: NodeJS.ErrnoException) => { finish({ kind: 'spawn_failed', error }); });
    child.on('exit', (code, signal) => {
      // The SIGKILL follow-up still runs if a grandchild ignored SIGTERM: the group must go.
      if (!timedOut) clearTimeout(killTimer);
      const result: RunResult = timedOut
        ? { kind: 'timeout' }
        : code === null ? { kind: 'signal', signal: signal ?? 'unknown' } : { kind: 'exited', code };
      const drained = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(result);
      }, PIPE_DRAIN_MS);
      child.once('close', () => {
        clearTimeout(drained);
        finish(result);
      });
    });
  });
}

/**
 * The last `count` non-blank lines of `output`, each cut at 300 characters, for quoting in an error
 * message; `''` when the command printed nothing.
 */
export function lastLines(output: string, count: number): string {
  const lines = output.split(/\r?\n/).filter((line) => line.trim() !== '').slice(-count);
  return lines.map((line) => (line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line)).join('\n');
}

/**
 * How a failed run ended, as the reason part of an "Unable to <action>, <reason>" message: `it exited
 * with code 3`, `it was killed by SIGKILL`, `it did not finish within 60 s and was stopped`.
 */
export function describeFailedRun(result: Exclude<RunResult, { kind: 'spawn_failed' }>, timeoutMs: number): string {
  switch (result.kind) {
    case 'timeout':
      return `it did not finish within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`} and was stopped`;
    case 'signal':
      return `it was killed by ${result.signal}`;
    case 'exited':
      return `it exited with code ${result.code}`;
  }
}
