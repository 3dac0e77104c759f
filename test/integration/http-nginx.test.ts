import { existsSync, readFileSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNginx, type Nginx } from '../support/nginx.ts';
import { LOOPBACK, freePort, isPortFree } from '../support/ports.ts';
import { isProcessAlive, makeTempDir, removeTempDir } from '../support/processes.ts';

/** The uid nginx's worker runs as: `nobody` when the tests run as root, else this user. */
const NOBODY_UID = 65_534;

function fetch(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false, timeout: 5_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body });
      });
    }).on('error', reject);
  });
}

function uidOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((candidate) => candidate.startsWith('Uid:'));
  return Number(line?.split(/\s+/)[1]);
}

/** A served folder the worker can read whoever it runs as (makeTempDir gives 0700). */
async function makeWebroot(): Promise<string> {
  const root = makeTempDir('certdesk-www-');
  await chmod(root, 0o755);
  return root;
}

describe('startNginx', () => {
  let root: string;
  let nginx: Nginx;

  beforeAll(async () => {
    root = await makeWebroot();
    await writeFile(join(root, 'hello.txt'), 'hello from the webroot');
    nginx = await startNginx({ root });
  });

  afterAll(async () => {
    await nginx.stop();
    await removeTempDir(root);
  });

  it('serves the root on 127.0.0.1 and 404s what is not there', async () => {
    expect(nginx.url).toBe(`http://${LOOPBACK}:${nginx.port}`);
    expect(await fetch(`${nginx.url}/hello.txt`)).toEqual({ status: 200, body: 'hello from the webroot' });
    expect((await fetch(`${nginx.url}/missing`)).status).toBe(404);
  });

  it('runs its worker unprivileged, so modes in the webroot matter as in production', async () => {
    const asRoot = process.getuid?.() === 0;
    const workers = nginx.workerPids();
    expect(workers).toHaveLength(1);
    for (const pid of workers) expect(uidOf(pid)).toBe(asRoot ? NOBODY_UID : process.getuid?.());

    await writeFile(join(root, 'private.txt'), 'secret', { mode: 0o600 });
    await chmod(join(root, 'private.txt'), 0o600);
    // Root's 0600 file is unreadable to nobody; a normal user's own file is readable to its worker.
    expect((await fetch(`${nginx.url}/private.txt`)).status).toBe(asRoot ? 403 : 200);
  });

  it('keeps its files in its own temp dir', () => {
    expect(existsSync(join(nginx.dir, 'nginx.conf'))).toBe(true);
    expect(existsSync(join(nginx.dir, 'nginx.pid'))).toBe(true);
    expect(readFileSync(join(nginx.dir, 'nginx.pid'), 'utf8').trim()).toBe(String(nginx.pid));
  });
});

describe('startNginx / stop', () => {
  it('ends master and worker, frees the port and removes the temp dir', async () => {
    const root = await makeWebroot();
    try {
      const nginx = await startNginx({ root });
      const workers = nginx.workerPids();
      expect(workers.length).toBeGreaterThan(0);
      expect(await isPortFree(nginx.port)).toBe(false);

      await nginx.stop();

      expect(isProcessAlive(nginx.pid)).toBe(false);
      for (const pid of workers) expect(isProcessAlive(pid)).toBe(false);
      expect(await isPortFree(nginx.port)).toBe(true);
      expect(existsSync(nginx.dir)).toBe(false);
      await nginx.stop();
    } finally {
      await removeTempDir(root);
    }
  });

  it('fails clearly, quoting nginx, when its fixed port is taken', async () => {
    const root = await makeWebroot();
    const port = await freePort();
    const other = await new Promise<Server>((resolve, reject) => {
      // Connections (nginx's readiness probes) are dropped at once, so close() need not wait for them.
      const server = createServer((socket) => socket.destroy());
      server.once('error', reject);
      server.listen(port, LOOPBACK, () => {
        resolve(server);
      });
    });
    try {
      await expect(startNginx({ root, port })).rejects.toThrow(/Unable to start nginx[\s\S]*Address already in use/);
    } finally {
      await new Promise((resolve) => other.close(resolve));
      await removeTempDir(root);
    }
  });

  it('refuses a relative root', async () => {
    await expect(startNginx({ root: 'www' })).rejects.toThrow('Unable to start nginx, the root "www" is not absolute');
  });
});
