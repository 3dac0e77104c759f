#!/usr/bin/env node
/**
 * `certdesk`: the CLI entry. Runs the same core as the desktop app, headless (servers, cron,
 * scripting). All logic lives in `cli/program.ts`; this file only binds it to the process.
 */
import os from 'node:os';
import { runCli } from './cli/program.ts';

process.exitCode = await runCli(process.argv.slice(2), {
  platform: process.platform,
  env: process.env,
  homedir: os.homedir(),
  cwd: process.cwd(),
  writeOut: (text) => process.stdout.write(text),
  writeErr: (text) => process.stderr.write(text),
});
