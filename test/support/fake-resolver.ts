import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { LOOPBACK } from './ports.ts';

/** What the fake resolver knows: CNAMEs by owner name, and names it refuses to answer for. */
export interface FakeResolverZone {
  /** Owner (absolute, lower-case) → CNAME target (absolute). */
  readonly cnames?: Readonly<Record<string, string>>;
  /** Owners it answers REFUSED for, as a resolver that does not serve them would. */
  readonly refused?: ReadonlyArray<string>;
}

/** A running {@link startFakeResolver}. */
export interface FakeResolver {
  /** `127.0.0.1:<port>`, as a `resolver` option takes it. */
  readonly address: string;
  /** Every question asked, as `<TYPE> <name>` (absolute), in order. */
  readonly questions: ReadonlyArray<string>;
  stop(): Promise<void>;
}

/**
 * A tiny DNS server on a UDP loopback port for unit tests of CNAME handling: it answers a CNAME
 * question with the zone's CNAME for that name (NOERROR), REFUSED for a refused name, and NXDOMAIN for
 * anything else. Nothing else (no TCP, no TXT): the real-server tests use BIND9.
 */
export async function startFakeResolver(zone: FakeResolverZone): Promise<FakeResolver> {
  const socket = createSocket('udp4');
  const questions: string[] = [];
  socket.on('message', (message, peer) => {
    const request = dnsPacket.decode(message);
    const question = request.questions?.[0];
    if (question === undefined) return;
    const name = `${question.name.toLowerCase()}.`;
    questions.push(`${question.type} ${name}`);
    const target = question.type === 'CNAME' ? zone.cnames?.[name] : undefined;
    const refused = zone.refused?.includes(name) === true;
    const reply = dnsPacket.encode({
      type: 'response',
      id: request.id ?? 0,
      // RCODE in the low 4 bits: 5 REFUSED, 3 NXDOMAIN.
      flags: dnsPacket.RECURSION_AVAILABLE | (refused ? 5 : target === undefined ? 3 : 0),
      questions: [question],
      answers: target === undefined || refused ? [] : [{ type: 'CNAME', name: question.name, ttl: 60, class: 'IN', data: target.replace(/\.$/, '') }],
    });
    socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => { socket.bind(0, LOOPBACK, resolve); });
  let stopped: Promise<void> | undefined;
  return {
    address: `${LOOPBACK}:${socket.address().port}`,
    questions,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => { socket.close(() => { resolve(); }); });
      return stopped;
    },
  };
}
