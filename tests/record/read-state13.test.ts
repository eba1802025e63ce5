import test from 'ava';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { Header13, readHeader13 } from '../../runtime/record/codec13.js';
import { EpochCipher } from '../../runtime/record/epoch-cipher.js';
import { IntegrityMonitor } from '../../runtime/record/integrity-monitor.js';
import { INTEGRITY_RATE_THRESHOLD, type AeadLimits } from '../../runtime/record/limits.js';
import { ReadEpochs } from '../../runtime/record/read-epochs.js';
import { ReadState13, type RecordOverflow } from '../../runtime/record/read-state13.js';
import { HELD } from '../../runtime/record/record-codec.js';
import { RecordLayer } from '../../runtime/record/record-layer.js';
import { ReplayWindow } from '../../runtime/record/replay-window.js';
import { SequenceRecovery } from '../../runtime/record/sequence-recovery.js';
import { keysFor } from '../support/record-pair.js';

/**
 * DTLS 1.3's read state (runtime/record/read-state13.ts): a record whose unified header codec13.ts read, opened: the
 * epoch resolved, the sequence number reconstructed, the replay window, the budgets; what an attacker sends refused.
 */

const suite: SupportedCipherSuite = 'tls_aes_128_gcm_sha256';

/** A read state holding `epochs`, and a sender with the same keys. */
function pair(
  epochs: readonly number[],
  failuresPerSecond = 1_000_000,
  integrity = new IntegrityMonitor(failuresPerSecond, 0),
  limits?: AeadLimits,
): { rx: ReadState13; tx: RecordLayer; told: RecordOverflow; held: ReadEpochs } {
  const held = new ReadEpochs(10_000, 4);
  for (const epoch of epochs)
    held.install(epoch, {
      cipher: new EpochCipher(nodeProvider, epoch, suite, keysFor(nodeProvider, suite, epoch), limits),
      window: new ReplayWindow(64),
      recovery: new SequenceRecovery(),
      expiresAt: undefined,
    });
  integrity.datagramStarted();
  const tx = new RecordLayer({ provider: nodeProvider });
  const told: RecordOverflow = { recordOverflow: undefined };
  return { rx: new ReadState13(held, integrity, undefined, told), tx, told, held };
}

function sealed(
  tx: RecordLayer,
  epoch: number,
  body: Uint8Array,
  type: 'application_data' | 'alert' = 'application_data',
): Uint8Array {
  if (tx.writer.writeEpoch !== epoch) tx.installWriteKeys(epoch, suite, keysFor(nodeProvider, suite, epoch));
  return tx.writer.seal(type, body).bytes;
}

function open(rx: ReadState13, d: Uint8Array): { answer: ReturnType<ReadState13['open']>; h: Header13 } {
  const h = new Header13();
  if (!readHeader13(d, 0, 0, h)) throw new Error('the test record does not frame');
  return { answer: rx.open(d, h, 0), h };
}

test('a record opens: its content, with its epoch, sequence number and inner content type in the header', (t) => {
  const { rx, tx } = pair([3]);
  sealed(tx, 3, Uint8Array.of(0));
  const { answer, h } = open(rx, sealed(tx, 3, Uint8Array.of(1, 2, 3), 'alert'));
  t.deepEqual(typeof answer === 'string' ? answer : [...answer], [1, 2, 3]);
  t.like(h, { epoch: 3, sequenceNumber: 1, contentType: 21 });
});

test('a replay and a record left of the window are refused after opening; out of order within the window opens', (t) => {
  const { rx, tx } = pair([3]);
  const records = Array.from({ length: 70 }, (_, i) => sealed(tx, 3, Uint8Array.of(i)));
  t.not(typeof open(rx, records[1]!).answer, 'string');
  t.not(typeof open(rx, records[0]!).answer, 'string', 'reordered, within the window');
  t.is(open(rx, records[1]!).answer, 'replay');
  t.not(typeof open(rx, records[69]!).answer, 'string');
  t.is(open(rx, records[2]!).answer, 'too-old');
});

test('a forged tag is refused and moves nothing: the genuine record still opens', (t) => {
  const { rx, tx } = pair([3]);
  const record = sealed(tx, 3, Uint8Array.of(7));
  const forged = record.slice();
  forged[forged.length - 1]! ^= 1;
  t.is(open(rx, forged).answer, 'authentication');
  t.not(typeof open(rx, record).answer, 'string');
});

test('truncated: a ciphertext shorter than the 16 bytes the mask needs is too-short, untried', (t) => {
  const { rx, tx } = pair([3]);
  const record = sealed(tx, 3, Uint8Array.of(7));
  const h = new Header13();
  readHeader13(record, 0, 0, h);
  h.length = 15;
  h.end = h.at + h.headerLength + 15;
  t.is(rx.open(record, h, 0), 'too-short');
});

test('the wrong epoch: a next epoch not installed yet is held; bits naming no epoch are unknown', (t) => {
  const { rx, tx } = pair([2, 3]);
  const epoch4 = sealed(tx, 4, Uint8Array.of(1));
  t.is(open(rx, epoch4).answer, HELD, 'the next epoch: kept for its keys');
  const { rx: fresh } = pair([]);
  t.is(open(fresh, epoch4).answer, 'unknown-epoch', 'epoch bits 0 with no epoch installed: not a protected epoch');
});

test('past the per-second failure budget a record is dropped untried', (t) => {
  const { rx, tx } = pair([3], 1);
  const forged = (): Uint8Array => {
    const f = sealed(tx, 3, Uint8Array.of(1));
    f[f.length - 1]! ^= 1;
    return f;
  };
  t.is(open(rx, forged()).answer, 'authentication');
  t.is(open(rx, forged()).answer, 'authentication-rate');
});

test('a record that opens ends the run of failures: the first failure of the next run is probed again', (t) => {
  // sequence-recovery.ts: the first 8 failures in a row, and every 16th after them, are tried again spans ahead
  // (AES-GCM's limit allows probes).
  const { rx, tx, held } = pair([3]);
  const epoch = held.get(3)!;
  const forged = (): Uint8Array => {
    const f = sealed(tx, 3, Uint8Array.of(1));
    f[f.length - 1]! ^= 1;
    return f;
  };
  for (let i = 0; i < 15; i++) t.is(open(rx, forged()).answer, 'authentication');
  t.is(epoch.recovery.inRow, 15);
  t.is(epoch.cipher.failed, 15 + 8, 'one decryption per forged record, and the first 8 probed');
  t.false(typeof open(rx, sealed(tx, 3, Uint8Array.of(2))).answer === 'string', 'a genuine record opens');
  t.is(epoch.recovery.inRow, 0, 'the run ended');
  t.is(open(rx, forged()).answer, 'authentication');
  t.is(epoch.cipher.failed, 15 + 8 + 2, 'the first failure of the new run probed');
});

// The read state asks the monitor only once something failed in the datagram or the key's rate started
// (IntegrityMonitor.mayOpen): each of the two alone must still drop a record untried.
test('past the per-second budget, before any key rate starts (the layer rates a key from 3/4 of its limit), a datagram gets one failure', (t) => {
  const integrity = new IntegrityMonitor(1, 128, INTEGRITY_RATE_THRESHOLD);
  const { rx, tx } = pair([3], 1, integrity);
  const forged = (): Uint8Array => {
    const f = sealed(tx, 3, Uint8Array.of(1));
    f[f.length - 1]! ^= 1;
    return f;
  };
  t.is(open(rx, forged()).answer, 'authentication');
  t.is(open(rx, forged()).answer, 'authentication-rate', 'the second failure of the datagram is not tried');
});

test('a key past its failure rate has its records dropped untried in the next datagram too', (t) => {
  // The key's rate from its first failure: 2^20 failures over 2^20 seconds, one a second.
  const integrity = new IntegrityMonitor(1_000_000, 2 ** 20);
  const { rx, tx } = pair([3], 1_000_000, integrity, { confidentiality: 2 ** 20, integrity: 2 ** 20 });
  const forged = (): Uint8Array => {
    const f = sealed(tx, 3, Uint8Array.of(1));
    f[f.length - 1]! ^= 1;
    return f;
  };
  t.is(open(rx, forged()).answer, 'authentication');
  integrity.datagramStarted();
  t.is(integrity.failedInDatagram, 0);
  t.is(open(rx, forged()).answer, 'authentication-rate', "the key's second failure this second is not tried");
});

test('above our record_size_limit a record of epoch 2 or later is too-long, and the overflow is kept for the alert', (t) => {
  const { rx, tx, told } = pair([3]);
  rx.receiveInnerLimit = 4;
  t.is(open(rx, sealed(tx, 3, new Uint8Array(8))).answer, 'too-long');
  t.deepEqual(told.recordOverflow, { epoch: 3, length: 9 });
});
