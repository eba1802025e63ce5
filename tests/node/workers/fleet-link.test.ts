import test from 'ava';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { decodeLink, encodeLink, FleetLink, LINK_FORWARD, LINK_FRESHNESS_MS, LINK_RELAY } from '../../../runtime/node/dtls/workers/fleet-link.js';

/** The fleet link's datagram (runtime/node/dtls/workers/fleet-link.ts): what it carries, and everything it refuses, without throwing. */

const KEY = randomBytes(32);
const NOW = Date.UTC(2026, 10, 24);
const PAYLOAD = randomBytes(300);

for (const [kind, address] of [
  [LINK_FORWARD, '192.0.2.7'],
  [LINK_RELAY, '2001:db8::17'],
] as const) {
  test(`a ${kind === LINK_FORWARD ? 'forward' : 'relay'} to ${address} carries its sender, remote and payload`, (t) => {
    const d = decodeLink(KEY, encodeLink(KEY, { kind, host: 7, worker: 3, address, port: 5684 }, PAYLOAD, NOW), NOW + LINK_FRESHNESS_MS);
    t.like(d, { kind, host: 7, worker: 3, address, port: 5684 });
    t.deepEqual(typeof d === 'string' ? d : Buffer.from(d.payload), PAYLOAD);
  });
}

const good = encodeLink(KEY, { kind: LINK_RELAY, host: 1, worker: 0, address: '198.51.100.2', port: 4433 }, PAYLOAD, NOW);

test('any flipped bit is refused (the tag covers the header and the payload)', (t) => {
  const reasons = new Set<string>();
  for (let i = 0; i < good.length; i++)
    for (let bit = 0; bit < 8; bit++) {
      const d = Buffer.from(good);
      d[i]! ^= 1 << bit;
      const r = decodeLink(KEY, d, NOW);
      t.is(typeof r, 'string', `byte ${i} bit ${bit}`);
      reasons.add(r as string);
    }
  t.deepEqual([...reasons].sort(), ['kind', 'tag']);
});

test('every truncation, the wrong key, a stale or future time, and random bytes are refused', (t) => {
  for (let n = 0; n < good.length; n++) t.is(typeof decodeLink(KEY, good.subarray(0, n), NOW), 'string', `${n} bytes`);
  t.is(decodeLink(randomBytes(32), good, NOW), 'tag');
  t.is(decodeLink(KEY, good, NOW + LINK_FRESHNESS_MS + 1), 'stale');
  t.is(decodeLink(KEY, good, NOW - LINK_FRESHNESS_MS - 1), 'stale');
  for (let i = 0; i < 2000; i++) t.is(typeof decodeLink(KEY, randomBytes(i % 200), NOW), 'string');
  const noAddress = encodeLink(KEY, { kind: LINK_RELAY, host: 1, worker: 0, address: 'not an address', port: 4433 }, PAYLOAD, NOW);
  t.is(decodeLink(KEY, noAddress, NOW), 'remote', 'a tagged datagram still names a real address and port');
});

/** Host 1's link (worker 0 of 1) on a real socket, fed forwards by a socket at host 2's link address; `authenticates` is what delivering them yields. */
async function linkOfHostOne(
  authenticates: () => boolean,
): Promise<{ link: FleetLink; forward: (address: string, port: number) => Promise<void>; close: () => void }> {
  const sockets = [createSocket('udp4'), createSocket('udp4')] as const;
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()))));
  const [one, two] = sockets;
  const config = {
    hosts: [
      { id: 1, address: '127.0.0.1', port: one.address().port },
      { id: 2, address: '127.0.0.1', port: two.address().port },
    ],
    key: KEY,
  };
  const link = new FleetLink(config, { host: 1, worker: 0, workers: 1 }, one, { sendPublic: () => {}, deliver: authenticates, owns: () => true });
  const forward = async (address: string, port: number): Promise<void> => {
    const before = link.counts.fleetForwardedIn;
    two.send(encodeLink(KEY, { kind: LINK_FORWARD, host: 2, worker: 0, address, port }, PAYLOAD, Date.now()), one.address().port, '127.0.0.1');
    for (let waited = 0; link.counts.fleetForwardedIn === before && waited < 5000; waited += 5) await new Promise((r) => setTimeout(r, 5));
  };
  return { link, forward, close: () => (link.close(), two.close()) };
}

test('a forwarded datagram that does not authenticate at the owner sets no relay route; one that does, does, and a direct one moves it back only if it authenticates', async (t) => {
  let authenticates = false;
  const { link, forward, close } = await linkOfHostOne(() => authenticates);
  t.teardown(close);
  const answer = [new Uint8Array(10)];
  await forward('192.0.2.9', 5684);
  t.is(link.counts.fleetForwardedIn, 1);
  t.false(link.sendVia(answer, 1, '192.0.2.9', 5684), 'junk or a copy with a real CID: answers to its address are not relayed');
  t.false(link.relaying);
  authenticates = true;
  await forward('192.0.2.9', 5684);
  t.true(link.sendVia(answer, 1, '192.0.2.9', 5684), 'an authenticated one: answered back through host 2');
  // Junk forwarded from the same address now leaves the route as it was.
  authenticates = false;
  await forward('192.0.2.9', 5684);
  t.true(link.sendVia(answer, 1, '192.0.2.9', 5684), 'the route stays');
  // Straight to this host: the route goes while the datagram is handled, and comes back when it did not authenticate.
  const putBack = link.direct('192.0.2.9', 5684);
  t.false(link.sendVia(answer, 1, '192.0.2.9', 5684));
  putBack?.();
  t.true(link.sendVia(answer, 1, '192.0.2.9', 5684));
  t.is(link.direct('192.0.2.10', 5684), undefined, 'no route to move for an address never relayed');
});
