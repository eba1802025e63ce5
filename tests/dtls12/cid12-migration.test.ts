import test from 'ava';
import { createSocket } from 'node:dgram';
import { connect } from '../../runtime/api/connect.js';
import type { DtlsSession } from '../../runtime/api/session.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { credentials, echoServer } from './negotiation-support.js';

/**
 * RFC 9146 §6 in DTLS 1.2 through the public API: with CIDs, a listener
 * routes tls12_cid records by CID (runtime/node/transport.ts), so a client
 * whose address changes (a NAT rebinding; here `session.rebind()`, a new
 * local port) keeps its session. The server moves to the new address only
 * for a datagram that authenticated a record newer than any before
 * (runtime/dtls12/peer-path.ts): a replayed or forged tls12_cid record
 * from another address, carrying the session's CID, moves nothing.
 */

const id = makeIdentity('p256', 'localhost');
const { ca } = credentials(id);

async function echoed(session: DtlsSession, text: string): Promise<string> {
  const reply = new Promise<string>((resolve) => (session.onmessage = (m) => resolve(m.toString())));
  session.send(text);
  return reply;
}

async function pair(client: Parameters<typeof connect>[2] = {}) {
  const received: Uint8Array[] = [];
  const s = await echoServer(id, {
    cid: 6,
    maxVersion: 'DTLSv1.2',
    onDatagram: (direction, d) => {
      if (direction === 'received') received.push(d.slice());
    },
  });
  const c = connect('127.0.0.1', s.port, { ca, servername: 'localhost', cid: 5, maxVersion: 'DTLSv1.2', ...client });
  await c.opened;
  for (let i = 0; i < 100 && s.sessions[0]?.protocol === undefined; i++) await new Promise((r) => setTimeout(r, 10));
  return { s, c, server: s.sessions[0]!, received };
}

test('a 1.2 client with CIDs rebinds to a new port: the listener finds its session by CID, the server moves (onmigrate) and answers there', async (t) => {
  const { s, c, server } = await pair();
  try {
    t.is(c.protocol, 'DTLSv1.2');
    t.is(c.connectionIds?.local?.length, 5, 'the CID the client asked for');
    t.is(c.connectionIds?.peer?.length, 6, 'the server’s CID, on the client’s records');
    t.is(await echoed(c, 'before'), 'echo: before');
    const moves: [number, number][] = [];
    server.onmigrate = (from, to) => moves.push([from.port, to.port]);
    const before = server.remoteAddress!;
    const moved = await c.rebind();
    t.not(moved.port, before.port);
    t.is(await echoed(c, 'after'), 'echo: after', 'the echo reached the new port');
    t.deepEqual(moves, [[before.port, moved.port]]);
    t.is(server.remoteAddress?.port, moved.port);
    t.is(server.stats.connectionStats?.paths.migrations, 1);
    t.is(s.listener.stats.migrations, 1);
  } finally {
    await c.close();
    await s.listener.close();
  }
});

test('attacker: a replayed and a forged tls12_cid record with the session’s CID from another address move nothing; the session goes on', async (t) => {
  const { s, c, server, received } = await pair();
  const attacker = createSocket('udp4');
  try {
    t.is(await echoed(c, 'first'), 'echo: first');
    const clientPort = server.remoteAddress?.port;
    const genuine = received.filter((d) => d[0] === 25).at(-1);
    if (genuine === undefined) return t.fail('no tls12_cid record seen');
    const moves: unknown[] = [];
    server.onmigrate = (from, to) => moves.push([from, to]);
    const drops = (): number => Object.values(server.stats.connectionStats?.drops ?? {}).reduce((a, b) => a + b, 0);
    const dropsBefore = drops();
    await new Promise<void>((resolve) => attacker.bind(0, '127.0.0.1', resolve));
    // A copy of the client's last record (a replay), the same with its last byte changed (does not authenticate), and
    // one claiming a far higher sequence number (the sequence number is in the AEAD's additional data: does not either).
    const forged = genuine.slice();
    forged[forged.length - 1]! ^= 1;
    const ahead = genuine.slice();
    ahead[5] = 0x7f;
    for (const d of [genuine, forged, ahead]) attacker.send(d, s.port, '127.0.0.1');
    for (let i = 0; i < 200 && drops() < dropsBefore + 3; i++) await new Promise((r) => setTimeout(r, 10));
    t.is(drops(), dropsBefore + 3, 'the three reached the session and were dropped');
    t.deepEqual(moves, []);
    t.is(server.remoteAddress?.port, clientPort);
    t.is(server.stats.connectionStats?.paths.migrations, 0);
    t.is(await echoed(c, 'still here'), 'echo: still here');
  } finally {
    attacker.close();
    await c.close();
    await s.listener.close();
  }
});
