/**
 * runtime/node/peer-paths.ts: path names of UDP addresses, and PeerPaths: the addresses a peer's datagrams came from
 * (at most 8, the peer's own never the one forgotten in a burst from others), and the sockets a client rebound away
 * from (at most 2 kept, each closed after its grace once a newer record authenticated over the new socket). Real
 * sockets.
 */
import test from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { addressOfPath, pathOf, PeerPaths } from '../../runtime/node/peer-paths.js';
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
    paths.cameFrom(pathOf(from), from, remote);
    if (i % 5 === 4) paths.cameFrom(pathOf(remote), remote, remote); // the peer's own datagrams keep coming
  }
  t.true(paths.tracksAddresses);
  t.deepEqual(paths.addressOf(pathOf(remote)), remote, "the peer's own address kept");
  t.is(paths.addressOf('198.51.100.1|1000'), undefined, 'the oldest others forgotten');
  t.deepEqual(paths.addressOf('198.51.100.1|1049'), { address: '198.51.100.1', port: 1049 });
  let kept = 0;
  for (let i = 0; i < 50; i++) if (paths.addressOf(`198.51.100.1|${1000 + i}`) !== undefined) kept++;
  t.is(kept, 7, '8 in all, the peer included');
  // A path seen again moves to the newest place.
  const early = { address: '198.51.100.1', port: 1043 };
  paths.cameFrom(pathOf(early), early, remote);
  for (let i = 0; i < 6; i++) {
    const from = { address: '203.0.113.1', port: i + 1 };
    paths.cameFrom(pathOf(from), from, remote);
  }
  t.deepEqual(paths.addressOf(pathOf(early)), early);
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
