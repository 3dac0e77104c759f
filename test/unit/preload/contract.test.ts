import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  eventChannels,
  invokeChannels,
  locales,
  type CertDeskApi,
  type EventChannel,
  type EventChannels,
  type InvokeChannel,
  type InvokeChannels,
  type Locale,
} from '../../../preload/contract.ts';
import { createCertDeskApi } from '../../../preload/api.ts';
import { createApiHandlers, type ApiHandlers } from '../../../main/core/api.ts';
import { openConfigStore, settingsStoreFromConf } from '../../../main/core/config-store.ts';
import { CertDeskService } from '../../../main/core/service.ts';
import { createRecordingTransport } from './support/recording-transport.ts';

/**
 * Calls one method of the API. The `Record` over `keyof CertDeskApi` makes a method added to the
 * contract without a driver here a compile error, so the run below always drives every method.
 */
const drivers: { readonly [M in keyof CertDeskApi]: (api: CertDeskApi) => unknown } = {
  getAppInfo: (api) => api.getAppInfo(),
  getSettings: (api) => api.getSettings(),
  updateSettings: (api) => api.updateSettings({}),
  onSettingsChanged: (api) => api.onSettingsChanged(() => undefined),
};

/** Drives every method of `createCertDeskApi` over a recording transport; returns the channels it used. */
async function channelsUsedByPreload(): Promise<{ invoked: ReadonlySet<string>; subscribed: ReadonlySet<string>; methods: ReadonlyArray<string> }> {
  const transport = createRecordingTransport();
  const api = createCertDeskApi(transport);
  await Promise.all(Object.values(drivers).map((drive) => drive(api)));
  return {
    invoked: new Set(transport.invokes.map((call) => call.channel)),
    subscribed: new Set(transport.subscribed),
    methods: Object.keys(api),
  };
}

const sorted = (values: Iterable<string>): string[] => [...values].sort();

describe('the IPC contract', () => {
  let dataDir = '';
  let service: CertDeskService | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'certdesk-contract-'));
    service = new CertDeskService({
      info: {
        name: 'CertDesk',
        version: '0.0.0',
        platform: 'linux',
        arch: 'x64',
        dataDir,
        runtime: 'node',
        versions: { node: '22.0.0' },
      },
      settings: settingsStoreFromConf(openConfigStore(dataDir)),
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
  });

  afterAll(async () => {
    service?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function mainHandlers(): ApiHandlers {
    if (service === undefined) throw new Error('the service is created in beforeAll');
    return createApiHandlers(service);
  }

  it('lists each channel once', () => {
    expect(new Set(invokeChannels).size).toBe(invokeChannels.length);
    expect(new Set(eventChannels).size).toBe(eventChannels.length);
  });

  it('names channels noun:verb for invokes and noun:changed for events', () => {
    for (const channel of invokeChannels) expect(channel).toMatch(/^[a-z]+:[a-z]+$/);
    for (const channel of eventChannels) expect(channel).toMatch(/^[a-z]+:changed$|^[a-z]+:event$/);
  });

  it('main handles exactly the invoke channels of the contract', () => {
    expect(sorted(Object.keys(mainHandlers()))).toEqual(sorted(invokeChannels));
  });

  it('the preload invokes exactly the invoke channels and subscribes to exactly the event channels', async () => {
    const { invoked, subscribed } = await channelsUsedByPreload();
    expect(sorted(invoked)).toEqual(sorted(invokeChannels));
    expect(sorted(subscribed)).toEqual(sorted(eventChannels));
  });

  it('main, preload and contract agree on one set of invoke channels', async () => {
    const { invoked } = await channelsUsedByPreload();
    const main = sorted(Object.keys(mainHandlers()));
    expect(main).toEqual(sorted(invokeChannels));
    expect(sorted(invoked)).toEqual(main);
  });

  it('the preload exposes exactly the methods of CertDeskApi, nothing else', async () => {
    const { methods } = await channelsUsedByPreload();
    expect(sorted(methods)).toEqual(sorted(Object.keys(drivers)));
  });

  it('the preload exposes only functions (nothing else crosses the context bridge)', () => {
    const api = createCertDeskApi(createRecordingTransport());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
  });

  it('ships English first, as the fallback', () => {
    expect(locales[0]).toBe('en');
    expect(sorted(locales)).toEqual(sorted(['en', 'zh-CN'] satisfies Locale[]));
  });

  it('keeps the lists and the channel types in step (type-level)', () => {
    // Every key of the channel maps is in the runtime list, and the list holds nothing else.
    expectTypeOf<(typeof invokeChannels)[number]>().toEqualTypeOf<InvokeChannel>();
    expectTypeOf<(typeof eventChannels)[number]>().toEqualTypeOf<EventChannel>();
    expectTypeOf<Exclude<keyof InvokeChannels, (typeof invokeChannels)[number]>>().toBeNever();
    expectTypeOf<Exclude<keyof EventChannels, (typeof eventChannels)[number]>>().toBeNever();
    // Main's handler table is keyed by exactly the invoke channels.
    expectTypeOf<keyof ApiHandlers>().toEqualTypeOf<InvokeChannel>();
    // The preload implements every method of CertDeskApi with its contract signature.
    expectTypeOf(createCertDeskApi).returns.toEqualTypeOf<CertDeskApi>();
    expectTypeOf<keyof typeof drivers>().toEqualTypeOf<keyof CertDeskApi>();
    expectTypeOf<ReturnType<CertDeskApi['getAppInfo']>>().toEqualTypeOf<Promise<InvokeChannels['app:info']['response']>>();
    expectTypeOf<ReturnType<CertDeskApi['getSettings']>>().toEqualTypeOf<Promise<InvokeChannels['settings:get']['response']>>();
    expectTypeOf<Parameters<CertDeskApi['updateSettings']>[0]>().toEqualTypeOf<InvokeChannels['settings:update']['request']>();
    expectTypeOf<ReturnType<CertDeskApi['updateSettings']>>().toEqualTypeOf<Promise<InvokeChannels['settings:update']['response']>>();
    expectTypeOf<Parameters<Parameters<CertDeskApi['onSettingsChanged']>[0]>[0]>().toEqualTypeOf<EventChannels['settings:changed']>();
    expect(invokeChannels.length + eventChannels.length).toBe(Object.keys(drivers).length);
  });
});
