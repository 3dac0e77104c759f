import { describe, expect, it } from 'vitest';
import type { ApiError, OrderLogEntryDto } from '../../../../preload/contract.ts';
import { createFakeBridge, fakeDnsProviderKinds } from './fake-certdesk-api.ts';

/** The rejection of `promise`, which must reject with an ApiError object (as the real bridge does). */
async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected a rejection');
}

const challenge = { type: 'http-01', mode: 'webroot', root: '/var/www/html' } as const;

/**
 * The in-memory main the renderer tests run against: it must behave like main where the UI can tell
 * (validation, ordering of pushes and replies, what a renewal changes), or the renderer's tests prove
 * nothing about the real app.
 */
describe('createFakeBridge', () => {
  it('starts as an empty data dir: no certificates, accounts or providers', async () => {
    const { api } = createFakeBridge();
    expect(await api.listCertificates()).toEqual([]);
    expect(await api.listAccounts()).toEqual([]);
    expect(await api.listDnsProviders()).toEqual([]);
    expect(await rejection(api.getCertificateDetail('site'))).toMatchObject({ code: 'not_found', message: 'Unable to find the certificate "site"' });
  });

  it('adds an account, a certificate with an export target, and renews it: events first, then the reply', async () => {
    const bridge = createFakeBridge();
    const { api } = bridge;
    const seen: string[] = [];
    api.onOrderEvent((entry) => seen.push(`order:${entry.event}`));
    api.onCertificateChanged(({ id }) => seen.push(`changed:${id}`));

    expect(await rejection(api.addCertificate({ id: 'site', domains: ['example.com'], ca: 'le', challenge, keyType: 'ec-p256' }))).toMatchObject({ code: 'not_found' });
    expect(await rejection(api.addAccount({ name: 'le', directory: 'letsencrypt', agreeTos: false }))).toMatchObject({ code: 'invalid_input' });
    expect(await api.addAccount({ name: 'le', directory: 'letsencrypt', agreeTos: true })).toMatchObject({
      name: 'le',
      directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory',
      stagingDirectoryUrl: 'https://acme-staging-v02.api.letsencrypt.org/directory',
      registered: false,
    });
    expect(await api.addCertificate({
      id: 'site',
      domains: ['Example.com', 'www.example.com'],
      ca: 'le',
      challenge,
      keyType: 'rsa-2048',
      exports: [{ target: { dir: '/etc/nginx/tls', format: 'pem' } }],
    })).toStrictEqual({ id: 'site', domains: ['example.com', 'www.example.com'], ca: 'le', challenge: 'http-01', status: 'none' });

    const renewed = api.renewCertificate('site').then((result) => {
      seen.push('reply');
      return result;
    });
    expect(await renewed).toMatchObject({ id: 'site', renewed: true, version: 1, exports: [{ dir: '/etc/nginx/tls', ok: true }] });
    expect(seen.at(-1)).toBe('reply');
    expect(seen).toContain('order:cert_obtained');
    expect(seen).toContain('changed:site');

    const detail = await api.getCertificateDetail('site');
    expect(detail.summary).toMatchObject({ status: 'valid', version: 1 });
    expect(detail.identity).toMatchObject({ domains: ['example.com', 'www.example.com'], keyType: 'RSA 2048' });
    expect(detail.identity?.chain).toHaveLength(2);
    expect(detail.versions).toMatchObject([{ version: 1, live: true }]);
    expect(detail.exports).toMatchObject([{ target: { dir: '/etc/nginx/tls' }, last: { ok: true } }]);
    expect((await api.readOrderLog('site')).map((entry) => entry.event)).toContain('cert_obtained');
  });

  it('rolls back, revokes (renewing at once) and refuses to remove an account in use', async () => {
    const { api } = createFakeBridge({
      accounts: [{ name: 'le', directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory', registered: true, createdAt: '2025-01-01T00:00:00.000Z' }],
      certificates: [{ id: 'site', domains: ['example.com'], ca: 'le', challenge: 'http-01', status: 'valid', version: 3, notBefore: '2025-05-01T00:00:00.000Z', notAfter: '2025-07-30T00:00:00.000Z' }],
    });
    expect((await api.getCertificateDetail('site')).versions.map((v) => [v.version, v.live])).toEqual([[3, true], [2, false], [1, false]]);
    expect(await api.rollbackCertificate('site', 2)).toMatchObject({ version: 2, live: true });
    expect(await rejection(api.rollbackCertificate('site', 2))).toMatchObject({ code: 'invalid_input' });
    expect(await api.revokeCertificate('site', 'keyCompromise')).toMatchObject({ version: 2, reason: 'keyCompromise', live: true, renewal: { version: 4 } });
    expect((await api.getCertificateDetail('site')).versions.find((v) => v.version === 2)?.revoked).toMatchObject({ reason: 'keyCompromise' });
    expect(await rejection(api.removeAccount('le'))).toMatchObject({ code: 'invalid_input', message: 'Unable to remove the CA account le, the certificate site uses it' });
    await api.removeCertificate({ id: 'site' });
    await api.removeAccount('le');
    expect(await api.listAccounts()).toEqual([]);
  });

  it('DNS providers: fields checked against the kind, secrets listed by key only', async () => {
    const { api } = createFakeBridge();
    expect((await api.listDnsProviderKinds()).map((kind) => kind.kind)).toEqual(fakeDnsProviderKinds.map((kind) => kind.kind));
    expect(await rejection(api.addDnsProvider({ name: 'cf', provider: 'cloudflare', credentials: {} }))).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('API token') as unknown });
    const added = await api.addDnsProvider({ name: 'cf', provider: 'cloudflare', credentials: { apiToken: 's3cret-token', zoneId: 'z1' } });
    expect(added).toStrictEqual({ name: 'cf', provider: 'cloudflare', settings: { zoneId: 'z1' }, secrets: ['apiToken'], propagation: { enabled: true } });
    expect(JSON.stringify(await api.listDnsProviders())).not.toContain('s3cret-token');
    expect(await api.checkDnsProvider('cf')).toMatchObject({ name: 'cf', ok: true });
  });

  it('policy: values set globally or per account, null for the default', async () => {
    const { api } = createFakeBridge({ accounts: [{ name: 'le', directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory', registered: true, createdAt: '2025-01-01T00:00:00.000Z' }] });
    const maxDelay = (entries: ReadonlyArray<{ key: string }>): unknown => entries.find((entry) => entry.key === 'retry.maxDelay');
    expect(maxDelay(await api.updatePolicy({ key: 'retry.maxDelay', value: '12h' }))).toStrictEqual({ key: 'retry.maxDelay', value: '12h', isDefault: false });
    expect(maxDelay(await api.updatePolicy({ key: 'retry.maxDelay', value: '2h', ca: 'le' }))).toStrictEqual({ key: 'retry.maxDelay', value: '2h', isDefault: false });
    expect(maxDelay(await api.getPolicy())).toMatchObject({ value: '12h' });
    expect(await rejection(api.updatePolicy({ key: 'retry.maxDelay', value: 'soon' }))).toMatchObject({ code: 'invalid_input' });
    expect(maxDelay(await api.updatePolicy({ key: 'retry.maxDelay', value: null }))).toStrictEqual({ key: 'retry.maxDelay', value: '6h', isDefault: true });
  });

  it('test controls: rejectNext, setCertificates, emitOrderEvent and the call log', async () => {
    const bridge = createFakeBridge();
    const { api } = bridge;
    bridge.rejectNext('listCertificates', { code: 'invalid_data', message: 'Unable to read config.json, it is damaged' });
    expect(await rejection(api.listCertificates())).toStrictEqual({ code: 'invalid_data', message: 'Unable to read config.json, it is damaged' });
    expect(await api.listCertificates()).toEqual([]);

    bridge.setCertificates([
      { id: 'watched', domains: ['example.org'], monitored: 'tls', status: 'valid', version: 1, notBefore: '2025-05-01T00:00:00.000Z', notAfter: '2025-07-30T00:00:00.000Z' },
      { id: 'site', domains: ['example.com'], ca: 'le', challenge: 'http-01', status: 'none' },
    ]);
    expect((await api.listCertificates()).map((summary) => summary.id)).toEqual(['site', 'watched']);

    const entries: OrderLogEntryDto[] = [];
    const ids: string[] = [];
    api.onOrderEvent((entry) => entries.push(entry));
    api.onCertificateChanged(({ id }) => ids.push(id));
    const entry: OrderLogEntryDto = { time: '2025-06-01T12:00:00.000Z', certId: 'site', event: 'order_created', message: 'Created an order' };
    bridge.emitOrderEvent(entry);
    expect(entries).toEqual([entry]);
    expect(ids).toEqual(['site']);
    expect(await api.readOrderLog('site')).toEqual([entry]);
    expect(bridge.calls.map((call) => call.method)).toEqual(['listCertificates', 'listCertificates', 'listCertificates', 'readOrderLog']);
  });
});
