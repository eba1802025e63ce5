import test from 'ava';
import { concatBytes } from '../../runtime/wire/bytes.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { EpochCipher12 } from '../../runtime/record/epoch-cipher12.js';
import { Header12 } from '../../runtime/record/codec12.js';
import { Header13 } from '../../runtime/record/codec13.js';
import { emptyDropCounters, type DropCounters, type DropReason } from '../../runtime/record/drops.js';
import { EpochCipher } from '../../runtime/record/epoch-cipher.js';
import { IntegrityMonitor } from '../../runtime/record/integrity-monitor.js';
import { ReadEpochs } from '../../runtime/record/read-epochs.js';
import { ReadState12 } from '../../runtime/record/read-state12.js';
import { ReadState13 } from '../../runtime/record/read-state13.js';
import type { RecordHeader } from '../../runtime/record/record-codec.js';
import { RecordLayer } from '../../runtime/record/record-layer.js';
import { readRecords, type LoopVersion, type RecordSink } from '../../runtime/record/record-loop.js';
import { ReplayWindow } from '../../runtime/record/replay-window.js';
import { SequenceRecovery } from '../../runtime/record/sequence-recovery.js';
import { DTLS12_CIPHER_SUITES } from '../../runtime/versions/suites12.js';
import { keysFor } from '../support/record-pair.js';

/**
 * The one record loop (runtime/record/record-loop.ts) over each version's codec and read state: records handed on in
 * order, drops counted by reason, the per-datagram cap, a drop that ends the datagram, records waiting for keys, and
 * what an attacker puts in a datagram (forged, replayed, truncated, out of order, the wrong epoch, a CCS too early).
 */

const suite12 = DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_128_gcm_sha256;
const keys12 = { key: new Uint8Array(16).fill(7), iv: new Uint8Array(4).fill(8) };
const suite13: SupportedCipherSuite = 'tls_aes_128_gcm_sha256';
const cid = Uint8Array.of(9, 8, 7, 6);

/** What a run of the loop handed on and dropped. */
interface Run {
  readonly taken: number[][];
  readonly held: number;
  readonly drops: Partial<DropCounters>;
}

/** Drop counters a DTLS 1.2 read state counts into (an object with a method). */
class Counted {
  readonly counts = emptyDropCounters();
  drop(reason: DropReason): void {
    this.counts[reason]++;
  }
}

/**
 * The loop over `d` with read side `v` (its drops read through `drops`), into a sink that records what it took; past
 * `stopAfter` records it answers false.
 */
function run<H extends RecordHeader>(
  v: LoopVersion<H>,
  drops: () => Readonly<DropCounters>,
  d: Uint8Array,
  h: H,
  maxRecords = 128,
  stopAfter = Infinity,
): Run {
  const taken: number[][] = [];
  let held = 0;
  const before = { ...drops() };
  const sink: RecordSink<H> = {
    take: (_d, _h, content) => {
      taken.push([...content]);
      return taken.length < stopAfter;
    },
    held: () => void held++,
  };
  readRecords(v, d, h, 0, maxRecords, sink);
  const counted = Object.entries(drops())
    .map(([reason, n]) => [reason, n - before[reason as DropReason]] as const)
    .filter(([, n]) => n > 0);
  return { taken, held, drops: Object.fromEntries(counted) };
}

/** A DTLS 1.2 read state counting its drops, switched to epoch 1 unless `early`. */
function state12(early = false, wholeDatagrams = false): { state: ReadState12; counted: Counted } {
  const counted = new Counted();
  const state = new ReadState12(new IntegrityMonitor(1_000_000, 0), undefined, undefined, counted);
  state.wholeDatagrams = wholeDatagrams;
  if (!early) {
    state.pending(new EpochCipher12(nodeProvider, suite12, keys12, 1));
    state.install();
  }
  return { state, counted };
}

function run12(
  s: { state: ReadState12; counted: Counted },
  d: Uint8Array,
  maxRecords = 128,
  stopAfter = Infinity,
): Run {
  return run(s.state, () => s.counted.counts, d, new Header12(), maxRecords, stopAfter);
}

const seal12 = (seq: number, byte: number): Uint8Array =>
  new EpochCipher12(nodeProvider, suite12, keys12, 1).seal(23, seq, Uint8Array.of(byte));

test('DTLS 1.2: every record of a datagram in order, out-of-order sequence numbers opening too', (t) => {
  const d = concatBytes([seal12(2, 2), seal12(0, 0), seal12(1, 1)]);
  t.deepEqual(run12(state12(), d), { taken: [[2], [0], [1]], held: 0, drops: {} });
});

test('DTLS 1.2: a forged record and a replay in a datagram are dropped by reason; the records around them still open', (t) => {
  const forged = seal12(5, 5);
  forged[forged.length - 1]! ^= 1;
  const d = concatBytes([seal12(1, 1), forged, seal12(1, 1), seal12(5, 5)]);
  t.deepEqual(run12(state12(), d), {
    taken: [[1], [5]],
    held: 0,
    drops: { authentication: 1, replay: 1 },
  });
});

test('DTLS 1.2: a ChangeCipherSpec not yet due: epoch 1 without keys pending is unknown-epoch; with them the records are held', (t) => {
  const d = concatBytes([seal12(0, 0), seal12(1, 1)]);
  const early = state12(true);
  t.deepEqual(run12(early, d), { taken: [], held: 0, drops: { 'unknown-epoch': 2 } });
  early.state.pending(new EpochCipher12(nodeProvider, suite12, keys12, 1));
  t.deepEqual(run12(early, d), { taken: [], held: 2, drops: {} });
  early.state.install();
  t.deepEqual(
    early.state.takeHeld().flatMap((r) => run12(early, r).taken),
    [[0], [1]],
  );
});

test('truncated: a record that does not frame goes to the version, which ends the datagram; the records before it were read', (t) => {
  const whole = seal12(0, 0);
  const d = concatBytes([whole, seal12(1, 1).subarray(0, 20)]);
  t.deepEqual(run12(state12(), d).taken, [[0]]);
});

test('DTLS 1.2 once settled: a datagram is taken whole or not at all; one record that is all of it, or records that frame to its end, are read', (t) => {
  const truncated = concatBytes([seal12(0, 0), seal12(1, 1).subarray(0, 20)]);
  t.deepEqual(run12(state12(false, true), truncated), {
    taken: [],
    held: 0,
    drops: { malformed: 1 },
  });
  t.deepEqual(run12(state12(false, true), seal12(0, 0)).taken, [[0]]);
  t.deepEqual(run12(state12(false, true), concatBytes([seal12(0, 0), seal12(1, 1)])).taken, [[0], [1]]);
});

test('at most maxRecords records are read; the rest is counted once as records-per-datagram', (t) => {
  const d = concatBytes([seal12(0, 0), seal12(1, 1), seal12(2, 2)]);
  t.deepEqual(run12(state12(), d, 2), {
    taken: [[0], [1]],
    held: 0,
    drops: { 'records-per-datagram': 1 },
  });
});

test('a sink that answers false (its connection ended) stops the loop', (t) => {
  const d = concatBytes([seal12(0, 0), seal12(1, 1), seal12(2, 2)]);
  t.deepEqual(run12(state12(), d, 128, 1).taken, [[0]]);
});

/** A DTLS 1.3 read state holding epochs 2 and 3, whose records carry `cid`, and a sender for epoch 3. */
function pair13(): { state: ReadState13; tx: RecordLayer } {
  const epochs = new ReadEpochs(10_000, 4);
  for (const epoch of [2, 3])
    epochs.install(epoch, {
      cipher: new EpochCipher(nodeProvider, epoch, suite13, keysFor(nodeProvider, suite13, epoch)),
      window: new ReplayWindow(64),
      recovery: new SequenceRecovery(),
      expiresAt: undefined,
    });
  const integrity = new IntegrityMonitor(1_000_000, 0);
  integrity.datagramStarted();
  const state = new ReadState13(epochs, integrity, undefined);
  state.cidLength = cid.length;
  state.ours = (c) => c.every((b, i) => b === cid[i]);
  const tx = new RecordLayer({ provider: nodeProvider });
  tx.setConnectionIds(undefined, cid);
  tx.installWriteKeys(3, suite13, keysFor(nodeProvider, suite13, 3));
  return { state, tx };
}

function run13(state: ReadState13, d: Uint8Array): Run {
  return run(state, () => state.drops, d, new Header13());
}

test('DTLS 1.3: a CID not ours ends the datagram: the records after it are counted once as datagram-remainder', (t) => {
  const { state, tx } = pair13();
  const first = tx.writer.seal('application_data', Uint8Array.of(1)).bytes;
  const other = tx.writer.seal('application_data', Uint8Array.of(2)).bytes.slice();
  other[1]! ^= 0xff; // the CID's first byte
  const last = tx.writer.seal('application_data', Uint8Array.of(3)).bytes;
  t.deepEqual(run13(state, concatBytes([first, other, last])), {
    taken: [[1]],
    held: 0,
    drops: { 'connection-id': 1, 'datagram-remainder': 1 },
  });
});

test('DTLS 1.3: the next epoch waits for its keys (held); a replay and a forged record are dropped and the loop goes on', (t) => {
  const { state, tx } = pair13();
  const a = tx.writer.seal('application_data', Uint8Array.of(1)).bytes;
  const forged = tx.writer.seal('application_data', Uint8Array.of(2)).bytes.slice();
  forged[forged.length - 1]! ^= 1;
  tx.installWriteKeys(4, suite13, keysFor(nodeProvider, suite13, 4));
  const next = tx.writer.seal('application_data', Uint8Array.of(4)).bytes;
  t.deepEqual(run13(state, concatBytes([a, a, forged, next])), {
    taken: [[1]],
    held: 1,
    drops: { replay: 1, authentication: 1 },
  });
});
