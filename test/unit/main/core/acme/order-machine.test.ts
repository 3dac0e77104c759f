import { describe, expect, it } from 'vitest';
import {
  IllegalTransitionError,
  authorizationStatuses,
  challengeStatuses,
  isLegalTransition,
  nextAuthorizationAction,
  nextOrderAction,
  observe,
  orderStatuses,
  type AcmeObjectKind,
  type AuthorizationAction,
  type AuthorizationStatus,
  type ChallengeStatus,
  type OrderAction,
  type OrderStatus,
} from '../../../../../main/core/acme/order-machine.ts';
import { thrown } from '../../support/thrown.ts';

/**
 * The expected transition tables, written out by hand: one row per `from`, one column per `to`,
 * in the column order given. `1` = legal to observe next, `0` = illegal. RFC 8555 §7.1.6's edges,
 * closed over several steps between two reads; final states never change, nothing goes back.
 */
const orderColumns = ['pending', 'ready', 'processing', 'valid', 'invalid'] as const satisfies ReadonlyArray<OrderStatus>;
const orderTable: Readonly<Record<OrderStatus, readonly [0 | 1, 0 | 1, 0 | 1, 0 | 1, 0 | 1]>> = {
  //           pending ready processing valid invalid
  pending:    [1,      1,    1,         1,    1],
  ready:      [0,      1,    1,         1,    1],
  processing: [0,      0,    1,         1,    1],
  valid:      [0,      0,    0,         1,    0],
  invalid:    [0,      0,    0,         0,    1],
};

const authorizationColumns = ['pending', 'valid', 'invalid', 'deactivated', 'expired', 'revoked'] as const satisfies ReadonlyArray<AuthorizationStatus>;
const authorizationTable: Readonly<Record<AuthorizationStatus, readonly [0 | 1, 0 | 1, 0 | 1, 0 | 1, 0 | 1, 0 | 1]>> = {
  //            pending valid invalid deactivated expired revoked
  pending:     [1,      1,    1,      1,          1,      1],
  valid:       [0,      1,    0,      1,          1,      1],
  invalid:     [0,      0,    1,      0,          0,      0],
  deactivated: [0,      0,    0,      1,          0,      0],
  expired:     [0,      0,    0,      0,          1,      0],
  revoked:     [0,      0,    0,      0,          0,      1],
};

const challengeColumns = ['pending', 'processing', 'valid', 'invalid'] as const satisfies ReadonlyArray<ChallengeStatus>;
const challengeTable: Readonly<Record<ChallengeStatus, readonly [0 | 1, 0 | 1, 0 | 1, 0 | 1]>> = {
  //          pending processing valid invalid
  pending:    [1,     1,         1,    1],
  processing: [0,     1,         1,    1],
  valid:      [0,     0,         1,    0],
  invalid:    [0,     0,         0,    1],
};

interface Row {
  readonly kind: AcmeObjectKind;
  readonly from: string;
  readonly to: string;
  readonly legal: boolean;
}

/** The cross product of `statuses` × `statuses`, each pair looked up in the hand-written table. */
function crossProduct(
  kind: AcmeObjectKind,
  statuses: ReadonlyArray<string>,
  columns: ReadonlyArray<string>,
  table: Readonly<Record<string, ReadonlyArray<0 | 1>>>,
): Row[] {
  return statuses.flatMap((from) =>
    statuses.map((to) => {
      const row = table[from];
      const column = columns.indexOf(to);
      if (row === undefined || column === -1) throw new Error(`the expected ${kind} table has no entry for ${from} → ${to}`);
      return { kind, from, to, legal: row[column] === 1 };
    }),
  );
}

const allRows: Row[] = [
  ...crossProduct('order', orderStatuses, orderColumns, orderTable),
  ...crossProduct('authorization', authorizationStatuses, authorizationColumns, authorizationTable),
  ...crossProduct('challenge', challengeStatuses, challengeColumns, challengeTable),
];

describe('status lists', () => {
  it.each([
    ['order', orderStatuses, orderColumns],
    ['authorization', authorizationStatuses, authorizationColumns],
    ['challenge', challengeStatuses, challengeColumns],
  ] as const)('the %s statuses are exactly those of RFC 8555 (and of the expected table)', (_kind, actual, expected) => {
    expect([...actual].sort()).toStrictEqual([...expected].sort());
  });

  it('covers every pair: 25 order, 36 authorization and 16 challenge transitions', () => {
    expect(allRows.filter((row) => row.kind === 'order')).toHaveLength(25);
    expect(allRows.filter((row) => row.kind === 'authorization')).toHaveLength(36);
    expect(allRows.filter((row) => row.kind === 'challenge')).toHaveLength(16);
  });
});

describe('isLegalTransition', () => {
  it.each(allRows)('$kind: $from → $to is legal: $legal', ({ kind, from, to, legal }) => {
    expect(isLegalTransition(kind, from, to)).toBe(legal);
  });

  it.each([
    ['order', 'unknown', 'pending'],
    ['order', 'pending', 'unknown'],
    ['order', 'deactivated', 'deactivated'], // an authorization status is not an order status
    ['challenge', 'ready', 'ready'], // an order status is not a challenge status
    ['authorization', 'processing', 'valid'], // a challenge status is not an authorization status
    ['order', '', 'pending'],
    ['order', 'PENDING', 'pending'],
    // Names Object.prototype carries: a lookup table must not mistake them for statuses.
    ['order', 'constructor', 'pending'],
    ['authorization', 'toString', 'valid'],
    ['challenge', '__proto__', 'valid'],
    ['challenge', 'hasOwnProperty', 'valid'],
  ] as const)('%s: %j → %j is illegal (unknown status)', (kind, from, to) => {
    expect(isLegalTransition(kind, from, to)).toBe(false);
  });
});

describe('observe', () => {
  it.each(allRows)('$kind: $from → $to (legal: $legal)', ({ kind, from, to, legal }) => {
    if (legal) {
      expect(observe(kind, from, to)).toBe(to);
      return;
    }
    const error = thrown(() => observe(kind, from, to));
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error).toMatchObject({ name: 'IllegalTransitionError', kind, from, to });
    expect((error as Error).message).toBe(
      `Unable to follow the ${kind}, the CA reported it going from "${from}" to "${to}", which RFC 8555 does not allow`,
    );
  });

  const firstSightings: ReadonlyArray<readonly [AcmeObjectKind, string]> = [
    ...orderStatuses.map((status) => ['order', status] as const),
    ...authorizationStatuses.map((status) => ['authorization', status] as const),
    ...challengeStatuses.map((status) => ['challenge', status] as const),
  ];

  it.each(firstSightings)('accepts any known %s status on first sighting: %s', (kind, status) => {
    expect(observe(kind, undefined, status)).toBe(status);
  });

  it.each([
    ['order', 'deactivated'],
    ['order', 'Pending'],
    ['order', ''],
    ['authorization', 'ready'],
    ['authorization', 'processing'],
    ['challenge', 'ready'],
    ['challenge', 'expired'],
    ['challenge', 'constructor'],
  ] as const)('refuses the unknown %s status %j on first sighting, reporting "(none)" as the old status', (kind, to) => {
    const error = thrown(() => observe(kind, undefined, to));
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error).toMatchObject({ kind, from: '(none)', to });
  });

  it.each([
    ['order', 'pending', 'deactivated'],
    ['authorization', 'pending', 'ready'],
    ['challenge', 'pending', 'expired'],
    ['challenge', 'valid', 'bogus'],
  ] as const)('refuses the unknown %s status after a known one: %s → %s', (kind, from, to) => {
    const error = thrown(() => observe(kind, from, to));
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error).toMatchObject({ kind, from, to });
  });

  it.each([
    ['order', 'bogus', 'pending'],
    ['authorization', 'ready', 'valid'],
    ['challenge', 'toString', 'valid'],
    ['order', 'constructor', 'valid'],
  ] as const)('refuses a known %s status after an unknown one: %j → %s', (kind, from, to) => {
    const error = thrown(() => observe(kind, from, to));
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error).toMatchObject({ kind, from, to });
  });
});

describe('nextOrderAction', () => {
  const table: ReadonlyArray<readonly [OrderStatus, boolean, OrderAction]> = [
    ['pending', false, 'answer_challenges'],
    ['ready', false, 'finalize'],
    ['processing', false, 'poll'],
    ['valid', false, 'download'],
    ['invalid', false, 'new_order'],
    // Past `expires` the order is dead, except a valid one whose certificate can still be fetched.
    ['pending', true, 'new_order'],
    ['ready', true, 'new_order'],
    ['processing', true, 'new_order'],
    ['valid', true, 'download'],
    ['invalid', true, 'new_order'],
  ];

  it('covers every status × expired', () => {
    const covered = table.map(([status, expired]) => `${status}/${String(expired)}`).sort();
    const all = orderStatuses.flatMap((status) => [`${status}/false`, `${status}/true`]).sort();
    expect(covered).toStrictEqual(all);
  });

  it.each(table)('%s, expired %s → %s', (status, expired, action) => {
    expect(nextOrderAction(status, { expired })).toBe(action);
  });
});

describe('nextAuthorizationAction', () => {
  const table: ReadonlyArray<readonly [AuthorizationStatus, ChallengeStatus | undefined, AuthorizationAction]> = [
    ['pending', undefined, 'solve'],
    ['pending', 'pending', 'solve'],
    // Already answered (perhaps by a run that crashed): only awaited, never answered twice.
    ['pending', 'processing', 'wait'],
    ['pending', 'valid', 'wait'],
    ['pending', 'invalid', 'failed'],
    ['valid', undefined, 'done'],
    ['valid', 'pending', 'done'],
    ['valid', 'processing', 'done'],
    ['valid', 'valid', 'done'],
    ['valid', 'invalid', 'done'],
    ['invalid', undefined, 'failed'],
    ['invalid', 'pending', 'failed'],
    ['invalid', 'processing', 'failed'],
    ['invalid', 'valid', 'failed'],
    ['invalid', 'invalid', 'failed'],
    ['deactivated', undefined, 'failed'],
    ['deactivated', 'pending', 'failed'],
    ['deactivated', 'processing', 'failed'],
    ['deactivated', 'valid', 'failed'],
    ['deactivated', 'invalid', 'failed'],
    ['expired', undefined, 'failed'],
    ['expired', 'pending', 'failed'],
    ['expired', 'processing', 'failed'],
    ['expired', 'valid', 'failed'],
    ['expired', 'invalid', 'failed'],
    ['revoked', undefined, 'failed'],
    ['revoked', 'pending', 'failed'],
    ['revoked', 'processing', 'failed'],
    ['revoked', 'valid', 'failed'],
    ['revoked', 'invalid', 'failed'],
  ];

  it('covers every authorization status × challenge status (and no challenge)', () => {
    const covered = table.map(([authorization, challenge]) => `${authorization}/${challenge ?? '-'}`).sort();
    const all = authorizationStatuses
      .flatMap((authorization) => [undefined, ...challengeStatuses].map((challenge) => `${authorization}/${challenge ?? '-'}`))
      .sort();
    expect(covered).toStrictEqual(all);
  });

  it.each(table)('authorization %s, challenge %s → %s', (authorization, challenge, action) => {
    expect(nextAuthorizationAction(authorization, challenge)).toBe(action);
  });
});
