import type { StateCreator } from 'zustand/vanilla';
import type {
  AccountDto,
  AddAccountRequest,
  AddDnsProviderRequest,
  AddedDnsProviderDto,
  ApiError,
  CaPresetDto,
  DnsCheckResultDto,
  DnsProviderDto,
  DnsProviderKindDto,
  LocalizedText,
  PolicyEntryDto,
} from '../../preload/contract.ts';
import type { AppState } from './app-store.ts';
import { toApiError, type StoreDeps } from './store-deps.ts';

/** Where a list stands: never asked, on its way, arrived (later reloads keep `ready`), or failed. */
export type LoadState = 'idle' | 'loading' | 'ready' | 'failed';

/** A form's submission: nothing sent, on its way, or refused by main with its error. */
export type SaveState =
  | { readonly status: 'idle' }
  | { readonly status: 'saving' }
  | { readonly status: 'failed'; readonly error: ApiError };

/** What an action that changes something in main resolves to: main's answer, or its error. Never a rejection. */
export type ActionResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

/** A credentials check of one DNS provider (`dns:check`): running, passed (with the zones it reached), or failed. */
export type DnsCheckState =
  | { readonly status: 'checking' }
  | { readonly status: 'ok'; readonly result: DnsCheckResultDto }
  | { readonly status: 'failed'; readonly error: ApiError };

/** One renewal policy field's save: in flight, and main's refusal of the last value sent. */
export interface PolicyFieldState {
  readonly saving: boolean;
  readonly error: ApiError | null;
}

/** The state of Settings' CA accounts, DNS providers (with their kinds' credential fields) and renewal policy. */
export interface AdminSlice {
  /** The CA presets main offers (`ca:presets`), loaded with the accounts. */
  readonly caPresets: ReadonlyArray<CaPresetDto>;
  readonly accounts: ReadonlyArray<AccountDto>;
  readonly accountsStatus: LoadState;
  /** Why the last load of the accounts or presets failed, else `null`. */
  readonly accountsError: ApiError | null;
  /** The add-account form's submission (shared by Settings and the wizard, one form shown at a time). */
  readonly accountSave: SaveState;
  /** Removals in flight or refused, by account name. */
  readonly accountRemovals: Readonly<Record<string, SaveState>>;

  /** Every DNS provider kind with its credential fields (`dns:kinds`), loaded with the providers. */
  readonly dnsKinds: ReadonlyArray<DnsProviderKindDto>;
  readonly dnsProviders: ReadonlyArray<DnsProviderDto>;
  readonly dnsStatus: LoadState;
  readonly dnsError: ApiError | null;
  /** The add-provider form's submission. */
  readonly dnsProviderSave: SaveState;
  readonly dnsProviderRemovals: Readonly<Record<string, SaveState>>;
  /** The last credentials check of each provider, by name. */
  readonly dnsChecks: Readonly<Record<string, DnsCheckState>>;
  /** What the admin must do next for a provider just added, by name, when its kind said (acme-dns: the CNAME to create). */
  readonly dnsNotes: Readonly<Record<string, LocalizedText>>;

  /** The global renewal policy (`policy:get`): every key main knows, in main's order. */
  readonly policy: ReadonlyArray<PolicyEntryDto>;
  readonly policyStatus: LoadState;
  readonly policyError: ApiError | null;
  /** Per key: a save in flight, and main's refusal of the last value. Absent: nothing sent yet. */
  readonly policyFields: Readonly<Record<string, PolicyFieldState>>;

  /** Loads the CA presets and accounts. Never rejects; a second call while loading joins the first. */
  readonly loadAccounts: () => Promise<void>;
  /** Stores a CA account; on success it joins {@link AdminSlice.accounts}. Tracks {@link AdminSlice.accountSave}. */
  readonly addAccount: (request: AddAccountRequest) => Promise<ActionResult<AccountDto>>;
  /** Forgets a refused submission (the form was closed or reopened). */
  readonly resetAccountSave: () => void;
  /** Removes a CA account; main refuses one that certificates use. */
  readonly removeAccount: (name: string) => Promise<ActionResult<undefined>>;

  /** Loads the DNS provider kinds and the stored providers. Never rejects; joins a load in flight. */
  readonly loadDnsProviders: () => Promise<void>;
  /** Stores a DNS provider (replacing one of the same name); on success it is in {@link AdminSlice.dnsProviders}. */
  readonly addDnsProvider: (request: AddDnsProviderRequest) => Promise<ActionResult<AddedDnsProviderDto>>;
  readonly resetDnsProviderSave: () => void;
  readonly removeDnsProvider: (name: string) => Promise<ActionResult<undefined>>;
  /** Checks a provider's credentials without changing a record; the outcome lands in {@link AdminSlice.dnsChecks}. */
  readonly checkDnsProvider: (name: string) => Promise<void>;

  /** Loads the global renewal policy. Never rejects. */
  readonly loadPolicy: () => Promise<void>;
  /**
   * Sets one policy key (`value` as text, e.g. `6h`), or with `null` puts it back to its default.
   * Resolves `true` when main took it (the whole policy as main returns it replaces the old one),
   * `false` when refused (the error is in {@link AdminSlice.policyFields}).
   */
  readonly savePolicy: (key: string, value: string | null) => Promise<boolean>;
}

/** The admin slice over one store's {@link StoreDeps}. */
export function createAdminSlice(deps: StoreDeps): StateCreator<AppState, [], [], AdminSlice> {
  const inFlight: { accounts: Promise<void> | null; dns: Promise<void> | null; policy: Promise<void> | null } = { accounts: null, dns: null, policy: null };
  /** Runs `load` unless the same load is already on its way, in which case the caller joins it. */
  const joined = (which: keyof typeof inFlight, load: () => Promise<void>): Promise<void> => {
    const running = inFlight[which];
    if (running !== null) return running;
    const promise = load().finally(() => {
      inFlight[which] = null;
    });
    inFlight[which] = promise;
    return promise;
  };

  return (set, get) => ({
    caPresets: [],
    accounts: [],
    accountsStatus: 'idle',
    accountsError: null,
    accountSave: { status: 'idle' },
    accountRemovals: {},
    dnsKinds: [],
    dnsProviders: [],
    dnsStatus: 'idle',
    dnsError: null,
    dnsProviderSave: { status: 'idle' },
    dnsProviderRemovals: {},
    dnsChecks: {},
    dnsNotes: {},
    policy: [],
    policyStatus: 'idle',
    policyError: null,
    policyFields: {},

    loadAccounts: () =>
      joined('accounts', async () => {
        const api = deps.api;
        if (api === undefined) return;
        if (get().accountsStatus !== 'ready') set({ accountsStatus: 'loading' });
        try {
          const [caPresets, accounts] = await Promise.all([api.listCaPresets(), api.listAccounts()]);
          set({ caPresets, accounts, accountsStatus: 'ready', accountsError: null });
        } catch (error) {
          set({ accountsStatus: get().accountsStatus === 'ready' ? 'ready' : 'failed', accountsError: toApiError(error) });
        }
      }),
    addAccount: async (request) => {
      set({ accountSave: { status: 'saving' } });
      const result = await attempt(deps, (api) => api.addAccount(request));
      if (result.ok) {
        set({ accounts: [...get().accounts.filter((a) => a.name !== result.value.name), result.value], accountSave: { status: 'idle' } });
      } else {
        set({ accountSave: { status: 'failed', error: result.error } });
      }
      return result;
    },
    resetAccountSave: () => {
      set({ accountSave: { status: 'idle' } });
    },
    removeAccount: async (name) => {
      set({ accountRemovals: { ...get().accountRemovals, [name]: { status: 'saving' } } });
      const result = await attempt(deps, async (api) => {
        await api.removeAccount(name);
        return undefined;
      });
      if (result.ok) {
        set({ accounts: get().accounts.filter((a) => a.name !== name), accountRemovals: without(get().accountRemovals, name) });
      } else {
        set({ accountRemovals: { ...get().accountRemovals, [name]: { status: 'failed', error: result.error } } });
      }
      return result;
    },

    loadDnsProviders: () =>
      joined('dns', async () => {
        const api = deps.api;
        if (api === undefined) return;
        if (get().dnsStatus !== 'ready') set({ dnsStatus: 'loading' });
        try {
          const [dnsKinds, dnsProviders] = await Promise.all([api.listDnsProviderKinds(), api.listDnsProviders()]);
          set({ dnsKinds, dnsProviders, dnsStatus: 'ready', dnsError: null });
        } catch (error) {
          set({ dnsStatus: get().dnsStatus === 'ready' ? 'ready' : 'failed', dnsError: toApiError(error) });
        }
      }),
    addDnsProvider: async (request) => {
      set({ dnsProviderSave: { status: 'saving' } });
      const result = await attempt(deps, (api) => api.addDnsProvider(request));
      if (result.ok) {
        const others = get().dnsProviders.filter((p) => p.name !== result.value.name);
        // A replaced provider's old check result says nothing about the new credentials.
        const { note, ...stored } = result.value;
        const notes = without(get().dnsNotes, stored.name);
        set({
          dnsProviders: [...others, stored],
          dnsProviderSave: { status: 'idle' },
          dnsChecks: without(get().dnsChecks, stored.name),
          dnsNotes: note === undefined ? notes : { ...notes, [stored.name]: note },
        });
      } else {
        set({ dnsProviderSave: { status: 'failed', error: result.error } });
      }
      return result;
    },
    resetDnsProviderSave: () => {
      set({ dnsProviderSave: { status: 'idle' } });
    },
    removeDnsProvider: async (name) => {
      set({ dnsProviderRemovals: { ...get().dnsProviderRemovals, [name]: { status: 'saving' } } });
      const result = await attempt(deps, async (api) => {
        await api.removeDnsProvider(name);
        return undefined;
      });
      if (result.ok) {
        set({
          dnsProviders: get().dnsProviders.filter((p) => p.name !== name),
          dnsProviderRemovals: without(get().dnsProviderRemovals, name),
          dnsChecks: without(get().dnsChecks, name),
        });
      } else {
        set({ dnsProviderRemovals: { ...get().dnsProviderRemovals, [name]: { status: 'failed', error: result.error } } });
      }
      return result;
    },
    checkDnsProvider: async (name) => {
      set({ dnsChecks: { ...get().dnsChecks, [name]: { status: 'checking' } } });
      const result = await attempt(deps, (api) => api.checkDnsProvider(name));
      set({ dnsChecks: { ...get().dnsChecks, [name]: result.ok ? { status: 'ok', result: result.value } : { status: 'failed', error: result.error } } });
    },

    loadPolicy: () =>
      joined('policy', async () => {
        const api = deps.api;
        if (api === undefined) return;
        if (get().policyStatus !== 'ready') set({ policyStatus: 'loading' });
        try {
          const policy = await api.getPolicy();
          set({ policy, policyStatus: 'ready', policyError: null });
        } catch (error) {
          set({ policyStatus: get().policyStatus === 'ready' ? 'ready' : 'failed', policyError: toApiError(error) });
        }
      }),
    savePolicy: async (key, value) => {
      set({ policyFields: { ...get().policyFields, [key]: { saving: true, error: null } } });
      const result = await attempt(deps, (api) => api.updatePolicy({ key, value }));
      if (result.ok) {
        set({ policy: result.value, policyFields: without(get().policyFields, key) });
        return true;
      }
      set({ policyFields: { ...get().policyFields, [key]: { saving: false, error: result.error } } });
      return false;
    },
  });
}

/** Calls the bridge and folds the outcome into an {@link ActionResult}; a missing bridge is an error too. */
async function attempt<T>(deps: StoreDeps, call: (api: NonNullable<StoreDeps['api']>) => Promise<T>): Promise<ActionResult<T>> {
  const api = deps.api;
  if (api === undefined) return { ok: false, error: { code: 'bridge-missing', message: 'window.certdesk is missing' } };
  try {
    return { ok: true, value: await call(api) };
  } catch (error) {
    return { ok: false, error: toApiError(error) };
  }
}

/** A copy of `record` without `key`. */
function without<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  const copy = { ...record };
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a copy keyed by account or provider name
  delete copy[key];
  return copy;
}
