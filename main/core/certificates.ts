import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ConfLike } from './config-store.ts';
import { ConfigRepository } from './config/repository.ts';
import { keyTypes, type Account, type CertificateConfig, type ChallengeConfig, type KeyType, type MonitorConfig, type StandbyConfig } from './config/schema.ts';
import { openAccountClient, registerAccount, type AccountClient } from './acme/accounts.ts';
import { ariCertId, fetchRenewalInfo, RenewalInfoError, renewalInfoUrl } from './acme/ari.ts';
import { caPresets, resolveDirectoryUrl, type CaPreset } from './acme/presets.ts';
import { revocationReasons, type RevocationReason } from './acme/revocation.ts';
import { readJournal } from './acme/journal.ts';
import { asAcmeError, describeFailure, OrderFailedError, type Failure } from './acme/failures.ts';
import { completeAttempt, runOrder, type RunLimits } from './acme/order-runner.ts';
import type { AcmeExchange, TransportOptions } from './acme/transport.ts';
import {
  exportFailedAlert,
  expiryAlert,
  failoverAlert,
  freshAlertMemory,
  recoveredAlert,
  rehearsalFailedAlert,
  renewalFailedAlert,
  retriesStoppedAlert,
  type Alert,
} from './alerts/alerts.ts';
import { notifyAll, type Notifier } from './alerts/notifier.ts';
import { createSolver, type ManualPrompt } from './challenges/factory.ts';
import { DnsProviderService, type AddDnsProviderInput, type AddedDnsProvider } from './dns-providers.ts';
import { CertDeskError, toApiError } from './errors.ts';
import type {
  AccountDto,
  ApiError,
  CaPresetDto,
  CertificateDetailDto,
  CertificateIdentityDto,
  CertificateSummaryDto,
  ChainCertificateDto,
  ExportOutcomeDto,
  ExportTargetStatusDto,
  PolicyEntryDto,
  StandbyDto,
  VersionDto,
} from '../../preload/contract.ts';
import { isErrnoCode, modes, readIfExists, readJsonFile, writeAtomic, writeJsonAtomic } from './fs/atomic.ts';
import { appendOrderLog, followOrderLog, readOrderLog, type OrderEventType, type OrderLogEntry } from './log/order-log.ts';
import { parseImportedChain } from './monitor/imported.ts';
import { compareDeployed, probeTls } from './monitor/tls-probe.ts';
import { normalizeDomain, validateName } from './names.ts';
import type { DataPaths } from './paths.ts';
import type { Logger, SecretBox } from './ports.ts';
import { afterFailure, afterRehearsal, afterSuccess, type OutcomeAlert } from './renewal/attempts.ts';
import { dueExpiryAlerts } from './renewal/expiry-alerts.ts';
import { useStandby } from './renewal/failover.ts';
import { withCertificateLock } from './renewal/lock.ts';
import { PolicyRepository, type EffectivePolicy } from './renewal/policy.ts';
import { budgetUsage, BudgetRefusedError, checkBudget, pruneHistory, type LimitUsage, type RenewalKind } from './renewal/rate-budget.ts';
import { nextCheckAfter, renewalDecision, type AriWindow } from './renewal/renewal-window.ts';
import type { DueCertificate } from './renewal/scheduler.ts';
import { RenewalStateStore, SpendLog, type RenewalState } from './renewal/state.ts';
import { exportTargetSchema, runDeployHook, writeExportTarget, type ExportTarget } from './vault/export-target.ts';
import { pfxPasswordProblem, readPfx } from './vault/pfx.ts';
import { pemFileNames, pemSetFrom, Vault, type StoredVersion, type VersionInfo } from './vault/vault.ts';
import { describeChain, splitPemChain, type CertificateMeta } from './vault/x509.ts';

/** What the engine needs from its shell. */
export interface CertificateServiceOptions {
  readonly paths: DataPaths;
  readonly conf: ConfLike;
  readonly secrets: SecretBox;
  readonly logger: Logger;
  /** How the manual DNS provider asks the admin; the CLI prompts on its terminal. */
  readonly manualPrompt?: ManualPrompt;
  readonly clock?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly limits?: Partial<RunLimits>;
  readonly transport?: Omit<TransportOptions, 'extraCaPem' | 'onExchange'>;
  /** Called for every order log entry as it is written (IPC pushes, `--follow`). */
  readonly onEvent?: (entry: OrderLogEntry) => void;
  /**
   * Called with a certificate's id after its definition was added, edited or removed, or an export
   * target was added or removed: changes that write no order log entry (so `onEvent` misses them).
   * Must not throw.
   */
  readonly onChanged?: (id: string) => void;
  /** Where alerts go (the CLI prints them, the app shows OS notifications); none by default. */
  readonly notifiers?: ReadonlyArray<Notifier>;
  /** Randomness for the retry policy's jitter, in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
}

/** Input of `ca add`. */
export interface AddAccountInput {
  readonly name: string;
  /** A preset name (`letsencrypt`, …) or a directory URL. */
  readonly directory: string;
  readonly email?: string | undefined;
  readonly agreeTos: boolean;
  readonly eab?: { readonly kid: string; readonly hmacKey: string } | undefined;
  readonly caFile?: string | undefined;
  /** The CA's staging directory (preset or URL) for rehearsals; Let's Encrypt's is known. */
  readonly stagingDirectory?: string | undefined;
}

/** Input of `dns add`, as before; the DNS provider logic lives in `dns-providers.ts`. */
export type { AddDnsProviderInput } from './dns-providers.ts';

/** Input of `cert add`. */
export interface AddCertificateInput {
  readonly id: string;
  readonly domains: ReadonlyArray<string>;
  readonly ca: string;
  readonly challenge: ChallengeConfig;
  readonly keyType: KeyType;
  /** A second CA account to order from while the primary keeps failing. */
  readonly standby?: StandbyConfig | undefined;
}

/** Input of `cert:update`: fields left out keep their value; `standby: null` removes the standby CA. */
export interface UpdateCertificateInput {
  readonly id: string;
  readonly domains?: ReadonlyArray<string> | undefined;
  readonly ca?: string | undefined;
  readonly challenge?: ChallengeConfig | undefined;
  readonly keyType?: KeyType | undefined;
  readonly standby?: StandbyConfig | null | undefined;
}

/** An export target given with a new certificate, unvalidated, as `export add` takes it. */
export interface NewExportTarget {
  readonly target: unknown;
  readonly pfxPassword?: string | undefined;
}

/** What {@link CertificateService.removeCertificate} did. */
export interface RemoveCertificateResult {
  readonly id: string;
  /** Where `certs/<id>/` was moved to (with `deleteFiles`, when it existed). */
  readonly movedTo?: string;
}

/**
 * A certificate's state, for `cert list`/`cert show` and the UI: the DTO the IPC contract declares
 * (preload/contract.ts imports nothing, so the shape lives there once and the engine fills it).
 */
export type CertificateSummary = CertificateSummaryDto;

/** How a renewal is asked for. */
export interface RenewOptions {
  /** Renew even when the live certificate is not due yet. */
  readonly force?: boolean;
  /**
   * The scheduler's run: waits for the retry policy's next attempt time and respects a stop. The
   * admin's own `cert renew` does neither (acting is how the admin clears a stop); the CA's
   * `Retry-After` and the rate budget hold for both.
   */
  readonly scheduled?: boolean;
}

/** Outcome of a renewal. */
export interface RenewResult {
  readonly id: string;
  readonly renewed: boolean;
  /**
   * Why nothing was done, when so: `not_due`; `waiting` for the next attempt time after a failure;
   * `stopped`: automatic retries stopped until the admin acts.
   */
  readonly reason?: 'not_due' | 'waiting' | 'stopped';
  readonly nextAttemptAt?: string;
  readonly version?: number;
  /** The live certificate (absent when none was ever obtained). */
  readonly meta?: CertificateMeta;
  readonly ordersCreated?: number;
  readonly finalizeCount?: number;
  /** What each saved export target did after the renewal. */
  readonly exports?: ReadonlyArray<ExportOutcome>;
}

/** How `cert import` reads its file and what it makes of it. */
export interface ImportOptions {
  /** A PEM private key file for a managed import. */
  readonly keyFile?: string | undefined;
  /** The password of a PFX/PKCS#12 file. */
  readonly pfxPassword?: string | undefined;
  /** Makes it a certificate CertDesk renews, with these settings (its domains are adopted). */
  readonly managed?: {
    readonly ca: string;
    readonly challenge: ChallengeConfig;
    /** The key type for renewals when the imported key's is not one CertDesk generates. */
    readonly keyType?: KeyType | undefined;
    readonly standby?: StandbyConfig | undefined;
  } | undefined;
}

/** What one export target did: the files written, the hook's output, or why it failed (the contract's DTO). */
export type ExportOutcome = ExportOutcomeDto;

/** Outcome of `cert revoke`. */
export interface RevokeResult {
  readonly version: number;
  readonly serial: string;
  readonly reason: RevocationReason;
  /** Whether the revoked version was the live one (then a renewal followed). */
  readonly live: boolean;
  readonly renewal?: RenewResult;
  /** Why the renewal after revoking the live version failed (the revocation stands). */
  readonly renewalError?: ApiError;
}

/** Outcome of a staging rehearsal (`cert renew --dry-run`). */
export interface RehearsalResult {
  readonly id: string;
  readonly directoryUrl: string;
  /** The rehearsal certificate (discarded, never stored as live). */
  readonly meta: CertificateMeta;
  readonly ordersCreated: number;
}

/**
 * The certificate engine's API for the CLI and (later) IPC: CA accounts, DNS providers, certificate
 * definitions, obtaining/renewing, exporting and the order log. Electron-free.
 */
export class CertificateService {
  readonly #o: CertificateServiceOptions;
  readonly #config: ConfigRepository;
  readonly #dns: DnsProviderService;
  readonly #vault: Vault;
  readonly #policy: PolicyRepository;
  readonly #states: RenewalStateStore;
  readonly #now: () => Date;
  readonly #accounts = new Map<string, Promise<AccountClient>>();
  /** Each account's `renewalInfo` URL (RFC 9773), or `undefined` when its CA has no ARI; read once per service. */
  readonly #ariUrls = new Map<string, Promise<string | undefined>>();
  /** The last write of each certificate's `exports.json`, so two exports never interleave their read-modify-write. */
  readonly #exportRecordWrites = new Map<string, Promise<void>>();

  constructor(options: CertificateServiceOptions) {
    this.#o = options;
    this.#config = new ConfigRepository(options.conf);
    this.#dns = new DnsProviderService({ config: this.#config, secrets: options.secrets, logger: options.logger, manualPrompt: options.manualPrompt });
    this.#vault = new Vault(options.paths);
    this.#policy = new PolicyRepository(options.conf);
    this.#states = new RenewalStateStore(options.paths.renewalState);
    this.#now = options.clock ?? (() => new Date());
  }

  /** The DNS providers and their secrets (`dns:*`, `certdesk dns …`). */
  get dns(): DnsProviderService {
    return this.#dns;
  }

  /** The renewal policy in config.json (`settings get|set`). */
  get policy(): PolicyRepository {
    return this.#policy;
  }

  /** `ca add`: registers an account with the CA (RFC 8555 §7.3) and stores it. */
  async addAccount(input: AddAccountInput): Promise<Account> {
    const name = validateName('CA account name', input.name);
    if (this.#config.find('accounts', name) !== undefined) {
      throw new CertDeskError('invalid_input', `Unable to add the CA account ${name}, it exists already`, { remedy: 'Choose another name.' });
    }
    const directoryUrl = resolveDirectoryUrl(input.directory);
    const preset = (Object.keys(caPresets) as CaPreset[]).find((id) => caPresets[id].url === directoryUrl);
    const knownStaging = preset === undefined ? undefined : stagingPresets[preset];
    const stagingUrl = input.stagingDirectory !== undefined
      ? resolveDirectoryUrl(input.stagingDirectory)
      : knownStaging === undefined ? undefined : caPresets[knownStaging].url;
    const caFile = input.caFile === undefined ? undefined : path.resolve(input.caFile);
    const { accountUrl } = await registerAccount({
      name,
      directoryUrl,
      email: input.email,
      termsOfServiceAgreed: input.agreeTos,
      eab: input.eab,
      caFile,
      secrets: this.#o.secrets,
      ...(this.#o.transport === undefined ? {} : { transportOptions: this.#o.transport }),
    }).catch((error: unknown) => {
      throw asAcmeError(`register with ${directoryUrl}`, error, this.#now());
    });
    const account: Account = {
      directoryUrl,
      termsOfServiceAgreed: input.agreeTos,
      accountUrl,
      createdAt: this.#now().toISOString(),
      ...(input.email === undefined ? {} : { email: input.email }),
      ...(input.eab === undefined ? {} : { eabKid: input.eab.kid }),
      ...(caFile === undefined ? {} : { caFile }),
      ...(stagingUrl === undefined ? {} : { staging: { directoryUrl: stagingUrl } }),
    };
    this.#config.put('accounts', name, account);
    return account;
  }

  /** `ca list` */
  listAccounts(): ReadonlyArray<{ name: string } & Account> {
    return this.#config.list('accounts').map(([name, account]) => ({ name, ...account }));
  }

  /** `ca:presets`: the CA presets `ca add` takes by name, for the wizard. */
  caPresets(): ReadonlyArray<CaPresetDto> {
    return (Object.keys(caPresets) as CaPreset[]).map((id) => {
      const staging = stagingPresets[id];
      return { id, directoryUrl: caPresets[id].url, eab: caPresets[id].eab, ...(staging === undefined ? {} : { stagingDirectoryUrl: caPresets[staging].url }) };
    });
  }

  /**
   * `ca:remove`: forgets a CA account and its renewal policy overrides. Refuses with `invalid_input`,
   * naming them, while a certificate orders from it as its CA or its standby CA. The account key (and
   * EAB HMAC key) stay in the secret store: the account still exists at the CA, and adding an account
   * of the same name again uses that key. Throws `not_found` for an unknown name.
   */
  async removeAccount(name: string): Promise<void> {
    validateName('CA account name', name);
    this.#config.get('accounts', name);
    const users = this.#config.list('certificates').filter(([, config]) => config.ca === name || config.standby?.ca === name).map(([id]) => id);
    if (users.length > 0) {
      throw new CertDeskError('invalid_input', `Unable to remove the CA account ${name}, ${users.length === 1 ? 'the certificate' : 'the certificates'} ${users.join(', ')} ${users.length === 1 ? 'uses' : 'use'} it`, {
        remedy: 'Move them to another CA account (as CA and as standby) or remove them first.',
      });
    }
    const known = this.#config.list('accounts').map(([account]) => account);
    for (const [key] of this.#policy.list({ ca: name })) this.#policy.set(key, undefined, { ca: name }, known);
    this.#config.remove('accounts', name);
    const client = this.#accounts.get(name);
    this.#accounts.delete(name);
    this.#ariUrls.delete(name);
    await client?.then((open) => {
      open.transport.close();
    }, () => undefined);
  }

  /** `policy:get`: every renewal policy key with its value, globally or for one CA account (`not_found` when there is none). */
  policyEntries(ca?: string): ReadonlyArray<PolicyEntryDto> {
    if (ca === undefined) return this.#policy.show();
    return this.#policy.show({ name: ca, directoryUrl: this.#config.get('accounts', ca).directoryUrl });
  }

  /**
   * `policy:update`: sets one renewal policy key (`value` in `settings set`'s syntax, `null` for the
   * default), globally or for one CA account, validated as `settings set` does (`invalid_input`
   * naming the key and what it accepts; nothing written). Returns the entries of that scope. The
   * running scheduler keeps its check interval and concurrency until renewal is paused and resumed.
   */
  updatePolicy(key: string, value: string | null, ca?: string): ReadonlyArray<PolicyEntryDto> {
    if (ca !== undefined) this.#config.get('accounts', ca);
    this.#policy.set(key, value ?? undefined, ca === undefined ? {} : { ca }, this.#config.list('accounts').map(([name]) => name));
    return this.policyEntries(ca);
  }

  /** `dns add`: stores a DNS provider, secrets in the SecretBox (see {@link DnsProviderService.add}). */
  addDnsProvider(input: AddDnsProviderInput): Promise<AddedDnsProvider> {
    return this.#dns.add(input);
  }

  /** `dns list`: the stored DNS providers, secrets never included (see {@link DnsProviderService.list}). */
  listDnsProviders(): ReturnType<DnsProviderService['list']> {
    return this.#dns.list();
  }

  /** `cert add`: validates and stores a certificate definition (nothing is ordered yet). */
  addCertificate(input: AddCertificateInput): CertificateConfig {
    const id = this.#newCertificateId(input.id);
    const config = this.#definition(id, input, { action: 'add', createdAt: this.#now().toISOString() });
    this.#config.put('certificates', id, config);
    return config;
  }

  /**
   * `cert:add`: stores a certificate definition and its export targets together. Everything is
   * validated before anything is written — the definition as {@link addCertificate} does, each target
   * as {@link addExportTarget} does, and no two targets for one folder — so a bad target leaves
   * nothing behind. Should storing a target still fail (the secret store cannot be written), the
   * definition and the targets stored so far are removed again and the error is thrown. Nothing is
   * ordered yet. Calls `onChanged`.
   */
  async addCertificateWithExports(input: AddCertificateInput & { readonly exports?: ReadonlyArray<NewExportTarget> | undefined }): Promise<CertificateSummary> {
    const id = this.#newCertificateId(input.id);
    const targets = (input.exports ?? []).map((item) => {
      const target = this.#parseTarget(id, item.target);
      this.#checkPfxPassword(id, target, item.pfxPassword);
      return { target, pfxPassword: item.pfxPassword };
    });
    const twice = targets.find(({ target }, index) => targets.findIndex((other) => other.target.dir === target.dir) !== index);
    if (twice !== undefined) {
      throw new CertDeskError('invalid_input', `Unable to add the certificate ${id}, it has two export targets for ${twice.target.dir}`, {
        remedy: 'Give each export target its own folder.',
      });
    }
    const config = this.#definition(id, input, { action: 'add', createdAt: this.#now().toISOString() });
    this.#config.put('certificates', id, config);
    try {
      for (const { target, pfxPassword } of targets) await this.#addExportTarget(id, target, pfxPassword);
    } catch (error) {
      this.#config.remove('certificates', id);
      for (const { target } of targets) await this.#o.secrets.delete(exportSecret(id, target.dir)).catch(() => undefined);
      throw error;
    }
    this.#changed(id);
    return this.#summary(id, this.#config.get('certificates', id));
  }

  /**
   * `cert:update`: changes a managed certificate's domains, CA account, challenge, key type or
   * standby CA (`standby: null` removes it), validated as {@link addCertificate} validates them; its
   * export targets and creation time stay. The live version is untouched: with other domains it no
   * longer matches the definition, so the next renewal check orders a new one at once. Throws
   * `not_found` for an unknown id (a monitor-only certificate has no definition to edit). Calls
   * `onChanged`.
   */
  async updateCertificate(input: UpdateCertificateInput): Promise<CertificateSummary> {
    const id = validateName('certificate id', input.id);
    const current = this.#config.get('certificates', id);
    const standby = input.standby === null ? undefined : input.standby ?? current.standby;
    const config = this.#definition(
      id,
      {
        domains: input.domains ?? current.domains,
        ca: input.ca ?? current.ca,
        challenge: input.challenge ?? current.challenge,
        keyType: input.keyType ?? current.keyType,
        standby,
      },
      { action: 'update', createdAt: current.createdAt, exports: current.exports },
    );
    this.#config.put('certificates', id, config);
    this.#changed(id);
    return this.#summary(id, config);
  }

  /**
   * Validates a definition and builds what is stored: domains normalised and deduplicated, the CA
   * account(s) and DNS provider existing, no wildcard over HTTP-01, a standby other than the primary.
   * Throws `invalid_input` (or `not_found` for a missing account or provider) and writes nothing.
   */
  #definition(
    id: string,
    input: Omit<AddCertificateInput, 'id'>,
    keep: { readonly action: 'add' | 'update'; readonly createdAt: string; readonly exports?: CertificateConfig['exports'] },
  ): CertificateConfig {
    const domains = [...new Set(input.domains.map(normalizeDomain))];
    if (domains.length === 0) throw new CertDeskError('invalid_input', `Unable to ${keep.action} the certificate, it needs at least one --domain`);
    this.#config.get('accounts', input.ca);
    if (input.challenge.type === 'http-01') {
      const wildcard = domains.find((d) => d.startsWith('*.'));
      if (wildcard !== undefined) {
        throw new CertDeskError('invalid_input', `Unable to validate ${wildcard} over HTTP, wildcard certificates can only be validated with DNS-01`, {
          remedy: 'Use --dns <provider> for this certificate (RFC 8555 §7.1.3: wildcards require the dns-01 challenge).',
        });
      }
    } else {
      this.#config.get('dnsProviders', input.challenge.provider);
    }
    if (input.standby !== undefined) {
      this.#config.get('accounts', input.standby.ca);
      if (input.standby.ca === input.ca) {
        throw new CertDeskError('invalid_input', `Unable to ${keep.action} the certificate ${id}, its standby CA is its primary CA (${input.ca})`, {
          remedy: 'Name a second CA account as the standby (add one with certdesk ca add), or leave out --standby-ca.',
        });
      }
    }
    return {
      domains,
      ca: input.ca,
      challenge: input.challenge.mode === 'webroot' ? { ...input.challenge, root: path.resolve(input.challenge.root) } : input.challenge,
      keyType: input.keyType,
      ...(input.standby === undefined ? {} : { standby: input.standby }),
      ...(keep.exports === undefined ? {} : { exports: keep.exports }),
      createdAt: keep.createdAt,
    };
  }

  /**
   * `cert:remove`: forgets a certificate, managed or monitor-only, under its lock (`busy` while it is
   * being renewed, here or by another process). Its files stay in `certs/<id>/` unless `deleteFiles`:
   * then the folder is moved aside to `trash/<id>-<time>-<random>/` in the data dir, never deleted,
   * so no private key is destroyed without a copy; the admin empties the trash. A certificate added
   * later under the same id finds kept files (versions, log) again. The account keys and export
   * passwords in the secret store stay. Throws `not_found` for an unknown id. Calls `onChanged`.
   */
  async removeCertificate(id: string, options: { readonly deleteFiles?: boolean } = {}): Promise<RemoveCertificateResult> {
    const name = validateName('certificate id', id);
    const section = this.#config.find('monitors', name) !== undefined ? 'monitors' : 'certificates';
    this.#config.get(section, name);
    const result = await withCertificateLock(
      { paths: this.#o.paths, certId: name, wait: false, command: 'certdesk cert remove', onCompromised: () => undefined },
      async (): Promise<RemoveCertificateResult> => {
        // Gone already when another process removed it while this one waited for nothing (wait: false).
        this.#config.get(section, name);
        this.#config.remove(section, name);
        if (options.deleteFiles !== true) return { id: name };
        const stamp = this.#now().toISOString().replace(/[:.]/g, '-');
        const trash = path.join(this.#o.paths.dataDir, 'trash', `${name}-${stamp}-${randomBytes(4).toString('hex')}`);
        await mkdir(path.dirname(trash), { recursive: true, mode: modes.privateDir });
        try {
          await rename(this.#o.paths.certDir(name), trash);
        } catch (error) {
          if (isErrnoCode(error, 'ENOENT')) return { id: name };
          throw new CertDeskError('internal', `Unable to move the files of ${name} to ${trash}, ${error instanceof Error ? error.message : String(error)}`, {
            remedy: `The certificate is removed; move ${this.#o.paths.certDir(name)} aside by hand.`,
            cause: error,
          });
        }
        return { id: name, movedTo: trash };
      },
    );
    this.#changed(name);
    return result;
  }

  /** `cert list`: managed certificates, then monitor-only ones. */
  async listCertificates(): Promise<ReadonlyArray<CertificateSummary>> {
    return Promise.all([
      ...(() => {
        const policies = this.#policies();
        return this.#config.list('certificates').map(([id, config]) => this.#summary(id, config, { policies }));
      })(),
      ...this.#config.list('monitors').map(([id, config]) => this.#monitorSummary(id, config)),
    ]);
  }

  /** `cert show` */
  async showCertificate(id: string): Promise<CertificateSummary> {
    const monitor = this.#config.find('monitors', id);
    if (monitor !== undefined) return this.#monitorSummary(id, monitor);
    return this.#summary(id, this.#config.get('certificates', id), { budget: true });
  }

  /**
   * `cert renew`: obtains the first certificate or renews the live one when due (or when `force`).
   * Resolves only when a valid certificate is stored and live, or nothing was due; rejects with an
   * {@link OrderFailedError} (or another CertDeskError) otherwise, after recording the failure (the
   * retry policy's next attempt, or a stop) and raising the alerts it calls for.
   */
  async renew(id: string, options: RenewOptions = {}): Promise<RenewResult> {
    const config = this.#config.get('certificates', id);
    const skip = async (): Promise<RenewResult | undefined> => {
      const live = await this.#vault.current(id);
      const state = await this.#states.read(id);
      const base = { id, renewed: false, ...(live === undefined ? {} : { version: live.version, meta: live.meta }) };
      if (options.scheduled === true && state.attempts?.stopped !== undefined) return { ...base, reason: 'stopped' };
      const nextAttemptAt = state.attempts?.nextAttemptAt;
      if (options.scheduled === true && nextAttemptAt !== undefined && new Date(nextAttemptAt) > this.#now()) return { ...base, reason: 'waiting', nextAttemptAt };
      // A definition edited to other domains is not covered by the live certificate: due now.
      if (live === undefined || options.force === true || state.attempts !== undefined || live.revoked !== undefined || !sameSet(live.meta.domains, config.domains)) return undefined;
      return this.#decide(config, live.meta, state).due ? undefined : { ...base, reason: 'not_due' };
    };
    // A one-shot run (cron) asks the CA for its window too; the daemon's checks keep it fresh anyway.
    if (options.force !== true) await this.#guard(id, 'refresh the ARI window', () => this.#refreshAri(id, config));
    const skipped = await skip();
    if (skipped !== undefined) return skipped;
    // One process per certificate (app, CLI, daemon, another host on a shared data dir); a second
    // one fails `busy` (exit 3) and never starts a second order.
    return withCertificateLock(
      { paths: this.#o.paths, certId: id, wait: false, command: 'certdesk cert renew', onCompromised: () => undefined },
      // Re-checked under the lock: the process that held it may have just renewed this certificate.
      async (lock) => (await skip()) ?? this.#renewLocked(id, config, lock.signal),
    );
  }

  async #renewLocked(id: string, config: CertificateConfig, signal: AbortSignal): Promise<RenewResult> {
    const log = this.#logger(id);
    const live = await this.#vault.current(id);
    const state = await this.#states.read(id);
    const failures = state.attempts?.count ?? 0;
    const standby = config.standby !== undefined && useStandby({ standby: config.standby, failures, notAfter: live === undefined ? undefined : new Date(live.meta.notAfter), now: this.#now() })
      ? config.standby.ca
      : undefined;
    const caName = standby ?? config.ca;
    if (standby !== undefined) {
      await log('ca_failover', `Renewing from ${config.ca} failed ${failures} time(s); ordering from the standby CA ${standby}`, { from: config.ca, to: standby, failures });
      if (state.alertMemory?.failoverAlerted !== true) {
        await this.#states.update(id, (current) => ({ ...current, alertMemory: { ...(current.alertMemory ?? freshAlertMemory), failoverAlerted: true } }));
        await this.#alert(failoverAlert(id, { from: config.ca, to: standby, failures }, this.#now()));
      }
    }
    const account = await this.#account(caName);
    const policy = this.#accountPolicy(caName);
    // RFC 9773 §5: a renewal names the certificate it replaces, when the CA speaks ARI and issued it.
    const replaces = live !== undefined && live.issuedBy === caName && new Date(live.meta.notAfter) > this.#now() && (await this.#ariUrl(caName)) !== undefined
      ? ariCertId((await this.#vault.currentPemSet(id)).cert)
      : undefined;
    const renewal: RenewalKind | undefined = replaces !== undefined ? 'ari' : live !== undefined && sameSet(live.meta.domains, config.domains) ? 'same_identifiers' : undefined;
    try {
      const obtained = await this.#obtain(id, config, log, signal, {
        account,
        paths: this.#o.paths,
        spend: new SpendLog(this.#o.paths.dataDir, caName),
        limits: policy,
        replaces,
        renewal,
      });
      const stored = await this.#vault.store(id, pemSetFrom(obtained.fullchainPem, obtained.keyPem), { source: 'acme', ca: caName, keep: policy.keepVersions });
      await completeAttempt(this.#o.paths, id);
      await log('cert_obtained', `Stored version ${stored.version}, valid until ${stored.meta.notAfter}`, {
        version: stored.version,
        serial: stored.meta.serial,
        notAfter: stored.meta.notAfter,
        ordersCreated: obtained.ordersCreated,
        finalizeCount: obtained.finalizeCount,
      });
      let failures = 0;
      let raised: ReadonlyArray<OutcomeAlert> = [];
      await this.#states.update(id, (state) => {
        const outcome = afterSuccess(state);
        failures = outcome.failures;
        raised = outcome.alerts;
        return outcome.state;
      });
      if (raised.includes('recovered')) await this.#alert(recoveredAlert(id, { failures, notAfter: new Date(stored.meta.notAfter) }, this.#now()));
      // A target that fails is logged and alerted; the renewal itself stands.
      const exports = await this.#runExports(id);
      return { id, renewed: true, ...(exports.length === 0 ? {} : { exports }), version: stored.version, meta: stored.meta, ordersCreated: obtained.ordersCreated, finalizeCount: obtained.finalizeCount };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const failure = failureOf(error, this.#now());
      // The plain-language explanation and remedy travel with the entry, in every locale, so the
      // log viewer explains the failure in main's own words (the renderer keeps no copy of them).
      await log('cert_failed', message, { problem: failure.problemType, kind: failure.kind, explanation: failure.explanation, remedy: failure.remedyText });
      await this.#recordFailure(id, error, failure, policy, log);
      throw error;
    }
  }

  /** Runs one order for `id` with `options.account`, answering its challenges with the certificate's solver. */
  async #obtain(
    id: string,
    config: CertificateConfig,
    log: OrderLogger,
    signal: AbortSignal,
    options: { account: AccountClient; paths: DataPaths; spend: SpendLog; limits: EffectivePolicy; replaces: string | undefined; renewal: RenewalKind | undefined },
  ): Promise<Awaited<ReturnType<typeof runOrder>>> {
    const solver = await createSolver(config.challenge, {
      dns: this.#dns,
      logger: this.#o.logger,
      ...(this.#o.manualPrompt === undefined ? {} : { manualPrompt: this.#o.manualPrompt }),
    });
    try {
      // The account's transport is shared by every certificate renewed at once; each exchange is
      // logged to the certificate whose run made it.
      return await exchangeLog.run(log, () => runOrder({
        certId: id,
        domains: config.domains,
        keyType: config.keyType,
        account: options.account,
        solver,
        paths: options.paths,
        log,
        signal,
        replaces: options.replaces,
        beforeNewOrder: async () => {
          const now = this.#now();
          const check = checkBudget({
            limits: options.limits.rateLimits,
            history: pruneHistory(await options.spend.read(), now, options.limits.rateLimits),
            attempt: { identifiers: config.domains, ...(options.renewal === undefined ? {} : { renewal: options.renewal }) },
            now,
          });
          if (!check.allowed) throw new BudgetRefusedError(check);
        },
        onSpend: (event) => options.spend.append(event),
        ...(this.#o.clock === undefined ? {} : { clock: this.#o.clock }),
        ...(this.#o.sleep === undefined ? {} : { sleep: this.#o.sleep }),
        ...(this.#o.limits === undefined ? {} : { limits: this.#o.limits }),
      }));
    } finally {
      await solver.close?.();
    }
  }

  /** Records a failed attempt (retry policy, stop) in the certificate's state and raises its alerts. */
  async #recordFailure(id: string, error: unknown, failure: Failure, policy: EffectivePolicy, log: OrderLogger): Promise<void> {
    const now = this.#now();
    const journal = await readJournal(this.#o.paths.journal(id)).catch(() => undefined);
    const waits = [
      error instanceof BudgetRefusedError ? error.retryAt : undefined,
      journal?.notBefore === undefined ? undefined : new Date(journal.notBefore),
      failure.retryAfterMs === undefined ? undefined : new Date(now.getTime() + failure.retryAfterMs),
    ].filter((date): date is Date => date !== undefined);
    const retryAfter = waits.length === 0 ? undefined : new Date(Math.max(...waits.map((date) => date.getTime())));
    let outcome: ReturnType<typeof afterFailure> | undefined;
    await this.#states.update(id, (state) => {
      outcome = afterFailure({ state, failure, policy: policy.retry, now, random: this.#o.random ?? Math.random, retryAfter });
      return outcome.state;
    });
    if (outcome === undefined) return;
    const { next, attempt, alerts } = outcome;
    if (next.action === 'retry') {
      await log('retry_scheduled', `Attempt ${attempt} failed; the next attempt is at ${next.at.toISOString()}`, { attempt, nextAttemptAt: next.at.toISOString(), problem: failure.problemType });
    } else {
      await log('retry_scheduled', `Attempt ${attempt} failed; automatic retries stopped (${next.reason}) until the admin renews again`, { attempt, stopped: next.reason, problem: failure.problemType });
    }
    const texts = { message: failure.explanation, remedy: failure.remedyText };
    if (alerts.includes('renewal_failed')) {
      await this.#alert(renewalFailedAlert(id, { ...texts, attempt, ...(next.action === 'retry' ? { nextAttemptAt: next.at } : {}) }, now));
    }
    if (alerts.includes('retries_stopped') && next.action === 'stop') {
      await this.#alert(retriesStoppedAlert(id, { ...texts, reason: next.reason, attempts: attempt }, now));
    }
  }

  /**
   * `cert renew --dry-run`: the same order against the CA account's staging directory (Let's
   * Encrypt's is known; others are set with `ca add --staging-directory`), with a staging account
   * registered on first use. Nothing is stored as live: the rehearsal keeps its own journal and key
   * under `certs/<id>/rehearsal/` and deletes them afterwards. A failure is recorded and raises
   * `rehearsal_failed` once, so the admin hears of a broken setup before the real renewal is due.
   */
  async rehearse(id: string): Promise<RehearsalResult> {
    const config = this.#config.get('certificates', id);
    const accountConfig = this.#config.get('accounts', config.ca);
    const staging = accountConfig.staging;
    if (staging === undefined) {
      throw new CertDeskError('invalid_input', `Unable to rehearse ${id}, the CA account ${config.ca} has no staging directory`, {
        remedy: `Add the account again with --staging-directory <url> (the CA documents its staging or test directory), or renew for real: certdesk cert renew ${id}`,
      });
    }
    return withCertificateLock(
      { paths: this.#o.paths, certId: id, wait: false, command: 'certdesk cert renew --dry-run', onCompromised: () => undefined },
      async (lock) => {
        const log = this.#logger(id, { rehearsal: true });
        const stagingName = `${config.ca}.staging`;
        const rehearsalPaths: DataPaths = {
          ...this.#o.paths,
          journal: () => path.join(this.#o.paths.rehearsalDir(id), 'order.json'),
          pendingKey: () => path.join(this.#o.paths.rehearsalDir(id), 'pending', 'privkey.pem'),
        };
        try {
          const account = await this.#stagingAccount(config.ca, accountConfig, staging);
          const obtained = await this.#obtain(id, config, log, lock.signal, {
            account,
            paths: rehearsalPaths,
            spend: new SpendLog(this.#o.paths.dataDir, stagingName),
            limits: this.#policy.effective({ name: stagingName, directoryUrl: staging.directoryUrl }),
            replaces: undefined,
            renewal: undefined,
          });
          const meta = describeChain(pemSetFrom(obtained.fullchainPem, obtained.keyPem).fullchain, 'the rehearsal certificate');
          await rm(this.#o.paths.rehearsalDir(id), { recursive: true, force: true });
          await log('cert_downloaded', `Rehearsal against ${staging.directoryUrl} succeeded (discarded, valid until ${meta.notAfter})`, { directoryUrl: staging.directoryUrl });
          await this.#states.update(id, (state) => afterRehearsal(state, { ok: true, now: this.#now() }).state);
          return { id, directoryUrl: staging.directoryUrl, meta, ordersCreated: obtained.ordersCreated };
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          await log('cert_failed', `Rehearsal against ${staging.directoryUrl} failed: ${message}`, {});
          let raised: ReadonlyArray<OutcomeAlert> = [];
          await this.#states.update(id, (state) => {
            const outcome = afterRehearsal(state, { ok: false, message, now: this.#now() });
            raised = outcome.alerts;
            return outcome.state;
          });
          if (raised.includes('rehearsal_failed')) {
            const failure = error instanceof OrderFailedError ? error.failure : describeFailure({ kind: 'error', error }, this.#now());
            await this.#alert(rehearsalFailedAlert(id, { message: failure.explanation, remedy: failure.remedyText }, this.#now()));
          }
          throw error;
        }
      },
    );
  }

  /** The account's staging twin, registered with the same contact on first use. */
  async #stagingAccount(name: string, account: Account, staging: NonNullable<Account['staging']>): Promise<AccountClient> {
    const stagingName = `${name}.staging`;
    let accountUrl = staging.accountUrl;
    if (accountUrl === undefined) {
      ({ accountUrl } = await registerAccount({
        name: stagingName,
        directoryUrl: staging.directoryUrl,
        email: account.email,
        termsOfServiceAgreed: account.termsOfServiceAgreed,
        caFile: account.caFile,
        secrets: this.#o.secrets,
        ...(this.#o.transport === undefined ? {} : { transportOptions: this.#o.transport }),
      }).catch((error: unknown) => {
        throw asAcmeError(`register with the staging directory ${staging.directoryUrl}`, error, this.#now());
      }));
      this.#config.put('accounts', name, { ...account, staging: { ...staging, accountUrl } });
    }
    const base: Account = { directoryUrl: staging.directoryUrl, termsOfServiceAgreed: account.termsOfServiceAgreed, accountUrl, createdAt: account.createdAt };
    return this.#account(stagingName, {
      ...base,
      ...(account.email === undefined ? {} : { email: account.email }),
      ...(account.caFile === undefined ? {} : { caFile: account.caFile }),
    });
  }

  /**
   * One client per CA account for the service's lifetime, so renewing many certificates shares one
   * connection pool and one nonce pool (a fresh nonce only when none is left).
   */
  #account(name: string, account?: Account): Promise<AccountClient> {
    let client = this.#accounts.get(name);
    if (client === undefined) {
      client = openAccountClient(name, account ?? this.#config.get('accounts', name), this.#o.secrets, {
        ...this.#o.transport,
        onExchange: (exchange) => {
          void exchangeLog.getStore()?.('acme_request', describeExchange(exchange), { ...exchange });
        },
      });
      this.#accounts.set(name, client);
      client.catch(() => this.#accounts.delete(name));
    }
    return client;
  }

  /** The policy for certificates of one CA account (its retry and rate-limit overrides applied). */
  /**
   * {@link #accountPolicy}, read once per account for one pass over many certificates (each read
   * parses config.json, which grows with them); a later pass sees later changes.
   */
  #policies(): (name: string) => EffectivePolicy {
    const memo = new Map<string, EffectivePolicy>();
    return (name) => {
      let policy = memo.get(name);
      if (policy === undefined) {
        policy = this.#accountPolicy(name);
        memo.set(name, policy);
      }
      return policy;
    };
  }

  #accountPolicy(name: string): EffectivePolicy {
    return this.#policy.effective({ name, directoryUrl: this.#config.get('accounts', name).directoryUrl });
  }

  /** The account's `renewalInfo` URL from its CA's directory, or `undefined` when the CA has no ARI. */
  #ariUrl(name: string): Promise<string | undefined> {
    let url = this.#ariUrls.get(name);
    if (url === undefined) {
      url = this.#account(name).then(async ({ account, transport }) => renewalInfoUrl((await transport.request(account.directoryUrl, 'get')).data));
      this.#ariUrls.set(name, url);
      url.catch(() => this.#ariUrls.delete(name));
    }
    return url;
  }

  /** Releases the CA connections; the service must not be used afterwards. */
  async close(): Promise<void> {
    const clients = [...this.#accounts.values()];
    this.#accounts.clear();
    for (const client of await Promise.allSettled(clients)) {
      if (client.status === 'fulfilled') client.value.transport.close();
    }
  }

  /**
   * The scheduler's check: refreshes ARI windows that are due (RFC 9773 §4.3), reads TLS monitors
   * again, raises expiry alerts that are due, and returns when each certificate should next be
   * renewed. A failure for one certificate is logged and does not stop the others.
   */
  async maintain(): Promise<ReadonlyArray<DueCertificate>> {
    for (const [id, monitor] of this.#config.list('monitors')) {
      if (monitor.source === 'tls') {
        await this.#guard(id, 'read the monitored certificate', async () => {
          await this.checkMonitor(id);
        });
      }
    }
    const policies = this.#policies();
    // One directory read per account and pass: a CA that is down costs one failure, not one per certificate.
    const ariUrls = new Map<string, Promise<string | undefined>>();
    const ariUrl = (ca: string): Promise<string | undefined> => {
      let url = ariUrls.get(ca);
      if (url === undefined) {
        url = this.#ariUrl(ca);
        ariUrls.set(ca, url);
      }
      return url;
    };
    for (const [id, config] of this.#config.list('certificates')) {
      await this.#guard(id, 'refresh the ARI window', () => this.#refreshAri(id, config, ariUrl));
      await this.#guard(id, 'raise expiry alerts', async () => {
        const live = await this.#vault.current(id);
        if (live !== undefined) await this.#expiryAlerts(id, live.meta, { config, policy: policies(config.ca) });
      });
    }
    const global = this.#policy.effective();
    for (const [id] of this.#config.list('monitors')) {
      await this.#guard(id, 'raise expiry alerts', async () => {
        const meta = await this.#liveMeta(id);
        if (meta !== undefined) await this.#expiryAlerts(id, meta, { policy: global });
      });
    }
    return this.dueTimes();
  }

  async #guard(id: string, action: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.#o.logger.warn(`Unable to ${action} for ${id}`, { error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Fetches the CA's window for the live certificate when the stored one is stale or belongs to an older serial. */
  async #refreshAri(id: string, config: CertificateConfig, ariUrl: (ca: string) => Promise<string | undefined> = (ca) => this.#ariUrl(ca)): Promise<void> {
    const live = await this.#vault.current(id);
    const now = this.#now();
    if (live === undefined || new Date(live.meta.notAfter) <= now) return;
    const state = await this.#states.read(id);
    if (state.ari?.serial === live.meta.serial && new Date(state.ari.retryAfter) > now) return;
    const url = await ariUrl(config.ca);
    if (url === undefined) return;
    const { transport } = await this.#account(config.ca);
    const certId = ariCertId((await this.#vault.currentPemSet(id)).cert);
    try {
      const info = await fetchRenewalInfo({ renewalInfoUrl: url, certId, request: (target) => transport.request(target, 'get'), now });
      await this.#states.update(id, (current) => ({
        ...current,
        ari: {
          serial: live.meta.serial,
          start: info.window.start.toISOString(),
          end: info.window.end.toISOString(),
          retryAfter: info.retryAfter.toISOString(),
          fetchedAt: now.toISOString(),
          ...(info.explanationUrl === undefined ? {} : { explanationUrl: info.explanationUrl }),
        },
      }));
    } catch (error) {
      if (!(error instanceof RenewalInfoError)) throw error;
      // RFC 9773 §4.3.3: keep the last good window (if any) and ask again later; the policy applies meanwhile.
      this.#o.logger.warn(`Unable to refresh the ARI window of ${id}`, { error: error.message });
      await this.#states.update(id, (current) => (current.ari?.serial === live.meta.serial
        ? { ...current, ari: { ...current.ari, retryAfter: error.retryAfter.toISOString() } }
        : current));
    }
  }

  /**
   * Raises the expiry alert that is due for a certificate's live version (`config` given) or a
   * monitored one, once per threshold and serial.
   */
  async #expiryAlerts(id: string, meta: CertificateMeta, options: { readonly config?: CertificateConfig; readonly policy: EffectivePolicy }): Promise<void> {
    const { config, policy } = options;
    const state = await this.#states.read(id);
    const notAfter = new Date(meta.notAfter);
    // For a managed certificate only thresholds after its planned renewal count: an alert before
    // renewal was even due would be noise, so any alert means renewal is late.
    const renewAt = config === undefined ? undefined : this.#decide(config, meta, state, () => policy).renewAt;
    const thresholds = renewAt === undefined
      ? policy.alerts.thresholds
      : policy.alerts.thresholds.filter((days) => days * dayMs < notAfter.getTime() - renewAt.getTime());
    const sent = state.expiryAlerts?.serial === meta.serial ? state.expiryAlerts.sent : [];
    const decision = dueExpiryAlerts({ notAfter, now: this.#now(), thresholds, alreadySent: sent });
    if (decision.fire === undefined && decision.sent.length === sent.length) return;
    await this.#states.update(id, (current) => ({ ...current, expiryAlerts: { serial: meta.serial, sent: [...decision.sent] } }));
    if (decision.fire !== undefined) await this.#alert(expiryAlert(id, decision.fire, this.#now()));
  }

  /**
   * When each certificate should next be renewed, for the scheduler: now when it has no live
   * version yet, else the time `renewalDecision` gives (the CA's ARI window when it sent one, the
   * policy otherwise; or sooner, to refresh the window); never before the retry policy's next
   * attempt or the CA's `Retry-After`. Certificates whose retries stopped are left out: they wait
   * for the admin.
   */
  async dueTimes(): Promise<ReadonlyArray<DueCertificate>> {
    const now = this.#now();
    const due: DueCertificate[] = [];
    const policies = this.#policies();
    for (const [id, config] of this.#config.list('certificates')) {
      // A damaged version or state file is reported (cert show says which), not renewed blindly.
      const loaded = await Promise.all([this.#vault.current(id), this.#states.read(id)]).catch((error: unknown) => {
        this.#o.logger.warn(`Unable to plan the renewal of ${id}`, { error: error instanceof Error ? error.message : String(error) });
        return undefined;
      });
      if (loaded === undefined) continue;
      const [live, state] = loaded;
      if (state.attempts?.stopped !== undefined) continue;
      const journal = await readJournal(this.#o.paths.journal(id));
      const checkAt = live === undefined || state.attempts !== undefined || live.revoked !== undefined || !sameSet(live.meta.domains, config.domains)
        ? now
        : nextCheckAfter(this.#decisionInput(config, live.meta, state, policies));
      const waits = [checkAt.getTime(), ...[state.attempts?.nextAttemptAt, journal?.notBefore].flatMap((value) => (value === undefined ? [] : [new Date(value).getTime()]))];
      due.push({ id, dueAt: new Date(Math.max(...waits)) });
    }
    return due;
  }

  /** `cert versions <id>`: every stored version, newest first, the live one marked; damaged ones say why. */
  async listVersions(id: string): Promise<ReadonlyArray<VersionInfo>> {
    this.#config.get('certificates', id);
    return this.#vault.versions(id);
  }

  /**
   * `cert:detail`: everything the detail page shows about one certificate — its summary (as `cert
   * show`), its definition (managed only), the identity of the live version read from its
   * fullchain.pem (a monitor's: the chain it last observed), every stored version newest first, and
   * each export target with its last outcome. An identity that cannot be read (a damaged version:
   * the summary says why) is left out rather than failing the page. Throws `not_found` for an
   * unknown id, `invalid_data` when its definition in config.json is damaged.
   */
  async detail(id: string): Promise<CertificateDetailDto> {
    const summary = await this.showCertificate(id);
    const config = this.#config.find('certificates', id);
    if (config === undefined) {
      const identity = await this.#identity(this.#o.paths.observed(id));
      return { summary, ...(identity === undefined ? {} : { identity }), versions: [], exports: [] };
    }
    let live: StoredVersion | undefined;
    try {
      live = await this.#vault.current(id);
    } catch (error) {
      if (!(error instanceof CertDeskError)) throw error;
    }
    const identity = live === undefined ? undefined : await this.#identity(path.join(live.dir, pemFileNames.fullchain));
    const records = await this.#exportRecords(id);
    const exports = this.#targets(id, config).map((target): ExportTargetStatusDto => {
      const last = records.find((record) => record.dir === target.dir);
      return { target: exportTargetDto(target), ...(last === undefined ? {} : { last }) };
    });
    return {
      summary,
      config: {
        domains: config.domains,
        ca: config.ca,
        challenge: config.challenge,
        keyType: config.keyType,
        ...(config.standby === undefined ? {} : { standby: standbyDto(config.standby) }),
        createdAt: config.createdAt,
      },
      ...(identity === undefined ? {} : { identity }),
      versions: (await this.#vault.versions(id)).map(versionDto),
      exports,
    };
  }

  /** The identity of the chain in `file`, or `undefined` when there is none or it cannot be parsed (logged). */
  async #identity(file: string): Promise<CertificateIdentityDto | undefined> {
    const pem = await readIfExists(file);
    if (pem === undefined) return undefined;
    try {
      return certificateIdentity(pem, file);
    } catch (error) {
      if (!(error instanceof CertDeskError)) throw error;
      this.#o.logger.warn(error.message, {});
      return undefined;
    }
  }

  /**
   * `cert:rollback`: {@link rollback} to `version` (exported to the saved targets), described as
   * `cert:detail` lists versions. Fails as {@link rollback} does.
   */
  async rollbackTo(id: string, version: number): Promise<VersionDto> {
    const { version: live } = await this.rollback(id, version);
    const info = (await this.#vault.versions(id)).find((listed) => listed.version === live.version);
    return info === undefined
      ? versionDto({ version: live.version, storedAt: this.#now().toISOString(), meta: live.meta, live: true, source: 'acme', ...(live.issuedBy === undefined ? {} : { issuedBy: live.issuedBy }) })
      : versionDto(info);
  }

  /**
   * `cert rollback <id> [--to <n>]`: makes an older intact, unrevoked version live again (default
   * the newest one before the live version), under the certificate's lock, and exports it to the
   * saved targets. Renewal picks the certificate up again as usual (an old version may be due).
   */
  async rollback(id: string, to?: number): Promise<{ readonly version: StoredVersion; readonly exports: ReadonlyArray<ExportOutcome> }> {
    this.#config.get('certificates', id);
    const version = await withCertificateLock(
      { paths: this.#o.paths, certId: id, wait: false, command: 'certdesk cert rollback', onCompromised: () => undefined },
      () => this.#vault.rollback(id, to),
    );
    await this.#logger(id)('cert_rolled_back', `Version ${version.version} is live again (valid until ${version.meta.notAfter})`, { version: version.version });
    return { version, exports: await this.#runExports(id) };
  }

  /**
   * `cert revoke <id>`: revokes a version (default the live one) at the CA that issued it (RFC 8555
   * §7.6, signed with that CA account's key), records it in the vault, and when it was the live
   * version renews at once, so the admin is never left with a revoked certificate in place. A CA
   * that says the certificate is already revoked counts as success.
   */
  async revoke(id: string, options: { readonly reason?: RevocationReason; readonly version?: number } = {}): Promise<RevokeResult> {
    const config = this.#config.get('certificates', id);
    const reason = options.reason ?? 'unspecified';
    const revoked = await withCertificateLock(
      { paths: this.#o.paths, certId: id, wait: false, command: 'certdesk cert revoke', onCompromised: () => undefined },
      async () => {
        const live = await this.#vault.current(id);
        const target = options.version === undefined ? live : await this.#vault.version(id, options.version);
        if (target === undefined) {
          throw new CertDeskError('invalid_input', options.version === undefined ? `Unable to revoke ${id}, it has no certificate yet` : `Unable to revoke version ${options.version} of ${id}, there is no such version`, {
            remedy: `See the versions with: certdesk cert versions ${id}`,
          });
        }
        if (target.revoked !== undefined) {
          throw new CertDeskError('invalid_input', `Unable to revoke version ${target.version} of ${id}, it was revoked on ${target.revoked.at}`, { remedy: 'Nothing to do.' });
        }
        const caName = target.issuedBy ?? config.ca;
        const account = await this.#account(caName);
        const certPem = await readFile(path.join(target.dir, pemFileNames.cert), 'utf8');
        const log = this.#logger(id);
        try {
          await exchangeLog.run(log, () => account.client.revokeCertificate(certPem, revocationPayload(reason)));
        } catch (error) {
          const failure = describeFailure({ kind: 'error', error }, this.#now());
          if (failure.problemType !== 'alreadyRevoked') throw new OrderFailedError(`revoke version ${target.version} of ${id}`, failure);
        }
        const at = this.#now();
        await this.#vault.markRevoked(id, target.version, reason, at);
        await log('cert_revoked', `Revoked version ${target.version} (serial ${target.meta.serial}, reason ${reason}) at ${caName}`, { version: target.version, serial: target.meta.serial, reason, ca: caName });
        return { version: target.version, serial: target.meta.serial, live: live?.version === target.version };
      },
    );
    if (!revoked.live) return { ...revoked, reason };
    // The live certificate is revoked: clients reject it from now on, so renew at once.
    try {
      return { ...revoked, reason, renewal: await this.renew(id, { force: true }) };
    } catch (error) {
      return { ...revoked, reason, renewalError: toApiError(error) };
    }
  }

  /** The ids of every certificate CertDesk renews, for `cert renew --all`. */
  certificateIds(): ReadonlyArray<string> {
    return this.#config.list('certificates').map(([id]) => id);
  }

  /**
   * `cert import <id> --from <file>`: a certificate obtained elsewhere, from a PEM file (its key in
   * `keyFile` or in the same file) or a PFX (with `pfxPassword`). With `managed` it becomes a
   * certificate CertDesk renews: its domains are adopted, the imported version is stored as
   * version 1 (key 0600) and exported to nothing yet. Without, it is monitor-only: expiry and alerts,
   * never renewed, and no key is kept. Malformed or mismatched input is `invalid_input` naming the
   * file and what is wrong.
   */
  async importCertificate(id: string, file: string, options: ImportOptions = {}): Promise<CertificateSummary> {
    const name = this.#newCertificateId(id);
    const source = path.resolve(file);
    const bytes = await readFile(source).catch((error: unknown) => {
      throw new CertDeskError('invalid_input', `Unable to import ${source}, it cannot be read`, { remedy: 'Give the path of a PEM or PFX certificate file.', cause: error });
    });
    const { chainPem, keyPem } = await this.#readImport(source, bytes, options);
    if (options.managed === undefined) {
      await writeAtomic(this.#o.paths.observed(name), chainPem, { mode: modes.publicFile });
      const config: MonitorConfig = { source: 'import', file: source, createdAt: this.#now().toISOString() };
      this.#config.put('monitors', name, config);
      return this.#monitorSummary(name, config);
    }
    if (keyPem === undefined) {
      throw new CertDeskError('invalid_input', `Unable to import ${source} as a managed certificate, no private key was given`, {
        remedy: 'Give the key with --key-file <pem> (or import a PFX), or leave out --ca to only monitor it.',
      });
    }
    const set = pemSetFrom(chainPem, keyPem);
    const meta = describeChain(set.fullchain, source);
    const keyType = (keyTypes as ReadonlyArray<string>).includes(meta.keyType) ? meta.keyType as KeyType : options.managed.keyType ?? 'ec-p256';
    const config = this.addCertificate({ id: name, domains: meta.domains, ca: options.managed.ca, challenge: options.managed.challenge, keyType, standby: options.managed.standby });
    await this.#vault.store(name, set, { source: 'import', keep: this.#accountPolicy(config.ca).keepVersions });
    await this.#logger(name)('cert_obtained', `Imported ${source} as version 1, valid until ${meta.notAfter}`, { source, serial: meta.serial, notAfter: meta.notAfter });
    return this.#summary(name, config);
  }

  /** The chain and key of an import: a PFX (binary) or PEM text, with the key from `keyFile` or the file itself. */
  async #readImport(source: string, bytes: Buffer, options: ImportOptions): Promise<{ chainPem: string; keyPem?: string }> {
    const text = bytes.toString('utf8');
    if (!text.includes('-----BEGIN')) {
      if (options.pfxPassword === undefined) {
        throw new CertDeskError('invalid_input', `Unable to import ${source}, it is not PEM text (a PFX needs its password)`, {
          remedy: 'For a PFX/PKCS#12 file give --pfx-password <password> (or CERTDESK_PFX_PASSWORD); otherwise give a PEM file.',
        });
      }
      const pfx = readPfx(bytes, options.pfxPassword);
      return { chainPem: parseImportedChain(`${pfx.certPem}${pfx.chainPem}`, source).chainPem, ...(options.managed === undefined ? {} : { keyPem: pfx.keyPem }) };
    }
    // A PEM file may carry the key too (HAProxy's combined file); only a managed import keeps it.
    const keyBlocks = [...text.matchAll(/-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----\n?/g)].map((match) => match[0]);
    const certificates = keyBlocks.reduce((rest, block) => rest.replace(block, ''), text);
    let keyPem = keyBlocks.length === 1 ? keyBlocks[0] : undefined;
    if (keyBlocks.length > 1) throw new CertDeskError('invalid_input', `Unable to import ${source}, it holds ${keyBlocks.length} private keys`, { remedy: 'Give a file with one certificate chain and at most one key.' });
    if (options.keyFile !== undefined) {
      if (keyPem !== undefined) throw new CertDeskError('invalid_input', `Unable to import ${source}, it holds a private key and --key-file gives another`, { remedy: 'Give the key once.' });
      const keyFile = path.resolve(options.keyFile);
      keyPem = await readFile(keyFile, 'utf8').catch((error: unknown) => {
        throw new CertDeskError('invalid_input', `Unable to import the key ${keyFile}, it cannot be read`, { remedy: 'Give the path of the PEM private key.', cause: error });
      });
    }
    if (keyPem !== undefined && options.managed === undefined) {
      throw new CertDeskError('invalid_input', `Unable to import ${source} for monitoring with its private key`, {
        remedy: 'A monitored certificate needs no key and CertDesk keeps none: leave out --key-file (and the key in the file), or give --ca to manage it.',
      });
    }
    const { chainPem } = parseImportedChain(certificates, source, keyPem);
    return { chainPem, ...(keyPem === undefined ? {} : { keyPem }) };
  }

  /**
   * `monitor add <id> --host <name>`: tracks the certificate a TLS endpoint serves (with SNI), read
   * now and on every scheduler check, so the admin sees expiry and whether the deployed certificate
   * is older than the one CertDesk holds for that name. Calls `onChanged`.
   */
  async addMonitor(id: string, endpoint: { readonly host: string; readonly port?: number | undefined; readonly servername?: string | undefined }): Promise<CertificateSummary> {
    const name = this.#newCertificateId(id);
    const config: MonitorConfig = {
      source: 'tls',
      host: endpoint.host,
      port: endpoint.port ?? 443,
      ...(endpoint.servername === undefined ? {} : { servername: endpoint.servername }),
      createdAt: this.#now().toISOString(),
    };
    await this.#probe(name, config);
    this.#config.put('monitors', name, config);
    this.#changed(name);
    return this.#monitorSummary(name, config);
  }

  /** `monitor check <id>`: reads a TLS monitor's endpoint again (the scheduler does this on every check). */
  async checkMonitor(id: string): Promise<CertificateSummary> {
    const config = this.#config.get('monitors', id);
    if (config.source === 'tls') await this.#probe(id, config);
    return this.#monitorSummary(id, config);
  }

  async #probe(id: string, config: Extract<MonitorConfig, { source: 'tls' }>): Promise<void> {
    const served = await probeTls({ host: config.host, port: config.port, ...(config.servername === undefined ? {} : { servername: config.servername }) });
    if ((await readIfExists(this.#o.paths.observed(id))) !== served.chainPem) {
      await writeAtomic(this.#o.paths.observed(id), served.chainPem, { mode: modes.publicFile });
    }
  }

  /** `monitor remove <id>` / `cert remove`-like: stops tracking a monitor-only certificate (its files stay). */
  removeMonitor(id: string): void {
    this.#config.get('monitors', id);
    this.#config.remove('monitors', id);
  }

  /**
   * `cert export <id> --to <dir>`: writes the live version once to `dir` (created if missing, 0755)
   * in `format` — every file atomic, keys 0600, read back to verify. No hook runs; the saved
   * targets are untouched. Throws `export_failed` with what went wrong.
   */
  async exportCertificate(id: string, request: { readonly dir: string; readonly format?: 'pem' | 'pfx'; readonly pfxPassword?: string | undefined; readonly pfxLegacy?: boolean | undefined }): Promise<ExportOutcome> {
    this.#config.get('certificates', id);
    const target = this.#parseTarget(id, {
      dir: path.resolve(request.dir),
      format: request.format ?? 'pem',
      ...(request.pfxLegacy === true ? { pfxLegacy: true } : {}),
    });
    await mkdir(target.dir, { recursive: true, mode: modes.publicDir });
    const outcome = await this.#exportTo(id, target, request.pfxPassword, { hook: false });
    if (!outcome.ok) throw new CertDeskError('export_failed', outcome.error ?? `Unable to export ${id} to ${target.dir}`, { remedy: 'Check that the folder is writable and has space, then export again.' });
    return outcome;
  }

  /**
   * `cert export <id>` without `--to`: writes the live version to every saved target and runs their
   * deploy hooks (also done after every renewal and rollback). A failing target is logged and
   * alerted and leaves its old files; the others still run.
   */
  async exportToTargets(id: string): Promise<ReadonlyArray<ExportOutcome>> {
    this.#config.get('certificates', id);
    return this.#runExports(id);
  }

  /** `export add`: saves an export target for a certificate (the PFX password goes to the secret store). Calls `onChanged`. */
  async addExportTarget(id: string, input: unknown, pfxPassword?: string): Promise<ExportTarget> {
    const target = await this.#addExportTarget(id, input, pfxPassword);
    this.#changed(id);
    return target;
  }

  async #addExportTarget(id: string, input: unknown, pfxPassword: string | undefined): Promise<ExportTarget> {
    const config = this.#config.get('certificates', id);
    const target = this.#parseTarget(id, input);
    const targets = this.#targets(id, config);
    if (targets.some((existing) => existing.dir === target.dir)) {
      throw new CertDeskError('invalid_input', `Unable to add the export target ${target.dir} to ${id}, it has one for that folder already`, {
        remedy: `Remove it first: certdesk export remove ${id} --to ${target.dir}`,
      });
    }
    const password = this.#checkPfxPassword(id, target, pfxPassword);
    if (password !== undefined) await this.#o.secrets.put(exportSecret(id, target.dir), password);
    this.#config.put('certificates', id, { ...config, exports: [...targets, target] });
    return target;
  }

  /** A PFX target's password, checked (`invalid_input` when missing or unusable); `undefined` for a PEM target. */
  #checkPfxPassword(id: string, target: ExportTarget, pfxPassword: string | undefined): string | undefined {
    if (target.format !== 'pfx') return undefined;
    const problem = pfxPassword === undefined ? 'a PFX target needs a password' : pfxPasswordProblem(pfxPassword);
    if (problem !== undefined || pfxPassword === undefined) {
      throw new CertDeskError('invalid_input', `Unable to add the export target ${target.dir} to ${id}, ${problem ?? 'a PFX target needs a password'}`, {
        remedy: 'Give --pfx-password <password> (or set CERTDESK_PFX_PASSWORD); it is kept encrypted, never in config.json.',
      });
    }
    return pfxPassword;
  }

  /** `export list` */
  listExportTargets(id: string): ReadonlyArray<ExportTarget> {
    return this.#targets(id, this.#config.get('certificates', id));
  }

  /** `export remove`: forgets a target (its files stay where they are) and its PFX password. */
  async removeExportTarget(id: string, dir: string): Promise<void> {
    const config = this.#config.get('certificates', id);
    const targets = this.#targets(id, config);
    const resolved = path.resolve(dir);
    if (!targets.some((target) => target.dir === resolved)) {
      throw new CertDeskError('invalid_input', `Unable to remove the export target ${resolved} of ${id}, there is none for that folder`, {
        remedy: `See them with: certdesk export list ${id}`,
      });
    }
    this.#config.put('certificates', id, { ...config, exports: targets.filter((target) => target.dir !== resolved) });
    await this.#o.secrets.delete(exportSecret(id, resolved));
    // Its last outcome goes too, so a target added again for that folder starts without one.
    await this.#updateExportRecords(id, (records) => records.filter((record) => record.dir !== resolved)).catch((error: unknown) => {
      this.#o.logger.warn(`Unable to forget the last export of ${id} to ${resolved}`, { error: error instanceof Error ? error.message : String(error) });
    });
    this.#changed(id);
  }

  #parseTarget(id: string, input: unknown): ExportTarget {
    const parsed = exportTargetSchema.safeParse(input);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : ` (${issue.path.join('.') || 'target'}: ${issue.message})`;
    throw new CertDeskError('invalid_input', `Unable to use the export target for ${id}, it is not valid${where}`, {
      remedy: 'Give an absolute folder, --format pem|pfx, and file names without folders.',
    });
  }

  /** The saved targets of a certificate, validated (a hand-edited bad one is `invalid_data`). */
  #targets(id: string, config: CertificateConfig): ExportTarget[] {
    return (config.exports ?? []).map((raw, index) => {
      const parsed = exportTargetSchema.safeParse(raw);
      if (parsed.success) return parsed.data;
      throw new CertDeskError('invalid_data', `Unable to read export target ${index + 1} of ${id} from ${this.#o.conf.path}, it is not valid`, {
        remedy: `Remove it (certdesk export remove ${id} --to <dir>) and add it again.`,
      });
    });
  }

  /** Writes the live version to every saved target and runs their hooks; logs and alerts failures; never throws. */
  async #runExports(id: string): Promise<ExportOutcome[]> {
    const config = this.#config.find('certificates', id);
    if (config === undefined) return [];
    let targets: ExportTarget[];
    try {
      targets = this.#targets(id, config);
    } catch (error) {
      await this.#logger(id)('export_failed', error instanceof Error ? error.message : String(error), {});
      return [];
    }
    const outcomes: ExportOutcome[] = [];
    const records: ExportRecord[] = [];
    for (const target of targets) {
      const password = target.format === 'pfx' ? await this.#o.secrets.get(exportSecret(id, target.dir)) : undefined;
      const outcome = await this.#exportTo(id, target, password, { hook: true });
      outcomes.push(outcome);
      records.push({ ...outcome, at: this.#now().toISOString() });
    }
    if (records.length > 0) {
      try {
        await this.#updateExportRecords(id, (previous) => [...previous.filter((old) => !records.some((record) => record.dir === old.dir)), ...records]);
      } catch (error) {
        // The exports themselves happened (and are in the order log); only the detail page's "last outcome" is stale.
        this.#o.logger.warn(`Unable to record the export outcomes of ${id}`, { error: error instanceof Error ? error.message : String(error) });
      }
    }
    return outcomes;
  }

  /**
   * Each export target's last outcome, from `certs/<id>/exports.json`; none when the file does not
   * exist. A damaged file is logged and read as empty: it only feeds the detail page, and the next
   * export rewrites it.
   */
  async #exportRecords(id: string): Promise<ExportRecord[]> {
    const file = exportRecordsFile(this.#o.paths, id);
    try {
      const stored = await readJsonFile(file, exportRecordsSchema, () => new CertDeskError('invalid_data', `Unable to read ${file}, it is not a valid record of exports`));
      return (stored?.targets ?? []).map(exportRecordFrom);
    } catch (error) {
      if (!(error instanceof CertDeskError)) throw error;
      this.#o.logger.warn(error.message, {});
      return [];
    }
  }

  /** Rewrites `certs/<id>/exports.json` atomically with `update`'s records; one update at a time per certificate in this process. */
  #updateExportRecords(id: string, update: (records: ExportRecord[]) => ExportRecord[]): Promise<void> {
    const previous = this.#exportRecordWrites.get(id) ?? Promise.resolve();
    const next = previous.then(async () => {
      const records = update(await this.#exportRecords(id));
      await writeJsonAtomic(exportRecordsFile(this.#o.paths, id), { version: 1, targets: records }, { mode: modes.secretFile });
    });
    const settled = next.catch(() => undefined);
    this.#exportRecordWrites.set(id, settled);
    void settled.then(() => {
      if (this.#exportRecordWrites.get(id) === settled) this.#exportRecordWrites.delete(id);
    });
    return next;
  }

  /** One target: write, verify, run its hook; the outcome says what failed (logged and alerted). */
  async #exportTo(id: string, target: ExportTarget, pfxPassword: string | undefined, options: { readonly hook: boolean }): Promise<ExportOutcome> {
    const log = this.#logger(id);
    const now = (): Date => this.#now();
    let written: Awaited<ReturnType<typeof writeExportTarget>>;
    let live: StoredVersion | undefined;
    try {
      live = await this.#vault.current(id);
      if (live === undefined) {
        throw new CertDeskError('invalid_input', `Unable to export ${id}, it has no certificate yet`, { remedy: `Obtain it first: certdesk cert renew ${id}` });
      }
      written = await writeExportTarget(target, { certId: id, version: live.version, domains: live.meta.domains, set: await this.#vault.currentPemSet(id), pfxPassword });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await log('export_failed', message, { dir: target.dir, format: target.format });
      if (options.hook) await this.#alert(exportFailedAlert(id, { target: target.dir, message, hook: false }, now()));
      return { dir: target.dir, format: target.format, ok: false, error: message };
    }
    await log('cert_exported', `Exported version ${live.version} to ${target.dir} (${target.format})`, { dir: target.dir, format: target.format, files: written.files });
    const outcome: ExportOutcome = { dir: target.dir, format: target.format, ok: true, files: written.files };
    if (!options.hook || target.hook === undefined) return outcome;
    try {
      const { output } = await runDeployHook(target.hook, { certId: id, version: live.version, domains: live.meta.domains, dir: target.dir, files: written.paths });
      // The command itself is not logged: it may carry a token.
      await log('hook_run', `Ran the deploy hook for ${target.dir}`, { dir: target.dir, output });
      return { ...outcome, hook: { ok: true, output } };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await log('hook_failed', message, { dir: target.dir });
      await this.#alert(exportFailedAlert(id, { target: target.dir, message, hook: true }, now()));
      return { ...outcome, ok: false, error: message, hook: { ok: false, output: message } };
    }
  }

  /** `log <id>` */
  async readLog(id: string): Promise<{ entries: OrderLogEntry[]; skipped: number }> {
    this.#config.get('certificates', id);
    return readOrderLog(this.#o.paths.log(id));
  }

  /** `log <id> --follow` */
  followLog(id: string, signal: AbortSignal): AsyncGenerator<OrderLogEntry> {
    this.#config.get('certificates', id);
    return followOrderLog(this.#o.paths.log(id), signal);
  }

  /** Validates a new id, unique across renewed and monitor-only certificates (they share `certs/<id>/`). */
  #newCertificateId(input: string): string {
    const id = validateName('certificate id', input);
    if (this.#config.find('certificates', id) !== undefined || this.#config.find('monitors', id) !== undefined) {
      throw new CertDeskError('invalid_input', `Unable to add the certificate ${id}, it exists already`, { remedy: 'Choose another id.' });
    }
    return id;
  }

  /** What `renewalDecision` looks at for a managed certificate: its policy and the CA's window for this serial. */
  #decisionInput(config: CertificateConfig, meta: CertificateMeta, state: RenewalState, policies = this.#policies()): Parameters<typeof renewalDecision>[0] {
    const ari: AriWindow | undefined = state.ari?.serial === meta.serial
      ? { start: new Date(state.ari.start), end: new Date(state.ari.end), retryAfter: new Date(state.ari.retryAfter) }
      : undefined;
    return {
      notBefore: new Date(meta.notBefore),
      notAfter: new Date(meta.notAfter),
      now: this.#now(),
      seed: meta.serial,
      policy: policies(config.ca).renewal,
      ...(ari === undefined ? {} : { ari }),
    };
  }

  #decide(config: CertificateConfig, meta: CertificateMeta, state: RenewalState, policies = this.#policies()): ReturnType<typeof renewalDecision> {
    return renewalDecision(this.#decisionInput(config, meta, state, policies));
  }

  /** The live version's certificate, or a monitor's observed one. */
  async #liveMeta(id: string): Promise<CertificateMeta | undefined> {
    if (this.#config.find('monitors', id) === undefined) return (await this.#vault.current(id))?.meta;
    const file = this.#o.paths.observed(id);
    const pem = await readIfExists(file);
    return pem === undefined ? undefined : describeChain(pem, file);
  }

  async #alert(alert: Alert): Promise<void> {
    await notifyAll(this.#o.notifiers ?? [], alert, this.#o.logger);
  }

  async #summary(id: string, config: CertificateConfig, options: { budget?: boolean; policies?: (name: string) => EffectivePolicy } = {}): Promise<CertificateSummary> {
    let live: StoredVersion | undefined;
    try {
      live = await this.#vault.current(id);
    } catch (error) {
      if (!(error instanceof CertDeskError)) throw error;
      return { id, domains: config.domains, ca: config.ca, challenge: config.challenge.type, status: 'damaged', problem: error.message };
    }
    const journal = await readJournal(this.#o.paths.journal(id));
    const state = await this.#states.read(id);
    const base = { id, domains: config.domains, ca: config.ca, challenge: config.challenge.type };
    const attempts = state.attempts;
    const nextAttemptAt = [attempts?.nextAttemptAt, journal?.notBefore].filter((value): value is string => value !== undefined).sort().at(-1);
    const extra = {
      ...(journal?.lastProblem === undefined ? {} : { lastProblem: journal.lastProblem }),
      ...(nextAttemptAt === undefined || attempts?.stopped !== undefined ? {} : { nextAttemptAt }),
      ...(attempts === undefined ? {} : {
        attempts: {
          count: attempts.count,
          firstFailureAt: attempts.firstFailureAt,
          ...(attempts.stopped === undefined ? {} : { stopped: attempts.stopped }),
          lastError: { at: attempts.lastFailure.at, type: attempts.lastFailure.type, message: attempts.lastFailure.message, explanation: attempts.lastFailure.explanation, remedy: attempts.lastFailure.remedy },
        },
      }),
      ...(state.rehearsal === undefined ? {} : { rehearsal: state.rehearsal }),
      ...(options.budget === true ? { budget: await this.#budget(config, live?.meta) } : {}),
    };
    const failing = attempts?.stopped !== undefined ? 'stopped' as const : attempts !== undefined ? 'failing' as const : undefined;
    if (live === undefined) return { ...base, status: failing ?? (journal === undefined ? 'none' : 'renewing'), ...extra };
    const expired = new Date(live.meta.notAfter).getTime() <= this.#now().getTime();
    const decision = this.#decide(config, live.meta, state, options.policies);
    const ari = state.ari?.serial === live.meta.serial ? state.ari : undefined;
    return {
      ...base,
      status: expired ? 'expired' : failing ?? (journal !== undefined ? 'renewing' : live.revoked !== undefined ? 'revoked' : 'valid'),
      notBefore: live.meta.notBefore,
      notAfter: live.meta.notAfter,
      issuer: live.meta.issuer,
      serial: live.meta.serial,
      version: live.version,
      renewAt: decision.renewAt.toISOString(),
      renewalBasis: decision.basis,
      ...(ari === undefined ? {} : { ariWindow: { start: ari.start, end: ari.end, ...(ari.explanationUrl === undefined ? {} : { explanationUrl: ari.explanationUrl }) } }),
      ...extra,
    };
  }

  /** What a new order for this certificate would draw on the account's rate-limit budget. */
  async #budget(config: CertificateConfig, live: CertificateMeta | undefined): Promise<NonNullable<CertificateSummary['budget']>> {
    const now = this.#now();
    const limits = this.#accountPolicy(config.ca).rateLimits;
    const history = pruneHistory(await new SpendLog(this.#o.paths.dataDir, config.ca).read(), now, limits);
    const renewal: RenewalKind | undefined = live !== undefined && sameSet(live.domains, config.domains) ? 'same_identifiers' : undefined;
    return budgetUsage({ limits, history, attempt: { identifiers: config.domains, ...(renewal === undefined ? {} : { renewal }) }, now }).map((usage: LimitUsage) => ({
      limit: usage.limit,
      scope: usage.scope,
      used: usage.used,
      max: usage.max,
      left: Math.max(0, usage.max - usage.used),
      exempt: usage.exempt,
      allowedAt: usage.allowedAt.toISOString(),
    }));
  }

  async #monitorSummary(id: string, config: MonitorConfig): Promise<CertificateSummary> {
    const meta = await this.#liveMeta(id);
    const base = { id, monitored: config.source };
    if (meta === undefined) return { ...base, domains: [], status: 'none' };
    const expired = new Date(meta.notAfter).getTime() <= this.#now().getTime();
    let endpoint: CertificateSummary['endpoint'];
    if (config.source === 'tls') {
      const name = normalizeDomain(config.servername ?? config.host);
      const holder = this.#config.list('certificates').find(([, certificate]) => certificate.domains.some((domain) => coversName(domain, name)));
      const held = holder === undefined ? undefined : (await this.#vault.current(holder[0]))?.meta;
      endpoint = { host: config.host, port: config.port, deployed: compareDeployed(meta, held), ...(holder === undefined ? {} : { heldBy: holder[0] }) };
    }
    return {
      ...base,
      domains: meta.domains,
      status: expired ? 'expired' : 'valid',
      notBefore: meta.notBefore,
      notAfter: meta.notAfter,
      issuer: meta.issuer,
      serial: meta.serial,
      ...(endpoint === undefined ? {} : { endpoint }),
    };
  }

  /** Tells the shell a certificate changed without an order log entry (see {@link CertificateServiceOptions.onChanged}). */
  #changed(id: string): void {
    try {
      this.#o.onChanged?.(id);
    } catch (error) {
      this.#o.logger.warn('A change listener failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  #logger(id: string, extra?: Readonly<Record<string, unknown>>): OrderLogger {
    return async (event, message, data) => {
      const fields = extra === undefined ? data : { ...data, ...extra };
      const entry: OrderLogEntry = { time: this.#now().toISOString(), certId: id, event, message, ...(fields === undefined ? {} : { data: fields }) };
      await appendOrderLog(this.#o.paths.log(id), entry);
      this.#o.onEvent?.(entry);
    };
  }
}

/**
 * What went wrong in a failed attempt, explained: the order's own {@link Failure}, the rate budget's
 * refusal, or any other error described by the failure table.
 */
function failureOf(error: unknown, now: Date): Failure {
  if (error instanceof BudgetRefusedError) {
    return { kind: 'state', action: 'retry', problemType: 'rate_budget', message: error.message, remedy: error.remedy ?? '', explanation: error.text, remedyText: { en: error.remedy ?? '', 'zh-CN': error.text['zh-CN'] } };
  }
  return error instanceof OrderFailedError ? error.failure : describeFailure({ kind: 'error', error }, now);
}

const dayMs = 24 * 60 * 60 * 1000;

/**
 * The staging directory of a preset CA, used for rehearsals when `ca add` names none. Only Let's
 * Encrypt's: its staging takes any account, while Google's test directory needs EAB keys of its own.
 */
const stagingPresets: Readonly<Partial<Record<CaPreset, CaPreset>>> = { letsencrypt: 'letsencrypt-staging' };

/** A CA account as `ca:list` shows it: never its key or EAB HMAC key (those are in the secret store anyway). */
export function accountDto(name: string, account: Account): AccountDto {
  return {
    name,
    directoryUrl: account.directoryUrl,
    ...(account.email === undefined ? {} : { email: account.email }),
    ...(account.eabKid === undefined ? {} : { eabKid: account.eabKid }),
    ...(account.staging === undefined ? {} : { stagingDirectoryUrl: account.staging.directoryUrl }),
    registered: account.accountUrl !== undefined,
    createdAt: account.createdAt,
  };
}

/** A standby CA as it crosses the bridge (defaults left out, as stored). */
function standbyDto(standby: StandbyConfig): StandbyDto {
  return {
    ca: standby.ca,
    ...(standby.afterFailures === undefined ? {} : { afterFailures: standby.afterFailures }),
    ...(standby.daysLeft === undefined ? {} : { daysLeft: standby.daysLeft }),
  };
}

/** A stored version as `cert:detail` lists it (a damaged one without what could not be read). */
function versionDto(info: VersionInfo): VersionDto {
  return {
    version: info.version,
    storedAt: info.storedAt,
    live: info.live,
    source: info.source,
    ...(info.issuedBy === undefined ? {} : { issuedBy: info.issuedBy }),
    ...(info.meta === undefined ? {} : { serial: info.meta.serial, notBefore: info.meta.notBefore, notAfter: info.meta.notAfter }),
    ...(info.revoked === undefined ? {} : { revoked: info.revoked }),
  };
}

/** A saved export target as it crosses the bridge (its PFX password never does: it is in the secret store). */
export function exportTargetDto(target: ExportTarget): ExportTargetStatusDto['target'] {
  return {
    dir: target.dir,
    format: target.format,
    ...(target.names === undefined ? {} : { names: Object.fromEntries(Object.entries(target.names).filter(([, name]) => name !== undefined)) }),
    ...(target.pfxLegacy === undefined ? {} : { pfxLegacy: target.pfxLegacy }),
    ...(target.hook === undefined ? {} : { hook: { command: target.hook.command, ...(target.hook.timeoutMs === undefined ? {} : { timeoutMs: target.hook.timeoutMs }) } }),
  };
}

/** One export target's last outcome, with when it happened. */
type ExportRecord = ExportOutcome & { readonly at: string };

const exportRecordSchema = z.strictObject({
  at: z.iso.datetime(),
  dir: z.string(),
  format: z.enum(['pem', 'pfx']),
  ok: z.boolean(),
  files: z.array(z.string()).optional(),
  error: z.string().optional(),
  hook: z.strictObject({ ok: z.boolean(), output: z.string() }).optional(),
});

/** `certs/<id>/exports.json`: the last outcome of each export target, by folder. */
const exportRecordsSchema = z.strictObject({ version: z.literal(1), targets: z.array(exportRecordSchema) });

function exportRecordsFile(paths: DataPaths, id: string): string {
  return path.join(paths.certDir(id), 'exports.json');
}

function exportRecordFrom(stored: z.infer<typeof exportRecordSchema>): ExportRecord {
  return {
    at: stored.at,
    dir: stored.dir,
    format: stored.format,
    ok: stored.ok,
    ...(stored.files === undefined ? {} : { files: stored.files }),
    ...(stored.error === undefined ? {} : { error: stored.error }),
    ...(stored.hook === undefined ? {} : { hook: stored.hook }),
  };
}

/** OpenSSL's curve names → how the detail page names them. */
const curveLabels: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** A public key's type as people name it: `EC P-256`, `RSA 2048`, `RSA-PSS 3072`, `Ed25519`. */
export function keyTypeLabel(key: KeyObject): string {
  const details = key.asymmetricKeyDetails;
  switch (key.asymmetricKeyType) {
    case 'ec':
      return `EC ${curveLabels[details?.namedCurve ?? ''] ?? details?.namedCurve ?? 'unknown curve'}`;
    case 'rsa':
      return `RSA ${details?.modulusLength ?? '?'}`;
    case 'rsa-pss':
      return `RSA-PSS ${details?.modulusLength ?? '?'}`;
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    default:
      return key.asymmetricKeyType ?? 'unknown';
  }
}

/**
 * The identity of a PEM chain (leaf first, as RFC 8555 §7.4.2 delivers it and fullchain.pem holds
 * it): the leaf's DNS names from subjectAltName, serial, subject and issuer (as Node prints them, one
 * RDN per line), validity, SHA-256 and SHA-1 fingerprints (colon-separated hex) and key type, and
 * every certificate of the chain. Throws `invalid_data` naming `source` when it holds no
 * certificate or one cannot be parsed.
 */
export function certificateIdentity(pem: string, source: string): CertificateIdentityDto {
  const certificates = splitPemChain(pem).map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch (error) {
      throw new CertDeskError('invalid_data', `Unable to read certificate ${index + 1} in ${source}, it cannot be parsed`, { cause: error });
    }
  });
  const [leaf] = certificates;
  if (leaf === undefined) throw new CertDeskError('invalid_data', `Unable to read the certificate in ${source}, it holds no PEM certificate`);
  const chain = certificates.map((cert): ChainCertificateDto => ({
    subject: cert.subject,
    issuer: cert.issuer,
    serial: cert.serialNumber,
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    sha256: cert.fingerprint256,
  }));
  return {
    domains: (leaf.subjectAltName ?? '').split(', ').filter((entry) => entry.startsWith('DNS:')).map((entry) => entry.slice(4)),
    serial: leaf.serialNumber,
    subject: leaf.subject,
    issuer: leaf.issuer,
    notBefore: new Date(leaf.validFrom).toISOString(),
    notAfter: new Date(leaf.validTo).toISOString(),
    sha256: leaf.fingerprint256,
    sha1: leaf.fingerprint,
    keyType: keyTypeLabel(leaf.publicKey),
    chain,
  };
}

/** acme-client types `reason` as an enum it declares but does not export at runtime; the codes are RFC 5280's. */
function revocationPayload(reason: RevocationReason): Parameters<AccountClient['client']['revokeCertificate']>[1] {
  const payload: Record<string, number> = { reason: revocationReasons[reason] };
  return payload;
}

/** The secret name of an export target's PFX password (the folder hashed: names are `[a-z0-9._/-]`). */
function exportSecret(id: string, dir: string): string {
  return `exports/${id}/${createHash('sha256').update(dir).digest('hex').slice(0, 32)}`;
}

/** Whether two identifier lists name the same set (case and order aside): a renewal, to the CA. */
function sameSet(a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean {
  const norm = (list: ReadonlyArray<string>): string => [...new Set(list.map((name) => name.toLowerCase()))].sort().join(',');
  return norm(a) === norm(b);
}

/** Whether a certificate name (maybe `*.example.com`) covers a host name (one label for a wildcard). */
function coversName(pattern: string, name: string): boolean {
  if (!pattern.startsWith('*.')) return pattern === name;
  const dot = name.indexOf('.');
  return dot > 0 && name.slice(dot + 1) === pattern.slice(2);
}


/** The order log of the certificate whose run is making the current ACME request. */
const exchangeLog = new AsyncLocalStorage<OrderLogger>();

/** Appends one entry to a certificate's order log. */
type OrderLogger = (event: OrderEventType, message: string, data?: Readonly<Record<string, unknown>>) => Promise<void>;

function describeExchange(exchange: AcmeExchange): string {
  const path = (() => {
    try {
      return new URL(exchange.url).pathname;
    } catch {
      return exchange.url;
    }
  })();
  const outcome = exchange.error ?? `${exchange.status ?? '?'}${exchange.problemType === undefined ? '' : ` ${exchange.problemType}`}`;
  return `${exchange.method} ${path} → ${outcome}${exchange.retryAfter === undefined ? '' : ` (Retry-After ${exchange.retryAfter})`}`;
}
