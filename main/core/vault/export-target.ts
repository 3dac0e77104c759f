import { randomBytes, X509Certificate, createPrivateKey } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CertDeskError } from '../errors.ts';
import { isErrnoCode } from '../fs/atomic.ts';
import { describeFailedRun, lastLines, runCommand } from '../process/run-command.ts';
import { buildPfx, pfxPasswordProblem, readPfx } from './pfx.ts';
import { pemFileNames, type PemSet } from './vault.ts';

/** The files an export target can write. */
export const exportFileKinds = ['cert', 'chain', 'fullchain', 'privkey', 'combined', 'pfx'] as const;
/** One file an export target can write. */
export type ExportFileKind = (typeof exportFileKinds)[number];

/** Which kinds each format writes. `combined` (fullchain + key, HAProxy's format) only when named. */
const formatKinds = { pem: ['cert', 'chain', 'fullchain', 'privkey', 'combined'], pfx: ['pfx'] } as const satisfies Record<string, readonly ExportFileKind[]>;

/** Kinds that hold the private key: a new file of one is 0600, the others 0644. */
const secretKinds: ReadonlySet<ExportFileKind> = new Set(['privkey', 'combined', 'pfx']);

/** Default file names: certbot's for PEM (what admins know), `certificate.pfx`; `combined` has none. */
export const defaultExportFileNames: Readonly<Partial<Record<ExportFileKind, string>>> = { ...pemFileNames, pfx: 'certificate.pfx' };

/** Default bound on a deploy hook's run: a service reload takes seconds; a minute allows a slow one. */
export const DEPLOY_HOOK_DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Longest file name: 200 bytes leaves room for the temp file's `.` prefix and random suffix within
 * the 255-byte name limit of ext4, XFS, APFS and NTFS.
 */
const MAX_NAME_BYTES = 200;

/** Lines of a failed hook's output quoted in the error. */
const ERROR_TAIL_LINES = 10;

const fileName = z.string().min(1).refine(
  // Separators, `..`, control characters and what Windows forbids in names: a name stays inside the folder on every OS.
  // eslint-disable-next-line no-control-regex
  (name) => !/[/\\<>:"|?*\u0000-\u001f]/.test(name) && !name.includes('..') && name !== '.' && Buffer.byteLength(name) <= MAX_NAME_BYTES,
  `a file name only (no folder, no "..", none of <>:"|?*, at most ${MAX_NAME_BYTES} bytes)`,
);

/** A command run after an export target was written; see {@link runDeployHook}. */
export const deployHookSchema = z.strictObject({
  /** A shell command line (POSIX `/bin/sh -c`, Windows `cmd.exe /c`); 8191 characters is cmd.exe's limit. */
  command: z.string().max(8191).refine((command) => command.trim() !== '', 'a command'),
  /** Bound on the run, 1 s–30 min; default {@link DEPLOY_HOOK_DEFAULT_TIMEOUT_MS}. */
  timeoutMs: z.number().int().min(1_000).max(30 * 60_000).optional(),
});
/** A deploy hook as stored in an export target. */
export type DeployHook = z.infer<typeof deployHookSchema>;

/**
 * Where a certificate goes after every renewal: an existing folder (`dir`, absolute), the files in
 * `format` (`pem`: cert, chain, fullchain, privkey and, when named, combined; `pfx`: one PKCS#12
 * file, `pfxLegacy` for old Windows), optional file names, and an optional deploy hook. Names for
 * the other format, `pfxLegacy` on a PEM target, and two files with one name (case-insensitively,
 * for Windows and macOS) are refused. The PFX password is a secret kept elsewhere, never here.
 */
export const exportTargetSchema = z
  .strictObject({
    dir: z.string().refine((dir) => path.isAbsolute(dir) && !dir.includes('\u0000'), 'an absolute folder path'),
    format: z.enum(['pem', 'pfx']),
    names: z.strictObject({
      cert: fileName.optional(),
      chain: fileName.optional(),
      fullchain: fileName.optional(),
      privkey: fileName.optional(),
      combined: fileName.optional(),
      pfx: fileName.optional(),
    }).optional(),
    pfxLegacy: z.boolean().optional(),
    hook: deployHookSchema.optional(),
  })
  .superRefine((target, ctx) => {
    const kinds: readonly ExportFileKind[] = formatKinds[target.format];
    for (const kind of exportFileKinds) {
      if (target.names?.[kind] !== undefined && !kinds.includes(kind)) {
        ctx.addIssue({ code: 'custom', path: ['names', kind], message: `a ${target.format} target writes no ${kind} file` });
      }
    }
    if (target.format === 'pem' && target.pfxLegacy !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['pfxLegacy'], message: 'only a pfx target has this setting' });
    }
    const seen = new Map<string, ExportFileKind>();
    for (const [kind, name] of Object.entries(exportFileNames(target)) as Array<[ExportFileKind, string]>) {
      const other = seen.get(name.toLowerCase());
      if (other !== undefined) ctx.addIssue({ code: 'custom', path: ['names', kind], message: `the same file name as ${other}` });
      seen.set(name.toLowerCase(), kind);
    }
  });
/** An export target as stored with a certificate. */
export type ExportTarget = z.infer<typeof exportTargetSchema>;

/** The files `target` writes, by kind, in the order they are written: its names over the defaults. */
export function exportFileNames(target: Pick<ExportTarget, 'format' | 'names'>): Partial<Record<ExportFileKind, string>> {
  const names: Partial<Record<ExportFileKind, string>> = {};
  for (const kind of formatKinds[target.format]) {
    const name = target.names?.[kind] ?? defaultExportFileNames[kind];
    if (name !== undefined) names[kind] = name;
  }
  return names;
}

/** What {@link writeExportTarget} writes: the live version of a certificate. */
export interface ExportInput {
  readonly certId: string;
  readonly version: number;
  readonly domains: readonly string[];
  readonly set: PemSet;
  /** Required by a `pfx` target; 1–1024 characters. */
  readonly pfxPassword?: string | undefined;
}

/** The files {@link writeExportTarget} wrote. */
export interface ExportResult {
  /** Absolute paths, in the order written. */
  readonly files: string[];
  /** The same paths by kind: what {@link runDeployHook} takes. */
  readonly paths: Partial<Record<ExportFileKind, string>>;
}

/** A file to write: its kind, name, bytes and mode when new. */
interface Planned {
  readonly kind: ExportFileKind;
  readonly name: string;
  readonly data: Buffer;
}

/** A planned file whose temp copy is complete and synced next to its destination. */
interface Staged extends Planned {
  /** `dir/name`. */
  readonly dest: string;
  readonly temp: string;
}

/** A reason an export failed and what the admin can do, before it becomes a CertDeskError. */
class ExportProblem extends Error {
  readonly remedy: string;
  constructor(reason: string, remedy: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.remedy = remedy;
  }
}

/** Turns a file-system error while writing `file` into the reason and remedy of an export failure. */
function problemOf(error: unknown, dir: string, file: string): ExportProblem {
  if (error instanceof ExportProblem) return error;
  const writable = `Check that the user CertDesk runs as may write to ${dir}, or choose another folder.`;
  const code = codeOf(error);
  switch (code) {
    case 'ENOSPC':
      return new ExportProblem(`the disk is full (writing ${file})`, `Free space on the disk that holds ${dir}.`, { cause: error });
    case 'EDQUOT':
      return new ExportProblem(`the disk quota is used up (writing ${file})`, `Free space or raise the quota on the disk that holds ${dir}.`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new ExportProblem(`permission was denied (writing ${file})`, writable, { cause: error });
    case 'EFBIG':
      return new ExportProblem(`the file size limit was reached (writing ${file})`, 'Raise the file size limit (ulimit -f) of the user CertDesk runs as.', { cause: error });
    case 'EROFS':
      return new ExportProblem(`the file system is read-only (writing ${file})`, writable, { cause: error });
    case 'ENOENT':
    case 'ENOTDIR':
      return new ExportProblem('the folder does not exist', `Create ${dir}, or correct the folder of the export target.`, { cause: error });
    default:
      return new ExportProblem(`${code} (writing ${file})`, writable, { cause: error });
  }
}

/** A Node system error's code (`ENOSPC`), else the message of whatever was thrown. */
function codeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.message : String(error);
}

/** The bytes of each file the target writes; throws an ExportProblem for a PFX that cannot be made. */
function plan(target: ExportTarget, input: ExportInput): Planned[] {
  const { set } = input;
  const contents: Record<ExportFileKind, () => Buffer> = {
    cert: () => Buffer.from(set.cert),
    chain: () => Buffer.from(set.chain),
    fullchain: () => Buffer.from(set.fullchain),
    privkey: () => Buffer.from(set.privkey),
    combined: () => Buffer.from(set.fullchain + set.privkey),
    pfx: () => {
      const remedy = 'Set the PFX password of this export target (1–1024 characters).';
      if (input.pfxPassword === undefined) throw new ExportProblem('the PFX target has no password', remedy);
      const problem = pfxPasswordProblem(input.pfxPassword);
      if (problem !== undefined) throw new ExportProblem(problem, remedy);
      try {
        return buildPfx({
          certPem: set.cert,
          chainPem: set.chain,
          keyPem: set.privkey,
          password: input.pfxPassword,
          friendlyName: `${input.certId} v${input.version}`,
          legacy: target.pfxLegacy === true,
        });
      } catch (error) {
        throw new ExportProblem(`the PFX cannot be built (${error instanceof Error ? error.message : String(error)})`, 'Renew the certificate to store a fresh version.', { cause: error });
      }
    },
  };
  return (Object.entries(exportFileNames(target)) as Array<[ExportFileKind, string]>).map(([kind, name]) => ({ kind, name, data: contents[kind]() }));
}

/** What is at `file` (not following a symlink), or `undefined` when nothing is. */
async function existing(file: string): Promise<Stats | undefined> {
  try {
    return await lstat(file);
  } catch (error) {
    if (isErrnoCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

/**
 * Writes `file`'s bytes to a new temp file next to its destination, with the destination's mode
 * (and owner, where allowed) or 0600/0644 when new, and fsyncs it. `temps` gets the temp's path as
 * soon as it exists, so the caller can remove it whatever happens next.
 */
async function stage(dir: string, file: Planned, temps: string[]): Promise<Staged> {
  const dest = path.join(dir, file.name);
  const stats = await existing(dest);
  // A symlink is replaced like a new file, never followed: one planted in a shared folder must not
  // send a root-run export (key included) to a file elsewhere.
  const found = stats?.isSymbolicLink() === true ? undefined : stats;
  if (found !== undefined && !found.isFile()) {
    throw new ExportProblem(`${dest} is ${found.isDirectory() ? 'a folder' : 'not a regular file'}`, `Move ${dest} aside, or give the ${file.kind} file another name in the export target.`);
  }
  const temp = path.join(dir, `.${file.name}.${randomBytes(6).toString('hex')}.tmp`);
  // 0600 from the start: key bytes are never in a file others may read, even for a moment.
  const handle = await open(temp, 'wx', 0o600);
  temps.push(temp);
  try {
    await handle.writeFile(file.data);
    const uid = process.getuid?.();
    const gid = process.getgid?.();
    if (found !== undefined && uid !== undefined && (found.uid !== uid || found.gid !== gid)) {
      try {
        await handle.chown(found.uid, found.gid);
      } catch (error) {
        // Only root may give a file away (EPERM otherwise); EINVAL: an id unmapped in this user namespace.
        if (!isErrnoCode(error, 'EPERM') && !isErrnoCode(error, 'EINVAL')) throw error;
      }
    }
    await handle.chmod(found === undefined ? (secretKinds.has(file.kind) ? 0o600 : 0o644) : found.mode & 0o7777);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { ...file, dest, temp };
}

/** fsyncs a folder so its renames survive a crash; not possible on Windows, where it is skipped. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open a folder as a file; the renames are durable there once NTFS commits them.
  }
}

/** Whether a file read back from `file` holds what was meant; a PFX is also opened with its password. */
function readsBack(file: Staged, back: Buffer, input: ExportInput): boolean {
  if (!back.equals(file.data)) return false;
  if (file.kind !== 'pfx' || input.pfxPassword === undefined) return true;
  const opened = readPfx(back, input.pfxPassword);
  return new X509Certificate(opened.certPem).raw.equals(new X509Certificate(input.set.cert).raw)
    && opened.keyPem === createPrivateKey(input.set.privkey).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/**
 * Writes a certificate to an export target, every file atomic and the files together as far as the
 * file system allows: each file is first written in full to a temp file next to it (same folder, so
 * the rename is atomic), with the existing file's mode and, where the process may (root), its owner;
 * a new key-bearing file (privkey, combined, pfx) is 0600, any other 0644. A symlink in a file's
 * place is replaced by the file, never followed. Only when every temp file
 * is complete and fsynced are they renamed over the old files, then the folder is fsynced and every
 * file is read back and compared (a PFX is also opened with its password).
 *
 * Throws `export_failed` with a remedy: the folder is missing (it is never created) or not a folder,
 * a file's place holds a folder, permission denied, disk full, no or a bad PFX password. Any failure
 * before the renames removes the temp files and leaves every old file untouched. A rename failing
 * midway (the rare case left) is reported with the files already replaced. A file that does not read
 * back as written is reported after the fact. Not safe for concurrent use on the same files.
 */
export async function writeExportTarget(target: ExportTarget, input: ExportInput): Promise<ExportResult> {
  const fail = (reason: string, remedy: string, cause?: unknown): CertDeskError =>
    new CertDeskError('export_failed', `Unable to export ${input.certId} to ${target.dir}, ${reason}`, { remedy, ...(cause === undefined ? {} : { cause }) });
  const parsed = exportTargetSchema.safeParse(target);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw fail(`the export target is invalid (${issue === undefined ? 'unknown' : `${issue.path.join('.')}: ${issue.message}`})`, 'Correct the export target in the certificate\'s settings.');
  }
  const { dir } = target;
  let folder: Stats;
  try {
    folder = await stat(dir);
  } catch (error) {
    const problem = problemOf(error, dir, dir);
    throw fail(problem.message, problem.remedy, error);
  }
  if (!folder.isDirectory()) throw fail('it is not a folder', `Correct the folder of the export target: ${dir} is a file.`);

  let planned: Planned[];
  try {
    planned = plan(target, input);
  } catch (error) {
    const problem = problemOf(error, dir, dir);
    throw fail(problem.message, problem.remedy, problem.cause);
  }

  const temps: string[] = [];
  const staged: Staged[] = [];
  try {
    for (const file of planned) staged.push(await stage(dir, file, temps));
  } catch (error) {
    await Promise.all(temps.map((temp) => rm(temp, { force: true })));
    const problem = problemOf(error, dir, path.join(dir, planned[staged.length]?.name ?? ''));
    throw fail(`${problem.message}; no file was changed`, problem.remedy, problem.cause ?? error);
  }

  for (const [index, file] of staged.entries()) {
    try {
      await rename(file.temp, file.dest);
    } catch (error) {
      await Promise.all(staged.slice(index).map((rest) => rm(rest.temp, { force: true })));
      const replaced = staged.slice(0, index).map((done) => done.name);
      const problem = problemOf(error, dir, file.dest);
      throw fail(
        `${file.dest} could not be replaced (${codeOf(error)}); ${replaced.length === 0 ? 'no file was changed' : `${replaced.join(', ')} already hold the new version`}`,
        `${problem.remedy} Then export again so that all files hold one version.`,
        error,
      );
    }
  }
  await syncDir(dir);

  for (const file of staged) {
    let back: Buffer;
    try {
      back = await readFile(file.dest);
    } catch (error) {
      const problem = problemOf(error, dir, file.dest);
      throw fail(`${file.dest} cannot be read back (${codeOf(error)})`, problem.remedy, error);
    }
    let same: boolean;
    try {
      same = readsBack(file, back, input);
    } catch {
      same = false;
    }
    if (!same) {
      throw fail(`${file.dest} did not read back as written`, `Check the disk that holds ${dir}, and that no other program writes ${file.name}.`);
    }
  }
  const paths: Partial<Record<ExportFileKind, string>> = {};
  for (const file of staged) paths[file.kind] = file.dest;
  return { files: staged.map((file) => file.dest), paths };
}

/** What {@link runDeployHook} tells the hook, through its environment. */
export interface DeployHookInput {
  readonly certId: string;
  readonly version: number;
  readonly domains: readonly string[];
  /** The export target's folder; the hook runs in it. */
  readonly dir: string;
  /** The files written, by kind ({@link ExportResult.paths}). */
  readonly files: Partial<Record<ExportFileKind, string>>;
}

/** The environment variable that names each kind of file for a deploy hook. */
const hookPathVariables: Readonly<Record<ExportFileKind, string>> = {
  cert: 'CERTDESK_CERT_PATH',
  chain: 'CERTDESK_CHAIN_PATH',
  fullchain: 'CERTDESK_FULLCHAIN_PATH',
  privkey: 'CERTDESK_KEY_PATH',
  combined: 'CERTDESK_COMBINED_PATH',
  pfx: 'CERTDESK_PFX_PATH',
};

/**
 * Runs a deploy hook after its target was written: `hook.command` as a shell command line (POSIX
 * `/bin/sh -c`, Windows `cmd.exe /d /s /c`) in the target's folder, with this process's environment
 * plus CERTDESK_CERT_ID, CERTDESK_VERSION, CERTDESK_DOMAINS (comma-separated), CERTDESK_TARGET_DIR
 * and a CERTDESK_*_PATH for each file written (CERT, CHAIN, FULLCHAIN, KEY, COMBINED, PFX; unset
 * for files not written). No secret is passed: the PFX password never is. Resolves with the last
 * 16 KiB of its output (stdout and stderr interleaved).
 *
 * A non-zero exit, a death by signal, a run longer than `hook.timeoutMs` (default 60 s; the whole
 * process group gets SIGTERM, then SIGKILL 2 s later) or a shell that cannot start rejects with
 * `hook_failed` quoting the last lines of the output.
 */
export async function runDeployHook(hook: DeployHook, input: DeployHookInput): Promise<{ output: string }> {
  const timeoutMs = hook.timeoutMs ?? DEPLOY_HOOK_DEFAULT_TIMEOUT_MS;
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Inherited values would describe some other export: a variable for a file not written stays unset.
  for (const name of Object.values(hookPathVariables)) Reflect.deleteProperty(env, name);
  env.CERTDESK_CERT_ID = input.certId;
  env.CERTDESK_VERSION = String(input.version);
  env.CERTDESK_DOMAINS = input.domains.join(',');
  env.CERTDESK_TARGET_DIR = input.dir;
  for (const [kind, file] of Object.entries(input.files) as Array<[ExportFileKind, string]>) env[hookPathVariables[kind]] = file;

  const windows = process.platform === 'win32';
  // cmd.exe /s strips the outer quotes and runs the rest as typed, as Node's own `shell: true` does.
  const [shell, args] = windows ? [process.env.ComSpec ?? 'cmd.exe', ['/d', '/s', '/c', `"${hook.command}"`]] : ['/bin/sh', ['-c', hook.command]];
  const { result, output } = await runCommand(shell, args, { env, timeoutMs, cwd: input.dir, windowsVerbatimArguments: windows });
  if (result.kind === 'exited' && result.code === 0) return { output };

  const action = `run the deploy hook of ${input.certId} in ${input.dir}`;
  const remedy = `Run the hook by hand in ${input.dir}, with the CERTDESK_* variables set, to see why it fails.`;
  if (result.kind === 'spawn_failed') {
    throw new CertDeskError('hook_failed', `Unable to ${action}, it could not be started (${result.error.code ?? result.error.message})`, {
      remedy: `Check that ${input.dir} is a folder this user may enter and that ${shell} exists.`,
      cause: result.error,
    });
  }
  const tail = lastLines(output, ERROR_TAIL_LINES);
  throw new CertDeskError('hook_failed', `Unable to ${action}, ${describeFailedRun(result, timeoutMs)}${tail === '' ? ' and printed nothing' : `; its last output:\n${tail}`}`, { remedy });
}
