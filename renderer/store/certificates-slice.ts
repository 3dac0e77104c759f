import type { StateCreator } from 'zustand/vanilla';
import type { ApiError, CertificateSummaryDto, Unsubscribe } from '../../preload/contract.ts';
import type { AppState } from './app-store.ts';
import { nextProgress, type OrderProgress } from './order-progress.ts';
import { toApiError, type StoreDeps } from './store-deps.ts';

/** Every certificate as main lists it, kept current by main's pushes. */
export interface CertificatesSlice {
  /** Summaries by id. */
  readonly certificates: Readonly<Record<string, CertificateSummaryDto>>;
  /** Ids in main's order (managed first, then monitor-only). */
  readonly certificateIds: ReadonlyArray<string>;
  /** `idle` before the first load, `ready` once a list arrived (later refreshes keep it `ready`). */
  readonly certificatesStatus: 'idle' | 'loading' | 'ready' | 'failed';
  /** Why the last list load failed, else `null`. */
  readonly certificatesError: ApiError | null;
  /** The running order of each certificate that has one (from the `order:event` stream). */
  readonly progress: Readonly<Record<string, OrderProgress>>;
  /** Loads the whole list. Never rejects: a failure sets {@link CertificatesSlice.certificatesError}. */
  readonly loadCertificates: () => Promise<void>;
  /**
   * Reads one certificate again (`cert:show`) and puts it in place, or drops it when main no longer
   * has it. Never rejects.
   */
  readonly refreshCertificate: (id: string) => Promise<void>;
  /** Sets or clears a certificate's progress (the export action shows `exporting` itself). */
  readonly setProgress: (id: string, progress: OrderProgress | undefined) => void;
  /**
   * Subscribes to `cert:changed` (re-reads that certificate, coalescing bursts: an order writes many
   * log lines) and `order:event` (moves the progress bar), then loads the list. Returns the
   * unsubscribe, for an effect's cleanup; a no-op without a bridge.
   */
  readonly watchCertificates: () => Unsubscribe;
}

/** The certificates slice over one store's {@link StoreDeps}. */
export function createCertificatesSlice(deps: StoreDeps): StateCreator<AppState, [], [], CertificatesSlice> {
  /** Ids with a refresh in flight, and whether another change arrived meanwhile. */
  const refreshing = new Map<string, { again: boolean }>();
  return (set, get) => ({
    certificates: {},
    certificateIds: [],
    certificatesStatus: 'idle',
    certificatesError: null,
    progress: {},
    loadCertificates: async () => {
      const api = deps.api;
      if (api === undefined) return;
      if (get().certificatesStatus !== 'ready') set({ certificatesStatus: 'loading' });
      try {
        const list = await api.listCertificates();
        const certificates: Record<string, CertificateSummaryDto> = {};
        for (const summary of list) certificates[summary.id] = summary;
        set({ certificates, certificateIds: list.map((summary) => summary.id), certificatesStatus: 'ready', certificatesError: null });
      } catch (error) {
        set({ certificatesStatus: get().certificatesStatus === 'ready' ? 'ready' : 'failed', certificatesError: toApiError(error) });
      }
    },
    refreshCertificate: async (id) => {
      const api = deps.api;
      if (api === undefined) return;
      const inFlight = refreshing.get(id);
      if (inFlight !== undefined) {
        inFlight.again = true;
        return;
      }
      const entry = { again: false };
      refreshing.set(id, entry);
      try {
        let again = true;
        while (again) {
          entry.again = false;
          try {
            const summary = await api.showCertificate(id);
            const { certificates, certificateIds } = get();
            set({
              certificates: { ...certificates, [id]: summary },
              certificateIds: Object.hasOwn(certificates, id) ? certificateIds : [...certificateIds, id],
            });
          } catch (error) {
            if (toApiError(error).code !== 'not_found') throw error;
            set({ certificates: without(get().certificates, id), certificateIds: get().certificateIds.filter((other) => other !== id) });
          }
          // A change that arrived while reading means the summary read may be stale: read again.
          again = entry.again;
        }
      } catch {
        // A failed refresh keeps the last known summary; the next change or load tries again.
      } finally {
        refreshing.delete(id);
      }
    },
    setProgress: (id, progress) => {
      const rest = without(get().progress, id);
      set({ progress: progress === undefined ? rest : { ...rest, [id]: progress } });
    },
    watchCertificates: () => {
      const api = deps.api;
      if (api === undefined) return () => undefined;
      const offChanged = api.onCertificateChanged(({ id }) => {
        void get().refreshCertificate(id);
      });
      const offEvent = api.onOrderEvent((entry) => {
        const current = get().progress[entry.certId];
        const next = nextProgress(current, entry);
        if (next !== current) get().setProgress(entry.certId, next);
      });
      void get().loadCertificates();
      return () => {
        offChanged();
        offEvent();
      };
    },
  });
}

/** A copy of `record` without `key`. */
function without<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  const copy = { ...record };
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a copy keyed by certificate id
  delete copy[key];
  return copy;
}
