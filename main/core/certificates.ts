import { AsyncLocalStorage } from 'node:async_hooks';
import { access, constants, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ConfLike } from './config-store.ts';
import { ConfigRepository } from './config/repository.ts';
import type { Account, CertificateConfig, ChallengeConfig, DnsProviderConfig, KeyType } from './config/schema.ts';
import { openAccountClient, registerAccount, type AccountClient } from './acme/accounts.ts';
import { resolveDirectoryUrl } from './acme/presets.ts';
import { readJournal, type Journal } from './acme/journal.ts';
import { asAcmeError, OrderFailedError } from './acme/failures.ts';
import { completeAttempt, runOrder, type RunLimits } from './acme/order-runner.ts';
import type { AcmeExchange, TransportOptions } from './acme/transport.ts';
import { createSolver, dnsSecrets, type ManualPrompt } from './challenges/factory.ts';
import { CertDeskError } from './errors.ts';
import { appendOrderLog, followOrderLog, readOrderLog, type OrderEventType, type OrderLogEntry } from './log/order-log.ts';
import { normalizeDomain, validateName } from './names.ts';
import type { DataPaths } from './paths.ts';
import type { Logger, SecretBox } from './ports.ts';
import { withCertificateLock } from './renewal/lock.ts';
import { renewalDecision } from './renewal/renewal-window.ts';
import { pemFileNames, pemSetFrom, Vault, writePemSet, type PemSet } from './vault/vault.ts';
import type { CertificateMeta } from './vault/x509.ts';

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
}

/** Input of `dns add`. */
export type AddDnsProviderInput =
  | { readonly name: string; readonly provider: 'exec'; readonly command: string; readonly propagation: DnsProviderConfig['propagation'] }
  | {
      readonly name: string;
      readonly provider: 'rfc2136';
      readonly server: string;
      readonly tsigName: string;
      readonly tsigSecret: string;
      readonly tsigAlgorithm: 'hmac-sha256' | 'hmac-sha384' | 'hmac-sha512';
      readonly propagation: DnsProviderConfig['propagation'];
    }
  | { readonly name: string; readonly provider: 'manual'; readonly propagation: DnsProviderConfig['propagation'] };

/** Input of `cert add`. */
export interface AddCertificateInput {
  readonly id: string;
  readonly domains: ReadonlyArray<string>;
  readonly ca: string;
  readonly challenge: ChallengeConfig;
  readonly keyType: KeyType;
}

/** A certificate's state, for `cert list`/`cert show` and the UI. */
export interface CertificateSummary {
  readonly id: string;
  readonly domains: ReadonlyArray<string>;
  readonly ca: string;
  readonly challenge: ChallengeConfig['type'];
  /** `none`: never obtained; `valid`; `expired`; `renewing`: an unfinished order is in the journal. */
  readonly status: 'none' | 'valid' | 'expired' | 'renewing';
  readonly notBefore?: string;
  readonly notAfter?: string;
  readonly issuer?: string;
  readonly serial?: string;
  readonly version?: number;
  /** The CA's last word, when the last attempt failed. */
  readonly lastProblem?: Journal['lastProblem'];
  /** The CA asked not to try before this time. */
  readonly nextAttemptAt?: string;
}

/** Outcome of a renewal. */
export interface RenewResult {
  readonly id: string;
  readonly renewed: boolean;
  /** Why nothing was done (`not_due`), when so. */
  readonly reason?: 'not_due';
  readonly version?: number;
  readonly meta: CertificateMeta;
  readonly ordersCreated?: number;
  readonly finalizeCount?: number;
}

/**
 * The certificate engine's API for the CLI and (later) IPC: CA accounts, DNS providers, certificate
 * definitions, obtaining/renewing, exporting and the order log. Electron-free.
 */
export class CertificateService {
  readonly #o: CertificateServiceOptions;
  readonly #config: ConfigRepository;
  readonly #vault: Vault;
  readonly #now: () => Date;
  readonly #accounts = new Map<string, Promise<AccountClient>>();

  constructor(options: CertificateServiceOptions) {
    this.#o = options;
    this.#config = new ConfigRepository(options.conf);
    this.#vault = new Vault(options.paths);
    this.#now = options.clock ?? (() => new Date());
  }

  /** `ca add`: registers an account with the CA (RFC 8555 §7.3) and stores it. */
  async addAccount(input: AddAccountInput): Promise<Account> {
    const name = validateName('CA account name', input.name);
    if (this.#config.find('accounts', name) !== undefined) {
      throw new CertDeskError('invalid_input', `Unable to add the CA account ${name}, it exists already`, { remedy: 'Choose another name.' });
    }
    const directoryUrl = resolveDirectoryUrl(input.directory);
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
    };
    this.#config.put('accounts', name, account);
    return account;
  }

  /** `ca list` */
  listAccounts(): ReadonlyArray<{ name: string } & Account> {
    return this.#config.list('accounts').map(([name, account]) => ({ name, ...account }));
  }

  /** `dns add`: stores a DNS provider; the TSIG secret goes to the SecretBox, never config.json. */
  async addDnsProvider(input: AddDnsProviderInput): Promise<DnsProviderConfig> {
    const name = validateName('DNS provider name', input.name);
    let config: DnsProviderConfig;
    switch (input.provider) {
      case 'exec': {
        const command = path.resolve(input.command);
        try {
          await access(command, constants.X_OK);
          if (!(await stat(command)).isFile()) throw new Error('not a file');
        } catch {
          throw new CertDeskError('invalid_input', `Unable to use ${command} as the exec provider's command, it is not an executable file`, {
            remedy: 'Give the path of a script that takes "present|cleanup <fqdn> <value>" (lego\'s exec convention) and make it executable (chmod +x).',
          });
        }
        config = { provider: 'exec', command, propagation: input.propagation };
        break;
      }
      case 'rfc2136': {
        if (!/^[A-Za-z0-9+/]+={0,2}$/.test(input.tsigSecret) || Buffer.from(input.tsigSecret, 'base64').length < 16) {
          throw new CertDeskError('invalid_input', 'Unable to use the TSIG secret, it is not a base64 key of at least 16 bytes', {
            remedy: 'Use the secret from your BIND key file (tsig-keygen -a hmac-sha256 <name>), as printed there.',
          });
        }
        await this.#o.secrets.put(dnsSecrets.tsig(name), input.tsigSecret);
        config = { provider: 'rfc2136', server: input.server, tsigName: input.tsigName, tsigAlgorithm: input.tsigAlgorithm, propagation: input.propagation };
        break;
      }
      case 'manual':
        config = { provider: 'manual', propagation: input.propagation };
        break;
    }
    this.#config.put('dnsProviders', name, config);
    return config;
  }

  /** `dns list` */
  listDnsProviders(): ReadonlyArray<{ name: string } & DnsProviderConfig> {
    return this.#config.list('dnsProviders').map(([name, provider]) => ({ name, ...provider }));
  }

  /** `cert add`: validates and stores a certificate definition (nothing is ordered yet). */
  addCertificate(input: AddCertificateInput): CertificateConfig {
    const id = validateName('certificate id', input.id);
    if (this.#config.find('certificates', id) !== undefined) {
      throw new CertDeskError('invalid_input', `Unable to add the certificate ${id}, it exists already`, { remedy: 'Choose another id.' });
    }
    const domains = [...new Set(input.domains.map(normalizeDomain))];
    if (domains.length === 0) throw new CertDeskError('invalid_input', 'Unable to add the certificate, it needs at least one --domain');
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
    const config: CertificateConfig = {
      domains,
      ca: input.ca,
      challenge: input.challenge.mode === 'webroot' ? { ...input.challenge, root: path.resolve(input.challenge.root) } : input.challenge,
      keyType: input.keyType,
      createdAt: this.#now().toISOString(),
    };
    this.#config.put('certificates', id, config);
    return config;
  }

  /** `cert list` */
  async listCertificates(): Promise<ReadonlyArray<CertificateSummary>> {
    return Promise.all(this.#config.list('certificates').map(([id, config]) => this.#summary(id, config)));
  }

  /** `cert show` */
  async showCertificate(id: string): Promise<CertificateSummary> {
    return this.#summary(id, this.#config.get('certificates', id));
  }

  /**
   * `cert renew`: obtains the first certificate or renews the live one when due (or when `force`).
   * Resolves only when a valid certificate is stored and live; rejects with an
   * {@link OrderFailedError} (or another CertDeskError) otherwise.
   */
  async renew(id: string, options: { force?: boolean } = {}): Promise<RenewResult> {
    const config = this.#config.get('certificates', id);
    const notDue = async (): Promise<RenewResult | undefined> => {
      const live = await this.#vault.current(id);
      return live !== undefined && options.force !== true && !this.#due(live.meta)
        ? { id, renewed: false, reason: 'not_due', version: live.version, meta: live.meta }
        : undefined;
    };
    const skip = await notDue();
    if (skip !== undefined) return skip;
    // One process per certificate (app, CLI, daemon, another host on a shared data dir); a second
    // one fails `busy` (exit 3) and never starts a second order.
    return withCertificateLock(
      { paths: this.#o.paths, certId: id, wait: false, command: 'certdesk cert renew', onCompromised: () => undefined },
      // Re-checked under the lock: the process that held it may have just renewed this certificate.
      async (lock) => (await notDue()) ?? this.#renewLocked(id, config, lock.signal),
    );
  }

  async #renewLocked(id: string, config: CertificateConfig, signal: AbortSignal): Promise<RenewResult> {
    const log = this.#logger(id);
    const account = await this.#account(config.ca);
    const solver = await createSolver(config.challenge, {
      dnsProvider: (name) => this.#config.get('dnsProviders', name),
      secrets: this.#o.secrets,
      logger: this.#o.logger,
      ...(this.#o.manualPrompt === undefined ? {} : { manualPrompt: this.#o.manualPrompt }),
    });
    try {
      // The account's transport is shared by every certificate renewed at once; each exchange is
      // logged to the certificate whose run made it.
      const obtained = await exchangeLog.run(log, () => runOrder({
        certId: id,
        domains: config.domains,
        keyType: config.keyType,
        account,
        solver,
        paths: this.#o.paths,
        log,
        signal,
        ...(this.#o.clock === undefined ? {} : { clock: this.#o.clock }),
        ...(this.#o.sleep === undefined ? {} : { sleep: this.#o.sleep }),
        ...(this.#o.limits === undefined ? {} : { limits: this.#o.limits }),
      }));
      const stored = await this.#vault.store(id, pemSetFrom(obtained.fullchainPem, obtained.keyPem));
      await completeAttempt(this.#o.paths, id);
      await log('cert_obtained', `Stored version ${stored.version}, valid until ${stored.meta.notAfter}`, {
        version: stored.version,
        serial: stored.meta.serial,
        notAfter: stored.meta.notAfter,
        ordersCreated: obtained.ordersCreated,
        finalizeCount: obtained.finalizeCount,
      });
      return { id, renewed: true, version: stored.version, meta: stored.meta, ordersCreated: obtained.ordersCreated, finalizeCount: obtained.finalizeCount };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await log('cert_failed', message, error instanceof OrderFailedError ? { problem: error.failure.problemType, kind: error.failure.kind } : {});
      throw error;
    } finally {
      await solver.close?.();
    }
  }

  /**
   * One client per CA account for the service's lifetime, so renewing many certificates shares one
   * connection pool and one nonce pool (a fresh nonce only when none is left).
   */
  #account(name: string): Promise<AccountClient> {
    let client = this.#accounts.get(name);
    if (client === undefined) {
      client = openAccountClient(name, this.#config.get('accounts', name), this.#o.secrets, {
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

  /** Releases the CA connections; the service must not be used afterwards. */
  async close(): Promise<void> {
    const clients = [...this.#accounts.values()];
    this.#accounts.clear();
    for (const client of await Promise.allSettled(clients)) {
      if (client.status === 'fulfilled') client.value.transport.close();
    }
  }

  /**
   * When each certificate should next be renewed, for the scheduler: now when it has no live
   * version yet, else the time `renewalDecision` gives; never before the CA's `Retry-After` recorded
   * in its journal.
   */
  async dueTimes(): Promise<ReadonlyArray<{ id: string; dueAt: Date }>> {
    const now = this.#now();
    return Promise.all(
      this.#config.list('certificates').map(async ([id]) => {
        const live = await this.#vault.current(id);
        const journal = await readJournal(this.#o.paths.journal(id));
        const renewAt = live === undefined
          ? now
          : renewalDecision({ notBefore: new Date(live.meta.notBefore), notAfter: new Date(live.meta.notAfter), now, seed: live.meta.serial }).renewAt;
        const notBefore = journal?.notBefore === undefined ? undefined : new Date(journal.notBefore);
        return { id, dueAt: notBefore !== undefined && notBefore > renewAt ? notBefore : renewAt };
      }),
    );
  }

  /** The ids of every certificate, for `cert renew --all`. */
  certificateIds(): ReadonlyArray<string> {
    return this.#config.list('certificates').map(([id]) => id);
  }

  /**
   * `cert export`: writes the live version's PEM set to `dir` (created if missing), each file atomic
   * (temp + rename in the same folder), the key 0600, and reads every file back to verify it.
   */
  async exportCertificate(id: string, dir: string): Promise<{ dir: string; files: ReadonlyArray<string> }> {
    this.#config.get('certificates', id);
    const set = await this.#vault.currentPemSet(id);
    const target = path.resolve(dir);
    await writePemSet(target, set, 0o755);
    for (const [part, file] of Object.entries(pemFileNames) as Array<[keyof PemSet, string]>) {
      if ((await readFile(path.join(target, file), 'utf8')) !== set[part]) {
        throw new CertDeskError('export_failed', `Unable to export ${id}, ${path.join(target, file)} did not read back as written`);
      }
    }
    await this.#logger(id)('cert_exported', `Exported to ${target}`, { dir: target });
    return { dir: target, files: Object.values(pemFileNames).map((file) => path.join(target, file)) };
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

  #due(meta: CertificateMeta): boolean {
    return renewalDecision({ notBefore: new Date(meta.notBefore), notAfter: new Date(meta.notAfter), now: this.#now(), seed: meta.serial }).due;
  }

  async #summary(id: string, config: CertificateConfig): Promise<CertificateSummary> {
    const live = await this.#vault.current(id);
    const journal = await readJournal(this.#o.paths.journal(id));
    const base = { id, domains: config.domains, ca: config.ca, challenge: config.challenge.type };
    const attempt = {
      ...(journal?.lastProblem === undefined ? {} : { lastProblem: journal.lastProblem }),
      ...(journal?.notBefore === undefined ? {} : { nextAttemptAt: journal.notBefore }),
    };
    if (live === undefined) return { ...base, status: journal === undefined ? 'none' : 'renewing', ...attempt };
    const expired = new Date(live.meta.notAfter).getTime() <= this.#now().getTime();
    return {
      ...base,
      status: journal !== undefined ? 'renewing' : expired ? 'expired' : 'valid',
      notBefore: live.meta.notBefore,
      notAfter: live.meta.notAfter,
      issuer: live.meta.issuer,
      serial: live.meta.serial,
      version: live.version,
      ...attempt,
    };
  }

  #logger(id: string): OrderLogger {
    return async (event, message, data) => {
      const entry: OrderLogEntry = { time: this.#now().toISOString(), certId: id, event, message, ...(data === undefined ? {} : { data }) };
      await appendOrderLog(this.#o.paths.log(id), entry);
      this.#o.onEvent?.(entry);
    };
  }
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
