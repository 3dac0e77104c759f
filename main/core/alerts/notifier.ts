/**
 * Delivering alerts: the {@link Notifier} port, the notifier that prints (CLI, daemon), and
 * {@link notifyAll}, which fans an alert out so that one broken channel never silences the others.
 */

import type { Locale } from '../../../preload/contract.ts';
import type { Logger } from '../ports.ts';
import { alertJson, alertText, type Alert } from './alerts.ts';

/**
 * Delivers alerts to one channel: the terminal, the desktop's notifications, a webhook.
 *
 * Contract: `notify` resolves once the alert is handed over and rejects when it could not be; it
 * makes one attempt (no retry: an alert that is late by a retry's backoff is worth less than the
 * next one). Rejection messages must not contain secrets (tokens, full webhook URLs): they are
 * logged. Implementations must be safe to call concurrently. Callers deliver through
 * {@link notifyAll}, which isolates failures, rather than calling `notify` themselves.
 */
export interface Notifier {
  /** A short label for the log, without secrets (`print`, `webhook https://hooks.example.com`); default `notifier <n>`. */
  readonly name?: string;
  notify(alert: Alert): Promise<void>;
}

/**
 * A notifier that writes each alert as one newline-terminated line through `write` (pass the CLI's
 * `writeOut` directly). Text mode: `<at>  ALERT <severity> <certId>: <title> — <body>` in `locale`,
 * line breaks inside the texts folded to spaces. JSON mode: `{"alert": AlertJson}` (alerts.ts) on
 * one line, field names stable. Rejects only if `write` throws.
 */
export function printNotifier(write: (line: string) => void, options: { readonly locale: Locale; readonly json: boolean }): Notifier {
  return {
    name: 'print',
    notify: (alert) => {
      try {
        if (options.json) {
          write(`${JSON.stringify({ alert: alertJson(alert, options.locale) })}\n`);
        } else {
          const { title, body } = alertText(alert, options.locale);
          write(`${alert.at}  ALERT ${alert.severity} ${alert.certId}: ${oneLine(title)} — ${oneLine(body)}\n`);
        }
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}

/**
 * Delivers `alert` to every notifier in parallel and resolves when all have finished. A notifier that
 * rejects (or throws) is logged with `logger.warn` — its name, the alert's kind and certificate, and
 * its error message with every URL in it cut to its origin, so a webhook's token in a path or query
 * string never reaches the log — and never stops the others. Never rejects.
 */
export async function notifyAll(notifiers: ReadonlyArray<Notifier>, alert: Alert, logger: Logger): Promise<void> {
  const results = await Promise.allSettled(notifiers.map(async (notifier) => notifier.notify(alert)));
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    const reason: unknown = result.reason;
    logger.warn('Unable to deliver an alert', {
      notifier: redactUrls(notifiers[index]?.name ?? `notifier ${index + 1}`),
      kind: alert.kind,
      certId: alert.certId,
      error: redactUrls(reason instanceof Error ? reason.message : String(reason)),
    });
  });
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

/** An http(s) URL in free text, up to the first character a URL in prose does not contain. */
const urlInText = /\bhttps?:\/\/[^\s"'<>`]+/gi;

/**
 * `text` with each http(s) URL in it cut to its origin, so a token in a path, query string or user
 * info never reaches a log; punctuation ending a sentence after a URL is kept. A URL that does not
 * parse becomes `[url]`. Never throws.
 */
export function redactUrls(text: string): string {
  return text.replace(urlInText, (match) => {
    const url = match.replace(/[.,;:!?)\]}]+$/, '');
    return `${URL.canParse(url) ? new URL(url).origin : '[url]'}${match.slice(url.length)}`;
  });
}
