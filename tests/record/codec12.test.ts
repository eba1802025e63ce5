import test from 'ava';
import { concatBytes } from '../../runtime/wire/bytes.js';
import { CODEC12, handshakeRecord12, Header12, readHeader12 } from '../../runtime/record/codec12.js';
import { decodeDatagram12 } from '../../runtime/record/datagram12.js';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { LONGEST_CLIENT_HELLO_12 } from '../../runtime/connection/hello-phase.js';
import { Reader } from '../../runtime/wire/reader.js';
import { EpochCipher12 } from '../../runtime/record/epoch-cipher12.js';
import { ReadEpoch12 } from '../../runtime/record/epochs12.js';
import { RecordWriter } from '../../runtime/record/record-writer.js';
import { WRITE12 } from '../../runtime/record/write-form12.js';
import type { AeadLimits } from '../../runtime/record/limits.js';
import { IntegrityMonitor } from '../../runtime/record/integrity-monitor.js';
import { framed } from '../../runtime/record/record-codec.js';
import { DTLS12_CIPHER_SUITES } from '../../runtime/versions/suites12.js';
import { PROVIDERS } from '../support/providers.js';

/** The DTLS 1.2 record codec (runtime/record/codec12.ts): headers read in place, framing, the read and write epochs. */

const provider = PROVIDERS[0]!;
const suite = DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_128_gcm_sha256;
const keys = { key: new Uint8Array(16).fill(7), iv: new Uint8Array(4).fill(8) };
const cid = Uint8Array.of(0xc1, 0xd0, 0xc2, 0xd3);

function reader(options: { cid?: Uint8Array } = {}): ReadEpoch12 {
  return new ReadEpoch12(new EpochCipher12(provider, suite, keys, 1, options), new IntegrityMonitor(1_000_000, 0));
}

test('readHeader12 reads every field of a sealed record in place, at any offset', (t) => {
  const record = new EpochCipher12(provider, suite, keys, 1).seal(22, 2 ** 40 + 5, Uint8Array.of(1, 2, 3));
  const d = concatBytes([Uint8Array.of(9, 9, 9), record]);
  const h = new Header12();
  t.true(readHeader12(d, 3, 0, h));
  t.like(h, { at: 3, type: 22, contentType: 22, version: 0xfefd, epoch: 1, sequenceNumber: 2 ** 40 + 5, cidLength: 0 });
  t.is(h.fragmentAt, 3 + 13);
  t.is(h.fragmentLength, record.length - 13);
  t.is(h.end, d.length);
});

test('readHeader12 refuses what does not frame: truncated header, length past the datagram or over 2^14 + 2048, unknown type, tls12_cid without a CID', (t) => {
  const record = new EpochCipher12(provider, suite, keys, 1).seal(23, 1, new Uint8Array(10));
  const h = new Header12();
  t.false(readHeader12(record.subarray(0, 12), 0, 0, h), 'truncated header');
  t.false(readHeader12(record.subarray(0, record.length - 1), 0, 0, h), 'length past the end');
  const long = new Uint8Array(13 + 18433);
  long.set(record.subarray(0, 11));
  long[11] = 18433 >>> 8;
  long[12] = 18433 & 0xff;
  t.false(readHeader12(long, 0, 0, h), 'length over 2^14 + 2048');
  const unknown = record.slice();
  unknown[0] = 24; // heartbeat: not taken
  t.false(readHeader12(unknown, 0, 0, h), 'unknown content type');
  const withCid = new EpochCipher12(provider, suite, keys, 1, { cid }).seal(23, 1, new Uint8Array(10));
  t.false(readHeader12(withCid, 0, 0, h), 'tls12_cid while no CID was negotiated');
  t.true(readHeader12(withCid, 0, cid.length, h));
  t.is(h.type, 25);
  t.is(h.cidLength, cid.length);
  t.is(h.fragmentAt, 13 + cid.length);
});

test('framed over CODEC12: all of a datagram frames or nothing does; past the cap it says where the records read end', (t) => {
  const w = new EpochCipher12(provider, suite, keys, 1);
  const records = [0, 1, 2].map((i) => w.seal(23, i, Uint8Array.of(i)));
  const d = concatBytes(records);
  const h = new Header12();
  t.is(framed(CODEC12, d, 0, 128, h), d.length);
  t.is(framed(CODEC12, d, 0, 2, h), records[0]!.length + records[1]!.length);
  t.is(framed(CODEC12, concatBytes([d, Uint8Array.of(23, 0xfe)]), 0, 128, h), undefined, 'a trailing partial header');
  t.is(framed(CODEC12, new Uint8Array(0), 0, 128, h), 0);
});

/** The one record writer over 1.2's form with `cipher` as its write epoch, numbering from `first`. */
function writer12(cipher: EpochCipher12, first = 0, limits?: AeadLimits): RecordWriter<EpochCipher12> {
  const w = new RecordWriter(WRITE12, { limits });
  w.install(cipher, first);
  return w;
}

test('ReadEpoch12: a record opens once; a replay, a record left of the window and another epoch are refused before opening', (t) => {
  const w = writer12(new EpochCipher12(provider, suite, keys, 1));
  const r = reader();
  const first = w.seal(23, Uint8Array.of(42)).bytes;
  const opened = r.receive(first, 0);
  t.true(opened.ok && opened.content[0] === 42 && opened.type === 23);
  t.deepEqual(r.receive(first, 0), { ok: false, reason: 'replay' });
  const later = new EpochCipher12(provider, suite, keys, 1);
  t.true(r.receive(later.seal(23, 200, Uint8Array.of(1)), 0).ok);
  t.deepEqual(r.receive(later.seal(23, 100, Uint8Array.of(1)), 0), { ok: false, reason: 'too-old' });
  const epoch2 = new EpochCipher12(provider, suite, keys, 2).seal(23, 201, Uint8Array.of(1));
  t.deepEqual(r.receive(epoch2, 0), { ok: false, reason: 'unknown-epoch' });
  t.is(r.highest, 200);
});

test('ReadEpoch12: a forged tag, a bad version, a truncated fragment and a partial record are refused and move nothing', (t) => {
  const w = new EpochCipher12(provider, suite, keys, 1);
  const r = reader();
  const forged = w.seal(23, 9, Uint8Array.of(1, 2, 3));
  forged[forged.length - 1]! ^= 1;
  t.deepEqual(r.receive(forged, 0), { ok: false, reason: 'authentication' });
  t.is(r.highest, -1, 'a forgery does not move the window');
  t.is(r.cipher.failed, 1);
  const version = w.seal(23, 10, Uint8Array.of(1));
  version[2] = 0xff;
  t.deepEqual(r.receive(version, 0), { ok: false, reason: 'malformed' });
  // A fragment shorter than the explicit nonce and the tag.
  const short = w
    .seal(23, 11, new Uint8Array(0))
    .subarray(0, 13 + 8 + 15)
    .slice();
  short[12] = 8 + 15;
  t.deepEqual(r.receive(short, 0), { ok: false, reason: 'too-short' });
  const record = w.seal(23, 12, Uint8Array.of(5));
  t.deepEqual(r.receive(record.subarray(0, record.length - 1), 0), { ok: false, reason: 'malformed' });
  // The genuine record 9 still opens.
  t.true(r.receive(w.seal(23, 9, Uint8Array.of(1, 2, 3)), 0).ok);
});

test('ReadEpoch12: tls12_cid records open in place with their inner type; a CID not ours, or a plain record where a CID is due, is refused', (t) => {
  const sealer = new EpochCipher12(provider, suite, keys, 1, { cid, padding: () => 2 });
  const r = reader({ cid });
  const record = sealer.seal(22, 3, Uint8Array.of(7, 7));
  const opened = r.receive(record, 0);
  t.true(opened.ok);
  if (opened.ok) {
    t.is(opened.type, 22);
    t.deepEqual([...opened.content], [7, 7]);
  }
  const other = sealer.seal(23, 6, Uint8Array.of(1));
  other[12]! ^= 1; // a CID byte
  t.deepEqual(r.receive(other, 0), { ok: false, reason: 'connection-id' });
  const plain = new EpochCipher12(provider, suite, keys, 1).seal(23, 4, Uint8Array.of(1));
  t.deepEqual(r.receive(plain, 0), { ok: false, reason: 'connection-id' });
  // Our CID, but the record was sealed under another: the CID is in the additional data.
  const moved = new EpochCipher12(provider, suite, keys, 1, { cid: Uint8Array.of(1, 2, 3, 4) }).seal(
    23,
    5,
    Uint8Array.of(1),
  );
  moved.set(cid, 11);
  t.deepEqual(r.receive(moved, 0), { ok: false, reason: 'authentication' });
});

test('ReadEpoch12: past the per-second failure budget a record is dropped untried', (t) => {
  const integrity = new IntegrityMonitor(1, 0);
  const r = new ReadEpoch12(new EpochCipher12(provider, suite, keys, 1), integrity);
  const w = new EpochCipher12(provider, suite, keys, 1);
  const forged = (seq: number): Uint8Array => {
    const f = w.seal(23, seq, Uint8Array.of(1));
    f[f.length - 1]! ^= 1;
    return f;
  };
  integrity.datagramStarted();
  t.deepEqual(r.receive(forged(1), 0), { ok: false, reason: 'authentication' });
  t.deepEqual(r.receive(forged(2), 0), { ok: false, reason: 'authentication-rate' });
  t.is(r.cipher.failed, 1, 'the second was not tried');
});

// ReadEpoch12 asks the monitor only once something failed in the datagram or the key's rate started
// (IntegrityMonitor.mayOpen): each of the two alone must still drop a record untried.
test('ReadEpoch12: past the per-second budget, before any key rate starts, a datagram gets one failure', (t) => {
  const integrity = new IntegrityMonitor(1, 128, 3 / 4);
  const r = new ReadEpoch12(new EpochCipher12(provider, suite, keys, 1), integrity);
  const w = new EpochCipher12(provider, suite, keys, 1);
  const forged = (seq: number): Uint8Array => {
    const f = w.seal(23, seq, Uint8Array.of(1));
    f[f.length - 1]! ^= 1;
    return f;
  };
  integrity.datagramStarted();
  t.deepEqual(r.receive(forged(1), 0), { ok: false, reason: 'authentication' });
  t.deepEqual(r.receive(forged(2), 0), { ok: false, reason: 'authentication-rate' });
});

test('ReadEpoch12: a key past its failure rate has its records dropped untried in the next datagram too', (t) => {
  // The key's rate from its first failure: its 2^36 failures over 2^36 seconds, one a second.
  const integrity = new IntegrityMonitor(1_000_000, 2 ** 36);
  const r = new ReadEpoch12(new EpochCipher12(provider, suite, keys, 1), integrity);
  const w = new EpochCipher12(provider, suite, keys, 1);
  const forged = (seq: number): Uint8Array => {
    const f = w.seal(23, seq, Uint8Array.of(1));
    f[f.length - 1]! ^= 1;
    return f;
  };
  integrity.datagramStarted();
  t.deepEqual(r.receive(forged(1), 0), { ok: false, reason: 'authentication' });
  integrity.datagramStarted();
  t.deepEqual(r.receive(forged(2), 0), { ok: false, reason: 'authentication-rate' });
  t.is(r.cipher.failed, 1, 'the second was not tried');
});

test('a 1.2 write epoch numbers records from its first sequence number and counts them', (t) => {
  const w = writer12(new EpochCipher12(provider, suite, keys, 1), 7);
  const h = new Header12();
  const record = w.seal(23, Uint8Array.of(1)).bytes;
  t.true(readHeader12(record, 0, 0, h));
  t.is(h.sequenceNumber, 7);
  t.is(w.writeSequence, 8);
  t.is(w.usage()!.used, 1);
});

test('ReadEpoch12: out of order within the window each record opens once; a replay below the right edge is refused unopened', (t) => {
  const w = new EpochCipher12(provider, suite, keys, 1);
  const r = reader();
  const records = [0, 1, 2, 3].map((i) => w.seal(23, i, Uint8Array.of(i)));
  for (const i of [3, 1, 0, 2]) t.true(r.receive(records[i]!, 0).ok, `record ${i} opens out of order`);
  for (const i of [0, 1, 2, 3]) t.deepEqual(r.receive(records[i]!, 0), { ok: false, reason: 'replay' });
  // A forged copy of a number seen: refused by the window before the AEAD (a forgery would fail it otherwise).
  const forged = records[1]!.slice();
  forged[forged.length - 1]! ^= 1;
  t.deepEqual(r.receive(forged, 0), { ok: false, reason: 'replay' });
  t.is(r.cipher.failed, 0, 'nothing replayed was opened');
  t.is(r.highest, 3);
});

test('a 1.2 write epoch: remaining counts down by one per seal from whichever bound is nearer', (t) => {
  const near = writer12(w12(), 2 ** 48 - 3, { confidentiality: 10, integrity: 1 });
  const limited = writer12(w12(), 0, { confidentiality: 3, integrity: 1 });
  t.is(near.remaining, 3, 'the 48-bit sequence numbers');
  t.is(limited.remaining, 3, 'the confidentiality limit');
  for (let n = 3; n > 0; n--) {
    near.seal(23, Uint8Array.of(n));
    limited.seal(23, Uint8Array.of(n));
    t.is(near.remaining, n - 1);
    t.is(limited.remaining, n - 1);
  }
  t.is(limited.usage()!.used, 3);
});

function w12(): EpochCipher12 {
  return new EpochCipher12(provider, suite, keys, 1);
}

const SECRET = new TextEncoder().encode('plaintext-that-never-left');
const holds = (haystack: Uint8Array, needle: Uint8Array): boolean =>
  Buffer.from(haystack).includes(Buffer.from(needle));

test('native: sealed 1.2 records are views of one outgoing slab, and a failed seal leaves no plaintext in it', (t) => {
  const native = PROVIDERS.find((p) => p.name === 'native');
  if (native === undefined)
    return t.pass('no native addon here (DTLS13_NATIVE=0): the node and noble paths allocate per record');
  const healthy = new EpochCipher12(native, suite, keys, 1);
  const failing = new EpochCipher12(native, suite, keys, 1);
  const first = healthy.seal(23, 1, Uint8Array.of(1, 2, 3));
  const second = healthy.seal(23, 2, Uint8Array.of(4, 5, 6));
  // Carved one after the other, or from two slabs when one filled up in between.
  t.true(first.buffer.byteLength > first.length, 'a record is a view, not an ArrayBuffer of its own');
  t.true(first.buffer === second.buffer || second.byteOffset === 0, 'the next record from the same slab');
  failing.release(); // its seal now throws after the plaintext was copied into the slab
  t.throws(() => failing.seal(23, 1, SECRET));
  const after = healthy.seal(23, 3, Uint8Array.of(7, 8, 9));
  t.false(holds(new Uint8Array(first.buffer), SECRET), 'the slab before the failure');
  t.false(holds(new Uint8Array(after.buffer), SECRET), 'the slab after the failure');
  // What the receiver reads is unchanged: each record opens under the same keys.
  const r = reader();
  const one = r.receive(first, 0);
  t.true(one.ok && one.content.join() === '1,2,3');
  const three = r.receive(after, 0);
  t.true(three.ok && three.content.join() === '7,8,9');
});

// A ClientHello the 1.3 state reassembled, made one record for the 1.2 state (runtime/connection/hello-phase.ts).
test('handshakeRecord12: one epoch-0 handshake record, the whole message, its message_seq, the record number given', (t) => {
  for (const length of [0, 1, 255, 256, LONGEST_CLIENT_HELLO_12]) {
    const body = new Uint8Array(length).map((_, i) => i & 0xff);
    const records = decodeDatagram12(handshakeRecord12('client_hello', body, 258, 2 ** 40 + 3));
    t.is(records.length, 1);
    const w = records[0]!;
    if (w.kind !== 'record') return t.fail('not a record');
    t.like(w.record, { type: 'handshake', epoch: 0, sequenceNumber: 2 ** 40 + 3 });
    const f = readDtlsHandshake(new Reader(w.record.fragment, 'Handshake'));
    t.like(f, { msgType: 'client_hello', length, messageSeq: 258, fragmentOffset: 0 });
    t.deepEqual(f.fragment, body);
  }
});
