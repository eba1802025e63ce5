import test from 'ava';
import { newConnectionCounters } from '../../runtime/shared/connection-api.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { resolveConfig12 } from '../../runtime/dtls12/config.js';
import { Flights12 } from '../../runtime/dtls12/flights.js';
import { sendAlert12, switchReadEpoch12, type HandshakeParts12 } from '../../runtime/dtls12/handshake-parts.js';
import { RecordPath12 } from '../../runtime/dtls12/record-path.js';
import { RecordWriter } from '../../runtime/record/record-writer.js';
import { WRITE12 } from '../../runtime/record/write-form12.js';
import { Outbox12 } from '../../runtime/dtls12/outbox.js';
import { DatagramLimit } from '../../runtime/shared/datagram-limit.js';
import type { EpochCipher12 } from '../../runtime/record/epoch-cipher12.js';
import { ManualClock } from '../../runtime/handshake/manual-clock.js';
import { decodeDatagram12 } from '../../runtime/record/datagram12.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { state12Of } from '../support/inside12.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump, type Pair12 } from './pair12.js';

/**
 * What the 1.2 handshake steps act on (runtime/dtls12/handshake-parts.ts), by its three functions: the CIDs the
 * hellos settled on the records both ways at once and datagrams then read whole (driven by a real 1.2 pair in memory,
 * one with junk after a genuine record); our alert on the wire and reported as sent; and a ChangeCipherSpec before any
 * read key refused by name (on parts made of the connection's own objects: the record rules set such a record aside
 * before it gets here). Each case fails under the one-line mutation its comment names.
 */

const NOW = Date.UTC(2026, 10, 27);
const id = makeIdentity('p256', 'parts12.test', { at: NOW });
const certificate = { chain: id.chain, privateKey: id.privateKey };
const fixed = (byte: number) => (length: number) => new Uint8Array(length).fill(byte);
const hex = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');

function cidPair(): Pair12 {
  return pair12(
    DtlsConnection.client({
      maxVersion: 'DTLSv1.2',
      trustAnchors: [id.caDer],
      serverName: 'parts12.test',
      wallClock: () => NOW,
      cid: { length: 4, generate: fixed(0xc1) },
    }),
    DtlsConnection.server({
      maxVersion: 'DTLSv1.2',
      certificate,
      wallClock: () => NOW,
      sessionTickets12: false,
      cid: { length: 6, generate: fixed(0x5e) },
    }),
  );
}

const data = (events: readonly ConnectionEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'data' ? [new TextDecoder().decode(e.data)] : []));

test('settleCids12: from the hellos on, each side’s protected records carry the other’s CID at its length', (t) => {
  // Mutations: epoch 1's write cipher made without the peer's CID (keys.ts: records cut as if they carried no CID: past
  // the datagram size); `c.reads.cidLength = negotiated.cids?.local.length ?? 0` made `= 0` (records
  // carrying ours are not read).
  const p = cidPair();
  const seen: string[] = [];
  p.client.connect(0);
  pump(p, (from, d) => {
    const cidLength = from === 'client' ? 6 : 4;
    for (const w of decodeDatagram12(d, { cidLength }))
      if (w.record.epoch > 0) seen.push(`${from} ${w.kind === 'cid' ? hex(w.record.cid) : 'plain'}`);
    return d;
  });
  t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
  t.is(p.server.state, 'connected', JSON.stringify(p.server.failure));
  t.deepEqual([...new Set(seen)].sort(), ['client 5e5e5e5e5e5e', 'server c1c1c1c1']);
  // The CID counted in what a record may carry: application data larger than a datagram fills each one exactly.
  p.client.send(new Uint8Array(5000).fill(0x61));
  const sizes: number[] = [];
  for (let d = p.client.pollTransmit(); d !== undefined; d = p.client.pollTransmit()) sizes.push(d.length);
  t.true(sizes.length > 1);
  t.is(Math.max(...sizes), state12Of(p.client).config.base.maxDatagramSize);
});

test('settleCids12: once the hellos settled, a datagram with junk after a genuine record is dropped whole', (t) => {
  // Mutation: `c.reads.wholeDatagrams = true` made `= false`: the genuine record before the junk is read.
  const p = cidPair();
  p.client.connect(0);
  pump(p);
  t.is(p.server.state, 'connected', JSON.stringify(p.server.failure));
  p.client.send(new TextEncoder().encode('genuine'));
  const record = p.client.pollTransmit()!;
  const dropsBefore = Object.values(p.server.stats.drops).reduce((a, b) => a + b, 0);
  p.server.receive(Uint8Array.of(...record, 0x17, 0xfe, 0xfd, 0x00), p.now);
  pump(p);
  t.deepEqual(data(p.events.server), [], 'nothing of that datagram read');
  t.true(Object.values(p.server.stats.drops).reduce((a, b) => a + b, 0) > dropsBefore, 'dropped and counted');
  p.server.receive(record, p.now); // the same record alone, never read before: taken
  pump(p);
  t.deepEqual(data(p.events.server), ['genuine']);
});

/** Parts made of the objects a connection makes them of, on a state of their own. */
function parts(): {
  parts: HandshakeParts12;
  writer: RecordWriter<EpochCipher12>;
  outgoing: Uint8Array[];
  events: ConnectionEvent[];
} {
  const config = resolveConfig12('client', { trustAnchors: [id.caDer], serverName: 'parts12.test' });
  const outgoing: Uint8Array[] = [];
  const events: ConnectionEvent[] = [];
  const counts = newConnectionCounters();
  const writer = new RecordWriter(WRITE12, { limits: config.base.aeadLimits });
  const outbox = new Outbox12(writer, new DatagramLimit(1200), outgoing, counts);
  const reads = new RecordPath12(config.base.limits, config.base.replayWindow, undefined, () => {}).state;
  const flights = new Flights12(
    (m) => outbox.flights.transmit(m),
    new ManualClock(0),
    config.base.retransmission,
    () => {},
  );
  return {
    parts: { config, flights, outbox, reads, events },
    writer,
    outgoing,
    events,
  };
}

test('sendAlert12: one plaintext alert record with its level and description, reported as sent', (t) => {
  // Mutations: `c.events.alert(level, description, true)` made `false` (reported as received); the writer's call given
  // `alertDescriptionToNumber('close_notify')` (another description on the wire).
  const { parts: c, writer, outgoing, events } = parts();
  sendAlert12(c, 'fatal', 'bad_certificate');
  t.is(outgoing.length, 0, 'staged: sealed and queued when a datagram is polled');
  writer.transmitReady();
  t.is(outgoing.length, 1);
  const records = decodeDatagram12(outgoing[0]!).flatMap((w) => (w.kind === 'record' ? [w.record] : []));
  t.deepEqual(
    records.map((r) => [r.type, r.epoch, ...r.fragment]),
    [['alert', 0, 2, 42]],
  );
  t.deepEqual(events, [{ type: 'alert', level: 'fatal', description: 'bad_certificate', sent: true }]);
});

test('switchReadEpoch12: a ChangeCipherSpec before the read keys is refused by name, nothing switched', (t) => {
  // Mutation: `if (!c.reads.install()) throw ...` made `c.reads.install()`: the switch with no keys goes unnoticed.
  const { parts: c } = parts();
  t.throws(() => switchReadEpoch12(c), { message: /ChangeCipherSpec before the read keys/ });
  t.false(c.reads.switched);
});
