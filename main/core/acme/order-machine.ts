/**
 * The ACME order state machine, pure: RFC 8555 §7.1.6 statuses, which observed changes are legal,
 * and what the runner does next for each status the server reports. No I/O; the runner
 * (`order-runner.ts`) reads the server and calls these.
 */

/** Order statuses (RFC 8555 §7.1.3, §7.1.6). */
export type OrderStatus = 'pending' | 'ready' | 'processing' | 'valid' | 'invalid';

/** Authorization statuses (RFC 8555 §7.1.4, §7.1.6). */
export type AuthorizationStatus = 'pending' | 'valid' | 'invalid' | 'deactivated' | 'expired' | 'revoked';

/** Challenge statuses (RFC 8555 §8, §7.1.6). */
export type ChallengeStatus = 'pending' | 'processing' | 'valid' | 'invalid';

/** Every order status, for validating what a server sends. */
export const orderStatuses: ReadonlyArray<OrderStatus> = ['pending', 'ready', 'processing', 'valid', 'invalid'];
/** Every authorization status. */
export const authorizationStatuses: ReadonlyArray<AuthorizationStatus> = ['pending', 'valid', 'invalid', 'deactivated', 'expired', 'revoked'];
/** Every challenge status. */
export const challengeStatuses: ReadonlyArray<ChallengeStatus> = ['pending', 'processing', 'valid', 'invalid'];

/**
 * The statuses a client may observe next, given the last one it saw. These are the RFC's edges
 * closed over "several steps may happen between two reads" (another process may finalize between
 * our reads, so `pending` → `valid` is possible), but nothing ever leaves a final state and nothing
 * goes back. Re-reading the same status is always legal.
 */
const orderReachable: Readonly<Record<OrderStatus, ReadonlyArray<OrderStatus>>> = {
  pending: ['pending', 'ready', 'processing', 'valid', 'invalid'],
  ready: ['ready', 'processing', 'valid', 'invalid'],
  processing: ['processing', 'valid', 'invalid'],
  valid: ['valid'],
  invalid: ['invalid'],
};

const authorizationReachable: Readonly<Record<AuthorizationStatus, ReadonlyArray<AuthorizationStatus>>> = {
  pending: ['pending', 'valid', 'invalid', 'deactivated', 'expired', 'revoked'],
  valid: ['valid', 'deactivated', 'expired', 'revoked'],
  invalid: ['invalid'],
  deactivated: ['deactivated'],
  expired: ['expired'],
  revoked: ['revoked'],
};

/** §7.1.6: a challenge in `processing` may be retried by the server, staying `processing`. */
const challengeReachable: Readonly<Record<ChallengeStatus, ReadonlyArray<ChallengeStatus>>> = {
  pending: ['pending', 'processing', 'valid', 'invalid'],
  processing: ['processing', 'valid', 'invalid'],
  valid: ['valid'],
  invalid: ['invalid'],
};

/** Which object a status belongs to. */
export type AcmeObjectKind = 'order' | 'authorization' | 'challenge';

/** A status change the server reported that RFC 8555 does not allow (e.g. `valid` → `pending`). */
export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  readonly kind: AcmeObjectKind;
  readonly from: string;
  readonly to: string;

  constructor(kind: AcmeObjectKind, from: string, to: string) {
    super(`Unable to follow the ${kind}, the CA reported it going from "${from}" to "${to}", which RFC 8555 does not allow`);
    this.kind = kind;
    this.from = from;
    this.to = to;
  }
}

/** Whether `to` may be observed after `from` for an object of `kind`. */
export function isLegalTransition(kind: AcmeObjectKind, from: string, to: string): boolean {
  const table: Readonly<Record<string, ReadonlyArray<string>>> =
    kind === 'order' ? orderReachable : kind === 'authorization' ? authorizationReachable : challengeReachable;
  // Own properties only: a status like "constructor" from a confused server must not reach Object.prototype.
  return Object.hasOwn(table, from) && table[from]?.includes(to) === true;
}

/**
 * Checks an observed change and returns the new status; throws {@link IllegalTransitionError} when
 * it is illegal or either status is unknown. `from` undefined (first sighting) accepts any known
 * status.
 */
export function observe<S extends string>(kind: AcmeObjectKind, from: S | undefined, to: string): S {
  const known: ReadonlyArray<string> = kind === 'order' ? orderStatuses : kind === 'authorization' ? authorizationStatuses : challengeStatuses;
  if (!known.includes(to)) throw new IllegalTransitionError(kind, from ?? '(none)', to);
  if (from !== undefined && !isLegalTransition(kind, from, to)) throw new IllegalTransitionError(kind, from, to);
  return to as S;
}

/** What the runner does for the order status it just read. */
export type OrderAction =
  | 'answer_challenges' // pending: present and answer what is still pending (§7.5.1)
  | 'finalize' // ready: send the CSR, once per `ready` sighting (§7.4)
  | 'poll' // processing: wait (Retry-After) and read again (§7.4)
  | 'download' // valid: fetch the certificate (§7.4.2)
  | 'new_order'; // invalid or expired: this order is dead; start over as the retry policy allows

/**
 * DESIGN.md rule 1: dispatch on the server's status, never on memory. An order past its `expires`
 * is dead whatever its status says, except `valid`, whose certificate stays downloadable.
 */
export function nextOrderAction(status: OrderStatus, options: { expired: boolean }): OrderAction {
  if (options.expired && status !== 'valid') return 'new_order';
  switch (status) {
    case 'pending':
      return 'answer_challenges';
    case 'ready':
      return 'finalize';
    case 'processing':
      return 'poll';
    case 'valid':
      return 'download';
    case 'invalid':
      return 'new_order';
  }
}

/** What the runner does for one authorization of a `pending` order. */
export type AuthorizationAction =
  | 'solve' // pending with its challenge pending: present, then answer
  | 'wait' // pending with its challenge already processing: we (or a crashed run) answered; poll
  | 'done' // valid
  | 'failed'; // invalid, deactivated, expired, revoked: the order cannot complete

/**
 * DESIGN.md rule 1 for challenges: answer a challenge only while the server still has it `pending`;
 * one already `processing` was answered (perhaps by a run that crashed) and is only awaited.
 */
export function nextAuthorizationAction(authorization: AuthorizationStatus, challenge: ChallengeStatus | undefined): AuthorizationAction {
  switch (authorization) {
    case 'valid':
      return 'done';
    case 'pending':
      return challenge === 'processing' || challenge === 'valid' ? 'wait' : challenge === 'invalid' ? 'failed' : 'solve';
    case 'invalid':
    case 'deactivated':
    case 'expired':
    case 'revoked':
      return 'failed';
  }
}
