import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventChannel, EventChannels, Locale, Unsubscribe } from '../../preload/contract.ts';
import type { RenewAllOutcome, TrayOverview } from '../../main/core/desktop.ts';
import { trayOverview } from '../../main/core/desktop.ts';
import { EventHub } from '../../main/core/events.ts';
import { createTray, trayIconFile, trayMenuTemplate, type TrayActions, type TrayEngine } from '../../main/electron/tray.ts';
import { createRecordingLogger } from '../support/recording-logger.ts';
import { FakeTray } from './fake-electron.ts';

// tray.ts imports electron; never the real one (it would try to download its binary).
vi.mock('electron', async () => (await import('./fake-electron.ts')).createFakeElectron({ lockGranted: true, userData: '/nonexistent' }));

const iconDir = '/res/tray';
const now = new Date('2026-03-01T00:00:00Z');
const day = 24 * 60 * 60 * 1000;
const cert = (id: string, status: 'valid' | 'failing', daysLeft: number) => ({
  id,
  status,
  notBefore: new Date(now.getTime() - 60 * day).toISOString(),
  notAfter: new Date(now.getTime() + daysLeft * day).toISOString(),
});

/** A DesktopEngine stand-in: an overview the test sets, the calls the tray makes, real events. */
function fakeEngine() {
  const hub = new EventHub((error) => {
    throw error;
  });
  const calls: string[] = [];
  let overview: TrayOverview | Error = trayOverview([], now);
  let paused = false;
  const engine: TrayEngine & { set(next: TrayOverview | Error): void; emit<E extends EventChannel>(event: E, payload: EventChannels[E]): void } = {
    get paused() {
      return paused;
    },
    overview: () => (overview instanceof Error ? Promise.reject(overview) : Promise.resolve(overview)),
    renewAll: () => {
      calls.push('renewAll');
      return Promise.resolve([] as ReadonlyArray<RenewAllOutcome>);
    },
    pause: () => {
      calls.push('pause');
      paused = true;
      hub.emit('renewal:changed', { paused: true });
      return Promise.resolve();
    },
    resume: () => {
      calls.push('resume');
      paused = false;
      hub.emit('renewal:changed', { paused: false });
      return Promise.resolve();
    },
    on: <E extends EventChannel>(event: E, listener: (payload: EventChannels[E]) => void): Unsubscribe => hub.on(event, listener),
    set: (next) => {
      overview = next;
    },
    emit: (event, payload) => {
      hub.emit(event, payload);
    },
  };
  return { engine, calls };
}

function setup(options: { platform?: NodeJS.Platform; locale?: Locale } = {}) {
  FakeTray.instances.length = 0;
  const { engine, calls } = fakeEngine();
  let locale: Locale = options.locale ?? 'en';
  const logger = createRecordingLogger();
  const tray = createTray({
    engine,
    iconDir,
    platform: options.platform ?? 'linux',
    locale: () => locale,
    open: () => calls.push('open'),
    quit: () => calls.push('quit'),
    logger,
  });
  const [icon] = FakeTray.instances;
  if (icon === undefined) throw new Error('no tray');
  const menu = () => {
    if (icon.menu === undefined) throw new Error('no menu');
    return icon.menu;
  };
  return { tray, icon, menu, engine, calls, logger, setLocale: (next: Locale) => { locale = next; } };
}

describe('createTray', () => {
  beforeEach(() => {
    FakeTray.instances.length = 0;
  });

  it('starts empty while reading, then shows the overview', async () => {
    const { tray, icon, menu } = setup();
    expect(icon.tooltip).toBe('CertDesk: reading certificates…');
    await tray.refresh();
    expect(icon.image.path).toBe(path.join(iconDir, 'empty.png'));
    expect(icon.tooltip).toBe('CertDesk: no certificates yet');
    expect(menu().item('renew-all').enabled).toBe(false);
  });

  it('follows the worst state on the engine\'s events: icon, tooltip and status line', async () => {
    const { tray, icon, menu, engine } = setup();
    await tray.refresh();
    engine.set(trayOverview([cert('a', 'valid', 60)], now));
    engine.emit('cert:changed', { id: 'a' });
    await tray.refresh();
    expect(icon.image.path).toBe(path.join(iconDir, 'ok.png'));
    expect(icon.tooltip).toMatch(/^CertDesk: 1 OK; next expiry a on 2026-04-30$/);

    engine.set(trayOverview([cert('a', 'valid', 60), cert('b', 'valid', 5)], now));
    engine.emit('cert:changed', { id: 'b' });
    await vi.waitFor(() => {
      expect(icon.image.path).toBe(path.join(iconDir, 'expiring.png'));
    });
    expect(menu().item('status').label).toBe(icon.tooltip);
    expect(menu().item('renew-all').enabled).toBe(true);

    engine.set(trayOverview([cert('a', 'failing', 60), cert('b', 'valid', 5)], now));
    engine.emit('renewal:changed', { paused: false });
    await vi.waitFor(() => {
      expect(icon.image.path).toBe(path.join(iconDir, 'failing.png'));
    });
    expect(icon.tooltip).toContain('1 needs attention');
  });

  it('uses macOS template images', async () => {
    const { tray, icon } = setup({ platform: 'darwin' });
    await tray.refresh();
    expect(icon.image.path).toBe(path.join(iconDir, 'emptyTemplate.png'));
    expect(icon.image.template).toBe(true);
  });

  it('calls the engine from the menu and switches Pause to Resume', async () => {
    const { tray, icon, menu, engine, calls } = setup();
    engine.set(trayOverview([cert('a', 'valid', 60)], now));
    await tray.refresh();
    menu().click('renew-all');
    menu().click('pause');
    await vi.waitFor(() => {
      expect(menu().items.map((i) => i.id)).toContain('resume');
    });
    menu().click('resume');
    await vi.waitFor(() => {
      expect(menu().items.map((i) => i.id)).toContain('pause');
    });
    menu().click('open');
    icon.emit('click');
    menu().click('quit');
    expect(calls).toEqual(['renewAll', 'pause', 'resume', 'open', 'open', 'quit']);
  });

  it('speaks the locale at each refresh', async () => {
    const { tray, icon, menu, setLocale } = setup({ locale: 'zh-CN' });
    await tray.refresh();
    expect(icon.tooltip).toBe('CertDesk：尚无证书');
    expect(menu().item('pause').label).toBe('暂停自动续期');
    setLocale('en');
    await tray.refresh();
    expect(menu().item('pause').label).toBe('Pause automatic renewal');
  });

  it('shows the failing icon and says so when the overview cannot be read', async () => {
    const { tray, icon, engine, logger } = setup();
    engine.set(new Error('config.json is not valid JSON'));
    await tray.refresh();
    expect(icon.image.path).toBe(path.join(iconDir, 'failing.png'));
    expect(icon.tooltip).toBe('CertDesk: unable to read the certificates; open CertDesk for details');
    expect(logger.entries.at(-1)).toMatchObject({ level: 'warn', message: 'Unable to read the certificates for the tray' });
  });

  it('merges refreshes that arrive while one runs', async () => {
    const { tray, engine } = setup();
    let reads = 0;
    const overview = engine.overview.bind(engine);
    engine.overview = () => {
      reads += 1;
      return overview();
    };
    await tray.refresh();
    reads = 0;
    await Promise.all([tray.refresh(), tray.refresh(), tray.refresh(), tray.refresh()]);
    expect(reads).toBe(2);
  });

  it('stops following the engine and removes the icon when destroyed', async () => {
    const { tray, icon, engine } = setup();
    await tray.refresh();
    tray.destroy();
    expect(icon.destroyed).toBe(true);
    engine.set(trayOverview([cert('a', 'failing', 60)], now));
    engine.emit('cert:changed', { id: 'a' });
    await tray.refresh();
    expect(icon.image.path).toBe(path.join(iconDir, 'empty.png'));
  });
});

describe('trayMenuTemplate and trayIconFile', () => {
  const actions: TrayActions = { open: () => undefined, renewAll: () => undefined, pause: () => undefined, resume: () => undefined, quit: () => undefined };

  it('offers Resume instead of Pause while paused', () => {
    const ids = (paused: boolean) => trayMenuTemplate(undefined, 'x', paused, 'en', actions).map((i) => i.id ?? i.type);
    expect(ids(false)).toEqual(['status', 'separator', 'open', 'renew-all', 'pause', 'separator', 'quit']);
    expect(ids(true)).toEqual(['status', 'separator', 'open', 'renew-all', 'resume', 'separator', 'quit']);
  });

  it.each([
    ['linux', 'ok', 'ok.png'],
    ['win32', 'failing', 'failing.png'],
    ['darwin', 'expiring', 'expiringTemplate.png'],
  ] as const)('%s %s → %s', (platform, state, file) => {
    expect(trayIconFile(iconDir, state, platform)).toBe(path.join(iconDir, file));
  });
});
