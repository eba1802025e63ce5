/**
 * Sequence number reconstruction and the record nonce (runtime/record/sequence.ts, RFC 9147 §4.2.2, RFC 8446 §5.3):
 * the full number is the one with the header's low bits closest to the expected one, so records late, early or
 * reordered within half the span open; never negative; the nonce is the IV XOR the 64-bit number.
 */
import test from 'ava';
import fc from 'fast-check';
import { reconstructSequenceNumber, recordNonce } from '../../runtime/record/sequence.js';

test('in order, late and early within half the span', (t) => {
  t.is(reconstructSequenceNumber(5, 8, 5), 5);
  t.is(reconstructSequenceNumber(0x02, 8, 0x1fe), 0x202, 'just past a wrap');
  t.is(reconstructSequenceNumber(0xfe, 8, 0x202), 0x1fe, 'a late record from before the wrap');
  t.is(reconstructSequenceNumber(0xfffe, 16, 0x10001), 0xfffe);
  t.is(reconstructSequenceNumber(0x0001, 16, 0xffff), 0x10001);
});

test('never negative: at the start of an epoch a low number far ahead stays ahead', (t) => {
  t.is(reconstructSequenceNumber(0xff, 8, 0), 0xff);
  t.is(reconstructSequenceNumber(0xffff, 16, 3), 0xffff);
});

test('against a model: the candidate with those low bits nearest to the expected number', (t) => {
  fc.assert(
    fc.property(fc.constantFrom<8 | 16>(8, 16), fc.nat(2 ** 40), fc.nat(0xffff), (bits, expected, raw) => {
      const span = bits === 8 ? 0x100 : 0x10000;
      const low = raw % span;
      const got = reconstructSequenceNumber(low, bits, expected);
      if (got < 0 || got % span !== low) return false;
      // No other non-negative number with the same low bits is strictly closer (ties may go either way).
      const distance = Math.abs(got - expected);
      return [got - span, got + span].every((c) => c < 0 || Math.abs(c - expected) >= distance);
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

test('the nonce is the IV XOR the 64-bit big-endian sequence number, right-aligned', (t) => {
  const iv = Uint8Array.from({ length: 12 }, (_, i) => 0x10 + i);
  const out = new Uint8Array(12);
  t.deepEqual(recordNonce(iv, 0, out), iv);
  const seq = 0x0102_0304_0506;
  const expected = iv.slice();
  const be = new Uint8Array(8);
  new DataView(be.buffer).setBigUint64(0, BigInt(seq));
  for (let i = 0; i < 8; i++) expected[4 + i]! ^= be[i]!;
  t.deepEqual(recordNonce(iv, seq, out), expected);
  t.is(recordNonce(iv, seq, out), out, 'written into out');
  t.deepEqual(
    iv,
    Uint8Array.from({ length: 12 }, (_, i) => 0x10 + i),
    'the IV is not changed',
  );
  t.notDeepEqual(recordNonce(iv, 1, new Uint8Array(12)), recordNonce(iv, 2, new Uint8Array(12)));
});
