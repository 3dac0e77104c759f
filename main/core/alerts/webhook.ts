/**
 * The webhook notifier: POSTs each alert as JSON to a URL the admin configured (a chat integration,
 * an incident tool, their own endpoint).
 */

import type { Locale } from '../../../preload/contract.ts';
import { CertDeskError } from '../errors.ts';
import { version } from '../version.ts';
import { alertJson, type AlertJson } from './alerts.ts';
import { redactUrls, type Notifier } from './notifier.ts';

/**
 * The longest webhook URL accepted. Real ones (Slack, Teams, Discord, ntfy) are under 300
 * characters; 2000 is the traditional safe limit for a URL across servers and proxies.
 */
const maxUrlLength = 2000;

/** Default wait for the webhook's answer: a receiver that only queues the event answers in well under a second. */
const defaultTimeoutMs = 10_000;

/**
 * How much of the answer is read before it is dropped. The answer is never used; reading a little
 * lets the connection be reused, and the cap keeps a misbehaving receiver from streaming forever.
 */
const maxDrainBytes = 64 * 1024;

/** The body of each webhook request. `event` lets a receiver shared with other tools tell CertDesk's apart. */
export interface WebhookPayload {
  readonly event: 'certdesk.alert';
  readonly alert: AlertJson;
}

/**
 * A webhook delivery that failed: no answer in time, a network error, or an answer other than 2xx.
 * Its message names only the URL's origin, never its path or query (where webhook tokens live).
 *
 * An `alert_failed` CertDeskError with the webhook's HTTP status, when it answered.
 */
export class WebhookError extends CertDeskError {
  /** The HTTP status the webhook answered with; `undefined` when there was no answer. */
  readonly status: number | undefined;

  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super('alert_failed', message, {
      remedy: 'Check the alert webhook URL and that its server accepts JSON POSTs; CertDesk does not resend a failed alert.',
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.status = options.status;
  }
}

/** Options of {@link webhookNotifier}. */
export interface WebhookOptions {
  /** Where to POST; validated by {@link parseWebhookUrl}. */
  readonly url: string;
  /** How long to wait for the answer, headers and (capped) body included. Default 10 s. */
  readonly timeoutMs?: number;
  /** The fetch to use; default the global one. Injectable for tests. */
  readonly fetch?: typeof fetch;
  /** The locale of the payload's `title` and `body`; `titles` and `bodies` carry every locale anyway. Default `en`. */
  readonly locale?: Locale;
}

/**
 * A notifier that POSTs each alert to a webhook: one request per alert, body
 * `{"event": "certdesk.alert", "alert": AlertJson}` (alerts.ts), `content-type: application/json`,
 * `user-agent: CertDesk/<version>`. Redirects are not followed (a 3xx fails: following one would
 * send the alert, and a token in the URL, wherever the receiver points). Up to 64 KiB of the answer
 * is read and discarded.
 *
 * `notify` makes one attempt, never retried, and rejects with a {@link WebhookError} on a network
 * error, no answer within `timeoutMs`, or a status other than 2xx (the status is in the message).
 *
 * Throws `invalid_input` at once for a URL {@link parseWebhookUrl} refuses, and a RangeError for a
 * `timeoutMs` that is not a positive number (a bug in the caller).
 */
export function webhookNotifier(options: WebhookOptions): Notifier {
  const url = parseWebhookUrl(options.url);
  const origin = new URL(url).origin;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
  const fetchImpl = options.fetch ?? fetch;
  const locale = options.locale ?? 'en';
  const failed = (reason: string, extra: { status?: number; cause?: unknown } = {}): WebhookError =>
    new WebhookError(`Unable to deliver the alert to the webhook at ${origin}, ${reason}`, extra);

  return {
    name: `webhook ${origin}`,
    notify: async (alert) => {
      const payload: WebhookPayload = { event: 'certdesk.alert', alert: alertJson(alert, locale) };
      const signal = AbortSignal.timeout(timeoutMs);
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': `CertDesk/${version}` },
          body: JSON.stringify(payload),
          redirect: 'manual',
          signal,
        });
      } catch (error) {
        if (signal.aborted) throw failed(`it did not answer within ${timeoutMs} ms`, { cause: error });
        throw failed(networkReason(error), { cause: error });
      }
      await drain(response);
      if (response.status >= 300 && response.status < 400) {
        throw failed(`it answered HTTP ${response.status}, a redirect, which CertDesk does not follow`, { status: response.status });
      }
      if (!response.ok) throw failed(`it answered HTTP ${response.status}`, { status: response.status });
    },
  };
}

/**
 * Validates the alert webhook URL from settings or the CLI and returns it normalised. Accepts an
 * absolute `http:` or `https:` URL of at most 2000 characters, surrounding whitespace trimmed.
 *
 * Refuses a user name or password in the URL: fetch refuses to send such a request (WHATWG Fetch),
 * so the alerts would all fail later; receivers take their secret in the path, the query string or
 * (not supported here) a header instead. Throws `invalid_input` ("Unable to use … as the alert
 * webhook, …") naming at most the URL's origin, never the part that may hold a token.
 */
export function parseWebhookUrl(input: unknown): string {
  const invalid = (shown: string, reason: string, remedy = 'Give the http:// or https:// address your alert receiver documents.'): CertDeskError =>
    new CertDeskError('invalid_input', `Unable to use ${shown} as the alert webhook, ${reason}`, { remedy });
  if (typeof input !== 'string') throw invalid('that value', 'it must be a URL string');
  const text = input.trim();
  if (text === '') throw invalid('an empty value', 'it must be a URL');
  if (text.length > maxUrlLength) throw invalid('that URL', `it is ${text.length} characters long, more than ${maxUrlLength}`);
  if (!URL.canParse(text)) throw invalid('that text', 'it is not an absolute URL (like https://hooks.example.com/…)');
  const url = new URL(text);
  const shown = url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : `a ${url.protocol} URL`;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(shown, 'only http:// and https:// URLs are supported');
  if (url.username !== '' || url.password !== '') {
    throw invalid(shown, 'it contains a user name or password, which fetch refuses to send', 'Put the token where your receiver documents it (path or query string), not before the host.');
  }
  return url.href;
}

/** Reads and drops up to {@link maxDrainBytes} of the answer; errors while reading (a reset, the timeout) are ignored. */
async function drain(response: Response): Promise<void> {
  const body = response.body;
  if (body === null) return;
  const reader: ReadableStreamDefaultReader<Uint8Array> = body.getReader();
  try {
    let read = 0;
    while (read < maxDrainBytes) {
      const chunk = await reader.read();
      if (chunk.done) return;
      read += chunk.value.byteLength;
    }
  } catch {
    // The status line and headers arrived; the body does not change whether delivery succeeded.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Why a request got no answer, without the URL: Node's error code when fetch gives one (`ECONNREFUSED`, …). */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  if (code !== undefined) return `the connection failed (${code})`;
  const message = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  // A fetch message may quote the URL (`Failed to parse URL from …`); keep only its origin.
  return `the connection failed (${redactUrls(message)})`;
}
