import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBind9, type Bind9 } from '../support/bind9.ts';
import { builtCli, certdesk, requireBuiltCli } from '../support/cli.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { spawnManaged } from '../support/processes.ts';

/**
 * DNS-01 through the real `certdesk` CLI: Pebble validates by asking the real BIND9, which the
 * RFC 2136 provider (TSIG) or an exec hook (lego's convention, here calling nsupdate) updates.
 */

let bind: Bind9;
let pebble: Pebble;
let dataDir: string;

const cli = (...args: string[]) => certdesk(['--data-dir', dataDir, ...args]);

async function json<T>(...args: string[]): Promise<T> {
  const result = await certdesk(['--data-dir', dataDir, '--json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** TXT values BIND9 serves at `name` now. */
async function txtAt(name: string): Promise<string[]> {
  try {
    return (await bind.resolver().resolveTxt(name)).map((chunks) => chunks.join(''));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENODATA' || (error as NodeJS.ErrnoException).code === 'ENOTFOUND') return [];
    throw error;
  }
}

function sans(pem: string): string[] {
  return (new X509Certificate(pem).subjectAltName ?? '').split(', ').map((s) => s.replace(/^DNS:/, '')).sort();
}

beforeAll(async () => {
  requireBuiltCli();
  bind = await startBind9();
  pebble = await startPebble({ dnsServer: bind.address });
});

afterAll(async () => {
  await Promise.all([pebble.stop(), bind.stop()]);
});

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-dns-'));
  expect((await cli('ca', 'add', 'pebble', '--directory', pebble.directoryUrl, '--ca-file', pebble.caCertPath, '--agree-tos')).code).toBe(0);
  return () => rm(dataDir, { recursive: true, force: true });
});

describe('DNS-01 through RFC 2136 (TSIG) on BIND9', () => {
  it('obtains a wildcard + apex certificate, checks propagation, and removes both TXT values', async () => {
    const add = await certdesk(
      ['--data-dir', dataDir, 'dns', 'add', 'bind', '--provider', 'rfc2136', '--server', bind.address, '--tsig-name', bind.tsig.name, '--resolver', bind.address],
      { CERTDESK_TSIG_SECRET: bind.tsig.secret },
    );
    expect(add.code).toBe(0);
    const config = await readFile(path.join(dataDir, 'config.json'), 'utf8');
    expect(config).not.toContain(bind.tsig.secret);

    expect((await cli('cert', 'add', 'wild', '--domain', 'certdesk.test', '--domain', '*.certdesk.test', '--ca', 'pebble', '--dns', 'bind')).code).toBe(0);
    const renew = await cli('cert', 'renew', 'wild');
    expect(renew.stderr).toBe('');
    expect(renew.code).toBe(0);
    expect(sans(await readFile(path.join(dataDir, 'certs', 'wild', 'versions', '1', 'cert.pem'), 'utf8'))).toEqual(['*.certdesk.test', 'certdesk.test']);
    expect(await txtAt('_acme-challenge.certdesk.test')).toEqual([]);
    const log = await readFile(path.join(dataDir, 'certs', 'wild', 'log.jsonl'), 'utf8');
    expect(log).not.toContain(bind.tsig.secret);
    expect(log.match(/"challenge_cleaned"/g)).toHaveLength(2);
  });

  it('fails with exit 1 and a remedy when the TSIG secret is wrong, leaving no record behind', async () => {
    const wrong = Buffer.alloc(32, 7).toString('base64');
    expect((await cli('dns', 'add', 'bad', '--provider', 'rfc2136', '--server', bind.address, '--tsig-name', bind.tsig.name, '--tsig-secret', wrong, '--resolver', bind.address)).code).toBe(0);
    expect((await cli('cert', 'add', 'www', '--domain', 'bad.certdesk.test', '--ca', 'pebble', '--dns', 'bad')).code).toBe(0);
    const renew = await cli('cert', 'renew', 'www');
    expect(renew.code).toBe(1);
    expect(renew.stdout).toMatch(/TSIG/);
    expect(renew.stdout).not.toContain(wrong);
    // Only the admin can fix a wrong key: automatic retries stop, with one alert (printed on stderr).
    expect(renew.stderr).toMatch(/ALERT critical www/);
    expect(renew.stderr).not.toContain(wrong);
    const shown = await json<{ status: string; lastProblem?: { type: string }; attempts?: { stopped?: string; lastError: { type: string } } }>('cert', 'show', 'www');
    expect(shown.status).toBe('stopped');
    expect(shown.lastProblem?.type).toBe('dns_auth');
    expect(shown.attempts).toMatchObject({ stopped: 'needs_admin', lastError: { type: 'dns_auth' } });
    expect(await txtAt('_acme-challenge.bad.certdesk.test')).toEqual([]);
    // The failed entry carries main's explanation and remedy in every locale, for the log viewer.
    const entries = (await readFile(path.join(dataDir, 'certs', 'www', 'log.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { event: string; data?: Record<string, unknown> });
    // The run's own failure is its last cert_failed entry (a failed cleanup of a proof logs one too).
    const failed = entries.filter((entry) => entry.event === 'cert_failed').at(-1);
    expect(failed?.data).toMatchObject({
      problem: 'dns_auth',
      explanation: { en: expect.any(String) as unknown, 'zh-CN': expect.any(String) as unknown },
      remedy: { en: expect.any(String) as unknown, 'zh-CN': expect.any(String) as unknown },
    });
    expect(JSON.stringify(failed)).not.toContain(wrong);
  });
});

/**
 * Writes an exec hook (lego's convention: `present|cleanup <fqdn> <value>`) into `dir` that updates
 * BIND9 with nsupdate and its TSIG key; `first` are shell lines run before the update.
 */
async function writeNsupdateHook(dir: string, first: ReadonlyArray<string>): Promise<string> {
  const keyFile = path.join(dir, 'tsig.key');
  await writeFile(keyFile, `key "${bind.tsig.name}" {\n  algorithm ${bind.tsig.algorithm};\n  secret "${bind.tsig.secret}";\n};\n`, { mode: 0o600 });
  const hook = path.join(dir, 'hook.sh');
  await writeFile(hook, [
    '#!/bin/sh',
    'set -eu',
    ...first,
    'case "$1" in present) op=add ;; cleanup) op=delete ;; *) exit 2 ;; esac',
    `printf 'server 127.0.0.1 ${bind.port}\\nupdate %s %s 60 TXT "%s"\\nsend\\n' "$op" "$2" "$3" | nsupdate -k '${keyFile}'`,
    '',
  ].join('\n'));
  await chmod(hook, 0o755);
  return hook;
}

describe('DNS-01 through an exec hook (lego convention)', () => {
  it('runs "<hook> present|cleanup <fqdn> <value>" and obtains the certificate', async () => {
    const hookDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-hook-'));
    const calls = path.join(hookDir, 'calls.log');
    const hook = await writeNsupdateHook(hookDir, [`echo "$1 $2" >> '${calls}'`]);
    try {
      expect((await cli('dns', 'add', 'hook', '--provider', 'exec', '--command', hook, '--resolver', bind.address)).code).toBe(0);
      expect((await cli('cert', 'add', 'api', '--domain', 'api.certdesk.test', '--ca', 'pebble', '--dns', 'hook')).code).toBe(0);
      const renew = await cli('cert', 'renew', 'api');
      expect(renew.stderr).toBe('');
      expect(renew.code).toBe(0);
      expect((await readFile(calls, 'utf8')).trim().split('\n')).toEqual(['present _acme-challenge.api.certdesk.test.', 'cleanup _acme-challenge.api.certdesk.test.']);
      expect(await txtAt('_acme-challenge.api.certdesk.test')).toEqual([]);
    } finally {
      await rm(hookDir, { recursive: true, force: true });
    }
  });

  it('a daemon told to stop (SIGTERM) mid-step keeps its lock, finishes the renewal and exits 0', async () => {
    const hookDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-hook-'));
    const presenting = path.join(hookDir, 'presenting');
    // A DNS API that takes a few seconds: long enough to stop the daemon in the middle of it.
    const hook = await writeNsupdateHook(hookDir, [`if [ "$1" = present ]; then touch '${presenting}'; sleep 3; fi`]);
    const lockFile = path.join(dataDir, 'locks', 'slow.lock');
    try {
      expect((await cli('dns', 'add', 'slow', '--provider', 'exec', '--command', hook, '--resolver', bind.address)).code).toBe(0);
      expect((await cli('cert', 'add', 'slow', '--domain', 'slow.certdesk.test', '--ca', 'pebble', '--dns', 'slow')).code).toBe(0);
      const daemon = spawnManaged(builtCli, ['--data-dir', dataDir, 'daemon'], { name: 'certdesk daemon' });
      const deadline = Date.now() + 60_000;
      while (!existsSync(presenting) && Date.now() < deadline) await sleep(50);
      expect(existsSync(presenting), daemon.output()).toBe(true);
      expect(existsSync(lockFile)).toBe(true);
      daemon.child.kill('SIGTERM');
      await sleep(1_000);
      // Still renewing: the lock is held until the step is done, so no other process can start an order.
      expect(existsSync(lockFile), daemon.output()).toBe(true);
      expect(daemon.child.exitCode).toBeNull();
      const exit = await daemon.exited;
      expect(exit.code, daemon.output()).toBe(0);
      expect(daemon.output()).toContain('slow: obtained version 1');
      expect(existsSync(lockFile)).toBe(false);
      expect(await txtAt('_acme-challenge.slow.certdesk.test')).toEqual([]);
    } finally {
      await rm(hookDir, { recursive: true, force: true });
    }
  });

  it('refuses a hook that does not exist or is not executable (exit 2)', async () => {
    const result = await cli('dns', 'add', 'hook', '--provider', 'exec', '--command', '/nonexistent/hook.sh');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not an executable file');
  });
});

describe('DNS-01 through the manual provider', () => {
  it('shows the record on a terminal, waits for Enter, and obtains the certificate once the admin created it', async () => {
    expect((await cli('dns', 'add', 'hand', '--provider', 'manual', '--resolver', bind.address)).code).toBe(0);
    expect((await cli('cert', 'add', 'man', '--domain', 'man.certdesk.test', '--ca', 'pebble', '--dns', 'hand')).code).toBe(0);
    // util-linux `script` gives the CLI a real pseudo-terminal; what we write to its stdin is typed.
    const command = [process.execPath, builtCli, '--data-dir', dataDir, 'cert', 'renew', 'man'].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    const prompted = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        screen += chunk.toString('utf8');
        if (screen.includes('press Enter')) resolve();
      });
    });
    const exited = new Promise<number>((resolve) => child.on('close', (code) => { resolve(code ?? -1); }));
    await prompted;
    const value = /value: (\S+)/.exec(screen)?.[1];
    expect(screen).toContain('_acme-challenge.man.certdesk.test');
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await bind.addTxt('_acme-challenge.man.certdesk.test', value ?? '');
    child.stdin.write('\r');
    expect(await exited).toBe(0);
    expect(screen).toContain('you may now delete the TXT record');
    expect((await json<{ status: string }>('cert', 'show', 'man')).status).toBe('valid');
    await bind.removeTxt('_acme-challenge.man.certdesk.test');
  });

  it('refuses to wait for an admin when there is no terminal, and says what to do', async () => {
    expect((await cli('dns', 'add', 'hand', '--provider', 'manual', '--resolver', bind.address)).code).toBe(0);
    expect((await cli('cert', 'add', 'man', '--domain', 'man.certdesk.test', '--ca', 'pebble', '--dns', 'hand')).code).toBe(0);
    const renew = await cli('cert', 'renew', 'man');
    expect(renew.code).toBe(1);
    expect(renew.stdout).toContain('not a terminal');
  });
});
