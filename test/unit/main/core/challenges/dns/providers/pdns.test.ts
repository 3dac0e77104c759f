import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsError } from '../../../../../../../main/core/challenges/dns/dns-error.ts';
import {
  apiRoot,
  checkApiUrl,
  interpretPdnsResponse,
  pdnsDefinition,
} from '../../../../../../../main/core/challenges/dns/providers/pdns.ts';
import type { ProviderContext } from '../../../../../../../main/core/challenges/dns/provider.ts';
import { query } from '../../../../../../../main/core/challenges/dns/transport.ts';
import { freePort } from '../../../../../../support/ports.ts';
import { startPdns, type Pdns } from '../../../../../../support/pdns.ts';
import { createRecordingLogger, type RecordingLogger } from '../../../../../../support/recording-logger.ts';

/** Starting pdns_server and creating its zones takes about half a second; 30 s bounds a slow machine. */
const START_TIMEOUT_MS = 30_000;

/** Two values as Let's Encrypt sends them (43 base64url characters), for the wildcard and the apex. */
const APEX_VALUE = 'LHDhK3oGRvkiefQnx7OOczTY5Tic_xZ6HcMOc_gmtsM';
const WILDCARD_VALUE = 'sPcsd1fTxJkKHnzuDBnW2GA4d0MRXGpUrXImjE4Wmk0';

describe('checkApiUrl and apiRoot', () => {
  it.each([
    ['http://127.0.0.1:8081', undefined],
    ['https://dns.example.com/pdns/', undefined],
    ['127.0.0.1:8081', 'it must start with http:// or https:// (e.g. http://127.0.0.1:8081)'],
    ['localhost:8081', 'it must start with http:// or https:// (e.g. http://127.0.0.1:8081)'],
    ['ftp://127.0.0.1', 'it must start with http:// or https:// (e.g. http://127.0.0.1:8081)'],
    ['http://[::1', 'it is not a valid URL (e.g. http://127.0.0.1:8081)'],
    ['http://admin:pw@127.0.0.1:8081', 'it must not contain a user name or password (the API key is a field of its own)'],
    ['http://127.0.0.1:8081/?x=1', 'it must not contain a query or fragment'],
  ])('%s → %s', (url, problem) => {
    expect(checkApiUrl(url)).toBe(problem);
  });

  it.each([
    ['http://127.0.0.1:8081', 'http://127.0.0.1:8081/api/v1'],
    ['http://127.0.0.1:8081/', 'http://127.0.0.1:8081/api/v1'],
    ['http://127.0.0.1:8081/api/v1', 'http://127.0.0.1:8081/api/v1'],
    ['https://dns.example.com/pdns/api/v1/', 'https://dns.example.com/pdns/api/v1'],
  ])('%s has its API at %s', (url, root) => {
    expect(apiRoot(url)).toBe(root);
  });
});

describe('interpretPdnsResponse', () => {
  const notFound = { failure: 'zone_not_found', message: 'zone not found' } as const;
  it.each([
    [204, '', undefined],
    [200, '[]', undefined],
    [401, 'Unauthorized', 'auth'],
    [404, 'Not Found', 'zone_not_found'],
    [422, '{"error": "Could not find domain \'x.test.\'"}', 'zone_not_found'],
    [422, '{"error": "RRset a.x.test. IN TXT: Name is out of zone"}', 'server_error'],
    [400, '{"error": "Bad Request"}', 'server_error'],
    // Left to createHttpApi's defaults (auth, rate_limited, server_error).
    [403, 'Forbidden', undefined],
    [429, '', undefined],
    [500, '{"error": "database locked"}', undefined],
  ] as const)('HTTP %i %s → %s', (status, body, failure) => {
    expect(interpretPdnsResponse({ status, body }, notFound)?.failure).toBe(failure);
  });

  it("quotes pdns's own error text", () => {
    expect(interpretPdnsResponse({ status: 422, body: '{"error": "Name is out of zone"}' }, notFound)?.message).toBe('PowerDNS refused the change (HTTP 422: Name is out of zone)');
  });
});

describe('the pdns provider definition', () => {
  it('declares the API URL, the secret API key and an optional server id defaulting to localhost', () => {
    expect(pdnsDefinition.kind).toBe('pdns');
    expect(pdnsDefinition.fields.map((field) => [field.key, field.secret, field.optional ?? false])).toEqual([
      ['apiUrl', false, false],
      ['apiKey', true, false],
      ['serverId', false, true],
    ]);
    expect(pdnsDefinition.fields.find((field) => field.key === 'serverId')?.defaultValue).toBe('localhost');
    for (const field of pdnsDefinition.fields) {
      expect(field.label['zh-CN']).not.toBe('');
      expect(field.help['zh-CN']).not.toBe('');
    }
  });

  it('refuses an unusable URL or an empty key without any request', () => {
    const context = { logger: createRecordingLogger() };
    expect(() => pdnsDefinition.create({ apiUrl: '127.0.0.1:8081', apiKey: 'k' }, context)).toThrow(expect.objectContaining({ failure: 'bad_config' }) as Error);
    expect(() => pdnsDefinition.create({ apiUrl: 'http://127.0.0.1:8081', apiKey: '' }, context)).toThrow(expect.objectContaining({ failure: 'bad_config' }) as Error);
  });
});

describe('the pdns provider against a real PowerDNS server', () => {
  let pdns: Pdns;
  let logger: RecordingLogger;

  /** A context whose retries do not wait: pdns on loopback either answers at once or is down. */
  function contextFor(log: RecordingLogger): ProviderContext {
    return { logger: log, requestTimeoutMs: 5_000, sleep: () => Promise.resolve() };
  }

  function provider(overrides: { apiUrl?: string; apiKey?: string; serverId?: string } = {}) {
    return pdnsDefinition.create({ apiUrl: pdns.apiUrl, apiKey: pdns.apiKey, ...overrides }, contextFor(logger));
  }

  /** TXT values at `name` as the pdns DNS port serves them now (through the repo's own DNS client). */
  async function served(name: string): Promise<string[]> {
    const response = await query(pdns.dnsAddress, name, 'TXT', { action: `ask for ${name}`, timeoutMs: 2_000, recursionDesired: false });
    expect(response.authoritative).toBe(true);
    return response.answers.filter((record) => record.type === 'TXT').map((record) => record.data).sort();
  }

  async function failureOf(promise: Promise<unknown>): Promise<DnsError> {
    const error = await promise.then(() => undefined, (caught: unknown) => caught);
    if (!(error instanceof DnsError)) throw new Error(`Expected a DnsError, got ${String(error)}`);
    return error;
  }

  beforeAll(async () => {
    pdns = await startPdns({
      zones: ['pdns.test', 'sub.pdns.test', 'other.test'],
      records: [
        { name: 'www.pdns.test', type: 'A', content: '192.0.2.10' },
        { name: 'notes.pdns.test', type: 'TXT', content: '"v=keep-me"' },
        { name: '_acme-challenge.shared.pdns.test', type: 'TXT', content: '"another client\'s value"' },
      ],
    });
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await pdns.stop();
  });

  it('presents the wildcard and apex values side by side, then each cleanup removes only its own', async () => {
    logger = createRecordingLogger();
    const dns = provider();
    const name = '_acme-challenge.pdns.test.';

    await dns.present(name, APEX_VALUE);
    await dns.present(name, WILDCARD_VALUE);

    expect(await served(name)).toEqual([APEX_VALUE, WILDCARD_VALUE].sort());
    const rrset = await pdns.rrset(name, 'TXT');
    expect(rrset?.ttl).toBe(60);
    expect(rrset?.records.map((record) => record.content).sort()).toEqual([`"${APEX_VALUE}"`, `"${WILDCARD_VALUE}"`].sort());

    await dns.cleanup(name, APEX_VALUE);
    expect(await served(name)).toEqual([WILDCARD_VALUE]);
    await dns.cleanup(name, WILDCARD_VALUE);
    expect(await served(name)).toEqual([]);
    // The last value deletes the rrset rather than leaving an empty one behind.
    expect(await pdns.rrset(name, 'TXT')).toBeUndefined();

    expect(logger.entries.filter((entry) => entry.message === 'PowerDNS TXT value added').map((entry) => entry.fields)).toEqual([
      { provider: 'pdns', zone: 'pdns.test.', fqdn: name, values: 1 },
      { provider: 'pdns', zone: 'pdns.test.', fqdn: name, values: 2 },
    ]);
  });

  it('leaves unrelated records alone: an A record, a TXT elsewhere, and a foreign value at the same name', async () => {
    logger = createRecordingLogger();
    const dns = provider();
    const name = '_acme-challenge.shared.pdns.test.';
    const before = {
      a: await pdns.rrset('www.pdns.test', 'A'),
      notes: await pdns.rrset('notes.pdns.test', 'TXT'),
    };
    expect(before.a?.records).toEqual([{ content: '192.0.2.10', disabled: false }]);

    await dns.present(name, APEX_VALUE);
    expect(await served(name)).toEqual([APEX_VALUE, "another client's value"].sort());
    await dns.cleanup(name, APEX_VALUE);

    expect(await served(name)).toEqual(["another client's value"]);
    expect(await pdns.rrset('www.pdns.test', 'A')).toEqual(before.a);
    expect(await pdns.rrset('notes.pdns.test', 'TXT')).toEqual(before.notes);
    expect(await served('notes.pdns.test.')).toEqual(['v=keep-me']);
  });

  it('is idempotent: presenting a value twice keeps one record, cleaning up a missing value succeeds', async () => {
    logger = createRecordingLogger();
    const dns = provider();
    const name = '_acme-challenge.again.pdns.test.';

    await dns.cleanup(name, APEX_VALUE);
    await dns.present(name, APEX_VALUE);
    await dns.present(name, APEX_VALUE);
    expect((await pdns.rrset(name, 'TXT'))?.records).toEqual([{ content: `"${APEX_VALUE}"`, disabled: false }]);
    await dns.cleanup(name, APEX_VALUE);
    await dns.cleanup(name, APEX_VALUE);
    expect(await served(name)).toEqual([]);

    expect(logger.entries.map((entry) => entry.message)).toEqual([
      'PowerDNS TXT value already gone',
      'PowerDNS TXT value added',
      'PowerDNS TXT value already present',
      'PowerDNS TXT value removed',
      'PowerDNS TXT value already gone',
    ]);
  });

  it('finds the most specific zone: a name under sub.pdns.test goes into that zone, not its parent', async () => {
    logger = createRecordingLogger();
    const dns = provider();
    const name = '_acme-challenge.www.sub.pdns.test.';

    await dns.present(name, WILDCARD_VALUE);

    const inSub = await pdns.api<{ rrsets: Array<{ name: string; type: string }> }>('GET', '/zones/sub.pdns.test.');
    expect(inSub.rrsets.some((rrset) => rrset.name === name && rrset.type === 'TXT')).toBe(true);
    const inParent = await pdns.api<{ rrsets: Array<{ name: string; type: string }> }>('GET', '/zones/pdns.test.');
    expect(inParent.rrsets.some((rrset) => rrset.name === name)).toBe(false);
    expect(await served(name)).toEqual([WILDCARD_VALUE]);
    await dns.cleanup(name, WILDCARD_VALUE);
    expect(await served(name)).toEqual([]);
  });

  it('writes a value longer than 255 octets as several strings that DNS serves joined', async () => {
    logger = createRecordingLogger();
    const dns = provider();
    const name = '_acme-challenge.long.pdns.test.';
    const value = 'a'.repeat(200) + 'b'.repeat(100);

    await dns.present(name, value);
    expect(await served(name)).toEqual([value]);
    await dns.cleanup(name, value);
    expect(await served(name)).toEqual([]);
  });

  it('accepts the API URL with /api/v1 and an explicit server id', async () => {
    logger = createRecordingLogger();
    const dns = provider({ apiUrl: `${pdns.apiUrl}/api/v1/`, serverId: 'localhost' });
    await dns.present('_acme-challenge.v1.pdns.test.', APEX_VALUE);
    expect(await served('_acme-challenge.v1.pdns.test.')).toEqual([APEX_VALUE]);
    await dns.cleanup('_acme-challenge.v1.pdns.test.', APEX_VALUE);
  });

  it('check() lists the zones the key reaches and changes nothing', async () => {
    logger = createRecordingLogger();
    const serials = async (): Promise<unknown> => (await pdns.api<Array<{ name: string; serial: number }>>('GET', '/zones')).map(({ name, serial }) => [name, serial]);
    const before = await serials();
    expect(await provider().check()).toEqual({ zones: ['other.test.', 'pdns.test.', 'sub.pdns.test.'] });
    // Every change through the API bumps the zone's serial (soa-edit-api DEFAULT).
    expect(await serials()).toEqual(before);
  });

  it('reports a wrong API key as an auth failure that names neither key', async () => {
    logger = createRecordingLogger();
    const wrongKey = 'wrong-key-0123456789abcdef';
    const dns = provider({ apiKey: wrongKey });

    const attempts = [
      () => dns.present('_acme-challenge.pdns.test.', APEX_VALUE),
      () => dns.cleanup('_acme-challenge.pdns.test.', APEX_VALUE),
      () => dns.check(),
    ];
    for (const attempt of attempts) {
      const error = await failureOf(attempt());
      expect(error.failure).toBe('auth');
      expect(error.transient).toBe(false);
      expect(error.message).toMatch(/^Unable to .+ at PowerDNS \(127\.0\.0\.1:\d+\), the API key was rejected \(HTTP 401/);
      expect(error.remedy).toContain('api-key');
      for (const text of [error.message, error.remedy ?? '', ...logger.lines]) {
        expect(text).not.toContain(wrongKey);
        expect(text).not.toContain(pdns.apiKey);
      }
    }
    expect(await served('_acme-challenge.pdns.test.')).toEqual([]);
  });

  it('reports a name in no zone of the server as zone_not_found', async () => {
    logger = createRecordingLogger();
    const error = await failureOf(provider().present('_acme-challenge.www.example.invalid.', APEX_VALUE));
    expect(error.failure).toBe('zone_not_found');
    expect(error.message).toBe(`Unable to find the zone of _acme-challenge.www.example.invalid at PowerDNS (${new URL(pdns.apiUrl).host}), zone not found: no zone on server "localhost" contains the name`);
    expect(error.remedy).toContain('Create the zone');
  });

  it('reports a zone deleted after it was found as zone_not_found, and looks it up afresh next time', async () => {
    logger = createRecordingLogger();
    const dns = provider();
    const name = '_acme-challenge.gone.test.';
    await pdns.api('POST', '/zones', { name: 'gone.test.', kind: 'Native', nameservers: ['ns.gone.test.'] });
    await dns.present(name, APEX_VALUE);
    await pdns.api('DELETE', '/zones/gone.test.');

    const error = await failureOf(dns.cleanup(name, APEX_VALUE));
    expect(error.failure).toBe('zone_not_found');
    expect(error.message).toContain('gone.test is not (or no longer) a zone of this PowerDNS server');
    // The cached zone was dropped: the next call walks the labels again and finds nothing.
    expect((await failureOf(dns.cleanup(name, APEX_VALUE))).message).toContain('no zone on server "localhost" contains the name');
  });

  it('reports an unknown server id as bad_config', async () => {
    logger = createRecordingLogger();
    const error = await failureOf(provider({ serverId: 'secondary' }).check());
    expect(error.failure).toBe('bad_config');
    expect(error.message).toContain('there is no PowerDNS API server "secondary"');
  });

  it('reports a server that does not answer as a network failure, after retrying', async () => {
    logger = createRecordingLogger();
    // Picked free and never bound: nothing listens there, so every connection is refused.
    const port = await freePort();
    const error = await failureOf(provider({ apiUrl: `http://127.0.0.1:${port}` }).present('_acme-challenge.pdns.test.', APEX_VALUE));
    expect(error.failure).toBe('network');
    expect(error.transient).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('after 4 tries');
    expect(logger.entries.filter((entry) => entry.message === 'DNS provider API call retried')).toHaveLength(3);
    expect(logger.lines.join('\n')).not.toContain(pdns.apiKey);
  });
});
