import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../../main/core/alerts/alerts.ts';
import type { Notifier } from '../../../../main/core/alerts/notifier.ts';
import { openConfigStore } from '../../../../main/core/config-store.ts';
import { ConfigRepository } from '../../../../main/core/config/repository.ts';
import { DesktopEngine, trayOverview, type TrayOverview, type TraySummary } from '../../../../main/core/desktop.ts';
import { expiringWithinMs } from '../../../../preload/health.ts';
import { dataPaths } from '../../../../main/core/paths.ts';
import { FileSecretBox } from '../../../../main/core/secrets/file-secret-box.ts';
import type { EventChannels } from '../../../../preload/contract.ts';
import { createRecordingLogger, type RecordingLogger } from '../../../support/recording-logger.ts';
import { createTestCa } from '../../../support/test-ca.ts';
import { useClosers, useTempDir } from '../support/temp-dir.ts';

const dayMs = 24 * 60 * 60 * 1000;
const now = new Date('2025-06-01T00:00:00.000Z');
const at = (days: number): string => new Date(now.getTime() + days * dayMs).toISOString();

/** A certificate of `lifetimeDays` with `leftDays` to go. */
function cert(id: string, status: TraySummary['status'], leftDays: number, lifetimeDays = 90): TraySummary {
  return { id, status, notBefore: at(leftDays - lifetimeDays), notAfter: at(leftDays) };
}

describe('trayOverview', () => {
  const none = { failing: 0, expiring: 0, ok: 0, pending: 0 };
  const cases: ReadonlyArray<{ name: string; summaries: ReadonlyArray<TraySummary>; state: TrayOverview['state']; counts: TrayOverview['counts'] }> = [
    { name: 'no certificates', summaries: [], state: 'empty', counts: none },
    { name: 'a 90-day certificate with 60 days left', summaries: [cert('a', 'valid', 60)], state: 'ok', counts: { ...none, ok: 1 } },
    { name: 'a 90-day certificate just due (30 days left)', summaries: [cert('a', 'valid', 30)], state: 'ok', counts: { ...none, ok: 1 } },
    { name: 'a 90-day certificate with exactly 14 days left', summaries: [cert('a', 'valid', 14)], state: 'ok', counts: { ...none, ok: 1 } },
    { name: 'a 90-day certificate with 13.9 days left', summaries: [cert('a', 'valid', 13.9)], state: 'expiring', counts: { ...none, expiring: 1 } },
    { name: 'a renewing certificate with 5 days left', summaries: [cert('a', 'renewing', 5)], state: 'expiring', counts: { ...none, expiring: 1 } },
    { name: 'a monitored certificate with 1 day left', summaries: [cert('a', 'valid', 1, 365)], state: 'expiring', counts: { ...none, expiring: 1 } },
    // 1/6 of the lifetime is shorter than 14 days: the renewal window (1/3) is only half gone.
    { name: 'a 6-day certificate with 1.5 days left (1/6 = 1 day)', summaries: [cert('a', 'valid', 1.5, 6)], state: 'ok', counts: { ...none, ok: 1 } },
    { name: 'a 6-day certificate with 0.9 days left', summaries: [cert('a', 'valid', 0.9, 6)], state: 'expiring', counts: { ...none, expiring: 1 } },
    { name: 'a 47-day certificate with 10 days left (1/6 = 7.8 days)', summaries: [cert('a', 'valid', 10, 47)], state: 'ok', counts: { ...none, ok: 1 } },
    { name: 'a 47-day certificate with 7 days left', summaries: [cert('a', 'valid', 7, 47)], state: 'expiring', counts: { ...none, expiring: 1 } },
    { name: 'a failing certificate with 60 days left', summaries: [cert('a', 'failing', 60)], state: 'failing', counts: { ...none, failing: 1 } },
    { name: 'a stopped certificate', summaries: [cert('a', 'stopped', 40)], state: 'failing', counts: { ...none, failing: 1 } },
    { name: 'a damaged certificate (no dates)', summaries: [{ id: 'a', status: 'damaged' }], state: 'failing', counts: { ...none, failing: 1 } },
    { name: 'an expired certificate', summaries: [cert('a', 'expired', -1)], state: 'failing', counts: { ...none, failing: 1 } },
    { name: 'a revoked certificate', summaries: [cert('a', 'revoked', 80)], state: 'failing', counts: { ...none, failing: 1 } },
    { name: 'a certificate never obtained', summaries: [{ id: 'a', status: 'none' }], state: 'ok', counts: { ...none, pending: 1 } },
    { name: 'a first order running', summaries: [{ id: 'a', status: 'renewing' }], state: 'ok', counts: { ...none, pending: 1 } },
    { name: 'a failed first order', summaries: [{ id: 'a', status: 'failing' }], state: 'failing', counts: { ...none, failing: 1 } },
    { name: 'an unreadable expiry date counts by its status', summaries: [{ id: 'a', status: 'valid', notAfter: 'soon' }], state: 'ok', counts: { ...none, ok: 1 } },
    {
      name: 'expiring beats ok and pending',
      summaries: [cert('a', 'valid', 60), cert('b', 'valid', 3), { id: 'c', status: 'none' }],
      state: 'expiring',
      counts: { failing: 0, expiring: 1, ok: 1, pending: 1 },
    },
    {
      name: 'failing beats everything',
      summaries: [cert('a', 'valid', 60), cert('b', 'valid', 3), cert('c', 'expired', -2), { id: 'd', status: 'none' }],
      state: 'failing',
      counts: { failing: 1, expiring: 1, ok: 1, pending: 1 },
    },
  ];

  it.each(cases)('$name → $state', ({ summaries, state, counts }) => {
    const overview = trayOverview(summaries, now);
    expect(overview.state).toBe(state);
    expect(overview.counts).toEqual(counts);
    expect(overview.total).toBe(summaries.length);
    expect(overview.tooltip.en).toMatch(/^CertDesk: /);
    expect(overview.tooltip['zh-CN']).toMatch(/^CertDesk：/);
  });

  it('uses 14 days as the expiring threshold', () => {
    expect(expiringWithinMs).toBe(14 * dayMs);
  });

  const nextCases: ReadonlyArray<{ name: string; summaries: ReadonlyArray<TraySummary>; next: TrayOverview['nextExpiry'] }> = [
    { name: 'none without certificates', summaries: [], next: undefined },
    { name: 'none when nothing was obtained', summaries: [{ id: 'a', status: 'none' }], next: undefined },
    { name: 'the only one', summaries: [cert('a', 'valid', 60)], next: { id: 'a', notAfter: at(60) } },
    { name: 'the earliest', summaries: [cert('a', 'valid', 60), cert('b', 'valid', 20), cert('c', 'failing', 40)], next: { id: 'b', notAfter: at(20) } },
    { name: 'not an expired one', summaries: [cert('a', 'expired', -1), cert('b', 'valid', 20)], next: { id: 'b', notAfter: at(20) } },
    { name: 'not a revoked one', summaries: [cert('a', 'revoked', 5), cert('b', 'valid', 20)], next: { id: 'b', notAfter: at(20) } },
    { name: 'not one with an unreadable date', summaries: [{ id: 'a', status: 'valid', notAfter: 'soon' }], next: undefined },
  ];

  it.each(nextCases)('next expiry: $name', ({ summaries, next }) => {
    expect(trayOverview(summaries, now).nextExpiry).toEqual(next);
  });

  const tooltips: ReadonlyArray<{ name: string; summaries: ReadonlyArray<TraySummary>; en: string; zh: string }> = [
    { name: 'empty', summaries: [], en: 'CertDesk: no certificates yet', zh: 'CertDesk：尚无证书' },
    {
      name: 'all well',
      summaries: [cert('example-com', 'valid', 60), cert('api', 'valid', 45)],
      en: 'CertDesk: 2 OK; next expiry api on 2025-07-16',
      zh: 'CertDesk：2 个正常；最近到期：api（2025-07-16）',
    },
    {
      name: 'one of each',
      summaries: [cert('a', 'valid', 60), cert('b', 'valid', 3), cert('c', 'stopped', 40), { id: 'd', status: 'none' }],
      en: 'CertDesk: 1 needs attention, 1 expiring soon, 1 OK, 1 pending; next expiry b on 2025-06-04',
      zh: 'CertDesk：1 个需要处理，1 个即将过期，1 个正常，1 个待签发；最近到期：b（2025-06-04）',
    },
    {
      name: 'two failing, nothing to expire',
      summaries: [{ id: 'a', status: 'damaged' }, cert('b', 'expired', -3)],
      en: 'CertDesk: 2 need attention',
      zh: 'CertDesk：2 个需要处理',
    },
  ];

  it.each(tooltips)('tooltip: $name', ({ summaries, en, zh }) => {
    expect(trayOverview(summaries, now).tooltip).toEqual({ en, 'zh-CN': zh });
  });
});

describe('DesktopEngine', () => {
  const tempDir = useTempDir('desktop');
  const onCleanup = useClosers();

  function engine(options: { clock?: () => Date; notifiers?: ReadonlyArray<Notifier>; logger?: RecordingLogger } = {}): DesktopEngine {
    const paths = dataPaths(tempDir());
    const created = new DesktopEngine({
      paths,
      conf: openConfigStore(tempDir()),
      secrets: new FileSecretBox(paths.secretsDir),
      logger: options.logger ?? createRecordingLogger(),
      notifiers: options.notifiers ?? [],
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    onCleanup(() => {
      void created.stop();
    });
    return created;
  }

  /** Collects every event the engine emits, in order. */
  function record(subject: DesktopEngine): Array<{ channel: string; payload: unknown }> {
    const events: Array<{ channel: string; payload: unknown }> = [];
    for (const channel of ['cert:changed', 'order:event', 'alert:event', 'renewal:changed', 'settings:changed'] as const) {
      subject.on(channel, (payload: EventChannels[typeof channel]) => events.push({ channel, payload }));
    }
    return events;
  }

  /** A PEM file holding a fresh 7-day leaf for `host` (and its key, for a managed import). */
  async function pemFile(host: string): Promise<{ cert: string; key: string }> {
    const ca = await createTestCa({ hosts: [host] });
    const cert = path.join(tempDir(), `${host}.pem`);
    const key = path.join(tempDir(), `${host}.key`);
    await writeFile(cert, ca.leafCertPem);
    await writeFile(key, ca.leafKeyPem);
    return { cert, key };
  }

  it('pause and resume flip `paused` at once and emit renewal:changed once per change', async () => {
    const subject = engine();
    const events = record(subject);
    expect(subject.paused).toBe(false);
    const paused = subject.pause();
    expect(subject.paused).toBe(true);
    await paused;
    await subject.pause();
    const resumed = subject.resume();
    expect(subject.paused).toBe(false);
    await resumed;
    await subject.resume();
    expect(events).toEqual([
      { channel: 'renewal:changed', payload: { paused: true } },
      { channel: 'renewal:changed', payload: { paused: false } },
    ]);
  });

  it('emits order:event then cert:changed for every order log entry, with secrets redacted', async () => {
    const subject = engine();
    new ConfigRepository(openConfigStore(tempDir())).put('accounts', 'test-ca', {
      directoryUrl: 'https://127.0.0.1:9/dir',
      termsOfServiceAgreed: true,
      createdAt: now.toISOString(),
    });
    const { cert, key } = await pemFile('www.example.com');
    const events = record(subject);

    await subject.certificates.importCertificate('site', cert, {
      keyFile: key,
      managed: { ca: 'test-ca', challenge: { type: 'http-01', mode: 'standalone', address: '127.0.0.1', port: 5002 } },
    });

    expect(events.map((event) => event.channel)).toEqual(['order:event', 'cert:changed']);
    expect(events[0]?.payload).toMatchObject({ certId: 'site', event: 'cert_obtained' });
    expect(events[1]?.payload).toEqual({ id: 'site' });
    // What was pushed is what the log holds.
    const { entries } = await subject.certificates.readLog('site');
    expect(events[0]?.payload).toEqual(entries[0]);
  });

  it('emits every alert as `alert:event` and still delivers it to the given notifiers', async () => {
    const delivered: Alert[] = [];
    let clock = now;
    const subject = engine({
      clock: () => clock,
      notifiers: [{ name: 'test', notify: (alert) => { delivered.push(alert); return Promise.resolve(); } }],
    });
    const { cert } = await pemFile('monitored.example.com');
    await subject.certificates.importCertificate('monitored', cert);
    const events = record(subject);

    // The 7-day certificate has under a day left: the 1-day expiry alert is due.
    clock = new Date(Date.now() + 6.5 * dayMs);
    await subject.certificates.maintain();

    expect(delivered.map((alert) => [alert.kind, alert.certId])).toEqual([['expiring', 'monitored']]);
    expect(events).toEqual([{ channel: 'alert:event', payload: delivered[0] }]);
  });

  it('overview() goes from empty to ok to expiring with the clock', async () => {
    let clock = new Date();
    const subject = engine({ clock: () => clock });
    expect((await subject.overview()).state).toBe('empty');
    const { cert } = await pemFile('monitored.example.com');
    await subject.certificates.importCertificate('monitored', cert);
    const fresh = await subject.overview();
    expect(fresh).toMatchObject({ state: 'ok', total: 1, counts: { ok: 1 }, nextExpiry: { id: 'monitored' } });
    expect(fresh.tooltip.en).toMatch(/^CertDesk: 1 OK; next expiry monitored on \d{4}-\d{2}-\d{2}$/);
    // 1/6 of a 7-day lifetime is under 28 hours: that is when it counts as expiring.
    clock = new Date(clock.getTime() + 6.5 * dayMs);
    expect((await subject.overview()).state).toBe('expiring');
  });

  it('renewAll() over no certificates is empty', async () => {
    expect(await engine().renewAll()).toEqual([]);
  });

  it('a listener that throws is logged and the others still run', async () => {
    const logger = createRecordingLogger();
    const subject = engine({ logger });
    const seen: unknown[] = [];
    subject.on('renewal:changed', () => {
      throw new Error('listener broke');
    });
    subject.on('renewal:changed', (state) => seen.push(state));
    await subject.pause();
    expect(seen).toEqual([{ paused: true }]);
    expect(logger.lines.some((line) => line.includes('listener broke'))).toBe(true);
  });

  it('start() after stop() refuses with invalid_input; stop() twice is one stop', async () => {
    const subject = engine();
    const first = subject.stop();
    expect(subject.stop()).toBe(first);
    await first;
    await expect(subject.start()).rejects.toMatchObject({ code: 'invalid_input', message: 'Unable to start renewing certificates, the engine has been stopped' });
  });

  it('start() while paused starts nothing until resume()', async () => {
    const subject = engine();
    await subject.pause();
    await subject.start();
    // Nothing is defined, so a running scheduler would have nothing to do: what we can see is that
    // start() resolved and the state still says paused; the integration test shows no work starts.
    expect(subject.paused).toBe(true);
    await subject.resume();
    expect(subject.paused).toBe(false);
    await subject.stop();
  });
});
