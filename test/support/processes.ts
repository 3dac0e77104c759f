import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, delimiter, isAbsolute, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread } from 'node:worker_threads';

/**
 * How many output lines a managed process keeps for error messages. Servers log a line per request,
 * so the tail of a failed run is what explains it; 200 lines is a few screens and a few KiB.
 */
const DEFAULT_OUTPUT_LINES = 200;

/** How long `stop()` waits after SIGTERM before SIGKILL: named and Pebble exit in well under 1 s. */
const DEFAULT_STOP_TIMEOUT_MS = 3_000;

/** How a managed process ended: its exit code, or the signal that ended it. */
export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Options for {@link spawnManaged}. */
export interface SpawnManagedOptions {
  /** Short name used in error messages and output tails, e.g. `pebble`. */
  readonly name: string;
  /** Working directory; defaults to the current one. */
  readonly cwd?: string;
  /** Full environment for the child; defaults to this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Lines of combined stdout/stderr kept for {@link ManagedProcess.output}; default 200. */
  readonly outputLines?: number;
}

/** A child process started by {@link spawnManaged}: recorded, its output captured, killed on exit. */
export interface ManagedProcess {
  /** The name given at spawn time. */
  readonly name: string;
  /** The operating-system process id. */
  readonly pid: number;
  /** The underlying Node child process (stdin is ignored; stdout and stderr are captured). */
  readonly child: ChildProcess;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  /** The exit information once the process has exited, else `undefined`. */
  exitInfo(): ExitInfo | undefined;
  /** The last captured lines of stdout and stderr, interleaved in arrival order. */
  output(): string;
  /**
   * Ends the process: SIGTERM, then SIGKILL if it is still alive after `timeoutMs` (default 3000).
   * Resolves once it has exited; a no-op if it already has. Never rejects.
   */
  stop(timeoutMs?: number): Promise<void>;
}

/** Every managed process not yet known to have exited; killed when this process exits. */
const live = new Set<ManagedProcess>();
/** Temp dirs made by {@link makeTempDir} and not yet removed; removed when this process exits. */
const tempDirs = new Set<string>();
let exitHooksInstalled = false;

function cleanUpSync(): void {
  for (const managed of live) {
    try {
      managed.child.kill('SIGKILL');
    } catch {
      // Already gone: nothing to clean.
    }
  }
  live.clear();
  for (const dir of tempDirs) {
    rmSync(dir, { recursive: true, force: true });
  }
  tempDirs.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  cleanUpSync();
  // Our listener suppressed the default "terminate" behaviour. If nobody else handles this signal,
  // restore the default and re-raise it so the process still ends the way the sender intended.
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  if (process.listenerCount(signal) === 0) {
    process.kill(process.pid, signal);
  }
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', cleanUpSync);
  // Worker threads never receive signals; their 'exit' hook above still runs.
  if (isMainThread) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
}

/** Whether a process with `pid` exists (signal 0 probes without signalling). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * Finds an executable by absolute path or on `PATH`, returning its path or `undefined` if absent.
 * Only checks that the file exists and is executable by this user.
 */
export function findExecutable(command: string): string | undefined {
  const candidates = isAbsolute(command)
    ? [command]
    : (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '').map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next PATH entry.
    }
  }
  return undefined;
}

/**
 * Returns the executable's path, or throws `<command's file name> not found: install the Debian package
 * \`<debianPackage>\`` so a missing server reads as a setup problem rather than a test failure.
 */
export function requireExecutable(command: string, debianPackage: string): string {
  const found = findExecutable(command);
  if (found === undefined) {
    throw new Error(`${basename(command)} not found: install the Debian package \`${debianPackage}\``);
  }
  return found;
}

/**
 * Starts a child process that is recorded and killed (SIGKILL) if this process exits, or gets
 * SIGINT/SIGTERM, before it was stopped. Its stdout and stderr are kept in a ring buffer of
 * `outputLines` lines for error messages. Throws synchronously if the OS gives it no pid (e.g. the
 * binary is missing: check with {@link requireExecutable} first for a clearer message).
 */
export function spawnManaged(command: string, args: readonly string[], options: SpawnManagedOptions): ManagedProcess {
  installExitHooks();
  const maxLines = options.outputLines ?? DEFAULT_OUTPUT_LINES;
  const lines: string[] = [];
  const partial = { stdout: '', stderr: '' };

  const push = (stream: 'stdout' | 'stderr', chunk: string): void => {
    const parts = (partial[stream] + chunk).split('\n');
    partial[stream] = parts.pop() ?? '';
    lines.push(...parts);
    if (lines.length > maxLines) lines.splice(0, lines.length - maxLines);
  };

  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Without a listener, a spawn failure (ENOENT, EACCES) would be an uncaught exception.
  child.on('error', (error) => {
    push('stderr', `[spawn error] ${error.message}\n`);
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    push('stdout', chunk);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    push('stderr', chunk);
  });

  if (child.pid === undefined) {
    throw new Error(`Unable to start ${options.name}, the OS gave it no pid (${command})`);
  }

  let exit: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('close', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });

  const managed: ManagedProcess = {
    name: options.name,
    pid: child.pid,
    child,
    exited,
    exitInfo: () => exit,
    output: () => {
      const pending = [partial.stdout, partial.stderr].filter((line) => line !== '');
      return [...lines, ...pending].slice(-maxLines).join('\n');
    },
    stop: async (timeoutMs = DEFAULT_STOP_TIMEOUT_MS) => {
      if (exit !== undefined) return;
      child.kill('SIGTERM');
      // Unreferenced, so a quick exit does not leave a timer holding the event loop open.
      const stopped = await Promise.race([exited.then(() => true), sleep(timeoutMs, false, { ref: false })]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  live.add(managed);
  void exited.then(() => live.delete(managed));
  return managed;
}

/**
 * Makes a fresh directory under the OS temp dir (`<prefix>XXXXXX`). It is removed when this process
 * exits unless {@link removeTempDir} removed it first.
 */
export function makeTempDir(prefix: string): string {
  installExitHooks();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Removes a directory made by {@link makeTempDir} (recursively; a missing dir is not an error). */
export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** Options for {@link waitUntilReady}. */
export interface WaitUntilReadyOptions {
  /** What is being waited for, for the error message, e.g. `Pebble at https://127.0.0.1:1234/dir`. */
  readonly what: string;
  /** Processes whose early exit fails the wait at once and whose output tails go in the error. */
  readonly processes: readonly ManagedProcess[];
  /** Overall bound; default 15 000 ms. */
  readonly timeoutMs?: number;
  /** Pause between probes; default 50 ms. */
  readonly intervalMs?: number;
}

/** Lines of each process's output quoted in a startup error. */
const ERROR_TAIL_LINES = 40;

/** Formats the last lines of each process's output for an error message. */
export function describeOutput(processes: readonly ManagedProcess[], lineCount = ERROR_TAIL_LINES): string {
  return processes
    .map((managed) => {
      const tail = managed.output().split('\n').slice(-lineCount).join('\n');
      const state = managed.exitInfo();
      const status = state === undefined ? 'running' : `exited code=${String(state.code)} signal=${String(state.signal)}`;
      return `--- ${managed.name} (pid ${managed.pid}, ${status}), last output:\n${tail === '' ? '(none)' : tail}`;
    })
    .join('\n');
}

/**
 * Polls `probe` until it resolves `true`. Rejects with an error naming `what` and quoting each
 * process's output tail if the probe is still failing after `timeoutMs`, or as soon as one of the
 * processes exits. A probe that throws counts as "not ready yet"; its last error is quoted too.
 */
export async function waitUntilReady(probe: () => Promise<boolean>, options: WaitUntilReadyOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  // A probe can hang until its own timeout; an exit should not have to wait for it.
  const anyExit = Promise.race(options.processes.map((managed) => managed.exited.then(() => 'exited' as const)));
  for (;;) {
    const dead = options.processes.find((managed) => managed.exitInfo() !== undefined);
    if (dead !== undefined) {
      throw new Error(`Unable to start ${options.what}, ${dead.name} exited early\n${describeOutput(options.processes)}`);
    }
    try {
      if (await Promise.race([probe(), anyExit]) === true) return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) {
      const reason = lastError === '' ? '' : ` (last probe error: ${lastError})`;
      throw new Error(
        `Unable to start ${options.what}, not ready after ${timeoutMs} ms${reason}\n${describeOutput(options.processes)}`,
      );
    }
    await sleep(intervalMs);
  }
}
