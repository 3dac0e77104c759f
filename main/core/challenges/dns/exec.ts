import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { DnsError } from './dns-error.ts';
import { displayName, formatDuration } from './names.ts';
import type { DnsProvider } from './provider.ts';

/**
 * Default bound on one run of the command. DNS APIs answer in seconds, but scripts often wait for
 * their own propagation check (lego's exec scripts do); 120 s is lego's default for exec.
 */
export const EXEC_DEFAULT_TIMEOUT_MS = 120_000;

/** After SIGTERM on timeout, how long the process group gets to exit before SIGKILL. */
const KILL_GRACE_MS = 2_000;

/**
 * Output kept per run: the tail explains a failure, and a chatty or runaway script must not grow
 * memory without bound. 16 KiB is a few hundred lines.
 */
const MAX_OUTPUT_CHARS = 16 * 1024;

/** Lines of that output quoted in an error message. */
const ERROR_TAIL_LINES = 10;

/** A quoted line longer than this is cut: one minified JSON blob should not swamp the message. */
const MAX_LINE_CHARS = 300;

/**
 * After the command exits, how long to wait for its output pipes to close. A background grandchild
 * that inherited them would otherwise hold the run open until it exits.
 */
const PIPE_DRAIN_MS = 500;

/** Settings of the exec provider, as `dns add --provider exec` takes them. */
export interface ExecOptions {
  /** The program to run: an absolute path, or a bare name looked up on PATH. */
  readonly command: string;
  /** Bound on one run; default {@link EXEC_DEFAULT_TIMEOUT_MS}. The whole process group is killed. */
  readonly timeoutMs?: number | undefined;
  /** Extra environment for the command (API credentials), merged over this process's environment. */
  readonly env?: Readonly<Record<string, string>> | undefined;
}

function badCommand(reason: string, remedy: string): DnsError {
  return new DnsError('bad_config', `Unable to use the exec DNS provider, ${reason}`, { remedy });
}

/**
 * Checks that `command` names an executable file and returns its absolute path: an absolute path as
 * given, or a bare name found on PATH. A relative path with a directory part is refused (relative
 * to what: the CLI's directory, the app's?). Throws a `bad_config` {@link DnsError} saying which
 * check failed: none given, relative, not found, a directory, not executable.
 */
export function validateExecCommand(command: string): string {
  const remedy = 'Give the absolute path of an executable script or program, e.g. /usr/local/bin/dns-hook.';
  const trimmed = command.trim();
  if (trimmed === '') throw badCommand('no command was given', remedy);
  let path: string;
  if (isAbsolute(trimmed)) {
    path = trimmed;
  } else if (/[\\/]/.test(trimmed)) {
    throw badCommand(`the command path ${trimmed} is relative`, remedy);
  } else {
    const found = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '').map((dir) => join(dir, trimmed))
      .find((candidate) => {
        try {
          accessSync(candidate, fsConstants.X_OK);
          return statSync(candidate).isFile();
        } catch {
          return false;
        }
      });
    if (found === undefined) throw badCommand(`${trimmed} is not on PATH`, remedy);
    return found;
  }
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw badCommand(`${path} does not exist`, remedy);
  }
  if (!isFile) throw badCommand(`${path} is not a file`, remedy);
  try {
    accessSync(path, fsConstants.X_OK);
  } catch {
    throw badCommand(`${path} is not executable by this user`, `Make it executable (chmod +x ${path}) or give another path.`);
  }
  return path;
}

/** Keeps the last {@link MAX_OUTPUT_CHARS} characters of everything written to it. */
class OutputTail {
  private text = '';
  push(chunk: string): void {
    this.text += chunk;
    if (this.text.length > MAX_OUTPUT_CHARS) this.text = this.text.slice(-MAX_OUTPUT_CHARS);
  }
  lines(count: number): string {
    const lines = this.text.split(/\r?\n/).filter((line) => line.trim() !== '').slice(-count);
    return lines.map((line) => (line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line)).join('\n');
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

type RunResult =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'signal'; readonly signal: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'spawn_failed'; readonly error: NodeJS.ErrnoException };

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number, output: OutputTail): Promise<RunResult> {
  return new Promise((resolve) => {
    // detached: the command leads its own process group, so a timeout can kill what it started too.
    const child = spawn(command, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid === undefined) return;
      const pid = child.pid;
      killTree(pid, 'SIGTERM');
      killTimer = setTimeout(() => { killTree(pid, 'SIGKILL'); }, KILL_GRACE_MS);
    }, timeoutMs);
    let settled = false;
    const finish = (result: RunResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
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
 * Creates the exec provider, compatible with lego's `exec` provider: the command is run as
 * `<command> present <fqdn> <value>` and `<command> cleanup <fqdn> <value>` with `fqdn` absolute
 * (trailing dot, as lego passes it) and `value` the TXT value (RFC 8555 §8.4). Arguments go to the
 * program directly, never through a shell. The command gets this process's environment plus `env`.
 *
 * Exit 0 is success. A non-zero exit, a death by signal or a run longer than `timeoutMs` (the whole
 * process group gets SIGTERM, then SIGKILL after 2 s) rejects with a `command_failed`
 * {@link DnsError} quoting the exit code and the last lines of the command's output (stdout and
 * stderr interleaved, bounded). The command is validated now ({@link validateExecCommand}, which
 * throws), and a command gone by the time it runs rejects with a `bad_config` error.
 *
 * Concurrent calls start concurrent processes: a script must cope with two values on one name.
 */
export function createExecProvider(options: ExecOptions): DnsProvider {
  const command = validateExecCommand(options.command);
  const timeoutMs = options.timeoutMs ?? EXEC_DEFAULT_TIMEOUT_MS;
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };

  const invoke = async (mode: 'present' | 'cleanup', fqdn: string, value: string): Promise<void> => {
    const absolute = fqdn.endsWith('.') ? fqdn : `${fqdn}.`;
    const action = `${mode === 'present' ? 'add' : 'remove'} the TXT record ${displayName(absolute)} with ${command}`;
    const output = new OutputTail();
    const result = await run(command, [mode, absolute, value], env, timeoutMs, output);
    if (result.kind === 'exited' && result.code === 0) return;
    if (result.kind === 'spawn_failed') {
      throw new DnsError('bad_config', `Unable to ${action}, it could not be started (${result.error.code ?? result.error.message})`, {
        remedy: `Check that ${command} still exists, is executable and, for a script, that its #! interpreter is installed.`,
        cause: result.error,
      });
    }
    const how = result.kind === 'timeout'
      ? `it did not finish within ${formatDuration(timeoutMs)} and was stopped`
      : result.kind === 'signal' ? `it was killed by ${result.signal}` : `it exited with code ${result.code}`;
    const tail = output.lines(ERROR_TAIL_LINES);
    throw new DnsError('command_failed', `Unable to ${action}, ${how}${tail === '' ? ' and printed nothing' : `; its last output:\n${tail}`}`, {
      remedy: `Run \`${command} ${mode} ${absolute} ${value}\` by hand to see why it fails.`,
    });
  };

  return {
    kind: 'exec',
    present: (fqdn, value) => invoke('present', fqdn, value),
    cleanup: (fqdn, value) => invoke('cleanup', fqdn, value),
  };
}
