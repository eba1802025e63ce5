import test, { type ExecutionContext } from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { listen, type DtlsListener, type DtlsSession } from '../../runtime/index.js';
import type { ConnectionStats } from '../../runtime/shared/connection-api.js';
import { bytesFrom, forgedCiphertext, plaintextAck, plaintextAlert } from '../support/attacker.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { openClientEndpoint, type UdpClientEndpoint } from '../support/udp-client.js';
import { pemOptions } from './support.js';

/**
 * Issue 49, item 2, over real UDP: forged datagrams at hibernated DTLS 1.3
 * sessions, from their clients' own addresses and ports and, with
 * connection IDs, carrying their CIDs from another address, thaw nothing
 * (a hibernated session opens a record with the keys it kept, and thaws
 * only for a new authentic one); a replayed genuine record is dropped
 * without a thaw and never delivered twice; the sessions still carry
 * data both ways afterwards, each thawed once by its client's record.
 * Every datagram is sent once the server has read the one before (its
 * session's datagram count moved), never faster.
 */

const id = makeIdentity('p256', 'server.test');
const SESSIONS = 4;

interface Rig {
  readonly server: DtlsListener;
  readonly port: number;
  readonly clients: UdpClientEndpoint[];
  /** The server's session of each client, in the clients' order. */
  readonly sessions: DtlsSession[];
  /** What each client sent, every datagram (copies). */
  readonly sent: Uint8Array[][];
  /** What each session delivered to the server's application. */
  readonly delivered: string[][];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, condition: () => boolean, ms = 10_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited >= ms) throw new Error(`waited ${ms} ms for ${what}`);
    await sleep(5);
  }
}

async function rig(t: ExecutionContext, cid: boolean): Promise<Rig> {
  const byPort = new Map<number, DtlsSession>();
  const delivered = new Map<DtlsSession, string[]>();
  const server = listen(
    (session) => {
      byPort.set(session.remotePort!, session);
      const got: string[] = [];
      delivered.set(session, got);
      session.onmessage = (data) => {
        got.push(data.toString());
        session.send(data);
      };
    },
    {
      ...pemOptions(id),
      host: '127.0.0.1',
      parkAfterMs: 100,
      maxHandshakesPerHost: SESSIONS,
      ...(cid ? { cid: 8 } : {}),
    },
  );
  t.teardown(() => server.close());
  const { port } = await server.listening;
  const clients: UdpClientEndpoint[] = [];
  const sent: Uint8Array[][] = [];
  for (let i = 0; i < SESSIONS; i++) {
    const out: Uint8Array[] = [];
    sent.push(out);
    const client = openClientEndpoint({
      port,
      trustAnchors: [id.caDer],
      serverName: 'server.test',
      ...(cid ? { cid: 8 } : {}),
      onDatagram: (direction, d) => void (direction === 'sent' && out.push(d.slice())),
    });
    t.teardown(() => client.close());
    clients.push(client);
  }
  await Promise.all(clients.map((c) => c.handshake));
  const sessions = clients.map((c) => byPort.get(c.socket.address().port)!);
  t.true(
    sessions.every((s) => s !== undefined),
    'each client has its session',
  );
  // One message each way, so that each client has a genuine application-data record the server received (to replay).
  for (const c of clients) t.is(await echo(c, 'before'), 'before');
  await until('the sessions to hibernate', () => server.stats.hibernated === SESSIONS);
  return { server, port, clients, sessions, sent, delivered: sessions.map((s) => delivered.get(s)!) };
}

async function echo(c: UdpClientEndpoint, text: string): Promise<string> {
  const reply = c.receive();
  c.send(new TextEncoder().encode(text));
  return new TextDecoder().decode(await reply);
}

/** What a session's connection counts (kept while it hibernates: reading it thaws nothing). */
function counted(session: DtlsSession): ConnectionStats {
  const stats = session.stats.connectionStats;
  if (stats === undefined) throw new Error('the session has its connection');
  return stats;
}

/** Sends `d` from `socket` to the server, then waits until `session` has read it. */
async function forge(r: Rig, socket: Socket, d: Uint8Array, session: DtlsSession): Promise<void> {
  const before = counted(session).datagramsReceived;
  socket.send(d, r.port, '127.0.0.1');
  await until('the server to read the forged datagram', () => counted(session).datagramsReceived > before);
}

/** The last application-data datagram a client sent: a genuine record the server received. */
function genuine(r: Rig, i: number): Uint8Array {
  const d = r.sent[i]!.at(-1);
  if (d === undefined) throw new Error('the client sent a record');
  return d;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

/** Unified header with a CID, a 16-bit sequence number and a length (RFC 9147 §4), epoch 3, and `body`. */
function withCid(cid: Uint8Array, seq: number, body: Uint8Array): Uint8Array {
  return Uint8Array.from([0x3c | 3, ...cid, seq >> 8, seq & 0xff, body.length >> 8, body.length & 0xff, ...body]);
}

async function sessionsGoOn(t: ExecutionContext, r: Rig): Promise<void> {
  for (const [i, c] of r.clients.entries())
    t.is(await echo(c, `after ${i}`), `after ${i}`, 'the session carries data both ways');
  t.is(r.server.stats.thawed, SESSIONS, 'each thawed once, by its client’s record');
  for (const [i, got] of r.delivered.entries())
    t.deepEqual(got, ['before', `after ${i}`], 'every message delivered once');
}

test('forged datagrams from the clients’ own addresses and ports thaw no hibernated session; a replayed record is not delivered twice; the sessions go on', async (t) => {
  const r = await rig(t, false);
  const kinds = (i: number): Uint8Array[] => [
    forgedCiphertext(3, 100 + i, bytesFrom(i + 1, 32)),
    forgedCiphertext(2, 100 + i, bytesFrom(i + 2, 32)),
    forgedCiphertext(0, 100 + i, bytesFrom(i + 3, 32)),
    forgedCiphertext(3, i, bytesFrom(i + 4, 4)),
    Uint8Array.from([0x2c, 0x01]),
    plaintextAlert('fatal', 'decrypt_error'),
    plaintextAck([{ epoch: 3, sequenceNumber: 0 }]),
    concat(Array.from({ length: 300 }, (_, k) => forgedCiphertext(3, k, bytesFrom(k + i, 16)))),
    genuine(r, i),
  ];
  for (let round = 0; round < 3; round++)
    for (const [i, c] of r.clients.entries()) for (const d of kinds(i)) await forge(r, c.socket, d, r.sessions[i]!);
  t.is(r.server.stats.thawed, 0, 'no thaw');
  t.is(r.server.stats.hibernated, SESSIONS, 'all still hibernated');
  for (const s of r.sessions) {
    const drops = counted(s).drops;
    t.is(
      drops.authentication,
      3 * 3,
      'a failed authentication for each forged record tried (epochs 3 and 2, and the flood’s first)',
    );
    t.is(drops.replay, 3, 'the genuine record replayed, dropped as a replay');
    t.is(drops['authentication-rate'], 3 * 127, 'the flood’s other records unread');
  }
  await sessionsGoOn(t, r);
});

test('forged datagrams carrying the sessions’ CIDs from another address thaw no hibernated session and move none; a replayed record neither', async (t) => {
  const r = await rig(t, true);
  const attacker = createSocket('udp4');
  await new Promise<void>((resolve) => attacker.bind(0, '127.0.0.2', () => resolve()));
  t.teardown(() => attacker.close());
  const remotes = r.sessions.map((s) => s.remoteAddress);
  for (let round = 0; round < 3; round++)
    for (const [i, c] of r.clients.entries()) {
      const cid = c.connection.connectionIds?.peer;
      if (cid === undefined) return t.fail('CIDs negotiated');
      for (const d of [
        withCid(cid, 200 + round, bytesFrom(i + round, 32)),
        withCid(cid, 7, bytesFrom(i, 8)),
        genuine(r, i),
      ])
        await forge(r, attacker, d, r.sessions[i]!);
    }
  t.is(r.server.stats.thawed, 0, 'no thaw');
  t.is(r.server.stats.hibernated, SESSIONS, 'all still hibernated');
  t.deepEqual(
    r.sessions.map((s) => s.remoteAddress),
    remotes,
    'none moved to the attacker’s address',
  );
  for (const s of r.sessions) {
    t.is(counted(s).drops.authentication, 3);
    t.is(counted(s).drops.replay, 3);
    t.is(counted(s).paths.checks, 0, 'no return routability check started');
  }
  await sessionsGoOn(t, r);
});
