import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DnsError } from '../../../../../../main/core/challenges/dns/dns-error.ts';
import { createExecProvider, execDefinition, validateExecCommand } from '../../../../../../main/core/challenges/dns/exec.ts';
import { createRecordingLogger } from '../../../../../support/recording-logger.ts';
import { makeTempDir, removeTempDir } from '../../../../../support/processes.ts';

/** Made at load: the tables below name paths inside it. */
const dir = makeTempDir('certdesk-exec-');

async function script(name: string, body: string, mode = 0o755): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, mode);
  return path;
}

/** Alive = exists and is not a zombie (a container's PID 1 may never reap an orphan). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

async function rejection(promise: Promise<unknown>): Promise<DnsError> {
  const error: unknown = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof DnsError)) throw new Error(`expected a DnsError, got ${String(error)}`);
  return error;
}

afterAll(async () => {
  await removeTempDir(dir);
});

describe('createExecProvider', () => {
  it('runs `<command> present|cleanup <fqdn> <value>` with the fqdn absolute, no shell, and the extra env', async () => {
    const record = join(dir, 'calls.txt');
    const command = await script('record.sh', 'printf "%s|%s|%s|%s\\n" "$#" "$1" "$2" "$3" >> "$RECORD_FILE"');
    const provider = createExecProvider({ command, env: { RECORD_FILE: record } });
    expect(provider.kind).toBe('exec');
    const hostile = '$(touch pwned); `id` "quoted" *';

    await provider.present('_acme-challenge.example.com.', 'value-1');
    await provider.present('_acme-challenge.www.example.com', hostile);
    await provider.cleanup('_acme-challenge.example.com.', 'value-1');

    expect((await readFile(record, 'utf8')).split('\n')).toEqual([
      '3|present|_acme-challenge.example.com.|value-1',
      `3|present|_acme-challenge.www.example.com.|${hostile}`,
      '3|cleanup|_acme-challenge.example.com.|value-1',
      '',
    ]);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('rejects a non-zero exit with the code and the last lines of stdout and stderr', async () => {
    const command = await script('fail.sh', [
      'i=1; while [ $i -le 30 ]; do echo "progress line $i"; i=$((i+1)); done',
      'echo "API said: 403 invalid token" >&2',
      'exit 3',
    ].join('\n'));
    const error = await rejection(createExecProvider({ command }).present('_acme-challenge.example.com.', 'v'));
    expect(error).toMatchObject({ failure: 'command_failed', code: 'dns_failed' });
    expect(error.message).toMatch(new RegExp(`^Unable to add the TXT record _acme-challenge\\.example\\.com with ${command}, it exited with code 3; its last output:\\n`));
    expect(error.message).toContain('API said: 403 invalid token');
    expect(error.message).toContain('progress line 30');
    expect(error.message).not.toContain('progress line 20\n');
    expect(error.remedy).toBe(`Run \`${command} present _acme-challenge.example.com. v\` by hand to see why it fails.`);
  });

  it('keeps the quoted output bounded for a command that floods it', async () => {
    const command = await script('flood.sh', 'yes "0123456789abcdef0123456789abcdef" | head -n 200000; echo "the end" >&2; exit 1');
    const error = await rejection(createExecProvider({ command }).cleanup('_acme-challenge.example.com.', 'v'));
    expect(error.message).toContain('the end');
    expect(error.message.length).toBeLessThan(2_000);
  });

  it('says when the command was killed by a signal, or printed nothing', async () => {
    const killed = await script('killed.sh', 'kill -KILL $$');
    await expect(createExecProvider({ command: killed }).present('a.example.com.', 'v')).rejects.toThrow(/it was killed by SIGKILL and printed nothing$/);
  });

  it('kills the whole process group on timeout, even children that ignore SIGTERM', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const command = await script('hang.sh', [
      "trap '' TERM",
      `sleep 300 & echo $! > ${pidFile}`,
      'echo "waiting for the API"',
      'sleep 300',
    ].join('\n'));
    const error = await rejection(createExecProvider({ command, timeoutMs: 1_000 }).present('_acme-challenge.example.com.', 'v'));
    expect(error.failure).toBe('command_failed');
    expect(error.message).toMatch(/it did not finish within 1 s and was stopped; its last output:\nwaiting for the API$/);
    const grandchild = Number((await readFile(pidFile, 'utf8')).trim());
    // SIGKILL follows SIGTERM after the 2 s grace; wait for it rather than assume a timing.
    for (let i = 0; i < 100 && isAlive(grandchild); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isAlive(grandchild)).toBe(false);
  });

  it('rejects with bad_config when the command vanished after it was validated', async () => {
    const command = await script('vanishing.sh', 'exit 0');
    const provider = createExecProvider({ command });
    await rm(command);
    const error = await rejection(provider.present('a.example.com.', 'v'));
    expect(error).toMatchObject({ failure: 'bad_config', message: expect.stringMatching(/it could not be started \(ENOENT\)/) as unknown });
  });
});

describe('validateExecCommand', () => {
  it('accepts an executable absolute path, and finds a bare name on PATH', async () => {
    const command = await script('ok.sh', 'exit 0');
    expect(validateExecCommand(command)).toBe(command);
    expect(validateExecCommand('sh')).toMatch(/\/sh$/);
  });

  it.each([
    { name: 'nothing', command: () => Promise.resolve('  '), message: 'no command was given' },
    { name: 'a relative path', command: () => Promise.resolve('./hooks/dns.sh'), message: 'the command path ./hooks/dns.sh is relative' },
    { name: 'a missing file', command: () => Promise.resolve(join(dir, 'missing.sh')), message: `${join(dir, 'missing.sh')} does not exist` },
    { name: 'a bare name not on PATH', command: () => Promise.resolve('certdesk-no-such-hook'), message: 'certdesk-no-such-hook is not on PATH' },
    {
      name: 'a directory',
      command: async () => {
        await mkdir(join(dir, 'a-dir'), { recursive: true });
        return join(dir, 'a-dir');
      },
      message: `${join(dir, 'a-dir')} is not a file`,
    },
    { name: 'a file that is not executable', command: () => script('plain.sh', 'exit 0', 0o644), message: `${join(dir, 'plain.sh')} is not executable by this user` },
  ])('refuses $name with a clear bad_config error', async ({ command, message }) => {
    const path = await command();
    let thrown: unknown;
    try {
      validateExecCommand(path);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DnsError);
    expect(thrown).toMatchObject({ failure: 'bad_config', code: 'needs_admin', message: `Unable to use the exec DNS provider, ${message}` });
    expect(() => createExecProvider({ command: path })).toThrow(message);
  });
});

describe('exec check() and execDefinition', () => {
  it('check() runs nothing and succeeds while the command is executable, then reports it gone', async () => {
    const marker = join(dir, 'check-ran');
    const command = await script('checked.sh', `touch '${marker}'`);
    const provider = createExecProvider({ command });
    await expect(provider.check()).resolves.toEqual({});
    expect(existsSync(marker)).toBe(false);
    await chmod(command, 0o644);
    const error = await rejection(provider.check());
    expect(error).toMatchObject({ failure: 'bad_config', message: `Unable to use the exec DNS provider, ${command} is not executable by this user` });
  });

  it('declares one field, command, whose validate explains what is wrong', async () => {
    expect(execDefinition.fields.map((field) => [field.key, field.secret])).toEqual([['command', false]]);
    const validate = execDefinition.fields[0]?.validate;
    expect(validate?.(await script('valid.sh', 'exit 0'))).toBeUndefined();
    expect(validate?.(join(dir, 'absent.sh'))).toBe(`it is not an executable file (${join(dir, 'absent.sh')} does not exist)`);
  });

  it('prepare pins a bare name to the absolute path PATH gives it; create builds the provider', async () => {
    const prepared = await execDefinition.prepare?.({ command: 'sh' }, { logger: createRecordingLogger() });
    expect(prepared?.credentials.command).toMatch(/^\/.*\/sh$/);
    expect(execDefinition.create({ command: await script('made.sh', 'exit 0') }, { logger: createRecordingLogger() }).kind).toBe('exec');
  });
});
