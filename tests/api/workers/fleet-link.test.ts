import test from 'ava';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import {
  decodeLink,
  encodeLink,
  FleetLink,
  LINK_FORWARD,
  LINK_FRESHNESS_MS,
  LINK_RELAY,
  type RouteHolder,
} from '../../../runtime/api/workers/fleet-link.js';

/** The fleet link's datagram (runtime/api/workers/fleet-link.ts): what it carries, and everything it refuses, without throwing. */

const KEY = randomBytes(32);
const NOW = Date.UTC(2026, 10, 24);
const PAYLOAD = randomBytes(300);

for (const [kind, address] of [
  [LINK_FORWARD, '192.0.2.7'],
  [LINK_RELAY, '2001:db8::17'],
] as const) {
  test(`a ${kind === LINK_FORWARD ? 'forward' : 'relay'} to ${address} carries its sender, remote and payload`, (t) => {
    const d = decodeLink(
      KEY,
      encodeLink(KEY, { kind, host: 7, worker: 3, address, port: 5684 }, PAYLOAD, NOW),
      NOW + LINK_FRESHNESS_MS,
    );
    t.like(d, { kind, host: 7, worker: 3, address, port: 5684 });
    t.deepEqual(typeof d === 'string' ? d : Buffer.from(d.payload), PAYLOAD);
  });
}

const good = encodeLink(
  KEY,
  { kind: LINK_RELAY, host: 1, worker: 0, address: '198.51.100.2', port: 4433 },
  PAYLOAD,
  NOW,
);

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
  const noAddress = encodeLink(
    KEY,
    { kind: LINK_RELAY, host: 1, worker: 0, address: 'not an address', port: 4433 },
    PAYLOAD,
    NOW,
  );
  t.is(decodeLink(KEY, noAddress, NOW), 'remote', 'a tagged datagram still names a real address and port');
});

/**
 * Host 1's link (worker 0 of 1) on a real socket, fed forwards by sockets at host 2's and host 3's link addresses;
 * `authenticates` names the session a delivered forward's record authenticates at (undefined: none).
 */
async function linkOfHostOne(authenticates: () => RouteHolder | undefined): Promise<{
  link: FleetLink;
  forward: (from: 2 | 3, address: string, port: number) => Promise<void>;
  relayedTo: () => Promise<number | undefined>;
  close: () => void;
}> {
  const sockets = [createSocket('udp4'), createSocket('udp4'), createSocket('udp4')] as const;
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()))));
  const [one, two, three] = sockets;
  const config = {
    hosts: sockets.map((s, i) => ({ id: i + 1, address: '127.0.0.1', port: s.address().port })),
    key: KEY,
  };
  const link = new FleetLink(config, { host: 1, worker: 0, workers: 1 }, one, {
    sendPublic: () => {},
    deliver: authenticates,
    owns: () => true,
  });
  const forward = async (from: 2 | 3, address: string, port: number): Promise<void> => {
    const before = link.counts.fleetForwardedIn;
    const d = encodeLink(KEY, { kind: LINK_FORWARD, host: from, worker: 0, address, port }, PAYLOAD, Date.now());
    (from === 2 ? two : three).send(d, one.address().port, '127.0.0.1');
    for (let waited = 0; link.counts.fleetForwardedIn === before && waited < 5000; waited += 5)
      await new Promise((r) => setTimeout(r, 5));
  };
  // Which host a relayed answer to 192.0.2.9:5684 reaches (undefined: none within a second, i.e. not relayed).
  const relayedTo = (): Promise<number | undefined> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), 1000);
      const done = (host: number | undefined): void => {
        clearTimeout(timer);
        two.removeAllListeners('message');
        three.removeAllListeners('message');
        resolve(host);
      };
      two.once('message', () => done(2));
      three.once('message', () => done(3));
      if (!link.sendVia([new Uint8Array(10)], 1, '192.0.2.9', 5684)) done(undefined);
    });
  return { link, forward, relayedTo, close: () => (link.close(), two.close(), three.close()) };
}

test('a relay route is set and kept only by its own session\u2019s authenticated records: junk, copies and other sessions\u2019 records sent as from its address move nothing', async (t) => {
  const client = { isEnded: false };
  const other: RouteHolder = { isEnded: false };
  let authenticated: RouteHolder | undefined;
  const { link, forward, relayedTo, close } = await linkOfHostOne(() => authenticated);
  t.teardown(close);
  const X = ['192.0.2.9', 5684] as const;
  await forward(2, ...X); // junk or a copy with a real CID: nothing authenticates
  t.is(link.counts.fleetForwardedIn, 1);
  t.is(await relayedTo(), undefined, 'no route for a datagram that did not authenticate');
  authenticated = client;
  await forward(2, ...X);
  t.is(await relayedTo(), 2, "the client's own record: answered back through host 2");
  authenticated = undefined;
  await forward(3, ...X);
  t.is(await relayedTo(), 2, 'junk through host 3 leaves the route');
  authenticated = other; // another session's record, sent as from the client's address through host 3
  await forward(3, ...X);
  t.is(await relayedTo(), 2, "another session's record leaves the route");
  // Straight to this host from the client's address: answered directly while handled; the route ends only for the client's own record.
  for (const [by, ends] of [
    [undefined, false],
    [other, false],
    [client, true],
  ] as const) {
    const handled = link.direct(...X);
    if (handled === undefined) return t.fail('a relayed address');
    t.false(link.sendVia([new Uint8Array(1)], 1, ...X), 'answered directly while the datagram is handled');
    handled(by);
    t.is(
      await relayedTo(),
      ends ? undefined : 2,
      ends ? 'the client came straight: its route ends' : 'the route stays',
    );
  }
  t.is(link.direct('192.0.2.10', 5684), undefined, 'no route to move for an address never relayed');
  // Once the client's session has ended, another session may take the address.
  authenticated = client;
  await forward(2, ...X);
  client.isEnded = true;
  authenticated = other;
  await forward(3, ...X);
  t.is(await relayedTo(), 3, "an ended session's route is anyone's");
});
