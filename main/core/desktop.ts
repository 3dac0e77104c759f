/**
 * The desktop app's engine, Electron-free: one {@link CertificateService} renewing in the background
 * (the job queue and scheduler the CLI's `daemon` runs), pause/resume for the tray, and the typed
 * events the shell forwards to the window and turns into notifications. Runs in plain Node, so it is
 * tested against Pebble like the rest of the core.
 */

import type { ApiError, EventChannel, EventChannels, Unsubscribe } from '../../preload/contract.ts';
import type { Notifier } from './alerts/notifier.ts';
import { CertificateService, type CertificateServiceOptions, type CertificateSummary, type RenewResult } from './certificates.ts';
import type { ConfLike } from './config-store.ts';
import { CertDeskError, toApiError } from './errors.ts';
import { EventHub } from './events.ts';
import type { Translations } from './i18n.ts';
import { redact, type OrderLogEntry } from './log/order-log.ts';
import type { DataPaths } from './paths.ts';
import type { Logger, SecretBox } from './ports.ts';
import { JobQueue } from './renewal/job-queue.ts';
import { RenewalScheduler } from './renewal/scheduler.ts';
import { mapBounded } from './map-bounded.ts';
import { certificateHealth } from '../../preload/health.ts';

/**
 * Overrides of the renewal policy's scheduler settings (`scheduler.checkInterval`,
 * `scheduler.concurrency` in config.json) and of the scheduler's own defaults; tests shorten the
 * check interval. Each one left out takes the policy's value (or the scheduler's default).
 */
export interface DesktopSchedulerOptions {
  /** Time between routine checks. Default: the policy's (1 hour unless the admin changed it). */
  readonly checkIntervalMs?: number;
  /** Certificates renewed at once, by the scheduler and by {@link DesktopEngine.renewAll}. Default: the policy's (2). */
  readonly concurrency?: number;
  /** Spread of each check interval as a fraction either way; the scheduler's default is 0.1. */
  readonly jitter?: number;
  /** How often the scheduler compares the wall clock with the monotonic one; its default is 1 minute. */
  readonly jumpProbeMs?: number;
  /** The clock difference the scheduler treats as a jump (sleep, resume); its default is 1 minute. */
  readonly clockJumpToleranceMs?: number;
}

/** What the desktop shell gives the engine. */
export interface DesktopEngineOptions {
  readonly paths: DataPaths;
  /** The app's config.json (electron-store or conf): CA accounts, certificates, the renewal policy. */
  readonly conf: ConfLike;
  readonly secrets: SecretBox;
  readonly logger: Logger;
  /**
   * Where alerts go (OS notifications, the admin's webhook). The engine adds one of its own that
   * emits the `alert:event` event, so the window hears of every alert too.
   */
  readonly notifiers: ReadonlyArray<Notifier>;
  /** The wall clock; default `() => new Date()`. */
  readonly clock?: () => Date;
  readonly schedulerOptions?: DesktopSchedulerOptions;
  /**
   * Told what each scheduled renewal and check did (the CLI daemon prints it); without one, failures
   * are logged at warn (they are in the order log, the certificate's state and the alerts anyway).
   */
  readonly reporter?: RenewalReporter;
  /** Passed on to the {@link CertificateService} as they are (the manual DNS prompt, tests' short polls). */
  readonly certificateOptions?: Pick<CertificateServiceOptions, 'manualPrompt' | 'limits' | 'transport' | 'sleep' | 'random'>;
}

/** What the background loop reports, for a shell that shows it (the CLI daemon's lines). */
export interface RenewalReporter {
  /** A scheduled renewal finished (renewed, or found nothing due). */
  readonly renewed: (result: RenewResult) => void;
  /** A scheduled renewal failed. */
  readonly failed: (id: string, error: unknown) => void;
  /** A check of which certificates are due failed (the next check tries again). */
  readonly checkFailed: (error: unknown) => void;
}

/** The events the engine emits; the other channels of the contract never fire on it. */
export type DesktopEvent = Extract<EventChannel, 'cert:changed' | 'order:event' | 'alert:event' | 'renewal:changed'>;

/** The events of {@link DesktopEvent}, for the shell's forwarding and the tests. */
export const desktopEvents = ['cert:changed', 'order:event', 'alert:event', 'renewal:changed'] as const satisfies ReadonlyArray<DesktopEvent>;

/** What {@link DesktopEngine.renewAll} did for one certificate: its result, or the error as it crosses the bridge. */
export type RenewAllOutcome =
  | { readonly id: string; readonly ok: true; readonly result: RenewResult }
  | { readonly id: string; readonly ok: false; readonly error: ApiError };

/**
 * The tray's state, worst first: `failing` (some certificate needs the admin), `expiring` (some
 * certificate is close to expiry), `ok`, or `empty` (no certificates at all).
 */
export type TrayState = 'empty' | 'ok' | 'expiring' | 'failing';

/** What the tray shows: its state, the counts behind it, the next expiry and a one-line tooltip. */
export interface TrayOverview {
  readonly state: TrayState;
  /** Every certificate, managed and monitor-only. */
  readonly total: number;
  /**
   * Certificates per health: `failing` (status failing, stopped, damaged, expired or revoked),
   * `expiring` (valid but within {@link expiringWithinMs}), `ok`, and `pending` (never obtained yet,
   * or its first order is running: the scheduler is on it, nothing for the admin to do).
   */
  readonly counts: { readonly failing: number; readonly expiring: number; readonly ok: number; readonly pending: number };
  /** The certificate that expires next (not yet expired, not revoked), when there is one. */
  readonly nextExpiry?: { readonly id: string; readonly notAfter: string };
  /** One line for the tray icon's tooltip, in every locale. */
  readonly tooltip: Translations;
}

/** What {@link trayOverview} reads of a certificate. */
export type TraySummary = Pick<CertificateSummary, 'id' | 'status' | 'notBefore' | 'notAfter'>;

/**
 * The tray's overview of `summaries` at `now`. Pure; never throws (a certificate with an unreadable
 * `notAfter` counts by its status alone, and is never the next expiry). Each certificate counts by
 * {@link certificateHealth}, the rule the dashboard's summary uses too. The tooltip counts each health and names the next
 * expiry with its UTC date (`YYYY-MM-DD`, unambiguous in every locale).
 */
export function trayOverview(summaries: ReadonlyArray<TraySummary>, now: Date): TrayOverview {
  const nowMs = now.getTime();
  const counts = { failing: 0, expiring: 0, ok: 0, pending: 0 };
  let nextExpiry: { id: string; notAfter: string; ms: number } | undefined;
  for (const summary of summaries) {
    const notAfterMs = summary.notAfter === undefined ? Number.NaN : Date.parse(summary.notAfter);
    counts[certificateHealth(summary, nowMs)] += 1;
    if (summary.notAfter !== undefined && summary.status !== 'revoked' && notAfterMs > nowMs && (nextExpiry === undefined || notAfterMs < nextExpiry.ms)) {
      nextExpiry = { id: summary.id, notAfter: summary.notAfter, ms: notAfterMs };
    }
  }
  const state: TrayState = summaries.length === 0 ? 'empty' : counts.failing > 0 ? 'failing' : counts.expiring > 0 ? 'expiring' : 'ok';
  if (nextExpiry === undefined) return { state, total: summaries.length, counts, tooltip: tooltip(summaries.length, counts, undefined) };
  const date = new Date(nextExpiry.ms).toISOString().slice(0, 10);
  return {
    state,
    total: summaries.length,
    counts,
    nextExpiry: { id: nextExpiry.id, notAfter: nextExpiry.notAfter },
    tooltip: tooltip(summaries.length, counts, { id: nextExpiry.id, date }),
  };
}

function tooltip(total: number, counts: TrayOverview['counts'], next: { readonly id: string; readonly date: string } | undefined): Translations {
  if (total === 0) return { en: 'CertDesk: no certificates yet', 'zh-CN': 'CertDesk：尚无证书' };
  const en: string[] = [];
  const zh: string[] = [];
  if (counts.failing > 0) {
    en.push(`${counts.failing} ${counts.failing === 1 ? 'needs' : 'need'} attention`);
    zh.push(`${counts.failing} 个需要处理`);
  }
  if (counts.expiring > 0) {
    en.push(`${counts.expiring} expiring soon`);
    zh.push(`${counts.expiring} 个即将过期`);
  }
  if (counts.ok > 0) {
    en.push(`${counts.ok} OK`);
    zh.push(`${counts.ok} 个正常`);
  }
  if (counts.pending > 0) {
    en.push(`${counts.pending} pending`);
    zh.push(`${counts.pending} 个待签发`);
  }
  const nextEn = next === undefined ? '' : `; next expiry ${next.id} on ${next.date}`;
  const nextZh = next === undefined ? '' : `；最近到期：${next.id}（${next.date}）`;
  return { en: `CertDesk: ${en.join(', ')}${nextEn}`, 'zh-CN': `CertDesk：${zh.join('，')}${nextZh}` };
}

/** One generation of background renewal: a scheduler and its queue (a stopped one cannot restart). */
interface Renewing {
  readonly queue: JobQueue;
  readonly scheduler: RenewalScheduler;
}

/**
 * The desktop app's engine. Construct it (nothing runs yet), subscribe to its events, `start()` the
 * background renewal, and `stop()` it on quit. Everything else the UI needs (CA accounts,
 * certificate definitions, imports) is on {@link certificates}.
 *
 * Events: `order:event` (each order log entry as written, secrets redacted) followed by
 * `cert:changed` `{id}`; `cert:changed` alone when a certificate's definition or export targets were
 * added, edited or removed (see {@link CertificateServiceOptions.onChanged}); `alert:event` for
 * every alert raised; `renewal:changed` `{paused}` on pause and resume. Listeners run synchronously;
 * one that throws is logged and does not affect the others.
 */
export class DesktopEngine {
  readonly #o: DesktopEngineOptions;
  readonly #certificates: CertificateService;
  readonly #events: EventHub;
  readonly #now: () => Date;
  #state: 'new' | 'started' | 'stopped' = 'new';
  #paused = false;
  #renewing: Renewing | undefined;
  /** Starting and stopping schedulers, one after the other, so two generations never overlap. */
  #transitions: Promise<void> = Promise.resolve();
  #stopping: Promise<void> | undefined;

  /** Creates the certificate service; starts nothing. */
  constructor(options: DesktopEngineOptions) {
    this.#o = options;
    this.#now = options.clock ?? (() => new Date());
    this.#events = new EventHub((error) => {
      options.logger.error('An event listener failed', { error: String(error) });
    });
    const events: Notifier = {
      name: 'desktop events',
      notify: (alert) => {
        this.#events.emit('alert:event', alert);
        return Promise.resolve();
      },
    };
    this.#certificates = new CertificateService({
      paths: options.paths,
      conf: options.conf,
      secrets: options.secrets,
      logger: options.logger,
      notifiers: [...options.notifiers, events],
      onEvent: (entry) => {
        this.#orderEvent(entry);
      },
      // Definitions added, edited or removed write no order log entry; the window and the tray still hear of them.
      onChanged: (id) => {
        this.#events.emit('cert:changed', { id });
      },
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...options.certificateOptions,
    });
  }

  /** The certificate engine: CA accounts, DNS providers, definitions, list/show, export, the order log. */
  get certificates(): CertificateService {
    return this.#certificates;
  }

  /** Whether background renewal is paused. Not kept across restarts: a forgotten pause must not let certificates expire. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Subscribes to an event (see the class comment for which fire); returns the function that unsubscribes. */
  on<E extends EventChannel>(event: E, listener: (payload: EventChannels[E]) => void): Unsubscribe {
    return this.#events.on(event, listener);
  }

  /**
   * Starts background renewal (the app's, and `certdesk daemon`'s, which runs this same engine): a job queue and a scheduler with the
   * policy's check interval and concurrency (or {@link DesktopEngineOptions.schedulerOptions}). Each
   * check runs `maintain()` (ARI windows, TLS monitors, expiry alerts) and renews what is due with
   * `renew(id, {scheduled: true})`, which honours the retry policy and stops. Resolves after the
   * first check (whose failures are logged, not thrown); while paused it only records that it was
   * started. Calling it again is harmless.
   *
   * @throws CertDeskError `invalid_data` when the renewal policy in config.json cannot be read (nothing
   *   runs; `start()` may be called again once it is fixed); `invalid_input` after `stop()`.
   */
  async start(): Promise<void> {
    if (this.#state === 'stopped') {
      throw new CertDeskError('invalid_input', 'Unable to start renewing certificates, the engine has been stopped', { remedy: 'Create a new engine.' });
    }
    if (this.#state === 'started') return this.#transitions;
    this.#state = 'started';
    try {
      await this.#transition(() => this.#launch());
    } catch (error) {
      // Startable again once the cause is fixed, unless stop() came meanwhile.
      if (this.#stopping === undefined) this.#state = 'new';
      throw error;
    }
  }

  /**
   * Pauses background renewal at once: no scheduled renewal starts from now on, and `renewal:changed`
   * `{paused: true}` is emitted (nothing when already paused). Renewals already running finish; the
   * promise resolves when they have. The admin's own renewals ({@link renew}, {@link renewAll}) still
   * run. Never rejects.
   */
  pause(): Promise<void> {
    if (!this.#paused && this.#state !== 'stopped') {
      this.#paused = true;
      // Queued renewals are dropped now, not when the transition below gets its turn.
      void this.#renewing?.queue.stop({ drain: false });
      this.#events.emit('renewal:changed', { paused: true });
    }
    return this.#transition(() => this.#halt());
  }

  /**
   * Resumes background renewal: emits `renewal:changed` `{paused: false}` at once (nothing when not
   * paused) and, once renewals still running from before the pause have finished, starts a new
   * scheduler, which checks everything at once — certificates added meanwhile included. Resolves
   * after that first check. Never rejects: a scheduler that cannot start (the policy in config.json
   * is damaged) is logged, and the next `resume()` or `start()` tries again.
   */
  resume(): Promise<void> {
    if (this.#paused && this.#state !== 'stopped') {
      this.#paused = false;
      this.#events.emit('renewal:changed', { paused: false });
    }
    return this.#transition(() => this.#launch()).catch((error: unknown) => {
      this.#o.logger.error('Unable to resume renewing certificates', { error: toApiError(error).message });
    });
  }

  /**
   * The admin's renewal of one certificate, now: obtains it, or renews it when due (always with
   * `force`). Paused or not. Rejects as {@link CertificateService.renew} does — `busy` when the
   * scheduler, the CLI or another host is renewing it at this moment.
   */
  renew(id: string, options: { readonly force?: boolean } = {}): Promise<RenewResult> {
    return this.#certificates.renew(id, { force: options.force === true });
  }

  /**
   * The tray's "renew all": every managed certificate now, not forced (so only those due, failing or
   * never obtained are ordered), a bounded number at once (the scheduler's concurrency). Paused or
   * not. Never rejects: each certificate's outcome says what happened, a failure as the error that
   * crosses the bridge (`busy` when it was being renewed already).
   */
  async renewAll(): Promise<ReadonlyArray<RenewAllOutcome>> {
    const ids = this.#certificates.certificateIds();
    let concurrency = this.#o.schedulerOptions?.concurrency;
    if (concurrency === undefined) {
      try {
        concurrency = this.#certificates.policy.effective().concurrency;
      } catch (error) {
        return ids.map((id) => ({ id, ok: false, error: toApiError(error) }));
      }
    }
    return mapBounded(ids, concurrency, async (id): Promise<RenewAllOutcome> => {
      try {
        return { id, ok: true, result: await this.#certificates.renew(id) };
      } catch (error) {
        return { id, ok: false, error: toApiError(error) };
      }
    });
  }

  /** The tray's overview of every certificate now; see {@link trayOverview}. Rejects when config.json cannot be read. */
  async overview(): Promise<TrayOverview> {
    return trayOverview(await this.#certificates.listCertificates(), this.#now());
  }

  /**
   * Stops background renewal (running renewals finish their current order first) and closes the CA
   * connections. Resolves when all is done; calling it again returns the same promise. The engine
   * must not be used afterwards.
   */
  stop(): Promise<void> {
    if (this.#stopping === undefined) {
      this.#state = 'stopped';
      void this.#renewing?.queue.stop({ drain: false });
      this.#stopping = this.#transition(() => this.#halt()).then(() => this.#certificates.close());
    }
    return this.#stopping;
  }

  /** Runs `work` after every earlier transition; its rejection reaches the caller, never the later ones. */
  #transition(work: () => Promise<void>): Promise<void> {
    const next = this.#transitions.then(work);
    this.#transitions = next.catch(() => undefined);
    return next;
  }

  /** Starts a scheduler generation when renewal should run and none does. */
  async #launch(): Promise<void> {
    if (this.#state !== 'started' || this.#paused || this.#renewing !== undefined) return;
    const { logger, reporter } = this.#o;
    const overrides = this.#o.schedulerOptions ?? {};
    const policy = this.#certificates.policy.effective();
    const queue = new JobQueue({
      concurrency: overrides.concurrency ?? policy.concurrency,
      onError: (error, id) => {
        // The failure itself is in the certificate's order log and state, and alerted when it should be.
        if (reporter === undefined) logger.warn(`Unable to renew ${id}`, { error: toApiError(error).message });
        else reporter.failed(id, error);
      },
    });
    const scheduler = new RenewalScheduler({
      checkIntervalMs: overrides.checkIntervalMs ?? policy.checkIntervalMs,
      ...(overrides.jitter === undefined ? {} : { jitter: overrides.jitter }),
      ...(overrides.jumpProbeMs === undefined ? {} : { jumpProbeMs: overrides.jumpProbeMs }),
      ...(overrides.clockJumpToleranceMs === undefined ? {} : { clockJumpToleranceMs: overrides.clockJumpToleranceMs }),
      ...(this.#o.clock === undefined ? {} : { clock: this.#o.clock }),
      nextDue: () => this.#certificates.maintain(),
      run: async (id) => {
        // A pause wins over a renewal that was about to start.
        if (this.#paused) return;
        const result = await this.#certificates.renew(id, { scheduled: true });
        reporter?.renewed(result);
      },
      queue,
      onError: (error) => {
        if (reporter === undefined) logger.warn('Unable to check which certificates are due', { error: toApiError(error).message });
        else reporter.checkFailed(error);
      },
    });
    this.#renewing = { queue, scheduler };
    await scheduler.start();
  }

  /** Stops the running scheduler generation, if any; resolves when its renewals have finished. */
  async #halt(): Promise<void> {
    const renewing = this.#renewing;
    this.#renewing = undefined;
    await renewing?.scheduler.stop();
  }

  #orderEvent(entry: OrderLogEntry): void {
    // Exactly what the log file holds (secrets redacted, plain JSON), so it crosses IPC like `order:log`.
    const safe = JSON.parse(JSON.stringify(entry.data === undefined ? entry : { ...entry, data: redact(entry.data) })) as OrderLogEntry;
    this.#events.emit('order:event', safe);
    this.#events.emit('cert:changed', { id: entry.certId });
  }
}

