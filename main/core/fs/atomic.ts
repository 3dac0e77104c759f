import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/** File modes CertDesk uses: private keys and secrets, their folders, and everything else. */
export const modes = { secretFile: 0o600, privateDir: 0o700, publicFile: 0o644, publicDir: 0o755 } as const;

/**
 * Writes `data` to `file` atomically: a temp file in the same folder, fsync, rename (npm's
 * write-file-atomic). A crash leaves either the old file or the new one, never half of either.
 * Creates missing parent folders with `dirMode`. `mode` is applied to the new file.
 */
export async function writeAtomic(
  file: string,
  data: string | Buffer,
  options: { mode: number; dirMode?: number },
): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: options.dirMode ?? modes.privateDir });
  await writeFileAtomic(file, data, { mode: options.mode, fsync: true });
}

/** Writes JSON (2-space indented, trailing newline) atomically; see {@link writeAtomic}. */
export async function writeJsonAtomic(file: string, value: unknown, options: { mode: number; dirMode?: number }): Promise<void> {
  await writeAtomic(file, `${JSON.stringify(value, null, 2)}\n`, options);
}

/** Reads a file as UTF-8, or `undefined` when it does not exist. Other errors are thrown. */
export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (isErrnoCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

/** Whether `error` is a Node system error with `code`. */
export function isErrnoCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}

/**
 * Reads a JSON file written by {@link writeJsonAtomic} and checks it with `schema`: `undefined` when
 * the file does not exist; `damaged()`'s error when it is not JSON or does not fit (never a guess or
 * a silent reset). Other read errors are thrown as they are.
 */
export async function readJsonFile<T>(file: string, schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, damaged: () => Error): Promise<T | undefined> {
  const text = await readIfExists(file);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw damaged();
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw damaged();
}
