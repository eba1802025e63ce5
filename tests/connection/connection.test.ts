import test from 'ava';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { Dtls12FeatureError } from '../../runtime/dtls12/feature-error.js';
import { createThrowawayIdentity } from '../../runtime/pki/throwaway-identity.js';

/**
 * DtlsConnection's own surface (runtime/connection/connection.ts): the polls answered from its common state for either
 * version (the one outbound queue, the one clock, the deadlines), and what only DTLS 1.3 has called on the 1.3 state or
 * refused in 1.2 by the connection itself.
 */

const NOW = Date.UTC(2026, 10, 21);
const id = createThrowawayIdentity({ serverName: 'surface.test', caName: 'surface CA', at: NOW });
const serverOptions: DtlsOptions = {
  certificate: { chain: id.chain, privateKey: id.privateKey },
  wallClock: () => NOW,
  amplificationLimit: false, // an in-memory peer: tests/shared/amplification-limit.test.ts tests the limit
};
const clientOptions: DtlsOptions = { trustAnchors: [id.caDer], serverName: 'surface.test', wallClock: () => NOW };

type Version = 'DTLSv1.2' | 'DTLSv1.3';

function pair(version: Version, extra: DtlsOptions = {}): { client: DtlsConnection; server: DtlsConnection } {
  const only = { minVersion: version, maxVersion: version };
  return {
    client: DtlsConnection.client({ ...clientOptions, ...only, ...extra }),
    server: DtlsConnection.server({ ...serverOptions, ...only, ...extra }),
  };
}

/** Moves every datagram both ways until neither has one, at `now`; returns how many each side's pollTransmit gave. */
function pump(client: DtlsConnection, server: DtlsConnection, now: number): { client: number; server: number } {
  const polled = { client: 0, server: 0 };
  for (let moved = true; moved;) {
    moved = false;
    for (let d = client.pollTransmit(); d; d = client.pollTransmit(), polled.client++, moved = true)
      server.receive(d, now);
    for (let d = server.pollTransmit(); d; d = server.pollTransmit(), polled.server++, moved = true)
      client.receive(d, now);
  }
  return polled;
}

for (const version of ['DTLSv1.2', 'DTLSv1.3'] as const) {
  test(`${version}: what pollTransmit gives is what stats counts as sent, and nothing goes elsewhere`, (t) => {
    const { client, server } = pair(version);
    const seen: Uint8Array[] = [];
    const observed = DtlsConnection.client({
      ...clientOptions,
      minVersion: version,
      maxVersion: version,
      onDatagram: (direction, d) => {
        if (direction === 'sent') seen.push(d);
      },
    });
    observed.connect(0);
    const first = observed.pollTransmit();
    t.truthy(first, 'the ClientHello');
    t.is(observed.pollTransmit(), undefined, 'one datagram queued, one given');
    t.deepEqual(seen, [first], 'the observer saw the datagram given, once');
    t.is(observed.stats.datagramsSent, 1);

    client.connect(0);
    const polled = pump(client, server, 1);
    t.is(client.state, 'connected');
    t.is(server.state, 'connected');
    t.is(client.stats.datagramsSent, polled.client);
    t.is(server.stats.datagramsSent, polled.server);
    t.is(client.stats.datagramsReceived, polled.server);
    t.is(client.pollPathTransmit(), undefined, 'no path check without CIDs');
    t.is(client.stats.datagramsSent, polled.client);
  });

  test(`${version}: the earliest timer is the retransmission or the deadline, and an ended connection has none`, (t) => {
    const { client } = pair(version, { handshakeTimeoutMs: 500 });
    t.is(client.pollTimeout(), undefined, 'nothing started');
    client.connect(1_000);
    t.truthy(client.pollTransmit());
    const first = client.pollTimeout();
    t.truthy(first !== undefined && first > 1_000 && first <= 1_500, `a timer within the deadline (${first})`);
    // Unanswered: the ClientHello goes again when its timer fires, until the handshake deadline ends the connection.
    let now = first!;
    let resent = 0;
    for (
      let at = client.pollTimeout(), rounds = 0;
      at !== undefined && rounds < 50;
      at = client.pollTimeout(), rounds++
    ) {
      now = at;
      client.handleTimeout(now);
      while (client.pollTransmit()) resent++;
    }
    t.true(resent >= 1, 'the ClientHello was sent again');
    t.is(client.expired, 'handshake');
    t.is(client.state, 'failed');
    t.is(now, 1_500, 'ended at the handshake deadline');
    t.is(client.pollTimeout(), undefined, 'an ended connection has no timer');
    const events = [];
    for (let e = client.pollEvent(); e; e = client.pollEvent()) events.push(e.type);
    t.is(events.at(-1), 'closed');
  });

  test(`${version}: a server's handshake starts with its first datagram; later ones, and the handshake, keep that start`, (t) => {
    const { client, server } = pair(version, { handshakeTimeoutMs: 5_000 });
    client.connect(0);
    const hello = client.pollTransmit()!;
    t.is(server.pollTimeout(), undefined, 'no datagram yet: not started');
    server.receive(hello, 700);
    server.receive(hello, 2_000); // the ClientHello again, later
    let now = 2_000;
    for (let at = server.pollTimeout(); at !== undefined && server.expired === undefined; at = server.pollTimeout()) {
      while (server.pollTransmit());
      server.handleTimeout((now = at));
    }
    t.is(server.expired, 'handshake');
    t.is(now, 5_700, 'the deadline from the first datagram');

    const completed = pair(version);
    completed.client.connect(0);
    completed.server.receive(completed.client.pollTransmit()!, 700);
    pump(completed.client, completed.server, 3_000);
    t.is(completed.server.state, 'connected');
    t.is(completed.server.stats.handshakeDuration, 3_000 - 700, 'the duration from the first datagram');
  });
}

test('what only DTLS 1.3 has: called on a 1.3 session, refused by name on a 1.2 one, the session going on', (t) => {
  for (const version of ['DTLSv1.2', 'DTLSv1.3'] as const) {
    const { client, server } = pair(version);
    client.connect(0);
    pump(client, server, 1);
    t.is(client.protocolVersion, version);
    const calls = {
      updateKeys: () => client.updateKeys(false, 2),
      requestClientCertificate: () => server.requestClientCertificate(2),
      issueConnectionIds: () => server.issueConnectionIds(1, { now: 2 }),
      requestConnectionIds: () => client.requestConnectionIds(1, 2),
    };
    for (const [name, call] of Object.entries(calls)) {
      if (version === 'DTLSv1.2') {
        const e = t.throws(call, { instanceOf: Dtls12FeatureError }, name);
        t.is(e?.feature, name);
      } else {
        // 1.3 takes the call (no CIDs negotiated here: the CID calls are refused by the 1.3 state, not as 1.2).
        try {
          call();
        } catch (e) {
          t.false(e instanceof Dtls12FeatureError, `${name}: ${String(e)}`);
        }
      }
    }
    t.is(server.canHibernate, version === 'DTLSv1.3');
    if (version === 'DTLSv1.2') t.is(server.hibernate(3), undefined, 'a 1.2 session never hibernates');
    pump(client, server, 3);
    client.send(Uint8Array.of(1, 2, 3), 4);
    pump(client, server, 4);
    const data = [];
    for (let e = server.pollEvent(); e; e = server.pollEvent()) if (e.type === 'data') data.push(e.data);
    t.deepEqual(data, [Uint8Array.of(1, 2, 3)], `${version}: the session goes on`);
  }
});

test('the datagram limit is the connection’s: lowered before the version is chosen, the 1.2 flights keep it', (t) => {
  // A server doing both versions starts on its 1.3 state; a 1.2 ClientHello makes a 1.2 state, which must cut its
  // flight to what the path allowed before it existed.
  const server = DtlsConnection.server(serverOptions);
  const client = DtlsConnection.client({ ...clientOptions, maxVersion: 'DTLSv1.2' });
  t.true(server.pathMtuExceeded(548));
  client.connect(0);
  const sizes: number[] = [];
  for (let round = 0; round < 10; round++) {
    for (let d = client.pollTransmit(); d; d = client.pollTransmit()) server.receive(d, round);
    for (let d = server.pollTransmit(); d; d = server.pollTransmit()) {
      sizes.push(d.length);
      client.receive(d, round);
    }
  }
  t.is(server.protocolVersion, 'DTLSv1.2');
  t.is(client.state, 'connected');
  t.is(server.datagramLimit, 548);
  t.true(
    sizes.every((n) => n <= 548),
    `every server datagram within 548 bytes: ${sizes.join(', ')}`,
  );
});

test('send before the version is known goes to the state of that moment; after it, to the chosen state for good', (t) => {
  // A client offering 1.2 and 1.3 starts on its 1.3 state; a 1.2-only server moves it to a 1.2 state. A send refused
  // while the offer is open must not tie later sends to the 1.3 state the connection no longer speaks.
  const client = DtlsConnection.client(clientOptions);
  const server = DtlsConnection.server({ ...serverOptions, maxVersion: 'DTLSv1.2' });
  client.connect(0);
  t.throws(() => client.send(Uint8Array.of(0), 0), { message: /handshake is not complete/ });
  pump(client, server, 1);
  t.is(client.protocolVersion, 'DTLSv1.2');
  for (let n = 1; n <= 3; n++) client.send(Uint8Array.of(n), 2);
  pump(client, server, 2);
  const data = [];
  for (let e = server.pollEvent(); e; e = server.pollEvent()) if (e.type === 'data') data.push(e.data[0]);
  t.deepEqual(data, [1, 2, 3], 'each send after the choice reached the 1.2 peer, in order');
  t.is(client.stats.applicationBytesSent, 3);
});
