import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { describeFailedRun, lastLines, runCommand } from '../../process/run-command.ts';
import { DnsError } from './dns-error.ts';
import { displayName } from './names.ts';
import type { DnsProvider, DnsProviderDefinition } from './provider.ts';

/**
 * Default bound on one run of the command. DNS APIs answer in seconds, but scripts often wait for
 * their own propagation check (lego's exec scripts do); 120 s is lego's default for exec.
 */
export const EXEC_DEFAULT_TIMEOUT_MS = 120_000;

/** Lines of the command's output quoted in an error message. */
const ERROR_TAIL_LINES = 10;

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
 * `check()` runs nothing (lego's protocol has no check mode): it validates the command again, so a
 * script deleted or made non-executable since is reported as `bad_config`.
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
    const { result, output } = await runCommand(command, [mode, absolute, value], { env, timeoutMs });
    if (result.kind === 'exited' && result.code === 0) return;
    if (result.kind === 'spawn_failed') {
      throw new DnsError('bad_config', `Unable to ${action}, it could not be started (${result.error.code ?? result.error.message})`, {
        remedy: `Check that ${command} still exists, is executable and, for a script, that its #! interpreter is installed.`,
        cause: result.error,
      });
    }
    const how = describeFailedRun(result, timeoutMs);
    const tail = lastLines(output, ERROR_TAIL_LINES);
    throw new DnsError('command_failed', `Unable to ${action}, ${how}${tail === '' ? ' and printed nothing' : `; its last output:\n${tail}`}`, {
      remedy: `Run \`${command} ${mode} ${absolute} ${value}\` by hand to see why it fails.`,
    });
  };

  return {
    kind: 'exec',
    present: (fqdn, value) => invoke('present', fqdn, value),
    cleanup: (fqdn, value) => invoke('cleanup', fqdn, value),
    // Runs nothing (the command has no "check" mode): the command must still be an executable file.
    check: () => new Promise((resolve) => {
      validateExecCommand(options.command);
      resolve({});
    }),
  };
}

/** Why `command` cannot be the exec provider's command, for the credential field; `undefined` when it can. */
function execCommandProblem(command: string): string | undefined {
  try {
    validateExecCommand(command);
    return undefined;
  } catch (error) {
    if (!(error instanceof DnsError)) throw error;
    return `it is not an executable file (${error.message.replace(/^Unable to use the exec DNS provider, /, '')})`;
  }
}

/**
 * The `exec` kind: one field, `command`, the hook script (lego's exec convention). `prepare` stores
 * the absolute path {@link validateExecCommand} finds, so a bare name is pinned to what PATH held
 * when the admin added it. Propagation defaults: 120 s, every 2 s (lego's).
 */
export const execDefinition: DnsProviderDefinition = {
  kind: 'exec',
  label: { en: 'Script (exec)', 'zh-CN': '脚本（exec）' },
  help: {
    en: 'Runs your own script as "<command> present|cleanup <fqdn> <value>" (the convention of lego\'s exec provider); the script talks to your DNS.',
    'zh-CN': '以 "<命令> present|cleanup <完整域名> <值>" 的方式运行您自己的脚本（与 lego 的 exec 提供方约定相同），由脚本操作您的 DNS。',
  },
  fields: [
    {
      key: 'command',
      label: { en: 'Command', 'zh-CN': '命令' },
      help: {
        en: 'Absolute path of an executable script or program (or a name on PATH) that takes present|cleanup <fqdn> <value>.',
        'zh-CN': '可执行脚本或程序的绝对路径（或 PATH 中的名称），参数为 present|cleanup <完整域名> <值>。',
      },
      secret: false,
      example: '/usr/local/bin/dns-hook',
      validate: execCommandProblem,
    },
  ],
  propagation: { timeoutSeconds: 120, intervalSeconds: 2 },
  create: (credentials) => createExecProvider({ command: credentials.command ?? '' }),
  prepare: (credentials) => new Promise((resolve) => {
    resolve({ credentials: { ...credentials, command: validateExecCommand(credentials.command ?? '') } });
  }),
};
