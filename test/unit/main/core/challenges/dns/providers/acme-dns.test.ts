import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DnsError, type DnsFailure } from '../../../../../../../main/core/challenges/dns/dns-error.ts';
import type { ApiResponse } from '../../../../../../../main/core/challenges/dns/http-api.ts';
import {
  ACME_DNS_VALUES_KEPT,
  acmeDnsDefinition,
  createAcmeDnsProvider,
  isAcmeDnsProbeAccepted,
  interpretAcmeDnsResponse,
  validateAcmeDnsServer,
  validateAllowFrom,
} from '../../../../../../../main/core/challenges/dns/providers/acme-dns.ts';
import type { DnsProvider, ProviderContext } from '../../../../../../../main/core/challenges/dns/provider.ts';
import { createRecordingLogger, type RecordingLogger } from '../../../../../../support/recording-logger.ts';
import { startVendorServer, type VendorReply, type VendorRequest, type VendorServer } from '../../../../../../support/vendor-server.ts';

/** The acme-dns domain the stand-in serves accounts under. */
const AUTH_DOMAIN = 'auth.certdesk.test';

/** A value of the shape ACME puts in TXT records (RFC 8555 §8.4): 43 base64url characters. */
function acmeValue(seed: string): string {
  return createHash('sha256').update(seed).digest('base64url');
}

interface Account {
  readonly username: string;
  readonly password: string;
  readonly subdomain: string;
  readonly allowfrom: ReadonlyArray<string>;
  /** The TXT values served, oldest first; acme-dns keeps two. */
  values: string[];
}

/** acme-dns's error body (`jsonError` in its pkg/api/util.go). */
function acmeDnsError(status: number, code: string): VendorReply {
  return { status, headers: { 'content-type': 'application/json' }, body: `{"error": "${code}"}` };
}

/**
 * An acme-dns API behind {@link startVendorServer}, following its pkg/api: POST /register (optional
 * `{"allowfrom": [...]}`, answers 201 with the account), POST /update (authenticated by X-Api-User
 * and X-Api-Key, body `{"subdomain","txt"}`, keeps the two latest values), GET /health. Errors are
 * `{"error": "<code>"}`: forbidden (401), bad_txt, bad_subdomain, malformed_json_payload,
 * invalid_allowfrom_cidr (400), db_error (500).
 */
class FakeAcmeDns {
  readonly accounts = new Map<string, Account>();
  readonly violations: string[] = [];
  readonly queued: VendorReply[] = [];
  /** Path the API is mounted under ('' for the root), as behind a reverse proxy. */
  prefix = '';
  registrationDisabled = false;
  /** Whether /update takes any value, like a server that is not acme-dns. */
  acceptsAnyValue = false;

  reset(): void {
    this.accounts.clear();
    this.violations.length = 0;
    this.queued.length = 0;
    this.prefix = '';
    this.registrationDisabled = false;
    this.acceptsAnyValue = false;
  }

  addAccount(): Account {
    const account: Account = { username: randomUUID(), password: randomBytes(30).toString('base64url'), subdomain: randomUUID(), allowfrom: [], values: [] };
    this.accounts.set(account.username, account);
    return account;
  }

  handle(request: VendorRequest): VendorReply {
    const queued = this.queued.shift();
    if (queued !== undefined) return queued;
    const path = request.url.pathname.startsWith(this.prefix) ? request.url.pathname.slice(this.prefix.length) : request.url.pathname;
    const route = `${request.method} ${path}`;
    if (route === 'GET /health') return { status: 200 };
    if (route === 'POST /register' && !this.registrationDisabled) return this.register(request);
    if (route === 'POST /update') return this.update(request);
    return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '404 page not found\n' };
  }

  private register(request: VendorRequest): VendorReply {
    let allowfrom: string[] = [];
    if (request.body !== '') {
      if (request.headers['content-type'] !== 'application/json') this.violations.push(`register content-type ${request.headers['content-type'] ?? '(none)'}`);
      try {
        allowfrom = (JSON.parse(request.body) as { allowfrom?: string[] }).allowfrom ?? [];
      } catch {
        return acmeDnsError(400, 'malformed_json_payload');
      }
      if (allowfrom.some((range) => !/^[0-9a-f:.]+\/\d{1,3}$/i.test(range))) return acmeDnsError(400, 'invalid_allowfrom_cidr');
    }
    const account = { ...this.addAccount(), allowfrom };
    this.accounts.set(account.username, account);
    return {
      status: 201,
      body: { username: account.username, password: account.password, fulldomain: `${account.subdomain}.${AUTH_DOMAIN}`, subdomain: account.subdomain, allowfrom },
    };
  }

  private update(request: VendorRequest): VendorReply {
    if (request.headers['content-type'] !== 'application/json') this.violations.push(`update content-type ${request.headers['content-type'] ?? '(none)'}`);
    const account = this.accounts.get(request.headers['x-api-user'] ?? '');
    let body: { subdomain?: unknown; txt?: unknown };
    try {
      body = JSON.parse(request.body) as { subdomain?: unknown; txt?: unknown };
    } catch {
      body = {};
    }
    const keys = Object.keys(body).sort().join(',');
    if (keys !== 'subdomain,txt') this.violations.push(`update fields ${keys}`);
    // Auth first (pkg/api/auth.go): user, key, then the subdomain must be the user's.
    if (account === undefined || account.password !== request.headers['x-api-key'] || body.subdomain !== account.subdomain) return acmeDnsError(401, 'forbidden');
    const txt = typeof body.txt === 'string' ? body.txt : '';
    if (!this.acceptsAnyValue && !/^[A-Za-z0-9_-]{43}$/.test(txt)) return acmeDnsError(400, 'bad_txt');
    account.values.push(txt);
    account.values.splice(0, Math.max(0, account.values.length - 2));
    return { status: 200, headers: { 'content-type': 'application/json' }, body: `{"txt": "${txt}"}` };
  }
}

const fake = new FakeAcmeDns();
let server: VendorServer;
let logger: RecordingLogger;
let waits: number[];

function context(): ProviderContext {
  return { logger, extraCaPem: server.caPem, sleep: (ms) => { waits.push(ms); return Promise.resolve(); } };
}

function provider(account: Account, overrides: { password?: string; server?: string } = {}): DnsProvider {
  return createAcmeDnsProvider({
    server: overrides.server ?? server.url,
    username: account.username,
    password: overrides.password ?? account.password,
    subdomain: account.subdomain,
    fulldomain: `${account.subdomain}.${AUTH_DOMAIN}`,
  }, context());
}

async function failureOf(promise: Promise<unknown>): Promise<DnsError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  if (!(error instanceof DnsError)) throw new Error(`expected a DnsError, got ${String(error)}`);
  return error;
}

function prepare(credentials: Readonly<Record<string, string>>, providerContext: ProviderContext): ReturnType<NonNullable<typeof acmeDnsDefinition.prepare>> {
  if (acmeDnsDefinition.prepare === undefined) throw new Error('acme-dns must declare prepare');
  return acmeDnsDefinition.prepare(credentials, providerContext);
}

beforeAll(async () => {
  server = await startVendorServer((request) => fake.handle(request));
});

afterAll(async () => {
  await server.stop();
});

beforeEach(() => {
  fake.reset();
  logger = createRecordingLogger();
  waits = [];
});

describe('acmeDnsDefinition.prepare', () => {
  it('registers an account when no username and password are given, and names the CNAME to create', async () => {
    const before = server.requests.length;
    const { credentials, note } = await prepare({ server: server.url, allowFrom: '192.0.2.10/32, 2001:db8::/32' }, context());
    const request = server.requests.at(-1);
    expect(server.requests.length).toBe(before + 1);
    expect(request?.url.pathname).toBe('/register');
    expect(JSON.parse(request?.body ?? '')).toEqual({ allowfrom: ['192.0.2.10/32', '2001:db8::/32'] });

    const account = fake.accounts.get(credentials.username ?? '');
    if (account === undefined) throw new Error('no account registered');
    expect(credentials).toEqual({
      server: server.url,
      username: account.username,
      password: account.password,
      subdomain: account.subdomain,
      fulldomain: `${account.subdomain}.${AUTH_DOMAIN}`,
      allowFrom: '192.0.2.10/32,2001:db8::/32',
    });
    expect(note?.en).toContain(`_acme-challenge.<your domain> → ${account.subdomain}.${AUTH_DOMAIN}`);
    expect(note?.['zh-CN']).toContain(`_acme-challenge.<你的域名> → ${account.subdomain}.${AUTH_DOMAIN}`);
    expect(logger.lines.join('\n')).not.toContain(account.password);
    expect(fake.violations).toEqual([]);
  });

  it('registers without a body when no ranges are given', async () => {
    await prepare({ server: server.url, username: '', password: '' }, context());
    expect(server.requests.at(-1)?.body).toBe('');
    expect(fake.accounts.size).toBe(1);
  });

  it('keeps a complete account as given, without any request', async () => {
    const account = fake.addAccount();
    const given = { server: server.url, username: account.username, password: account.password, subdomain: account.subdomain, fulldomain: `${account.subdomain}.${AUTH_DOMAIN}` };
    const before = server.requests.length;
    const { credentials, note } = await prepare(given, context());
    expect(credentials).toEqual(given);
    expect(note?.en).toContain(given.fulldomain);
    expect(server.requests.length).toBe(before);
  });

  it('refuses a partial account and a missing server', async () => {
    expect((await failureOf(prepare({ server: server.url, username: randomUUID() }, context()))).failure).toBe('bad_config');
    expect((await failureOf(prepare({ server: 'http://auth.example.com' }, context()))).failure).toBe('bad_config');
    expect((await failureOf(prepare({}, context()))).failure).toBe('bad_config');
  });

  it('reports ranges the server refuses as bad_config', async () => {
    const error = await failureOf(prepare({ server: server.url, allowFrom: 'not-a-range' }, context()));
    expect(error.failure).toBe('bad_config');
    expect(error.message).toContain('invalid_allowfrom_cidr');
  });

  it('reports a server without registration (404) as bad_config, and does not retry the registration', async () => {
    fake.registrationDisabled = true;
    const error = await failureOf(prepare({ server: server.url }, context()));
    expect(error.failure).toBe('bad_config');
    expect(error.remedy).toMatch(/register by hand/);
    fake.registrationDisabled = false;
    for (let index = 0; index < 2; index++) fake.queued.push(acmeDnsError(500, 'db_error'));
    const before = server.requests.length;
    expect((await failureOf(prepare({ server: server.url }, context()))).failure).toBe('server_error');
    expect(server.requests.length).toBe(before + 1);
  });

  it('works under a path prefix', async () => {
    fake.prefix = '/acme-dns';
    const { credentials } = await prepare({ server: `${server.url}/acme-dns/` }, context());
    expect(server.requests.at(-1)?.url.pathname).toBe('/acme-dns/register');
    const dns = acmeDnsDefinition.create(credentials, context());
    await dns.present('_acme-challenge.example.com.', acmeValue('prefixed'));
    expect(server.requests.at(-1)?.url.pathname).toBe('/acme-dns/update');
  });
});

describe('createAcmeDnsProvider', () => {
  it('serves a wildcard’s and its apex’s values together, with the documented update request', async () => {
    const account = fake.addAccount();
    const dns = provider(account);
    const wildcard = acmeValue('wildcard');
    const apex = acmeValue('apex');
    await dns.present('_acme-challenge.example.com.', wildcard);
    await dns.present('_acme-challenge.example.com.', apex);
    expect(account.values).toEqual([wildcard, apex]);
    const update = server.requests.at(-1);
    expect(update?.method).toBe('POST');
    expect(update?.url.pathname).toBe('/update');
    expect(update?.headers['x-api-user']).toBe(account.username);
    expect(update?.headers['x-api-key']).toBe(account.password);
    expect(JSON.parse(update?.body ?? '')).toEqual({ subdomain: account.subdomain, txt: apex });
    expect(fake.violations).toEqual([]);
  });

  it('does not post one of the two latest values again, which would push the other one out', async () => {
    const account = fake.addAccount();
    const dns = provider(account);
    const [first, second, third] = [acmeValue('1'), acmeValue('2'), acmeValue('3')];
    await dns.present('_acme-challenge.example.com.', first);
    await dns.present('_acme-challenge.example.com.', second);
    const before = server.requests.length;
    await dns.present('_acme-challenge.example.com.', first);
    expect(server.requests.length).toBe(before);
    expect(account.values).toEqual([first, second]);
    // An older value is posted again (it is no longer served).
    await dns.present('_acme-challenge.example.com.', third);
    await dns.present('_acme-challenge.example.com.', first);
    expect(account.values).toEqual([third, first]);
    expect(ACME_DNS_VALUES_KEPT).toBe(2);
  });

  it('cleanup sends nothing and only logs', async () => {
    const account = fake.addAccount();
    const dns = provider(account);
    await dns.present('_acme-challenge.example.com.', acmeValue('x'));
    const before = server.requests.length;
    await dns.cleanup('_acme-challenge.example.com.', acmeValue('x'));
    await dns.cleanup('_acme-challenge.example.com.', acmeValue('never-presented'));
    expect(server.requests.length).toBe(before);
    expect(account.values).toEqual([acmeValue('x')]);
    expect(logger.lines.at(-1)).toContain('Nothing to remove');
  });

  it('check() proves the credentials with an update acme-dns refuses, storing nothing', async () => {
    const account = fake.addAccount();
    account.values.push(acmeValue('kept'));
    expect(await provider(account).check()).toEqual({});
    expect(JSON.parse(server.requests.at(-1)?.body ?? '')).toEqual({ subdomain: account.subdomain, txt: '' });
    expect(account.values).toEqual([acmeValue('kept')]);
  });

  it('check() of a server that stores an empty value is a server_error', async () => {
    fake.acceptsAnyValue = true;
    const error = await failureOf(provider(fake.addAccount()).check());
    expect(error.failure).toBe('server_error');
  });

  it('a wrong password is an auth failure, not retried, quoting no secret', async () => {
    const account = fake.addAccount();
    const wrong = randomBytes(30).toString('base64url');
    for (const call of [(dns: DnsProvider) => dns.present('_acme-challenge.example.com.', acmeValue('v')), (dns: DnsProvider) => dns.check()]) {
      const before = server.requests.length;
      const error = await failureOf(call(provider(account, { password: wrong })));
      expect(error.failure).toBe('auth');
      expect(error.remedy).toContain('allowfrom');
      expect(`${error.message} ${error.remedy ?? ''} ${logger.lines.join('\n')}`).not.toContain(wrong);
      expect(server.requests.length).toBe(before + 1);
    }
  });

  it('a value that is not an ACME value is bad_config (bad_txt)', async () => {
    const error = await failureOf(provider(fake.addAccount()).present('_acme-challenge.example.com.', 'short'));
    expect(error.failure).toBe('bad_config');
    expect(error.message).toContain('bad_txt');
  });

  it('a server error is retried; a proxy’s 429 Retry-After is honoured', async () => {
    const account = fake.addAccount();
    fake.queued.push(acmeDnsError(500, 'db_error'));
    fake.queued.push({ status: 429, headers: { 'retry-after': '2' }, body: 'slow down' });
    await provider(account).present('_acme-challenge.example.com.', acmeValue('eventually'));
    expect(waits).toEqual([1000, 2000]);
    expect(account.values).toEqual([acmeValue('eventually')]);
  });

  it('a dropped connection ends as a network failure after the tries', async () => {
    for (let index = 0; index < 4; index++) fake.queued.push({ status: 0, drop: true });
    const account = fake.addAccount();
    const error = await failureOf(provider(account).present('_acme-challenge.example.com.', acmeValue('lost')));
    expect(error.failure).toBe('network');
    expect(`${error.message} ${error.remedy ?? ''}`).not.toContain(account.password);
  });

  it('without an account it fails as bad_config before any request', async () => {
    const before = server.requests.length;
    const dns = acmeDnsDefinition.create({ server: server.url }, context());
    expect((await failureOf(dns.present('_acme-challenge.example.com.', acmeValue('v')))).failure).toBe('bad_config');
    expect((await failureOf(dns.check())).failure).toBe('bad_config');
    expect(server.requests.length).toBe(before);
  });
});

describe('interpretAcmeDnsResponse', () => {
  const answer = (status: number, body: string): ApiResponse => ({ status, headers: {}, body, json: () => JSON.parse(body) as unknown });

  it.each<[number, string, DnsFailure | undefined]>([
    [200, '{"txt": "x"}', undefined],
    [201, '{"username": "u"}', undefined],
    [401, '{"error": "forbidden"}', 'auth'],
    [400, '{"error": "bad_txt"}', 'bad_config'],
    [400, '{"error": "bad_subdomain"}', 'bad_config'],
    [400, '{"error": "malformed_json_payload"}', 'bad_config'],
    [400, '{"error": "invalid_allowfrom_cidr"}', 'bad_config'],
    [500, '{"error": "db_error"}', 'server_error'],
    [404, '404 page not found', 'bad_config'],
    [502, '<html>bad gateway</html>', undefined],
  ])('HTTP %i %s → %s', (status, body, failure) => {
    expect(interpretAcmeDnsResponse(answer(status, body))?.failure).toBe(failure);
  });

  it('takes only the probe’s bad_txt as accepted credentials', () => {
    expect(isAcmeDnsProbeAccepted(answer(400, '{"error": "bad_txt"}'))).toBe(true);
    expect(isAcmeDnsProbeAccepted(answer(401, '{"error": "forbidden"}'))).toBe(false);
    expect(isAcmeDnsProbeAccepted(answer(400, '{"error": "bad_subdomain"}'))).toBe(false);
    expect(isAcmeDnsProbeAccepted(answer(200, '{"txt": ""}'))).toBe(false);
  });
});

describe('acmeDnsDefinition fields', () => {
  it('declares server, the account and allowFrom, the password secret, in both locales', () => {
    expect(acmeDnsDefinition.fields.map((field) => [field.key, field.secret, field.optional === true])).toEqual([
      ['server', false, false],
      ['username', false, true],
      ['password', true, true],
      ['subdomain', false, true],
      ['fulldomain', false, true],
      ['allowFrom', false, true],
    ]);
    for (const field of acmeDnsDefinition.fields) expect(field.help['zh-CN']).not.toBe('');
  });

  it.each([
    ['https://auth.example.com', undefined],
    ['https://auth.example.com/acme-dns/', undefined],
    ['http://auth.example.com', /https/],
    ['https://user:pw@auth.example.com', /user name/],
    ['https://auth.example.com/?x=1', /query/],
    ['auth.example.com', /not a URL/],
  ])('server %s', (value, reason) => {
    const result = validateAcmeDnsServer(value);
    if (reason === undefined) expect(result).toBeUndefined();
    else expect(result).toMatch(reason);
  });

  it.each([
    ['192.0.2.10/32', undefined],
    ['192.0.2.0/24, 2001:db8::/32', undefined],
    ['192.0.2.10', /not a CIDR/],
    ['192.0.2.0/33', /not a CIDR/],
    ['example.com/24', /not a CIDR/],
  ])('allowFrom %s', (value, reason) => {
    const result = validateAllowFrom(value);
    if (reason === undefined) expect(result).toBeUndefined();
    else expect(result).toMatch(reason);
  });

  it('validates the account fields', () => {
    const field = (key: string) => acmeDnsDefinition.fields.find((candidate) => candidate.key === key);
    expect(field('username')?.validate?.(randomUUID())).toBeUndefined();
    expect(field('username')?.validate?.('alice')).toMatch(/UUID/);
    expect(field('password')?.validate?.(randomBytes(30).toString('base64url'))).toBeUndefined();
    expect(field('password')?.validate?.('short')).toMatch(/40-character/);
    expect(field('fulldomain')?.validate?.('x.auth.example.com')).toBeUndefined();
  });
});
