import { describe, expect, it, vi } from 'vitest';
import type { CertificateSummaryDto, OrderLogEntryDto } from '../../../../preload/contract.ts';
import { createAppStore } from '../../../../renderer/store/app-store.ts';
import { createFakeBridge } from '../support/fake-certdesk-api.ts';

const valid = (id: string, notAfter = '2026-05-01T00:00:00.000Z'): CertificateSummaryDto => ({
  id,
  domains: [`${id}.example.com`],
  ca: 'letsencrypt',
  status: 'valid',
  notBefore: '2026-01-31T00:00:00.000Z',
  notAfter,
});

const event = (certId: string, name: OrderLogEntryDto['event'], time = '2026-03-01T12:00:00.000Z'): OrderLogEntryDto => ({ time, certId, event: name, message: name });

/** A store over a fake main holding `certificates`, watching main's pushes, with the first list loaded. */
async function watched(certificates: ReadonlyArray<CertificateSummaryDto>) {
  const bridge = createFakeBridge({ certificates });
  const store = createAppStore(bridge.api);
  const stop = store.getState().watchCertificates();
  await vi.waitFor(() => {
    expect(store.getState().certificatesStatus).toBe('ready');
  });
  return { bridge, store, stop };
}

describe('certificates slice', () => {
  it('loads the list in main’s order', async () => {
    const { store, stop } = await watched([valid('b'), valid('a')]);
    expect(store.getState().certificateIds).toEqual(['b', 'a']);
    expect(store.getState().certificates['a']?.domains).toEqual(['a.example.com']);
    stop();
  });

  it('re-reads a certificate on cert:changed, adds one main just created, and drops one main removed', async () => {
    const { bridge, store, stop } = await watched([valid('a'), valid('b')]);

    bridge.setCertificates([valid('a', '2026-08-01T00:00:00.000Z'), valid('b'), valid('c')]);
    bridge.emitCertChanged('a');
    bridge.emitCertChanged('c');
    await vi.waitFor(() => {
      expect(store.getState().certificates['a']?.notAfter).toBe('2026-08-01T00:00:00.000Z');
      expect(store.getState().certificateIds).toEqual(['a', 'b', 'c']);
    });

    bridge.setCertificates([valid('a', '2026-08-01T00:00:00.000Z'), valid('c')]);
    bridge.emitCertChanged('b');
    await vi.waitFor(() => {
      expect(store.getState().certificateIds).toEqual(['a', 'c']);
    });
    expect(store.getState().certificates['b']).toBeUndefined();
    stop();
  });

  it('coalesces a burst of cert:changed for one certificate: one read in flight, one follow-up', async () => {
    const { bridge, store, stop } = await watched([valid('a')]);
    const reads = (): number => bridge.calls.filter((call) => call.method === 'showCertificate').length;
    const before = reads();
    const release = bridge.hold();
    for (let i = 0; i < 20; i += 1) bridge.emitCertChanged('a');
    expect(reads() - before).toBe(1);

    bridge.setCertificates([valid('a', '2026-09-01T00:00:00.000Z')]);
    release();
    await vi.waitFor(() => {
      expect(store.getState().certificates['a']?.notAfter).toBe('2026-09-01T00:00:00.000Z');
    });
    expect(reads() - before).toBe(2);

    // Settled: the next change reads again.
    bridge.emitCertChanged('a');
    await vi.waitFor(() => {
      expect(reads() - before).toBe(3);
    });
    stop();
  });

  it('moves the progress on order:event and clears it when the order ends', async () => {
    const { bridge, store, stop } = await watched([valid('a'), valid('b')]);

    bridge.emitOrderEvent(event('a', 'cert_obtaining'));
    expect(store.getState().progress['a']).toEqual({ step: 'creating_order', since: '2026-03-01T12:00:00.000Z' });
    expect(store.getState().progress['b']).toBeUndefined();

    bridge.emitOrderEvent(event('a', 'challenge_presented', '2026-03-01T12:00:01.000Z'));
    bridge.emitOrderEvent(event('a', 'acme_request', '2026-03-01T12:00:02.000Z'));
    expect(store.getState().progress['a']).toEqual({ step: 'presenting_challenge', since: '2026-03-01T12:00:01.000Z' });

    bridge.emitOrderEvent(event('a', 'cert_obtained', '2026-03-01T12:00:03.000Z'));
    expect(store.getState().progress['a']).toBeUndefined();
    stop();
  });

  it('keeps the same progress object for events that do not move it (no re-render)', async () => {
    const { bridge, store, stop } = await watched([valid('a')]);
    bridge.emitOrderEvent(event('a', 'finalize_sent'));
    const progress = store.getState().progress;
    bridge.emitOrderEvent(event('a', 'order_status'));
    bridge.emitOrderEvent(event('a', 'acme_request'));
    expect(store.getState().progress).toBe(progress);
    stop();
  });

  it('stops listening when the watch is stopped', async () => {
    const { bridge, store, stop } = await watched([valid('a')]);
    stop();
    bridge.emitOrderEvent(event('a', 'cert_obtaining'));
    expect(store.getState().progress['a']).toBeUndefined();
  });

  it('keeps the last list when a reload fails, and says why', async () => {
    const { bridge, store, stop } = await watched([valid('a')]);
    bridge.rejectNext('listCertificates', { code: 'io', message: 'Unable to read the certificates, the disk is full', remedy: 'Free some space.' });
    await store.getState().loadCertificates();
    expect(store.getState().certificatesStatus).toBe('ready');
    expect(store.getState().certificateIds).toEqual(['a']);
    expect(store.getState().certificatesError).toEqual({ code: 'io', message: 'Unable to read the certificates, the disk is full', remedy: 'Free some space.' });

    await store.getState().loadCertificates();
    expect(store.getState().certificatesError).toBeNull();
    stop();
  });
});
