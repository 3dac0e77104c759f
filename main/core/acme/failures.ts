import type acme from 'acme-client';
import { CertDeskError } from '../errors.ts';
import type { Translations } from '../i18n.ts';
import { IllegalTransitionError } from './order-machine.ts';
import {
  classifyProblem,
  classifyTransportError,
  parseProblem,
  parseProblemDocument,
  type Classification,
  type ProblemAction,
  type ProblemKind,
} from './problems.ts';
import { AcmeHttpError, AcmeTransportError } from './transport.ts';
import { DnsError, dnsFailureText } from '../challenges/dns/dns-error.ts';

/** Why a step of an order failed, classified for the runner, the retry policy and the admin. */
export interface Failure {
  readonly kind: ProblemKind;
  readonly action: ProblemAction;
  /** The ACME problem's short type (`dns`, `rateLimited`, …) or a transport/engine label. */
  readonly problemType?: string;
  readonly httpStatus?: number;
  /** How long the CA asked to wait, from `Retry-After`. */
  readonly retryAfterMs?: number;
  /** English, for messages and the log: the explanation plus the CA's own detail. */
  readonly message: string;
  readonly remedy: string;
  /** Both languages, for the UI and notifications. */
  readonly explanation: Translations;
  readonly remedyText: Translations;
}

/** The run ended without a certificate; `failure` says why, whether to retry and when. */
export class OrderFailedError extends CertDeskError {
  readonly failure: Failure;

  constructor(action: string, failure: Failure) {
    super(failure.kind === 'needs_admin' ? 'needs_admin' : 'acme_failed', `Unable to ${action}, ${lowerFirst(failure.message)}`, {
      remedy: failure.remedy,
    });
    this.failure = failure;
  }
}

/**
 * Turns anything a CA interaction threw into a CertDeskError the CLI and UI can show: CertDesk's own
 * errors pass through, ACME and transport errors are classified ({@link describeFailure}).
 */
export function asAcmeError(action: string, error: unknown, now: Date = new Date()): CertDeskError {
  if (error instanceof CertDeskError) return error;
  return new OrderFailedError(action, describeFailure({ kind: 'error', error }, now));
}

/** What went wrong, as the runner sees it. */
export type FailureInput =
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'order_invalid'; readonly order: acme.Order; readonly expired: boolean }
  | { readonly kind: 'authorization_invalid'; readonly authorization: acme.Authorization; readonly challenge: { readonly error?: unknown } | undefined }
  | { readonly kind: 'no_challenge'; readonly domain: string; readonly wanted: string; readonly offered: ReadonlyArray<string>; readonly wildcard: boolean }
  | { readonly kind: 'timeout'; readonly what: string }
  | { readonly kind: 'wait_until'; readonly until: Date; readonly cause?: Failure }
  | { readonly kind: 'protocol'; readonly error: unknown };

/**
 * Classifies a failure of an order step (`problems.ts` does the ACME and transport part) into a
 * {@link Failure}. `now` anchors `Retry-After`.
 */
export function describeFailure(input: FailureInput, now: Date = new Date()): Failure {
  switch (input.kind) {
    case 'error':
      return describeError(input.error, now);
    case 'order_invalid': {
      if (input.expired) {
        return plain('transient', 'retry', 'orderExpired', 'the order expired before it completed', 'Renew again; CertDesk creates a new order.', {
          en: 'The order expired before it completed.',
          'zh-CN': '订单在完成之前已过期。',
        }, { en: 'Renew again; CertDesk creates a new order.', 'zh-CN': '请重新续期，CertDesk 会创建新订单。' });
      }
      const problem = parseProblem(input.order.error);
      return problem === undefined
        ? plain('needs_admin', 'stop', 'orderInvalid', 'the CA marked the order invalid without saying why', 'Check the order log, then renew again.', {
            en: 'The CA marked the order invalid without saying why.',
            'zh-CN': '证书颁发机构 (CA) 将订单标记为无效，但未说明原因。',
          }, { en: 'Check the order log, then renew again.', 'zh-CN': '请查看订单日志，然后重新续期。' })
        : fromClassification(classifyProblem(problem), now, problem.detail, problem.status);
    }
    case 'authorization_invalid': {
      const problem = parseProblem(input.challenge?.error);
      const name = input.authorization.wildcard === true ? `*.${input.authorization.identifier.value}` : input.authorization.identifier.value;
      if (problem === undefined) {
        return plain('needs_admin', 'stop', 'authorizationInvalid', `the CA did not accept the proof for ${name} (authorization ${input.authorization.status})`, 'Check the challenge setup, then renew again.', {
          en: `The CA did not accept the proof for ${name}.`,
          'zh-CN': `证书颁发机构 (CA) 未接受 ${name} 的域名验证。`,
        }, { en: 'Check the challenge setup, then renew again.', 'zh-CN': '请检查验证方式的配置，然后重新续期。' });
      }
      return fromClassification(classifyProblem(problem), now, problem.detail, problem.status);
    }
    case 'no_challenge': {
      const reason = input.wildcard && input.wanted === 'http-01'
        ? `${input.domain} is a wildcard, and wildcards can only be validated with DNS-01`
        : `the CA offers ${input.offered.join(', ') || 'no challenge'} for ${input.domain}, not ${input.wanted}`;
      return plain('needs_admin', 'stop', 'unsupportedChallenge', reason, 'Choose a challenge the CA offers (--dns <provider> works for every domain, wildcards included).', {
        en: `No usable challenge: ${reason}.`,
        'zh-CN': `没有可用的验证方式：${input.domain} 需要证书颁发机构 (CA) 提供的其他验证方式。`,
      }, { en: 'Use DNS-01 (--dns <provider>) for this certificate.', 'zh-CN': '请为此证书使用 DNS-01 验证（--dns <提供商>）。' });
    }
    case 'timeout':
      return plain('transient', 'retry', 'timeout', `timed out waiting for ${input.what}`, 'Renew again later; the order is kept and resumed.', {
        en: `Timed out waiting for ${input.what}.`,
        'zh-CN': '等待证书颁发机构 (CA) 时超时。',
      }, { en: 'Renew again later; the order is kept and resumed.', 'zh-CN': '请稍后重新续期；订单会保留并继续。' });
    case 'wait_until': {
      const ms = Math.max(0, input.until.getTime() - now.getTime());
      const when = input.until.toISOString();
      const why = input.cause === undefined ? '' : ` (${lowerFirst(input.cause.message)})`;
      return {
        ...plain('transient', 'retry', input.cause?.problemType ?? 'rateLimited', `the CA asked not to try again before ${when}${why}`, `Renew again after ${when}; \`certdesk cert show\` shows this time. Earlier attempts are refused without contacting the CA.`, {
          en: `The CA asked not to try again before ${when}.`,
          'zh-CN': `证书颁发机构 (CA) 要求在 ${when} 之前不要重试。`,
        }, { en: `Renew again after ${when}.`, 'zh-CN': `请在 ${when} 之后再续期。` }),
        ...(input.cause?.httpStatus === undefined ? {} : { httpStatus: input.cause.httpStatus }),
        retryAfterMs: ms,
      };
    }
    case 'protocol': {
      const detail = input.error instanceof IllegalTransitionError ? input.error.message : String(input.error);
      return plain('needs_admin', 'stop', 'protocol', detail, 'This is a CA or CertDesk bug; report it with the order log.', {
        en: 'The CA reported an impossible order state.',
        'zh-CN': '证书颁发机构 (CA) 报告了不可能的订单状态。',
      }, { en: 'Report it with the order log.', 'zh-CN': '请附上订单日志报告此问题。' });
    }
  }
}

function describeError(error: unknown, now: Date): Failure {
  if (error instanceof AcmeHttpError) {
    const problem = parseProblemDocument(error.status, error.body, error.headers, now);
    if (problem !== undefined) return fromClassification(classifyProblem(problem), now, problem.detail, error.status);
  }
  if (error instanceof AcmeTransportError) {
    return fromClassification(classifyTransportError(error), now, undefined, undefined);
  }
  if (error instanceof OrderFailedError) return error.failure;
  if (error instanceof DnsError) {
    // The DNS failure's kind has a translated title and remedy; the English message keeps the details
    // (which name, which provider, what the API said), so the Chinese text quotes it after the title.
    const text = dnsFailureText[error.failure];
    const remedy = error.remedy ?? text.remedy.en;
    return {
      ...plain(error.transient ? 'transient' : 'needs_admin', error.transient ? 'retry' : 'stop', `dns_${error.failure}`, error.message, remedy, {
        en: error.message,
        'zh-CN': `${text.title['zh-CN']}：${error.message}`,
      }, { en: remedy, 'zh-CN': text.remedy['zh-CN'] }),
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    };
  }
  if (error instanceof CertDeskError) {
    // Anything else a challenge solver raises is a setting the admin must fix.
    return plain('needs_admin', 'stop', error.code, error.message, error.remedy ?? 'See the order log.', { en: error.message, 'zh-CN': error.message }, {
      en: error.remedy ?? 'See the order log.',
      'zh-CN': error.remedy ?? '请查看订单日志。',
    });
  }
  // acme-client's own errors (e.g. repeated badNonce) carry only the CA's detail: transient.
  const message = error instanceof Error ? error.message : String(error);
  return plain('transient', 'retry', 'unknown', message, 'Renew again later; if it persists, check the order log.', {
    en: `Unexpected error: ${message}`,
    'zh-CN': `意外错误：${message}`,
  }, { en: 'Renew again later; if it persists, check the order log.', 'zh-CN': '请稍后重试；如果问题持续，请查看订单日志。' });
}

function fromClassification(c: Classification, now: Date, detail: string | undefined, httpStatus: number | undefined): Failure {
  const retryAfterMs = c.retryAfter === undefined ? undefined : Math.max(0, c.retryAfter.getTime() - now.getTime());
  const explanation = c.explanation.en.replace(/\.$/, '');
  return {
    kind: c.kind,
    action: c.action,
    problemType: c.shortType,
    ...(httpStatus === undefined ? {} : { httpStatus }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    message: detail === undefined ? explanation : `${explanation} (CA: ${detail})`,
    remedy: c.remedy.en,
    explanation: c.explanation,
    remedyText: c.remedy,
  };
}

function plain(
  kind: ProblemKind,
  action: ProblemAction,
  problemType: string,
  message: string,
  remedy: string,
  explanation: Translations,
  remedyText: Translations,
): Failure {
  return { kind, action, problemType, message, remedy, explanation, remedyText };
}

/** "The CA …" → "the CA …", so a reason reads well after "Unable to <action>, ". Keeps "CA", "DNS". */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? `${text.charAt(0).toLowerCase()}${text.slice(1)}` : text;
}
