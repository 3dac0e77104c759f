import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateService } from '../../main/core/certificates.ts';
import { openConfigStore } from '../../main/core/config-store.ts';
import { dataPaths } from '../../main/core/paths.ts';
import { FileSecretBox } from '../../main/core/secrets/file-secret-box.ts';
import { startPdns, type Pdns } from '../support/pdns.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { createRecordingLogger } from '../support/recording-logger.ts';

/**
 * The PowerDNS issue's "done when": a wildcard + apex certificate is issued through the `pdns`
 * provider by the real engine (`CertificateService`), with Pebble validating DNS-01 by asking the
 * real pdns_server that the provider wrote to through its HTTP API.
 */

const ZONE = 'pdns.test';
const RECORD = `_acme-challenge.${ZONE}.`;

let pdns: Pdns;
let pebble: Pebble;
let dataDir: string;

beforeAll(async () => {
  pdns = await startPdns({ zones: [ZONE] });
  pebble = await startPebble({ dnsServer: pdns.address });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-pdns-'));
});

afterAll(async () => {
  await Promise.all([pebble.stop(), pdns.stop()]);
  await rm(dataDir, { recursive: true, force: true });
});

describe('DNS-01 through the PowerDNS API, validated by Pebble through pdns_server', () => {
  it(`obtains ${ZONE} + *.${ZONE}, logs the name written and the propagation time, and removes both TXT values`, async () => {
    const logger = createRecordingLogger();
    const paths = dataPaths(dataDir);
    const service = new CertificateService({
      paths,
      conf: openConfigStore(dataDir),
      secrets: new FileSecretBox(paths.secretsDir),
      logger,
      limits: { pollIntervalMs: 50 },
      transport: { retryBaseMs: 50 },
    });
    await service.addAccount({ name: 'pebble', directory: pebble.directoryUrl, caFile: pebble.caCertPath, agreeTos: true });
    await service.addDnsProvider({
      name: 'powerdns',
      provider: 'pdns',
      credentials: { apiUrl: pdns.apiUrl, apiKey: pdns.apiKey },
      // Asked directly: the closed network has no root servers to find pdns.test's authority from.
      propagation: { enabled: true, resolver: pdns.address },
    });
    service.addCertificate({
      id: 'wild',
      domains: [ZONE, `*.${ZONE}`],
      ca: 'pebble',
      challenge: { type: 'dns-01', mode: 'dns', provider: 'powerdns' },
      keyType: 'ec-p256',
    });

    const result = await service.renew('wild');

    expect(result).toMatchObject({ renewed: true, version: 1, ordersCreated: 1 });
    const certPem = await readFile(path.join(dataDir, 'certs', 'wild', 'versions', '1', 'cert.pem'), 'utf8');
    const sans = (new X509Certificate(certPem).subjectAltName ?? '').split(', ').map((entry) => entry.replace(/^DNS:/, '')).sort();
    expect(sans).toEqual([`*.${ZONE}`, ZONE]);

    // Both values are gone from pdns: from the API (the rrset was deleted) and from DNS.
    expect(await pdns.rrset(RECORD, 'TXT')).toBeUndefined();
    expect(await pdns.txt(RECORD)).toEqual([]);

    // The provider says where it wrote; the solver says what became visible where, and how fast.
    const added = logger.entries.filter((entry) => entry.message === 'PowerDNS TXT value added');
    expect(added.map((entry) => entry.fields)).toEqual([
      { provider: 'pdns', zone: `${ZONE}.`, fqdn: RECORD, values: 1 },
      { provider: 'pdns', zone: `${ZONE}.`, fqdn: RECORD, values: 2 },
    ]);
    const visible = logger.entries.filter((entry) => entry.message === 'DNS-01 record visible');
    expect(visible).toHaveLength(2);
    for (const entry of visible) {
      expect(entry.fields).toMatchObject({ provider: 'pdns', fqdn: RECORD, servers: [pdns.address], elapsedMs: expect.any(Number) as unknown });
    }
    expect(logger.entries.filter((entry) => entry.message === 'DNS-01 record removed')).toHaveLength(2);
    expect(logger.entries.filter((entry) => entry.message === 'PowerDNS TXT value removed').map((entry) => entry.fields?.values).sort()).toEqual([0, 1]);

    // The order log names both identifiers proved and cleaned up.
    const { entries } = await service.readLog('wild');
    const domainsOf = (type: string): unknown[] => entries.filter((entry) => entry.event === type).map((entry) => entry.data?.domain).sort();
    expect(domainsOf('challenge_presented')).toEqual([`*.${ZONE}`, ZONE]);
    expect(domainsOf('challenge_cleaned')).toHaveLength(2);

    // The API key is in the encrypted secret store only: not in config.json, the order log or the log lines.
    for (const text of [
      await readFile(path.join(dataDir, 'config.json'), 'utf8'),
      await readFile(path.join(dataDir, 'certs', 'wild', 'log.jsonl'), 'utf8'),
      logger.lines.join('\n'),
    ]) {
      expect(text).not.toContain(pdns.apiKey);
    }
  });
});
