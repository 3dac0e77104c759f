import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeTempDir, removeTempDir, spawnManaged } from '../support/processes.ts';

/** GNU time (Debian package `time`): its `-v` report has the child's peak RSS from `wait4()`. */
const GNU_TIME = '/usr/bin/time';

/**
 * How often the fallback samples `/proc/<pid>/status` when GNU time is missing. VmHWM is the
 * kernel's own high-water mark, so a sample only misses growth in the last interval before exit.
 */
const PROC_SAMPLE_INTERVAL_MS = 20;

/**
 * Processes started by GNU time on our behalf (its child), by pid. Ending GNU time does not end its
 * child, so a timeout, an error or Ctrl-C in the bench kills these directly.
 */
const wrapped = new Set<number>();
let hooksInstalled = false;

function killWrapped(): void {
  for (const pid of wrapped) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  wrapped.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killWrapped);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      killWrapped();
      // The managed processes and temp dirs are cleaned up by processes.ts's exit hook.
      process.exit(code);
    });
  }
}

/** The pids of a live process's children (Linux), or none. */
async function childPids(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.split(/\s+/).filter((part) => part !== '').map(Number);
  } catch {
    return [];
  }
}

/** How the peak RSS of a measured process was obtained. */
export type RssMethod = 'gnu-time' | 'proc-vmhwm' | 'none';

/** One child process run to completion, with its wall time and peak memory. */
export interface MeasuredRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** From spawn to exit, as seen by the parent (includes the runtime's start-up). */
  readonly wallMs: number;
  /** Peak resident set size in KiB, or `undefined` when it could not be measured. */
  readonly peakRssKiB: number | undefined;
  readonly rssMethod: RssMethod;
  /** User plus system CPU time in ms (GNU time only), to tell waiting from working. */
  readonly cpuMs: number | undefined;
  /** Everything the process wrote to stdout. */
  readonly stdout: string;
  /** The last lines of its combined output, for error messages. */
  readonly outputTail: string;
  /** True when it was killed for running past `timeoutMs`. */
  readonly timedOut: boolean;
}

/** Options for {@link runMeasured}. */
export interface RunMeasuredOptions {
  /** Short name for the process list and error messages. */
  readonly name: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Killed (and reported `timedOut`) after this long. */
  readonly timeoutMs: number;
}

/** The RSS method {@link runMeasured} will use on this machine. */
export function rssMethod(): RssMethod {
  if (existsSync(GNU_TIME)) return 'gnu-time';
  if (process.platform === 'linux') return 'proc-vmhwm';
  return 'none';
}

/** Reads `VmHWM` (peak RSS, KiB) of a live process; `undefined` once it is gone. */
async function readVmHwm(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/**
 * Runs `command args` to completion and measures its wall time and peak RSS: under GNU time
 * (`/usr/bin/time -v -o <file>`, which reads `ru_maxrss` of the waited child) when installed, else
 * by sampling `/proc/<pid>/status` VmHWM every 20 ms, else without RSS. The child is a managed
 * process (killed if the bench exits or is interrupted). Never rejects for a non-zero exit code.
 */
export async function runMeasured(command: string, args: readonly string[], options: RunMeasuredOptions): Promise<MeasuredRun> {
  installHooks();
  const method = rssMethod();
  const reportDir = method === 'gnu-time' ? makeTempDir('certdesk-bench-time-') : undefined;
  const report = reportDir === undefined ? undefined : path.join(reportDir, 'time.txt');
  try {
    const [file, argv] = report === undefined ? [command, args] : [GNU_TIME, ['-v', '-o', report, command, ...args]];
    const started = performance.now();
    const child = spawnManaged(file, argv, {
      name: options.name,
      outputLines: 60,
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
    const chunks: string[] = [];
    child.child.stdout?.on('data', (chunk: string) => chunks.push(chunk));

    let peakFromProc: number | undefined;
    const mine = new Set<number>();
    let sampling = process.platform === 'linux';
    const sampler = (async () => {
      while (sampling) {
        if (method === 'proc-vmhwm') {
          const hwm = await readVmHwm(child.pid);
          if (hwm !== undefined) peakFromProc = Math.max(peakFromProc ?? 0, hwm);
        } else {
          for (const pid of await childPids(child.pid)) {
            mine.add(pid);
            wrapped.add(pid);
          }
        }
        await sleep(PROC_SAMPLE_INTERVAL_MS);
      }
    })();

    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      for (const pid of mine) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      void child.stop();
    }, options.timeoutMs);
    const exit = await child.exited;
    const wallMs = performance.now() - started;
    clearTimeout(timer);
    sampling = false;
    await sampler;
    for (const pid of mine) wrapped.delete(pid);

    let peakRssKiB = peakFromProc;
    let cpuMs: number | undefined;
    if (report !== undefined) {
      const text = await readFile(report, 'utf8').catch(() => '');
      const match = /Maximum resident set size \(kbytes\):\s*(\d+)/.exec(text);
      peakRssKiB = match?.[1] === undefined ? undefined : Number(match[1]);
      const user = /User time \(seconds\):\s*([\d.]+)/.exec(text)?.[1];
      const system = /System time \(seconds\):\s*([\d.]+)/.exec(text)?.[1];
      if (user !== undefined && system !== undefined) cpuMs = (Number(user) + Number(system)) * 1000;
    }
    // GNU time exits with the child's status; a child killed by a signal shows as 128 + signal.
    return {
      code: exit.code,
      signal: exit.signal,
      wallMs,
      peakRssKiB,
      rssMethod: peakRssKiB === undefined ? 'none' : method,
      cpuMs,
      stdout: chunks.join(''),
      outputTail: child.output(),
      timedOut,
    };
  } finally {
    if (reportDir !== undefined) await removeTempDir(reportDir);
  }
}
