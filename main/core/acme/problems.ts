import type { Translations } from '../i18n.ts';

/**
 * Classification of what went wrong talking to a CA: ACME problem documents (RFC 8555 §6.7, in the
 * RFC 7807 `application/problem+json` format) and failures below HTTP (refused connections,
 * timeouts, untrusted TLS). Every classification tells the order runner what to do next, the retry
 * policy whether to retry, and the admin — in English and Simplified Chinese — what happened and
 * what to do about it.
 *
 * Everything here is pure: no I/O, no clock (callers pass `now`), no logging.
 */

/** The URN prefix of every ACME error type (RFC 8555 §6.7). */
export const acmeErrorNamespace = 'urn:ietf:params:acme:error:';

/**
 * The ACME error types CertDesk knows, by their short name (the part after
 * {@link acmeErrorNamespace}): the IANA "ACME Error Types" registry as of RFC 8555 §6.7 and
 * RFC 9773 (`alreadyReplaced`), plus `invalidProfile` from draft-ietf-acme-profiles, which
 * Let's Encrypt sends when an order names a profile it does not offer.
 */
export const acmeErrorTypes = [
  'accountDoesNotExist',
  'alreadyReplaced',
  'alreadyRevoked',
  'badCSR',
  'badNonce',
  'badPublicKey',
  'badRevocationReason',
  'badSignatureAlgorithm',
  'caa',
  'compound',
  'connection',
  'dns',
  'externalAccountRequired',
  'incorrectResponse',
  'invalidContact',
  'invalidProfile',
  'malformed',
  'orderNotReady',
  'rateLimited',
  'rejectedIdentifier',
  'serverInternal',
  'tls',
  'unauthorized',
  'unsupportedContact',
  'unsupportedIdentifier',
  'userActionRequired',
] as const;

/** The short name of a known ACME error type, e.g. `dns` for `urn:ietf:params:acme:error:dns`. */
export type AcmeErrorType = (typeof acmeErrorTypes)[number];

/**
 * Failures that happen before the CA sends any HTTP response, on CertDesk's own connection to the CA
 * (not the CA's connection to the admin's server, which ACME reports as `connection`/`dns`/`tls`).
 */
export type TransportErrorType =
  | 'caUnreachable' // refused, reset or broken connection
  | 'caTimeout' // the CA did not answer in time
  | 'caNameLookup' // DNS lookup of the CA's host failed
  | 'caUntrusted' // the CA's HTTPS certificate failed verification
  | 'network'; // a failure without a code CertDesk recognises

/**
 * What a classification is about, in one word for logs, the UI and tests: a known ACME error type;
 * `paused` when a CA has stopped issuing for a name after repeated failed validations (Let's
 * Encrypt's "automatic pausing", sent as `rateLimited`); `unknown` for a type outside the ACME
 * namespace or not in {@link acmeErrorTypes}; or a {@link TransportErrorType}.
 */
export type ShortType = AcmeErrorType | 'paused' | 'unknown' | TransportErrorType;

/**
 * How the retry policy treats a failure.
 * - `transient`: retry on the policy's schedule; a `Retry-After` from the CA always wins.
 * - `needs_admin`: the same request will fail again until the admin changes something; stop
 *   automatic retries and alert.
 * - `state`: not a failure of the attempt but news about the server's state (the order is not
 *   ready yet, the certificate was already revoked or replaced); follow `action` without counting
 *   an attempt.
 */
export type ProblemKind = 'transient' | 'needs_admin' | 'state';

/**
 * What the order runner does next.
 * - `retry`: try again later, as the retry policy allows.
 * - `retry_new_nonce`: resend at once with the fresh nonce from this error response
 *   (RFC 8555 §6.5: the server sends a `Replay-Nonce` with a `badNonce` error for this).
 * - `reread_order`: POST-as-GET the order and dispatch on the status it reports (DESIGN rule 2:
 *   never re-send a finalize blind).
 * - `order_without_replaces`: create the order again without the ARI `replaces` field
 *   (RFC 9773 §5, DESIGN rule 6).
 * - `already_done`: the goal is already reached (the certificate is revoked); record success.
 * - `stop`: no automatic recovery; alert the admin.
 */
export type ProblemAction = 'retry' | 'retry_new_nonce' | 'reread_order' | 'order_without_replaces' | 'already_done' | 'stop';

/** An ACME identifier (RFC 8555 §9.7.7), as named in a subproblem. */
export interface AcmeIdentifier {
  readonly type: string;
  readonly value: string;
}

/** One per-identifier problem inside a problem document (RFC 8555 §6.7.1). */
export interface AcmeSubproblem {
  /** The error type URN, or `about:blank` when the CA sent none. */
  readonly type: string;
  readonly detail?: string;
  readonly identifier?: AcmeIdentifier;
}

/**
 * A problem reported by a CA, validated and bounded: every string is free of control characters
 * and clamped in length, so it is safe to log, store in the journal and print in a terminal.
 */
export interface AcmeProblem {
  /** The error type URN as sent; `about:blank` (RFC 7807 §4.2) when the CA sent no usable document. */
  readonly type: string;
  /** The CA's human-readable message, in the CA's language (usually English). */
  readonly detail?: string;
  /** The HTTP status of the response; for an embedded problem, the document's advisory `status`. */
  readonly status?: number;
  /** Per-identifier problems (RFC 8555 §6.7.1). Absent when the CA sent none. */
  readonly subproblems?: ReadonlyArray<AcmeSubproblem>;
  /** When the CA allows the next attempt (from `Retry-After`), within [now, now + {@link maxRetryAfterSeconds}]. */
  readonly retryAfter?: Date;
  /** A URL with more about this occurrence; for `userActionRequired`, the page the admin must visit (RFC 8555 §7.3.3). */
  readonly instance?: string;
}

/** What to do about a failure and how to explain it; see {@link classifyProblem} and {@link classifyTransportError}. */
export interface Classification {
  readonly kind: ProblemKind;
  readonly action: ProblemAction;
  readonly shortType: ShortType;
  /** When the CA allows the next attempt; the retry policy never retries earlier. */
  readonly retryAfter?: Date;
  /** The identifier values (domain names) the problem is about, from subproblems; absent when none were named. */
  readonly identifiers?: ReadonlyArray<string>;
  /** What happened, in plain language. */
  readonly explanation: Translations;
  /** What the admin can do, or that nothing is needed. */
  readonly remedy: Translations;
}

/**
 * Longest `detail` kept, in UTF-16 code units, including the trailing `…` of a clamped one. Boulder's
 * longest details (an HTTP-01 failure quoting the start of the served body) stay well under it; the
 * bound keeps a misbehaving server from bloating the order log and the journal.
 */
export const maxDetailLength = 2000;

/**
 * Longest wait a `Retry-After` may impose, in seconds: 7 days. Let's Encrypt's longest rate-limit
 * window (certificates per registered domain) refills within a week; a longer value is far more
 * likely a broken header than advice, and honouring it could let a 90-day certificate expire.
 */
export const maxRetryAfterSeconds = 7 * 24 * 60 * 60;

/** Longest error type URN kept; registered ones are under 60 characters. */
const maxTypeLength = 256;

/** Longest identifier value kept: a DNS name is at most 253 characters (RFC 1035 §2.3.4). */
const maxIdentifierLength = 255;

/** Longest `instance` URL kept; browsers and servers commonly accept URLs of this length. */
const maxInstanceLength = 2000;

/** Subproblems kept: Let's Encrypt allows at most 100 identifiers per order, one subproblem each. */
const maxSubproblems = 100;

/** Largest raw body parsed as JSON; a problem document is a few kilobytes at most. */
const maxBodyLength = 1024 * 1024;

/** How many affected identifiers an explanation names before "and N more". */
const maxNamedIdentifiers = 10;

/** The header-bag shapes HTTP clients hand out: fetch's `Headers`, `AxiosHeaders`, or Node's `IncomingHttpHeaders`. */
export type ResponseHeaders = { get(name: string): unknown } | Readonly<Record<string, unknown>>;

/**
 * Parses an HTTP `Retry-After` value (RFC 9110 §10.2.3) into the moment the next attempt is allowed.
 *
 * Accepts delta-seconds (`120`) and an HTTP-date in all three forms recipients must accept
 * (RFC 9110 §5.6.7: IMF-fixdate, the obsolete RFC 850 form with a two-digit year, and asctime).
 * The result is clamped to [`now`, `now` + {@link maxRetryAfterSeconds}]: a date in the past means
 * "now". Returns `undefined` for a missing, empty, negative or otherwise unparsable value.
 */
export function parseRetryAfter(value: string | undefined, now: Date): Date | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const nowMs = now.getTime();
  const maxMs = nowMs + maxRetryAfterSeconds * 1000;
  if (/^\d+$/.test(text)) {
    // More than 9 digits is past the cap anyway; stop before Number() loses precision.
    const seconds = text.length > 9 ? maxRetryAfterSeconds : Math.min(Number(text), maxRetryAfterSeconds);
    return new Date(nowMs + seconds * 1000);
  }
  const at = parseHttpDate(text, now);
  return at === undefined ? undefined : new Date(Math.min(Math.max(at, nowMs), maxMs));
}

/**
 * Reads an HTTP error response from a CA into a validated {@link AcmeProblem}.
 *
 * `body` is untrusted and may be anything: an already-parsed value, a JSON string, bytes, or
 * garbage. When it holds no usable problem document (not JSON, not an object, too large), the
 * problem is `about:blank` with the response's status, which {@link classifyProblem} judges by
 * status alone. The response's `status` is authoritative; the document's own `status` member is
 * only advisory (RFC 7807 §3.1) and ignored here. `Retry-After` is read from `headers` relative to
 * `now`.
 *
 * Returns `undefined` when `status` is not an error status (400–599). Never throws.
 */
export function parseProblemDocument(
  status: number,
  body: unknown,
  headers: ResponseHeaders | undefined,
  now: Date,
): AcmeProblem | undefined {
  if (!Number.isInteger(status) || status < 400 || status > 599) return undefined;
  const document = readProblemObject(decodeBody(body)) ?? { type: 'about:blank' };
  const retryAfter = parseRetryAfter(headerValue(headers, 'retry-after'), now);
  // Spread order matters: the response's status replaces the document's advisory one.
  return { ...document, status, ...(retryAfter === undefined ? {} : { retryAfter }) };
}

/**
 * Reads a problem document embedded in an ACME object — an order's or challenge's `error` field
 * (RFC 8555 §7.1.3, §7.1.5) — into a validated {@link AcmeProblem}, keeping its advisory `status`.
 * Returns `undefined` when `value` is not an object. Never throws.
 */
export function parseProblem(value: unknown): AcmeProblem | undefined {
  return readProblemObject(value);
}

/**
 * Classifies a problem from a CA: what kind of failure it is, what the order runner does next, and
 * an explanation and remedy for the admin.
 *
 * Known types follow the table in this module. A problem with subproblems (RFC 8555 §6.7.1) is
 * classified by its worst subproblem (`needs_admin` over `transient` over `state`) and names the
 * affected identifiers; the top-level type only wins when it is worse than every subproblem. A type
 * outside {@link acmeErrorNamespace} or unknown to CertDesk, and `about:blank`, are judged by HTTP
 * status: 429 is a rate limit and 5xx a server error (both transient), anything else needs the
 * admin — as does an unknown problem without a status, so an unexplained failure never loops.
 */
export function classifyProblem(problem: AcmeProblem): Classification {
  const own = classifyOne(problem);
  const subproblems = (problem.subproblems ?? []).map((subproblem) => ({ subproblem, verdict: classifyOne(subproblem) }));
  const ownCounts = acmeShortType(problem.type) !== 'compound' || subproblems.length === 0;
  // Subproblems come first so that, on a tie, their more specific type explains the failure.
  const candidates = [...subproblems.map((s) => s.verdict), ...(ownCounts ? [own] : [])];
  const worst = candidates.reduce((a, b) => (severity[b.kind] > severity[a.kind] ? b : a));
  const affected = subproblems.filter((s) => s.verdict.kind === worst.kind).flatMap((s) => s.subproblem.identifier?.value ?? []);
  const identifiers = [...new Set(affected)];
  return {
    kind: worst.kind,
    action: worst.action,
    shortType: worst.shortType,
    ...(problem.retryAfter === undefined ? {} : { retryAfter: problem.retryAfter }),
    ...(identifiers.length === 0 ? {} : { identifiers }),
    explanation: identifiers.length === 0 ? worst.explanation : withIdentifiers(worst.explanation, identifiers),
    remedy: worst.remedy,
  };
}

/**
 * Classifies a failure that produced no HTTP response — a Node system error, an axios or undici
 * error, or a `TimeoutError` from `AbortSignal.timeout` — by the first error code it recognises
 * along the `cause` chain and inside `AggregateError`s.
 *
 * Connection failures, timeouts and DNS failures of the CA's host are transient. TLS verification
 * failures of the CA's certificate need the admin: retrying cannot make an untrusted certificate
 * trusted, and the remedy points at the extra trusted CA file (`--ca-file`) or the clock. Anything
 * else is a transient `network` failure, bounded by the retry policy's attempt limit. Only the
 * error code appears in the texts, never the message, which may quote URLs or server output.
 */
export function classifyTransportError(error: unknown): Classification {
  const found = findErrorCode(error);
  const code = found?.code;
  const shown = code === undefined ? undefined : safeCode(code);
  const shortType = found?.shortType ?? 'network';
  if (shortType === 'caUntrusted') {
    const texts =
      code !== undefined && certificateDateCodes.has(code)
        ? untrustedDateTexts
        : code !== undefined && hostnameCodes.has(code)
          ? untrustedNameTexts
          : untrustedTexts;
    return { kind: 'needs_admin', action: 'stop', shortType, explanation: texts.explanation(shown), remedy: texts.remedy };
  }
  const texts = transportTexts[shortType];
  return { kind: 'transient', action: 'retry', shortType, explanation: texts.explanation(shown), remedy: texts.remedy };
}

// ---------------------------------------------------------------------------------------------
// The table: one row per ACME error type.

interface Verdict {
  readonly kind: ProblemKind;
  readonly action: ProblemAction;
  readonly shortType: ShortType;
  readonly explanation: Translations;
  readonly remedy: Translations;
}

interface TypeRule {
  readonly kind: ProblemKind;
  readonly action: ProblemAction;
  readonly explanation: Translations;
  readonly remedy: Translations;
}

function t(en: string, zh: string): Translations {
  return { en, 'zh-CN': zh };
}

const needsAdmin = { kind: 'needs_admin', action: 'stop' } as const;

const rules: { readonly [T in AcmeErrorType]: TypeRule } = {
  accountDoesNotExist: {
    ...needsAdmin,
    explanation: t(
      'The CA does not know the ACME account CertDesk used: it may have been deactivated, or it was registered with a different CA or directory URL.',
      '证书颁发机构（CA）找不到 CertDesk 使用的 ACME 账户：该账户可能已被停用，或是在另一个 CA 或目录地址上注册的。',
    ),
    remedy: t(
      'Register a new account with this CA in CertDesk, or choose another account for this certificate; then renew again.',
      '请在 CertDesk 中向该 CA 重新注册账户，或为此证书选择其他账户，然后重新续期。',
    ),
  },
  // RFC 9773 §5: the certificate named in `replaces` already has a replacement order.
  alreadyReplaced: {
    kind: 'state',
    action: 'order_without_replaces',
    explanation: t(
      'The CA says the previous certificate was already replaced by another order, so this renewal cannot be marked as its replacement.',
      'CA 表示旧证书已被另一个订单替换，因此本次续期不能再标记为它的替换证书。',
    ),
    remedy: t('None: CertDesk orders again without marking the order as a replacement.', '无需操作：CertDesk 会重新下单，不再将其标记为替换。'),
  },
  alreadyRevoked: {
    kind: 'state',
    action: 'already_done',
    explanation: t('The certificate was already revoked; there is nothing more to revoke.', '该证书此前已被吊销，无需再次吊销。'),
    remedy: t('None: no action is needed.', '无需任何操作。'),
  },
  badCSR: {
    ...needsAdmin,
    explanation: t(
      'The CA rejected the certificate signing request (CSR), for example because it does not accept the key type or size, or one of the names in it.',
      'CA 拒绝了证书签名请求（CSR），例如不接受其中的密钥类型或长度，或其中的某个域名。',
    ),
    remedy: t(
      "Choose a key type the CA accepts (such as ECDSA P-256 or RSA 2048) in the certificate's settings and check its domain names; then renew again.",
      '请在证书设置中选择 CA 接受的密钥类型（如 ECDSA P-256 或 RSA 2048）并检查域名，然后重新续期。',
    ),
  },
  badNonce: {
    kind: 'transient',
    action: 'retry_new_nonce',
    explanation: t(
      "The CA rejected the request's one-time anti-replay token (nonce). This happens now and then and is not a problem with your setup.",
      'CA 拒绝了请求中的一次性防重放令牌（nonce）。这种情况偶尔会发生，并不是您的配置有问题。',
    ),
    remedy: t(
      'None: CertDesk retries at once with a fresh nonce. If it keeps happening, check that no proxy between CertDesk and the CA caches or replays requests.',
      '无需操作：CertDesk 会立即使用新的 nonce 重试。如果反复出现，请检查 CertDesk 与 CA 之间是否有代理缓存或重放了请求。',
    ),
  },
  badPublicKey: {
    ...needsAdmin,
    explanation: t(
      "The CA does not accept the type of key that signs CertDesk's requests (the ACME account key).",
      'CA 不接受 CertDesk 用于签名请求的密钥类型（即 ACME 账户密钥）。',
    ),
    remedy: t(
      'Register a new account with this CA using another key type (ECDSA P-256 is widely accepted) and use it for this certificate.',
      '请使用其他密钥类型（ECDSA P-256 得到广泛支持）向该 CA 注册新账户，并让此证书使用新账户。',
    ),
  },
  badRevocationReason: {
    ...needsAdmin,
    explanation: t('The CA does not allow the revocation reason that was given.', 'CA 不允许所填写的吊销原因。'),
    remedy: t(
      'Revoke again with another reason, for example “unspecified” or “superseded”.',
      '请换一个吊销原因重新吊销，例如“未指定”（unspecified）或“已被取代”（superseded）。',
    ),
  },
  badSignatureAlgorithm: {
    ...needsAdmin,
    explanation: t(
      "The CA does not accept the signature algorithm of CertDesk's requests, which follows from the ACME account key.",
      'CA 不接受 CertDesk 请求所用的签名算法（由 ACME 账户密钥决定）。',
    ),
    remedy: t(
      'Register a new account with this CA using an ECDSA P-256 or RSA key and use it for this certificate. If that does not help, report it to CertDesk with the log.',
      '请使用 ECDSA P-256 或 RSA 密钥向该 CA 注册新账户，并让此证书使用新账户。如果仍无法解决，请附上日志向 CertDesk 报告。',
    ),
  },
  caa: {
    ...needsAdmin,
    explanation: t(
      "A CAA record in the domain's DNS does not allow this CA to issue certificates for it.",
      '该域名 DNS 中的 CAA 记录不允许此 CA 为其签发证书。',
    ),
    remedy: t(
      'At the domain or a parent domain, add a CAA record that names this CA (for Let\'s Encrypt: 0 issue "letsencrypt.org") or remove the one that restricts it; then renew again.',
      '请在该域名或其上级域名添加指明此 CA 的 CAA 记录（Let\'s Encrypt 为 0 issue "letsencrypt.org"），或删除起限制作用的记录，然后重新续期。',
    ),
  },
  // Only used when the CA lists no subproblems; otherwise the worst subproblem explains it.
  compound: {
    ...needsAdmin,
    explanation: t('The CA reported several problems at once but did not list them.', 'CA 同时报告了多个问题，但没有列出具体内容。'),
    remedy: t(
      "Read the CA's message in the order log, fix what it names, then renew again.",
      '请在订单日志中查看 CA 的原始消息，按提示修正后重新续期。',
    ),
  },
  connection: {
    ...needsAdmin,
    explanation: t(
      "The CA could not connect to your server to check the challenge (for HTTP validation: port 80 at the domain's address; for DNS validation: the domain's DNS servers).",
      'CA 无法连接到您的服务器完成验证（HTTP 验证时为该域名地址的 80 端口；DNS 验证时为该域名的 DNS 服务器）。',
    ),
    remedy: t(
      "Check that the domain resolves to this server's public address and that port 80 is open in every firewall and forwarded to the web server, or, with DNS validation, that the domain's DNS servers answer from the internet; then renew again.",
      '请确认该域名解析到本服务器的公网地址，并且各级防火墙已放行 80 端口并转发到 Web 服务器；若使用 DNS 验证，请确认该域名的 DNS 服务器可从公网访问。然后重新续期。',
    ),
  },
  dns: {
    ...needsAdmin,
    explanation: t(
      "The CA could not find the TXT record (or the domain's DNS failed to answer).",
      'CA 找不到 TXT 验证记录（或该域名的 DNS 服务器没有应答）。',
    ),
    remedy: t(
      "Check that the DNS provider created the _acme-challenge record and that it has propagated to the domain's authoritative servers; then renew again.",
      '请确认 DNS 服务商已创建 _acme-challenge 记录，并且已同步到该域名的权威 DNS 服务器，然后重新续期。',
    ),
  },
  externalAccountRequired: {
    ...needsAdmin,
    explanation: t(
      'This CA only registers ACME accounts that are linked to an account you hold with it (External Account Binding, EAB).',
      '此 CA 只注册与您在该 CA 已有账户相关联的 ACME 账户（外部账户绑定，EAB）。',
    ),
    remedy: t(
      "Get an EAB key ID and HMAC key from the CA's website and register the account again with them.",
      '请在 CA 网站上获取 EAB 密钥 ID 和 HMAC 密钥，然后用它们重新注册账户。',
    ),
  },
  incorrectResponse: {
    ...needsAdmin,
    explanation: t(
      'The CA reached your server but found the wrong answer to the challenge (other file content or another TXT value than expected).',
      'CA 访问到了您的服务器，但得到的验证响应不正确（文件内容或 TXT 值与预期不符）。',
    ),
    remedy: t(
      "Check that nothing else answers for the domain (another server, a CDN or an old TXT record) and that requests for /.well-known/acme-challenge/ reach the files CertDesk writes; then renew again.",
      '请确认没有其他服务器、CDN 或旧的 TXT 记录在响应该域名，并且对 /.well-known/acme-challenge/ 的请求能到达 CertDesk 写入的文件，然后重新续期。',
    ),
  },
  invalidContact: {
    ...needsAdmin,
    explanation: t(
      "The CA rejected the account's contact address, for example an email address it cannot deliver to or whose domain does not exist.",
      'CA 拒绝了账户的联系地址，例如无法投递的电子邮件地址，或其域名不存在。',
    ),
    remedy: t("Correct or remove the account's email address in CertDesk; then try again.", '请在 CertDesk 中修改或删除该账户的电子邮件地址，然后重试。'),
  },
  // draft-ietf-acme-profiles: the order named a profile the CA does not offer (to this account).
  invalidProfile: {
    ...needsAdmin,
    explanation: t(
      'The CA does not offer the certificate profile chosen for this certificate, or not to this account.',
      'CA 不提供为此证书选择的证书配置文件（profile），或不向此账户提供。',
    ),
    remedy: t(
      "In the certificate's settings, choose one of the profiles the CA lists, or none; then renew again.",
      '请在证书设置中改选 CA 列出的某个配置文件，或不指定配置文件，然后重新续期。',
    ),
  },
  malformed: {
    ...needsAdmin,
    explanation: t(
      'The CA could not understand a request from CertDesk, or refused it as invalid.',
      'CA 无法理解 CertDesk 发出的请求，或认为该请求无效而拒绝。',
    ),
    remedy: t(
      "Read the CA's message in the order log: it often names what to change, such as a domain name the CA does not accept. If it names nothing you can change, report it to CertDesk with the log.",
      '请在订单日志中查看 CA 的原始消息，其中通常会指出需要修改的地方（例如 CA 不接受的域名）。如果其中没有您能修改的内容，请附上日志向 CertDesk 报告。',
    ),
  },
  // RFC 8555 §7.4: finalize before every authorization is valid. Not a failure: re-read the order.
  orderNotReady: {
    kind: 'state',
    action: 'reread_order',
    explanation: t(
      'The order was not ready to be finalized yet: not every authorization was valid when CertDesk asked.',
      '订单尚未就绪，暂时无法完成签发：CertDesk 提交时并非所有授权都已生效。',
    ),
    remedy: t(
      'None: CertDesk reads the order again and continues from the state the CA reports.',
      '无需操作：CertDesk 会重新读取订单，并根据 CA 报告的状态继续。',
    ),
  },
  rateLimited: {
    kind: 'transient',
    action: 'retry',
    explanation: t(
      "The CA's rate limit was reached: too many requests of this kind in a short time (for example certificates for the same names, or failed validations).",
      '已达到 CA 的速率限制：短时间内同类请求过多（例如为相同域名申请证书，或验证失败次数过多）。',
    ),
    remedy: t(
      'None: CertDesk waits as long as the CA asks and tries again. If this keeps happening, fix failing validations and avoid forcing renewals.',
      '无需操作：CertDesk 会按 CA 要求的时间等待后重试。如果反复出现，请修复失败的验证，并避免强制续期。',
    ),
  },
  rejectedIdentifier: {
    ...needsAdmin,
    explanation: t(
      'By its policy, the CA will not issue certificates for one of the names (for example a blocked name or one that is not public).',
      'CA 根据其政策拒绝为其中某个域名签发证书（例如被封禁的域名或非公网域名）。',
    ),
    remedy: t('Remove the refused name from the certificate or use another CA; then renew again.', '请从证书中移除被拒绝的域名，或改用其他 CA，然后重新续期。'),
  },
  serverInternal: {
    kind: 'transient',
    action: 'retry',
    explanation: t(
      'The CA had an internal error or a temporary outage and could not handle the request.',
      'CA 内部出错或暂时无法提供服务，未能处理该请求。',
    ),
    remedy: t(
      "None: CertDesk tries again later. If it lasts, check the CA's status page.",
      '无需操作：CertDesk 稍后会自动重试。如果持续出现，请查看 CA 的服务状态页面。',
    ),
  },
  tls: {
    ...needsAdmin,
    explanation: t(
      'The CA got a TLS error while connecting to your server to check the challenge, for example after a redirect from HTTP to a broken HTTPS site, or during TLS-ALPN validation.',
      'CA 连接您的服务器进行验证时发生 TLS 错误，例如 HTTP 被重定向到配置有误的 HTTPS 站点，或在 TLS-ALPN 验证过程中。',
    ),
    remedy: t(
      'If the web server redirects validation requests to HTTPS, make sure its HTTPS works (or that port 443 answers TLS-ALPN validation); then renew again.',
      '如果 Web 服务器会把验证请求重定向到 HTTPS，请确认其 HTTPS 配置正常（或 443 端口能响应 TLS-ALPN 验证），然后重新续期。',
    ),
  },
  unauthorized: {
    ...needsAdmin,
    explanation: t(
      'The CA did not accept the proof that you control the domain (the challenge failed), or the account may not do what was asked.',
      'CA 不认可您对该域名的控制权证明（验证失败），或此账户无权执行该操作。',
    ),
    remedy: t(
      "Read the CA's message in the order log. For DNS validation, check that the TXT record at _acme-challenge holds the value CertDesk published; for HTTP validation, that the challenge file is reachable from the internet. Then renew again.",
      '请在订单日志中查看 CA 的原始消息。DNS 验证时，请确认 _acme-challenge 下的 TXT 记录值与 CertDesk 发布的一致；HTTP 验证时，请确认验证文件可从公网访问。然后重新续期。',
    ),
  },
  unsupportedContact: {
    ...needsAdmin,
    explanation: t(
      'The CA does not support the kind of contact given for the account; most CAs accept only email addresses.',
      'CA 不支持为账户填写的联系方式类型；大多数 CA 只接受电子邮件地址。',
    ),
    remedy: t("Use a plain email address as the account's contact, or none; then try again.", '请将账户联系方式改为普通电子邮件地址，或不填写，然后重试。'),
  },
  unsupportedIdentifier: {
    ...needsAdmin,
    explanation: t(
      'The CA does not issue certificates for this kind of name (for example IP addresses, or wildcard names with this validation method).',
      'CA 不为此类名称签发证书（例如 IP 地址，或使用当前验证方式的通配符域名）。',
    ),
    remedy: t(
      'Remove that name from the certificate, use DNS validation for wildcard names, or use a CA that supports it; then renew again.',
      '请从证书中移除该名称，通配符域名请改用 DNS 验证，或改用支持它的 CA，然后重新续期。',
    ),
  },
  userActionRequired: {
    ...needsAdmin,
    explanation: t(
      "The CA requires you to do something on its website first, such as agreeing to new terms of service.",
      'CA 要求您先在其网站上完成某项操作，例如同意新的服务条款。',
    ),
    remedy: t(
      "Visit the CA's website and follow its instructions (the CA gave no link); then try again.",
      '请访问 CA 的网站并按提示操作（CA 未提供链接），然后重试。',
    ),
  },
};

/** Let's Encrypt's automatic pausing (rate-limits doc, "Consecutive Authorization Failures per Hostname per Account"). */
const pausedRule: TypeRule = {
  ...needsAdmin,
  explanation: t(
    'The CA has paused issuance for this name on this account after many failed validations in a row. Retrying does not help until it is unpaused.',
    '由于连续多次验证失败，CA 已暂停此账户为该域名签发证书。在解除暂停之前，重试无济于事。',
  ),
  remedy: t(
    "First fix what makes the validations fail, then open the unpause link in the CA's message (in the order log) and renew again.",
    '请先解决验证失败的原因，再打开 CA 消息（见订单日志）中的解除暂停链接，然后重新续期。',
  ),
};

const severity: { readonly [K in ProblemKind]: number } = { state: 0, transient: 1, needs_admin: 2 };

/** One problem on its own, subproblems aside. */
function classifyOne(problem: Pick<AcmeProblem, 'type' | 'status' | 'detail' | 'instance'>): Verdict {
  const shortType = acmeShortType(problem.type);
  const status = problem.status;
  const pausable = shortType === undefined || shortType === 'rateLimited' || shortType === 'unauthorized';
  if (pausable && problem.detail !== undefined && pausedPattern.test(problem.detail)) return { ...pausedRule, shortType: 'paused' };
  if (shortType === 'userActionRequired' && problem.instance !== undefined && isWebUrl(problem.instance)) {
    const url = problem.instance;
    return {
      ...rules.userActionRequired,
      shortType,
      remedy: t(`Visit ${url} and follow the instructions there; then try again.`, `请访问 ${url} 并按页面提示操作，然后重试。`),
    };
  }
  if (shortType !== undefined) return { ...rules[shortType], shortType };
  if (problem.type === 'about:blank') {
    // No document: the status is all there is (RFC 7807 §4.2).
    if (status === 429) return { ...rules.rateLimited, shortType: 'rateLimited' };
    if (status !== undefined && status >= 500) return { ...rules.serverInternal, shortType: 'serverInternal' };
    return { ...needsAdmin, shortType: 'unknown', explanation: blankExplanation(status), remedy: unknownAdminRemedy };
  }
  const transient = status === 429 || (status !== undefined && status >= 500);
  return {
    ...(transient ? { kind: 'transient', action: 'retry' } : needsAdmin),
    shortType: 'unknown',
    explanation: unknownExplanation(problem.type, status),
    remedy: transient ? unknownTransientRemedy : unknownAdminRemedy,
  };
}

/**
 * Boulder's pause refusal: "Your account is temporarily prevented from requesting certificates for
 * … Please visit: …/unpause?jwt=…".
 */
const pausedPattern = /temporarily prevented from requesting certificates|\/unpause\b/i;

function unknownExplanation(type: string, status: number | undefined): Translations {
  return status === undefined
    ? t(`The CA reported a problem CertDesk does not recognise (type “${type}”).`, `CA 报告了一个 CertDesk 无法识别的问题（类型“${type}”）。`)
    : t(
        `The CA reported a problem CertDesk does not recognise (type “${type}”, HTTP status ${status}).`,
        `CA 报告了一个 CertDesk 无法识别的问题（类型“${type}”，HTTP 状态码 ${status}）。`,
      );
}

function blankExplanation(status: number | undefined): Translations {
  return status === undefined
    ? t('The CA reported a problem without saying what it was.', 'CA 报告了一个问题，但没有说明具体内容。')
    : t(`The CA refused the request with HTTP status ${status} and did not say why.`, `CA 以 HTTP 状态码 ${status} 拒绝了请求，且未说明原因。`);
}

const unknownTransientRemedy = t(
  "None: CertDesk tries again later. If it keeps happening, read the CA's message in the order log.",
  '无需操作：CertDesk 稍后会自动重试。如果反复出现，请在订单日志中查看 CA 的原始消息。',
);

const unknownAdminRemedy = t(
  "Read the CA's message in the order log and fix what it names; then renew again. If it names nothing you can change, report it to CertDesk with the log.",
  '请在订单日志中查看 CA 的原始消息，按提示修正后重新续期。如果其中没有您能修改的内容，请附上日志向 CertDesk 报告。',
);

function withIdentifiers(explanation: Translations, identifiers: ReadonlyArray<string>): Translations {
  const named = identifiers.slice(0, maxNamedIdentifiers);
  const more = identifiers.length - named.length;
  const en = `${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  const zh = `${named.join('、')}${more > 0 ? ` 等 ${identifiers.length} 个` : ''}`;
  return { en: `${explanation.en} Affected: ${en}.`, 'zh-CN': `${explanation['zh-CN']}涉及：${zh}。` };
}

function acmeShortType(type: string): AcmeErrorType | undefined {
  if (!type.startsWith(acmeErrorNamespace)) return undefined;
  const name = type.slice(acmeErrorNamespace.length);
  return Object.hasOwn(rules, name) ? (name as AcmeErrorType) : undefined;
}

function isWebUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'https:' || protocol === 'http:';
}

// ---------------------------------------------------------------------------------------------
// Transport failures.

const transportCodes: ReadonlyMap<string, Exclude<TransportErrorType, 'network'>> = new Map([
  ...['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'ENETRESET'].map(
    (code) => [code, 'caUnreachable'] as const,
  ),
  ...['ERR_NETWORK', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'].map((code) => [code, 'caUnreachable'] as const),
  // `timeout` is what CertDesk's own transport (transport.ts) reports when it gives up waiting.
  ...[
    'timeout',
    'ETIMEDOUT',
    'ESOCKETTIMEDOUT',
    'ERR_SOCKET_CONNECTION_TIMEOUT',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
  ].map((code) => [code, 'caTimeout'] as const),
  ...['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME'].map((code) => [code, 'caNameLookup'] as const),
  // OpenSSL's verification results as Node reports them in `error.code`, and Node's host name check.
  ...[
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'CERT_UNTRUSTED',
    'CERT_REJECTED',
    'CERT_REVOKED',
    'CERT_SIGNATURE_FAILURE',
    'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
    'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
    'INVALID_CA',
    'INVALID_PURPOSE',
    'PATH_LENGTH_EXCEEDED',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'HOSTNAME_MISMATCH',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'ERR_TLS_CERT_ALTNAME_FORMAT',
  ].map((code) => [code, 'caUntrusted'] as const),
]);

const certificateDateCodes: ReadonlySet<string> = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const hostnameCodes: ReadonlySet<string> = new Set(['HOSTNAME_MISMATCH', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_TLS_CERT_ALTNAME_FORMAT']);

/** How deep into `cause` chains and `AggregateError`s to look, and how many errors at most: wrappers nest two or three deep. */
const maxCauseDepth = 6;
const maxErrorsVisited = 32;

/** The first recognised code breadth-first through the error, its causes and aggregated errors; else the first code seen. */
function findErrorCode(error: unknown): { code?: string; shortType?: Exclude<TransportErrorType, 'network'> } | undefined {
  let level: unknown[] = [error];
  let firstCode: string | undefined;
  let visited = 0;
  const seen = new Set<unknown>();
  for (let depth = 0; depth <= maxCauseDepth && level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const node of level) {
      if (typeof node !== 'object' || node === null || seen.has(node) || visited >= maxErrorsVisited) continue;
      seen.add(node);
      visited++;
      const { code, name, message, cause, errors } = node as Readonly<Record<'code' | 'name' | 'message' | 'cause' | 'errors', unknown>>;
      if (typeof code === 'string') {
        firstCode ??= code;
        // axios reports its own timeout as ECONNABORTED "timeout of 5000ms exceeded".
        if (code === 'ECONNABORTED' && typeof message === 'string' && /timeout/i.test(message)) return { code, shortType: 'caTimeout' };
        const shortType = transportCodes.get(code);
        if (shortType !== undefined) return { code, shortType };
      }
      if (name === 'TimeoutError') return { shortType: 'caTimeout', ...(typeof code === 'string' ? { code } : {}) };
      next.push(cause);
      if (Array.isArray(errors)) next.push(...(errors as unknown[]));
    }
    level = next;
  }
  return firstCode === undefined ? undefined : { code: firstCode };
}

/** Error codes are identifiers; anything else is not repeated in a message. */
function safeCode(code: string): string | undefined {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? code : undefined;
}

interface TransportTexts {
  readonly explanation: (code: string | undefined) => Translations;
  readonly remedy: Translations;
}

function withCode(code: string | undefined): { en: string; zh: string } {
  return code === undefined ? { en: '', zh: '' } : { en: ` (${code})`, zh: `（${code}）` };
}

const transportTexts: { readonly [T in Exclude<TransportErrorType, 'caUntrusted'>]: TransportTexts } = {
  caUnreachable: {
    explanation: (code) => {
      const c = withCode(code);
      return t(`CertDesk could not reach the CA: the connection was refused or broken${c.en}.`, `CertDesk 无法连接到 CA：连接被拒绝或中断${c.zh}。`);
    },
    remedy: t(
      "None if it is a short outage: CertDesk tries again later. If it lasts, check this computer's internet connection, proxy and firewall, and the CA's directory URL.",
      '如果只是短暂中断则无需操作，CertDesk 稍后会自动重试。如果持续出现，请检查本机的网络连接、代理和防火墙，以及 CA 的目录地址。',
    ),
  },
  caTimeout: {
    explanation: (code) => {
      const c = withCode(code);
      return t(`The CA did not answer in time${c.en}.`, `CA 未能及时响应${c.zh}。`);
    },
    remedy: t(
      "None if it is a short outage: CertDesk tries again later. If it lasts, check this computer's internet connection and proxy, and the CA's status page.",
      '如果只是短暂中断则无需操作，CertDesk 稍后会自动重试。如果持续出现，请检查本机的网络连接和代理，并查看 CA 的服务状态页面。',
    ),
  },
  caNameLookup: {
    explanation: (code) => {
      const c = withCode(code);
      return t(`CertDesk could not look up the CA's host name in DNS${c.en}.`, `CertDesk 无法通过 DNS 解析 CA 的主机名${c.zh}。`);
    },
    remedy: t(
      "None if the network's DNS is briefly unavailable: CertDesk tries again later. If it lasts, check this computer's DNS settings and that the CA's directory URL is spelled correctly.",
      '如果只是网络 DNS 暂时不可用则无需操作，CertDesk 稍后会自动重试。如果持续出现，请检查本机的 DNS 设置，并确认 CA 的目录地址拼写正确。',
    ),
  },
  network: {
    explanation: (code) => {
      const c = withCode(code);
      return t(`The request to the CA failed before any answer arrived${c.en}.`, `发往 CA 的请求在收到任何响应之前就失败了${c.zh}。`);
    },
    remedy: t(
      "None: CertDesk tries again later. If it keeps failing, check this computer's network connection, or report it to CertDesk with the log.",
      '无需操作：CertDesk 稍后会自动重试。如果一直失败，请检查本机的网络连接，或附上日志向 CertDesk 报告。',
    ),
  },
};

const untrustedTexts: TransportTexts = {
  explanation: (code) => {
    const c = withCode(code);
    return t(
      `CertDesk does not trust the CA's HTTPS certificate${c.en}, so it sent nothing to the CA.`,
      `CertDesk 不信任 CA 的 HTTPS 证书${c.zh}，因此没有向 CA 发送任何请求。`,
    );
  },
  remedy: t(
    "If the CA uses a private root certificate, add it to the CA account's extra trusted CA file (--ca-file). Otherwise something on the network may be intercepting HTTPS: check proxies and security software. Then try again.",
    '如果该 CA 使用私有根证书，请将其加入该 CA 账户的额外受信任 CA 文件（--ca-file）。否则可能有网络设备拦截了 HTTPS 连接，请检查代理和安全软件。然后重试。',
  ),
};

const untrustedDateTexts: TransportTexts = {
  explanation: (code) => {
    const c = withCode(code);
    return t(
      `By this computer's clock, the CA's HTTPS certificate has expired or is not valid yet${c.en}, so CertDesk sent nothing to the CA.`,
      `按本机时钟计算，CA 的 HTTPS 证书已过期或尚未生效${c.zh}，因此 CertDesk 没有向 CA 发送任何请求。`,
    );
  },
  remedy: t(
    "Check this computer's date, time and time zone. If they are right, the CA's certificate really is out of date: contact the CA, or, for a private CA, renew its certificate and update the extra trusted CA file (--ca-file).",
    '请检查本机的日期、时间和时区。如果都正确，说明 CA 的证书确实已失效：请联系该 CA；如果是私有 CA，请更新其证书并同步更新额外受信任 CA 文件（--ca-file）。',
  ),
};

const untrustedNameTexts: TransportTexts = {
  explanation: (code) => {
    const c = withCode(code);
    return t(
      `The CA's HTTPS certificate is not issued for the host name in the directory URL${c.en}, so CertDesk sent nothing to the CA.`,
      `CA 的 HTTPS 证书与目录地址中的主机名不匹配${c.zh}，因此 CertDesk 没有向 CA 发送任何请求。`,
    );
  },
  remedy: t(
    "Check the CA's directory URL: it must use the host name the CA's certificate is issued for. If a proxy intercepts HTTPS on purpose, add its root certificate to the extra trusted CA file (--ca-file).",
    '请检查 CA 的目录地址：其中的主机名必须与 CA 证书签发的主机名一致。如果有代理有意拦截 HTTPS，请将其根证书加入额外受信任 CA 文件（--ca-file）。',
  ),
};

// ---------------------------------------------------------------------------------------------
// Validation of untrusted input.

function decodeBody(body: unknown): unknown {
  if (typeof body === 'string') return parseJson(body);
  const bytes = body instanceof ArrayBuffer ? new Uint8Array(body) : body instanceof Uint8Array ? body : undefined;
  if (bytes === undefined) return body;
  return bytes.byteLength > maxBodyLength ? undefined : parseJson(new TextDecoder().decode(bytes));
}

function parseJson(text: string): unknown {
  if (text.length > maxBodyLength) return undefined;
  try {
    return JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text) as unknown;
  } catch {
    return undefined;
  }
}

function readProblemObject(value: unknown): AcmeProblem | undefined {
  if (!isRecord(value)) return undefined;
  const detail = readText(value.detail, maxDetailLength);
  const status = readStatus(value.status);
  const instance = readText(value.instance, maxInstanceLength);
  const subproblems = Array.isArray(value.subproblems) ? readSubproblems(value.subproblems as unknown[]) : [];
  return {
    type: readType(value.type),
    ...(detail === undefined ? {} : { detail }),
    ...(status === undefined ? {} : { status }),
    ...(subproblems.length === 0 ? {} : { subproblems }),
    ...(instance === undefined ? {} : { instance }),
  };
}

function readSubproblems(values: ReadonlyArray<unknown>): AcmeSubproblem[] {
  return values
    .slice(0, maxSubproblems)
    .filter(isRecord)
    .map((value) => {
      const detail = readText(value.detail, maxDetailLength);
      const identifier = readIdentifier(value.identifier);
      return {
        type: readType(value.type),
        ...(detail === undefined ? {} : { detail }),
        ...(identifier === undefined ? {} : { identifier }),
      };
    });
}

function readIdentifier(value: unknown): AcmeIdentifier | undefined {
  if (!isRecord(value)) return undefined;
  const type = readText(value.type, maxTypeLength);
  const identifierValue = readText(value.value, maxIdentifierLength);
  return type === undefined || identifierValue === undefined ? undefined : { type, value: identifierValue };
}

function readType(value: unknown): string {
  return readText(value, maxTypeLength) ?? 'about:blank';
}

function readStatus(value: unknown): number | undefined {
  // Some servers send `"status": "403"`; accept three digits in a string too.
  const text = typeof value === 'string' ? value.trim() : undefined;
  const status = typeof value === 'number' ? value : text !== undefined && /^\d{3}$/.test(text) ? Number(text) : Number.NaN;
  return Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

/**
 * Control characters (C0, DEL, C1) and bidirectional overrides: a server's text must not smuggle
 * terminal escape sequences into the CLI or reorder what the admin reads.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const unsafeCharacters = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/** A trimmed, cleaned, clamped string; `undefined` for a non-string or an empty result. */
function readText(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Cut before cleaning so a huge string costs no more than `max` characters of work.
  const head = value.length > max * 2 ? value.slice(0, max * 2) : value;
  const text = head.replace(unsafeCharacters, ' ').trim();
  if (text === '') return undefined;
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  // Never leave half of a surrogate pair at the end.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

/**
 * One header's value from any header shape the engine meets (fetch `Headers`, Node's lower-cased
 * object, axios headers); the first of a repeated header; `undefined` when absent or not text.
 * `name` is lower-case.
 */
export function headerValue(headers: ResponseHeaders | undefined, name: string): string | undefined {
  if (typeof headers !== 'object') return undefined;
  const get = (headers as { get?: unknown }).get;
  let value: unknown;
  if (typeof get === 'function') {
    value = Reflect.apply(get, headers, [name]);
  } else {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : (headers as Readonly<Record<string, unknown>>)[key];
  }
  if (Array.isArray(value)) value = (value as unknown[])[0];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' ? value : undefined;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const monthPattern = months.join('|');
const imfFixdate = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) (${monthPattern}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`);
const rfc850Date = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-(${monthPattern})-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`,
);
const asctimeDate = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (${monthPattern}) (\\d{2}| \\d) (\\d{2}):(\\d{2}):(\\d{2}) (\\d{4})$`);

/** Parses the three HTTP-date forms of RFC 9110 §5.6.7 (all GMT) to epoch milliseconds, or `undefined`. */
function parseHttpDate(text: string, now: Date): number | undefined {
  let match = imfFixdate.exec(text);
  if (match) return utc(match[3], match[2], match[1], match[4], match[5], match[6]);
  match = rfc850Date.exec(text);
  if (match) {
    // RFC 9110 §5.6.7: a two-digit year more than 50 years ahead means the most recent past year with those digits.
    const thisYear = now.getUTCFullYear();
    let year = thisYear - (thisYear % 100) + Number(match[3]);
    if (year > thisYear + 50) year -= 100;
    return utc(String(year), match[2], match[1], match[4], match[5], match[6]);
  }
  match = asctimeDate.exec(text);
  if (match) return utc(match[6], match[1], match[2], match[3], match[4], match[5]);
  return undefined;
}

/** Epoch milliseconds of a GMT date given as regex groups; `undefined` when a part is missing or the date does not exist. */
function utc(
  yearText: string | undefined,
  monthText: string | undefined,
  dayText: string | undefined,
  hourText: string | undefined,
  minuteText: string | undefined,
  secondText: string | undefined,
): number | undefined {
  const number = (text: string | undefined): number => (text === undefined ? Number.NaN : Number(text.trim()));
  const [year, month, day] = [number(yearText), months.findIndex((m) => m === monthText), number(dayText)] as const;
  const [hour, minute, second] = [number(hourText), number(minuteText), number(secondText)] as const;
  if (month < 0 || ![year, day, hour, minute, second].every((n) => Number.isInteger(n))) return undefined;
  // 60 allows a leap second, which Date rolls into the next minute.
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const at = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  at.setUTCFullYear(year, month, day);
  // Rejects 31 Feb and the like, which Date would roll into the next month.
  if (at.getUTCDate() !== day || at.getUTCMonth() !== month) return undefined;
  return at.setUTCHours(hour, minute, second, 0);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
