import { execFile } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, readdir, readFile, realpath, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import {
  DEPLOY_HOOK_DEFAULT_TIMEOUT_MS,
  exportFileNames,
  exportTargetSchema,
  runDeployHook,
  writeExportTarget,
  type ExportInput,
  type ExportTarget,
} from '../../../../../main/core/vault/export-target.ts';
import { readPfx } from '../../../../../main/core/vault/pfx.ts';
import { pemSetFrom, type PemSet } from '../../../../../main/core/vault/vault.ts';
import { requireExecutable } from '../../../../support/processes.ts';
import { createTestCa, type TestCa } from '../../../../support/test-ca.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { rejection } from '../../support/thrown.ts';

const execFileAsync = promisify(execFile);
const tempDir = useTempDir('export');

let ca: TestCa;
let set: PemSet;
let input: ExportInput;

beforeAll(async () => {
  ca = await createTestCa({ hosts: ['example.com', 'www.example.com'] });
  set = pemSetFrom(`${ca.leafCertPem}${ca.caCertPem}`, ca.leafKeyPem);
  input = { certId: 'web', version: 7, domains: ['example.com', 'www.example.com'], set };
}, 60_000);

const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o7777;
const target = (dir: string, extra: Partial<ExportTarget> = {}): ExportTarget => ({ dir, format: 'pem', ...extra });

async function failure(promise: Promise<unknown>, code: string): Promise<CertDeskError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(CertDeskError);
  expect((error as CertDeskError).code).toBe(code);
  expect((error as CertDeskError).remedy ?? '').not.toBe('');
  return error as CertDeskError;
}

/** Every file in `dir` with its bytes, to compare a folder before and after. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: Record<string, string> = {};
  for (const entry of entries) files[entry.name] = entry.isFile() ? await readFile(path.join(dir, entry.name), 'utf8') : '<dir>';
  return files;
}

describe('exportTargetSchema', () => {
  it.each([
    { name: 'a PEM target', value: { dir: '/etc/ssl/web', format: 'pem' } },
    { name: 'custom names and a combined file', value: { dir: '/etc/haproxy/certs', format: 'pem', names: { cert: 'web.crt', privkey: 'web.key', combined: 'web.pem' } } },
    { name: 'a legacy PFX target with a hook', value: { dir: '/srv/iis', format: 'pfx', names: { pfx: 'web.pfx' }, pfxLegacy: true, hook: { command: 'systemctl reload nginx', timeoutMs: 1_000 } } },
    { name: 'a hook at the 30 min bound', value: { dir: '/x', format: 'pem', hook: { command: 'true', timeoutMs: 1_800_000 } } },
  ])('accepts $name', ({ value }) => {
    expect(exportTargetSchema.safeParse(value).success).toBe(true);
  });

  it.each([
    { name: 'a relative folder', value: { dir: 'certs', format: 'pem' } },
    { name: 'an unknown format', value: { dir: '/x', format: 'der' } },
    { name: 'an unknown key', value: { dir: '/x', format: 'pem', mode: 0o600 } },
    { name: 'an unknown name', value: { dir: '/x', format: 'pem', names: { key: 'k.pem' } } },
    { name: 'a name with a folder', value: { dir: '/x', format: 'pem', names: { cert: 'sub/cert.pem' } } },
    { name: 'a name with a backslash', value: { dir: '/x', format: 'pem', names: { cert: 'sub\\cert.pem' } } },
    { name: 'a name of ..', value: { dir: '/x', format: 'pem', names: { cert: '..' } } },
    { name: 'a name with ..', value: { dir: '/x', format: 'pem', names: { cert: '..cert.pem' } } },
    { name: 'an empty name', value: { dir: '/x', format: 'pem', names: { cert: '' } } },
    { name: 'a name with a control character', value: { dir: '/x', format: 'pem', names: { cert: 'cert\n.pem' } } },
    { name: 'a name too long for a temp file beside it', value: { dir: '/x', format: 'pem', names: { cert: `${'c'.repeat(197)}.pem` } } },
    { name: 'a PFX name on a PEM target', value: { dir: '/x', format: 'pem', names: { pfx: 'web.pfx' } } },
    { name: 'a PEM name on a PFX target', value: { dir: '/x', format: 'pfx', names: { combined: 'web.pem' } } },
    { name: 'pfxLegacy on a PEM target', value: { dir: '/x', format: 'pem', pfxLegacy: true } },
    { name: 'two files with one name', value: { dir: '/x', format: 'pem', names: { fullchain: 'cert.pem' } } },
    { name: 'two files with one name but for case', value: { dir: '/x', format: 'pem', names: { combined: 'PrivKey.pem' } } },
    { name: 'a blank hook command', value: { dir: '/x', format: 'pem', hook: { command: '  ' } } },
    { name: 'a hook timeout under 1 s', value: { dir: '/x', format: 'pem', hook: { command: 'true', timeoutMs: 999 } } },
    { name: 'a hook timeout over 30 min', value: { dir: '/x', format: 'pem', hook: { command: 'true', timeoutMs: 1_800_001 } } },
    { name: 'an unknown hook key', value: { dir: '/x', format: 'pem', hook: { command: 'true', shell: 'bash' } } },
  ])('refuses $name', ({ value }) => {
    expect(exportTargetSchema.safeParse(value).success).toBe(false);
  });

  it('names the files of each format, defaults under the given names, combined only when named', () => {
    expect(exportFileNames({ format: 'pem' })).toStrictEqual({ cert: 'cert.pem', chain: 'chain.pem', fullchain: 'fullchain.pem', privkey: 'privkey.pem' });
    expect(exportFileNames({ format: 'pem', names: { privkey: 'key.pem', combined: 'haproxy.pem' } }))
      .toStrictEqual({ cert: 'cert.pem', chain: 'chain.pem', fullchain: 'fullchain.pem', privkey: 'key.pem', combined: 'haproxy.pem' });
    expect(exportFileNames({ format: 'pfx' })).toStrictEqual({ pfx: 'certificate.pfx' });
  });
});

describe('writeExportTarget', () => {
  it('writes the PEM set under the default names, the key 0600 and the others 0644, and reports them', async () => {
    const dir = tempDir();
    const result = await writeExportTarget(target(dir), input);
    const files = ['cert.pem', 'chain.pem', 'fullchain.pem', 'privkey.pem'].map((name) => path.join(dir, name));
    expect(result.files).toStrictEqual(files);
    expect(result.paths).toStrictEqual({ cert: files[0], chain: files[1], fullchain: files[2], privkey: files[3] });
    expect(await snapshot(dir)).toStrictEqual({ 'cert.pem': set.cert, 'chain.pem': set.chain, 'fullchain.pem': set.fullchain, 'privkey.pem': set.privkey });
    expect(await Promise.all(files.map(modeOf))).toStrictEqual([0o644, 0o644, 0o644, 0o600]);
  });

  it('writes custom names and the combined file (fullchain then key, 0600) for HAProxy', async () => {
    const dir = tempDir();
    const names = { cert: 'web.crt', chain: 'web.chain', fullchain: 'web.fullchain', privkey: 'web.key', combined: 'web.pem' };
    const result = await writeExportTarget(target(dir, { names }), input);
    expect(result.files).toStrictEqual(Object.values(names).map((name) => path.join(dir, name)));
    expect(await snapshot(dir)).toStrictEqual({
      'web.crt': set.cert,
      'web.chain': set.chain,
      'web.fullchain': set.fullchain,
      'web.key': set.privkey,
      'web.pem': `${set.fullchain}${set.privkey}`,
    });
    expect(await modeOf(path.join(dir, 'web.pem'))).toBe(0o600);
  });

  it('replaces existing files keeping their mode (a 0640 key stays 0640) and owner', async () => {
    const dir = tempDir();
    await writeFile(path.join(dir, 'privkey.pem'), 'old key');
    await chmod(path.join(dir, 'privkey.pem'), 0o640);
    await writeFile(path.join(dir, 'cert.pem'), 'old cert');
    await chmod(path.join(dir, 'cert.pem'), 0o600);
    const before = await stat(path.join(dir, 'privkey.pem'));
    await writeExportTarget(target(dir), input);
    expect(await readFile(path.join(dir, 'privkey.pem'), 'utf8')).toBe(set.privkey);
    expect(await modeOf(path.join(dir, 'privkey.pem'))).toBe(0o640);
    expect(await modeOf(path.join(dir, 'cert.pem'))).toBe(0o600);
    expect(await modeOf(path.join(dir, 'chain.pem'))).toBe(0o644);
    const after = await stat(path.join(dir, 'privkey.pem'));
    expect([after.uid, after.gid]).toStrictEqual([before.uid, before.gid]);
    expect(after.ino).not.toBe(before.ino);
  });

  it('replaces a symlink in a file\'s place with the file, never writing where it points', async () => {
    const dir = path.join(tempDir(), 'target');
    const elsewhere = path.join(tempDir(), 'elsewhere');
    await mkdir(dir);
    await mkdir(elsewhere);
    await writeFile(path.join(elsewhere, 'shadow'), 'not yours\n');
    await symlink(path.join(elsewhere, 'shadow'), path.join(dir, 'privkey.pem'));
    await writeExportTarget(target(dir), input);
    expect((await lstat(path.join(dir, 'privkey.pem'))).isFile()).toBe(true);
    expect(await readFile(path.join(dir, 'privkey.pem'), 'utf8')).toBe(set.privkey);
    expect(await modeOf(path.join(dir, 'privkey.pem'))).toBe(0o600);
    expect(await readFile(path.join(elsewhere, 'shadow'), 'utf8')).toBe('not yours\n');
  });

  it.each([false, true])('writes a PFX target (legacy: %s), 0600, that OpenSSL opens with the password', async (pfxLegacy) => {
    const dir = tempDir();
    const password = 'export pässword';
    const result = await writeExportTarget(target(dir, { format: 'pfx', names: { pfx: 'web.pfx' }, pfxLegacy }), { ...input, pfxPassword: password });
    const file = path.join(dir, 'web.pfx');
    expect(result.files).toStrictEqual([file]);
    expect(await readdir(dir)).toStrictEqual(['web.pfx']);
    expect(await modeOf(file)).toBe(0o600);
    const openssl = requireExecutable('openssl', 'openssl');
    const { stdout } = await execFileAsync(openssl, ['pkcs12', '-in', file, '-passin', `pass:${password}`, '-nodes', '-info'], { encoding: 'latin1' });
    const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/.exec(stdout)?.[0] ?? '';
    const certs = [...stdout.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g)].map((match) => match[0]);
    expect(createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' })).toStrictEqual(createPrivateKey(set.privkey).export({ type: 'pkcs8', format: 'der' }));
    expect(certs.map((pem) => new X509Certificate(pem).fingerprint256)).toStrictEqual([set.cert, set.chain].map((pem) => new X509Certificate(pem).fingerprint256));
    expect(stdout).toContain('friendlyName: web v7');
    expect(readPfx(await readFile(file), password).certPem).toBe(set.cert);
  });

  it('refuses a PFX target without a password, writing nothing', async () => {
    const dir = tempDir();
    const error = await failure(writeExportTarget(target(dir, { format: 'pfx' }), input), 'export_failed');
    expect(error.message).toBe(`Unable to export web to ${dir}, the PFX target has no password`);
    expect(await readdir(dir)).toStrictEqual([]);
  });

  it('fails with export_failed for a missing folder, and does not create it', async () => {
    const dir = path.join(tempDir(), 'missing');
    const error = await failure(writeExportTarget(target(dir), input), 'export_failed');
    expect(error.message).toBe(`Unable to export web to ${dir}, the folder does not exist`);
    expect(error.remedy).toBe(`Create ${dir}, or correct the folder of the export target.`);
    expect(existsSync(dir)).toBe(false);
  });

  it('fails for a folder path that runs through a file (ENOTDIR), and for a file given as the folder', async () => {
    const file = path.join(tempDir(), 'a-file');
    await writeFile(file, 'x');
    expect((await failure(writeExportTarget(target(path.join(file, 'certs')), input), 'export_failed')).message).toMatch(/the folder does not exist$/);
    expect((await failure(writeExportTarget(target(file), input), 'export_failed')).message).toBe(`Unable to export web to ${file}, it is not a folder`);
    expect(await readFile(file, 'utf8')).toBe('x');
  });

  it('leaves every old file byte-identical and no temp file behind when one file cannot be written', async () => {
    const dir = tempDir();
    const old = { 'cert.pem': 'old cert\n', 'chain.pem': 'old chain\n', 'privkey.pem': 'old key\n' };
    for (const [name, text] of Object.entries(old)) await writeFile(path.join(dir, name), text);
    // The third file's place holds a folder: cert and chain are staged by then, and must be undone.
    await mkdir(path.join(dir, 'fullchain.pem'));
    const error = await failure(writeExportTarget(target(dir), input), 'export_failed');
    expect(error.message).toBe(`Unable to export web to ${dir}, ${path.join(dir, 'fullchain.pem')} is a folder; no file was changed`);
    expect(await snapshot(dir)).toStrictEqual({ ...old, 'fullchain.pem': '<dir>' });
  });

  it('removes the temp files already written and leaves old files untouched when a temp write fails (EFBIG)', async () => {
    // A child process with a 1 KiB file size limit (`ulimit -f 1`, which works as root too): cert.pem
    // and chain.pem fit, the temp copy of fullchain.pem does not, after the first two were staged.
    const limit = 1024;
    expect(Buffer.byteLength(set.cert)).toBeLessThanOrEqual(limit);
    expect(Buffer.byteLength(set.chain)).toBeLessThanOrEqual(limit);
    expect(Buffer.byteLength(set.fullchain)).toBeGreaterThan(limit);
    const dir = path.join(tempDir(), 'target');
    await mkdir(dir);
    const old = { 'cert.pem': 'old cert\n', 'chain.pem': 'old chain\n', 'fullchain.pem': 'old fullchain\n', 'privkey.pem': 'old key\n' };
    for (const [name, text] of Object.entries(old)) await writeFile(path.join(dir, name), text);
    const child = path.join(tempDir(), 'child.mjs');
    const module = pathToFileURL(path.resolve(import.meta.dirname, '../../../../../main/core/vault/export-target.ts')).href;
    await writeFile(child, [
      `import { writeExportTarget } from ${JSON.stringify(module)};`,
      'const { target, input } = JSON.parse(process.env.EXPORT_JOB);',
      'try { await writeExportTarget(target, input); console.log(JSON.stringify({ ok: true })); }',
      'catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message, remedy: error.remedy })); }',
    ].join('\n'));
    const bash = requireExecutable('bash', 'bash');
    const { stdout } = await execFileAsync(bash, ['-c', `ulimit -f ${limit / 1024}; exec "$0" "$1"`, process.execPath, child], {
      env: { ...process.env, EXPORT_JOB: JSON.stringify({ target: target(dir), input }) },
    });
    const fullchain = path.join(dir, 'fullchain.pem');
    expect(JSON.parse(stdout)).toStrictEqual({
      code: 'export_failed',
      message: `Unable to export web to ${dir}, the file size limit was reached (writing ${fullchain}); no file was changed`,
      remedy: 'Raise the file size limit (ulimit -f) of the user CertDesk runs as.',
    });
    expect(await snapshot(dir)).toStrictEqual(old);
  });

  it('refuses a target that does not pass the schema, before touching the folder', async () => {
    const dir = tempDir();
    const error = await failure(writeExportTarget(target(dir, { names: { cert: '../escape.pem' } }), input), 'export_failed');
    expect(error.message).toMatch(/the export target is invalid \(names\.cert: /);
    expect(await readdir(dir)).toStrictEqual([]);
    expect(existsSync(path.join(dir, '..', 'escape.pem'))).toBe(false);
  });
});

describe('runDeployHook', () => {
  const inheritedPfxPath = process.env.CERTDESK_PFX_PATH;
  afterEach(() => {
    if (inheritedPfxPath === undefined) delete process.env.CERTDESK_PFX_PATH;
    else process.env.CERTDESK_PFX_PATH = inheritedPfxPath;
  });

  it('runs the command line in the target folder with the CERTDESK_* variables, and returns its output', async () => {
    const dir = tempDir();
    // A stale value in CertDesk's own environment must not reach a hook for a target without a PFX.
    process.env.CERTDESK_PFX_PATH = '/stale/web.pfx';
    const written = await writeExportTarget(target(dir, { names: { combined: 'web.pem' } }), input);
    const { output } = await runDeployHook(
      { command: 'env | grep ^CERTDESK_ | sort > hook-env.txt; pwd > hook-cwd.txt; echo "reloaded $CERTDESK_CERT_ID" && echo warn >&2' },
      { certId: 'web', version: 7, domains: ['example.com', 'www.example.com'], dir, files: written.paths },
    );
    expect(output).toBe('reloaded web\nwarn\n');
    expect((await readFile(path.join(dir, 'hook-env.txt'), 'utf8')).trim().split('\n')).toStrictEqual([
      `CERTDESK_CERT_ID=web`,
      `CERTDESK_CERT_PATH=${path.join(dir, 'cert.pem')}`,
      `CERTDESK_CHAIN_PATH=${path.join(dir, 'chain.pem')}`,
      `CERTDESK_COMBINED_PATH=${path.join(dir, 'web.pem')}`,
      `CERTDESK_DOMAINS=example.com,www.example.com`,
      `CERTDESK_FULLCHAIN_PATH=${path.join(dir, 'fullchain.pem')}`,
      `CERTDESK_KEY_PATH=${path.join(dir, 'privkey.pem')}`,
      `CERTDESK_TARGET_DIR=${dir}`,
      `CERTDESK_VERSION=7`,
    ]);
    expect((await readFile(path.join(dir, 'hook-cwd.txt'), 'utf8')).trim()).toBe(await realpath(dir));
  });

  it('passes the PFX path but never the PFX password', async () => {
    const dir = tempDir();
    const written = await writeExportTarget(target(dir, { format: 'pfx' }), { ...input, pfxPassword: 'hunter2-secret' });
    await runDeployHook({ command: 'env > hook-env.txt' }, { certId: 'web', version: 7, domains: ['example.com'], dir, files: written.paths });
    const env = await readFile(path.join(dir, 'hook-env.txt'), 'utf8');
    expect(env).toContain(`CERTDESK_PFX_PATH=${path.join(dir, 'certificate.pfx')}\n`);
    expect(env).not.toContain('hunter2-secret');
    expect(env).not.toContain('CERTDESK_KEY_PATH');
  });

  it('rejects a failing hook with hook_failed, its exit code and the last lines of its output', async () => {
    const dir = tempDir();
    const command = 'i=1; while [ $i -le 20 ]; do echo "line $i"; i=$((i+1)); done; echo "nginx: [emerg] cannot load certificate" >&2; exit 4';
    const error = await failure(runDeployHook({ command }, { certId: 'web', version: 7, domains: ['example.com'], dir, files: {} }), 'hook_failed');
    expect(error.message).toMatch(new RegExp(`^Unable to run the deploy hook of web in ${dir}, it exited with code 4; its last output:\\n`));
    expect(error.message).toContain('line 20\nnginx: [emerg] cannot load certificate');
    expect(error.message).not.toContain('line 10\n');
    expect(error.message).not.toContain(command);
  });

  it('kills a hook that outlives its timeout, with everything it started', async () => {
    const dir = tempDir();
    const started = Date.now();
    const error = await failure(
      runDeployHook({ command: 'echo "waiting for the service"; sleep 30 & sleep 30', timeoutMs: 1_000 }, { certId: 'web', version: 7, domains: ['example.com'], dir, files: {} }),
      'hook_failed',
    );
    expect(error.message).toBe(`Unable to run the deploy hook of web in ${dir}, it did not finish within 1 s and was stopped; its last output:\nwaiting for the service`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('rejects with hook_failed when the hook cannot start (its folder is gone)', async () => {
    const dir = path.join(tempDir(), 'gone');
    const error = await failure(runDeployHook({ command: 'true' }, { certId: 'web', version: 7, domains: ['example.com'], dir, files: {} }), 'hook_failed');
    expect(error.message).toBe(`Unable to run the deploy hook of web in ${dir}, it could not be started (ENOENT)`);
  });

  it('defaults the timeout to a minute', () => {
    expect(DEPLOY_HOOK_DEFAULT_TIMEOUT_MS).toBe(60_000);
  });
});
