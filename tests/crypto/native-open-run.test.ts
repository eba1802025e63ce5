import test from 'ava';
import { randomBytes } from 'node:crypto';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import type { RecordProtection } from '../../runtime/crypto/provider.js';
import { nativeRecord12, type NativeRecord12 } from '../../runtime/crypto/native/record12.js';
import { RUN_STRIDE as S } from '../../runtime/record/opened-ahead.js';

/**
 * The addon's recordOpenRun reads the framing of peer datagrams itself (RecordProtection.openRun): a run of
 * genuine records opens; a datagram that is not one record of the epoch and connection ID asked for (truncated,
 * another epoch, another or no CID, a length field that disagrees, a plaintext header, garbage) is skipped, never
 * read past its end; a forged record is reported with its sequence number and a zeroed plaintext; out of room it
 * stops; arguments outside the buffer throw. The same for DTLS 1.2's record12OpenRun, whose CID keys open tls12_cid
 * records of their CID only, each record's content length and real type found inside as 1.3's are.
 */

const native = nativeProvider;
// Without the addon (DTLS13_NATIVE=0, or not built) there is no recordOpenRun to test: each record is opened alone.
const skip = native === undefined ? test.skip : test;
const key = randomBytes(16);
const iv = randomBytes(12);
const snKey = randomBytes(16);
const protection = (): RecordProtection => native!.recordProtection!('aes-128-gcm', 'aes-128', key, iv, snKey);

/** One sealed record: unified header (CID `cid` when given, 16-bit sequence number, a length), epoch bits `epoch`. */
function record(p: RecordProtection, seq: number, plaintext: Uint8Array, epoch = 3, cid?: Uint8Array): Uint8Array {
  const c = cid ?? new Uint8Array(0);
  const header = 1 + c.length + 2 + 2;
  const length = plaintext.length + 16;
  const r = new Uint8Array(header + length);
  r[0] = 0x20 | (c.length > 0 ? 0x10 : 0) | 0x08 | 0x04 | epoch;
  r.set(c, 1);
  r[1 + c.length] = (seq >> 8) & 0xff;
  r[2 + c.length] = seq & 0xff;
  r[3 + c.length] = length >> 8;
  r[4 + c.length] = length & 0xff;
  r.set(plaintext, header);
  p.sealRecord(seq, r, header, plaintext.length, 1 + c.length, 2);
  return r;
}

/** The datagrams laid out in one buffer, 100 bytes apart, and their `at, length` pairs. */
function lay(datagrams: readonly Uint8Array[]): { buffer: Uint8Array; pairs: Float64Array } {
  const buffer = new Uint8Array(datagrams.reduce((n, d) => n + d.length + 100, 0));
  const pairs = new Float64Array(2 * datagrams.length);
  let at = 0;
  datagrams.forEach((d, i) => {
    buffer.set(d, at);
    pairs[2 * i] = at;
    pairs[2 * i + 1] = d.length;
    at += d.length + 100;
  });
  return { buffer, pairs };
}

const text = (i: number): Uint8Array => new TextEncoder().encode(`record ${i}`.padEnd(40, '-'));

skip('a run of genuine records opens in one call, each with its sequence number and plaintext', (t) => {
  const p = protection();
  const records = [0, 1, 2, 3].map((i) => record(p, 10 + i, text(i)));
  const { buffer, pairs } = lay(records);
  const out = new Uint8Array(1000);
  const results = new Float64Array(4 * S);
  t.is(p.openRun!(buffer, pairs, 4, new Uint8Array(0), 3, 10, out, results), 4);
  for (let k = 0; k < 4; k++) {
    t.is(results[S * k], k);
    t.is(results[S * k + 3], 10 + k);
    t.deepEqual(out.subarray(results[S * k + 1]!, results[S * k + 1]! + results[S * k + 2]!), text(k));
  }
});

skip('each opened record comes with its content type and content length, found after its zero padding', (t) => {
  const p = protection();
  const inner = (content: string, type: number, padding: number): Uint8Array =>
    Uint8Array.from([...new TextEncoder().encode(content), type, ...new Array<number>(padding).fill(0)]);
  const plaintexts = [
    inner('hello, this is application data', 23, 0),
    inner('padded application data', 23, 40),
    inner('a handshake message', 22, 3),
    inner('', 21, 17), // an alert type with no content before it
    new Uint8Array(24), // all zeros: no content type
  ];
  const forged = record(p, 5, inner('forged', 23, 10));
  forged[forged.length - 1]! ^= 1;
  const { buffer, pairs } = lay([...plaintexts.map((x, i) => record(p, i, x)), forged]);
  const out = new Uint8Array(1000);
  const results = new Float64Array(8 * S);
  t.is(p.openRun!(buffer, pairs, 6, new Uint8Array(0), 3, 0, out, results), 6);
  const found = (k: number): number[] => [results[S * k + 4]!, results[S * k + 5]!];
  t.deepEqual(found(0), [31, 23]);
  t.deepEqual(found(1), [23, 23]);
  t.deepEqual(found(2), [19, 22]);
  t.deepEqual(found(3), [0, 21]);
  t.deepEqual(found(4), [-1, 0], 'none in an all-zero plaintext');
  t.deepEqual(found(5), [-1, 0], 'none for a record that did not authenticate');
  for (let k = 0; k < 5; k++) t.is(results[S * k + 2], plaintexts[k]!.length, 'the length is the whole plaintext');
});

skip('datagrams that are not one record of the epoch and CID asked for are skipped, a forged one reported and zeroed', (t) => {
  const p = protection();
  const cid = Uint8Array.from([1, 2, 3, 4]);
  const good = (i: number): Uint8Array => record(p, i, text(i), 3, cid);
  const lengthOff = good(5);
  lengthOff[1 + 4 + 2 + 1]! ^= 1; // the length field disagrees with the datagram
  const forged = good(6);
  forged[forged.length - 1]! ^= 1;
  const datagrams = [
    good(0),
    good(1).subarray(0, 20), // truncated: fewer than 16 bytes of ciphertext
    record(p, 2, text(2), 2, cid), // another epoch
    record(p, 3, text(3), 3, Uint8Array.from([9, 9, 9, 9])), // another CID
    record(p, 4, text(4), 3), // no CID
    lengthOff,
    forged,
    Uint8Array.from([22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0]), // a DTLSPlaintext header
    Uint8Array.from([0x3f]), // a header alone
    randomBytes(60),
    good(7),
  ];
  const { buffer, pairs } = lay(datagrams);
  const out = new Uint8Array(1000).fill(0xaa);
  const results = new Float64Array(16 * S);
  const n = p.openRun!(buffer, pairs, datagrams.length, cid, 3, 0, out, results);
  const taken = Array.from({ length: n }, (_, k) => results[S * k]);
  // The random datagram is skipped unless it happens to look like a record of epoch 3 with our CID (then it fails).
  t.deepEqual(
    taken.filter((i) => i !== 9),
    [0, 6, 10],
  );
  const forgedAt = taken.indexOf(6);
  t.is(results[S * forgedAt + 3], -1 - 6, 'reported as failed, with its sequence number');
  const start = results[S * forgedAt + 1]!;
  t.true(
    out.subarray(start, start + results[S * forgedAt + 2]!).every((b) => b === 0),
    'its plaintext zeroed',
  );
  t.is(results[S * taken.indexOf(10) + 3], 7);
});

skip('out of room it stops; pairs outside the buffer throw', (t) => {
  const p = protection();
  const records = [0, 1, 2].map((i) => record(p, i, text(i)));
  const { buffer, pairs } = lay(records);
  const results = new Float64Array(4 * S);
  t.is(p.openRun!(buffer, pairs, 3, new Uint8Array(0), 3, 0, new Uint8Array(text(0).length * 2 + 5), results), 2);
  t.is(
    p.openRun!(buffer, pairs, 3, new Uint8Array(0), 3, 0, new Uint8Array(1000), new Float64Array(S)),
    1,
    'room for one result',
  );
  const outside = Float64Array.from([buffer.length - 10, 40]);
  t.throws(() => p.openRun!(buffer, outside, 1, new Uint8Array(0), 3, 0, new Uint8Array(1000), results), {
    name: 'RangeError',
  });
  t.throws(
    () => p.openRun!(buffer, pairs, 4, new Uint8Array(0), 3, 0, new Uint8Array(1000), results),
    { name: 'RangeError' },
    'more than the pairs hold',
  );
  t.throws(
    () => p.openRun!(buffer, Float64Array.from([-1, 10]), 1, new Uint8Array(0), 3, 0, new Uint8Array(1000), results),
    { name: 'RangeError' },
  );
});

/** A sealed DTLS 1.2 record (13-byte header, explicit nonce) of `type` with sequence number `seq`. */
function record12(r: NativeRecord12, seq: number, plaintext: Uint8Array, type = 23): Uint8Array {
  const out = new Uint8Array(13 + 8 + plaintext.length + 16);
  out.set(plaintext, 13 + 8);
  r.seal(out, type, seq, plaintext.length, false);
  return out;
}

skip('DTLS 1.2: a run of application_data records opens; other types, versions, epochs, lengths and forgeries do not', (t) => {
  const r = nativeRecord12(native!, 'aes-128-gcm', key, randomBytes(4), 1, undefined)!;
  const lengthOff = record12(r, 5, text(5));
  lengthOff[12]! ^= 1;
  const version = record12(r, 6, text(6));
  version[2] = 0xff;
  const forged = record12(r, 7, text(7));
  forged[forged.length - 1]! ^= 1;
  const other = nativeRecord12(native!, 'aes-128-gcm', key, randomBytes(4), 2, undefined)!;
  const datagrams = [
    record12(r, 0, text(0)),
    record12(r, 1, text(1), 22), // a handshake record
    record12(other, 2, text(2)), // epoch 2
    record12(r, 3, text(3)).subarray(0, 20), // truncated
    lengthOff,
    version,
    forged,
    Uint8Array.from([23, 0xfe, 0xfd, 0, 1]), // a header cut short
    record12(r, 9, text(9)),
  ];
  const { buffer, pairs } = lay(datagrams);
  const out = new Uint8Array(1000);
  const results = new Float64Array(16 * S);
  const n = r.openRun(buffer, pairs, datagrams.length, out, results);
  t.deepEqual(
    Array.from({ length: n }, (_, k) => results[S * k]),
    [0, 6, 8],
  );
  t.is(results[3], 0);
  t.deepEqual(out.subarray(results[1]!, results[1]! + results[2]!), text(0));
  t.deepEqual([results[4], results[5]], [text(0).length, 23], 'the content the whole plaintext, its type 23');
  t.is(results[S + 3], -1 - 7, 'the forged one reported, with its sequence number');
  t.true(out.subarray(results[S + 1]!, results[S + 1]! + results[S + 2]!).every((b) => b === 0));
  t.is(results[2 * S + 3], 9);
  t.throws(() => r.openRun(buffer, Float64Array.from([buffer.length, 5]), 1, out, results), { name: 'RangeError' });
});

/**
 * A sealed tls12_cid record (RFC 9146 §4) of key `r` (its CID `cid`): its DTLSInnerPlaintext `content`, the real
 * `type`, `padding` zeros.
 */
function record12Cid(
  r: NativeRecord12,
  cid: Uint8Array,
  seq: number,
  content: Uint8Array,
  type = 23,
  padding = 0,
): Uint8Array {
  const header = 13 + cid.length + 8;
  const inner = content.length + 1 + padding;
  const out = new Uint8Array(header + inner + 16);
  out.set(content, header);
  out[header + content.length] = type;
  r.seal(out, type, seq, inner, false);
  return out;
}

skip('DTLS 1.2 with a CID: a run of tls12_cid records of the key\u2019s CID opens, each inner type and length found', (t) => {
  const cid = Uint8Array.from([1, 2, 3, 4]);
  const salt = randomBytes(4);
  const r = nativeRecord12(native!, 'aes-128-gcm', key, salt, 1, cid)!;
  t.true(r.opensRuns);
  // The same keys under another CID: its records authenticate under their own CID only.
  const another = nativeRecord12(native!, 'aes-128-gcm', key, salt, 1, Uint8Array.from([1, 2, 3, 5]))!;
  const plain = nativeRecord12(native!, 'aes-128-gcm', key, salt, 1, undefined)!;
  const lengthOff = record12Cid(r, cid, 4, text(4));
  lengthOff[13 + cid.length - 1]! ^= 1;
  const forged = record12Cid(r, cid, 5, text(5));
  forged[forged.length - 1]! ^= 1;
  const datagrams = [
    record12Cid(r, cid, 0, text(0)),
    record12Cid(r, cid, 1, text(1), 23, 7), // padded
    record12Cid(r, cid, 2, text(2), 21), // an alert inside
    record12Cid(another, Uint8Array.from([1, 2, 3, 5]), 3, text(3)), // another CID
    lengthOff,
    forged,
    record12Cid(r, cid, 6, new Uint8Array(0), 0, 3), // all zeros: no content type
    record12(plain, 7, text(7)), // a plain record
    record12Cid(r, cid, 8, text(8)),
  ];
  const { buffer, pairs } = lay(datagrams);
  const out = new Uint8Array(1000);
  const results = new Float64Array(16 * S);
  const n = r.openRun(buffer, pairs, datagrams.length, out, results);
  const row = (k: number): number[] => Array.from(results.subarray(S * k, S * k + S));
  t.deepEqual(
    Array.from({ length: n }, (_, k) => results[S * k]),
    [0, 1, 2, 5, 6, 8],
    'another CID, a wrong length and a plain record skipped',
  );
  const inner = (k: number): Uint8Array => out.subarray(results[S * k + 1]!, results[S * k + 1]! + results[S * k + 2]!);
  t.deepEqual(row(0).slice(2), [text(0).length + 1, 0, text(0).length, 23]);
  t.deepEqual(inner(0).subarray(0, text(0).length), text(0));
  t.deepEqual(row(1).slice(2), [text(1).length + 8, 1, text(1).length, 23], 'the padding stripped');
  t.deepEqual(row(2).slice(3), [2, text(2).length, 21], 'the real type inside');
  t.deepEqual(row(3).slice(3), [-1 - 5, -1, 0], 'the forged one reported, no content type read');
  t.true(inner(3).every((b) => b === 0));
  t.deepEqual(row(4).slice(3), [6, -1, 0], 'no non-zero byte: no content type');
  t.deepEqual(row(5).slice(3), [8, text(8).length, 23]);
  t.is(plain.openRun(buffer, pairs, datagrams.length, out, results), 1, 'a plain key opens only the plain record');
  t.is(results[0], 7);
});
