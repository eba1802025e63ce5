import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { frozenSessionStats } from '../../runtime/dtls13/connection-hibernation.js';
import { resolveConfig } from '../../runtime/shared/config.js';
import { roundTrip } from '../support/handshake.js';
import { Link } from '../support/link.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

/**
 * What runtime/dtls13/connection-hibernation.ts keeps of a 1.3 server connection and gives back, on real
 * connections in memory: the stats a frozen session shows without thawing are the stats of the connection that froze
 * and of the one it thaws into; a thawed connection has its datagram limit, path and last authenticated receive back.
 */

const id = makeIdentity('p256', 'hibernation.test');
const wallClock = (): number => TEST_TIME;
const config = resolveConfig('server', { certificate: { chain: id.chain, privateKey: id.privateKey } });

/** An epoch-0 DTLSPlaintext ACK record (RFC 9147 §7: never in plaintext), with no record numbers. */
const PLAINTEXT_ACK = Uint8Array.of(26, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0);

/** A handshake in memory; `lose` drops the server's datagrams with those indexes (its flight is sent again). */
function served(lose: readonly number[] = []): Link {
  // An in-memory peer: tests/shared/amplification-limit.test.ts tests the anti-amplification limit.
  const server = DtlsConnection.serverSharing(config, { wallClock, amplificationLimit: false });
  const client = DtlsConnection.client({ trustAnchors: [id.caDer], serverName: 'hibernation.test', wallClock });
  const link = new Link(client, server, { filter: (from, i) => from === 'client' || !lose.includes(i) });
  server.receive(PLAINTEXT_ACK, 0); // set aside before the ClientHello: a count the frozen form keeps
  client.connect(0);
  link.run();
  return link;
}

test('a frozen session’s stats, read without thawing, are those of the connection that froze and of the thawed one', (t) => {
  const link = served([0]);
  roundTrip(link, 'one');
  roundTrip(link, 'two');
  link.run(link.now + 1000);
  const before = link.server.stats;
  t.true(before.datagramsReceived > 0 && before.applicationBytesReceived > 0);
  t.true(before.retransmissions > 0, 'the lost flight was sent again');
  t.is(before.ignored['unauthenticated-violation'], 1, 'the plaintext ACK set aside');
  const frozen = link.server.hibernate(link.now);
  if (frozen === undefined) return t.fail('a quiet server session hibernates');
  const shown = frozenSessionStats(frozen);
  const thawed = DtlsConnection.thaw(config, { wallClock }, frozen, link.now);
  t.deepEqual(shown, thawed.stats, 'as thawed');
  const { retained: _r1, ...kept } = before;
  const { retained, ...read } = shown;
  t.deepEqual(read, kept, 'as it was');
  t.deepEqual(retained, { reassemblyBytes: 0, deferredBytes: 0, ackRecords: 0, readEpochs: retained.readEpochs });
});

test('thawed: the datagram limit, path, and last authenticated receive come back', (t) => {
  const link = served();
  t.true(link.server.pathMtuExceeded(900), 'the limit lowered');
  const limit = link.server.datagramLimit;
  t.true(limit < 1200);
  roundTrip(link, 'hello');
  link.run(link.now + 1000);
  const at = link.server.lastAuthenticatedReceive;
  t.not(at, undefined);
  const path = link.server.path;
  const frozen = link.server.hibernate(link.now + 5);
  if (frozen === undefined) return t.fail('a quiet server session hibernates');
  const thawed = DtlsConnection.thaw(config, { wallClock }, frozen, link.now + 5);
  t.is(thawed.datagramLimit, limit);
  t.is(thawed.lastAuthenticatedReceive, at);
  t.is(thawed.path, path);
  t.is(thawed.state, 'connected');
  const again = new Link(link.client, thawed);
  again.now = link.now + 5;
  t.is(roundTrip(again, 'after').atServer.at(-1), 'after to server');
  t.is(roundTrip(again, 'after').atClient.at(-1), 'after to client');
  t.true(again.events.server.every((e) => e.type !== 'closed'));
});
