/**
 * A listener's ClientHello in fragments before its version is chosen (runtime/connection/client-hello-fragments.ts):
 * fragments in any order make one whole ClientHello record; a whole one passes as it came; fragments that
 * contradict each other (the entry is dropped), claim too much, come from another address or are malformed are dropped or held apart,
 * and a flood of first fragments stays within the cache's bounds. Nothing a peer sends throws.
 */
import test from 'ava';
import { encodeDtlsHandshake, encodeDtlsPlaintext } from '../../generated/wire/index.js';
import { ClientHelloFragments } from '../../runtime/connection/client-hello-fragments.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';

const body = new Uint8Array(1000).map((_, i) => (i * 7) & 0xff);

/** One datagram: a ClientHello fragment [offset, offset + length) of `of` in a plaintext record `seq`. */
function fragment(
  offset: number,
  length: number,
  seq = 0,
  of = body,
  msgType = 'client_hello' as const,
  legacyRecordVersion: 'dtls1_0' | 'dtls1_2' = 'dtls1_2',
): Uint8Array {
  const handshake = encodeDtlsHandshake({
    msgType,
    length: of.length,
    messageSeq: 0,
    fragmentOffset: offset,
    fragment: of.subarray(offset, offset + length),
  });
  return encodeDtlsPlaintext({
    type: 'handshake',
    legacyRecordVersion,
    epoch: 0,
    sequenceNumber: seq,
    fragment: handshake,
  });
}

/** The ClientHello body a 'whole' outcome carries. */
function bodyOf(datagram: Uint8Array): Uint8Array {
  const [rec] = decodeDatagram(datagram);
  if (rec?.kind !== 'plaintext') throw new Error('not a plaintext record');
  return rec.record.fragment.subarray(12);
}

test('a whole ClientHello passes as the same datagram', (t) => {
  const d = fragment(0, body.length);
  const out = new ClientHelloFragments().take(d, 'a', 0);
  t.is(out.kind, 'whole');
  t.is(out.kind === 'whole' ? out.datagram : undefined, d);
});

test('fragments out of order, with a duplicate, make the whole body; the last record number is kept', (t) => {
  const f = new ClientHelloFragments();
  t.is(f.take(fragment(600, 400, 2), 'a', 0).kind, 'buffered');
  t.is(f.take(fragment(0, 300, 0), 'a', 1).kind, 'buffered');
  t.is(f.take(fragment(0, 300, 0), 'a', 2).kind, 'buffered', 'a retransmitted fragment changes nothing');
  t.is(f.pending.count, 1);
  const out = f.take(fragment(300, 300, 1), 'a', 3);
  if (out.kind !== 'whole') return t.fail(out.kind);
  t.deepEqual(bodyOf(out.datagram), body);
  const [rec] = decodeDatagram(out.datagram);
  t.is(rec?.kind === 'plaintext' ? rec.record.sequenceNumber : -1, 2);
  t.is(f.pending.count, 0, 'the completed one is forgotten');
});

test('the rebuilt record keeps the record version the client used (DTLS 1.0 in a 1.2 ClientHello, RFC 6347 §4.1)', (t) => {
  const f = new ClientHelloFragments();
  f.take(fragment(0, 500, 0, body, 'client_hello', 'dtls1_0'), 'a', 0);
  const out = f.take(fragment(500, 500, 1, body, 'client_hello', 'dtls1_0'), 'a', 1);
  if (out.kind !== 'whole') return t.fail(out.kind);
  const [rec] = decodeDatagram(out.datagram);
  t.is(rec?.kind === 'plaintext' ? rec.record.legacyRecordVersion : undefined, 'dtls1_0');
});

test('fragments from another address are kept apart: a spoofed piece completes nobody else', (t) => {
  const f = new ClientHelloFragments();
  f.take(fragment(0, 500), 'a', 0);
  t.is(f.take(fragment(500, 500), 'b', 0).kind, 'buffered');
  t.is(f.pending.count, 2);
});

test('a fragment contradicting bytes already held drops the entry; the retransmitted flight completes it', (t) => {
  const f = new ClientHelloFragments();
  f.take(fragment(0, 600), 'a', 0);
  const forgedBody = body.slice();
  forgedBody[550]! ^= 0xff;
  t.is(f.take(fragment(500, 500, 1, forgedBody), 'a', 1).kind, 'drop');
  t.is(f.pending.count, 0, 'nothing of the disagreeing entry is kept');
  t.is(f.take(fragment(500, 500, 1), 'a', 2).kind, 'buffered', 'the rest alone is not the message');
  const out = f.take(fragment(0, 600, 2), 'a', 3);
  t.is(out.kind, 'whole');
  if (out.kind === 'whole') t.deepEqual(bodyOf(out.datagram), body);
});

test('a ClientHello claiming more than maxClientHelloLength is dropped; nothing is held for it', (t) => {
  const f = new ClientHelloFragments({ maxClientHelloLength: 999 });
  t.is(f.take(fragment(0, 100), 'a', 0).kind, 'drop');
  t.is(f.pending.count, 0);
});

test('a flood of first fragments from many addresses stays at maxPendingClientHellos, the oldest evicted', (t) => {
  const f = new ClientHelloFragments({ maxPendingClientHellos: 16 });
  for (let i = 0; i < 1000; i++) f.take(fragment(0, 100), `host-${i}`, 0);
  t.is(f.pending.count, 16);
  t.is(f.pending.evicted, 1000 - 16);
  t.true(f.pending.bytes <= 16 * (body.length + body.length / 8 + 1));
});

test('held fragments expire after pendingClientHelloMs', (t) => {
  const f = new ClientHelloFragments({ pendingClientHelloMs: 1000 });
  f.take(fragment(0, 500), 'a', 0);
  const out = f.take(fragment(500, 500), 'a', 5000);
  t.not(out.kind, 'whole', 'the first half was forgotten: the second alone is not the message');
});

test('no ClientHello, malformed records, truncations and junk are dropped with a reason, never thrown', (t) => {
  const f = new ClientHelloFragments();
  const server = fragment(0, 100, 0, body, 'server_hello' as never);
  const out = f.take(server, 'a', 0);
  t.deepEqual(out, { kind: 'drop', reason: 'no ClientHello in the datagram' });
  const d = fragment(0, 400);
  for (let n = 0; n < d.length; n += 7) {
    const r = f.take(d.subarray(0, n), 'a', 0);
    t.is(r.kind, 'drop', `${n} bytes`);
  }
  for (let i = 0; i < 2000; i++) {
    const junk = new Uint8Array(i % 64).map(() => (Math.random() * 256) | 0);
    t.notThrows(() => f.take(junk, 'junk', 0));
  }
});
