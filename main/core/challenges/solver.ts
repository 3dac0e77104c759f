/**
 * What a challenge solver is given for one authorization (RFC 8555 §8): the identifier it proves
 * control of and the value to publish.
 */
export interface ChallengeInput {
  /** The domain, lower-case ASCII (punycode), without a leading `*.` even for a wildcard. */
  readonly domain: string;
  /** Whether the authorization is for the wildcard `*.<domain>` (only DNS-01 can answer it). */
  readonly wildcard: boolean;
  /** The challenge token (RFC 8555 §8.1); HTTP-01 serves it under `/.well-known/acme-challenge/<token>`. */
  readonly token: string;
  /**
   * The value to publish: the key authorization itself for HTTP-01 (§8.3), its base64url SHA-256
   * digest for DNS-01's TXT record (§8.4).
   */
  readonly value: string;
}

/** The challenge types CertDesk can answer. */
export type ChallengeType = 'http-01' | 'dns-01';

/**
 * Makes the proof for one challenge visible to the CA, and takes it away again.
 *
 * Contract: `present` resolves only once the proof can be seen where the CA will look (for DNS-01,
 * after the propagation check) and rejects with an actionable error otherwise. `cleanup` removes
 * exactly what `present` added and nothing else; it is idempotent and safe to call for a challenge
 * that was never presented or was presented by a process that crashed (the runner calls it again on
 * resume). Implementations must be safe for concurrent use across different challenges (one order
 * presents all its authorizations at once; a wildcard and its apex share one DNS name).
 */
export interface ChallengeSolver {
  readonly type: ChallengeType;
  present(challenge: ChallengeInput, signal?: AbortSignal): Promise<void>;
  cleanup(challenge: ChallengeInput): Promise<void>;
  /** Releases what the solver holds (a listening server); it must not be used afterwards. */
  close?(): Promise<void>;
}
