import test from 'ava';
import { handshake, roundTrip } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/**
 * Loss, duplication and reordering on a scripted clock (RFC 9147 §5.8):
 * the handshake completes and data flows whatever single datagram or pair of
 * datagrams is lost, and retransmissions happen at the RFC's times.
 */

const id = makeIdentity('p256', 'server.test');
const ok = (link: ReturnType<typeof handshake>['link']): boolean =>
  link.client.state === 'connected' && link.server.state === 'connected';
const dataFlows = (link: ReturnType<typeof handshake>['link']): boolean => {
  const r = roundTrip(link, 'x');
  return r.atServer.includes('x to server') && r.atClient.includes('x to client');
};

/** The datagrams of a lossless handshake, by direction: the ones worth dropping. */
const baseline = handshake(id).link.log;
const positions = (['client', 'server'] as const).flatMap((from) =>
  baseline.filter((l) => l.from === from).map((l) => ({ from, index: l.index })),
);

test('the lossless handshake is one round trip plus the final flight and its ACK', (t) => {
  t.true(positions.length >= 4);
  t.is(baseline[0]?.from, 'client');
});

test('any single datagram of the handshake can be lost', (t) => {
  for (const p of positions) {
    const { link } = handshake(id, { link: { filter: (from, index) => !(from === p.from && index === p.index) } });
    t.true(
      ok(link),
      `dropping ${p.from} #${p.index}: ${link.client.failure?.message ?? link.server.failure?.message ?? `${link.client.state}/${link.server.state}`}`,
    );
    t.true(dataFlows(link), `data after dropping ${p.from} #${p.index}`);
  }
});

test('any pair of datagrams of the handshake can be lost', (t) => {
  let pairs = 0;
  for (let i = 0; i < positions.length; i++) {
    for (let j = i + 1; j < positions.length; j++) {
      const a = positions[i]!;
      const b = positions[j]!;
      const { link } = handshake(id, {
        link: {
          filter: (from, index) => !((from === a.from && index === a.index) || (from === b.from && index === b.index)),
        },
      });
      t.true(ok(link) && dataFlows(link), `dropping ${a.from} #${a.index} and ${b.from} #${b.index}`);
      pairs++;
    }
  }
  t.true(pairs >= 6);
});

test('a lost ClientHello is retransmitted after 1 s, then after 2 s more (doubling), in simulated time', (t) => {
  const { link } = handshake(id, { link: { filter: (from, index) => !(from === 'client' && index <= 1) } });
  t.true(ok(link));
  t.deepEqual(
    link.log
      .filter((l) => l.from === 'client')
      .slice(0, 3)
      .map((l) => l.at),
    [0, 1000, 3000],
  );
});

test('every datagram delivered twice: the handshake completes and data is delivered once', (t) => {
  const { link } = handshake(id, { link: { copies: () => 2 } });
  t.true(ok(link));
  const r = roundTrip(link, 'dup');
  t.true(r.atServer.filter((m) => m === 'dup to server').length === 1, JSON.stringify(r));
  t.true(link.client.stats.drops.replay + link.server.stats.drops.replay > 0);
});

test('reordered datagrams (each direction reversed within a flight) still complete the handshake', (t) => {
  const { link } = handshake(id, { link: { delay: (_from, index) => (index % 2 === 0 ? 5 : 0), latency: 10 } });
  t.true(ok(link), link.client.failure?.message ?? link.server.failure?.message ?? '');
  t.true(dataFlows(link));
});

test('a server that never answers makes the client give up after the retransmission limit, with the same error on every call', (t) => {
  const { link } = handshake(id, {
    link: { filter: (from) => from === 'server' && false },
    client: { retransmission: { maxRetransmissions: 3 } },
  });
  t.is(link.client.state, 'failed');
  t.regex(link.client.failure?.message ?? '', /timeout/);
  t.deepEqual(
    link.log.filter((l) => l.from === 'client' && l.bytes > 100).map((l) => l.at),
    [0, 1000, 3000, 7000],
  );
  t.throws(() => link.client.send(new Uint8Array(1)), { message: /failed/ });
});

test('small datagrams: messages are fragmented to fit, reassembled, and a lost fragment is ACKed around and resent alone', (t) => {
  const rsa = makeIdentity('rsa2048', 'server.test');
  const mtu = { maxDatagramSize: 300 };
  const serverMtu = { ...mtu, tickets: 0 }; // the handshake's datagrams only, no NewSessionTicket flight after it
  const clean = handshake(rsa, { client: mtu, server: serverMtu });
  t.true(ok(clean.link));
  t.true(clean.link.log.every((l) => l.bytes <= 300));
  const firstServer = clean.link.log.find((l) => l.from === 'server')!;
  const serverDatagrams = clean.link.log.filter((l) => l.from === 'server' && l.at === firstServer.at).length;
  t.true(serverDatagrams > 4, `the server's flight took ${serverDatagrams} datagrams`);
  // Lose the third datagram of the server's flight: the client ACKs what came, the server resends less than the whole flight.
  const lossy = handshake(rsa, {
    client: mtu,
    server: serverMtu,
    link: { filter: (from, index) => !(from === 'server' && index === 2) },
  });
  t.true(ok(lossy.link));
  const after = lossy.link.log.filter((l) => l.from === 'server' && l.index >= serverDatagrams);
  t.is(
    lossy.link.log.filter((l) => l.from === 'client').length,
    3,
    'ClientHello, one ACK of the partial flight, the final flight',
  );
  // The missing fragment and the final ACK: far less than the flight again.
  t.true(after.length <= 2, `${after.length} server datagrams after the first flight of ${serverDatagrams}`);
  t.is(
    after[0]?.at,
    80,
    'resent as soon as the ACK arrived (flight at 10 ms, ACK sent at 60 + 10 ms delay, resent at 70 + 10), not after the 1 s timer',
  );
  t.true(dataFlows(lossy.link));
});

test('a retransmitted flight goes out in fresh records (new record numbers, same message_seq)', (t) => {
  const { link } = handshake(id, { link: { filter: (from, index) => !(from === 'client' && index === 0) } });
  t.true(ok(link));
  const sent = link.log.filter((l) => l.from === 'client').slice(0, 2);
  t.deepEqual(
    sent.map((l) => l.at),
    [0, 1000],
  );
});
