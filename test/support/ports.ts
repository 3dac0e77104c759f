import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';

/** The only address test servers bind: tests use loopback and nothing else. */
export const LOOPBACK = '127.0.0.1';

/** Options for {@link freePorts}. */
export interface FreePortOptions {
  /** Also require the UDP port of the same number to be free (DNS servers); default `false`. */
  readonly udp?: boolean;
}

/**
 * How many times {@link freePorts} retries when the kernel's free TCP port is taken on UDP. A clash
 * is rare (another process using that exact UDP port), so a few tries are plenty.
 */
const UDP_CLASH_ATTEMPTS = 20;

/**
 * How many times {@link withPortRetry} starts a server afresh after an "address in use" failure.
 * Ports are free when picked but released before the server binds them; another process grabbing
 * one in that gap is rare, twice in a row rarer still.
 */
const DEFAULT_PORT_ATTEMPTS = 3;

function listenTcp(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function bindUdp(port: number): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: 'udp4', reuseAddr: false });
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.bind({ address: LOOPBACK, port, exclusive: true }, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

function closeTcp(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => { resolve(); }));
}

function closeUdp(socket: UdpSocket): Promise<void> {
  return new Promise((resolve) => { socket.close(() => { resolve(); }); });
}

/**
 * Picks `count` distinct ports that are free on 127.0.0.1 (TCP, and UDP too with `udp: true`) by
 * letting the kernel choose (binding port 0) and holding every socket until all are picked, so the
 * same call never returns a port twice. The ports are released before this resolves: a server must
 * bind them soon, and may still lose one to another process (see {@link withPortRetry}).
 * Rejects if no TCP+UDP-free port turns up in 20 tries.
 */
export async function freePorts(count: number, options: FreePortOptions = {}): Promise<number[]> {
  const tcp: Server[] = [];
  const udp: UdpSocket[] = [];
  try {
    while (tcp.length < count) {
      let picked = false;
      for (let attempt = 0; attempt < UDP_CLASH_ATTEMPTS && !picked; attempt++) {
        const server = await listenTcp(0);
        const address = server.address();
        if (address === null || typeof address === 'string') {
          await closeTcp(server);
          throw new Error('Unable to pick a free port, the server reported no TCP address');
        }
        if (options.udp !== true) {
          tcp.push(server);
          picked = true;
          continue;
        }
        try {
          udp.push(await bindUdp(address.port));
          tcp.push(server);
          picked = true;
        } catch {
          await closeTcp(server);
        }
      }
      if (!picked) {
        throw new Error(`Unable to pick a free port, none of ${UDP_CLASH_ATTEMPTS} tries was free on both TCP and UDP`);
      }
    }
    return tcp.map((server) => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('Unable to pick a free port, address vanished');
      return address.port;
    });
  } finally {
    await Promise.all([...tcp.map(closeTcp), ...udp.map(closeUdp)]);
  }
}

/** Picks one free loopback port; see {@link freePorts} for the guarantees and failure modes. */
export async function freePort(options: FreePortOptions = {}): Promise<number> {
  const [port] = await freePorts(1, options);
  if (port === undefined) throw new Error('Unable to pick a free port');
  return port;
}

/**
 * Resolves `true` if nothing listens on `port` at 127.0.0.1 over TCP (and, with `udp: true`, UDP),
 * checked by binding it briefly. Used to check that a stopped server really released its ports.
 */
export async function isPortFree(port: number, options: FreePortOptions = {}): Promise<boolean> {
  let server: Server | undefined;
  let socket: UdpSocket | undefined;
  try {
    server = await listenTcp(port);
    if (options.udp === true) socket = await bindUdp(port);
    return true;
  } catch {
    return false;
  } finally {
    if (server !== undefined) await closeTcp(server);
    if (socket !== undefined) await closeUdp(socket);
  }
}

/** True if an error reads like a server lost its port to another process ("address already in use"). */
export function isAddressInUse(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /address already in use|EADDRINUSE|address in use/i.test(message);
}

/**
 * Runs `start` (which picks its own ports) and, if it fails with an "address in use" error, runs it
 * again with fresh ports, up to `attempts` times in all (default 3). Any other failure, or the last
 * one, is rethrown unchanged. `start` must clean up after itself when it fails.
 */
export async function withPortRetry<T>(start: () => Promise<T>, attempts = DEFAULT_PORT_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= attempts || !isAddressInUse(error)) throw error;
    }
  }
}
