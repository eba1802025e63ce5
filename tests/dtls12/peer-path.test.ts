/**
 * The peer's path as a 1.2 server follows it with RFC 9146 CIDs (runtime/dtls12/peer-path.ts): the first datagram
 * sets it; a datagram from elsewhere moves it only when it authenticated the newest record yet (RFC 9146 §6), so a
 * replayed or copied old record from another address moves nothing; each move is counted. A client rebinds only with
 * the server's CID; a server never does (Dtls12FeatureError naming `rebind`).
 */
import test from 'ava';
import type { NegotiatedIds } from '../../runtime/shared/connection-facts.js';
import { Dtls12FeatureError } from '../../runtime/dtls12/feature-error.js';
import { PeerPath12 } from '../../runtime/dtls12/peer-path.js';

const ids = (peer: Uint8Array): NegotiatedIds => ({
  local: { current: Uint8Array.of(1, 2), active: [Uint8Array.of(1, 2)] },
  peer: { current: peer, spares: 0 },
  rrcNegotiated: false,
});

test('the first datagram sets the path; the same path or no path moves nothing', (t) => {
  const p = new PeerPath12('server');
  t.is(p.taken('198.51.100.1|4000', false), undefined);
  t.is(p.current, '198.51.100.1|4000');
  t.is(p.taken('198.51.100.1|4000', true), undefined);
  t.is(p.taken(undefined, true), undefined);
  t.is(p.current, '198.51.100.1|4000');
  t.is(p.migrations, 0);
});

test('another address moves the path only with the newest authenticated record; replays from elsewhere do not', (t) => {
  const p = new PeerPath12('server');
  p.taken('198.51.100.1|4000', true);
  // An attacker replays an old record (authenticates, not newer) from its own address: nothing moves.
  for (let i = 0; i < 10; i++) t.is(p.taken(`203.0.113.9|${5000 + i}`, false), undefined);
  t.is(p.current, '198.51.100.1|4000');
  t.deepEqual(p.taken('198.51.100.2|4001', true), { from: '198.51.100.1|4000', to: '198.51.100.2|4001' });
  t.is(p.current, '198.51.100.2|4001');
  t.deepEqual(p.taken('198.51.100.1|4000', true), { from: '198.51.100.2|4001', to: '198.51.100.1|4000' });
  t.is(p.migrations, 2);
});

test('rebind: a client with the server’s CID moves; without one, or a server, is refused by name', (t) => {
  const client = new PeerPath12('client');
  const refused = t.throws(() => client.rebind('local|1'), { instanceOf: Dtls12FeatureError });
  t.is(refused?.feature, 'rebind');
  t.regex(refused?.message ?? '', /without a connection ID from the server \(RFC 9146\)/);
  client.session = ids(new Uint8Array(0));
  t.throws(() => client.rebind('local|1'), { instanceOf: Dtls12FeatureError }, 'an empty CID is none');
  t.is(client.current, undefined);
  client.session = ids(Uint8Array.of(7, 7, 7));
  client.rebind('local|2');
  t.is(client.current, 'local|2');
  const server = new PeerPath12('server');
  server.session = ids(Uint8Array.of(7));
  t.throws(() => server.rebind('local|3'), { instanceOf: Dtls12FeatureError });
  t.is(server.current, undefined);
});
