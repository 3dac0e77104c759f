import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChallengeInput } from '../../../../../../main/core/challenges/solver.ts';
import { checkWebroot, createWebrootSolver } from '../../../../../../main/core/challenges/http/webroot.ts';
import { CertDeskError } from '../../../../../../main/core/errors.ts';
import { makeTempDir, removeTempDir } from '../../../../../support/processes.ts';
import { createRecordingLogger } from '../../../../../support/recording-logger.ts';

function challenge(domain = 'www.certdesk.test'): ChallengeInput {
  const token = randomBytes(32).toString('base64url');
  return { domain, wildcard: false, token, value: `${token}.${randomBytes(32).toString('base64url')}` };
}

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

let root: string;
let wellKnown: string;
let challengeDir: string;

beforeEach(() => {
  root = makeTempDir('certdesk-webroot-');
  wellKnown = join(root, '.well-known');
  challengeDir = join(wellKnown, 'acme-challenge');
});

afterEach(async () => {
  await removeTempDir(root);
});

describe('createWebrootSolver', () => {
  it('writes exactly the key authorization with mode 0644 in folders made 0755, whatever the umask', async () => {
    const logger = createRecordingLogger();
    const solver = createWebrootSolver({ root, logger });
    const input = challenge();
    // A strict umask would give 0700/0600 and hide the answer from the web server's user.
    const previous = process.umask(0o077);
    try {
      await solver.present(input);
    } finally {
      process.umask(previous);
    }
    const file = join(challengeDir, input.token);
    expect(solver.type).toBe('http-01');
    expect(await readFile(file, 'utf8')).toBe(input.value);
    expect(await modeOf(file)).toBe(0o644);
    expect(await modeOf(wellKnown)).toBe(0o755);
    expect(await modeOf(challengeDir)).toBe(0o755);
    // Nothing but the answer: no temp file left behind.
    expect(await readdir(challengeDir)).toEqual([input.token]);
  });

  it('removes the file and the folders it created on cleanup, and nothing else', async () => {
    await writeFile(join(root, 'index.html'), '<h1>site</h1>');
    const solver = createWebrootSolver({ root, logger: createRecordingLogger() });
    const input = challenge();
    await solver.present(input);
    await solver.cleanup(input);
    expect(existsSync(wellKnown)).toBe(false);
    expect(await readdir(root)).toEqual(['index.html']);
    expect(await readFile(join(root, 'index.html'), 'utf8')).toBe('<h1>site</h1>');
  });

  it('keeps folders that existed before, and everything in them', async () => {
    await mkdir(challengeDir, { recursive: true });
    await writeFile(join(wellKnown, 'security.txt'), 'Contact: mailto:security@certdesk.test\n');
    await chmod(challengeDir, 0o750);
    const solver = createWebrootSolver({ root, logger: createRecordingLogger() });
    const input = challenge();
    await solver.present(input);
    await solver.cleanup(input);
    expect(await readdir(challengeDir)).toEqual([]);
    expect(await readdir(wellKnown)).toEqual(['acme-challenge', 'security.txt']);
    // A folder the admin made is used as it is, its mode included.
    expect(await modeOf(challengeDir)).toBe(0o750);
  });

  it('keeps an existing .well-known but removes the acme-challenge it created', async () => {
    await mkdir(wellKnown);
    const solver = createWebrootSolver({ root, logger: createRecordingLogger() });
    const input = challenge();
    await solver.present(input);
    await solver.cleanup(input);
    expect(await readdir(root)).toEqual(['.well-known']);
    expect(await readdir(wellKnown)).toEqual([]);
  });

  it('presents many tokens concurrently and removes the folders only after the last cleanup', async () => {
    const solver = createWebrootSolver({ root, logger: createRecordingLogger() });
    const inputs = Array.from({ length: 20 }, (_, index) => challenge(`n${index}.certdesk.test`));
    await Promise.all(inputs.map((input) => solver.present(input)));
    expect((await readdir(challengeDir)).sort()).toEqual(inputs.map((input) => input.token).sort());
    for (const input of inputs) expect(await readFile(join(challengeDir, input.token), 'utf8')).toBe(input.value);

    const [first, rest] = [inputs.slice(0, 10), inputs.slice(10)];
    await Promise.all(first.map((input) => solver.cleanup(input)));
    expect((await readdir(challengeDir)).sort()).toEqual(rest.map((input) => input.token).sort());
    await Promise.all(rest.map((input) => solver.cleanup(input)));
    expect(existsSync(wellKnown)).toBe(false);
  });

  it('interleaves presents and cleanups without losing a file', async () => {
    const solver = createWebrootSolver({ root, logger: createRecordingLogger() });
    const [a, b] = [challenge('a.certdesk.test'), challenge('b.certdesk.test')];
    await solver.present(a);
    // The cleanup of the only answer (which would remove the folders) races the next present.
    await Promise.all([solver.cleanup(a), solver.present(b)]);
    expect(await readFile(join(challengeDir, b.token), 'utf8')).toBe(b.value);
    await solver.cleanup(b);
    expect(existsSync(wellKnown)).toBe(false);
  });

  it('has an idempotent cleanup that also removes a temp file left by a crashed write', async () => {
    const solver = createWebrootSolver({ root, logger: createRecordingLogger() });
    const input = challenge();
    await solver.cleanup(input);
    await solver.present(input);
    const leftover = join(challengeDir, `.${input.token}.0123456789ab.tmp`);
    await writeFile(leftover, 'partial');
    await writeFile(join(challengeDir, 'unrelated'), 'keep me');
    await solver.cleanup(input);
    await solver.cleanup(input);
    expect(await readdir(challengeDir)).toEqual(['unrelated']);
  });

  it('cleans up an answer written by an earlier process (crash, then resume)', async () => {
    const input = challenge();
    await createWebrootSolver({ root, logger: createRecordingLogger() }).present(input);
    const resumed = createWebrootSolver({ root, logger: createRecordingLogger() });
    await resumed.cleanup(input);
    expect(existsSync(join(challengeDir, input.token))).toBe(false);
  });

  it('lets solvers sharing a root run concurrently, removing the folders after the last answer', async () => {
    const [first, second] = [createWebrootSolver({ root, logger: createRecordingLogger() }), createWebrootSolver({ root, logger: createRecordingLogger() })];
    const [a, b] = [challenge('a.certdesk.test'), challenge('b.certdesk.test')];
    await Promise.all([first.present(a), second.present(b)]);
    await first.cleanup(a);
    expect(await readdir(challengeDir)).toEqual([b.token]);
    await second.cleanup(b);
    expect(existsSync(wellKnown)).toBe(false);
  });

  it('replaces a stale file for the same token atomically', async () => {
    const input = challenge();
    await mkdir(challengeDir, { recursive: true });
    await writeFile(join(challengeDir, input.token), 'stale');
    await createWebrootSolver({ root, logger: createRecordingLogger() }).present(input);
    expect(await readFile(join(challengeDir, input.token), 'utf8')).toBe(input.value);
  });

  describe('refuses tokens that could leave the challenge folder, touching nothing', () => {
    const tokens: readonly string[] = ['../escape', '..', '../../outside', 'a/b', 'a\\b', '.hidden', '%2e%2e', '', 'x'.repeat(129)];
    it.each(tokens)('%j', async (token) => {
      const outside = join(root, 'outside');
      await writeFile(outside, 'keep me');
      const solver = createWebrootSolver({ root, logger: createRecordingLogger() });
      const thumbprint = randomBytes(32).toString('base64url');
      const input = { domain: 'www.certdesk.test', wildcard: false, token, value: `${token}.${thumbprint}` };
      const error: unknown = await solver.present(input).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CertDeskError);
      expect(error).toMatchObject({ code: 'needs_admin' });
      // cleanup of such a token is a no-op, never an unlink outside the folder.
      await solver.cleanup({ ...input, token: '../../outside' });
      await solver.cleanup(input);
      expect(await readdir(root)).toEqual(['outside']);
      expect(await readFile(outside, 'utf8')).toBe('keep me');
    });
  });

  it('refuses a wildcard', async () => {
    const solver = createWebrootSolver({ root, logger: createRecordingLogger() });
    await expect(solver.present({ ...challenge('certdesk.test'), wildcard: true })).rejects.toThrow(/wildcard name can only be validated with DNS-01/);
    expect(await readdir(root)).toEqual([]);
  });

  it('rejects a missing root with a clear error and creates nothing', async () => {
    const missing = join(root, 'no-such-site');
    const solver = createWebrootSolver({ root: missing, logger: createRecordingLogger() });
    await expect(solver.present(challenge())).rejects.toMatchObject({
      code: 'needs_admin',
      message: `Unable to use the webroot, ${missing} does not exist`,
      remedy: expect.stringContaining('document root') as unknown,
    });
    expect(existsSync(missing)).toBe(false);
    await solver.cleanup(challenge());
  });

  it('rejects a root that is a file', async () => {
    const file = join(root, 'index.html');
    await writeFile(file, '');
    await expect(createWebrootSolver({ root: file, logger: createRecordingLogger() }).present(challenge()))
      .rejects.toMatchObject({ code: 'needs_admin', message: `Unable to use the webroot, ${file} is not a folder` });
  });

  it('rejects a .well-known/acme-challenge that is a file', async () => {
    await mkdir(wellKnown);
    await writeFile(challengeDir, '');
    await expect(createWebrootSolver({ root, logger: createRecordingLogger() }).present(challenge()))
      .rejects.toMatchObject({ code: 'needs_admin', message: `Unable to use the challenge folder, ${challengeDir} exists but is not a folder` });
  });

  it('reports permission denied with the path and a remedy', async () => {
    // As root, a mode never denies; the immutable attribute (chattr +i) denies even root.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) execFileSync('chattr', ['+i', root]);
    else await chmod(root, 0o555);
    try {
      const error: unknown = await createWebrootSolver({ root, logger: createRecordingLogger() }).present(challenge()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CertDeskError);
      expect(error).toMatchObject({
        code: 'needs_admin',
        message: `Unable to create the challenge folder, permission denied on ${wellKnown}`,
        remedy: expect.stringMatching(/^Let the user running CertDesk \(uid \d+\) write to /) as unknown,
      });
    } finally {
      if (asRoot) execFileSync('chattr', ['-i', root]);
      else await chmod(root, 0o700);
    }
  });

  it('logs what it did without the token or key authorization', async () => {
    const logger = createRecordingLogger();
    const { lines } = logger;
    const solver = createWebrootSolver({ root, logger });
    const input = challenge();
    await solver.present(input);
    await solver.cleanup(input);
    const log = lines.join('\n');
    expect(log).toMatch(/Wrote the HTTP-01 answer .*"domain":"www\.certdesk\.test"/);
    expect(log).toMatch(/Removed the HTTP-01 answer/);
    expect(log).not.toContain(input.token);
  });
});

describe('checkWebroot', () => {
  it('accepts a folder', async () => {
    await expect(checkWebroot(root)).resolves.toBeUndefined();
  });

  it('rejects a missing path or a file as bad input (for `cert add --webroot`), or with the code asked for', async () => {
    await expect(checkWebroot(join(root, 'missing'))).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/does not exist$/) as unknown });
    await writeFile(join(root, 'file'), '');
    await expect(checkWebroot(join(root, 'file'))).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/is not a folder$/) as unknown });
    await expect(checkWebroot(join(root, 'missing'), 'needs_admin')).rejects.toMatchObject({ code: 'needs_admin' });
  });
});
