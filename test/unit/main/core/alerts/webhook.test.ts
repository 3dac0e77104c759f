import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alertJson, retriesStoppedAlert } from '../../../../../main/core/alerts/alerts.ts';
import { notifyAll, type Notifier } from '../../../../../main/core/alerts/notifier.ts';
import { parseWebhookUrl, webhookNotifier, WebhookError } from '../../../../../main/core/alerts/webhook.ts';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import { version } from '../../../../../main/core/version.ts';
import { LOOPBACK } from '../../../../support/ports.ts';
import { createRecordingLogger } from '../../../../support/recording-logger.ts';
import { rejection, thrown } from '../../support/thrown.ts';

/** One request as the server saw it. */
interface Seen {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A real HTTP server on 127.0.0.1 whose answer each test sets through `handle`. */
const server: { http: Server; origin: string; seen: Seen[]; handle: (response: ServerResponse) => void } = {
  http: createServer(),
  origin: '',
  seen: [],
  handle: (response) => response.writeHead(204).end(),
};

beforeAll(async () => {
  server.http.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      server.seen.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      server.handle(response);
    });
  });
  server.http.listen(0, LOOPBACK);
  await once(server.http, 'listening');
  server.origin = `http://${LOOPBACK}:${(server.http.address() as AddressInfo).port}`;
});

beforeEach(() => {
  server.seen.length = 0;
  server.handle = (response) => response.writeHead(204).end();
});

afterAll(async () => {
  server.http.closeAllConnections();
  server.http.close();
  await once(server.http, 'close');
});

const now = new Date('2026-12-01T08:00:00.000Z');
const alert = retriesStoppedAlert(
  'example-com',
  {
    reason: 'needs_admin',
    message: { en: 'The DNS provider rejected the API token.', 'zh-CN': 'DNS 服务商拒绝了该 API 令牌。' },
    remedy: { en: 'Create a new token.', 'zh-CN': '请创建新的令牌。' },
    attempts: 1,
  },
  now,
);

describe('webhookNotifier', () => {
  it('POSTs the alert as JSON with CertDesk’s user agent', async () => {
    await webhookNotifier({ url: `${server.origin}/hooks/alerts?token=s3cret` }).notify(alert);
    expect(server.seen).toHaveLength(1);
    const [seen] = server.seen;
    expect(seen).toMatchObject({ method: 'POST', path: '/hooks/alerts?token=s3cret' });
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(seen?.headers['user-agent']).toBe(`CertDesk/${version}`);
    expect(JSON.parse(seen?.body ?? '')).toStrictEqual({
      event: 'certdesk.alert',
      alert: {
        kind: 'retries_stopped',
        certId: 'example-com',
        at: '2026-12-01T08:00:00.000Z',
        severity: 'critical',
        title: alert.title.en,
        body: alert.body.en,
        titles: alert.title,
        bodies: alert.body,
        data: { reason: 'needs_admin', attempts: 1 },
      },
    });
  });

  it('puts title and body in its locale', async () => {
    await webhookNotifier({ url: server.origin, locale: 'zh-CN' }).notify(alert);
    expect(JSON.parse(server.seen[0]?.body ?? '')).toStrictEqual({ event: 'certdesk.alert', alert: alertJson(alert, 'zh-CN') });
  });

  it('resolves on any 2xx, reading and dropping a large answer', async () => {
    server.handle = (response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('x'.repeat(1024 * 1024));
    };
    await expect(webhookNotifier({ url: server.origin }).notify(alert)).resolves.toBeUndefined();
  });

  it('rejects on a 500 with the status, naming only the origin', async () => {
    server.handle = (response) => response.writeHead(500).end('oops');
    const error = await rejection(webhookNotifier({ url: `${server.origin}/hook?token=s3cret` }).notify(alert));
    expect(error).toBeInstanceOf(WebhookError);
    expect(error).toMatchObject({
      code: 'alert_failed',
      status: 500,
      message: `Unable to deliver the alert to the webhook at ${server.origin}, it answered HTTP 500`,
    });
  });

  it('rejects on a 302 without following it', async () => {
    server.handle = (response) => response.writeHead(302, { location: `${server.origin}/elsewhere` }).end();
    const error = await rejection(webhookNotifier({ url: `${server.origin}/hook` }).notify(alert));
    expect(error).toMatchObject({
      status: 302,
      message: `Unable to deliver the alert to the webhook at ${server.origin}, it answered HTTP 302, a redirect, which CertDesk does not follow`,
    });
    expect(server.seen.map((seen) => seen.path)).toStrictEqual(['/hook']);
  });

  it('rejects when the server never answers, after timeoutMs', async () => {
    server.handle = () => undefined;
    const error = await rejection(webhookNotifier({ url: server.origin, timeoutMs: 200 }).notify(alert));
    expect(error).toBeInstanceOf(WebhookError);
    expect(error).toMatchObject({ status: undefined, message: `Unable to deliver the alert to the webhook at ${server.origin}, it did not answer within 200 ms` });
  });

  it('rejects when nothing listens', async () => {
    const closed = createServer();
    closed.listen(0, LOOPBACK);
    await once(closed, 'listening');
    const url = `http://${LOOPBACK}:${(closed.address() as AddressInfo).port}/hook?token=s3cret`;
    closed.close();
    await once(closed, 'close');
    const error = await rejection(webhookNotifier({ url }).notify(alert));
    expect(error).toBeInstanceOf(WebhookError);
    expect((error as Error).message).toMatch(/^Unable to deliver the alert to the webhook at http:\/\/127\.0\.0\.1:\d+, the connection failed \(ECONNREFUSED\)$/);
  });

  it('uses the fetch it is given', async () => {
    const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
    const fakeFetch: typeof fetch = (input, init) => {
      calls.push({ url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, init });
      return Promise.resolve(new Response(null, { status: 202 }));
    };
    await webhookNotifier({ url: 'https://hooks.example.com/x', fetch: fakeFetch }).notify(alert);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ url: 'https://hooks.example.com/x', init: { method: 'POST', redirect: 'manual' } });
    expect(calls[0]?.init?.signal).toBeInstanceOf(AbortSignal);
  });

  it('is named by its origin only', () => {
    expect(webhookNotifier({ url: 'https://hooks.example.com/services/T0/B0/s3cret?x=1' }).name).toBe('webhook https://hooks.example.com');
  });

  it('refuses a bad URL or timeout when created', () => {
    expect(thrown(() => webhookNotifier({ url: 'ftp://example.com/' }))).toMatchObject({ code: 'invalid_input' });
    expect(thrown(() => webhookNotifier({ url: server.origin, timeoutMs: 0 }))).toBeInstanceOf(RangeError);
    expect(thrown(() => webhookNotifier({ url: server.origin, timeoutMs: Number.NaN }))).toBeInstanceOf(RangeError);
  });
});

describe('notifyAll with a failing webhook', () => {
  it('keeps delivering to the others and logs a warning without the URL’s path or query string', async () => {
    server.handle = (response) => response.writeHead(500).end();
    const delivered: string[] = [];
    const before: Notifier = { name: 'before', notify: (a) => Promise.resolve(void delivered.push(`before ${a.kind}`)) };
    const after: Notifier = { name: 'after', notify: (a) => Promise.resolve(void delivered.push(`after ${a.kind}`)) };
    const logger = createRecordingLogger();
    await notifyAll([before, webhookNotifier({ url: `${server.origin}/secret-path/hook?token=s3cret` }), after], alert, logger);
    expect(delivered).toStrictEqual(['before retries_stopped', 'after retries_stopped']);
    expect(server.seen).toHaveLength(1);
    expect(logger.entries).toStrictEqual([
      {
        level: 'warn',
        message: 'Unable to deliver an alert',
        fields: {
          notifier: `webhook ${server.origin}`,
          kind: 'retries_stopped',
          certId: 'example-com',
          error: `Unable to deliver the alert to the webhook at ${server.origin}, it answered HTTP 500`,
        },
      },
    ]);
    expect(logger.lines.join('\n')).not.toMatch(/s3cret|token=|secret-path/);
  });
});

describe('parseWebhookUrl', () => {
  it.each([
    { input: 'https://hooks.example.com/services/T0/B0/xyz', expected: 'https://hooks.example.com/services/T0/B0/xyz' },
    { input: '  http://10.0.0.5:8080/alert?token=abc  ', expected: 'http://10.0.0.5:8080/alert?token=abc' },
    { input: 'HTTPS://Hooks.Example.COM', expected: 'https://hooks.example.com/' },
    { input: `https://example.com/${'a'.repeat(2000 - 'https://example.com/'.length)}`, expected: `https://example.com/${'a'.repeat(1980)}` },
  ])('accepts $input', ({ input, expected }) => {
    expect(parseWebhookUrl(input)).toBe(expected);
  });

  it.each([
    { name: 'ftp:', input: 'ftp://files.example.com/alerts', message: 'Unable to use a ftp: URL as the alert webhook, only http:// and https:// URLs are supported' },
    { name: 'file:', input: 'file:///etc/passwd', message: 'Unable to use a file: URL as the alert webhook, only http:// and https:// URLs are supported' },
    { name: 'garbage', input: 'not a url', message: 'Unable to use that text as the alert webhook, it is not an absolute URL (like https://hooks.example.com/…)' },
    { name: 'a relative path', input: '/hooks/alerts', message: 'Unable to use that text as the alert webhook, it is not an absolute URL (like https://hooks.example.com/…)' },
    {
      name: 'credentials',
      input: 'https://admin:hunter2@hooks.example.com/x',
      message: 'Unable to use https://hooks.example.com as the alert webhook, it contains a user name or password, which fetch refuses to send',
    },
    {
      name: 'a user name alone',
      input: 'https://admin@hooks.example.com/x',
      message: 'Unable to use https://hooks.example.com as the alert webhook, it contains a user name or password, which fetch refuses to send',
    },
    { name: 'too long', input: `https://example.com/${'a'.repeat(1981)}`, message: 'Unable to use that URL as the alert webhook, it is 2001 characters long, more than 2000' },
    { name: 'empty', input: '   ', message: 'Unable to use an empty value as the alert webhook, it must be a URL' },
    { name: 'a number', input: 42, message: 'Unable to use that value as the alert webhook, it must be a URL string' },
    { name: 'undefined', input: undefined, message: 'Unable to use that value as the alert webhook, it must be a URL string' },
  ])('rejects $name', ({ input, message }) => {
    const error = thrown(() => parseWebhookUrl(input));
    expect(error).toBeInstanceOf(CertDeskError);
    expect(error).toMatchObject({ code: 'invalid_input', message });
    expect((error as CertDeskError).remedy).toBeTypeOf('string');
    expect((error as Error).message).not.toContain('hunter2');
  });
});
