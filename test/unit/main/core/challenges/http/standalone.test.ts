import { randomBytes } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChallengeInput } from '../../../../../../main/core/challenges/solver.ts';
import {
  createStandaloneSolver,
  DEFAULT_HTTP_PORT,
  describeListenError,
  type StandaloneSolver,
  type StandaloneSolverOptions,
} from '../../../../../../main/core/challenges/http/standalone.ts';
import { CertDeskError } from '../../../../../../main/core/errors.ts';
import { LOOPBACK, freePort, isPortFree } from '../../../../../support/ports.ts';
import { thrown } from '../../../support/thrown.ts';
import { createRecordingLogger } from '../../../../../support/recording-logger.ts';

/** A challenge as a CA would send it: a 43-character token and `<token>.<thumbprint>`. */
function challenge(domain = 'www.certdesk.test'): ChallengeInput {
  const token = randomBytes(32).toString('base64url');
  return { domain, wildcard: false, token, value: `${token}.${randomBytes(32).toString('base64url')}` };
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One request on a fresh connection to 127.0.0.1:`port`. */
function fetch(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: LOOPBACK, port, path, method: options.method ?? 'GET', headers: { host: 'www.certdesk.test', ...options.headers }, agent: false, timeout: 5_000 },
      (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('error', reject);
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
        });
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

function pathOf(input: ChallengeInput): string {
  return `/.well-known/acme-challenge/${input.token}`;
}

/** Holds `port` on 127.0.0.1 with a plain TCP server, as another program would. */
function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    // Connections are dropped at once, so close() never waits for one.
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => {
      resolve(server);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => { resolve(); }));
}

const solvers: StandaloneSolver[] = [];

function makeSolver(options: Partial<StandaloneSolverOptions> = {}): { solver: StandaloneSolver; lines: ReadonlyArray<string> } {
  const logger = createRecordingLogger();
  const { lines } = logger;
  const solver = createStandaloneSolver({ address: LOOPBACK, port: 0, logger, ...options });
  solvers.push(solver);
  return { solver, lines };
}

function portOf(solver: StandaloneSolver): number {
  const info = solver.listening();
  if (info === undefined) throw new Error('The solver is not listening');
  return info.port;
}

afterEach(async () => {
  await Promise.all(solvers.splice(0).map((solver) => solver.close()));
});

describe('createStandaloneSolver', () => {
  it('defaults to port 80, the port the CA connects to', () => {
    expect(DEFAULT_HTTP_PORT).toBe(80);
  });

  it('is an http-01 solver that listens only once something is presented', () => {
    const { solver } = makeSolver();
    expect(solver.type).toBe('http-01');
    expect(solver.listening()).toBeUndefined();
  });

  const badOptions: ReadonlyArray<{ options: Partial<StandaloneSolverOptions>; message: RegExp }> = [
    { options: { address: 'localhost' }, message: /^Unable to use "localhost" as the HTTP-01 address, it is not an IP address$/ },
    { options: { address: '127.0.0.1:80' }, message: /not an IP address/ },
    { options: { port: -1 }, message: /^Unable to use -1 as the HTTP-01 port, it is not a port number$/ },
    { options: { port: 65_536 }, message: /not a port number/ },
    { options: { port: 80.5 }, message: /not a port number/ },
  ];
  it.each(badOptions)('refuses $options at once', ({ options, message }) => {
    const error = thrown(() => createStandaloneSolver({ logger: createRecordingLogger(), ...options }));
    expect(error).toBeInstanceOf(CertDeskError);
    expect(error).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(message) as unknown });
    expect((error as CertDeskError).remedy).toMatch(/--http-(address|port)/);
  });
});

describe('the standalone HTTP-01 server', () => {
  it('answers GET with exactly the key authorization as text/plain, no trailing newline', async () => {
    const { solver } = makeSolver();
    const input = challenge();
    await solver.present(input);

    const answer = await fetch(portOf(solver), pathOf(input));
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(input.value);
    expect(answer.headers['content-type']).toBe('text/plain');
    expect(answer.headers['content-length']).toBe(String(input.value.length));
  });

  it('answers HEAD with the headers and no body', async () => {
    const { solver } = makeSolver();
    const input = challenge();
    await solver.present(input);

    const answer = await fetch(portOf(solver), pathOf(input), { method: 'HEAD' });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
    expect(answer.headers['content-length']).toBe(String(input.value.length));
  });

  it('answers a different Host (any name of the order) with the same token', async () => {
    const { solver } = makeSolver();
    const input = challenge();
    await solver.present(input);
    expect((await fetch(portOf(solver), pathOf(input), { headers: { host: 'other.certdesk.test' } })).body).toBe(input.value);
  });

  describe('answers 404 for anything but a presented token', () => {
    const input = challenge();
    const other = challenge();
    const paths: ReadonlyArray<{ path: string; why: string }> = [
      { path: '/', why: 'the root' },
      { path: '/.well-known/acme-challenge/', why: 'the folder' },
      { path: '/.well-known/acme-challenge', why: 'the folder without a slash' },
      { path: pathOf(other), why: 'a token never presented' },
      { path: `${pathOf(input)}/`, why: 'a trailing slash' },
      { path: `${pathOf(input)}?x=1`, why: 'a query string' },
      { path: `${pathOf(input)}.txt`, why: 'a suffix' },
      { path: `/.well-known/ACME-CHALLENGE/${input.token}`, why: 'another case' },
      { path: `//.well-known/acme-challenge/${input.token}`, why: 'a doubled slash' },
      { path: `/x/../.well-known/acme-challenge/${input.token}`, why: 'a dot segment' },
      { path: '/.well-known/acme-challenge/..%2F..%2Fetc%2Fpasswd', why: 'an encoded traversal' },
      { path: '/.well-known/acme-challenge/%2e%2e', why: 'encoded dots' },
      { path: `/.well-known/acme-challenge/${'x'.repeat(200)}`, why: 'a token too long to be one' },
    ];
    it.each(paths)('$why', async ({ path }) => {
      const { solver } = makeSolver();
      await solver.present(input);
      const answer = await fetch(portOf(solver), path);
      expect(answer.status).toBe(404);
      expect(answer.body).not.toContain(input.value);
    });
  });

  it('answers 405 with Allow for other methods and never reads their body', async () => {
    const { solver } = makeSolver();
    const input = challenge();
    await solver.present(input);
    const answer = await fetch(portOf(solver), pathOf(input), { method: 'POST', body: 'x'.repeat(10_000) });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD');
    expect(answer.headers.connection).toBe('close');
    expect(answer.body).not.toContain(input.value);
  });

  it('closes the connection after a GET that carries a body', async () => {
    const { solver } = makeSolver();
    const input = challenge();
    await solver.present(input);
    const answer = await fetch(portOf(solver), pathOf(input), { body: 'unexpected' });
    expect(answer.status).toBe(200);
    expect(answer.headers.connection).toBe('close');
  });

  it('refuses an oversized request head with 431', async () => {
    const { solver } = makeSolver();
    await solver.present(challenge());
    const port = portOf(solver);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, LOOPBACK);
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        resolve(received);
      });
      socket.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(16 * 1024)}\r\n\r\n`);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('serves many tokens presented concurrently from one server, and withdraws each on cleanup', async () => {
    const port = await freePort();
    const { solver } = makeSolver({ port });
    const inputs = Array.from({ length: 25 }, (_, index) => challenge(`n${index}.certdesk.test`));
    await Promise.all(inputs.map((input) => solver.present(input)));
    expect(solver.listening()?.port).toBe(port);

    const answers = await Promise.all(inputs.map((input) => fetch(port, pathOf(input))));
    expect(answers.map((answer) => answer.body)).toEqual(inputs.map((input) => input.value));

    const [withdrawn, kept] = [inputs.slice(0, 12), inputs.slice(12)];
    await Promise.all(withdrawn.map((input) => solver.cleanup(input)));
    expect((await Promise.all(withdrawn.map((input) => fetch(port, pathOf(input))))).map((answer) => answer.status)).toEqual(withdrawn.map(() => 404));
    expect((await Promise.all(kept.map((input) => fetch(port, pathOf(input))))).map((answer) => answer.body)).toEqual(kept.map((input) => input.value));

    // The last cleanup stops the server: port 80 is held only while an order is validated.
    await Promise.all(kept.map((input) => solver.cleanup(input)));
    expect(solver.listening()).toBeUndefined();
    expect(await isPortFree(port)).toBe(true);
  });

  it('starts again on the next present after stopping', async () => {
    const port = await freePort();
    const { solver } = makeSolver({ port });
    const first = challenge();
    await solver.present(first);
    await solver.cleanup(first);
    expect(solver.listening()).toBeUndefined();

    const second = challenge();
    await solver.present(second);
    expect((await fetch(port, pathOf(second))).body).toBe(second.value);
  });

  it('has an idempotent cleanup, also for a challenge never presented or malformed', async () => {
    const { solver } = makeSolver();
    const input = challenge();
    await solver.cleanup(input);
    await solver.cleanup({ ...input, token: '../../etc/passwd' });
    await solver.present(input);
    await solver.cleanup(input);
    await solver.cleanup(input);
    expect(solver.listening()).toBeUndefined();
  });

  it('frees the port on close and refuses to present afterwards', async () => {
    const port = await freePort();
    const { solver } = makeSolver({ port });
    await solver.present(challenge());
    expect(await isPortFree(port)).toBe(false);

    await solver.close();
    expect(await isPortFree(port)).toBe(true);
    await expect(solver.present(challenge())).rejects.toThrow(/the standalone solver is closed/);
    await solver.close();
  });

  it('closes kept-alive connections on close instead of waiting for them', async () => {
    const port = await freePort();
    const { solver } = makeSolver({ port });
    await solver.present(challenge());
    const socket = connect(port, LOOPBACK);
    await new Promise<void>((resolve) => socket.once('connect', () => { resolve(); }));
    const closed = new Promise<void>((resolve) => socket.once('close', () => { resolve(); }));
    await solver.close();
    await closed;
    expect(await isPortFree(port)).toBe(true);
  });

  it('shares one server between solvers on the same address and port', async () => {
    const port = await freePort();
    const { solver: first } = makeSolver({ port });
    const { solver: second } = makeSolver({ port });
    const [a, b] = [challenge('a.certdesk.test'), challenge('b.certdesk.test')];
    await Promise.all([first.present(a), second.present(b)]);
    expect((await fetch(port, pathOf(a))).body).toBe(a.value);
    expect((await fetch(port, pathOf(b))).body).toBe(b.value);

    // Closing one solver withdraws its answers only; the server stays for the other's.
    await first.close();
    expect((await fetch(port, pathOf(a))).status).toBe(404);
    expect((await fetch(port, pathOf(b))).body).toBe(b.value);

    await second.cleanup(b);
    expect(await isPortFree(port)).toBe(true);
  });

  it('serves a token two solvers presented (a reused authorization) once, until either cleans up', async () => {
    const port = await freePort();
    const { solver: first } = makeSolver({ port });
    const { solver: second } = makeSolver({ port });
    const input = challenge();
    await Promise.all([first.present(input), second.present(input)]);
    expect((await fetch(port, pathOf(input))).body).toBe(input.value);
    await first.cleanup(input);
    expect(await isPortFree(port)).toBe(true);
    await second.cleanup(input);
  });

  it('refuses a token already served with another key authorization', async () => {
    const port = await freePort();
    const { solver: first } = makeSolver({ port });
    const { solver: second } = makeSolver({ port });
    const input = challenge();
    await first.present(input);
    await expect(second.present({ ...input, value: `${input.token}.${randomBytes(32).toString('base64url')}` }))
      .rejects.toThrow(/already served with another key authorization/);
    expect((await fetch(port, pathOf(input))).body).toBe(input.value);
  });

  it('refuses a wildcard, a bad token or a bad value without starting the server', async () => {
    const { solver } = makeSolver();
    const input = challenge();
    await expect(solver.present({ ...input, wildcard: true })).rejects.toThrow(/wildcard name can only be validated with DNS-01/);
    await expect(solver.present({ ...input, token: '../x', value: `../x.${input.value.split('.')[1] ?? ''}` })).rejects.toBeInstanceOf(CertDeskError);
    await expect(solver.present({ ...input, value: `${input.value}\n` })).rejects.toThrow(/not the key authorization/);
    expect(solver.listening()).toBeUndefined();
  });

  it('rejects an aborted present and serves nothing', async () => {
    const { solver } = makeSolver();
    const controller = new AbortController();
    controller.abort(new Error('order cancelled'));
    await expect(solver.present(challenge(), controller.signal)).rejects.toThrow('order cancelled');
    expect(solver.listening()).toBeUndefined();
  });

  it('reports a port in use as an actionable error and holds nothing afterwards', async () => {
    const port = await freePort();
    const other = await occupy(port);
    const { solver } = makeSolver({ port });
    const input = challenge();
    try {
      const error: unknown = await solver.present(input).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CertDeskError);
      expect(error).toMatchObject({
        code: 'needs_admin',
        message: `Unable to start the HTTP-01 server on 127.0.0.1 port ${port}, another program already uses it`,
      });
      const remedy = (error as CertDeskError).remedy ?? '';
      expect(remedy).toContain('--http-port');
      expect(remedy).toContain('--webroot');
      expect((error as Error).message).not.toContain(input.token);
      expect(solver.listening()).toBeUndefined();
    } finally {
      await closeServer(other);
    }
    // Nothing is stuck: once the port is free the same solver works.
    await solver.present(input);
    expect((await fetch(port, pathOf(input))).body).toBe(input.value);
  });

  it('reports an address that is not this machine’s', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a host, so binding it fails.
    const { solver } = makeSolver({ address: '192.0.2.1', port: await freePort() });
    await expect(solver.present(challenge())).rejects.toMatchObject({
      code: 'needs_admin',
      message: expect.stringMatching(/^Unable to start the HTTP-01 server on 192\.0\.2\.1 port \d+, that address does not belong to this machine$/) as unknown,
      remedy: expect.stringContaining('--http-address') as unknown,
    });
  });

  it('logs start, answers and stop without ever logging the token or key authorization', async () => {
    const { solver, lines } = makeSolver();
    const input = challenge();
    await solver.present(input);
    await fetch(portOf(solver), pathOf(input));
    await solver.cleanup(input);
    const log = lines.join('\n');
    expect(log).toMatch(/Started the HTTP-01 server/);
    expect(log).toMatch(/Answered an HTTP-01 validation request .*"domain":"www\.certdesk\.test"/);
    expect(log).toMatch(/Stopped the HTTP-01 server/);
    expect(log).not.toContain(input.token);
    expect(log).not.toContain(input.value.split('.')[1]);
  });
});

describe('describeListenError', () => {
  const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`listen ${code}`), { code });
  const cases: ReadonlyArray<{ error: unknown; address: string | undefined; port: number; message: string; remedy: RegExp }> = [
    {
      error: errno('EADDRINUSE'), address: undefined, port: 80,
      message: 'Unable to start the HTTP-01 server on port 80, another program already uses it',
      remedy: /^Stop the program listening on port 80 .*--http-port <port>.*--webroot <dir>/,
    },
    {
      error: errno('EACCES'), address: undefined, port: 80,
      message: 'Unable to start the HTTP-01 server on port 80, ports below 1024 need privileges this process does not have',
      remedy: /cap_net_bind_service.*--http-port.*--webroot/,
    },
    {
      error: errno('EPERM'), address: '::', port: 443,
      message: 'Unable to start the HTTP-01 server on :: port 443, ports below 1024 need privileges this process does not have',
      remedy: /cap_net_bind_service/,
    },
    {
      error: errno('EACCES'), address: '10.0.0.1', port: 8080,
      message: 'Unable to start the HTTP-01 server on 10.0.0.1 port 8080, the system refused permission',
      remedy: /--http-port/,
    },
    {
      error: errno('EADDRNOTAVAIL'), address: '192.0.2.1', port: 80,
      message: 'Unable to start the HTTP-01 server on 192.0.2.1 port 80, that address does not belong to this machine',
      remedy: /--http-address/,
    },
    {
      error: errno('EAFNOSUPPORT'), address: '::1', port: 80,
      message: 'Unable to start the HTTP-01 server on ::1 port 80, EAFNOSUPPORT',
      remedy: /--http-address and --http-port/,
    },
    {
      error: new Error('something odd'), address: undefined, port: 80,
      message: 'Unable to start the HTTP-01 server on port 80, something odd',
      remedy: /--webroot/,
    },
  ];
  it.each(cases)('$message', ({ error, address, port, message, remedy }) => {
    const described = describeListenError(error, address, port);
    expect(described).toBeInstanceOf(CertDeskError);
    expect(described.code).toBe('needs_admin');
    expect(described.message).toBe(message);
    expect(described.remedy).toMatch(remedy);
    expect(described.cause).toBe(error);
  });
});
