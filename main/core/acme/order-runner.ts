import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type acme from 'acme-client';
import type { KeyType } from '../config/schema.ts';
import type { ChallengeInput, ChallengeSolver } from '../challenges/solver.ts';
import { modes, readIfExists, writeAtomic } from '../fs/atomic.ts';
import type { OrderEventType } from '../log/order-log.ts';
import type { DataPaths } from '../paths.ts';
import { listAccountOrders, type AccountClient } from './accounts.ts';
import { readJournal, writeJournal, type Journal } from './journal.ts';
import { createCsr, createPrivateKey } from './keys.ts';
import {
  nextAuthorizationAction,
  nextOrderAction,
  observe,
  type AuthorizationStatus,
  type ChallengeStatus,
  type OrderStatus,
} from './order-machine.ts';
import { describeFailure, OrderFailedError, type Failure, type FailureInput } from './failures.ts';
import { parseRetryAfter } from './problems.ts';
import type { SpendEvent } from '../renewal/rate-budget.ts';

/** Timing limits of one run; defaults suit public CAs, tests shorten them. */
export interface RunLimits {
  /** The longest `Retry-After` waited inline; longer ones end the run with the next allowed time. Default 60 s. */
  readonly maxInlineWaitMs: number;
  /** The longest poll interval when the CA gives no `Retry-After`. Default 1 s. */
  readonly pollIntervalMs: number;
  /**
   * The first poll interval, doubled per poll up to `pollIntervalMs`. Default 100 ms: Pebble and
   * often Let's Encrypt finish a step within it; five polls in the first 1.5 s are well inside
   * every CA's request limits.
   */
  readonly firstPollMs: number;
  /** Give up waiting for validation or issuance after this long (the order stays resumable). Default 10 min. */
  readonly stepTimeoutMs: number;
  /** Attempts for a read that fails transiently (5xx, connection) before the run ends. Default 5. */
  readonly readAttempts: number;
}

/**
 * Extra rounds for a state-changing request refused with badNonce after acme-client's own retries
 * (each round is acme-client's retries again): a CA that rejects nonces at random, like Pebble's
 * test mode, cannot end a run this way.
 */
const maxBadNonceRounds = 5;

/** Default {@link RunLimits}. */
export const defaultRunLimits: RunLimits = { maxInlineWaitMs: 60_000, pollIntervalMs: 1000, firstPollMs: 50, stepTimeoutMs: 600_000, readAttempts: 5 };

/** What a run needs; everything outside the engine is passed in. */
export interface RunOrderOptions {
  readonly certId: string;
  /** Normalised domains (punycode, `*.` for wildcards); the order's identifiers. */
  readonly domains: ReadonlyArray<string>;
  readonly keyType: KeyType;
  readonly account: AccountClient;
  readonly solver: ChallengeSolver;
  readonly paths: DataPaths;
  readonly log: (event: OrderEventType, message: string, data?: Readonly<Record<string, unknown>>) => Promise<void>;
  readonly clock?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly limits?: Partial<RunLimits>;
  /** Aborts the run between steps (the certificate's lock was lost); the journal stays resumable. */
  readonly signal?: AbortSignal;
  /**
   * The ARI identifier of the certificate this order replaces (RFC 9773 §5), sent as `replaces` on
   * a new order. A CA that refuses it (`alreadyReplaced`, or an order it cannot link) gets the order
   * once more without it.
   */
  readonly replaces?: string | undefined;
  /** Called before a new order is created (not when one is resumed); throws to refuse it (the rate budget). */
  readonly beforeNewOrder?: (() => Promise<void>) | undefined;
  /** Told of every order created, authorization failed and certificate issued, for the rate budget. */
  readonly onSpend?: ((event: SpendEvent) => Promise<void>) | undefined;
}

/** A certificate fresh from the CA, with the key it was ordered for. */
export interface ObtainedCertificate {
  readonly fullchainPem: string;
  readonly keyPem: string;
  readonly orderUrl: string;
  /** Orders this attempt created (0 when a crashed run's order was resumed to the end). */
  readonly ordersCreated: number;
  readonly finalizeCount: number;
}

/**
 * Drives one certificate's ACME order to a downloaded certificate (RFC 8555 §7.4), following
 * DESIGN.md's rules:
 *
 * 1. Before every state-changing request it re-reads the order and acts on the status the server
 *    reports (`order-machine.ts`), never on what it remembers.
 * 2. A finalize error is answered by re-reading the order, never by re-sending; finalize goes out
 *    only when a fresh read says `ready`.
 * 3. An unfinished order in the journal is resumed while the server still holds it usable; a new
 *    order is created only when it is invalid, expired or gone.
 *
 * The journal is written before and after every step, and the certificate key is created once per
 * attempt (kept in `pending/privkey.pem`, 0600) before the order, so a crash anywhere resumes with
 * the same order and key. Presented challenges are always cleaned up, including those of a crashed
 * run. Returns the certificate; the caller stores it and then calls {@link completeAttempt}.
 */
export async function runOrder(options: RunOrderOptions): Promise<ObtainedCertificate> {
  const run = new OrderRun(options);
  return run.execute();
}

/**
 * Whether a failed new-order request should be sent again without `replaces`: the CA said the old
 * certificate was already replaced (RFC 9773 §7.4 `alreadyReplaced`), or rejected the request as
 * malformed or conflicting, which a CA without ARI support for this certificate may do.
 */
function refusesReplaces(failure: Failure): boolean {
  return failure.action === 'order_without_replaces' || failure.problemType === 'malformed' || failure.httpStatus === 409;
}

/** Ends an attempt after its certificate is stored: drops the journal and the pending key. */
export async function completeAttempt(paths: DataPaths, certId: string): Promise<void> {
  await rm(paths.journal(certId), { force: true });
  await rm(path.dirname(paths.pendingKey(certId)), { recursive: true, force: true });
}

class OrderRun {
  readonly #o: RunOrderOptions;
  readonly #limits: RunLimits;
  readonly #now: () => Date;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #client: acme.Client;
  #journal!: Journal;
  #saving: Promise<unknown> = Promise.resolve();

  constructor(options: RunOrderOptions) {
    this.#o = options;
    this.#limits = { ...defaultRunLimits, ...options.limits };
    this.#now = options.clock ?? (() => new Date());
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#client = options.account.client;
  }

  async execute(): Promise<ObtainedCertificate> {
    const { certId, domains } = this.#o;
    await this.#o.log('cert_obtaining', `Obtaining a certificate for ${domains.join(', ')}`, { domains, account: this.#o.account.name });
    this.#journal = await this.#openJournal();
    const keyPem = await this.#pendingKey();
    try {
      let order = await this.#usableOrder();
      // Whether `order` is the server's answer to the request just made (new order, the resume
      // read, finalize): then it is already the fresh read rule 1 asks for and is not read again.
      let fresh = true;
      const deadline = this.#now().getTime() + this.#limits.stepTimeoutMs * 3;
      let polls = 0;
      for (;;) {
        if (this.#now().getTime() > deadline) {
          throw new OrderFailedError(`obtain ${certId}`, this.#failure({ kind: 'timeout', what: 'the order to complete' }));
        }
        // Lost the lock: another process may be working on this order now; stop before the next step.
        this.#o.signal?.throwIfAborted();
        if (!fresh) order = await this.#read(() => this.#client.getOrder(order), 'read the order');
        fresh = false;
        const status = this.#observeOrder(order);
        const expired = order.expires !== undefined && new Date(order.expires).getTime() <= this.#now().getTime();
        switch (nextOrderAction(status, { expired })) {
          case 'answer_challenges':
            await this.#answerChallenges(order);
            break;
          case 'finalize':
            ({ order, fresh } = await this.#finalize(order, keyPem));
            break;
          case 'poll':
            polls += 1;
            await this.#wait(order.url, polls);
            break;
          case 'download': {
            const fullchainPem = await this.#read(() => this.#client.getCertificate(order), 'download the certificate');
            await this.#o.log('cert_downloaded', 'Downloaded the certificate chain', { orderUrl: order.url });
            await this.#spend('certificate_issued', this.#o.domains);
            return {
              fullchainPem,
              keyPem,
              orderUrl: order.url,
              ordersCreated: this.#journal.ordersCreated,
              finalizeCount: this.#journal.finalizeCount,
            };
          }
          case 'new_order': {
            const failure = this.#failure({ kind: 'order_invalid', order, expired });
            await this.#recordProblem(failure);
            throw new OrderFailedError(`obtain ${certId}`, failure);
          }
        }
      }
    } finally {
      await this.#cleanupPresented();
    }
  }

  /** Loads the journal, dropping one that belongs to a different order request (domains, CA, key type changed). */
  async #openJournal(): Promise<Journal> {
    const { certId, paths, account, keyType } = this.#o;
    const identifiers = [...this.#o.domains].sort();
    const now = this.#now();
    const existing = await readJournal(paths.journal(certId));
    const matches =
      existing !== undefined &&
      existing.account === account.name &&
      existing.directoryUrl === account.account.directoryUrl &&
      existing.keyType === keyType &&
      JSON.stringify(existing.identifiers) === JSON.stringify(identifiers);
    if (existing !== undefined && matches) {
      if (existing.notBefore !== undefined && new Date(existing.notBefore).getTime() > now.getTime()) {
        throw new OrderFailedError(`obtain ${certId}`, this.#failure({ kind: 'wait_until', until: new Date(existing.notBefore) }));
      }
      return existing;
    }
    if (existing !== undefined) {
      // The definition changed: the old order cannot be used, and its proofs must still go.
      this.#journal = existing;
      await this.#cleanupPresented();
      await rm(paths.pendingKey(certId), { force: true });
    }
    return writeJournal(
      paths.journal(certId),
      {
        version: 1,
        certId,
        account: account.name,
        directoryUrl: account.account.directoryUrl,
        identifiers,
        keyType,
        startedAt: now.toISOString(),
        updatedAt: now.toISOString(),
        finalizeCount: 0,
        presented: [],
        ordersCreated: 0,
      },
      now,
    );
  }

  /** The attempt's certificate key: created once, before any order, never overwritten. */
  async #pendingKey(): Promise<string> {
    const file = this.#o.paths.pendingKey(this.#o.certId);
    const existing = await readIfExists(file);
    if (existing !== undefined) return existing;
    const key = await createPrivateKey(this.#o.keyType);
    await mkdir(path.dirname(file), { recursive: true, mode: modes.privateDir });
    await writeAtomic(file, key, { mode: modes.secretFile });
    return key;
  }

  /** DESIGN.md rule 3: resume the journal's order while the server holds it usable, else create one. */
  async #usableOrder(): Promise<acme.Order> {
    const { orderUrl } = this.#journal;
    if (orderUrl !== undefined) {
      try {
        const order = await this.#read(() => this.#client.getOrder({ url: orderUrl } as acme.Order), 'read the unfinished order');
        const expired = order.expires !== undefined && new Date(order.expires).getTime() <= this.#now().getTime();
        if (order.status !== 'invalid' && !expired) {
          await this.#o.log('order_resumed', `Resuming the unfinished order (status ${order.status})`, { orderUrl, status: order.status });
          return order;
        }
        await this.#o.log('order_status', `The unfinished order is ${expired ? 'expired' : order.status}; creating a new one`, { orderUrl, status: order.status });
      } catch (error) {
        if (!(error instanceof OrderFailedError) || error.failure.httpStatus !== 404) throw error;
        await this.#o.log('order_status', 'The unfinished order no longer exists on the CA; creating a new one', { orderUrl });
      }
      await this.#cleanupPresented();
    }
    return this.#createOrder();
  }

  async #createOrder(): Promise<acme.Order> {
    const recovered = await this.#recoverOrphan();
    if (recovered !== undefined) return recovered;
    await this.#o.beforeNewOrder?.();
    const identifiers = this.#o.domains.map((value) => ({ type: 'dns' as const, value }));
    let replaces = this.#o.replaces;
    // Recorded first: if the process dies after the CA created the order but before its URL is in
    // the journal, the next run looks for that order instead of creating another.
    await this.#update((journal) => ({ ...journal, orderRequestedAt: this.#now().toISOString() }));
    let order: acme.Order;
    for (;;) {
      try {
        // acme-client sends the payload as given (RFC 8555 §7.4 plus RFC 9773 §5's `replaces`).
        const payload = replaces === undefined ? { identifiers } : { identifiers, replaces };
        order = await this.#once(() => this.#client.createOrder(payload), 'create the order');
        break;
      } catch (error) {
        // The CA answered with an error: it created nothing, so there is no order to look for later.
        if (error instanceof OrderFailedError && error.failure.httpStatus !== undefined) {
          await this.#update((journal) => ({ ...journal, orderRequestedAt: undefined }));
          // RFC 9773 §5: a CA that will not link the order to the old certificate still issues without it.
          if (replaces !== undefined && refusesReplaces(error.failure)) {
            await this.#o.log('order_status', `The CA refused 'replaces' (${error.failure.message}); ordering once more without it`, { problem: error.failure.problemType });
            replaces = undefined;
            await this.#update((journal) => ({ ...journal, orderRequestedAt: this.#now().toISOString() }));
            continue;
          }
        }
        throw error;
      }
    }
    await this.#adopt(order);
    await this.#spend('new_order', this.#o.domains);
    await this.#o.log('order_created', `Created order ${order.url}`, { orderUrl: order.url, status: order.status, identifiers: this.#o.domains, ...(replaces === undefined ? {} : { replaces }) });
    return order;
  }

  async #spend(kind: SpendEvent['kind'], identifiers: ReadonlyArray<string>): Promise<void> {
    await this.#o.onSpend?.({ at: this.#now(), kind, identifiers });
  }

  /** Makes `order` (just created, or recovered) the attempt's order in the journal. */
  async #adopt(order: acme.Order): Promise<void> {
    await this.#update((journal) => ({
      ...journal,
      orderRequestedAt: undefined,
      orderUrl: order.url,
      orderStatus: order.status,
      ...(order.expires === undefined ? {} : { orderExpires: order.expires }),
      finalizeCount: 0,
      ordersCreated: journal.ordersCreated + 1,
    }));
  }

  /**
   * After a crash between "new order sent" and "URL recorded", finds the order the CA created by
   * listing the account's orders (RFC 8555 §7.1.2.1) and picking a usable one for exactly these
   * identifiers. CAs that do not list orders (Let's Encrypt) reuse a pending order for the same
   * identifiers themselves, so nothing is lost there either. Any failure here only means a new
   * order is created.
   */
  async #recoverOrphan(): Promise<acme.Order | undefined> {
    const requestedAt = this.#journal.orderRequestedAt;
    if (requestedAt === undefined || this.#journal.orderUrl !== undefined) return undefined;
    const wanted = JSON.stringify([...this.#o.domains].sort());
    try {
      const urls = await listAccountOrders(this.#client);
      for (const url of urls.reverse()) {
        const order = await this.#client.getOrder({ url } as acme.Order);
        const identifiers = JSON.stringify(order.identifiers.map((i) => i.value).sort());
        const expired = order.expires !== undefined && new Date(order.expires).getTime() <= this.#now().getTime();
        // Only an order nobody finalized yet can be ours: a valid or processing one with the same
        // names is an earlier renewal's, finalized with another key.
        if (identifiers !== wanted || (order.status !== 'pending' && order.status !== 'ready') || expired) continue;
        await this.#adopt(order);
        await this.#o.log('order_resumed', `Recovered the order an interrupted run created (status ${order.status})`, { orderUrl: order.url, status: order.status });
        return order;
      }
    } catch (error) {
      await this.#o.log('order_status', `Could not list the account's orders (${error instanceof Error ? error.message : String(error)}); creating a new order`, {});
    }
    return undefined;
  }

  #observeOrder(order: acme.Order): OrderStatus {
    const previous = this.#journal.orderStatus as OrderStatus | undefined;
    let status: OrderStatus;
    try {
      status = observe<OrderStatus>('order', previous, order.status);
    } catch (error) {
      throw new OrderFailedError(`follow the order`, this.#failure({ kind: 'protocol', error }));
    }
    if (status !== previous) {
      void this.#o.log('order_status', `Order is ${status}`, { orderUrl: order.url, status });
    }
    this.#journal = { ...this.#journal, orderStatus: status };
    return status;
  }

  /** Presents and answers every challenge still pending, then waits until no authorization is pending. */
  async #answerChallenges(order: acme.Order): Promise<void> {
    const authorizations = await this.#read(() => this.#client.getAuthorizations(order), 'read the authorizations');
    const answered = await Promise.all(authorizations.map((authorization) => this.#solve(authorization)));
    await this.#awaitAuthorizations(order, answered.includes(true));
    await this.#update((journal) => journal);
  }

  /** Presents and answers the authorization's challenge if the CA still waits for it; true when it did. */
  async #solve(authorization: acme.Authorization): Promise<boolean> {
    const { solver } = this.#o;
    const domain = authorization.identifier.value;
    const wildcard = authorization.wildcard === true;
    const name = wildcard ? `*.${domain}` : domain;
    const challenge = authorization.challenges.find((candidate) => candidate.type === solver.type);
    const authzStatus = observe<AuthorizationStatus>('authorization', undefined, authorization.status);
    if (challenge === undefined) {
      if (authzStatus === 'valid') return false;
      const offered = authorization.challenges.map((c) => c.type);
      throw new OrderFailedError(`prove control of ${name}`, this.#failure({ kind: 'no_challenge', domain: name, wanted: solver.type, offered, wildcard }));
    }
    const action = nextAuthorizationAction(authzStatus, observe<ChallengeStatus>('challenge', undefined, challenge.status));
    if (action === 'done' || action === 'wait') return false;
    if (action === 'failed') {
      throw new OrderFailedError(`prove control of ${name}`, this.#failure({ kind: 'authorization_invalid', authorization, challenge }));
    }
    const keyAuthorization = await this.#client.getChallengeKeyAuthorization(challenge);
    const input: ChallengeInput = { domain, wildcard, token: challenge.token, value: keyAuthorization };
    // Journal first: a crash while presenting still gets the proof cleaned up by the next run.
    await this.#update((journal) =>
      journal.presented.some((p) => p.token === input.token && p.domain === domain)
        ? journal
        : { ...journal, presented: [...journal.presented, { ...input, type: solver.type }] },
    );
    try {
      await solver.present(input);
    } catch (error) {
      const failure = this.#failure({ kind: 'error', error });
      await this.#recordProblem(failure);
      throw new OrderFailedError(`prove control of ${name}`, failure);
    }
    await this.#o.log('challenge_presented', `Presented the ${solver.type} proof for ${name}`, { domain: name, type: solver.type });
    try {
      await this.#once(() => this.#client.completeChallenge(challenge), `answer the ${solver.type} challenge for ${name}`);
    } catch (error) {
      // Rule 1, act on the server: a CA may validate the apex and the wildcard authorization of one
      // name together (one TXT name proves both), so the answer can find the challenge valid already.
      const [current] = await this.#read(() => this.#client.getAuthorizations({ authorizations: [authorization.url] } as unknown as acme.Order), 'read the authorization');
      const done = current?.status === 'valid' || current?.challenges.some((c) => c.type === solver.type && (c.status === 'valid' || c.status === 'processing')) === true;
      if (!done) throw error;
      await this.#o.log('authorization_status', `The ${solver.type} challenge for ${name} was already ${current.status === 'valid' ? 'valid' : 'being validated'}`, { domain: name, status: current.status });
    }
    await this.#o.log('challenge_answered', `Asked the CA to validate ${name}`, { domain: name, challengeUrl: challenge.url });
    return true;
  }

  async #awaitAuthorizations(order: acme.Order, justAnswered: boolean): Promise<void> {
    const started = this.#now().getTime();
    for (let poll = 1; ; poll += 1) {
      // The challenges were just answered; give the CA its first poll interval before asking.
      if (poll === 1 && justAnswered) await this.#wait(order.url, 1);
      const authorizations = await this.#read(() => this.#client.getAuthorizations(order), 'read the authorizations');
      const pending = authorizations.filter((a) => a.status === 'pending');
      for (const authorization of authorizations) {
        const status = observe<AuthorizationStatus>('authorization', undefined, authorization.status);
        if (status !== 'pending' && status !== 'valid') {
          const challenge = authorization.challenges.find((c) => c.type === this.#o.solver.type);
          const name = authorization.wildcard === true ? `*.${authorization.identifier.value}` : authorization.identifier.value;
          const failure = this.#failure({ kind: 'authorization_invalid', authorization, challenge });
          await this.#o.log('authorization_status', `Validation of ${name} failed: ${failure.message}`, { domain: name, status, problem: failure.problemType });
          if (status === 'invalid') await this.#spend('failed_validation', [name]);
          await this.#recordProblem(failure);
          throw new OrderFailedError(`prove control of ${name}`, failure);
        }
      }
      if (pending.length === 0) return;
      if (this.#now().getTime() - started > this.#limits.stepTimeoutMs) {
        throw new OrderFailedError('validate the domains', this.#failure({ kind: 'timeout', what: 'the CA to validate the challenges' }));
      }
      const [first] = pending;
      await this.#wait(first?.url ?? order.url, poll + 1);
    }
  }

  /** DESIGN.md rule 2: finalize only on a fresh `ready`; an error is answered by re-reading. */
  async #finalize(order: acme.Order, keyPem: string): Promise<{ order: acme.Order; fresh: boolean }> {
    const csr = await createCsr(this.#o.domains, keyPem);
    await this.#update((journal) => ({
      ...journal,
      finalizeCount: journal.finalizeCount + 1,
      finalizeSentAt: this.#now().toISOString(),
    }));
    await this.#o.log('finalize_sent', 'Sent the CSR (finalize)', { orderUrl: order.url, finalizeCount: this.#journal.finalizeCount });
    try {
      return { order: await this.#client.finalizeOrder(order, csr), fresh: true };
    } catch (error) {
      const failure = this.#failure({ kind: 'error', error });
      await this.#o.log('finalize_failed', `Finalize failed (${failure.message}); re-reading the order instead of sending it again`, {
        orderUrl: order.url,
        problem: failure.problemType,
        httpStatus: failure.httpStatus,
      });
      // The CA may have finalized anyway (a lost response); the next read tells. Only a problem with
      // our request itself (a bad CSR, an unauthorized account) ends the run.
      if (failure.kind === 'needs_admin' && failure.problemType !== 'orderNotReady') {
        await this.#recordProblem(failure);
        throw new OrderFailedError('finalize the order', failure);
      }
      if (failure.retryAfterMs !== undefined) await this.#sleepOrDefer(failure.retryAfterMs, failure);
      return { order, fresh: false };
    }
  }

  /** Waits as the CA's `Retry-After` for `url` says (bounded), or the poll interval. */
  /**
   * Waits before polling `url` again: as the CA's `Retry-After` says when it sent one (RFC 8555
   * §7.4 for orders, §8.2 for challenges), else exponential from `firstPollMs` up to
   * `pollIntervalMs` — validation and issuance often finish within milliseconds, and a fixed 1 s
   * step would dominate a renewal. Never longer than `maxInlineWaitMs`.
   */
  async #wait(url: string, poll: number): Promise<void> {
    const now = this.#now();
    const until = parseRetryAfter(this.#o.account.transport.retryAfterFor(url), now);
    const backoff = Math.min(this.#limits.firstPollMs * 2 ** Math.max(0, poll - 1), this.#limits.pollIntervalMs);
    const ms = until === undefined ? backoff : until.getTime() - now.getTime();
    await this.#sleep(Math.min(Math.max(ms, 0), this.#limits.maxInlineWaitMs));
  }

  /** A POST-as-GET read: safe to repeat, so transient failures are retried with backoff. */
  async #read<T>(fn: () => Promise<T>, action: string): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await fn();
      } catch (error) {
        const failure = this.#failure({ kind: 'error', error });
        if (failure.kind !== 'transient' || attempt >= this.#limits.readAttempts) {
          if (failure.kind !== 'transient') await this.#recordProblem(failure);
          throw new OrderFailedError(action, failure);
        }
        if (failure.retryAfterMs !== undefined) {
          await this.#sleepOrDefer(failure.retryAfterMs, failure);
        } else {
          await this.#sleep(Math.min(this.#limits.pollIntervalMs * 2 ** (attempt - 1), this.#limits.maxInlineWaitMs));
        }
      }
    }
  }

  /**
   * A state-changing request other than finalize (new order, answer a challenge): not repeated
   * blindly. A transient failure ends the run with the journal intact; the next run re-reads the
   * order and finds out what happened. A short rate-limit wait is taken inline, once.
   */
  async #once<T>(fn: () => Promise<T>, action: string, badNonces = 0): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const failure = this.#failure({ kind: 'error', error });
      // RFC 8555 §6.5: a request refused for its nonce was not processed, so sending it again is
      // safe; acme-client already retried with fresh nonces, a few more rounds cost nothing.
      if (failure.problemType === 'badNonce' && badNonces < maxBadNonceRounds) {
        return this.#once(fn, action, badNonces + 1);
      }
      // A 429 means the request was not processed either; a short wait is taken inline.
      if (failure.problemType === 'rateLimited' && failure.retryAfterMs !== undefined && failure.retryAfterMs <= this.#limits.maxInlineWaitMs) {
        await this.#o.log('rate_limited', `The CA asked to wait ${Math.ceil(failure.retryAfterMs / 1000)} s`, { retryAfterMs: failure.retryAfterMs });
        await this.#sleep(failure.retryAfterMs);
        return this.#once(fn, action, badNonces);
      }
      await this.#recordProblem(failure);
      if (failure.retryAfterMs !== undefined) {
        const until = await this.#defer(failure);
        throw new OrderFailedError(action, this.#failure({ kind: 'wait_until', until, cause: failure }));
      }
      throw new OrderFailedError(action, failure);
    }
  }

  async #sleepOrDefer(ms: number, failure: Failure): Promise<void> {
    if (ms <= this.#limits.maxInlineWaitMs) {
      await this.#o.log('rate_limited', `The CA asked to wait ${Math.ceil(ms / 1000)} s`, { retryAfterMs: ms });
      await this.#sleep(ms);
      return;
    }
    const until = await this.#defer(failure);
    throw new OrderFailedError('continue the order', this.#failure({ kind: 'wait_until', until, cause: failure }));
  }

  /** Records when the CA allows the next attempt, so no run tries earlier. */
  async #defer(failure: Failure): Promise<Date> {
    const until = new Date(this.#now().getTime() + (failure.retryAfterMs ?? 0));
    const notBefore = until.toISOString();
    await this.#update((journal) => ({ ...journal, notBefore }));
    await this.#o.log('retry_scheduled', `The CA asked not to try again before ${notBefore}`, { notBefore, problem: failure.problemType });
    return until;
  }

  async #recordProblem(failure: Failure): Promise<void> {
    await this.#update((journal) => ({
      ...journal,
      lastProblem: { type: failure.problemType ?? failure.kind, detail: failure.message, at: this.#now().toISOString() },
    }));
  }

  /** Removes every proof in the journal (this run's and a crashed run's) and forgets them. */
  async #cleanupPresented(): Promise<void> {
    const cleaned = new Set<string>();
    const key = (p: { token: string; domain: string }): string => `${p.domain} ${p.token}`;
    for (const presented of this.#journal.presented) {
      // A proof of another challenge type (the certificate's method changed) cannot be reached
      // with this solver; it stays in the journal.
      if (presented.type !== this.#o.solver.type) continue;
      try {
        await this.#o.solver.cleanup(presented);
        cleaned.add(key(presented));
        await this.#o.log('challenge_cleaned', `Removed the ${presented.type} proof for ${presented.wildcard ? '*.' : ''}${presented.domain}`, { domain: presented.domain });
      } catch (error) {
        await this.#o.log('cert_failed', `Unable to remove the ${presented.type} proof for ${presented.domain}: ${error instanceof Error ? error.message : String(error)}`, { domain: presented.domain });
      }
    }
    if (cleaned.size > 0) await this.#update((journal) => ({ ...journal, presented: journal.presented.filter((p) => !cleaned.has(key(p))) }));
  }

  #failure(input: FailureInput): Failure {
    return describeFailure(input, this.#now());
  }

  /**
   * Applies `mutate` to the latest journal and writes it atomically. Updates are serialised, so
   * concurrent steps (one order's authorizations are solved in parallel) never lose each other's
   * changes.
   */
  #update(mutate: (journal: Journal) => Journal): Promise<Journal> {
    const next = this.#saving.then(async () => {
      this.#journal = await writeJournal(this.#o.paths.journal(this.#o.certId), mutate(this.#journal), this.#now());
      return this.#journal;
    });
    this.#saving = next.catch(() => undefined);
    return next;
  }
}
