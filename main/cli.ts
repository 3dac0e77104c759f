#!/usr/bin/env -S node --max-semi-space-size=2
/**
 * `certdesk`: the CLI entry. Runs the same core as the desktop app, headless (servers, cron,
 * scripting). All logic lives in `cli/program.ts`; this file only binds it to the process.
 *
 * The shebang (and the `certdesk` npm script) give V8 a 2 MiB young generation: the CLI waits on
 * the network, so more frequent scavenges cost nothing measurable, and a 50-certificate
 * `renew --all` peaks about 20 MiB lower (measured with `npm run bench`).
 */
import os from 'node:os';
import { runCli } from './cli/program.ts';
import { createTerminalPrompt } from './core/challenges/dns/manual.ts';

// SIGINT/SIGTERM: commands that stop gracefully (`daemon` finishes its current step, `log --follow`
// ends) watch the abort signal and say so; anything else stops at once. That is safe by design: the
// order journal lets the next run resume wherever this one stopped. A second signal always exits.
const interrupted = new AbortController();
let graceful = false;
let firstSignalAt: number | undefined;
const onSignal = (signal: NodeJS.Signals): void => {
  const code = signal === 'SIGINT' ? 130 : 143;
  if (!graceful) process.exit(code);
  if (firstSignalAt === undefined) {
    firstSignalAt = performance.now();
    interrupted.abort();
    return;
  }
  // signal-exit (used by proper-lockfile and write-file-atomic) may re-raise the signal it just saw;
  // only a second signal from outside, a moment later, forces the exit.
  if (performance.now() - firstSignalAt > repeatGraceMs) process.exit(code);
};
/** Signals within this long of the first count as the same one (see onSignal). */
const repeatGraceMs = 1000;
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

process.exitCode = await runCli(process.argv.slice(2), {
  platform: process.platform,
  env: process.env,
  homedir: os.homedir(),
  cwd: process.cwd(),
  writeOut: (text) => process.stdout.write(text),
  writeErr: (text) => process.stderr.write(text),
  manualPrompt: (locale) => createTerminalPrompt({ input: process.stdin, output: process.stderr, locale }),
  signal: interrupted.signal,
  stopsGracefully: () => {
    graceful = true;
  },
});
