import type acme from 'acme-client';
import type { ChallengeInput, ChallengeType } from '../../main/core/challenges/solver.ts';

/**
 * For tests that drive an order with acme-client's low-level calls: each authorization's challenge
 * of `type` and the {@link ChallengeInput} a solver takes for it. Throws when the CA did not offer
 * that challenge type.
 */
export async function challengeInputs(
  client: acme.Client,
  authorizations: ReadonlyArray<acme.Authorization>,
  type: ChallengeType,
): Promise<Array<{ challenge: acme.Authorization['challenges'][number]; input: ChallengeInput }>> {
  return Promise.all(
    authorizations.map(async (authz) => {
      const challenge = authz.challenges.find((candidate) => candidate.type === type);
      if (challenge === undefined) throw new Error(`No ${type} challenge offered: ${JSON.stringify(authz)}`);
      const input: ChallengeInput = {
        domain: authz.identifier.value,
        wildcard: authz.wildcard === true,
        token: challenge.token,
        value: await client.getChallengeKeyAuthorization(challenge),
      };
      return { challenge, input };
    }),
  );
}
