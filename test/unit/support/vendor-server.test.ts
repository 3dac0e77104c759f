import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { startVendorServer, type VendorServer } from '../../support/vendor-server.ts';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function call(url: string, init: { method: string; headers?: Record<string, string>; body?: string; ca?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const options = { method: init.method, headers: init.headers ?? {}, ...(init.ca === undefined ? {} : { ca: init.ca }) };
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => { resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }); });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(init.body);
  });
}

describe('startVendorServer', () => {
  let server: VendorServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('serves HTTPS trusted only through its CA, records requests and sends JSON replies', async () => {
    server = await startVendorServer((request) => ({
      status: 201,
      headers: { 'x-echo': request.url.searchParams.get('name') ?? '' },
      body: { method: request.method, path: request.url.pathname, body: request.body },
    }));
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    await expect(call(`${server.url}/zones`, { method: 'GET' })).rejects.toThrow(/certificate/i);
    const answer = await call(`${server.url}/zones?name=example.com`, {
      method: 'POST',
      headers: { Authorization: 'Bearer t0ken', 'content-type': 'application/json' },
      body: '{"a":1}',
      ca: server.caPem,
    });
    expect(answer.status).toBe(201);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['x-echo']).toBe('example.com');
    expect(JSON.parse(answer.body)).toEqual({ method: 'POST', path: '/zones', body: '{"a":1}' });
    const recorded = server.requests.at(-1);
    expect(recorded?.headers.authorization).toBe('Bearer t0ken');
    expect(recorded?.url.searchParams.get('name')).toBe('example.com');
  });

  it('serves plain HTTP with the http option, sends string bodies as is and answers 500 when the handler throws', async () => {
    let calls = 0;
    server = await startVendorServer(() => {
      calls += 1;
      if (calls === 2) throw new Error('boom');
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
    }, { http: true });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.caPem).toBe('');
    const first = await call(`${server.url}/x`, { method: 'GET' });
    expect(first).toMatchObject({ status: 200, body: 'ok' });
    const second = await call(`${server.url}/x`, { method: 'GET' });
    expect(second.status).toBe(500);
    expect(second.body).toContain('boom');
  });

  it('drops the connection when the reply says so', async () => {
    server = await startVendorServer(() => ({ status: 200, drop: true }), { http: true });
    await expect(call(`${server.url}/`, { method: 'GET' })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(server.requests).toHaveLength(1);
  });
});
