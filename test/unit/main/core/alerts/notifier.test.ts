import { describe, expect, it } from 'vitest';
import { alertJson, renewalFailedAlert, type Alert } from '../../../../../main/core/alerts/alerts.ts';
import { notifyAll, printNotifier, redactUrls, type Notifier } from '../../../../../main/core/alerts/notifier.ts';
import { createRecordingLogger } from '../../../../support/recording-logger.ts';
import { rejection } from '../../support/thrown.ts';

const now = new Date('2026-12-01T08:00:00.000Z');
const alert = renewalFailedAlert(
  'example-com',
  {
    message: { en: 'The DNS record was not found.', 'zh-CN': '未找到该 DNS 记录。' },
    remedy: { en: 'Check the DNS provider settings.', 'zh-CN': '请检查 DNS 服务商设置。' },
    nextAttemptAt: new Date('2026-12-01T08:01:00.000Z'),
    attempt: 1,
  },
  now,
);

/** A notifier that records what it was given. */
function recording(name?: string): Notifier & { readonly got: Alert[] } {
  const got: Alert[] = [];
  return {
    ...(name === undefined ? {} : { name }),
    got,
    notify: (delivered) => {
      got.push(delivered);
      return Promise.resolve();
    },
  };
}

describe('printNotifier', () => {
  it('text: one line with time, severity, certificate, title and body in the locale', async () => {
    const lines: string[] = [];
    await printNotifier((line) => lines.push(line), { locale: 'en', json: false }).notify(alert);
    expect(lines).toStrictEqual([
      '2026-12-01T08:00:00.000Z  ALERT warning example-com: Renewal of example-com failed — Renewing the certificate example-com failed. ' +
        'The DNS record was not found. Check the DNS provider settings. CertDesk will try again at 2026-12-01T08:01:00.000Z.\n',
    ]);
  });

  it('text in Chinese', async () => {
    const lines: string[] = [];
    await printNotifier((line) => lines.push(line), { locale: 'zh-CN', json: false }).notify(alert);
    expect(lines).toStrictEqual([`2026-12-01T08:00:00.000Z  ALERT warning example-com: ${alert.title['zh-CN']} — ${alert.body['zh-CN']}\n`]);
  });

  it('text: folds line breaks inside the texts, so one alert is one line', async () => {
    const lines: string[] = [];
    const multiline: Alert = { ...alert, body: { en: 'First.\n  The CA said:\r\nsomething', 'zh-CN': '第一。\n第二' } };
    await printNotifier((line) => lines.push(line), { locale: 'en', json: false }).notify(multiline);
    expect(lines).toStrictEqual(['2026-12-01T08:00:00.000Z  ALERT warning example-com: Renewal of example-com failed — First. The CA said: something\n']);
  });

  it('json: one {"alert": …} object per line, the same fields as alertJson', async () => {
    const lines: string[] = [];
    await printNotifier((line) => lines.push(line), { locale: 'zh-CN', json: true }).notify(alert);
    expect(lines).toHaveLength(1);
    const [line = ''] = lines;
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toStrictEqual({ alert: alertJson(alert, 'zh-CN') });
    expect(Object.keys((JSON.parse(line) as { alert: object }).alert)).toStrictEqual(['kind', 'certId', 'at', 'severity', 'title', 'body', 'titles', 'bodies', 'data']);
  });

  it('rejects when write throws', async () => {
    const notifier = printNotifier(() => {
      throw new Error('EPIPE');
    }, { locale: 'en', json: false });
    expect(await rejection(notifier.notify(alert))).toMatchObject({ message: 'EPIPE' });
  });
});

describe('notifyAll', () => {
  it('delivers to every notifier', async () => {
    const a = recording('a');
    const b = recording('b');
    const logger = createRecordingLogger();
    await notifyAll([a, b], alert, logger);
    expect(a.got).toStrictEqual([alert]);
    expect(b.got).toStrictEqual([alert]);
    expect(logger.entries).toStrictEqual([]);
  });

  it('resolves with no notifiers', async () => {
    await expect(notifyAll([], alert, createRecordingLogger())).resolves.toBeUndefined();
  });

  it('delivers in parallel: a slow notifier does not hold up the others', async () => {
    const events: string[] = [];
    let release = (): void => undefined;
    const slow: Notifier = {
      notify: () =>
        new Promise((resolve) => {
          events.push('slow started');
          release = () => {
            events.push('slow done');
            resolve();
          };
        }),
    };
    const fast: Notifier = {
      notify: () => {
        events.push('fast done');
        release();
        return Promise.resolve();
      },
    };
    await notifyAll([slow, fast], alert, createRecordingLogger());
    expect(events).toStrictEqual(['slow started', 'fast done', 'slow done']);
  });

  it('keeps delivering when notifiers reject or throw, logs each failure, never rejects', async () => {
    const first = recording('first');
    const last = recording();
    const rejecting: Notifier = { name: 'webhook https://hooks.example.com', notify: () => Promise.reject(new Error('Unable to deliver, HTTP 500')) };
    const throwing: Notifier = {
      notify: () => {
        throw new Error('desktop notifications are off');
      },
    };
    const logger = createRecordingLogger();
    await expect(notifyAll([first, rejecting, throwing, last], alert, logger)).resolves.toBeUndefined();
    expect(first.got).toStrictEqual([alert]);
    expect(last.got).toStrictEqual([alert]);
    expect(logger.entries).toStrictEqual([
      {
        level: 'warn',
        message: 'Unable to deliver an alert',
        fields: { notifier: 'webhook https://hooks.example.com', kind: 'renewal_failed', certId: 'example-com', error: 'Unable to deliver, HTTP 500' },
      },
      {
        level: 'warn',
        message: 'Unable to deliver an alert',
        fields: { notifier: 'notifier 3', kind: 'renewal_failed', certId: 'example-com', error: 'desktop notifications are off' },
      },
    ]);
  });

  it('logs a rejection that is not an Error', async () => {
    const logger = createRecordingLogger();
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a third-party notifier may do this
    await notifyAll([{ notify: () => Promise.reject('offline') }], alert, logger);
    expect(logger.entries[0]?.fields).toMatchObject({ error: 'offline' });
  });

  it('cuts every URL in an error message or name down to its origin', async () => {
    const logger = createRecordingLogger();
    const leaky: Notifier = {
      name: 'webhook https://hooks.example.com/services/T0/B0/s3cret?token=s3cret',
      notify: () => Promise.reject(new Error('POST https://hooks.example.com/services/T0/B0/s3cret?token=s3cret failed; see http://user:pw@10.0.0.1:8080/x?y=z.')),
    };
    await notifyAll([leaky], alert, logger);
    expect(logger.entries[0]?.fields).toMatchObject({
      notifier: 'webhook https://hooks.example.com',
      error: 'POST https://hooks.example.com failed; see http://10.0.0.1:8080.',
    });
    expect(logger.lines.join('\n')).not.toMatch(/s3cret|token|pw@|y=z/);
  });
});

describe('redactUrls', () => {
  it.each([
    { text: 'no URL here', expected: 'no URL here' },
    { text: 'at https://hooks.example.com/a/b?token=x, it failed', expected: 'at https://hooks.example.com, it failed' },
    { text: 'at http://127.0.0.1:8080/hook?token=x.', expected: 'at http://127.0.0.1:8080.' },
    { text: '(see https://user:pw@example.com:8443/x#frag)', expected: '(see https://example.com:8443)' },
    { text: 'two: http://a.example/1?k=v and HTTPS://B.example/2', expected: 'two: http://a.example and https://b.example' },
    { text: 'broken http://[::1/x?k=v', expected: 'broken [url]' },
    { text: 'ftp://files.example.com/secret is not http', expected: 'ftp://files.example.com/secret is not http' },
  ])('$text', ({ text, expected }) => {
    expect(redactUrls(text)).toBe(expected);
  });
});
