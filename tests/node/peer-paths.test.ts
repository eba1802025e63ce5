/**
 * runtime/node/peer-paths.ts: path names of UDP addresses, and PeerPaths: the addresses a peer's datagrams came from
 * (at most 8 a record authenticated over, the peer's current one never forgotten, and apart from them at most 8
 * others, which cannot push them out), and the sockets a client rebound away from (at most 2 kept, each closed after
 * its grace once a newer record authenticated over the new socket). Real sockets.
 */
import test from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { connect } from '../../runtime/index.js';
import { addressOfPath, pathOf, PeerPaths } from '../../runtime/node/peer-paths.js';
import { pemIdentity } from '../api/fixtures.js';
import { echoServer } from '../cid/echo-server.js';
import { until } from './support.js';

async function bound(): Promise<Socket> {
  const s = createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  return s;
}

function isClosed(s: Socket): boolean {
  try {
    s.address();
    return false;
  } catch {
    return true;
  }
}

test('path names: address|port, and back; anything else is no path', (t) => {
  t.is(pathOf({ address: '192.0.2.1', port: 4433 }), '192.0.2.1|4433');
  t.deepEqual(addressOfPath('192.0.2.1|4433'), { address: '192.0.2.1', family: 'IPv4', port: 4433 });
  t.deepEqual(addressOfPath(pathOf({ address: '::1', port: 5 })), { address: '::1', family: 'IPv6', port: 5 });
  for (const bad of ['', 'unbound', '|4433', '192.0.2.1|x', '192.0.2.1|1.5']) t.is(addressOfPath(bad), undefined, bad);
});

test('addresses are remembered from the second path on, the 8 used last; the peer, still sending, stays', (t) => {
  const paths = new PeerPaths();
  t.false(paths.tracksAddresses);
  const remote = { address: '192.0.2.1', port: 1 };
  t.true(paths.atRest);
  for (let i = 0; i < 50; i++) {
    const from = { address: '198.51.100.1', port: 1000 + i };
    paths.cameFrom(pathOf(from), from, remote, true);
    if (i % 5 === 4) paths.cameFrom(pathOf(remote), remote, remote, true); // the peer's own datagrams keep coming
  }
  t.true(paths.tracksAddresses);
  t.deepEqual(paths.addressOf(pathOf(remote)), remote, "the peer's own address kept");
  t.is(paths.addressOf('198.51.100.1|1000'), undefined, 'the oldest others forgotten');
  t.deepEqual(paths.addressOf('198.51.100.1|1049'), { address: '198.51.100.1', port: 1049 });
  t.is(rememberedOf(paths, '198.51.100.1', 1000, 50), 7, '8 in all, the peer included');
  // A path seen again moves to the newest place.
  const early = { address: '198.51.100.1', port: 1043 };
  paths.cameFrom(pathOf(early), early, remote, true);
  for (let i = 0; i < 6; i++) {
    const from = { address: '203.0.113.1', port: i + 1 };
    paths.cameFrom(pathOf(from), from, remote, true);
  }
  t.deepEqual(paths.addressOf(pathOf(early)), early);
});

/** How many of the addresses `address`:`first`… (`count` ports) `paths` remembers. */
function rememberedOf(paths: PeerPaths, address: string, first: number, count: number): number {
  let kept = 0;
  for (let i = 0; i < count; i++) if (paths.addressOf(`${address}|${first + i}`) !== undefined) kept++;
  return kept;
}

test('attacker: datagrams that do not authenticate, from 50 addresses, push out no path a record authenticated over', (t) => {
  const paths = new PeerPaths();
  const remote = { address: '192.0.2.1', port: 1 };
  const moved = { address: '192.0.2.1', port: 2 }; // the peer after a NAT rebinding: its record authenticated
  paths.cameFrom(pathOf(moved), moved, remote, true);
  for (let i = 0; i < 50; i++) {
    const forged = { address: '198.51.100.7', port: 1000 + i };
    paths.cameFrom(pathOf(forged), forged, remote, false);
  }
  paths.cameFrom(pathOf(moved), moved, remote, false); // a forged one from its address too
  t.deepEqual(paths.addressOf(pathOf(moved)), moved, 'the path under check keeps its address');
  t.deepEqual(paths.addressOf(pathOf(remote)), remote, "the peer's own address kept, the peer silent");
  t.is(rememberedOf(paths, '198.51.100.7', 1000, 50), 8, 'the flood is remembered within its own 8, the newest');
  t.truthy(paths.addressOf('198.51.100.7|1049'));
  // A path that proves itself later joins the authenticated ones.
  const late = { address: '198.51.100.7', port: 1049 };
  paths.cameFrom(pathOf(late), late, remote, true);
  t.is(rememberedOf(paths, '198.51.100.7', 1000, 50), 8);
});

test('the peer’s current address is never the one forgotten, however many authenticated paths come after it', (t) => {
  const paths = new PeerPaths();
  const remote = { address: '192.0.2.1', port: 1 };
  for (let i = 0; i < 20; i++) {
    // Copies of genuine records, raced ahead of the peer's own from addresses of a copier's: each authenticates once.
    const copy = { address: '203.0.113.9', port: 1000 + i };
    paths.cameFrom(pathOf(copy), copy, remote, true);
  }
  t.deepEqual(paths.addressOf(pathOf(remote)), remote);
  t.is(rememberedOf(paths, '203.0.113.9', 1000, 20), 7, '8 authenticated in all, the peer included');
});

test('a client keeps at most two sockets it left; they close after their grace, once the new one authenticated', async (t) => {
  const paths = new PeerPaths();
  const sockets = await Promise.all([bound(), bound(), bound()]);
  try {
    paths.rebind(sockets[0]!, 'p1', 'p0', 10, 5);
    t.true(paths.rebound);
    t.false(paths.atRest);
    t.is(paths.socketOf('p0'), sockets[0]);
    paths.rebind(sockets[1]!, 'p2', 'p1', 10, 5);
    paths.rebind(sockets[2]!, 'p3', 'p2', 10, 5);
    t.true(isClosed(sockets[0]!), 'the oldest closed at once: a third left');
    t.is(paths.socketOf('p0'), undefined);
    t.is(paths.socketOf('p2'), sockets[2]);

    paths.graceAfter('p3', 'p3', 5); // nothing newer authenticated since the rebind
    paths.graceAfter('p1', 'p3', 6); // over another socket than the current one
    await new Promise((r) => setTimeout(r, 50));
    t.false(isClosed(sockets[1]!));
    t.false(isClosed(sockets[2]!));

    paths.graceAfter('p3', 'p3', 6);
    await until(() => isClosed(sockets[1]!) && isClosed(sockets[2]!)); // their grace timers, however late they run
    t.is(paths.socketOf('p1'), undefined);
  } finally {
    paths.closeAll();
  }
});

test('closeAll closes every socket left, and its pending timers', async (t) => {
  const paths = new PeerPaths();
  const a = await bound();
  paths.rebind(a, 'new', 'old', 60_000, undefined);
  paths.graceAfter('new', 'new', 1);
  paths.closeAll();
  t.true(isClosed(a));
  t.is(paths.socketOf('old'), undefined);
  t.notThrows(() => paths.closeAll());
});

/**
 * Attacker (real UDP, spoofed sources): the client's NAT rebinds and its next record, from the new port, starts an
 * enhanced return routability check (RFC 9853 §5): the old path is asked first, and only after T the new one. In
 * between, an off-path attacker who read the session's CID in the clear sends records that carry it and do not
 * authenticate, from 12 addresses of its own. Before, every datagram routed to the session by its CID took a place
 * among the 8 addresses remembered, authenticated or not: the new port's was pushed out, the probe for it had nowhere
 * to go, the check ended without moving and the reply held for the client went to the dead mapping. The flood's
 * addresses never authenticated: they must not displace one that did.
 */
test('attacker: forged records with the CID from 12 spoofed addresses do not stop a session following its peer', async (t) => {
  const id = pemIdentity('localhost');
  const { port, session } = await echoServer(
    { cert: id.cert, key: id.key, host: '127.0.0.1', port: 0, cid: 4, rrc: 'enhanced', rrcTimeoutMs: 1000 },
    (fn) => t.teardown(fn),
  );
  // The client's NAT: `front` faces the client, `upstream` is its mapping towards the server (replaced by a rebinding).
  const front = await bound();
  let upstream = await bound();
  const attackers = await Promise.all(Array.from({ length: 12 }, () => bound()));
  t.teardown(() => {
    for (const s of [front, upstream, ...attackers]) s.close();
  });
  let client: { address: string; port: number } | undefined;
  let flood = false;
  const forged: number[] = [];
  const toClient = (msg: Buffer): void => void (client && front.send(msg, client.port, client.address));
  upstream.on('message', toClient);
  front.on('message', (msg, from) => {
    client = from;
    upstream.send(msg, port, '127.0.0.1', () => {
      if (!flood) return;
      flood = false;
      // The genuine record is queued at the server: each forged copy follows it, its last byte (the tag's) flipped.
      for (const a of attackers) {
        const copy = Buffer.from(msg);
        copy[copy.length - 1]! ^= 0xff;
        a.send(copy, port, '127.0.0.1', () => forged.push(a.address().port));
      }
    });
  });
  const c = connect('127.0.0.1', front.address().port, { ca: [id.ca], servername: 'localhost', cid: 4 });
  t.teardown(() => c.close());
  const replies: string[] = [];
  c.onmessage = (data) => replies.push(data.toString());
  await c.opened;
  c.send('before');
  await until(() => replies.includes('echo before'));
  t.true(replies.includes('echo before'), 'the session works before the rebinding');

  const old = upstream;
  upstream = await bound();
  upstream.on('message', toClient);
  old.close();
  const newPort = upstream.address().port;
  flood = true;
  c.send('after');
  const abandoned = (): number => session()?.stats.connectionStats?.paths.abandoned ?? 0;
  await until(() => replies.includes('echo after') || abandoned() > 0, 30_000);
  t.is(forged.length, attackers.length, 'every forged record was sent');
  t.is(abandoned(), 0, 'the check did not end without moving');
  t.true(replies.includes('echo after'), 'the reply reached the client at its new port');
  t.is(session()?.remoteAddress?.port, newPort, 'the session follows the genuine rebinding');
});
