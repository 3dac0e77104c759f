import { describe, expect, it, vi } from 'vitest';
import type { CertificateSummaryDto } from '../../../../preload/contract.ts';
import { createAppStore, type AppStore } from '../../../../renderer/store/app-store.ts';
import { createFakeBridge, type FakeBridgeOptions } from '../support/fake-certdesk-api.ts';

const now = new Date('2026-03-01T12:00:00.000Z');
const account = { name: 'le', directoryUrl: 'https://acme.example/dir', stagingDirectoryUrl: 'https://staging.example/dir', registered: true, createdAt: '2025-01-01T00:00:00.000Z' };
const provider = { name: 'cloudflare', provider: 'cloudflare', settings: {}, secrets: ['apiToken'], propagation: { enabled: true } };
const shop: CertificateSummaryDto = {
  id: 'shop',
  domains: ['shop.example', 'www.shop.example'],
  ca: 'le',
  challenge: 'dns-01',
  status: 'valid',
  version: 2,
  issuer: "C=US, O=Let's Encrypt, CN=E6",
  notBefore: '2026-02-01T00:00:00.000Z',
  notAfter: '2026-05-02T00:00:00.000Z',
  renewAt: '2026-04-02T00:00:00.000Z',
  renewalBasis: 'fraction_remaining',
};

function setup(options: FakeBridgeOptions = {}): { bridge: ReturnType<typeof createFakeBridge>; store: AppStore } {
  const bridge = createFakeBridge({ clock: () => now, accounts: [account], dnsProviders: [provider], certificates: [{ summary: shop, exports: [{ target: { dir: '/etc/nginx/certs', format: 'pem' } }] }], ...options });
  return { bridge, store: createAppStore(bridge.api) };
}

async function settled(store: AppStore, id: string): Promise<void> {
  await vi.waitFor(() => {
    expect(store.getState().details[id]?.status).not.toBe('loading');
  });
}

describe('loading a detail', () => {
  it('reads it on watch and again on each change of that certificate only', async () => {
    const { bridge, store } = setup();
    const stop = store.getState().watchDetail('shop');
    expect(store.getState().details['shop']).toEqual({ status: 'loading', detail: null, error: null });
    await settled(store, 'shop');
    expect(store.getState().details['shop']?.detail?.versions.map((v) => v.version)).toEqual([2, 1]);

    const reads = (): number => bridge.calls.filter((call) => call.method === 'getCertificateDetail').length;
    const before = reads();
    bridge.emitCertChanged('other');
    bridge.emitCertChanged('shop');
    bridge.emitCertChanged('shop');
    bridge.emitCertChanged('shop');
    await vi.waitFor(() => {
      expect(reads()).toBe(before + 2);
    });
    stop();
    bridge.emitCertChanged('shop');
    await Promise.resolve();
    expect(reads()).toBe(before + 2);
  });

  it('keeps what it showed when a reload fails, with the error', async () => {
    const { bridge, store } = setup();
    store.getState().watchDetail('shop');
    await settled(store, 'shop');
    const shown = store.getState().details['shop']?.detail;
    bridge.rejectNext('getCertificateDetail', { code: 'io_failed', message: 'Unable to read shop, the disk is gone', remedy: 'Check the data folder.' });
    await store.getState().loadDetail('shop');
    expect(store.getState().details['shop']).toEqual({ status: 'failed', detail: shown, error: { code: 'io_failed', message: 'Unable to read shop, the disk is gone', remedy: 'Check the data folder.' } });
  });

  it('says not_found for a certificate main does not have', async () => {
    const { store } = setup();
    await store.getState().loadDetail('gone');
    expect(store.getState().details['gone']?.status).toBe('failed');
    expect(store.getState().details['gone']?.error?.code).toBe('not_found');
  });

  it('reports a missing bridge instead of throwing', () => {
    const store = createAppStore(undefined);
    const stop = store.getState().watchDetail('shop');
    expect(store.getState().details['shop']?.status).toBe('failed');
    expect(store.getState().details['shop']?.error?.code).toBe('bridge_missing');
    stop();
  });
});

describe('actions', () => {
  it('renews with force, showing it running, then its result, and reads the detail again', async () => {
    const { bridge, store } = setup();
    await store.getState().loadDetail('shop');
    const release = bridge.hold();
    const done = store.getState().detailRenew('shop');
    expect(store.getState().detailActions['shop']?.renew).toEqual({ status: 'running' });
    expect(await Promise.all([store.getState().detailRenew('shop'), (release(), done)])).toEqual([false, true]);
    const state = store.getState().detailActions['shop']?.renew;
    expect(state?.status).toBe('done');
    expect(state?.status === 'done' ? state.result.version : undefined).toBe(3);
    expect(bridge.calls.filter((call) => call.method === 'renewCertificate').map((call) => call.args)).toEqual([['shop', { force: true }]]);
    await vi.waitFor(() => {
      expect(store.getState().details['shop']?.detail?.versions[0]?.version).toBe(3);
    });
  });

  it('records a failure with its remedy, and forgets it when dismissed', async () => {
    const { bridge, store } = setup();
    const error = { code: 'needs_admin', message: 'Unable to renew shop, the CA could not find the TXT record', remedy: 'Check the DNS provider.' };
    bridge.rejectNext('renewCertificate', error);
    expect(await store.getState().detailRenew('shop')).toBe(false);
    expect(store.getState().detailActions['shop']?.renew).toEqual({ status: 'failed', error });
    store.getState().dismissDetailAction('shop', 'renew');
    expect(store.getState().detailActions['shop']?.renew).toBeUndefined();
  });

  it('shows the exporting step while an export runs, and clears it after', async () => {
    const { bridge, store } = setup();
    const release = bridge.hold();
    const done = store.getState().detailExport('shop');
    expect(store.getState().progress['shop']?.step).toBe('exporting');
    release();
    expect(await done).toBe(true);
    expect(store.getState().progress['shop']).toBeUndefined();
    const state = store.getState().detailActions['shop']?.export;
    expect(state?.status === 'done' ? state.result.map((r) => [r.dir, r.ok]) : state).toEqual([['/etc/nginx/certs', true]]);
  });

  it('clears the exporting step when the export fails too', async () => {
    const { bridge, store } = setup();
    bridge.rejectNext('exportCertificate', { code: 'export_failed', message: 'Unable to export shop to /etc/nginx/certs, permission denied' });
    expect(await store.getState().detailExport('shop')).toBe(false);
    expect(store.getState().progress['shop']).toBeUndefined();
  });

  it('sends each action to its channel', async () => {
    const { bridge, store } = setup({ certificates: [shop, { id: 'edge', domains: ['edge.example'], monitored: 'tls', endpoint: { host: 'edge.example', port: 443, deployed: 'same' }, status: 'valid' }] });
    await store.getState().detailRehearse('shop');
    await store.getState().detailRollback('shop', 1);
    await store.getState().detailRevoke('shop', 'superseded');
    await store.getState().detailUpdate({ id: 'shop', keyType: 'rsa-2048' });
    await store.getState().detailCheck('edge');
    expect(bridge.calls.filter((call) => call.method !== 'getCertificateDetail' && call.method !== 'showCertificate').map((call) => [call.method, ...call.args])).toEqual([
      ['rehearseCertificate', 'shop'],
      ['rollbackCertificate', 'shop', 1],
      ['revokeCertificate', 'shop', 'superseded'],
      ['updateCertificate', { id: 'shop', keyType: 'rsa-2048' }],
      ['checkMonitor', 'edge'],
    ]);
    const actions = store.getState().detailActions;
    expect([actions['shop']?.rehearse?.status, actions['shop']?.rollback?.status, actions['shop']?.revoke?.status, actions['shop']?.update?.status, actions['edge']?.check?.status]).toEqual([
      'done',
      'done',
      'done',
      'done',
      'done',
    ]);
  });

  it('removes the certificate from the detail and the list', async () => {
    const { bridge, store } = setup();
    await store.getState().loadCertificates();
    await store.getState().loadDetail('shop');
    expect(await store.getState().detailRemove('shop', true)).toBe(true);
    expect(bridge.calls.find((call) => call.method === 'removeCertificate')?.args).toEqual([{ id: 'shop', deleteFiles: true }]);
    expect(store.getState().details['shop']).toBeUndefined();
    await vi.waitFor(() => {
      expect(store.getState().certificateIds).toEqual([]);
    });
  });
});

describe('edit options', () => {
  it('loads the account and provider names once', async () => {
    const { bridge, store } = setup();
    await store.getState().loadDetailEditOptions();
    await store.getState().loadDetailEditOptions();
    expect(store.getState().detailEditOptions).toEqual({ status: 'ready', accounts: ['le'], dnsProviders: ['cloudflare'] });
    expect(bridge.calls.filter((call) => call.method === 'listAccounts')).toHaveLength(1);
  });

  it('falls back to typed names when they cannot be read', async () => {
    const { bridge, store } = setup();
    bridge.rejectNext('listDnsProviders', { code: 'io_failed', message: 'Unable to read config.json' });
    await store.getState().loadDetailEditOptions();
    expect(store.getState().detailEditOptions.status).toBe('failed');
  });
});
