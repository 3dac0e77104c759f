import { describe, expect, it } from 'vitest';
import type { ApiError, AppInfo, CertDeskApi, InvokeChannel, Settings } from '../../../preload/contract.ts';
import { createCertDeskApi } from '../../../preload/api.ts';
import { createRecordingTransport } from './support/recording-transport.ts';

const info: AppInfo = {
  name: 'CertDesk',
  version: '0.1.0',
  platform: 'darwin',
  arch: 'arm64',
  dataDir: '/Users/a/Library/Application Support/CertDesk',
  runtime: 'electron',
  versions: { node: '22.1.0', electron: '45.0.0', chrome: '140.0.0.0' },
};
const settings: Settings = { language: 'zh-CN', theme: 'dark', closeToTray: true, startAtLogin: false, startHidden: false, notifications: true, quietNotifications: false };

/** Resolves to what a promise rejected with; fails when it resolves. */
function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value: unknown) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (reason: unknown) => reason,
  );
}

describe('createCertDeskApi invokes', () => {
  const cases: ReadonlyArray<{
    method: string;
    call: (api: CertDeskApi) => Promise<unknown>;
    channel: InvokeChannel;
    request: unknown;
    value: unknown;
  }> = [
    { method: 'getAppInfo()', call: (api) => api.getAppInfo(), channel: 'app:info', request: undefined, value: info },
    { method: 'getSettings()', call: (api) => api.getSettings(), channel: 'settings:get', request: undefined, value: settings },
    {
      method: 'updateSettings(patch)',
      call: (api) => api.updateSettings({ theme: 'dark' }),
      channel: 'settings:update',
      request: { theme: 'dark' },
      value: settings,
    },
    {
      method: 'updateSettings({})',
      call: (api) => api.updateSettings({}),
      channel: 'settings:update',
      request: {},
      value: settings,
    },
    { method: 'listCertificates()', call: (api) => api.listCertificates(), channel: 'cert:list', request: undefined, value: [] },
    { method: "showCertificate('site')", call: (api) => api.showCertificate('site'), channel: 'cert:show', request: { id: 'site' }, value: { id: 'site' } },
    { method: "renewCertificate('site')", call: (api) => api.renewCertificate('site'), channel: 'cert:renew', request: { id: 'site' }, value: { id: 'site', renewed: false } },
    { method: "renewCertificate('site', {})", call: (api) => api.renewCertificate('site', {}), channel: 'cert:renew', request: { id: 'site' }, value: { id: 'site', renewed: false } },
    {
      method: "renewCertificate('site', {force: true})",
      call: (api) => api.renewCertificate('site', { force: true }),
      channel: 'cert:renew',
      request: { id: 'site', force: true },
      value: { id: 'site', renewed: true },
    },
    {
      method: "renewCertificate('site', {force: false})",
      call: (api) => api.renewCertificate('site', { force: false }),
      channel: 'cert:renew',
      request: { id: 'site', force: false },
      value: { id: 'site', renewed: false },
    },
    { method: "exportCertificate('site')", call: (api) => api.exportCertificate('site'), channel: 'cert:export', request: { id: 'site' }, value: [] },
    { method: "readOrderLog('site')", call: (api) => api.readOrderLog('site'), channel: 'order:log', request: { id: 'site' }, value: [] },
    { method: 'getRenewalStatus()', call: (api) => api.getRenewalStatus(), channel: 'renewal:status', request: undefined, value: { paused: false } },
    { method: 'pauseRenewal()', call: (api) => api.pauseRenewal(), channel: 'renewal:pause', request: undefined, value: { paused: true } },
    { method: 'resumeRenewal()', call: (api) => api.resumeRenewal(), channel: 'renewal:resume', request: undefined, value: { paused: false } },
  ];

  it.each(cases)('$method sends $channel once and resolves to the unwrapped value', async ({ call, channel, request, value }) => {
    const transport = createRecordingTransport();
    transport.respond = () => ({ ok: true, value });
    const api = createCertDeskApi(transport);
    await expect(call(api)).resolves.toBe(value);
    expect(transport.invokes).toHaveLength(1);
    expect(transport.invokes[0]?.channel).toBe(channel);
    expect(transport.invokes[0]?.request).toStrictEqual(request);
  });

  it('passes the patch object through untouched', async () => {
    const transport = createRecordingTransport();
    const patch = { language: 'en' as const };
    await createCertDeskApi(transport).updateSettings(patch);
    expect(transport.invokes[0]?.request).toBe(patch);
  });

  it('does not invoke anything until a method is called', () => {
    const transport = createRecordingTransport();
    createCertDeskApi(transport);
    expect(transport.invokes).toEqual([]);
    expect(transport.subscribed).toEqual([]);
  });

  it.each(cases)('$method rejects with the plain ApiError object from {ok: false}, not an Error', async ({ call }) => {
    const transport = createRecordingTransport();
    const error: ApiError = { code: 'invalid_input', message: 'Unable to update settings, bad', remedy: 'Use dark.' };
    transport.respond = () => ({ ok: false, error });
    const reason = await rejection(call(createCertDeskApi(transport)));
    expect(reason).not.toBeInstanceOf(Error);
    expect(reason).toBe(error);
    expect(reason).toStrictEqual({ code: 'invalid_input', message: 'Unable to update settings, bad', remedy: 'Use dark.' });
  });

  it('rejects with an ApiError that has no remedy as is', async () => {
    const transport = createRecordingTransport();
    transport.respond = () => ({ ok: false, error: { code: 'forbidden', message: 'Unable to handle app:info' } });
    expect(await rejection(createCertDeskApi(transport).getAppInfo())).toStrictEqual({
      code: 'forbidden',
      message: 'Unable to handle app:info',
    });
  });

  it('passes a transport failure (IPC itself broke) through unchanged', async () => {
    const transport = createRecordingTransport();
    const broken = new Error('channel closed');
    transport.invoke = () => Promise.reject(broken);
    expect(await rejection(createCertDeskApi(transport).getSettings())).toBe(broken);
  });

  it('resolves each call with its own response when calls overlap', async () => {
    const transport = createRecordingTransport();
    transport.respond = (call) => ({ ok: true, value: call.channel });
    const api = createCertDeskApi(transport);
    const [a, b] = await Promise.all([api.getAppInfo(), api.getSettings()]);
    expect(a).toBe('app:info');
    expect(b).toBe('settings:get');
  });
});

describe('createCertDeskApi subscriptions', () => {
  it('onSettingsChanged subscribes to settings:changed and delivers each payload', () => {
    const transport = createRecordingTransport();
    const api = createCertDeskApi(transport);
    const received: Settings[] = [];
    api.onSettingsChanged((s) => received.push(s));
    expect(transport.subscribed).toEqual(['settings:changed']);
    transport.emit('settings:changed', settings);
    transport.emit('settings:changed', { language: 'en', theme: 'light' });
    expect(received).toEqual([settings, { language: 'en', theme: 'light' }]);
    expect(received[0]).toBe(settings);
  });

  it('does not deliver other channels', () => {
    const transport = createRecordingTransport();
    const received: Settings[] = [];
    createCertDeskApi(transport).onSettingsChanged((s) => received.push(s));
    transport.emit('order:event', { id: 'x' });
    expect(received).toEqual([]);
  });

  it('the returned function unsubscribes from the transport and stops delivery', () => {
    const transport = createRecordingTransport();
    const api = createCertDeskApi(transport);
    const received: Settings[] = [];
    const stop = api.onSettingsChanged((s) => received.push(s));
    transport.emit('settings:changed', settings);
    stop();
    expect(transport.unsubscribed).toEqual(['settings:changed']);
    expect(transport.listenerCount('settings:changed')).toBe(0);
    transport.emit('settings:changed', { language: 'en', theme: 'light' });
    expect(received).toEqual([settings]);
  });

  it('keeps two subscriptions independent', () => {
    const transport = createRecordingTransport();
    const api = createCertDeskApi(transport);
    const first: Settings[] = [];
    const second: Settings[] = [];
    const stopFirst = api.onSettingsChanged((s) => first.push(s));
    api.onSettingsChanged((s) => second.push(s));
    stopFirst();
    transport.emit('settings:changed', settings);
    expect(first).toEqual([]);
    expect(second).toEqual([settings]);
  });
});

describe('createCertDeskApi dashboard subscriptions', () => {
  const subscriptions: ReadonlyArray<{ method: string; channel: string; subscribe: (api: CertDeskApi, listener: (payload: unknown) => void) => () => void; payload: unknown }> = [
    { method: 'onCertificateChanged', channel: 'cert:changed', subscribe: (api, listener) => api.onCertificateChanged(listener), payload: { id: 'site' } },
    {
      method: 'onOrderEvent',
      channel: 'order:event',
      subscribe: (api, listener) => api.onOrderEvent(listener),
      payload: { time: '2025-01-01T00:00:00.000Z', certId: 'site', event: 'order_created', message: 'Created order' },
    },
    {
      method: 'onAlert',
      channel: 'alert:event',
      subscribe: (api, listener) => api.onAlert(listener),
      payload: { kind: 'recovered', certId: 'site', at: '2025-01-01T00:00:00.000Z', severity: 'info', title: { en: 'a', 'zh-CN': 'b' }, body: { en: 'c', 'zh-CN': 'd' } },
    },
    { method: 'onRenewalState', channel: 'renewal:changed', subscribe: (api, listener) => api.onRenewalState(listener), payload: { paused: true } },
  ];

  it.each(subscriptions)('$method subscribes to $channel only, delivers the very payload and unsubscribes', ({ channel, subscribe, payload }) => {
    const transport = createRecordingTransport();
    const received: unknown[] = [];
    const stop = subscribe(createCertDeskApi(transport), (p) => received.push(p));
    expect(transport.subscribed).toEqual([channel]);
    transport.emit('settings:changed', settings);
    transport.emit(channel, payload);
    expect(received).toHaveLength(1);
    expect(received[0]).toBe(payload);
    stop();
    expect(transport.unsubscribed).toEqual([channel]);
    transport.emit(channel, payload);
    expect(received).toHaveLength(1);
  });
});

describe('createCertDeskApi source', () => {
  // The E2E tests inject the function's source into a page, so it may refer to nothing outside itself.
  it('works when rebuilt from its own source text, outside this module', async () => {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const fromSource = new Function(`return (${createCertDeskApi.toString()});`) as () => typeof createCertDeskApi;
    const rebuilt = fromSource();
    const transport = createRecordingTransport();
    transport.respond = () => ({ ok: true, value: settings });
    const api = rebuilt(transport);
    await expect(api.updateSettings({ theme: 'dark' })).resolves.toBe(settings);
    transport.respond = () => ({ ok: false, error: { code: 'internal', message: 'x' } });
    expect(await rejection(api.getAppInfo())).toStrictEqual({ code: 'internal', message: 'x' });
    const received: Settings[] = [];
    api.onSettingsChanged((s) => received.push(s))();
    expect(transport.unsubscribed).toEqual(['settings:changed']);
    expect(transport.invokes.map((c) => c.channel)).toEqual(['settings:update', 'app:info']);
  });
});
