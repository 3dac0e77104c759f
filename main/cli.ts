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

// Ctrl-C ends `log --follow` cleanly; anything else still running stops at once. That is safe by
// design: the order journal lets the next run resume wherever this one stopped.
const interrupted = new AbortController();
process.once('SIGINT', () => {
  interrupted.abort();
  process.exitCode = 130;
  setTimeout(() => process.exit(130), 200).unref();
});

process.exitCode = await runCli(process.argv.slice(2), {
  platform: process.platform,
  env: process.env,
  homedir: os.homedir(),
  cwd: process.cwd(),
  writeOut: (text) => process.stdout.write(text),
  writeErr: (text) => process.stderr.write(text),
  manualPrompt: (locale) => createTerminalPrompt({ input: process.stdin, output: process.stderr, locale }),
  signal: interrupted.signal,
});
