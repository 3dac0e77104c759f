import packageJson from '../../package.json' with { type: 'json' };
import type { AppInfo } from '../../preload/contract.ts';
import { appName } from './data-dir.ts';

/** CertDesk's version, from package.json (bundled into the build, so it needs no file at run time). */
export const version: string = packageJson.version;

/**
 * The {@link AppInfo} of this process. The Electron shell adds its runtime versions; the CLI passes
 * only Node's.
 */
export function createAppInfo(options: {
  dataDir: string;
  runtime: AppInfo['runtime'];
  versions: AppInfo['versions'];
}): AppInfo {
  return {
    name: appName,
    version,
    platform: process.platform,
    arch: process.arch,
    dataDir: options.dataDir,
    runtime: options.runtime,
    versions: options.versions,
  };
}
