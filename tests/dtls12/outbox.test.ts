import test from 'ava';
import { randomBytes } from 'node:crypto';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { RecordWriter } from '../../runtime/record/record-writer.js';
import { WRITE12 } from '../../runtime/record/write-form12.js';
import { Outbox12 } from '../../runtime/dtls12/outbox.js';
import { DatagramLimit } from '../../runtime/shared/datagram-limit.js';
import type { Out12 } from '../../runtime/dtls12/flight-entry.js';
import { EpochCipher12 } from '../../runtime/record/epoch-cipher12.js';
import { dtls12Suite } from '../../runtime/versions/suites12.js';

/**
 * What a 1.2 connection puts on the wire (runtime/dtls12/outbox.ts over the one record writer), on its own: a flight
 * cut into fragments and packed into datagrams that fit the limit, whose fragments give back each message; the
 * HelloVerifyRequest under the ClientHello's numbers (RFC 6347 §4.2.1); alerts in the clear until our
 * ChangeCipherSpec and sealed after; application data in records that fit a datagram; and the key's last record kept
 * for the alert (1.2 cannot rekey). Everything is staged when written and queued when sealed (`flush`, what
 * pollTransmit does through the writer's transmitReady).
 */

const suite = dtls12Suite('tls_ecdhe_ecdsa_with_aes_128_gcm_sha256')!;
const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const cipher = (): EpochCipher12 =>
  new EpochCipher12(nodeProvider, suite, { key: random(suite.keyLength), iv: random(suite.fixedIvLength) }, 1);

interface Record12 {
  readonly type: number;
  readonly epoch: number;
  readonly seq: number;
  readonly fragment: Uint8Array;
}

function records(d: Uint8Array): Record12[] {
  const out: Record12[] = [];
  for (let at = 0; at < d.length;) {
    const length = (d[at + 11]! << 8) | d[at + 12]!;
    out.push({
      type: d[at]!,
      epoch: (d[at + 3]! << 8) | d[at + 4]!,
      seq: Number(BigInt.asUintN(48, BigInt('0x' + Buffer.from(d.subarray(at + 5, at + 11)).toString('hex')))),
      fragment: d.subarray(at + 13, at + 13 + length),
    });
    at += 13 + length;
  }
  return out;
}

function writer(size = 1200, limits?: { confidentiality: number; integrity: number }) {
  const outgoing: Uint8Array[] = [];
  const counts = { handshakeMessagesSent: 0 };
  const records = new RecordWriter(WRITE12, { limits });
  const flush = (): void => void records.transmitReady();
  return { w: new Outbox12(records, new DatagramLimit(size), outgoing, counts), records, flush, outgoing, counts };
}

test('a flight: fragments that fit the limit, packed into datagrams within it, giving back each message', (t) => {
  const { w, flush, outgoing, counts } = writer(500);
  const bodies = [random(40), random(3000), random(700), random(30)];
  const flight: Out12[] = bodies.map((body, i) => ({
    kind: 'handshake',
    msgType: (['server_hello', 'certificate', 'server_key_exchange', 'server_hello_done'] as const)[i]!,
    messageSeq: 1 + i,
    body,
    epoch: 0,
  }));
  w.flights.transmit(flight);
  t.is(counts.handshakeMessagesSent, 4);
  t.is(outgoing.length, 0, 'staged: sealed and queued when a datagram is polled');
  flush();
  t.true(outgoing.length >= 8, `${outgoing.length} datagrams`);
  const rebuilt = bodies.map((b) => new Uint8Array(b.length));
  const seqs: number[] = [];
  for (const d of outgoing) {
    t.true(d.length <= 500, `a datagram of ${d.length} bytes`);
    for (const r of records(d)) {
      t.is(r.type, 22);
      t.is(r.epoch, 0);
      seqs.push(r.seq);
      const f = r.fragment;
      const messageSeq = (f[4]! << 8) | f[5]!;
      const offset = (f[6]! << 16) | (f[7]! << 8) | f[8]!;
      rebuilt[messageSeq - 1]!.set(f.subarray(12), offset);
    }
  }
  t.deepEqual(rebuilt, bodies);
  t.deepEqual(seqs, [...seqs.keys()], 'record numbers 0, 1, 2, … in order');
  t.true(
    outgoing.some((d) => records(d).length > 1),
    'small records share datagrams',
  );
});

test('a flight sent again: the same message_seq, fresh record numbers', (t) => {
  const { w, flush, outgoing, counts } = writer();
  const flight: Out12[] = [
    { kind: 'handshake', msgType: 'server_hello_done', messageSeq: 4, body: new Uint8Array(0), epoch: 0 },
  ];
  w.flights.transmit(flight);
  flush();
  w.flights.transmit(flight);
  flush();
  const [a, b] = outgoing.map((d) => records(d)[0]!);
  t.is(counts.handshakeMessagesSent, 2, 'retransmissions counted');
  t.deepEqual([a!.seq, b!.seq], [0, 1]);
  t.deepEqual([a!.fragment[5], b!.fragment[5]], [4, 4]);
});

test('a HelloVerifyRequest takes the ClientHello’s record sequence number and message_seq', (t) => {
  const { w, records: rw, flush, outgoing, counts } = writer();
  w.helloVerifyRequest(Uint8Array.of(0xfe, 0xfd, 2, 9, 9), 3, 17);
  flush();
  const [r] = records(outgoing[0]!);
  t.like(r, { type: 22, epoch: 0, seq: 17 });
  t.is(r!.fragment[0], 3, 'hello_verify_request');
  t.is(r!.fragment[5], 3);
  t.is(counts.handshakeMessagesSent, 1);
  t.is(rw.nextPlaintextSequence, 0, 'our own epoch-0 numbering is untouched');
});

test('alerts: in the clear until our ChangeCipherSpec went out, sealed under epoch 1 after', (t) => {
  const { w, flush, outgoing } = writer();
  w.writeKeys(cipher());
  w.alert('warning', 100);
  flush();
  t.like(records(outgoing[0]!)[0], { type: 21, epoch: 0 });
  t.deepEqual(records(outgoing[0]!)[0]!.fragment, Uint8Array.of(1, 100));
  w.flights.transmit([
    { kind: 'changeCipherSpec' },
    { kind: 'handshake', msgType: 'finished', messageSeq: 5, body: random(12), epoch: 1 },
  ]);
  flush();
  t.true(w.sealing);
  const flight = records(outgoing[1]!);
  t.deepEqual(
    flight.map((r) => [r.type, r.epoch]),
    [
      [20, 0],
      [22, 1],
    ],
  );
  w.alert('fatal', 40);
  flush();
  const sealed = records(outgoing[2]!)[0]!;
  t.like(sealed, { type: 21, epoch: 1, seq: 1 });
  t.is(sealed.fragment.length, 2 + suite.recordIvLength + suite.tagLength);
});

test('application data: records of at most what fits a datagram, staged, then each sealed, in order', (t) => {
  const { w, flush, outgoing } = writer();
  w.writeKeys(cipher());
  w.flights.transmit([
    { kind: 'changeCipherSpec' },
    { kind: 'handshake', msgType: 'finished', messageSeq: 5, body: random(12), epoch: 1 },
  ]);
  flush();
  outgoing.length = 0;
  t.is(w.applicationData(random(5000), 1200), undefined);
  t.is(outgoing.length, 0, 'staged: sealed when a datagram is polled');
  flush();
  const sizes = outgoing.map((d) => d.length);
  t.true(
    sizes.every((s) => s <= 1200),
    sizes.join(','),
  );
  const room = 1200 - 13 - suite.recordIvLength - suite.tagLength;
  t.is(outgoing.length, Math.ceil(5000 / room));
  t.deepEqual(
    outgoing.map((d) => records(d)[0]!.seq),
    [...outgoing.keys()].map((i) => i + 1),
  );
  w.applicationData(new Uint8Array(0), 1200);
  w.alert('warning', 0); // staged after it: sealed and queued after it, in the order numbered
  flush();
  t.is(records(outgoing.at(-2)!)[0]!.type, 23);
  t.is(records(outgoing.at(-1)!)[0]!.type, 21);
  t.is(records(outgoing.at(-2)!)[0]!.fragment.length, suite.recordIvLength + suite.tagLength, 'an empty record');
});

test('the key’s last record is kept for the alert: data that would take it is refused whole, the alert still goes', (t) => {
  const { w, flush, outgoing } = writer(1200, { confidentiality: 6, integrity: 100 });
  w.writeKeys(cipher());
  w.flights.transmit([
    { kind: 'changeCipherSpec' },
    { kind: 'handshake', msgType: 'finished', messageSeq: 5, body: random(12), epoch: 1 },
  ]);
  // Six records: Finished took 1; three of data take 3; one more of data leaves the last for the alert.
  for (let i = 0; i < 3; i++) t.is(w.applicationData(random(10), 1200), undefined);
  flush();
  const before = outgoing.length;
  t.regex(w.applicationData(random(3000), 100) ?? '', /cannot rekey/, 'its 48 records would take the last');
  flush();
  t.is(outgoing.length, before, 'none of its records staged or sealed');
  t.is(w.applicationData(random(10), 1200), undefined);
  t.regex(w.applicationData(random(10), 1200) ?? '', /may seal 1 more/);
  w.alert('fatal', 80);
  flush();
  t.like(records(outgoing.at(-1)!)[0], { type: 21, epoch: 1, seq: 5 });
});

test('a sealed message of a flight is cut so that each record, nonce and tag included, fits the limit', (t) => {
  const { w, flush, outgoing } = writer(100);
  w.writeKeys(cipher());
  w.flights.transmit([
    { kind: 'changeCipherSpec' },
    { kind: 'handshake', msgType: 'finished', messageSeq: 5, body: random(300), epoch: 1 },
  ]);
  flush();
  const sealed = outgoing.flatMap((d) => records(d)).filter((r) => r.epoch === 1);
  t.true(sealed.length >= 4, `${sealed.length} records`);
  for (const d of outgoing) t.true(d.length <= 100, `a datagram of ${d.length} bytes`);
});

test("a sentLast message: the datagrams holding it go after the rest of the flight's, each datagram as packed", (t) => {
  const flightOf = (last: boolean): Out12[] =>
    (['server_hello', 'certificate', 'server_key_exchange', 'server_hello_done'] as const).map((msgType, i) => ({
      kind: 'handshake',
      msgType,
      messageSeq: 1 + i,
      body: new Uint8Array([90, 1500, 300, 0][i]!).fill(i),
      epoch: 0,
      ...(last && i === 0 ? { sentLast: true as const } : {}),
    }));
  const firstMessage = (d: Uint8Array): number => records(d)[0]!.fragment[0]!;
  const inOrder = writer(500);
  inOrder.w.flights.transmit(flightOf(false));
  inOrder.flush();
  const held = writer(500);
  held.w.flights.transmit(flightOf(true));
  held.flush();
  t.true(inOrder.outgoing.length >= 4, `${inOrder.outgoing.length} datagrams`);
  t.is(firstMessage(inOrder.outgoing[0]!), 2, 'in order: the ServerHello (type 2) comes first');
  t.is(held.outgoing.length, inOrder.outgoing.length);
  t.is(firstMessage(held.outgoing.at(-1)!), 2, 'sentLast: its datagram (with the Certificate begun) comes last');
  const strip = (d: Uint8Array): string =>
    records(d)
      .map((r) => Buffer.from(r.fragment).toString('hex'))
      .join('|');
  t.deepEqual(
    held.outgoing.map(strip),
    [...inOrder.outgoing.slice(1), inOrder.outgoing[0]!].map(strip),
    'the same datagrams, the first moved to the end',
  );
  const one = writer(5000);
  one.w.flights.transmit(flightOf(true));
  one.flush();
  t.is(one.outgoing.length, 1, 'a flight in one datagram is as before');
});
