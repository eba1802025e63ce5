import test from 'ava';
import { resolveConfig } from '../../runtime/shared/config.js';
import { Dtls13Connection } from '../../runtime/dtls13/connection.js';
import type { RecordLayer } from '../../runtime/record/record-layer.js';
import { ConnectionStateError, DtlsConnection } from '../../runtime/connection/connection.js';
import { RecordLayerError } from '../../runtime/record/record-writer.js';
import { Link } from '../support/link.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

/**
 * The sends between two pollTransmit calls are one burst: numbered as they
 * are sent, sealed together (RecordLayer.writer.stage), one record and one datagram
 * each. The write key's usage counts a record when it is numbered, so the
 * send that takes the key past RFC 9147 §4.5.3's KeyUpdate point starts the
 * KeyUpdate there, in the middle of a burst, as one seal per send did.
 */

const id = makeIdentity('p256', 'server.test');
const wallClock = (): number => TEST_TIME;
/** The KeyUpdate point is 3/4 of it: 30 records. */
const LIMITS = { confidentiality: 40, integrity: 1000 };

function linked(): { link: Link; server: DtlsConnection; client: DtlsConnection } {
  const serverOptions = { certificate: { chain: id.chain, privateKey: id.privateKey }, wallClock };
  const server = DtlsConnection.serverSharing(
    { ...resolveConfig('server', serverOptions), aeadLimits: LIMITS },
    serverOptions,
  );
  const client = DtlsConnection.client({ trustAnchors: [id.caDer], serverName: 'server.test', wallClock });
  const link = new Link(client, server);
  client.connect(0);
  link.run();
  return { link, server, client };
}

const received = (link: Link): number[] =>
  link.events.client.flatMap((e) => (e.type === 'data' ? [e.data[0]! * 256 + e.data[1]!] : []));

test('bursts crossing the write key usage limit start the KeyUpdate at the send that crosses it, and every message arrives once, in order', (t) => {
  const { link, server } = linked();
  t.is(server.state, 'connected');
  const state = server.versionState;
  t.true(state instanceof Dtls13Connection, 'the 1.3 state');
  const records = (state as unknown as { readonly context: { readonly records: RecordLayer } }).context.records;
  const BURST = 8;
  let next = 0;
  let startedInBurst = 0;
  for (let burst = 0; burst < 12; burst++) {
    const before = server.counters.handshakeMessagesSent;
    const used = records.usage().write!.used;
    const crossing = used < 30 && used + BURST >= 30;
    for (let i = 0; i < BURST; i++)
      server.send(Uint8Array.of(next >> 8, next++ & 0xff, ...new Uint8Array(100)), link.now);
    if (crossing) {
      t.is(server.counters.handshakeMessagesSent, before + 1, `burst ${burst}: the KeyUpdate started within it`);
      // The send that took the key to 30 records started it: the sends up to it were sealed ahead of the KeyUpdate.
      t.is(records.writer.stagedCount, BURST - (30 - used), `burst ${burst}: staged after the KeyUpdate`);
      startedInBurst++;
    } else {
      t.is(server.counters.handshakeMessagesSent, before);
      t.is(records.writer.stagedCount, BURST, 'the burst waits for pollTransmit, all of it');
    }
    link.run(link.now + 1000);
  }
  t.true(startedInBurst >= 2, `KeyUpdates started inside a burst: ${startedInBurst}`);
  t.true(records.writer.writeEpoch! >= 5, `write epoch ${records.writer.writeEpoch}`);
  t.deepEqual(
    received(link),
    Array.from({ length: next }, (_, i) => i),
  );
  t.is(server.failure, undefined);
  t.is(link.client.stats.drops.authentication, 0);
});

test('a burst is sealed before what follows it: close() after sends puts the data ahead of close_notify', (t) => {
  const { link, server, client } = linked();
  for (let i = 0; i < 5; i++) server.send(Uint8Array.of(0, i), link.now);
  server.close();
  link.run(link.now + 1000);
  t.deepEqual(received(link), [0, 1, 2, 3, 4]);
  t.is(client.state, 'closed');
  t.true(link.events.client.some((e) => e.type === 'closed'));
});

// A key at its limit protects nothing more (RFC 9147 §4.5.3). An application that outruns the KeyUpdate gets the
// connection's state error (a SessionStateError at the node layer), not the record layer's; once acknowledged, it goes on.
test('a send past the write key usage limit, before the KeyUpdate is acknowledged, is a ConnectionStateError; afterwards it goes through', (t) => {
  const { link, server } = linked();
  t.is(server.state, 'connected');
  let sent = 0;
  let refusal: unknown;
  for (let i = 0; i < 100 && refusal === undefined; i++) {
    try {
      server.send(Uint8Array.of(i), link.now);
      sent++;
    } catch (e) {
      refusal = e;
    }
  }
  t.true(refusal instanceof ConnectionStateError, `refused with ${String(refusal)}`);
  t.false(refusal instanceof RecordLayerError);
  t.regex((refusal as Error).message, /usage limit/);
  t.true(sent < 40, `${sent} sends before the refusal`);
  t.is(server.state, 'connected', 'the refusal does not end the connection');
  link.run(link.now + 1000);
  t.notThrows(() => server.send(Uint8Array.of(200), link.now));
  link.run(link.now + 1000);
  const data = link.events.client.flatMap((e) => (e.type === 'data' ? [e.data[0]!] : []));
  t.deepEqual(data, [...Array.from({ length: sent }, (_, i) => i), 200], 'every accepted send arrived once, in order');
});
