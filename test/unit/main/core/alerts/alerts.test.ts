import { describe, expect, it } from 'vitest';
import {
  alertJson,
  alertText,
  expiryAlert,
  freshAlertMemory,
  outcomeAlerts,
  recoveredAlert,
  rehearsalFailedAlert,
  renewalFailedAlert,
  retriesStoppedAlert,
  type Alert,
  type AlertMemory,
  type AlertOutcome,
  type OutcomeAlertKind,
} from '../../../../../main/core/alerts/alerts.ts';
import type { Translations } from '../../../../../main/core/i18n.ts';
import { describeExpiryAlert, type ExpiryAlert } from '../../../../../main/core/renewal/expiry-alerts.ts';

const day = 24 * 60 * 60 * 1000;
const now = new Date('2026-12-01T08:00:00.000Z');
const notAfter = new Date('2026-12-08T00:00:00.000Z');
const cjk = /[\u4e00-\u9fff]/;
const message: Translations = { en: 'The DNS record was not found.', 'zh-CN': '未找到该 DNS 记录。' };
const remedy: Translations = { en: 'Check the DNS provider settings.', 'zh-CN': '请检查 DNS 服务商设置。' };

describe('expiryAlert: (expiry decision) → severity and text', () => {
  const expiring = (daysLeft: number, thresholdDays: number): ExpiryAlert => ({ kind: 'expiring', thresholdDays, daysLeft, notAfter });
  it.each([
    { name: '30 days', alert: expiring(29.5, 30), kind: 'expiring', severity: 'warning', en: 'expires in 30 days', zh: '将在 30 天后过期', days: 30 },
    { name: '7 days', alert: expiring(6.2, 7), kind: 'expiring', severity: 'warning', en: 'expires in 7 days', zh: '将在 7 天后过期', days: 7 },
    { name: 'the 7-day alert raised late, 3.5 days left', alert: expiring(3.5, 7), kind: 'expiring', severity: 'warning', en: 'expires in 4 days', zh: '将在 4 天后过期', days: 4 },
    { name: 'exactly 3 days', alert: expiring(3, 3), kind: 'expiring', severity: 'critical', en: 'expires in 3 days', zh: '将在 3 天后过期', days: 3 },
    { name: 'the last day', alert: expiring(0.3, 1), kind: 'expiring', severity: 'critical', en: 'expires in 1 day', zh: '将在 1 天后过期', days: 1 },
    { name: 'expired', alert: { kind: 'expired', notAfter } as const, kind: 'expired', severity: 'critical', en: 'has expired', zh: '已过期', days: undefined },
  ] as const)('$name → $severity', (row) => {
    const alert = expiryAlert('example-com', row.alert, now);
    expect(alert).toMatchObject({ kind: row.kind, certId: 'example-com', at: '2026-12-01T08:00:00.000Z', severity: row.severity });
    expect(alert.title.en).toBe(`Certificate example-com ${row.en}`);
    expect(alert.title['zh-CN']).toBe(`证书 example-com ${row.zh}`);
    expect(alert.body).toStrictEqual(describeExpiryAlert(row.alert, 'example-com'));
    expect(alert.data).toStrictEqual(
      row.days === undefined ? { notAfter: notAfter.toISOString() } : { notAfter: notAfter.toISOString(), thresholdDays: row.alert.kind === 'expiring' ? row.alert.thresholdDays : 0, daysLeft: row.days },
    );
  });
});

describe('renewalFailedAlert', () => {
  it('says what failed, what to do and when CertDesk tries again', () => {
    const next = new Date(now.getTime() + 60_000);
    const alert = renewalFailedAlert('example-com', { message, remedy, nextAttemptAt: next, attempt: 1 }, now);
    expect(alert).toMatchObject({ kind: 'renewal_failed', severity: 'warning', certId: 'example-com', at: now.toISOString() });
    expect(alert.title).toStrictEqual({ en: 'Renewal of example-com failed', 'zh-CN': '证书 example-com 续期失败' });
    expect(alert.body).toStrictEqual({
      en: 'Renewing the certificate example-com failed. The DNS record was not found. Check the DNS provider settings. CertDesk will try again at 2026-12-01T08:01:00.000Z.',
      'zh-CN': '证书 example-com 续期失败。未找到该 DNS 记录。请检查 DNS 服务商设置。CertDesk 将于 2026-12-01T08:01:00.000Z 自动重试。',
    });
    expect(alert.data).toStrictEqual({ attempt: 1, nextAttemptAt: next.toISOString() });
  });

  it('names a later attempt, says "later" without a time, and ends unpunctuated texts', () => {
    const alert = renewalFailedAlert('example-com', { message: { en: 'Timeout', 'zh-CN': '超时' }, remedy: { en: 'Wait', 'zh-CN': '请等待' }, attempt: 4 }, now);
    expect(alert.body).toStrictEqual({
      en: 'Renewing the certificate example-com failed (attempt 4). Timeout. Wait. CertDesk will try again later on its own.',
      'zh-CN': '证书 example-com 续期失败（第 4 次尝试）。超时。请等待。CertDesk 稍后会自动重试。',
    });
    expect(alert.data).toStrictEqual({ attempt: 4 });
  });

  it('keeps a space after an English detail quoted in the Chinese text', () => {
    const alert = renewalFailedAlert('a', { message: { en: 'x.', 'zh-CN': 'CA 的说明：NXDOMAIN.' }, remedy, attempt: 1 }, now);
    expect(alert.body['zh-CN']).toContain('CA 的说明：NXDOMAIN. 请检查');
  });
});

describe('retriesStoppedAlert', () => {
  it('needs_admin: retries are paused until the admin fixes the cause and renews by hand', () => {
    const alert = retriesStoppedAlert('example-com', { reason: 'needs_admin', message, remedy, attempts: 1 }, now);
    expect(alert).toMatchObject({ kind: 'retries_stopped', severity: 'critical', data: { reason: 'needs_admin', attempts: 1 } });
    expect(alert.title).toStrictEqual({ en: 'Renewal of example-com needs your action', 'zh-CN': '证书 example-com 的续期需要您处理' });
    expect(alert.body).toStrictEqual({
      en:
        'Renewing the certificate example-com failed, and retrying cannot fix it. The DNS record was not found. Check the DNS provider settings. ' +
        'Automatic retries are paused until you fix the cause and run "certdesk cert renew example-com".',
      'zh-CN': '证书 example-com 续期失败，重试也无法解决。未找到该 DNS 记录。请检查 DNS 服务商设置。自动重试已暂停，请排除问题后运行“certdesk cert renew example-com”。',
    });
  });

  it.each([
    { reason: 'attempts_exhausted', en: 'CertDesk has used up its automatic retries after 5 failed attempts.', zh: 'CertDesk 已用完全部自动重试（共失败 5 次）。' },
    { reason: 'gave_up', en: 'CertDesk has stopped retrying: its retry period ran out after 5 failed attempts.', zh: '重试期限已到，CertDesk 已停止自动重试（共失败 5 次）。' },
  ] as const)('$reason: retries are exhausted', ({ reason, en, zh }) => {
    const alert = retriesStoppedAlert('example-com', { reason, message, remedy, attempts: 5 }, now);
    expect(alert).toMatchObject({ kind: 'retries_stopped', severity: 'critical', data: { reason, attempts: 5 } });
    expect(alert.title).toStrictEqual({
      en: 'Renewal of example-com stopped after 5 failed attempts',
      'zh-CN': '证书 example-com 续期已停止（5 次尝试均失败）',
    });
    expect(alert.body.en).toBe(`${en} The DNS record was not found. Check the DNS provider settings. Once the cause is fixed, run "certdesk cert renew example-com".`);
    expect(alert.body['zh-CN']).toBe(`${zh}未找到该 DNS 记录。请检查 DNS 服务商设置。排除问题后，请运行“certdesk cert renew example-com”。`);
  });

  it('says "1 failed attempt" in the singular', () => {
    expect(retriesStoppedAlert('a', { reason: 'attempts_exhausted', message, remedy, attempts: 1 }, now).title.en).toBe('Renewal of a stopped after 1 failed attempt');
  });
});

describe('rehearsalFailedAlert', () => {
  it('warns that the production renewal would likely fail too', () => {
    const alert = rehearsalFailedAlert('example-com', { message, remedy }, now);
    expect(alert).toMatchObject({ kind: 'rehearsal_failed', severity: 'warning', certId: 'example-com' });
    expect(alert.data).toBeUndefined();
    expect(alert.title).toStrictEqual({ en: 'Staging rehearsal for example-com failed', 'zh-CN': '证书 example-com 的预演续期失败' });
    expect(alert.body.en).toBe(
      "A rehearsal renewal of example-com against the CA's staging environment failed, so the real renewal would likely fail too. The DNS record was not found. Check the DNS provider settings.",
    );
    expect(alert.body['zh-CN']).toBe('证书 example-com 在 CA 测试环境（staging）中的预演续期失败，正式续期很可能也会失败。未找到该 DNS 记录。请检查 DNS 服务商设置。');
  });
});

describe('recoveredAlert', () => {
  const validUntil = new Date(now.getTime() + 90 * day);
  it.each([
    { failures: 3, en: 'The certificate example-com was renewed after 3 failed attempts and is valid until 2027-03-01T08:00:00.000Z.', zh: '证书 example-com 在失败 3 次后已成功续期，有效期至 2027-03-01T08:00:00.000Z。' },
    { failures: 1, en: 'The certificate example-com was renewed after 1 failed attempt and is valid until 2027-03-01T08:00:00.000Z.', zh: '证书 example-com 在失败 1 次后已成功续期，有效期至 2027-03-01T08:00:00.000Z。' },
    { failures: 0, en: 'The certificate example-com was renewed and is valid until 2027-03-01T08:00:00.000Z.', zh: '证书 example-com 已成功续期，有效期至 2027-03-01T08:00:00.000Z。' },
  ])('after $failures failures', ({ failures, en, zh }) => {
    const alert = recoveredAlert('example-com', { failures, notAfter: validUntil }, now);
    expect(alert).toMatchObject({ kind: 'recovered', severity: 'info', data: { failures, notAfter: validUntil.toISOString() } });
    expect(alert.title).toStrictEqual({ en: 'Certificate example-com renewed', 'zh-CN': '证书 example-com 已成功续期' });
    expect(alert.body).toStrictEqual({ en, 'zh-CN': zh });
  });
});

describe('every builder', () => {
  const alerts: ReadonlyArray<Alert> = [
    expiryAlert('example-com', { kind: 'expiring', thresholdDays: 7, daysLeft: 6, notAfter }, now),
    expiryAlert('example-com', { kind: 'expired', notAfter }, now),
    renewalFailedAlert('example-com', { message, remedy, attempt: 1 }, now),
    retriesStoppedAlert('example-com', { reason: 'needs_admin', message, remedy, attempts: 1 }, now),
    rehearsalFailedAlert('example-com', { message, remedy }, now),
    recoveredAlert('example-com', { failures: 2, notAfter }, now),
  ];
  it.each(alerts)('$kind: English without Chinese, Chinese with, both naming the certificate', (alert) => {
    for (const text of [alert.title, alert.body]) {
      expect(text.en).not.toMatch(cjk);
      expect(text['zh-CN']).toMatch(cjk);
      expect(text.en).toContain('example-com');
      expect(text['zh-CN']).toContain('example-com');
    }
    expect(alert.at).toBe(now.toISOString());
  });
});

describe('outcomeAlerts: (memory, outcome) → alerts to fire, next memory', () => {
  /** A memory as three flags: F failureStreakAlerted, S stoppedAlerted, R rehearsalAlerted; `-` for false. */
  type Flags = `${'F' | '-'}${'S' | '-'}${'R' | '-'}`;
  const memoryOf = (flags: Flags): AlertMemory => ({ failureStreakAlerted: flags[0] === 'F', stoppedAlerted: flags[1] === 'S', rehearsalAlerted: flags[2] === 'R' });
  const outcomes = {
    renewed: { kind: 'renewed' },
    failed: { kind: 'failed', stopped: false },
    stopped: { kind: 'failed', stopped: true },
    rehearsal_failed: { kind: 'rehearsal_failed' },
    rehearsal_ok: { kind: 'rehearsal_ok' },
  } as const satisfies Record<string, AlertOutcome>;
  type Row = readonly [memory: Flags, outcome: keyof typeof outcomes, fire: ReadonlyArray<OutcomeAlertKind>, next: Flags];

  // Every reachable memory × every outcome. "S" without "F" cannot happen: a stop is a failure.
  const rows: ReadonlyArray<Row> = [
    ['---', 'renewed', [], '---'],
    ['---', 'failed', ['renewal_failed'], 'F--'],
    ['---', 'stopped', ['retries_stopped'], 'FS-'], // a needs-admin error on the first attempt: one alert, not two
    ['---', 'rehearsal_failed', ['rehearsal_failed'], '--R'],
    ['---', 'rehearsal_ok', [], '---'],

    ['F--', 'renewed', ['recovered'], '---'],
    ['F--', 'failed', [], 'F--'],
    ['F--', 'stopped', ['retries_stopped'], 'FS-'],
    ['F--', 'rehearsal_failed', ['rehearsal_failed'], 'F-R'],
    ['F--', 'rehearsal_ok', [], 'F--'],

    ['FS-', 'renewed', ['recovered'], '---'],
    ['FS-', 'failed', [], 'F--'], // retries resumed: a later stop alerts again
    ['FS-', 'stopped', [], 'FS-'],
    ['FS-', 'rehearsal_failed', ['rehearsal_failed'], 'FSR'],
    ['FS-', 'rehearsal_ok', [], 'FS-'],

    ['--R', 'renewed', [], '---'], // a failed rehearsal alone does not make a renewal "recovered"
    ['--R', 'failed', ['renewal_failed'], 'F-R'],
    ['--R', 'stopped', ['retries_stopped'], 'FSR'],
    ['--R', 'rehearsal_failed', [], '--R'],
    ['--R', 'rehearsal_ok', [], '---'],

    ['F-R', 'renewed', ['recovered'], '---'],
    ['F-R', 'failed', [], 'F-R'],
    ['F-R', 'stopped', ['retries_stopped'], 'FSR'],
    ['F-R', 'rehearsal_failed', [], 'F-R'],
    ['F-R', 'rehearsal_ok', [], 'F--'],

    ['FSR', 'renewed', ['recovered'], '---'],
    ['FSR', 'failed', [], 'F-R'],
    ['FSR', 'stopped', [], 'FSR'],
    ['FSR', 'rehearsal_failed', [], 'FSR'],
    ['FSR', 'rehearsal_ok', [], 'FS-'],
  ];

  it.each(rows)('%s + %s → %j, %s', (memory, outcome, fire, next) => {
    expect(outcomeAlerts(memoryOf(memory), outcomes[outcome])).toStrictEqual({ fire, memory: memoryOf(next) });
  });

  it('starts from a memory with nothing alerted', () => {
    expect(freshAlertMemory).toStrictEqual(memoryOf('---'));
  });

  /** Feeds outcomes in order from a fresh memory, storing the memory as the caller would; returns what fired. */
  function run(sequence: ReadonlyArray<keyof typeof outcomes>): OutcomeAlertKind[] {
    let memory = freshAlertMemory;
    const fired: OutcomeAlertKind[] = [];
    for (const outcome of sequence) {
      const decision = outcomeAlerts(memory, outcomes[outcome]);
      fired.push(...decision.fire);
      memory = decision.memory;
    }
    return fired;
  }

  it.each([
    { name: 'a CA outage: many retries, then success', sequence: ['failed', 'failed', 'failed', 'failed', 'renewed'], fired: ['renewal_failed', 'recovered'] },
    { name: 'needs admin at once, fixed, renewed', sequence: ['stopped', 'renewed'], fired: ['retries_stopped', 'recovered'] },
    { name: 'retries run out', sequence: ['failed', 'failed', 'stopped', 'stopped'], fired: ['renewal_failed', 'retries_stopped'] },
    {
      name: 'stopped, retries resume, stop again',
      sequence: ['stopped', 'failed', 'failed', 'stopped'],
      fired: ['retries_stopped', 'retries_stopped'],
    },
    { name: 'two separate streaks', sequence: ['failed', 'renewed', 'renewed', 'failed', 'renewed'], fired: ['renewal_failed', 'recovered', 'renewal_failed', 'recovered'] },
    {
      name: 'rehearsals failing daily, then fixed, then failing again',
      sequence: ['rehearsal_failed', 'rehearsal_failed', 'rehearsal_ok', 'rehearsal_failed'],
      fired: ['rehearsal_failed', 'rehearsal_failed'],
    },
    { name: 'a quiet life', sequence: ['rehearsal_ok', 'renewed', 'rehearsal_ok', 'renewed'], fired: [] },
  ] as const)('$name', ({ sequence, fired }) => {
    expect(run(sequence)).toStrictEqual(fired);
  });
});

describe('alertText and alertJson', () => {
  const alert = renewalFailedAlert('example-com', { message, remedy, attempt: 1 }, now);

  it.each(['en', 'zh-CN'] as const)('alertText in %s', (locale) => {
    expect(alertText(alert, locale)).toStrictEqual({ title: alert.title[locale], body: alert.body[locale] });
  });

  it('alertJson has stable fields in a stable order, texts in the locale and in every locale', () => {
    const json = alertJson(alert, 'zh-CN');
    expect(Object.keys(json)).toStrictEqual(['kind', 'certId', 'at', 'severity', 'title', 'body', 'titles', 'bodies', 'data']);
    expect(json).toStrictEqual({
      kind: 'renewal_failed',
      certId: 'example-com',
      at: now.toISOString(),
      severity: 'warning',
      title: alert.title['zh-CN'],
      body: alert.body['zh-CN'],
      titles: alert.title,
      bodies: alert.body,
      data: { attempt: 1 },
    });
  });

  it('alertJson gives {} for an alert without data', () => {
    expect(alertJson(rehearsalFailedAlert('a', { message, remedy }, now), 'en').data).toStrictEqual({});
  });
});
