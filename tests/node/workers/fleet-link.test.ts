import test from 'ava';
import { randomBytes } from 'node:crypto';
import { decodeLink, encodeLink, LINK_FORWARD, LINK_FRESHNESS_MS, LINK_RELAY } from '../../../runtime/node/dtls/workers/fleet-link.js';

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
