import test from 'ava';
import { concatBytes } from '../../runtime/wire/bytes.js';
import { writeDtlsCiphertextHeader } from '../../generated/wire/dtls-ciphertext-header.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { CODEC13, Header13, MAX_CIPHERTEXT_13, readHeader13, writeHeader13 } from '../../runtime/record/codec13.js';
import { framed } from '../../runtime/record/record-codec.js';
import type { ReceivedRecord } from '../../runtime/record/record-reader.js';
import type { RecordLayer } from '../../runtime/record/record-layer.js';
import type { DropCounters } from '../../runtime/record/drops.js';
import { Writer } from '../../runtime/wire/index.js';
import { keysFor, recordPair } from '../support/record-pair.js';

/**
 * DTLS 1.3's record codec (runtime/record/codec13.ts): the unified header read in place and written, and what a peer
 * can send at the record layer that reads through it (record-reader.ts): truncated and overlong records, unknown
 * types, other epochs, forged tags, replays, CIDs not ours, tampered record numbers, and the failure budget.
 */

const provider = nodeProvider;
const suite = 'tls_aes_128_gcm_sha256';
const cid = Uint8Array.of(0xc1, 0xd0, 0xc2);

/** A unified header's length: a `cidLength`-byte CID (0: none), a 16- or 8-bit sequence number, a length or not. */
function headerLength13(cidLength: number, seq16: boolean, withLength: boolean): number {
  return 1 + cidLength + (seq16 ? 2 : 1) + (withLength ? 2 : 0);
}

function records(out: readonly ReceivedRecord[]): Extract<ReceivedRecord, { kind: 'record' }>[] {
  return out.filter((r): r is Extract<ReceivedRecord, { kind: 'record' }> => r.kind === 'record');
}

/** The drop counters that are not zero. */
function dropped(rx: RecordLayer): Partial<DropCounters> {
  return Object.fromEntries(Object.entries(rx.reader.drops).filter(([, n]) => n > 0));
}

const payload = Uint8Array.of(1, 2, 3, 4, 5);

test('readHeader13 reads every field of a sealed record in place, at any offset, every header form', (t) => {
  for (const withCid of [false, true]) {
    for (const sequenceNumberLength of [8, 16] as const) {
      for (const includeLength of [true, false]) {
        const { tx } = recordPair({ sender: provider, suite, ...(withCid ? { cid } : {}) });
        const record = tx.writer.seal('application_data', payload, { sequenceNumberLength, includeLength }).bytes;
        const d = concatBytes([Uint8Array.of(9, 9, 9), record]);
        const h = new Header13();
        const what = `cid=${withCid} seq=${sequenceNumberLength} length=${includeLength}`;
        t.true(readHeader13(d, 3, cid.length, h), what);
        const headerLength = headerLength13(withCid ? cid.length : 0, sequenceNumberLength === 16, includeLength);
        t.like(
          h,
          {
            at: 3,
            epochBits: 3,
            hasCid: withCid,
            cidLength: withCid ? cid.length : 0,
            seq16: sequenceNumberLength === 16,
            headerLength,
            length: record.length - headerLength,
            end: d.length,
          },
          what,
        );
      }
    }
  }
});

test('writeHeader13 writes the bytes the generated DTLSCiphertext header encoder writes, every form', (t) => {
  for (const c of [undefined, cid]) {
    for (const seq16 of [false, true]) {
      for (const withLength of [false, true]) {
        const seq = 0x1234567;
        const length = 0x0abc;
        const out = new Uint8Array(16);
        const h = Object.assign(new Header13(), {
          epoch: 6,
          sequenceNumber: seq,
          seq16,
          hasLength: withLength,
          length,
        });
        const n = writeHeader13(out, h, c);
        const w = new Writer('DtlsCiphertextHeader', 16);
        writeDtlsCiphertextHeader(
          w,
          {
            sequenceNumber16bit: seq16,
            epochLowBits: 2,
            connectionId: c,
            sequenceNumber: seq16 ? seq & 0xffff : seq & 0xff,
            length: withLength ? length : undefined,
          },
          c?.length ?? 0,
        );
        t.deepEqual(out.subarray(0, n), w.finish(), `cid=${c !== undefined} seq16=${seq16} length=${withLength}`);
        t.is(n, headerLength13(c?.length ?? 0, seq16, withLength));
      }
    }
  }
});

test('CODEC13 as a RecordCodec: framed says where a datagram of unified headers ends, or that it does not frame', (t) => {
  const { tx } = recordPair({ sender: provider, suite });
  const rs = [0, 1, 2].map(() => tx.writer.seal('application_data', payload).bytes);
  const d = concatBytes(rs);
  const h = CODEC13.newHeader();
  t.is(framed(CODEC13, d, 0, 128, h), d.length);
  t.is(framed(CODEC13, d, 0, 2, h), rs[0]!.length + rs[1]!.length);
  t.is(framed(CODEC13, concatBytes([d, Uint8Array.of(0x2c)]), 0, 128, h), undefined, 'a trailing partial header');
  t.is(
    framed(CODEC13, concatBytes([d, Uint8Array.of(22, 0xfe, 0xfd)]), 0, 128, h),
    undefined,
    'a DTLSPlaintext is not 1.3 framing',
  );
});

test('attacker: truncated records are dropped as malformed (header cut, length past the datagram) or too short', (t) => {
  const { tx, rx } = recordPair({ sender: provider, suite });
  const record = tx.writer.seal('application_data', payload, { sequenceNumberLength: 16, includeLength: true }).bytes;
  const h = new Header13();
  t.false(readHeader13(record.subarray(0, 4), 0, 0, h), 'header cut before its length');
  t.false(readHeader13(record.subarray(0, record.length - 1), 0, 0, h), 'length past the datagram');
  t.deepEqual(records(rx.reader.receive(record.subarray(0, 4), 0)), []);
  t.deepEqual(records(rx.reader.receive(record.subarray(0, record.length - 1), 0)), []);
  // No length field, S bit set: a 1-byte datagram is a header cut before its sequence number.
  t.deepEqual(records(rx.reader.receive(Uint8Array.of(0x2b), 0)), []);
  // What follows a record that does not frame is not read either.
  t.deepEqual(dropped(rx), { malformed: 3, 'datagram-remainder': 2 });
  // A header that fits without a length, and less than a tag after it.
  const short = tx.writer.seal('application_data', payload, { sequenceNumberLength: 16, includeLength: false }).bytes;
  t.deepEqual(records(rx.reader.receive(short.subarray(0, 3 + 15), 0)), []);
  t.deepEqual(dropped(rx), { malformed: 3, 'datagram-remainder': 2, 'too-short': 1 });
  t.is(records(rx.reader.receive(record, 0)).length, 1, 'the genuine record still opens');
});

test('attacker: a length over 2^14 + 256 does not frame, and is dropped as too long', (t) => {
  const { tx, rx } = recordPair({ sender: provider, suite });
  const record = tx.writer.seal('application_data', payload, { sequenceNumberLength: 16, includeLength: true }).bytes;
  const long = new Uint8Array(5 + MAX_CIPHERTEXT_13 + 1);
  long.set(record.subarray(0, 3));
  long[3] = (MAX_CIPHERTEXT_13 + 1) >>> 8;
  long[4] = (MAX_CIPHERTEXT_13 + 1) & 0xff;
  t.false(readHeader13(long, 0, 0, new Header13()));
  t.deepEqual(records(rx.reader.receive(long, 0)), []);
  t.deepEqual(dropped(rx), { 'too-long': 1, 'datagram-remainder': 1 });
});

test('attacker: a first byte that is neither a unified header nor a DTLSPlaintext type is an unknown record type', (t) => {
  const { tx, rx } = recordPair({ sender: provider, suite });
  const record = tx.writer.seal('application_data', payload).bytes;
  for (const b0 of [0x40, 0x60, 0xff, 0x00]) {
    const forged = record.slice();
    forged[0] = b0 | (record[0]! & 0x1f);
    t.false(readHeader13(forged, 0, 0, new Header13()), `0x${b0.toString(16)}`);
    t.deepEqual(records(rx.reader.receive(forged, 0)), [], `0x${b0.toString(16)}`);
  }
  t.deepEqual(dropped(rx), { 'unknown-record-type': 4, 'datagram-remainder': 4 });
});

test('attacker: a record of an epoch whose keys went is dropped unopened; one of the next epoch is handed back deferred', (t) => {
  const { tx, rx } = recordPair({ sender: provider, suite, epoch: 2 });
  tx.installWriteKeys(3, suite, keysFor(provider, suite, 3));
  rx.reader.installReadKeys(3, suite, keysFor(provider, suite, 3));
  const old = tx.writer.seal('handshake', payload, { epoch: 2 }).bytes;
  const current = tx.writer.seal('application_data', payload).bytes;
  tx.installWriteKeys(4, suite, keysFor(provider, suite, 4));
  const next = tx.writer.seal('application_data', payload).bytes;
  const [deferred] = rx.reader.receive(next, 0);
  t.is(deferred?.kind, 'deferred');
  t.deepEqual(deferred?.kind === 'deferred' ? deferred.record : undefined, next);
  rx.reader.dropReadEpoch(2);
  t.deepEqual(rx.reader.receive(old, 0), []);
  t.deepEqual(dropped(rx), { 'epoch-dropped': 1 });
  t.deepEqual(rx.usage().read, [{ epoch: 3, used: 0, failed: 0, integrityLimit: rx.usage().read[0]!.integrityLimit }]);
  t.is(records(rx.reader.receive(current, 0))[0]?.epoch, 3);
});

test('attacker: a forged tag is dropped as authentication and counted against the key; nothing is handed up', (t) => {
  const { tx, rx } = recordPair({ sender: provider, suite });
  const record = tx.writer.seal('application_data', payload).bytes;
  const forged = record.slice();
  forged[forged.length - 1]! ^= 1;
  t.deepEqual(rx.reader.receive(forged, 0), []);
  t.deepEqual(dropped(rx), { authentication: 1 });
  // Two decryptions count against the key: the first failure in a row is tried again a span ahead (sequence-recovery.ts).
  t.is(rx.usage().read[0]!.failed, 2);
  t.is(records(rx.reader.receive(record, 0)).length, 1, 'the genuine record still opens');
});

test('attacker: a replayed record is dropped as replay, and the duplicate observer told', (t) => {
  const { tx, rx } = recordPair({ sender: provider, suite });
  const record = tx.writer.seal('application_data', payload).bytes;
  const told: number[] = [];
  rx.reader.onDuplicate = { duplicate: (_epoch, seq) => told.push(seq) };
  t.is(records(rx.reader.receive(record, 0)).length, 1);
  t.deepEqual(rx.reader.receive(record, 0), []);
  t.deepEqual(rx.reader.receive(concatBytes([record, record]), 0), []);
  t.deepEqual(dropped(rx), { replay: 3 });
  t.deepEqual(told, [0, 0, 0]);
});

test('attacker: a CID not ours drops the record and the rest of its datagram unopened', (t) => {
  const { tx, rx } = recordPair({ sender: provider, suite, cid });
  const record = tx.writer.seal('application_data', payload).bytes;
  const other = record.slice();
  other[1]! ^= 0x80;
  t.deepEqual(rx.reader.receive(concatBytes([other, record]), 0), []);
  t.deepEqual(dropped(rx), { 'connection-id': 1, 'datagram-remainder': 1 });
  t.is(rx.usage().read[0]!.failed, 0, 'no decryption was spent on it');
  const [got] = records(rx.reader.receive(record, 0));
  t.deepEqual(got?.connectionId, cid);
});

test('attacker: a tampered masked sequence number fails authentication and moves no window', (t) => {
  const { tx, rx } = recordPair({ sender: provider, suite });
  const first = tx.writer.seal('application_data', payload, { sequenceNumberLength: 16 }).bytes;
  const second = tx.writer.seal('application_data', payload, { sequenceNumberLength: 16 }).bytes;
  // The record number is masked on the wire (RFC 9147 §4.2.3): the two records' numbers are not 0 and 1 in clear.
  t.false(first[1] === 0 && first[2] === 0 && second[1] === 0 && second[2] === 1);
  for (const bit of [0x01, 0x80]) {
    const tampered = second.slice();
    tampered[1]! ^= bit;
    t.deepEqual(rx.reader.receive(tampered, 0), []);
  }
  t.deepEqual(dropped(rx), { authentication: 2 });
  t.deepEqual(
    records(rx.reader.receive(concatBytes([first, second]), 0)).map((r) => r.sequenceNumber),
    [0, 1],
    'both genuine records open, in order',
  );
});

test('attacker: past the failure budget a datagram gets one decryption; genuine records still open', (t) => {
  const { tx, rx } = recordPair({ sender: provider, suite, config: { maxFailedAuthenticationsPerSecond: 2 } });
  const forge = (): Uint8Array => {
    const r = tx.writer.seal('application_data', payload).bytes.slice();
    r[r.length - 1]! ^= 1;
    return r;
  };
  t.deepEqual(rx.reader.receive(forge(), 0), []);
  t.deepEqual(rx.reader.receive(forge(), 10), []);
  t.deepEqual(dropped(rx), { authentication: 2 });
  t.deepEqual(rx.reader.receive(concatBytes([forge(), forge(), forge()]), 20), []);
  t.deepEqual(dropped(rx), { authentication: 3, 'authentication-rate': 2 });
  t.is(rx.usage().read[0]!.failed, 4, 'three forged records, and the probe of the first in a row');
  const genuine = tx.writer.seal('application_data', payload).bytes;
  t.is(records(rx.reader.receive(genuine, 30)).length, 1, 'a genuine datagram past the budget opens');
  t.deepEqual(rx.reader.receive(concatBytes([forge(), forge()]), 1500), []);
  t.deepEqual(dropped(rx), { authentication: 5, 'authentication-rate': 2 }, 'a new second, a new budget');
});
