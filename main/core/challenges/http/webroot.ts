import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readdir, readFile, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CertDeskError, type ErrorCode } from '../../errors.ts';
import type { Logger } from '../../ports.ts';
import type { ChallengeSolver } from '../solver.ts';
import { checkHttp01Challenge, isValidToken } from './token.ts';

/**
 * Mode of the folders this solver creates: the web server (often another user, e.g. www-data) must
 * traverse them. Set with chmod after mkdir, because a strict umask (077) would otherwise hide the
 * answer from the web server.
 */
const DIR_MODE = 0o755;

/** Mode of the answer file: readable by the web server's user, written only by CertDesk. */
const FILE_MODE = 0o644;

/** The folders under the webroot, outermost first, that hold the answers (RFC 8555 §8.3). */
const CHALLENGE_DIRS = ['.well-known', 'acme-challenge'] as const;

/** Options for {@link createWebrootSolver}. */
export interface WebrootSolverOptions {
  /**
   * The folder the web server serves for the domains as `/` (its document root, e.g. `/var/www/html`),
   * `--webroot`. Relative paths are resolved against the current directory once, at creation.
   */
  readonly root: string;
  /** Where written and removed answers are logged (never the token). */
  readonly logger: Logger;
}

/** What this process knows about one webroot, shared by every solver writing into it. */
interface RootState {
  /** Serializes writes and removals, so a cleanup never removes a folder a present is writing into. */
  queue: Promise<unknown>;
  /** Folders this process created and has not removed yet, outermost first. */
  readonly createdDirs: string[];
}

/**
 * State by resolved webroot path. Two certificates may share a webroot; keeping this per process
 * lets their solvers run concurrently without one removing a folder the other is writing into.
 */
const roots = new Map<string, RootState>();

function rootState(root: string): RootState {
  let state = roots.get(root);
  if (state === undefined) {
    state = { queue: Promise.resolve(), createdDirs: [] };
    roots.set(root, state);
  }
  return state;
}

function serialized<T>(state: RootState, task: () => Promise<T>): Promise<T> {
  const run = state.queue.then(task, task);
  state.queue = run.catch(() => undefined);
  return run;
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Turns a file-system failure while using the webroot into a {@link CertDeskError}
 * (`needs_admin`) naming the path and what to do; `action` completes "Unable to …".
 */
function fileError(error: unknown, action: string, path: string): CertDeskError {
  const options = { cause: error };
  switch (errnoCode(error)) {
    case 'EACCES':
    case 'EPERM':
      return new CertDeskError('needs_admin', `Unable to ${action}, permission denied on ${path}`, {
        ...options,
        remedy: `Let the user running CertDesk (uid ${String(process.getuid?.() ?? 'unknown')}) write to ${path}, e.g. create .well-known/acme-challenge in the webroot and give that user ownership of it.`,
      });
    case 'EROFS':
      return new CertDeskError('needs_admin', `Unable to ${action}, ${path} is on a read-only file system`, {
        ...options,
        remedy: 'Point --webroot at a writable folder that the web server serves, or use the built-in server (--http-port) or DNS-01.',
      });
    case 'ENOSPC':
    case 'EDQUOT':
      return new CertDeskError('needs_admin', `Unable to ${action}, the disk holding ${path} is full`, {
        ...options,
        remedy: 'Free some space on that disk and try again.',
      });
    case 'ENOENT':
    case 'ENOTDIR':
      return new CertDeskError('needs_admin', `Unable to ${action}, ${path} does not exist or is not a folder`, {
        ...options,
        remedy: 'Check --webroot: it must be the folder your web server serves for these domains, e.g. /var/www/html.',
      });
    default:
      return new CertDeskError('needs_admin', `Unable to ${action}, ${errnoCode(error) ?? String(error)} on ${path}`, {
        ...options,
        remedy: 'Check the webroot folder and its permissions, or use the built-in server (--http-port) or DNS-01.',
      });
  }
}

/**
 * Checks that `root` can serve as a webroot: it exists and is a folder. Resolves, or rejects with
 * a {@link CertDeskError} of `code` for a missing path or a file (default `invalid_input`, for
 * refusing a bad `--webroot` when the certificate is added; `present` passes `needs_admin`), or
 * `needs_admin` for no permission to look. Writability is only known by writing; `present` reports it.
 */
export async function checkWebroot(root: string, code: ErrorCode = 'invalid_input'): Promise<void> {
  const action = 'use the webroot';
  let info;
  try {
    info = await stat(root);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      throw new CertDeskError(code, `Unable to ${action}, ${root} does not exist`, {
        cause: error,
        remedy: 'Give the folder your web server serves for these domains (its document root, e.g. /var/www/html), or create it.',
      });
    }
    throw fileError(error, action, root);
  }
  if (!info.isDirectory()) {
    throw new CertDeskError(code, `Unable to ${action}, ${root} is not a folder`, {
      remedy: 'Give the folder your web server serves for these domains (its document root), not a file.',
    });
  }
}

/** Makes `dir` unless it exists (as a folder); records it in `created` when this call made it. */
async function ensureDir(dir: string, created: string[]): Promise<void> {
  try {
    await mkdir(dir, { mode: DIR_MODE });
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw fileError(error, 'create the challenge folder', dir);
    const info = await stat(dir).catch((statError: unknown) => {
      throw fileError(statError, 'use the challenge folder', dir);
    });
    if (!info.isDirectory()) {
      throw new CertDeskError('needs_admin', `Unable to use the challenge folder, ${dir} exists but is not a folder`, {
        remedy: `Remove or rename ${dir} so CertDesk can create the folder the CA reads from.`,
      });
    }
    return;
  }
  created.push(dir);
  await chmod(dir, DIR_MODE).catch((error: unknown) => {
    throw fileError(error, 'set the challenge folder’s permissions', dir);
  });
}

/** Writes `content` to `file` atomically (temp file in the same folder, then rename), mode 0644. */
async function writeAtomically(file: string, temp: string, content: string): Promise<void> {
  try {
    const handle = await open(temp, 'wx', FILE_MODE);
    try {
      await handle.writeFile(content, 'utf8');
      // The mode given to open() is filtered by the umask.
      await handle.chmod(FILE_MODE);
    } finally {
      await handle.close();
    }
    // No fsync: the answer matters for minutes and is rewritten on resume; only atomicity for the
    // web server reading it matters here.
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Removes `path` if present; a missing file or folder above it is success. */
async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
  }
}

/**
 * Creates an HTTP-01 solver (RFC 8555 §8.3) that publishes answers through an existing web server:
 * it writes `<root>/.well-known/acme-challenge/<token>` containing exactly the key authorization.
 *
 * `present` checks the root (exists, is a folder), the challenge (not a wildcard, a base64url token
 * so no path can escape the folder), creates `.well-known` and `acme-challenge` with mode 0755 where
 * missing, writes the file with mode 0644 atomically (temp file in the same folder + rename) and
 * reads it back. It does not fetch the answer over HTTP: whether the web server serves the folder at
 * the domain is the admin's setup, which the CA's validation reports.
 *
 * `cleanup` removes exactly that file (and any temp file left for the token by a crashed write),
 * whichever solver or process wrote it, so a resumed order can clean up after a crash; it is
 * idempotent. (A token belongs to one authorization; two orders sharing a reused authorization
 * share its file, and the CA validates it once for both.) It removes `acme-challenge` and
 * `.well-known` only if this process created them and they are empty, never folders that existed
 * before. A folder created by a process that crashed is left in place (empty and harmless).
 *
 * Failures are {@link CertDeskError}s (`needs_admin`) naming the path: missing root, permission
 * denied, read-only file system, disk full. Safe for concurrent use, also across solvers of this
 * process sharing a root. Messages and logs never contain the token.
 */
export function createWebrootSolver(options: WebrootSolverOptions): ChallengeSolver {
  const root = resolve(options.root);
  const { logger } = options;
  const state = rootState(root);
  const challengeDir = join(root, ...CHALLENGE_DIRS);

  const removeCreatedDirs = async (): Promise<void> => {
    // Innermost first: .well-known can only be empty once acme-challenge is gone.
    for (const dir of [...state.createdDirs].reverse()) {
      try {
        await rmdir(dir);
      } catch (error) {
        const code = errnoCode(error);
        // Not empty: another answer (or the admin's file) still lives there; keep it and its parent.
        if (code === 'ENOTEMPTY' || code === 'EEXIST') return;
        if (code !== 'ENOENT') throw fileError(error, 'remove the challenge folder', dir);
      }
      state.createdDirs.splice(state.createdDirs.indexOf(dir), 1);
      logger.info('Removed the challenge folder it had created', { dir });
    }
  };

  return {
    type: 'http-01',

    present: async (challenge, signal) => {
      checkHttp01Challenge(challenge, 'webroot');
      signal?.throwIfAborted();
      return serialized(state, async () => {
        signal?.throwIfAborted();
        await checkWebroot(root, 'needs_admin');
        let dir = root;
        for (const name of CHALLENGE_DIRS) {
          dir = join(dir, name);
          await ensureDir(dir, state.createdDirs);
        }
        const file = join(challengeDir, challenge.token);
        const temp = join(challengeDir, `.${challenge.token}.${randomBytes(6).toString('hex')}.tmp`);
        try {
          await writeAtomically(file, temp, challenge.value);
          if ((await readFile(file, 'utf8')) !== challenge.value) {
            throw new Error('the file read back differs from what was written');
          }
        } catch (error) {
          if (error instanceof CertDeskError) throw error;
          throw fileError(error, `write the HTTP-01 answer for ${challenge.domain}`, challengeDir);
        }
        logger.info('Wrote the HTTP-01 answer', { domain: challenge.domain, dir: challengeDir });
      });
    },

    cleanup: async (challenge) => {
      // A malformed token was never written, and must never become a path.
      if (!isValidToken(challenge.token)) return;
      const { token } = challenge;
      return serialized(state, async () => {
        try {
          await removeFile(join(challengeDir, token));
          const names = await readdir(challengeDir).catch((error: unknown) => {
            if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return [];
            throw error;
          });
          const leftover = new RegExp(`^\\.${token}\\.[0-9a-f]{12}\\.tmp$`);
          for (const name of names.filter((candidate) => leftover.test(candidate))) {
            await removeFile(join(challengeDir, name));
          }
        } catch (error) {
          throw fileError(error, `remove the HTTP-01 answer for ${challenge.domain}`, challengeDir);
        }
        logger.info('Removed the HTTP-01 answer', { domain: challenge.domain, dir: challengeDir });
        await removeCreatedDirs();
      });
    },
  };
}
