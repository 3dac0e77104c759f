import type { StateCreator } from 'zustand/vanilla';
import type {
  ApiError,
  CertificateDetailDto,
  CertificateSummaryDto,
  ExportOutcomeDto,
  RehearsalResultDto,
  RenewResultDto,
  RevocationReasonDto,
  RevokeResultDto,
  Unsubscribe,
  UpdateCertificateRequest,
  VersionDto,
} from '../../preload/contract.ts';
import type { AppState } from './app-store.ts';
import { toApiError, type StoreDeps } from './store-deps.ts';

/** What the detail page can do to a certificate; each has its own running/result/error state. */
export type DetailActionName = 'renew' | 'rehearse' | 'export' | 'revoke' | 'rollback' | 'update' | 'remove' | 'check';

/** What each action resolved to, kept to show its outcome inline. */
export interface DetailActionResults {
  readonly renew: RenewResultDto;
  readonly rehearse: RehearsalResultDto;
  readonly export: ReadonlyArray<ExportOutcomeDto>;
  readonly revoke: RevokeResultDto;
  readonly rollback: VersionDto;
  readonly update: CertificateSummaryDto;
  readonly remove: { readonly deleteFiles: boolean };
  readonly check: CertificateSummaryDto;
}

/** One action's state: running, done with its result, or failed with the bridge's error. */
export type DetailActionState<A extends DetailActionName> =
  | { readonly status: 'running' }
  | { readonly status: 'done'; readonly result: DetailActionResults[A] }
  | { readonly status: 'failed'; readonly error: ApiError };

/** The state of every action of one certificate; an action never started is absent. */
export type DetailActionStates = { readonly [A in DetailActionName]?: DetailActionState<A> };

/**
 * One certificate's detail as last read: `loading` until the first answer (a reload keeps the
 * previous `detail` on screen), `ready`, or `failed` with the error (the previous `detail`, if any,
 * stays too, so a failed reload never blanks the page).
 */
export interface DetailEntry {
  readonly status: 'loading' | 'ready' | 'failed';
  readonly detail: CertificateDetailDto | null;
  readonly error: ApiError | null;
}

/** The CA accounts and DNS providers the edit form offers; `failed` makes it fall back to free text. */
export interface DetailEditOptions {
  readonly status: 'idle' | 'loading' | 'ready' | 'failed';
  readonly accounts: ReadonlyArray<string>;
  readonly dnsProviders: ReadonlyArray<string>;
}

/** The state of one certificate's detail page (identity, versions, export targets) and its actions. */
export interface DetailSlice {
  /** Details by certificate id. */
  readonly details: Readonly<Record<string, DetailEntry>>;
  /** Action states by certificate id. */
  readonly detailActions: Readonly<Record<string, DetailActionStates>>;
  /** Choices for the edit form, loaded on first use by {@link DetailSlice.loadDetailEditOptions}. */
  readonly detailEditOptions: DetailEditOptions;
  /** Reads `cert:detail` for `id`. Never rejects: a failure lands in the entry's `error`. */
  readonly loadDetail: (id: string) => Promise<void>;
  /**
   * Loads the detail of `id` and reads it again on each `cert:changed` for it (bursts coalesce into
   * one read in flight plus at most one more). Returns the unsubscribe, for an effect's cleanup.
   */
  readonly watchDetail: (id: string) => Unsubscribe;
  /** Renews now, even when not due (`force`). */
  readonly detailRenew: (id: string) => Promise<boolean>;
  /** A dry run against the CA's staging directory; the certificate obtained is discarded. */
  readonly detailRehearse: (id: string) => Promise<boolean>;
  /** Writes the live version to every export target; shows the `exporting` step meanwhile. */
  readonly detailExport: (id: string) => Promise<boolean>;
  /** Revokes the live version at the CA with `reason` (main then renews). */
  readonly detailRevoke: (id: string, reason: RevocationReasonDto) => Promise<boolean>;
  /** Makes `version` live again. */
  readonly detailRollback: (id: string, version: number) => Promise<boolean>;
  /** Changes the stored definition (domains, key type, challenge, standby). */
  readonly detailUpdate: (request: UpdateCertificateRequest) => Promise<boolean>;
  /** Removes the certificate; its files too (moved aside by main) only with `deleteFiles`. */
  readonly detailRemove: (id: string, deleteFiles: boolean) => Promise<boolean>;
  /** Reads a monitored TLS endpoint again now. */
  readonly detailCheck: (id: string) => Promise<boolean>;
  /** Forgets an action's result or error (the admin dismissed it). A running action is kept. */
  readonly dismissDetailAction: (id: string, action: DetailActionName) => void;
  /** Loads the CA account and DNS provider names for the edit form, once. Never rejects. */
  readonly loadDetailEditOptions: () => Promise<void>;
}

/** The Detail slice over one store's {@link StoreDeps}. Each action resolves `true` on success and never rejects. */
export function createDetailSlice(deps: StoreDeps): StateCreator<AppState, [], [], DetailSlice> {
  /** Ids with a detail read in flight, and whether another change arrived meanwhile. */
  const reading = new Map<string, { again: boolean }>();

  return (set, get) => {
    const setEntry = (id: string, entry: DetailEntry): void => {
      set({ details: { ...get().details, [id]: entry } });
    };
    const setAction = <A extends DetailActionName>(id: string, action: A, state: DetailActionState<A> | undefined): void => {
      const all = get().detailActions;
      const current: DetailActionStates = all[id] ?? {};
      const next: Record<string, unknown> = { ...current };
      if (state === undefined) Reflect.deleteProperty(next, action);
      else next[action] = state;
      set({ detailActions: { ...all, [id]: next } });
    };

    /** Reads the detail once, keeping what was shown before while it loads or when it fails. */
    const readOnce = async (id: string): Promise<void> => {
      const api = deps.api;
      if (api === undefined) return;
      const previous = get().details[id];
      if (previous === undefined) setEntry(id, { status: 'loading', detail: null, error: null });
      try {
        const detail = await api.getCertificateDetail(id);
        setEntry(id, { status: 'ready', detail, error: null });
      } catch (error) {
        setEntry(id, { status: 'failed', detail: get().details[id]?.detail ?? null, error: toApiError(error) });
      }
    };

    const loadDetail = async (id: string): Promise<void> => {
      const inFlight = reading.get(id);
      if (inFlight !== undefined) {
        inFlight.again = true;
        return;
      }
      const entry = { again: false };
      reading.set(id, entry);
      try {
        let again = true;
        while (again) {
          entry.again = false;
          await readOnce(id);
          // A change that arrived while reading may not be in what was read: read once more.
          again = entry.again;
        }
      } finally {
        reading.delete(id);
      }
    };

    /**
     * Runs one action: marks it running, calls main, records the result or error, then re-reads
     * the detail and the list's summary (main changed them, and its `cert:changed` may come first).
     */
    const run = async <A extends DetailActionName>(
      id: string,
      action: A,
      call: (api: NonNullable<StoreDeps['api']>) => Promise<DetailActionResults[A]>,
      after: 'reload' | 'removed' = 'reload',
    ): Promise<boolean> => {
      const api = deps.api;
      if (api === undefined) {
        setAction(id, action, { status: 'failed', error: bridgeMissing });
        return false;
      }
      if (get().detailActions[id]?.[action]?.status === 'running') return false;
      setAction(id, action, { status: 'running' });
      try {
        const result = await call(api);
        setAction(id, action, { status: 'done', result });
        if (after === 'removed') {
          const details = { ...get().details };
          Reflect.deleteProperty(details, id);
          set({ details });
        } else {
          void loadDetail(id);
        }
        void get().refreshCertificate(id);
        return true;
      } catch (error) {
        setAction(id, action, { status: 'failed', error: toApiError(error) });
        // A failed action may still have changed something (a revocation whose renewal failed).
        if (after === 'reload') void loadDetail(id);
        return false;
      }
    };

    return {
      details: {},
      detailActions: {},
      detailEditOptions: { status: 'idle', accounts: [], dnsProviders: [] },
      loadDetail,
      watchDetail: (id) => {
        const api = deps.api;
        if (api === undefined) {
          setEntry(id, { status: 'failed', detail: null, error: bridgeMissing });
          return () => undefined;
        }
        const off = api.onCertificateChanged((change) => {
          if (change.id === id) void loadDetail(id);
        });
        void loadDetail(id);
        return off;
      },
      detailRenew: (id) => run(id, 'renew', (api) => api.renewCertificate(id, { force: true })),
      detailRehearse: (id) => run(id, 'rehearse', (api) => api.rehearseCertificate(id)),
      detailExport: async (id) => {
        // Exports run outside an order, so no order event moves the progress bar: show the step here.
        const ran = get().detailActions[id]?.export?.status !== 'running';
        if (ran) get().setProgress(id, { step: 'exporting', since: new Date().toISOString() });
        try {
          return await run(id, 'export', (api) => api.exportCertificate(id));
        } finally {
          if (ran && get().progress[id]?.step === 'exporting') get().setProgress(id, undefined);
        }
      },
      detailRevoke: (id, reason) => run(id, 'revoke', (api) => api.revokeCertificate(id, reason)),
      detailRollback: (id, version) => run(id, 'rollback', (api) => api.rollbackCertificate(id, version)),
      detailUpdate: (request) => run(request.id, 'update', (api) => api.updateCertificate(request)),
      detailRemove: (id, deleteFiles) =>
        run(
          id,
          'remove',
          async (api) => {
            await api.removeCertificate({ id, deleteFiles });
            return { deleteFiles };
          },
          'removed',
        ),
      detailCheck: (id) => run(id, 'check', (api) => api.checkMonitor(id)),
      dismissDetailAction: (id, action) => {
        if (get().detailActions[id]?.[action]?.status === 'running') return;
        setAction(id, action, undefined);
      },
      loadDetailEditOptions: async () => {
        const api = deps.api;
        const { status } = get().detailEditOptions;
        if (api === undefined || status === 'loading' || status === 'ready') return;
        set({ detailEditOptions: { ...get().detailEditOptions, status: 'loading' } });
        try {
          const [accounts, providers] = await Promise.all([api.listAccounts(), api.listDnsProviders()]);
          set({ detailEditOptions: { status: 'ready', accounts: accounts.map((a) => a.name), dnsProviders: providers.map((p) => p.name) } });
        } catch {
          // The form falls back to typing the names; main validates them either way.
          set({ detailEditOptions: { status: 'failed', accounts: [], dnsProviders: [] } });
        }
      },
    };
  };
}

/** What an action reports when the page runs without the preload (opened in a plain browser). */
const bridgeMissing: ApiError = {
  code: 'bridge_missing',
  message: 'Unable to reach CertDesk, this window has no bridge to the background service',
  remedy: 'Start CertDesk from the app instead of opening the page in a browser.',
};
