import { CertDeskError, type ErrorCode } from '../../errors.ts';

/**
 * Why a DNS-01 step failed, in one word the order runner can dispatch on (retry or alert) and the UI
 * can translate. Messages stay English like every {@link CertDeskError}; this kind is what a
 * translated rendering keys on.
 */
export type DnsFailure =
  | 'bad_config' // the provider's settings are unusable (bad server, secret, command path)
  | 'auth' // the DNS server rejected our credentials (TSIG BADSIG/BADKEY/BADTIME, NOTAUTH)
  | 'refused' // authenticated, but not allowed to change this zone (REFUSED)
  | 'zone_not_found' // no zone on the server contains the name (NOTZONE, NXDOMAIN, discovery failed)
  | 'network' // no answer, connection refused, malformed or forged answer
  | 'server_error' // the server answered with another error (SERVFAIL, FORMERR, …)
  | 'command_failed' // the exec provider's command exited non-zero, was killed or timed out
  | 'not_visible' // the propagation check timed out
  | 'prompt_unavailable'; // the manual provider cannot ask anyone (no terminal)

/**
 * Which {@link ErrorCode} each failure carries: `needs_admin` where the admin must change a setting
 * before anything can work, `dns_failed` for conditions of the moment that a later retry may clear.
 * Both make the CLI exit 1 ("failed"), not 2 ("bad usage"): they happen during a renewal, whose
 * command line was fine.
 */
const ERROR_CODES: Readonly<Record<DnsFailure, ErrorCode>> = {
  bad_config: 'needs_admin',
  auth: 'needs_admin',
  refused: 'needs_admin',
  zone_not_found: 'needs_admin',
  prompt_unavailable: 'needs_admin',
  network: 'dns_failed',
  server_error: 'dns_failed',
  command_failed: 'dns_failed',
  not_visible: 'dns_failed',
};

/** Failures worth retrying later without the admin changing anything. */
const TRANSIENT: ReadonlySet<DnsFailure> = new Set<DnsFailure>(['network', 'server_error', 'not_visible']);

/**
 * A {@link CertDeskError} from a DNS-01 provider, the propagation check or the DNS transport. Its
 * `failure` says what kind of problem it is and `transient` whether a later retry may succeed
 * unchanged. Messages and remedies never contain secrets (TSIG secrets, MACs, environment values).
 */
export class DnsError extends CertDeskError {
  readonly failure: DnsFailure;
  readonly transient: boolean;

  constructor(failure: DnsFailure, message: string, options: { remedy?: string; cause?: unknown } = {}) {
    super(ERROR_CODES[failure], message, options);
    this.failure = failure;
    this.transient = TRANSIENT.has(failure);
  }
}
