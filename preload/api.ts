import type {
  CertDeskApi,
  EventChannel,
  EventChannels,
  InvokeChannel,
  InvokeChannels,
  InvokeResult,
  Unsubscribe,
} from './contract.ts';

/**
 * How the API reaches main. The preload passes Electron's IPC; the E2E tests pass a Playwright
 * binding to the real core service in the test process.
 */
export interface Transport {
  /** Sends one request; resolves to main's {@link InvokeResult} envelope. */
  invoke(channel: string, request?: unknown): Promise<unknown>;
  subscribe(channel: string, listener: (payload: unknown) => void): Unsubscribe;
}

/**
 * Builds `window.certdesk` over a transport: one method per channel of `contract.ts`, nothing else.
 *
 * The function is self-contained (it refers to nothing outside its body) so the E2E tests can inject
 * its source into a page as is; keep it that way.
 */
export function createCertDeskApi(transport: Transport): CertDeskApi {
  const invoke = <C extends InvokeChannel>(
    channel: C,
    request?: InvokeChannels[C]['request'],
  ): Promise<InvokeChannels[C]['response']> =>
    transport.invoke(channel, request).then((envelope) => {
      const result = envelope as InvokeResult<InvokeChannels[C]['response']>;
      if (result.ok) return result.value;
      // A plain object, not an Error: the context bridge would strip `code` and `remedy` off an Error.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(result.error);
    });
  const subscribe = <E extends EventChannel>(
    channel: E,
    listener: (payload: EventChannels[E]) => void,
  ): Unsubscribe => transport.subscribe(channel, (payload) => {
      listener(payload as EventChannels[E]);
    });

  return {
    getAppInfo: () => invoke('app:info'),
    getSettings: () => invoke('settings:get'),
    updateSettings: (patch) => invoke('settings:update', patch),
    onSettingsChanged: (listener) => subscribe('settings:changed', listener),
    listCertificates: () => invoke('cert:list'),
    showCertificate: (id) => invoke('cert:show', { id }),
    // `force` is sent only when given: main rejects unknown keys, and an explicit undefined is noise.
    renewCertificate: (id, options) => invoke('cert:renew', options?.force === undefined ? { id } : { id, force: options.force }),
    exportCertificate: (id) => invoke('cert:export', { id }),
    readOrderLog: (id) => invoke('order:log', { id }),
    getRenewalStatus: () => invoke('renewal:status'),
    pauseRenewal: () => invoke('renewal:pause'),
    resumeRenewal: () => invoke('renewal:resume'),
    listCaPresets: () => invoke('ca:presets'),
    listAccounts: () => invoke('ca:list'),
    addAccount: (request) => invoke('ca:add', request),
    removeAccount: (name) => invoke('ca:remove', { name }),
    listDnsProviderKinds: () => invoke('dns:kinds'),
    listDnsProviders: () => invoke('dns:list'),
    addDnsProvider: (request) => invoke('dns:add', request),
    checkDnsProvider: (name) => invoke('dns:check', { name }),
    removeDnsProvider: (name) => invoke('dns:remove', { name }),
    addCertificate: (request) => invoke('cert:add', request),
    updateCertificate: (request) => invoke('cert:update', request),
    removeCertificate: (request) => invoke('cert:remove', request),
    getCertificateDetail: (id) => invoke('cert:detail', { id }),
    rehearseCertificate: (id) => invoke('cert:rehearse', { id }),
    rollbackCertificate: (id, version) => invoke('cert:rollback', { id, version }),
    revokeCertificate: (id, reason) => invoke('cert:revoke', reason === undefined ? { id } : { id, reason }),
    addExportTarget: (request) => invoke('export:add', request),
    removeExportTarget: (id, dir) => invoke('export:remove', { id, dir }),
    addMonitor: (request) => invoke('monitor:add', request),
    checkMonitor: (id) => invoke('monitor:check', { id }),
    getPolicy: (ca) => invoke('policy:get', ca === undefined ? undefined : { ca }),
    updatePolicy: (request) => invoke('policy:update', request),
    onCertificateChanged: (listener) => subscribe('cert:changed', listener),
    onOrderEvent: (listener) => subscribe('order:event', listener),
    onAlert: (listener) => subscribe('alert:event', listener),
    onRenewalState: (listener) => subscribe('renewal:changed', listener),
  } satisfies CertDeskApi;
}
