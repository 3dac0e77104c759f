/**
 * The revocation reasons a subscriber may give (RFC 8555 §7.6 allows any RFC 5280 §5.3.1 code the
 * CA accepts; Let's Encrypt takes these), by name. Kept apart from the engine so the CLI can offer
 * them without loading it.
 */
export const revocationReasons = {
  unspecified: 0,
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
} as const;

/** A revocation reason's name. */
export type RevocationReason = keyof typeof revocationReasons;
