import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root. */
export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** The built CLI entry (`npm run build`). */
export const builtCli = path.join(repoRoot, 'out/main/cli.js');

/** A finished process: its exit code and output. */
export interface ProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Throws a clear error when the CLI has not been built. */
export function requireBuiltCli(): void {
  if (!existsSync(builtCli)) throw new Error(`${builtCli} is missing: run \`npm run build\` first (npm test does).`);
}

/** Runs a command to completion in the repository root; never throws on a non-zero exit code. */
export function runProcess(command: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}, options: { timeoutMs?: number } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { cwd: repoRoot, env: { ...process.env, ...env }, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(new Error(`Unable to run ${command}, ${error.message}`, { cause: error }));
        return;
      }
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

/** The built `certdesk` CLI as a fresh process, the way cron and scripts run it. */
export function certdesk(args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}, options: { timeoutMs?: number } = {}): Promise<ProcessResult> {
  return runProcess(process.execPath, [builtCli, ...args], env, options);
}
