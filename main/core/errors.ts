import type { ApiError } from '../../preload/contract.ts';

/**
 * The error codes CertDesk raises itself. Each says what failed in a word the CLI, the IPC bridge and
 * the order log share; the message says what happened, the remedy what the admin can do.
 */
export type ErrorCode =
  | 'invalid_input' // a CLI argument, IPC payload or setting failed validation
  | 'not_found' // the named certificate, CA account, DNS provider or version does not exist
  | 'invalid_data' // a file in the data dir is corrupt or of an unknown version
  | 'busy' // another process holds the lock for this work
  | 'forbidden' // an IPC request from a frame that is not CertDesk's own page
  | 'acme_failed' // an ACME order did not complete for a reason that may pass (retry later)
  | 'needs_admin' // an ACME order failed for a reason only the admin can fix; no automatic retry
  | 'export_failed' // a certificate could not be written to a folder
  | 'hook_failed' // an export target's deploy hook exited non-zero, was killed or timed out
  | 'dns_failed' // a DNS provider or the propagation check failed for a reason that may pass
  | 'alert_failed' // an alert could not be delivered (webhook unreachable, refused, timed out)
  | 'probe_failed' // a TLS endpoint's certificate could not be read (name, connection, handshake)
  | 'rate_budget' // the client-side rate-limit budget refused an attempt; it says when to try again
  | 'internal'; // a bug: anything not raised as a CertDeskError

/**
 * An error with a stable code and a remedy, raised for everything an admin can act on.
 * Messages read "Unable to <action>, <reason>" (node-acme-client's convention).
 */
export class CertDeskError extends Error {
  override readonly name = 'CertDeskError';
  readonly code: ErrorCode;
  readonly remedy: string | undefined;

  constructor(code: ErrorCode, message: string, options: { remedy?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.remedy = options.remedy;
  }
}

/** Turns anything thrown into the `{code, message, remedy}` that crosses the IPC bridge and the CLI. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof CertDeskError) {
    return error.remedy === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, remedy: error.remedy };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'internal',
    message: `Unexpected error: ${message}`,
    remedy: 'This is a bug in CertDesk. Please report it with the log.',
  };
}
