import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { DnsError } from '../../../../../../main/core/challenges/dns/dns-error.ts';
import { formatServerAddress, parseServerAddress, query } from '../../../../../../main/core/challenges/dns/transport.ts';
import { freePort, LOOPBACK } from '../../../../../support/ports.ts';

/** What the fake server does with the n-th UDP request (0-based). */
type UdpBehaviour = (request: dnsPacket.DecodedPacket, index: number) => Buffer | readonly Buffer[] | undefined;

function answer(request: dnsPacket.DecodedPacket, values: readonly string[], options: { id?: number; truncated?: boolean } = {}): Buffer {
  const question = request.questions?.[0];
  if (question === undefined) throw new Error('request without a question');
  return dnsPacket.encode({
    type: 'response',
    id: options.id ?? request.id ?? 0,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | (options.truncated === true ? dnsPacket.TRUNCATED_RESPONSE : 0),
    questions: [question],
    answers: values.map((value) => ({ type: 'TXT', name: question.name, ttl: 60, class: 'IN', data: [value] })),
  });
}

const servers: Array<Socket | Server> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => { server.close(() => { resolve(); }); })));
});

async function udpServer(behaviour: UdpBehaviour, port = 0): Promise<{ port: number; requests: () => number }> {
  const socket = createSocket('udp4');
  servers.push(socket);
  let count = 0;
  socket.on('message', (message, peer) => {
    const reply = behaviour(dnsPacket.decode(message), count++) ?? [];
    for (const datagram of Buffer.isBuffer(reply) ? [reply] : reply) socket.send(datagram, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => { socket.bind(port, LOOPBACK, resolve); });
  return { port: socket.address().port, requests: () => count };
}

async function tcpServer(port: number, reply: (request: dnsPacket.DecodedPacket) => Buffer): Promise<void> {
  const server = createServer((connection) => {
    let received = Buffer.alloc(0);
    connection.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) return;
      const response = reply(dnsPacket.decode(received.subarray(2)));
      const length = Buffer.alloc(2);
      length.writeUInt16BE(response.length);
      connection.end(Buffer.concat([length, response]));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => { server.listen(port, LOOPBACK, resolve); });
}

/** Generous for answers the in-process server gives at once; tests of silence shorten it. */
const options = { action: 'test the transport', recursionDesired: false, timeoutMs: 5_000 };

describe('query over UDP', () => {
  it('returns the decoded answer', async () => {
    const server = await udpServer((request) => answer(request, ['hello']));
    const response = await query({ host: LOOPBACK, port: server.port }, 'a.example.test.', 'TXT', options);
    expect(response).toMatchObject({ rcode: 'NOERROR', authoritative: true, answers: [{ name: 'a.example.test.', type: 'TXT', data: 'hello' }] });
  });

  it('retries once when the first datagram gets no answer', async () => {
    const server = await udpServer((request, index) => (index === 0 ? undefined : answer(request, ['second try'])));
    const response = await query({ host: LOOPBACK, port: server.port }, 'a.example.test.', 'TXT', { ...options, timeoutMs: 300 });
    expect(response.answers[0]?.data).toBe('second try');
    expect(server.requests()).toBe(2);
  });

  it('ignores an answer with another ID and keeps waiting for ours', async () => {
    const server = await udpServer((request) => [
      answer(request, ['spoofed'], { id: ((request.id ?? 0) + 1) % 0x10000 }),
      answer(request, ['genuine']),
    ]);
    const response = await query({ host: LOOPBACK, port: server.port }, 'a.example.test.', 'TXT', options);
    expect(response.answers.map((record) => record.data)).toEqual(['genuine']);
    expect(server.requests()).toBe(1);
  });

  it('rejects with a network DnsError naming the server after two silent attempts', async () => {
    const server = await udpServer(() => undefined);
    const error: unknown = await query({ host: LOOPBACK, port: server.port }, 'a.example.test.', 'TXT', { ...options, timeoutMs: 200 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DnsError);
    expect(error).toMatchObject({ failure: 'network', transient: true, message: `Unable to test the transport, 127.0.0.1:${server.port} did not answer within 200 ms` });
    expect(server.requests()).toBe(2);
  });

  it('reports a closed port as refused without waiting for the timeout', async () => {
    const port = await freePort({ udp: true });
    await expect(query({ host: LOOPBACK, port }, 'a.example.test.', 'TXT', options))
      .rejects.toMatchObject({ failure: 'network', message: expect.stringMatching(/refused the connection/) as unknown });
  });

  it('rejects with the signal’s reason when aborted', async () => {
    const server = await udpServer(() => undefined);
    const controller = new AbortController();
    const pending = query({ host: LOOPBACK, port: server.port }, 'a.example.test.', 'TXT', { ...options, signal: controller.signal });
    controller.abort(new Error('stop now'));
    await expect(pending).rejects.toThrow('stop now');
  });

  it('asks again over TCP when the UDP answer is truncated', async () => {
    const port = await freePort({ udp: true });
    await udpServer((request) => answer(request, [], { truncated: true }), port);
    await tcpServer(port, (request) => answer(request, ['over tcp', ...Array.from({ length: 8 }, () => 'x'.repeat(250))]));
    const response = await query({ host: LOOPBACK, port }, 'a.example.test.', 'TXT', options);
    // 9 records, over 2 KB: more than the 1232 octets advertised for UDP.
    expect(response.answers).toHaveLength(9);
    expect(response.answers[0]?.data).toBe('over tcp');
  });

  it('refuses an answer to another question', async () => {
    const server = await udpServer((request) => answer({ ...request, questions: [{ type: 'TXT', name: 'other.example.test', class: 'IN' }] }, []));
    await expect(query({ host: LOOPBACK, port: server.port }, 'a.example.test.', 'TXT', options)).rejects.toThrow(/answered another question/);
  });
});

describe('parseServerAddress / formatServerAddress', () => {
  it.each([
    ['192.0.2.1', { host: '192.0.2.1', port: 53 }, '192.0.2.1:53'],
    ['192.0.2.1:5353', { host: '192.0.2.1', port: 5353 }, '192.0.2.1:5353'],
    ['ns1.example.com:53', { host: 'ns1.example.com', port: 53 }, 'ns1.example.com:53'],
    ['2001:db8::1', { host: '2001:db8::1', port: 53 }, '[2001:db8::1]:53'],
    ['[2001:db8::1]:5300', { host: '2001:db8::1', port: 5300 }, '[2001:db8::1]:5300'],
    [' [::1] ', { host: '::1', port: 53 }, '[::1]:53'],
  ])('%j', (text, expected, formatted) => {
    expect(parseServerAddress(text)).toEqual(expected);
    expect(formatServerAddress(expected)).toBe(formatted);
  });

  it.each([
    ['', /no host/],
    [':53', /no host/],
    ['192.0.2.1:0', /port outside/],
    ['192.0.2.1:65536', /port outside/],
    ['192.0.2.1:dns', /port outside/],
    ['[192.0.2.1]:53', /not an IPv6 address/],
    ['ns_1.example:53', /neither an IP address nor a host name/],
  ])('refuses %j', (text, message) => {
    expect(() => parseServerAddress(text)).toThrow(message);
  });
});
