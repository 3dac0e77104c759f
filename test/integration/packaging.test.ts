/**
 * Packaging with the real electron-builder and electron-builder.yml, as far as this machine allows:
 * no Electron binary can be downloaded here, so `-c.electronDist` points at a dummy one (a file
 * carrying Electron's fuse sentinel and fuse wire, so electron-builder's fuse flipping runs for real).
 * `--linux dir` then produces the unpacked app whose app.asar, resources and fuses are checked.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { listPackage, extractFile } from '@electron/asar';
import { FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runProcess } from '../support/cli.ts';

/** `@electron/fuses`' sentinel: the fuse wire follows it in every Electron binary since 12. */
const fuseSentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/** Fuse states as bytes in the wire. */
const fuse = { disabled: 0x30, enabled: 0x31 } as const;

let workDir: string;
let appDir: string;
let build: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  if (!existsSync(path.join(repoRoot, 'out/main/index.js'))) throw new Error('out/ is missing: run `npm run build` first (npm test does).');
  workDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-package-'));
  const electronDist = path.join(workDir, 'electron-dist');
  await mkdir(electronDist);
  // Electron 45's defaults, inverted where CertDesk flips a fuse, so each flip is visible:
  // runAsNode, cookies, NODE_OPTIONS, --inspect, asar integrity, only-asar, v8 snapshot, file://.
  const wire = Buffer.from([fuse.enabled, fuse.disabled, fuse.enabled, fuse.enabled, fuse.disabled, fuse.disabled, fuse.disabled, fuse.enabled]);
  await writeFile(path.join(electronDist, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n'), Buffer.from(fuseSentinel), Buffer.from([1, wire.length]), wire]), { mode: 0o755 });
  build = await runProcess(
    path.join(repoRoot, 'node_modules/.bin/electron-builder'),
    ['--linux', 'dir', '--publish', 'never', `-c.electronDist=${electronDist}`, `-c.directories.output=${path.join(workDir, 'dist')}`],
    { ELECTRON_SKIP_BINARY_DOWNLOAD: '1', CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
    { timeoutMs: 170_000 },
  );
  appDir = path.join(workDir, 'dist', 'linux-unpacked');
}, 180_000);

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('electron-builder --linux dir', () => {
  it('packages the app', () => {
    expect(build.code, `${build.stdout}\n${build.stderr}`).toBe(0);
    expect(existsSync(path.join(appDir, 'certdesk-desktop'))).toBe(true);
  });

  it('puts the build output, package.json and the production dependencies into app.asar, and nothing else', () => {
    const asar = path.join(appDir, 'resources', 'app.asar');
    const files = new Set(listPackage(asar, { isPack: false }).map((entry) => entry.replaceAll('\\', '/')));
    for (const required of ['/out/main/index.js', '/out/main/cli.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/package.json', '/node_modules/acme-client/package.json', '/node_modules/electron-store/package.json', '/node_modules/@napi-rs/keyring/package.json']) {
      expect(files, required).toContain(required);
    }
    const topModules = [...files].filter((f) => /^\/node_modules\/(@[^/]+\/)?[^/@]+$/.test(f)).map((f) => f.slice('/node_modules/'.length));
    for (const devOnly of ['react', 'react-dom', 'zustand', 'vitest', '@playwright/test', 'playwright', 'electron', 'electron-builder', 'typescript', 'eslint', '@doyensec/electronegativity', 'jsdom', 'vite']) {
      expect(topModules, devOnly).not.toContain(devOnly);
    }
    expect([...files].filter((f) => f.endsWith('.map'))).toEqual([]);
    expect([...files].filter((f) => /^\/(main|preload|renderer|test|assets|\.config)\//.test(f))).toEqual([]);
    const manifest = JSON.parse(extractFile(asar, 'package.json').toString('utf8')) as { main: string; devDependencies?: unknown };
    expect(manifest.main).toBe('out/main/index.js');
    expect(manifest.devDependencies).toBeUndefined();
  });

  it('ships the tray icons and the notification icon as plain resources, and the keychain module unpacked', async () => {
    const tray = await readdir(path.join(appDir, 'resources', 'tray'));
    for (const state of ['ok', 'expiring', 'failing', 'empty']) {
      expect(tray).toEqual(expect.arrayContaining([`${state}.png`, `${state}@2x.png`, `${state}Template.png`, `${state}Template@2x.png`]));
    }
    expect(existsSync(path.join(appDir, 'resources', 'icon.png'))).toBe(true);
    const unpacked = await readdir(path.join(appDir, 'resources', 'app.asar.unpacked', 'node_modules', '@napi-rs'));
    expect(unpacked.some((name) => name.startsWith('keyring-'))).toBe(true);
  });

  it('flips the Electron fuses of electron-builder.yml', async () => {
    const wire = await getCurrentFuseWire(path.join(appDir, 'certdesk-desktop'));
    expect(wire.version).toBe(FuseVersion.V1);
    expect({
      runAsNode: wire[FuseV1Options.RunAsNode],
      cookieEncryption: wire[FuseV1Options.EnableCookieEncryption],
      nodeOptions: wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable],
      inspect: wire[FuseV1Options.EnableNodeCliInspectArguments],
      asarIntegrity: wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation],
      onlyAsar: wire[FuseV1Options.OnlyLoadAppFromAsar],
      fileProtocolPrivileges: wire[FuseV1Options.GrantFileProtocolExtraPrivileges],
    }).toEqual({
      runAsNode: fuse.disabled,
      cookieEncryption: fuse.enabled,
      nodeOptions: fuse.disabled,
      inspect: fuse.disabled,
      asarIntegrity: fuse.enabled,
      onlyAsar: fuse.enabled,
      fileProtocolPrivileges: fuse.disabled,
    });
  });
});
