import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Locale } from '../../preload/contract.ts';
import { expiryAlert, recoveredAlert, renewalFailedAlert, type Alert } from '../../main/core/alerts/alerts.ts';
import { desktopNotifier, shownWhenQuiet, trayHint, trayHintText } from '../../main/electron/notifier.ts';
import { FakeNotification, shownNotifications } from './fake-electron.ts';

// notifier.ts imports electron; never the real one (it would try to download its binary).
vi.mock('electron', async () => (await import('./fake-electron.ts')).createFakeElectron({ lockGranted: true, userData: '/nonexistent' }));

const now = new Date('2026-03-01T00:00:00Z');
const day = 24 * 60 * 60 * 1000;
const critical = expiryAlert('soon', { kind: 'expiring', thresholdDays: 3, daysLeft: 2, notAfter: new Date(now.getTime() + 2 * day) }, now);
const warning = renewalFailedAlert('web', { message: { en: 'DNS timed out', 'zh-CN': 'DNS 超时' }, remedy: { en: 'Check DNS', 'zh-CN': '检查 DNS' }, attempt: 1 }, now);
const info = recoveredAlert('web', { failures: 2, notAfter: new Date(now.getTime() + 90 * day) }, now);

beforeEach(() => {
  FakeNotification.instances.length = 0;
  FakeNotification.supported = true;
});

describe('shownWhenQuiet', () => {
  it.each<[string, Alert, boolean]>([
    ['critical', critical, true],
    ['warning', warning, false],
    ['info', info, false],
  ])('%s → %s', (_name, alert, expected) => {
    expect(shownWhenQuiet(alert)).toBe(expected);
  });
});

describe('desktopNotifier', () => {
  function notifier(options: { enabled?: boolean; quiet?: boolean; locale?: Locale } = {}) {
    const clicked: string[] = [];
    const n = desktopNotifier({
      locale: () => options.locale ?? 'en',
      enabled: () => options.enabled !== false,
      quiet: () => options.quiet === true,
      onClick: (id) => clicked.push(id),
      icon: '/res/icon.png',
    });
    return { n, clicked };
  }

  it('shows every alert in the locale, critical ones with critical urgency and no timeout', async () => {
    const { n } = notifier();
    await n.notify(critical);
    await n.notify(warning);
    await n.notify(info);
    expect(shownNotifications().map((x) => x.options)).toEqual([
      { title: 'Certificate soon expires in 2 days', body: critical.body.en, urgency: 'critical', timeoutType: 'never', icon: '/res/icon.png' },
      { title: 'Renewal of web failed', body: warning.body.en, urgency: 'normal', timeoutType: 'default', icon: '/res/icon.png' },
      { title: 'Certificate web renewed', body: info.body.en, urgency: 'normal', timeoutType: 'default', icon: '/res/icon.png' },
    ]);
  });

  it('speaks Simplified Chinese', async () => {
    const { n } = notifier({ locale: 'zh-CN' });
    await n.notify(critical);
    expect(shownNotifications()[0]?.options).toMatchObject({ title: '证书 soon 将在 2 天后过期', body: critical.body['zh-CN'] });
  });

  it.each<[string, Alert, number]>([
    ['a critical alert', critical, 1],
    ['a warning', warning, 0],
    ['good news', info, 0],
  ])('in quiet mode shows %s %i time(s), resolving either way', async (_name, alert, shown) => {
    const { n } = notifier({ quiet: true });
    await expect(n.notify(alert)).resolves.toBeUndefined();
    expect(shownNotifications()).toHaveLength(shown);
  });

  it('with notifications off shows nothing, not even critical alerts, resolving either way', async () => {
    const { n } = notifier({ enabled: false });
    for (const alert of [critical, warning, info]) await expect(n.notify(alert)).resolves.toBeUndefined();
    expect(shownNotifications()).toHaveLength(0);
  });

  it('opens the alert\'s certificate on a click', async () => {
    const { n, clicked } = notifier();
    await n.notify(warning);
    await n.notify(critical);
    shownNotifications()[1]?.click();
    expect(clicked).toEqual(['soon']);
  });

  it('rejects where the desktop has no notification service', async () => {
    FakeNotification.supported = false;
    const { n } = notifier();
    await expect(n.notify(critical)).rejects.toThrow('Unable to show a notification, this desktop has no notification service');
  });
});

describe('trayHint', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-hint-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('shows once ever, remembered in the marker file; a click calls onClick', async () => {
    const markerFile = path.join(dir, 'tray-hint-shown');
    const clicks: number[] = [];
    const hint = trayHint({ markerFile, platform: 'linux', locale: () => 'en', onClick: () => clicks.push(1), onError: (e) => { throw e; } });
    hint();
    hint();
    expect(shownNotifications().map((n) => n.options.title)).toEqual(['CertDesk keeps running in the tray']);
    shownNotifications()[0]?.click();
    expect(clicks).toEqual([1]);
    await vi.waitFor(async () => {
      expect(await readFile(markerFile, 'utf8')).toMatch(/^\d{4}-/);
    });
    trayHint({ markerFile, platform: 'linux', locale: () => 'en', onClick: () => undefined, onError: () => undefined })();
    expect(shownNotifications()).toHaveLength(1);
  });

  it('says "menu bar" on macOS, in both languages', () => {
    expect(trayHintText('darwin').title).toEqual({ en: 'CertDesk keeps running in the menu bar', 'zh-CN': 'CertDesk 仍在菜单栏中运行' });
    expect(trayHintText('win32').body['zh-CN']).toContain('系统托盘');
  });

  it('reports a notification it cannot show', async () => {
    FakeNotification.supported = false;
    const errors: unknown[] = [];
    trayHint({ markerFile: path.join(dir, 'm'), platform: 'linux', locale: () => 'en', onClick: () => undefined, onError: (e) => errors.push(e) })();
    await vi.waitFor(() => {
      expect(errors).toHaveLength(1);
    });
  });
});
