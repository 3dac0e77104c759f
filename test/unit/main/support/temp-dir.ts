import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/**
 * Gives every test of the calling suite a fresh, empty directory under `os.tmpdir()` and removes it
 * afterwards. Returns the accessor for the current test's directory; calling it outside a test throws.
 */
export function useTempDir(label: string): () => string {
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), `certdesk-${label}-`));
  });
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => {
    if (dir === undefined) throw new Error('useTempDir: the temp dir exists only while a test runs');
    return dir;
  };
}

/**
 * Collects cleanup functions (closing stores and services) during a test and runs them, newest
 * first, after it, so a failed assertion never leaves a file watcher keeping the process alive.
 */
export function useClosers(): (close: () => void) => void {
  const closers: Array<() => void> = [];
  afterEach(() => {
    for (const close of closers.splice(0).reverse()) close();
  });
  return (close) => {
    closers.push(close);
  };
}
