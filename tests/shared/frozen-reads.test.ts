/**
 * The hand-laid parts of a frozen session (runtime/shared/frozen-reads.ts): the reads at rest at the front (keys,
 * replay windows, epochs; length first) and the screening tally at the end (length in the last two characters). Both
 * round trip with values at their bounds (negative marks zigzagged, 2^48 − 1 record numbers, 2^53 − 1 counts, every suite's key lengths), and a form
 * that is truncated, altered, padded, wider than a byte or names no suite or reason is refused with a FrozenFormError
 * naming what is wrong; what cannot be written is refused too.
 */
import test, { type ExecutionContext } from 'ava';
import { freezeReads, freezeTally, thawReads, thawTally } from '../../runtime/shared/frozen-reads.js';
import { FrozenFormError } from '../../runtime/shared/frozen-form.js';
import { ALL_CIPHER_SUITES, CIPHER_SUITES, type SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import type { ReadsAtRest, ScreeningTally } from '../../runtime/record/hibernated-reader.js';

function reads(suite: SupportedCipherSuite): ReadsAtRest {
  const { keyLength, ivLength } = CIPHER_SUITES[suite];
  const keys = (seed: number) => ({
    key: new Uint8Array(keyLength).fill(seed),
    iv: new Uint8Array(ivLength).fill(seed + 1),
    snKey: new Uint8Array(keyLength).fill(seed + 2),
  });
  return {
    suite,
    cidLength: 8,
    highestDropped: -1,
    epochs: [
      { epoch: 3, right: -1, words: [], keys: keys(1) },
      { epoch: 4, right: 2 ** 48 - 1, words: [0, 1, 2 ** 32 - 1], keys: keys(200) },
    ],
  };
}

const plain = (r: ReadsAtRest) => ({
  ...r,
  epochs: r.epochs.map((e) => ({ epoch: e.epoch, right: e.right, words: [...e.words], keys: { ...e.keys } })),
});

function refused(t: ExecutionContext, f: () => unknown, message: RegExp): void {
  t.throws(f, { instanceOf: FrozenFormError, message });
}

test('reads at rest round trip for every suite, at an offset, and say where the rest begins', (t) => {
  for (const suite of ALL_CIPHER_SUITES) {
    const r = reads(suite);
    const frozen = freezeReads(r);
    const { reads: back, end } = thawReads(`xyz${frozen}rest`, 3);
    t.deepEqual(plain(back), plain(r), suite);
    t.is(end, 3 + frozen.length);
  }
});

test('the tally round trips, only counted reasons written, at the end of any front', (t) => {
  const tally: ScreeningTally = {
    datagrams: Number.MAX_SAFE_INTEGER,
    drops: { malformed: 3, replay: 2 ** 40 },
    failed: [0, 7],
    failedInRow: [0, 2],
  };
  const front = 'front';
  const { tally: back, start } = thawTally(front + freezeTally(tally));
  t.deepEqual(back, tally);
  t.is(start, front.length);
  t.deepEqual(thawTally(freezeTally({ datagrams: 0, drops: { malformed: 0 }, failed: [], failedInRow: [] })).tally, {
    datagrams: 0,
    drops: {},
    failed: [],
    failedInRow: [],
  });
});

test('truncated reads are refused at every length, naming where', (t) => {
  const frozen = freezeReads(reads('tls_aes_128_gcm_sha256'));
  for (let n = 0; n < frozen.length; n++)
    t.throws(() => thawReads(frozen.slice(0, n), 0), { instanceOf: FrozenFormError }, `${n}`);
  refused(t, () => thawReads(frozen.slice(0, 10), 0), /past the end/);
});

test('altered reads: no such suite, a character above a byte, bytes left over, an endless varint', (t) => {
  const frozen = freezeReads(reads('tls_aes_128_gcm_sha256'));
  const lengthBytes = frozen.charCodeAt(0) >= 0x80 ? 2 : 1;
  const at = (i: number, c: number) => frozen.slice(0, i) + String.fromCharCode(c) + frozen.slice(i + 1);
  refused(t, () => thawReads(at(lengthBytes, 200), 0), /no cipher suite 200/);
  refused(t, () => thawReads(at(lengthBytes + 1, 0x100), 0), /a character above 0xff/);
  // Keys are decoded when an epoch's record is opened: a bad character there is refused then.
  const lazily = thawReads(at(frozen.length - 1, 0x100), 0);
  refused(t, () => lazily.reads.epochs[1]?.keys, /a character above 0xff/);
  // One epoch fewer than laid: the second one's bytes are left over.
  refused(t, () => thawReads(at(lengthBytes + 3, 1), 0), /bytes left over in the reads at rest/);
  refused(t, () => thawReads('\u00ff'.repeat(12), 0), /varint too long|ends early/);
});

test('altered tallies: a length past the front, no such reason, bytes left over', (t) => {
  const tally = freezeTally({ datagrams: 5, drops: { malformed: 1 }, failed: [1], failedInRow: [1] });
  refused(t, () => thawTally('\u00ff\u00ff'), /a screening tally of 65535 bytes in 2/);
  const reasonAt = 2; // datagrams(1) count(1) then the reason's index
  refused(t, () => thawTally(tally.slice(0, reasonAt) + '\u007f' + tally.slice(reasonAt + 1)), /no drop reason/);
  const length = tally.length - 2;
  const padded = tally.slice(0, length) + '\u0000' + String.fromCharCode(0, length + 1);
  refused(t, () => thawTally(padded), /1 bytes left over in the screening tally/);
});

test('what cannot be written is refused: a key of the wrong length, a negative or unsafe count', (t) => {
  const r = reads('tls_aes_128_gcm_sha256');
  const short = { ...r, epochs: [{ ...r.epochs[0]!, keys: { ...r.epochs[0]!.keys, key: new Uint8Array(15) } }] };
  refused(t, () => freezeReads(short), /a key of 15 bytes for tls_aes_128_gcm_sha256 \(16\)/);
  refused(
    t,
    () => freezeReads({ ...r, epochs: [{ ...r.epochs[0]!, epoch: -1 }] }),
    /-1 is not a non-negative safe integer/,
  );
  refused(
    t,
    () => freezeTally({ datagrams: 2 ** 53, drops: {}, failed: [], failedInRow: [] }),
    /not a non-negative safe integer/,
  );
});
