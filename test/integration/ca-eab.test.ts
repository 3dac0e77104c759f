import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { certdesk, requireBuiltCli } from '../support/cli.ts';
import { startPebble, type EabKey, type Pebble } from '../support/pebble.ts';

/**
 * `ca add` against a CA that requires External Account Binding (RFC 8555 §7.3.4), as ZeroSSL and
 * Google do: Pebble with `externalAccountBindingRequired`.
 */

let pebble: Pebble;
let key: EabKey;
let dataDir: string;

const caAdd = (...args: string[]) =>
  certdesk(['--data-dir', dataDir, 'ca', 'add', 'zero', '--directory', pebble.directoryUrl, '--ca-file', pebble.caCertPath, '--agree-tos', ...args]);

beforeAll(async () => {
  requireBuiltCli();
  pebble = await startPebble({ externalAccountBinding: { required: true } });
  const [first] = pebble.eabKeys;
  if (first === undefined) throw new Error('Pebble started without EAB keys');
  key = first;
});

afterAll(async () => {
  await pebble.stop();
});

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-eab-'));
  return () => rm(dataDir, { recursive: true, force: true });
});

describe('External Account Binding', () => {
  it('registers with the kid and HMAC key, keeping the HMAC key out of config.json', async () => {
    const result = await caAdd('--eab-kid', key.kid, '--eab-hmac', key.hmacKey);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const config = await readFile(path.join(dataDir, 'config.json'), 'utf8');
    expect(config).toContain(key.kid);
    expect(config).not.toContain(key.hmacKey);
  });

  it('takes the HMAC key from CERTDESK_EAB_HMAC, so it need not appear in the process list', async () => {
    const result = await certdesk(
      ['--data-dir', dataDir, 'ca', 'add', 'zero', '--directory', pebble.directoryUrl, '--ca-file', pebble.caCertPath, '--agree-tos', '--eab-kid', key.kid],
      { CERTDESK_EAB_HMAC: key.hmacKey },
    );
    expect(result.code).toBe(0);
  });

  it('explains that the CA requires EAB when it is missing, and a wrong HMAC key fails clearly', async () => {
    const missing = await caAdd();
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/External Account Binding/i);
    const wrong = await caAdd('--eab-kid', key.kid, '--eab-hmac', Buffer.alloc(32, 9).toString('base64url'));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).not.toContain(key.hmacKey);
    const half = await caAdd('--eab-kid', key.kid);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('go together');
  });
});
