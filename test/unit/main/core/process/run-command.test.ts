import { readFileSync } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFailedRun, lastLines, runCommand, type RunResult } from '../../../../../main/core/process/run-command.ts';
import { useTempDir } from '../../support/temp-dir.ts';

const tempDir = useTempDir('run-command');
const sh = (script: string, options: { timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {}): ReturnType<typeof runCommand> =>
  runCommand('/bin/sh', ['-c', script], { env: options.env ?? process.env, timeoutMs: options.timeoutMs ?? 10_000, cwd: options.cwd });

/** Alive = exists and is not a zombie (a container's PID 1 may never reap an orphan). */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('runCommand', () => {
  it('passes the arguments as they are, the environment and the folder, and returns stdout and stderr interleaved', async () => {
    const dir = tempDir();
    const run = await runCommand('/bin/sh', ['-c', 'echo "$1|$GREETING|$(pwd)"; echo oops >&2; exit 0', 'sh', '$(id) "quoted"'], {
      env: { PATH: process.env.PATH, GREETING: 'hello' },
      timeoutMs: 10_000,
      cwd: dir,
    });
    expect(run).toStrictEqual({ result: { kind: 'exited', code: 0 }, output: `$(id) "quoted"|hello|${await realpath(dir)}\noops\n` });
  });

  it.each([
    { name: 'a non-zero exit', script: 'exit 7', result: { kind: 'exited', code: 7 } },
    { name: 'a death by signal', script: 'kill -KILL $$', result: { kind: 'signal', signal: 'SIGKILL' } },
  ])('reports $name', async ({ script, result }) => {
    expect((await sh(script)).result).toStrictEqual(result);
  });

  it('reports a command that cannot start, without rejecting', async () => {
    const run = await runCommand(path.join(tempDir(), 'missing'), [], { env: process.env, timeoutMs: 10_000 });
    expect(run.result.kind).toBe('spawn_failed');
    expect(run.result.kind === 'spawn_failed' ? run.result.error.code : undefined).toBe('ENOENT');
  });

  it('keeps only the last 16 KiB of a flood of output', async () => {
    const run = await sh('yes 0123456789abcdef | head -n 100000; echo "the end"');
    expect(run.output.length).toBeLessThanOrEqual(16 * 1024);
    expect(run.output.endsWith('0123456789abcdef\nthe end\n')).toBe(true);
  });

  it('stops the whole process group at the timeout, children that ignore SIGTERM included', async () => {
    const pidFile = path.join(tempDir(), 'child.pid');
    const started = Date.now();
    const run = await sh(`trap '' TERM; sleep 300 & echo $! > ${pidFile}; echo waiting; sleep 300`, { timeoutMs: 500 });
    expect(run).toStrictEqual({ result: { kind: 'timeout' }, output: 'waiting\n' });
    expect(Date.now() - started).toBeLessThan(5_000);
    const child = Number((await readFile(pidFile, 'utf8')).trim());
    // SIGKILL follows SIGTERM after the 2 s grace; wait for it rather than assume a timing.
    for (let i = 0; i < 100 && isAlive(child); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isAlive(child)).toBe(false);
  });

  it('does not wait for a background grandchild that keeps the output pipes open', async () => {
    const started = Date.now();
    const run = await sh('sleep 5 & echo started; exit 0');
    expect(run).toStrictEqual({ result: { kind: 'exited', code: 0 }, output: 'started\n' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('lastLines', () => {
  it.each([
    { name: 'nothing', output: '', count: 3, expected: '' },
    { name: 'the last non-blank lines', output: 'a\n\nb\r\nc\n  \nd\n', count: 3, expected: 'b\nc\nd' },
    { name: 'a long line cut at 300 characters', output: `${'x'.repeat(400)}\n`, count: 1, expected: `${'x'.repeat(300)}…` },
  ])('$name', ({ output, count, expected }) => {
    expect(lastLines(output, count)).toBe(expected);
  });
});

describe('describeFailedRun', () => {
  it.each<{ result: Exclude<RunResult, { kind: 'spawn_failed' }>; timeoutMs: number; expected: string }>([
    { result: { kind: 'exited', code: 3 }, timeoutMs: 1_000, expected: 'it exited with code 3' },
    { result: { kind: 'signal', signal: 'SIGSEGV' }, timeoutMs: 1_000, expected: 'it was killed by SIGSEGV' },
    { result: { kind: 'timeout' }, timeoutMs: 60_000, expected: 'it did not finish within 60 s and was stopped' },
    { result: { kind: 'timeout' }, timeoutMs: 500, expected: 'it did not finish within 500 ms and was stopped' },
  ])('$expected', ({ result, timeoutMs, expected }) => {
    expect(describeFailedRun(result, timeoutMs)).toBe(expected);
  });
});
