/**
 * Alerts: the closed vocabulary of things CertDesk tells the admin about a certificate without being
 * asked, their texts in every shipped locale, and the pure decision of which failure/recovery alerts
 * to raise so each fires once per condition (DESIGN "Alerts"). Delivery lives in notifier.ts.
 */

import type { Locale } from '../../../preload/contract.ts';
import type { Translations } from '../i18n.ts';
import { describeExpiryAlert, type ExpiryAlert } from '../renewal/expiry-alerts.ts';
import type { StopReason } from '../renewal/retry-policy.ts';

/** What an alert is about. Closed: notifiers, the log and webhook receivers may switch on it. */
export type AlertKind = 'expiring' | 'expired' | 'renewal_failed' | 'retries_stopped' | 'rehearsal_failed' | 'recovered' | 'failover' | 'export_failed';

/** How urgent an alert is: `critical` needs the admin now, `warning` soon, `info` is good news. */
export type AlertSeverity = 'info' | 'warning' | 'critical';

/** One alert, with its text in every locale so each notifier picks its own. */
export interface Alert {
  readonly kind: AlertKind;
  readonly certId: string;
  /** When the alert was raised, ISO 8601 UTC. */
  readonly at: string;
  readonly severity: AlertSeverity;
  /** One short line, for a notification's title. */
  readonly title: Translations;
  /** What happened, what to do and what CertDesk does next. */
  readonly body: Translations;
  /** Machine-readable details for webhook receivers; dates as ISO strings, so it survives JSON. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/**
 * An expiring certificate with this many days left or fewer is `critical`: the last thresholds (3
 * and 1 days by default) leave the admin too little time for anything but acting now.
 */
const criticalDaysLeft = 3;

/**
 * The alert for an expiry decision of `dueExpiryAlerts` (renewal/expiry-alerts.ts). `expired` is
 * `critical`; `expiring` is `critical` with {@link criticalDaysLeft} days left or fewer, else
 * `warning`. The body is {@link describeExpiryAlert}'s. `data.daysLeft` is the whole number of
 * days the text shows (rounded up). Never throws.
 */
export function expiryAlert(certId: string, alert: ExpiryAlert, now: Date): Alert {
  const body = describeExpiryAlert(alert, certId);
  const notAfter = alert.notAfter.toISOString();
  if (alert.kind === 'expired') {
    return {
      kind: 'expired',
      certId,
      at: now.toISOString(),
      severity: 'critical',
      title: { en: `Certificate ${certId} has expired`, 'zh-CN': `证书 ${certId} 已过期` },
      body,
      data: { notAfter },
    };
  }
  // Rounded up as describeExpiryAlert does, so title and body name the same number of days.
  const days = Math.max(1, Math.ceil(alert.daysLeft));
  return {
    kind: 'expiring',
    certId,
    at: now.toISOString(),
    severity: alert.daysLeft <= criticalDaysLeft ? 'critical' : 'warning',
    title: { en: `Certificate ${certId} expires in ${plural(days, 'day')}`, 'zh-CN': `证书 ${certId} 将在 ${days} 天后过期` },
    body,
    data: { notAfter, thresholdDays: alert.thresholdDays, daysLeft: days },
  };
}

/** What {@link renewalFailedAlert} says. */
export interface RenewalFailedDetails {
  /** Why it failed, e.g. `Failure.explanation` from acme/failures.ts. */
  readonly message: Translations;
  /** What the admin can do, e.g. `Failure.remedyText`. */
  readonly remedy: Translations;
  /** When CertDesk tries again; omit when not yet known (the text then says "later"). */
  readonly nextAttemptAt?: Date;
  /** How many attempts have failed so far, this one included (1 after the first failure). */
  readonly attempt: number;
}

/**
 * The `warning` that a renewal attempt failed and CertDesk will retry on its own: what failed, what
 * to do, and when the next attempt is. Never throws.
 */
export function renewalFailedAlert(certId: string, details: RenewalFailedDetails, now: Date): Alert {
  const attemptEn = details.attempt > 1 ? ` (attempt ${details.attempt})` : '';
  const attemptZh = details.attempt > 1 ? `（第 ${details.attempt} 次尝试）` : '';
  const next = details.nextAttemptAt?.toISOString();
  return {
    kind: 'renewal_failed',
    certId,
    at: now.toISOString(),
    severity: 'warning',
    title: { en: `Renewal of ${certId} failed`, 'zh-CN': `证书 ${certId} 续期失败` },
    body: sentences(
      [`Renewing the certificate ${certId} failed${attemptEn}.`, `证书 ${certId} 续期失败${attemptZh}。`],
      details.message,
      details.remedy,
      next === undefined
        ? ['CertDesk will try again later on its own.', 'CertDesk 稍后会自动重试。']
        : [`CertDesk will try again at ${next}.`, `CertDesk 将于 ${next} 自动重试。`],
    ),
    data: next === undefined ? { attempt: details.attempt } : { attempt: details.attempt, nextAttemptAt: next },
  };
}

/** What {@link retriesStoppedAlert} says. */
export interface RetriesStoppedDetails {
  /** Why retrying stopped (renewal/retry-policy.ts). */
  readonly reason: StopReason;
  /** Why the last attempt failed. */
  readonly message: Translations;
  /** What the admin can do. */
  readonly remedy: Translations;
  /** How many attempts failed in this streak. */
  readonly attempts: number;
}

/**
 * The `critical` alert that CertDesk stopped retrying a renewal. For `needs_admin` it says retries
 * are paused until the admin fixes the cause and runs `certdesk cert renew <id>`; for
 * `attempts_exhausted` and `gave_up` that the retry policy's attempts or time ran out. Never throws.
 */
export function retriesStoppedAlert(certId: string, details: RetriesStoppedDetails, now: Date): Alert {
  const command = `certdesk cert renew ${certId}`;
  const data = { reason: details.reason, attempts: details.attempts };
  const base = { kind: 'retries_stopped', certId, at: now.toISOString(), severity: 'critical', data } as const;
  switch (details.reason) {
    case 'needs_admin':
      return {
        ...base,
        title: { en: `Renewal of ${certId} needs your action`, 'zh-CN': `证书 ${certId} 的续期需要您处理` },
        body: sentences(
          [`Renewing the certificate ${certId} failed, and retrying cannot fix it.`, `证书 ${certId} 续期失败，重试也无法解决。`],
          details.message,
          details.remedy,
          [
            `Automatic retries are paused until you fix the cause and run "${command}".`,
            `自动重试已暂停，请排除问题后运行“${command}”。`,
          ],
        ),
      };
    case 'attempts_exhausted':
    case 'gave_up': {
      const stopped: readonly [string, string] =
        details.reason === 'attempts_exhausted'
          ? [
              `CertDesk has used up its automatic retries after ${plural(details.attempts, 'failed attempt')}.`,
              `CertDesk 已用完全部自动重试（共失败 ${details.attempts} 次）。`,
            ]
          : [
              `CertDesk has stopped retrying: its retry period ran out after ${plural(details.attempts, 'failed attempt')}.`,
              `重试期限已到，CertDesk 已停止自动重试（共失败 ${details.attempts} 次）。`,
            ];
      return {
        ...base,
        title: {
          en: `Renewal of ${certId} stopped after ${plural(details.attempts, 'failed attempt')}`,
          'zh-CN': `证书 ${certId} 续期已停止（${details.attempts} 次尝试均失败）`,
        },
        body: sentences(
          stopped,
          details.message,
          details.remedy,
          [`Once the cause is fixed, run "${command}".`, `排除问题后，请运行“${command}”。`],
        ),
      };
    }
  }
}

/** What {@link rehearsalFailedAlert} says. */
export interface RehearsalFailedDetails {
  /** Why the rehearsal failed. */
  readonly message: Translations;
  /** What the admin can do. */
  readonly remedy: Translations;
}

/**
 * The `warning` that a rehearsal renewal against the CA's staging environment failed, so the
 * production renewal would likely fail too. Never throws.
 */
export function rehearsalFailedAlert(certId: string, details: RehearsalFailedDetails, now: Date): Alert {
  return {
    kind: 'rehearsal_failed',
    certId,
    at: now.toISOString(),
    severity: 'warning',
    title: { en: `Staging rehearsal for ${certId} failed`, 'zh-CN': `证书 ${certId} 的预演续期失败` },
    body: sentences(
      [
        `A rehearsal renewal of ${certId} against the CA's staging environment failed, so the real renewal would likely fail too.`,
        `证书 ${certId} 在 CA 测试环境（staging）中的预演续期失败，正式续期很可能也会失败。`,
      ],
      details.message,
      details.remedy,
    ),
  };
}

/** What {@link recoveredAlert} says. */
export interface RecoveredDetails {
  /** How many attempts failed before this renewal succeeded. */
  readonly failures: number;
  /** When the new certificate expires. */
  readonly notAfter: Date;
}

/** The `info` alert that a renewal succeeded after failed attempts, and until when the new certificate is valid. Never throws. */
export function recoveredAlert(certId: string, details: RecoveredDetails, now: Date): Alert {
  const notAfter = details.notAfter.toISOString();
  const body: Translations =
    details.failures > 0
      ? {
          en: `The certificate ${certId} was renewed after ${plural(details.failures, 'failed attempt')} and is valid until ${notAfter}.`,
          'zh-CN': `证书 ${certId} 在失败 ${details.failures} 次后已成功续期，有效期至 ${notAfter}。`,
        }
      : {
          en: `The certificate ${certId} was renewed and is valid until ${notAfter}.`,
          'zh-CN': `证书 ${certId} 已成功续期，有效期至 ${notAfter}。`,
        };
  return {
    kind: 'recovered',
    certId,
    at: now.toISOString(),
    severity: 'info',
    title: { en: `Certificate ${certId} renewed`, 'zh-CN': `证书 ${certId} 已成功续期` },
    body,
    data: { failures: details.failures, notAfter },
  };
}

/** What {@link failoverAlert} says. */
export interface FailoverDetails {
  /** The primary CA account that kept failing. */
  readonly from: string;
  /** The standby CA account the certificate is ordered from now. */
  readonly to: string;
  /** Failed attempts at the primary. */
  readonly failures: number;
}

/**
 * The `warning` that a certificate is being ordered from its standby CA because its primary kept
 * failing; the renewal after this one goes back to the primary. Never throws.
 */
export function failoverAlert(certId: string, details: FailoverDetails, now: Date): Alert {
  return {
    kind: 'failover',
    certId,
    at: now.toISOString(),
    severity: 'warning',
    title: { en: `${certId}: switching to the standby CA ${details.to}`, 'zh-CN': `证书 ${certId} 改用备用 CA ${details.to}` },
    body: {
      en: `Renewing ${certId} from ${details.from} failed ${plural(details.failures, 'time')}, so CertDesk now orders it from the standby CA ${details.to}. The next renewal tries ${details.from} again; check why it fails.`,
      'zh-CN': `证书 ${certId} 从 ${details.from} 续期已失败 ${details.failures} 次，CertDesk 现在改从备用 CA ${details.to} 申请。下次续期会重新使用 ${details.from}，请检查其失败原因。`,
    },
    data: { ...details },
  };
}

/** What {@link exportFailedAlert} says. */
export interface ExportFailedDetails {
  /** The target folder whose export (or deploy hook) failed. */
  readonly target: string;
  /** Why, in English (the error's message). */
  readonly message: string;
  /** Whether the export's deploy hook failed (the files were written) rather than the export itself. */
  readonly hook: boolean;
}

/**
 * The `warning` that an export target (or its deploy hook) failed after a renewal. The renewal itself
 * stands: the new certificate is in the vault, and the target keeps its old files. Never throws.
 */
export function exportFailedAlert(certId: string, details: ExportFailedDetails, now: Date): Alert {
  return {
    kind: 'export_failed',
    certId,
    at: now.toISOString(),
    severity: 'warning',
    title: details.hook
      ? { en: `${certId}: the deploy hook failed`, 'zh-CN': `证书 ${certId} 的部署钩子执行失败` }
      : { en: `${certId}: export to ${details.target} failed`, 'zh-CN': `证书 ${certId} 导出到 ${details.target} 失败` },
    body: {
      en: `${details.message} The certificate itself is stored in CertDesk; ${details.hook ? 'the files were written, but the server may still use the old certificate' : 'the folder keeps its old files'}. Fix the cause, then run: certdesk cert export ${certId}`,
      'zh-CN': `${details.message} 证书本身已保存在 CertDesk 中；${details.hook ? '文件已写入，但服务器可能仍在使用旧证书' : '该文件夹保留旧文件'}。排除问题后请运行：certdesk cert export ${certId}`,
    },
    data: { ...details },
  };
}

/** The alerts {@link outcomeAlerts} decides on; expiry alerts have their own decision (renewal/expiry-alerts.ts). */
export type OutcomeAlertKind = 'renewal_failed' | 'retries_stopped' | 'rehearsal_failed' | 'recovered';

/**
 * Which failure/recovery alerts were already raised for one certificate, so each fires once per
 * condition. The caller stores it with the certificate's renewal state (it must survive restarts, or
 * a restart re-alerts an ongoing failure) and starts from {@link freshAlertMemory}.
 */
export interface AlertMemory {
  /** `renewal_failed` or `retries_stopped` was raised for the current streak of failures. */
  readonly failureStreakAlerted: boolean;
  /** `retries_stopped` was raised and retries have not resumed since. */
  readonly stoppedAlerted: boolean;
  /** `rehearsal_failed` was raised and no rehearsal or renewal has succeeded since. */
  readonly rehearsalAlerted: boolean;
  /** `failover` was raised for the current streak (the caller sets it; a renewal clears it). */
  readonly failoverAlerted?: boolean | undefined;
}

/** The memory of a certificate nothing was alerted for: a new one, or one that just renewed. */
export const freshAlertMemory: AlertMemory = { failureStreakAlerted: false, stoppedAlerted: false, rehearsalAlerted: false };

/** What just happened to a certificate, as {@link outcomeAlerts} sees it. `stopped`: the retry policy stopped retrying after this failure. */
export type AlertOutcome =
  | { readonly kind: 'renewed' }
  | { readonly kind: 'failed'; readonly stopped: boolean }
  | { readonly kind: 'rehearsal_failed' }
  | { readonly kind: 'rehearsal_ok' };

/** The answer of {@link outcomeAlerts}. */
export interface OutcomeAlertDecision {
  /** The alerts to raise now, in this order; empty when none. */
  readonly fire: ReadonlyArray<OutcomeAlertKind>;
  /** The memory to store for the next outcome. */
  readonly memory: AlertMemory;
}

/**
 * Decides which failure/recovery alerts an outcome raises, so the admin hears of each condition once
 * rather than after every retry. Pure; never throws.
 *
 * - `failed`, retries continue: `renewal_failed` on the first failure of a streak, nothing after.
 *   A retrying failure after `retries_stopped` means retries resumed (the admin ran a renewal that
 *   failed differently), so a later stop alerts again.
 * - `failed`, retries stopped: `retries_stopped`, once until retries resume. When that failure is
 *   also the first of the streak, only `retries_stopped` fires, not `renewal_failed` as well: it
 *   carries the same explanation and remedy plus the fact that nothing will retry, so a needs-admin
 *   error on the first attempt makes exactly one notification, not two in the same second.
 * - `renewed`: `recovered` when a renewal failure was alerted in the streak it ends, else nothing
 *   (a success is not news). Resets the memory, the rehearsal part included: a real renewal proves
 *   what a rehearsal only predicted. A failed rehearsal alone does not make a renewal `recovered`.
 * - `rehearsal_failed`: `rehearsal_failed` once, until `rehearsal_ok` or `renewed` resets it.
 * - `rehearsal_ok`: nothing; resets the rehearsal part.
 */
export function outcomeAlerts(memory: AlertMemory, outcome: AlertOutcome): OutcomeAlertDecision {
  switch (outcome.kind) {
    case 'renewed':
      return { fire: memory.failureStreakAlerted || memory.stoppedAlerted ? ['recovered'] : [], memory: freshAlertMemory };
    case 'failed': {
      if (!outcome.stopped) {
        return {
          fire: memory.failureStreakAlerted ? [] : ['renewal_failed'],
          memory: { ...memory, failureStreakAlerted: true, stoppedAlerted: false },
        };
      }
      return {
        fire: memory.stoppedAlerted ? [] : ['retries_stopped'],
        memory: { ...memory, failureStreakAlerted: true, stoppedAlerted: true },
      };
    }
    case 'rehearsal_failed':
      return { fire: memory.rehearsalAlerted ? [] : ['rehearsal_failed'], memory: { ...memory, rehearsalAlerted: true } };
    case 'rehearsal_ok':
      return { fire: [], memory: { ...memory, rehearsalAlerted: false } };
  }
}

/** An alert's title and body in one locale. Never throws. */
export function alertText(alert: Alert, locale: Locale): { readonly title: string; readonly body: string } {
  return { title: alert.title[locale], body: alert.body[locale] };
}

/**
 * An alert as JSON for machines (the CLI's `--json` output, webhooks). Field names are stable; keys
 * come in this order; `title`/`body` are in `locale`, `titles`/`bodies` in every locale; `data` is
 * `{}` when the alert has none.
 */
export interface AlertJson {
  readonly kind: AlertKind;
  readonly certId: string;
  readonly at: string;
  readonly severity: AlertSeverity;
  readonly title: string;
  readonly body: string;
  readonly titles: Translations;
  readonly bodies: Translations;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The {@link AlertJson} of `alert`, with `title` and `body` in `locale`. Never throws. */
export function alertJson(alert: Alert, locale: Locale): AlertJson {
  const text = alertText(alert, locale);
  return {
    kind: alert.kind,
    certId: alert.certId,
    at: alert.at,
    severity: alert.severity,
    title: text.title,
    body: text.body,
    titles: alert.title,
    bodies: alert.body,
    data: alert.data ?? {},
  };
}

/** `1 day`, `2 days`: English only; Chinese has no plural. */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** One part of a body: shared Translations or an `[en, zh-CN]` pair written here. */
type Part = Translations | readonly [string, string];

/**
 * Joins parts into one text per locale, each part a sentence: English with spaces, Chinese without
 * (a space only after Latin punctuation, e.g. a CA's English detail quoted in Chinese text). A part
 * without final punctuation gets a full stop; an empty part is skipped.
 */
function sentences(...parts: ReadonlyArray<Part>): Translations {
  const of = (part: Part, locale: Locale): string => ('en' in part ? part[locale] : locale === 'en' ? part[0] : part[1]).trim();
  const en = parts.map((part) => of(part, 'en')).filter((text) => text !== '').map((text) => (/[.!?…。！？]$/u.test(text) ? text : `${text}.`));
  let zh = '';
  for (const text of parts.map((part) => of(part, 'zh-CN')).filter((t) => t !== '')) {
    const ended = /[.!?…。！？]$/u.test(text) ? text : `${text}。`;
    zh += zh === '' || /[。！？；：）」”]$/u.test(zh) ? ended : ` ${ended}`;
  }
  return { en: en.join(' '), 'zh-CN': zh };
}
