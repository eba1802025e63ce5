import test from 'ava';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { createThrowawayIdentity } from '../../runtime/pki/throwaway-identity.js';

/**
 * One counter set for both versions (issue 44): a 1.2 session and a 1.3
 * one report the same `stats` names, each counter moved by what happened
 * on the wire, and a client whose 1.3 offer was answered in 1.2 goes on
 * counting from the datagrams of its offer.
 */

const NOW = Date.UTC(2026, 10, 21);
const id = createThrowawayIdentity({ serverName: 'counters.test', caName: 'counters CA', at: NOW });
const serverOptions: DtlsOptions = {
  certificate: { chain: id.chain, privateKey: id.privateKey },
  wallClock: () => NOW,
  amplificationLimit: false, // an in-memory peer: tests/shared/amplification-limit.test.ts tests the limit
};
const clientOptions: DtlsOptions = { trustAnchors: [id.caDer], serverName: 'counters.test', wallClock: () => NOW };

/** Runs the handshake and one 5-byte message each way, counting the datagrams each side sent. */
function run(client: DtlsConnection, server: DtlsConnection): { fromClient: number; fromServer: number } {
  const sent = { fromClient: 0, fromServer: 0 };
  const pump = (): void => {
    for (let round = 0; round < 20; round++) {
      let moved = false;
      for (let d = client.pollTransmit(); d; d = client.pollTransmit(), moved = true, sent.fromClient++)
        server.receive(d, round);
      for (let d = server.pollTransmit(); d; d = server.pollTransmit(), moved = true, sent.fromServer++)
        client.receive(d, round);
      if (!moved) return;
    }
  };
  client.connect(0);
  pump();
  client.send(Uint8Array.of(1, 2, 3, 4, 5));
  server.send(Uint8Array.of(6, 7, 8, 9, 10));
  pump();
  return sent;
}

const COUNTERS = [
  'datagramsReceived',
  'datagramsSent',
  'recordsReceived',
  'applicationBytesSent',
  'applicationBytesReceived',
  'handshakeMessagesReceived',
  'handshakeMessagesSent',
] as const;

for (const version of ['DTLSv1.2', 'DTLSv1.3'] as const) {
  test(`${version}: every counter moves as the wire says, under the names both versions share`, (t) => {
    const server = DtlsConnection.server({ ...serverOptions, minVersion: version, maxVersion: version });
    const client = DtlsConnection.client({ ...clientOptions, minVersion: version, maxVersion: version });
    const sent = run(client, server);
    t.is(client.state, 'connected');
    t.is(client.protocolVersion, version);
    const c = client.stats;
    const s = server.stats;
    t.deepEqual(
      Object.keys(c).sort(),
      Object.keys(DtlsConnection.client(clientOptions).stats).sort(),
      'the same names as a connection not yet negotiated',
    );
    t.like(c, {
      datagramsSent: sent.fromClient,
      datagramsReceived: sent.fromServer,
      applicationBytesSent: 5,
      applicationBytesReceived: 5,
    });
    t.like(s, {
      datagramsSent: sent.fromServer,
      datagramsReceived: sent.fromClient,
      applicationBytesSent: 5,
      applicationBytesReceived: 5,
    });
    // Nothing lost: every handshake message one side sent, the other took; every datagram carried at least one record taken.
    t.true(c.handshakeMessagesSent >= 2 && s.handshakeMessagesSent >= 4);
    t.is(c.handshakeMessagesSent, s.handshakeMessagesReceived);
    t.is(s.handshakeMessagesSent, c.handshakeMessagesReceived);
    t.true(c.recordsReceived >= c.datagramsReceived);
    t.true(s.recordsReceived >= s.datagramsReceived);
    for (const k of COUNTERS) t.is(client.counters[k], c[k], `counters.${k} is stats.${k}`);
  });
}

test('a 1.3 offer answered in 1.2: the client counts its offer and what followed in one set', (t) => {
  const server = DtlsConnection.server({ ...serverOptions, maxVersion: 'DTLSv1.2' });
  const client = DtlsConnection.client(clientOptions);
  const sent = run(client, server);
  t.is(client.protocolVersion, 'DTLSv1.2');
  const c = client.stats;
  t.is(c.datagramsSent, sent.fromClient, 'the ClientHello the 1.3 state sent is counted');
  t.is(c.handshakeMessagesSent, server.stats.handshakeMessagesReceived);
  t.is(c.handshakeMessagesReceived, server.stats.handshakeMessagesSent);
});
