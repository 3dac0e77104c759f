import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  eventChannels,
  invokeChannels,
  locales,
  type AlertDto,
  type CertDeskApi,
  type CertificateSummaryDto,
  type EventChannel,
  type EventChannels,
  type ExportOutcomeDto,
  type InvokeChannel,
  type InvokeChannels,
  type Locale,
  type OrderEventName,
  type OrderLogEntryDto,
  type RenewResultDto,
} from '../../../preload/contract.ts';
import { createCertDeskApi } from '../../../preload/api.ts';
import type { Alert, AlertKind, AlertSeverity } from '../../../main/core/alerts/alerts.ts';
import { createApiHandlers, type ApiHandlers } from '../../../main/core/api.ts';
import type { CertificateSummary, ExportOutcome, RenewResult } from '../../../main/core/certificates.ts';
import { openConfigStore, settingsStoreFromConf } from '../../../main/core/config-store.ts';
import { desktopEvents, DesktopEngine } from '../../../main/core/desktop.ts';
import type { OrderEventType, OrderLogEntry } from '../../../main/core/log/order-log.ts';
import { dataPaths } from '../../../main/core/paths.ts';
import { FileSecretBox } from '../../../main/core/secrets/file-secret-box.ts';
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
  listCertificates: (api) => api.listCertificates(),
  showCertificate: (api) => api.showCertificate('example-com'),
  renewCertificate: (api) => api.renewCertificate('example-com', { force: true }),
  exportCertificate: (api) => api.exportCertificate('example-com'),
  readOrderLog: (api) => api.readOrderLog('example-com'),
  getRenewalStatus: (api) => api.getRenewalStatus(),
  pauseRenewal: (api) => api.pauseRenewal(),
  resumeRenewal: (api) => api.resumeRenewal(),
  listCaPresets: (api) => api.listCaPresets(),
  listAccounts: (api) => api.listAccounts(),
  addAccount: (api) => api.addAccount({ name: 'le', directory: 'letsencrypt', agreeTos: true }),
  removeAccount: (api) => api.removeAccount('le'),
  listDnsProviderKinds: (api) => api.listDnsProviderKinds(),
  listDnsProviders: (api) => api.listDnsProviders(),
  addDnsProvider: (api) => api.addDnsProvider({ name: 'cf', provider: 'cloudflare', credentials: { apiToken: 'token' } }),
  checkDnsProvider: (api) => api.checkDnsProvider('cf'),
  removeDnsProvider: (api) => api.removeDnsProvider('cf'),
  addCertificate: (api) => api.addCertificate({ id: 'example-com', domains: ['example.com'], ca: 'le', challenge: { type: 'dns-01', mode: 'dns', provider: 'cf' }, keyType: 'ec-p256' }),
  updateCertificate: (api) => api.updateCertificate({ id: 'example-com', keyType: 'rsa-2048' }),
  removeCertificate: (api) => api.removeCertificate({ id: 'example-com' }),
  getCertificateDetail: (api) => api.getCertificateDetail('example-com'),
  rehearseCertificate: (api) => api.rehearseCertificate('example-com'),
  rollbackCertificate: (api) => api.rollbackCertificate('example-com', 1),
  revokeCertificate: (api) => api.revokeCertificate('example-com', 'superseded'),
  addExportTarget: (api) => api.addExportTarget({ id: 'example-com', target: { dir: '/srv/certs', format: 'pem' } }),
  removeExportTarget: (api) => api.removeExportTarget('example-com', '/srv/certs'),
  addMonitor: (api) => api.addMonitor({ id: 'shop', host: 'shop.example' }),
  checkMonitor: (api) => api.checkMonitor('shop'),
  getPolicy: (api) => api.getPolicy(),
  updatePolicy: (api) => api.updatePolicy({ key: 'retry.maxAttempts', value: '5' }),
  onCertificateChanged: (api) => api.onCertificateChanged(() => undefined),
  onOrderEvent: (api) => api.onOrderEvent(() => undefined),
  onAlert: (api) => api.onAlert(() => undefined),
  onRenewalState: (api) => api.onRenewalState(() => undefined),
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
  let engine: DesktopEngine | undefined;

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
    await engine?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  function mainHandlers(): ApiHandlers {
    if (service === undefined) throw new Error('the service is created in beforeAll');
    const paths = dataPaths(dataDir);
    engine ??= new DesktopEngine({
      paths,
      conf: openConfigStore(dataDir),
      secrets: new FileSecretBox(paths.secretsDir),
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      notifiers: [],
    });
    return createApiHandlers({ service, engine });
  }

  it('lists each channel once', () => {
    expect(new Set(invokeChannels).size).toBe(invokeChannels.length);
    expect(new Set(eventChannels).size).toBe(eventChannels.length);
  });

  it('names channels noun:verb for invokes, and noun:changed or noun:event for events (DESIGN.md)', () => {
    for (const channel of invokeChannels) expect(channel).toMatch(/^[a-z]+:[a-z]+$/);
    for (const channel of eventChannels) expect(channel).toMatch(/^[a-z]+:(changed|event)$/);
  });

  it("the engine's events are event channels of the contract, and the service emits the rest", () => {
    expect(sorted([...desktopEvents, 'settings:changed'])).toEqual(sorted(eventChannels));
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
    expectTypeOf<ReturnType<CertDeskApi['listCertificates']>>().toEqualTypeOf<Promise<InvokeChannels['cert:list']['response']>>();
    expectTypeOf<ReturnType<CertDeskApi['showCertificate']>>().toEqualTypeOf<Promise<InvokeChannels['cert:show']['response']>>();
    expectTypeOf<Parameters<CertDeskApi['showCertificate']>[0]>().toEqualTypeOf<InvokeChannels['cert:show']['request']['id']>();
    expectTypeOf<ReturnType<CertDeskApi['renewCertificate']>>().toEqualTypeOf<Promise<InvokeChannels['cert:renew']['response']>>();
    expectTypeOf<NonNullable<Parameters<CertDeskApi['renewCertificate']>[1]>['force']>().toEqualTypeOf<InvokeChannels['cert:renew']['request']['force']>();
    expectTypeOf<ReturnType<CertDeskApi['exportCertificate']>>().toEqualTypeOf<Promise<InvokeChannels['cert:export']['response']>>();
    expectTypeOf<ReturnType<CertDeskApi['readOrderLog']>>().toEqualTypeOf<Promise<InvokeChannels['order:log']['response']>>();
    expectTypeOf<ReturnType<CertDeskApi['getRenewalStatus']>>().toEqualTypeOf<Promise<InvokeChannels['renewal:status']['response']>>();
    expectTypeOf<ReturnType<CertDeskApi['pauseRenewal']>>().toEqualTypeOf<Promise<InvokeChannels['renewal:pause']['response']>>();
    expectTypeOf<ReturnType<CertDeskApi['resumeRenewal']>>().toEqualTypeOf<Promise<InvokeChannels['renewal:resume']['response']>>();
    expectTypeOf<Parameters<Parameters<CertDeskApi['onCertificateChanged']>[0]>[0]>().toEqualTypeOf<EventChannels['cert:changed']>();
    expectTypeOf<Parameters<Parameters<CertDeskApi['onOrderEvent']>[0]>[0]>().toEqualTypeOf<EventChannels['order:event']>();
    expectTypeOf<Parameters<Parameters<CertDeskApi['onAlert']>[0]>[0]>().toEqualTypeOf<EventChannels['alert:event']>();
    expectTypeOf<Parameters<Parameters<CertDeskApi['onRenewalState']>[0]>[0]>().toEqualTypeOf<EventChannels['renewal:changed']>();
    expect(invokeChannels.length + eventChannels.length).toBe(Object.keys(drivers).length);
  });
});

describe('the DTOs', () => {
  // The contract imports nothing, so it declares its DTOs itself; these keep them in step with core.
  it('carry what core returns and emits (type-level)', () => {
    expectTypeOf<CertificateSummary>().toExtend<CertificateSummaryDto>();
    expectTypeOf<RenewResult>().toExtend<RenewResultDto>();
    expectTypeOf<ExportOutcome>().toExtend<ExportOutcomeDto>();
    expectTypeOf<OrderLogEntry>().toExtend<OrderLogEntryDto>();
    expectTypeOf<Alert>().toExtend<AlertDto>();
    // The closed vocabularies are the same sets, so the renderer can switch on them exhaustively.
    expectTypeOf<OrderEventName>().toEqualTypeOf<OrderEventType>();
    expectTypeOf<AlertDto['kind']>().toEqualTypeOf<AlertKind>();
    expectTypeOf<AlertDto['severity']>().toEqualTypeOf<AlertSeverity>();
    expectTypeOf<CertificateSummaryDto['status']>().toEqualTypeOf<CertificateSummary['status']>();
  });
});
