import type { StateCreator } from 'zustand/vanilla';
import type {
  AccountDto,
  AddCertificateRequest,
  ApiError,
  ChallengeConfigDto,
  DnsProviderDto,
  ExportTargetDto,
  KeyTypeDto,
  OrderLogEntryDto,
  RehearsalResultDto,
  RenewResultDto,
  Unsubscribe,
} from '../../preload/contract.ts';
import type { AppState } from './app-store.ts';
import { certificateIdFor, parseDomainList } from './domain-input.ts';
import { toApiError, type StoreDeps } from './store-deps.ts';

/** The wizard's steps, in order; `run` obtains the certificate and cannot be left backwards once it was added. */
export const wizardSteps = ['domains', 'account', 'challenge', 'key', 'review', 'run'] as const;

/** One step of the wizard. */
export type WizardStep = (typeof wizardSteps)[number];

/** How the certificate proves control of its domains, as the challenge step offers it. */
export type ChallengeChoice = 'dns-01' | 'http-01-standalone' | 'http-01-webroot';

/** The private key types, in the order offered; the first is the default. */
export const keyTypes: ReadonlyArray<KeyTypeDto> = ['ec-p256', 'ec-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096'];

/** One export target as the admin types it; `key` identifies the row while others are added or removed. */
export interface ExportDraft {
  readonly key: number;
  readonly dir: string;
  readonly format: 'pem' | 'pfx';
  /** Only sent for PFX; stored encrypted by main. */
  readonly pfxPassword: string;
  /** A deploy hook command run after each export; empty for none. */
  readonly hook: string;
}

/** Everything the wizard asks, as typed (numbers stay text until sent, so a half-typed value is never lost). */
export interface WizardDraft {
  readonly domainsText: string;
  /** The certificate id: derived from the first domain until the admin edits it. */
  readonly id: string;
  readonly idEdited: boolean;
  /** The CA account name. */
  readonly ca: string;
  readonly standbyEnabled: boolean;
  readonly standbyCa: string;
  /** Switch to the standby after this many failed attempts (empty: main's default). */
  readonly standbyAfterFailures: string;
  /** …or when this few days are left (empty: main's default). */
  readonly standbyDaysLeft: string;
  readonly challenge: ChallengeChoice;
  /** The stored DNS provider's name, for DNS-01. */
  readonly dnsProvider: string;
  readonly httpAddress: string;
  readonly httpPort: string;
  readonly webroot: string;
  readonly keyType: KeyTypeDto;
  readonly exports: ReadonlyArray<ExportDraft>;
  /** "Test on staging first": `null` follows the default (on when the CA account has a staging directory). */
  readonly stagingFirst: boolean | null;
}

/** What is wrong with a field of the draft; the component turns the code into a sentence. */
export interface WizardIssue {
  /** The field: `domains`, `id`, `ca`, `standbyCa`, `exports.<key>.dir`, … */
  readonly field: string;
  readonly code:
    | 'domains_empty'
    | 'domains_invalid'
    | 'id_invalid'
    | 'id_taken'
    | 'ca_missing'
    | 'standby_missing'
    | 'standby_same'
    | 'standby_number'
    | 'provider_missing'
    | 'wildcard_needs_dns'
    | 'address_invalid'
    | 'port_invalid'
    | 'path_not_absolute'
    | 'dir_duplicate'
    | 'pfx_password_missing';
}

/** Where the first order stands: adding the definition, the staging rehearsal, then the real order. */
export type RunStage = 'adding' | 'rehearsing' | 'ordering';

/** The Run step's state. */
export interface WizardRun {
  /** `idle` before the first start; `running`; `succeeded`; `failed` at {@link WizardRun.stage}. */
  readonly status: 'idle' | 'running' | 'succeeded' | 'failed';
  /** The stage running now, or the one that failed. */
  readonly stage: RunStage | null;
  /** The certificate's id, once a run started. */
  readonly certId: string | null;
  /** `cert:add` succeeded: the definition exists in main, so the draft can no longer be edited here. */
  readonly added: boolean;
  readonly rehearsal: RehearsalResultDto | null;
  /** The outcome of `cert:renew`; with `renewed: false` and a `reason` the run counts as failed. */
  readonly result: RenewResultDto | null;
  readonly error: ApiError | null;
  /** The certificate's order log entries that arrived during the run, oldest first. */
  readonly log: ReadonlyArray<OrderLogEntryDto>;
}

/** The state of the new-certificate wizard's draft and its first order. */
export interface WizardSlice {
  readonly wizardDraft: WizardDraft;
  readonly wizardStep: WizardStep;
  /** Steps where Next was pressed at least once: their errors show even for fields not touched. */
  readonly wizardAttempted: ReadonlyArray<WizardStep>;
  readonly wizardRun: WizardRun;
  /**
   * Changes draft fields. The id follows the first domain (see {@link effectiveId}) until a patch
   * sets `idEdited`; domains that include a wildcard switch the challenge to DNS-01.
   */
  readonly updateWizardDraft: (patch: Partial<Omit<WizardDraft, 'exports'>>) => void;
  /** Adds an empty export target (PEM) and returns its row key. */
  readonly addWizardExport: () => number;
  readonly updateWizardExport: (key: number, patch: Partial<Omit<ExportDraft, 'key'>>) => void;
  readonly removeWizardExport: (key: number) => void;
  /** The current step's issues (see {@link wizardIssues}). */
  readonly wizardIssues: (step: WizardStep) => ReadonlyArray<WizardIssue>;
  /**
   * Moves on when the current step has no issues (preselecting the first CA account or DNS provider
   * when none is chosen yet); otherwise marks the step attempted so its errors show. Returns whether it moved.
   */
  readonly nextWizardStep: () => boolean;
  /** Back one step, keeping the draft. Refused on the Run step once the certificate was added. */
  readonly previousWizardStep: () => void;
  /** Jumps back to an earlier step (the stepper, Review's "Change" links); never forwards. */
  readonly goToWizardStep: (step: WizardStep) => void;
  /**
   * Runs the first order from Review: `cert:add`, then (when "test on staging first" is on)
   * `cert:rehearse`, then `cert:renew`, collecting the certificate's order log meanwhile. Never
   * rejects: a failure stops at its stage with the error. Does nothing while a run is going.
   */
  readonly startWizardRun: () => Promise<void>;
  /** Runs the failed stage again (and the ones after it); a failed add lets the admin go back instead. */
  readonly retryWizardRun: () => Promise<void>;
  /** After a failed rehearsal: orders from the CA without the staging test. */
  readonly skipWizardRehearsal: () => Promise<void>;
  /** Starts over with an empty draft (and stops following the last run's log). */
  readonly resetWizard: () => void;
}

/** A fresh draft: EC P-256, DNS-01, HTTP on 0.0.0.0:80 when switched, no export targets. */
export function emptyWizardDraft(): WizardDraft {
  return {
    domainsText: '',
    id: '',
    idEdited: false,
    ca: '',
    standbyEnabled: false,
    standbyCa: '',
    standbyAfterFailures: '',
    standbyDaysLeft: '',
    challenge: 'dns-01',
    dnsProvider: '',
    httpAddress: '0.0.0.0',
    httpPort: '80',
    webroot: '',
    keyType: 'ec-p256',
    exports: [],
    stagingFirst: null,
  };
}

const idleRun: WizardRun = { status: 'idle', stage: null, certId: null, added: false, rehearsal: null, result: null, error: null, log: [] };

/** The names main accepts as certificate ids (main's `names.ts`). */
const idPattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** What the validation of a step needs besides the draft. */
export interface WizardContext {
  readonly accounts: ReadonlyArray<AccountDto>;
  readonly dnsProviders: ReadonlyArray<DnsProviderDto>;
  /** Ids of the certificates that exist. */
  readonly certificateIds: ReadonlyArray<string>;
}

/**
 * What keeps a step from moving on. Pure: the draft and what main holds (accounts, providers,
 * existing ids). Review and Run have none of their own; Review is reached only through the others.
 */
export function wizardIssues(step: WizardStep, draft: WizardDraft, context: WizardContext): ReadonlyArray<WizardIssue> {
  const issues: WizardIssue[] = [];
  const add = (field: string, code: WizardIssue['code']): void => {
    issues.push({ field, code });
  };
  switch (step) {
    case 'domains': {
      const list = parseDomainList(draft.domainsText);
      if (list.issues.length > 0) add('domains', 'domains_invalid');
      else if (list.domains.length === 0) add('domains', 'domains_empty');
      const id = effectiveId(draft);
      if (!idPattern.test(id) || id.includes('..')) add('id', 'id_invalid');
      else if (context.certificateIds.includes(id)) add('id', 'id_taken');
      break;
    }
    case 'account': {
      if (!context.accounts.some((a) => a.name === draft.ca)) add('ca', 'ca_missing');
      if (draft.standbyEnabled) {
        if (!context.accounts.some((a) => a.name === draft.standbyCa)) add('standbyCa', 'standby_missing');
        else if (draft.standbyCa === draft.ca) add('standbyCa', 'standby_same');
        if (!optionalWholeNumber(draft.standbyAfterFailures)) add('standbyAfterFailures', 'standby_number');
        if (!optionalWholeNumber(draft.standbyDaysLeft)) add('standbyDaysLeft', 'standby_number');
      }
      break;
    }
    case 'challenge': {
      const wildcard = parseDomainList(draft.domainsText).hasWildcard;
      if (draft.challenge === 'dns-01') {
        if (!context.dnsProviders.some((p) => p.name === draft.dnsProvider)) add('dnsProvider', 'provider_missing');
      } else if (wildcard) {
        add('challenge', 'wildcard_needs_dns');
      } else if (draft.challenge === 'http-01-standalone') {
        if (!validAddress(draft.httpAddress)) add('httpAddress', 'address_invalid');
        if (!validPort(draft.httpPort)) add('httpPort', 'port_invalid');
      } else if (!isAbsolutePath(draft.webroot)) {
        add('webroot', 'path_not_absolute');
      }
      break;
    }
    case 'key': {
      const dirs = new Set<string>();
      for (const target of draft.exports) {
        const dir = target.dir.trim();
        if (!isAbsolutePath(dir)) add(`exports.${String(target.key)}.dir`, 'path_not_absolute');
        else if (dirs.has(dir)) add(`exports.${String(target.key)}.dir`, 'dir_duplicate');
        dirs.add(dir);
        if (target.format === 'pfx' && target.pfxPassword === '') add(`exports.${String(target.key)}.pfxPassword`, 'pfx_password_missing');
      }
      break;
    }
    case 'review':
    case 'run':
      break;
  }
  return issues;
}

/** The id the certificate gets: the admin's, or the one derived from the first valid domain. */
export function effectiveId(draft: WizardDraft): string {
  if (draft.idEdited) return draft.id.trim();
  const first = parseDomainList(draft.domainsText).domains[0];
  return first === undefined ? '' : certificateIdFor(first.ascii);
}

/** Whether the run rehearses on staging first: the admin's choice, else on when the CA account has a staging directory. */
export function stagingFirstFor(draft: WizardDraft, accounts: ReadonlyArray<AccountDto>): boolean {
  const staging = accounts.find((a) => a.name === draft.ca)?.stagingDirectoryUrl !== undefined;
  return staging && (draft.stagingFirst ?? true);
}

/** The `cert:add` request the draft describes (valid domains only; validation ran before). */
export function addCertificateRequest(draft: WizardDraft): AddCertificateRequest {
  const domains = parseDomainList(draft.domainsText).domains.map((d) => d.ascii);
  const challenge: ChallengeConfigDto =
    draft.challenge === 'dns-01'
      ? { type: 'dns-01', mode: 'dns', provider: draft.dnsProvider }
      : draft.challenge === 'http-01-standalone'
        ? { type: 'http-01', mode: 'standalone', address: draft.httpAddress.trim(), port: Number(draft.httpPort) }
        : { type: 'http-01', mode: 'webroot', root: draft.webroot.trim() };
  const standby = draft.standbyEnabled
    ? {
        ca: draft.standbyCa,
        ...(draft.standbyAfterFailures.trim() === '' ? {} : { afterFailures: Number(draft.standbyAfterFailures) }),
        ...(draft.standbyDaysLeft.trim() === '' ? {} : { daysLeft: Number(draft.standbyDaysLeft) }),
      }
    : undefined;
  const exports = draft.exports.map((item) => {
    const target: ExportTargetDto = {
      dir: item.dir.trim(),
      format: item.format,
      ...(item.hook.trim() === '' ? {} : { hook: { command: item.hook.trim() } }),
    };
    return item.format === 'pfx' ? { target, pfxPassword: item.pfxPassword } : { target };
  });
  return {
    id: effectiveId(draft),
    domains,
    ca: draft.ca,
    challenge,
    keyType: draft.keyType,
    ...(standby === undefined ? {} : { standby }),
    ...(exports.length === 0 ? {} : { exports }),
  };
}

function optionalWholeNumber(text: string): boolean {
  const value = text.trim();
  return value === '' || (/^\d+$/.test(value) && Number(value) >= 1);
}

function validPort(text: string): boolean {
  const value = text.trim();
  return /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65535;
}

/** An IPv4 or IPv6 literal to listen on (`0.0.0.0`, `::`, `127.0.0.1`, `::1`); host names are not resolved here. */
function validAddress(text: string): boolean {
  const value = text.trim();
  if (/^(\d{1,3})(\.\d{1,3}){3}$/.test(value)) return value.split('.').every((part) => Number(part) <= 255);
  return /^[0-9a-f:]+$/i.test(value) && value.includes(':');
}

/** A POSIX absolute path, or a Windows one with a drive letter (`C:\certs`), since main may run on either. */
export function isAbsolutePath(text: string): boolean {
  const value = text.trim();
  return value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value);
}

/** The Wizard slice over one store's {@link StoreDeps}. */
export function createWizardSlice(deps: StoreDeps): StateCreator<AppState, [], [], WizardSlice> {
  let offLog: Unsubscribe | null = null;
  let nextExportKey = 1;
  /** Whether a run's chain of calls is going, so a double click starts one run. */
  let running = false;

  return (set, get) => {
    const context = (): WizardContext => {
      const state = get();
      return { accounts: state.accounts, dnsProviders: state.dnsProviders, certificateIds: state.certificateIds };
    };
    const setRun = (patch: Partial<WizardRun>): void => {
      set({ wizardRun: { ...get().wizardRun, ...patch } });
    };
    const followLog = (): void => {
      const api = deps.api;
      if (api === undefined || offLog !== null) return;
      offLog = api.onOrderEvent((entry) => {
        const run = get().wizardRun;
        if (run.certId === entry.certId) setRun({ log: [...run.log, entry] });
      });
    };
    /** Runs the stages from `from` on; the draft's choices were fixed when the run started. */
    const runFrom = async (from: RunStage, options: { readonly skipRehearsal?: boolean; readonly force?: boolean } = {}): Promise<void> => {
      const api = deps.api;
      const { certId } = get().wizardRun;
      if (api === undefined || certId === null || running) return;
      running = true;
      try {
        let stage: RunStage = from;
        try {
          if (stage === 'adding') {
            setRun({ status: 'running', stage, error: null, result: null });
            await api.addCertificate(addCertificateRequest(get().wizardDraft));
            setRun({ added: true });
            void get().refreshCertificate(certId);
            stage = 'rehearsing';
          }
          if (stage === 'rehearsing') {
            if (options.skipRehearsal !== true && stagingFirstFor(get().wizardDraft, get().accounts)) {
              setRun({ status: 'running', stage, error: null });
              const rehearsal = await api.rehearseCertificate(certId);
              setRun({ rehearsal });
            }
            stage = 'ordering';
          }
          setRun({ status: 'running', stage, error: null, result: null });
          const result = await api.renewCertificate(certId, options.force === true ? { force: true } : undefined);
          const obtained = result.renewed || result.meta !== undefined;
          setRun({ status: obtained ? 'succeeded' : 'failed', result });
        } catch (error) {
          setRun({ status: 'failed', stage, error: toApiError(error) });
        }
      } finally {
        running = false;
      }
    };

    return {
      wizardDraft: emptyWizardDraft(),
      wizardStep: 'domains',
      wizardAttempted: [],
      wizardRun: idleRun,
      updateWizardDraft: (patch) => {
        const draft = { ...get().wizardDraft, ...patch };
        // A wildcard can only be validated with DNS-01 (RFC 8555 §7.1.3), so it switches the method.
        const forceDns = patch.domainsText !== undefined && draft.challenge !== 'dns-01' && parseDomainList(draft.domainsText).hasWildcard;
        set({ wizardDraft: forceDns ? { ...draft, challenge: 'dns-01' } : draft });
      },
      addWizardExport: () => {
        const key = nextExportKey;
        nextExportKey += 1;
        const draft = get().wizardDraft;
        set({ wizardDraft: { ...draft, exports: [...draft.exports, { key, dir: '', format: 'pem', pfxPassword: '', hook: '' }] } });
        return key;
      },
      updateWizardExport: (key, patch) => {
        const draft = get().wizardDraft;
        set({ wizardDraft: { ...draft, exports: draft.exports.map((item) => (item.key === key ? { ...item, ...patch } : item)) } });
      },
      removeWizardExport: (key) => {
        const draft = get().wizardDraft;
        set({ wizardDraft: { ...draft, exports: draft.exports.filter((item) => item.key !== key) } });
      },
      wizardIssues: (step) => wizardIssues(step, get().wizardDraft, context()),
      nextWizardStep: () => {
        const { wizardStep: step, wizardAttempted: attempted } = get();
        if (step === 'review' || step === 'run') return false;
        if (!attempted.includes(step)) set({ wizardAttempted: [...attempted, step] });
        if (wizardIssues(step, get().wizardDraft, context()).length > 0) return false;
        const next = wizardSteps[wizardSteps.indexOf(step) + 1];
        if (next === undefined) return false;
        // Preselect the first account and provider, so the common case of one of each needs no click.
        const { wizardDraft: draft, accounts, dnsProviders } = get();
        const firstAccount = accounts[0]?.name;
        const firstProvider = dnsProviders[0]?.name;
        const defaults: Partial<WizardDraft> = {
          ...(next === 'account' && draft.ca === '' && firstAccount !== undefined ? { ca: firstAccount } : {}),
          ...(next === 'challenge' && draft.dnsProvider === '' && firstProvider !== undefined ? { dnsProvider: firstProvider } : {}),
        };
        set({ wizardStep: next, wizardDraft: { ...draft, ...defaults } });
        return true;
      },
      previousWizardStep: () => {
        const { wizardStep: step, wizardRun: run } = get();
        if (step === 'run' && (run.added || run.status === 'running')) return;
        const previous = wizardSteps[wizardSteps.indexOf(step) - 1];
        if (previous !== undefined) set({ wizardStep: previous });
      },
      goToWizardStep: (step) => {
        const { wizardStep: current, wizardRun: run } = get();
        if (current === 'run' && (run.added || run.status === 'running')) return;
        if (wizardSteps.indexOf(step) < wizardSteps.indexOf(current)) set({ wizardStep: step });
      },
      startWizardRun: async () => {
        if (running || get().wizardRun.added) return;
        // Every step is checked again: the accounts or providers may have changed since.
        const firstBad = wizardSteps.find((step) => wizardIssues(step, get().wizardDraft, context()).length > 0);
        if (firstBad !== undefined) {
          set({ wizardStep: firstBad, wizardAttempted: [...new Set([...get().wizardAttempted, firstBad])] });
          return;
        }
        set({ wizardStep: 'run', wizardRun: { ...idleRun, certId: effectiveId(get().wizardDraft) } });
        followLog();
        await runFrom('adding');
      },
      retryWizardRun: async () => {
        const run = get().wizardRun;
        if (run.status !== 'failed' || run.stage === null) return;
        await runFrom(run.stage, { force: run.stage === 'ordering' });
      },
      skipWizardRehearsal: async () => {
        const run = get().wizardRun;
        if (run.status !== 'failed' || run.stage !== 'rehearsing') return;
        await runFrom('rehearsing', { skipRehearsal: true });
      },
      resetWizard: () => {
        offLog?.();
        offLog = null;
        set({ wizardDraft: emptyWizardDraft(), wizardStep: 'domains', wizardAttempted: [], wizardRun: idleRun });
      },
    };
  };
}
