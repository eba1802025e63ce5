import test from 'ava';
import { handshake } from '../support/handshake.js';
import type { Link } from '../support/link.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/**
 * Issue 33 item 4: post-handshake flights use RFC 9147 §5.8.2's timer (at
 * least the 1 s initial value, doubling up to the cap) whatever round trip
 * the handshake measured. With 1.5 loopback RTTs (1 ms) a KeyUpdate spent
 * its ten retransmissions in about a second, and a 4 s outage ended the
 * session. Sans-I/O, on a scripted clock; the link's round trip is 0.4 ms.
 */

const id = makeIdentity('p256', 'server.test');
const LATENCY = 0.2;

/** A connected pair whose link drops everything while `outage.until` is ahead of its clock. */
function pairWithOutage(cid?: number): { link: Link; outage: { until: number } } {
  const outage = { until: -1 };
  const holder: { link?: Link } = {};
  const { link } = handshake(id, {
    ...(cid === undefined ? {} : { client: { cid }, server: { cid } }),
    link: { latency: LATENCY, filter: () => (holder.link?.now ?? 0) >= outage.until },
  });
  holder.link = link;
  link.run(link.now + 10_000); // tickets and ACKs: nothing left in flight
  return { link, outage };
}

test('a KeyUpdate sent into a 4 s outage is retransmitted from 1 s on, doubling, and completes when the path returns', (t) => {
  const { link, outage } = pairWithOutage();
  const start = link.now;
  outage.until = start + 4_000;
  link.client.updateKeys(true, start);
  link.run(start + 120_000);
  t.is(link.client.failure, undefined, link.client.failure?.message);
  t.is(link.server.failure, undefined, link.server.failure?.message);
  const sends = link.log.filter((e) => e.from === 'client' && e.at >= start).map((e) => e.at - start);
  t.true(sends.length >= 4, `sends at ${sends.join(', ')} ms`);
  t.is(sends[0], 0, 'the KeyUpdate goes out at once');
  t.is(sends[1], 1_000, 'first retransmission after the 1 s initial timer');
  t.is(sends[2], 3_000, 'then 2 s later');
  // Data flows after the update on both sides' new keys.
  link.client.send(new TextEncoder().encode('after the outage'));
  link.run(link.now + 10_000);
  const got = link.events.server.flatMap((e) => (e.type === 'data' ? [new TextDecoder().decode(e.data)] : []));
  t.true(got.includes('after the outage'), got.join(' | '));
  t.is(link.client.stats.flightState, 'acknowledged', 'the KeyUpdate was acknowledged');
});

test('a post-handshake flight the peer never acknowledges ends the session as timed out, naming the flight', (t) => {
  const { link, outage } = pairWithOutage(4);
  outage.until = Number.POSITIVE_INFINITY;
  link.client.requestConnectionIds(1, link.now);
  link.run(link.now + 3_600_000);
  t.true(
    link.events.client.some((e) => e.type === 'closed' && e.reason === 'timeout'),
    link.events.client.map((e) => e.type).join(', '),
  );
  t.regex(
    link.client.failure?.message ?? 'no failure',
    /timeout: the peer did not acknowledge our request_connection_id/,
  );
});
