import test from 'ava';
import { EpochCipher12 } from '../../runtime/record/epoch-cipher12.js';
import { Header12, plainRecord12, readHeader12 } from '../../runtime/record/codec12.js';
import { IntegrityMonitor } from '../../runtime/record/integrity-monitor.js';
import { HELD } from '../../runtime/record/record-codec.js';
import { MAX_HELD12, ReadState12 } from '../../runtime/record/read-state12.js';
import { DTLS12_CIPHER_SUITES } from '../../runtime/versions/suites12.js';
import { PROVIDERS } from '../support/providers.js';

/**
 * DTLS 1.2's read state (runtime/record/read-state12.ts): epoch 0 in clear, epoch 1 after the peer's ChangeCipherSpec,
 * the epoch-1 records held until then, and what an attacker sends at each stage.
 */

const provider = PROVIDERS[0]!;
const suite = DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_128_gcm_sha256;
const keys = { key: new Uint8Array(16).fill(7), iv: new Uint8Array(4).fill(8) };
const cid = Uint8Array.of(0xc1, 0xd0, 0xc2, 0xd3);

function state(): ReadState12 {
  return new ReadState12(new IntegrityMonitor(1_000_000, 0));
}

function keyed(options: { cid?: Uint8Array } = {}): EpochCipher12 {
  return new EpochCipher12(provider, suite, keys, 1, options);
}

/** `open` of the one record `d`, its header read at `cidLength`. */
function open(s: ReadState12, d: Uint8Array, cidLength = 0): { answer: ReturnType<ReadState12['open']>; h: Header12 } {
  const h = new Header12();
  if (!readHeader12(d, 0, cidLength, h)) throw new Error('the test record does not frame');
  return { answer: s.open(d, h, 0), h };
}

function bytes(answer: ReturnType<ReadState12['open']>): number[] | string {
  return typeof answer === 'string' ? answer : [...answer];
}

test('epoch 0: the fragment copied out, DTLS 1.0 record versions taken; another version is malformed', (t) => {
  const s = state();
  const record = plainRecord12(22, 3, Uint8Array.of(1, 2, 3));
  const { answer, h } = open(s, record);
  t.deepEqual(bytes(answer), [1, 2, 3]);
  t.is(h.contentType, 22);
  t.not((answer as Uint8Array).buffer, record.buffer, 'a copy, not a view of the datagram');
  const dtls10 = record.slice();
  dtls10[2] = 0xff; // 0xfeff
  t.deepEqual(bytes(open(s, dtls10).answer), [1, 2, 3]);
  const other = record.slice();
  other[2] = 0xfc; // 0xfefc: no such version
  t.is(open(s, other).answer, 'malformed');
});

test('a tls12_cid record under epoch 0 is refused: CID records are always protected', (t) => {
  const record = keyed({ cid }).seal(23, 1, Uint8Array.of(1));
  record[3] = 0;
  record[4] = 0; // epoch 0
  t.is(open(state(), record, cid.length).answer, 'connection-id');
});

test('a ChangeCipherSpec at the wrong time: no keys pending, nothing installs, and epoch 1 is not held', (t) => {
  const s = state();
  t.false(s.install(), 'a ChangeCipherSpec before the key exchange');
  t.false(s.switched);
  t.is(open(s, keyed().seal(23, 1, Uint8Array.of(1))).answer, 'unknown-epoch');
  t.deepEqual(s.takeHeld(), []);
});

test('out of order: epoch-1 records before the ChangeCipherSpec are held (up to the cap) and open, in order, after it', (t) => {
  const s = state();
  s.pending(keyed());
  t.true(s.keysPending);
  const w = keyed();
  const early = Array.from({ length: MAX_HELD12 + 1 }, (_, i) => w.seal(23, i, Uint8Array.of(i)));
  const epoch2 = new EpochCipher12(provider, suite, keys, 2).seal(23, 0, Uint8Array.of(1));
  t.is(open(s, epoch2).answer, 'unknown-epoch', 'only epoch 1 waits for the switch');
  for (const r of early.slice(0, MAX_HELD12)) t.is(open(s, r).answer, HELD);
  t.is(open(s, early[MAX_HELD12]!).answer, 'unknown-epoch', 'past the cap');
  t.true(s.install());
  t.true(s.switched);
  t.false(s.keysPending);
  const held = s.takeHeld();
  t.is(held.length, MAX_HELD12);
  t.deepEqual(
    held.map((r) => bytes(open(s, r).answer)),
    early.slice(0, MAX_HELD12).map((_, i) => [i]),
  );
  t.deepEqual(s.takeHeld(), [], 'each held record is handed back once');
  t.false(s.install(), 'a second ChangeCipherSpec installs nothing');
});

test('after the switch: a replay, a forged tag, a truncated fragment and another epoch are refused; the genuine record opens', (t) => {
  const s = state();
  s.pending(keyed());
  s.install();
  const w = keyed();
  const record = w.seal(23, 5, Uint8Array.of(9));
  const forged = record.slice();
  forged[forged.length - 1]! ^= 1;
  t.is(open(s, forged).answer, 'authentication');
  t.is(s.cipher?.failed, 1);
  t.deepEqual(bytes(open(s, record).answer), [9], 'the forgery did not move the replay window');
  t.is(open(s, record).answer, 'replay');
  const short = w
    .seal(23, 6, new Uint8Array(0))
    .subarray(0, 13 + 8 + 15)
    .slice();
  short[12] = 8 + 15;
  t.is(open(s, short).answer, 'too-short');
  const epoch2 = new EpochCipher12(provider, suite, keys, 2).seal(23, 7, Uint8Array.of(1));
  t.is(open(s, epoch2).answer, 'unknown-epoch');
});

test('released: nothing opens, nothing is held', (t) => {
  const s = state();
  s.pending(keyed());
  t.is(open(s, keyed().seal(23, 1, Uint8Array.of(1))).answer, HELD);
  s.release();
  t.false(s.keysPending);
  t.false(s.switched);
  t.deepEqual(s.takeHeld(), []);
  t.is(open(s, keyed().seal(23, 2, Uint8Array.of(1))).answer, 'unknown-epoch');
});
