/**
 * The run road (runtime/record/read-state13.ts `takeNext`): a datagram of a receive batch taken as the next record of
 * the run opened ahead, with no view of it made, only when the one road (`receive`) would take it from that run as
 * application data. A batch holding a replayed record, a forged one and the genuine record after it, a handshake
 * record and records out of order is read with the run road tried first for each datagram after the first, and gives
 * the records, drop counts and sequence numbers of a receiver reading every datagram alone on the one road; the run
 * road takes exactly the genuine, fresh application data records that follow no failed authentication. What it hands
 * up survives the receive buffer's reuse. DTLS 1.2's run road (read-state12.ts and epochs12.ts `takeNext`) the same,
 * with and without CIDs (tls12_cid records), against a 1.2 read state reading every datagram on the one loop as
 * Connection12.receive does.
 */
import test from 'ava';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { OPEN_RUNS, OPENED_AHEAD } from '../../runtime/record/opened-ahead.js';
import { Header12 } from '../../runtime/record/codec12.js';
import { EpochCipher12 } from '../../runtime/record/epoch-cipher12.js';
import { IntegrityMonitor } from '../../runtime/record/integrity-monitor.js';
import { ReadState12 } from '../../runtime/record/read-state12.js';
import { RecordLayer } from '../../runtime/record/record-layer.js';
import { readRecords } from '../../runtime/record/record-loop.js';
import type { ReceivedRecord } from '../../runtime/record/record-reader.js';
import { DTLS12_CIPHER_SUITES } from '../../runtime/versions/suites12.js';
import { beginReceiveBatch, endReceiveBatch, MessageArena } from '../../runtime/wire/message-arena.js';
import { keysFor, recordPair } from '../support/record-pair.js';
import { Batch } from '../support/receive-batch.js';

const suite = 'tls_aes_128_gcm_sha256';
const utf8 = new TextEncoder();
const plain = (r: ReceivedRecord): string =>
  r.kind === 'record' ? `${r.sequenceNumber} ${r.contentType}:${Buffer.from(r.content).toString()}` : 'deferred';

const provider = nativeProvider;
const A = new Uint8Array([0xa, 0xa, 0xa, 0xa]);
const B = new Uint8Array([0xb, 0xb, 0xb, 0xb]);
const C = new Uint8Array([0xc, 0xc, 0xc, 0xc]);
const hex = (c: Uint8Array | undefined): string => (c === undefined ? '-' : Buffer.from(c).toString('hex'));
/** A record as `seq type:text cid`. */
const shown = (r: ReceivedRecord): string => (r.kind !== 'record' ? 'deferred' : `${plain(r)} ${hex(r.connectionId)}`);

/**
 * A batch read with the run road tried first for each datagram after the first, against a receiver reading every
 * datagram alone on the one road. `cids`: CIDs negotiated (A and B ours), the sender moving from A to B, a record with
 * a CID not ours (C) amid B's run, and A retired (no longer ours) before the run's last A record.
 */
function runRoad13(mode: 'batch' | 'own', cids: boolean): void {
  const title =
    `the run road takes what the one road would take from the run, and nothing else (${mode}` +
    `${cids ? ', CIDs' : ''})`;
  // No runs without the addon (DTLS13_NATIVE=0, or DTLS13_OPEN_RUN=0): every datagram takes the one road.
  (provider !== undefined && OPEN_RUNS ? test : test.skip)(title, (t) => {
    if (provider === undefined) return;
    const config = { messageBuffers: mode };
    const { tx, rx } = recordPair({ sender: provider, suite, config, ...(cids ? { cid: A } : {}) });
    const alone = new RecordLayer({ provider, messageBuffers: mode });
    alone.reader.installReadKeys(3, suite, keysFor(provider, suite, 3), 0);
    const mine = new Set([hex(A), hex(B)]);
    const ours = { length: 4, ours: (cid: Uint8Array): boolean => mine.has(hex(cid)) };
    if (cids) for (const layer of [rx, alone]) layer.reader.setConnectionIds(ours);
    const seal = (type: 'application_data' | 'handshake', text: string): Uint8Array =>
      tx.writer.seal(type, utf8.encode(text)).bytes;
    const s = [0, 1, 2, 3].map((i) => seal('application_data', `data ${i}`));
    const hs = seal('handshake', 'a handshake message');
    const forged = s[3]!.slice();
    forged[forged.length - 1]! ^= 1;
    let datagrams: Uint8Array[];
    let retireAt = -1;
    if (!cids) {
      const [s5, s6, s7] = [5, 6, 7].map((i) => seal('application_data', `data ${i}`));
      // 0 opens the run; 2 replays 1; 4 is 3 forged, 5 the genuine 3; 6 a handshake record; 8 comes before 7.
      datagrams = [s[0]!, s[1]!, s[1]!.slice(), s[2]!, forged, s[3]!, hs, s5!, s7!, s6!];
    } else {
      const s4 = seal('application_data', 'data 4');
      tx.writer.setSendConnectionId(B);
      const [s5, s6, s7] = [5, 6, 7].map((i) => seal('application_data', `data ${i}`));
      const other = recordPair({ sender: provider, suite, cid: C }).tx;
      const notOurs = other.writer.seal('application_data', utf8.encode('not ours')).bytes;
      // As above to 6; A retired before 7 (the A run's last); 8 (B) opens a run, C's record amid it; 11 before 10.
      datagrams = [s[0]!, s[1]!, s[1]!.slice(), s[2]!, forged, s[3]!, hs, s4, s5!, notOurs, s7!, s6!];
      retireAt = 7;
    }
    const batch = new Batch(datagrams);
    const before = OPENED_AHEAD.next;
    const byRun: number[] = [];
    const received: string[] = [];
    // What the application does in 'own' mode: each message's ArrayBuffer transferred as it arrives.
    const buffers = new Set<ArrayBufferLike>();
    const keep = (r: ReceivedRecord): void => {
      received.push(shown(r));
      if (mode !== 'own' || r.kind !== 'record') return;
      const buffer = r.content.buffer as ArrayBuffer;
      buffers.add(buffer);
      structuredClone(buffer, { transfer: [buffer] });
    };
    const outer = beginReceiveBatch(batch);
    try {
      rx.reader.receive(batch.deliver(0), 0).forEach(keep);
      for (let i = 1; i < datagrams.length; i++) {
        if (i === retireAt) mine.delete(hex(A));
        batch.reach(i);
        const taken = { epoch: -1, sequenceNumber: -1, connectionId: undefined };
        const content = rx.reader.takeNext(batch.buffer, batch.start(i), datagrams[i]!.length, taken);
        if (content === undefined) {
          rx.reader.receive(batch.deliver(i), 0).forEach(keep);
          continue;
        }
        byRun.push(i);
        const { epoch, sequenceNumber, connectionId } = taken;
        const contentType = 'application_data';
        keep({ kind: 'record', epoch, sequenceNumber, contentType, content, protected: true, connectionId });
      }
    } finally {
      endReceiveBatch(outer);
    }
    mine.add(hex(A));
    const one: string[] = [];
    datagrams.forEach((d, i) => {
      if (i === retireAt) mine.delete(hex(A));
      one.push(...alone.reader.receive(d.slice(), 0).map(shown));
    });
    t.deepEqual(received, one);
    t.deepEqual(rx.reader.drops, alone.reader.drops);
    t.is(rx.reader.drops.replay, 1);
    t.is(rx.reader.drops.authentication, 1);
    t.is(rx.reader.drops['connection-id'], cids ? 2 : 0);
    if (mode === 'own') t.is(buffers.size, received.length, 'each message its own ArrayBuffer, transferred');
    const expected = cids ? [1, 3, 10, 11] : [1, 3, 7, 8, 9];
    t.deepEqual(byRun, expected, 'genuine, fresh application data after no failed authentication, its CID ours');
    t.is(OPENED_AHEAD.next - before, byRun.length);
  });
}

for (const mode of ['batch', 'own'] as const) for (const cids of [false, true]) runRoad13(mode, cids);

/** The 'batch' run road's messages survive the receive buffer's reuse. */
(provider !== undefined && OPEN_RUNS ? test : test.skip)('what the run road hands up survives the buffer', (t) => {
  if (provider === undefined) return;
  const { tx, rx } = recordPair({ sender: provider, suite, config: { messageBuffers: 'batch' } });
  const datagrams = [0, 1, 2].map((i) => tx.writer.seal('application_data', utf8.encode(`data ${i}`)).bytes);
  const batch = new Batch(datagrams);
  const received: Uint8Array[] = [];
  const outer = beginReceiveBatch(batch);
  try {
    for (const r of rx.reader.receive(batch.deliver(0), 0)) if (r.kind === 'record') received.push(r.content);
    for (let i = 1; i < datagrams.length; i++) {
      batch.reach(i);
      const taken = { epoch: -1, sequenceNumber: -1, connectionId: undefined };
      received.push(rx.reader.takeNext(batch.buffer, batch.start(i), datagrams[i]!.length, taken)!);
    }
  } finally {
    endReceiveBatch(outer);
  }
  batch.buffer.fill(0xee); // the next read's bytes
  t.deepEqual(
    received.map((c) => Buffer.from(c).toString()),
    ['data 0', 'data 1', 'data 2'],
  );
});

interface Reads12 {
  readonly reads: ReadState12;
  readonly integrity: IntegrityMonitor;
  readonly drops: Record<string, number>;
}

/**
 * A DTLS 1.2 read state switched to epoch 1's keys (with our CID `cid`: tls12_cid records), as a connection's after
 * the peer's ChangeCipherSpec, under `limits.integrityPolicy12` 'count' (the default: no key rate).
 */
function reads12(mode: 'batch' | 'own', cid?: Uint8Array): Reads12 {
  const drops: Record<string, number> = {};
  const integrity = new IntegrityMonitor(100, 0);
  const reads = new ReadState12(integrity, 64, mode === 'batch' ? new MessageArena() : undefined, {
    drop: (r) => void (drops[r] = (drops[r] ?? 0) + 1),
  });
  reads.pending(new EpochCipher12(provider!, suite12, keys12, 1, cid === undefined ? {} : { cid }));
  reads.install();
  reads.cidLength = cid?.length ?? 0;
  reads.wholeDatagrams = true;
  return { reads, integrity, drops };
}

/** Reads `d` on the one loop as Connection12.receive does: its records as `seq type:text`, their contents to `kept`. */
function readAlone12(
  { reads, integrity }: Reads12,
  d: Uint8Array,
  kept?: (content: Uint8Array, type: number) => void,
): string[] {
  const out: string[] = [];
  if (integrity.failedInDatagram !== 0) integrity.datagramStarted();
  readRecords(reads, d, new Header12(), 0, 128, {
    take: (_d, h, content) => {
      out.push(`${h.sequenceNumber} ${h.contentType}:${Buffer.from(content).toString()}`);
      kept?.(content, h.contentType);
      return true;
    },
    held: () => undefined,
  });
  return out;
}

const suite12 = DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_128_gcm_sha256;
const keys12 = { key: new Uint8Array(16).fill(7), iv: new Uint8Array(4).fill(9) };

/**
 * DTLS 1.2's run road against the one loop. `cids`: our CID A on tls12_cid records, the sender padding some records,
 * an alert, a record with another CID (C), one of another epoch and one with no content type inside the run.
 */
function runRoad12(mode: 'batch' | 'own', cids: boolean): void {
  const title12 =
    `DTLS 1.2: the run road takes what the one road would take from the run, and nothing else (${mode}` +
    `${cids ? ', CIDs' : ''})`;
  (provider !== undefined && OPEN_RUNS ? test : test.skip)(title12, (t) => {
    if (provider === undefined) return;
    // Padding on every other record (its content's length odd): the addon strips it as the one loop does.
    const padding = (length: number): number => (length % 2 === 1 ? 5 : 0);
    const tx = new EpochCipher12(provider, suite12, keys12, 1, cids ? { cid: A, padding } : {});
    const seal = (type: number, seq: number, text: string): Uint8Array => tx.seal(type, seq, utf8.encode(text)).slice();
    const s = [0, 1, 2, 3, 5, 6, 7, 9].map((i) => seal(23, i, `data ${i}${i % 3 === 0 ? '.' : ''}`));
    const hs = seal(22, 4, 'a handshake message');
    const forged = s[3]!.slice();
    forged[forged.length - 1]! ^= 1;
    // 0 opens the run; 2 replays 1; 4 is 3 forged, 5 the genuine 3; 6 a handshake record; 8 (7) comes before 9 (6).
    let datagrams = [s[0]!, s[1]!, s[1]!.slice(), s[2]!, forged, s[3]!, hs, s[4]!, s[6]!, s[5]!];
    if (cids) {
      const other = new EpochCipher12(provider, suite12, keys12, 1, { cid: C });
      const notOurs = other.seal(23, 11, utf8.encode('not ours')).slice();
      const alert = seal(21, 8, 'an alert');
      const untyped = tx.seal(0, 10, new Uint8Array(0)).slice(); // a DTLSInnerPlaintext of zeros: no content type
      const epoch2 = new EpochCipher12(provider, suite12, keys12, 2, { cid: A }).seal(23, 12, utf8.encode('epoch 2'));
      // As above to 7; 8 another CID's, 9 a record of epoch 2, 10 an alert inside, 11 (9), 12 no content type; 13 (7)
      // before 14 (6).
      datagrams = [...datagrams.slice(0, 8), notOurs, epoch2.slice(), alert, s[7]!, untyped, s[6]!, s[5]!];
    }
    const rx = reads12(mode, cids ? A : undefined);
    // What the application does in 'own' mode: each message's ArrayBuffer transferred as it arrives.
    const buffers = new Set<ArrayBufferLike>();
    let own = 0;
    const kept = (content: Uint8Array, type: number): void => {
      // A record that is not application data: its content a copy of its own, never a view of the run's arena.
      if (type !== 23 && content.byteLength === content.buffer.byteLength) own++;
      if (mode !== 'own') return;
      const buffer = content.buffer as ArrayBuffer;
      buffers.add(buffer);
      structuredClone(buffer, { transfer: [buffer] });
    };
    const batch = new Batch(datagrams);
    const before = OPENED_AHEAD.next;
    const byRun: number[] = [];
    const received: string[] = [];
    const outer = beginReceiveBatch(batch);
    try {
      received.push(...readAlone12(rx, batch.deliver(0), kept));
      for (let i = 1; i < datagrams.length; i++) {
        batch.reach(i);
        const taken = { sequenceNumber: -1, type: -1 };
        const content = rx.reads.takeNext(batch.start(i), datagrams[i]!.length, 0, taken);
        if (content === undefined) {
          received.push(...readAlone12(rx, batch.deliver(i), kept));
          continue;
        }
        byRun.push(i);
        t.is(taken.type, cids ? 25 : 23, 'the outer type as the one loop reads it');
        received.push(`${taken.sequenceNumber} 23:${Buffer.from(content).toString()}`);
        kept(content, 23);
      }
    } finally {
      endReceiveBatch(outer);
    }
    const alone = reads12(mode, cids ? A : undefined);
    const one = datagrams.flatMap((d) => readAlone12(alone, d.slice()));
    t.deepEqual(received, one);
    t.deepEqual(rx.drops, alone.drops);
    const more = cids ? { 'connection-id': 1, 'no-content-type': 1, 'unknown-epoch': 1 } : {};
    t.deepEqual(rx.drops, { replay: 1, authentication: 1, ...more });
    t.is(own, cids ? 2 : 1, 'the handshake record (and the alert) handed up in arrays of their own');
    // The replay is refused before opening on the one road, so the run's next record is still it: 3 opens alone.
    t.deepEqual(byRun, cids ? [1, 7, 11, 13, 14] : [1, 7, 8, 9], 'genuine, fresh application data after no failure');
    t.is(OPENED_AHEAD.next - before, byRun.length);
    if (mode === 'own') t.is(buffers.size, received.length, 'each message its own ArrayBuffer, transferred');
    batch.buffer.fill(0xee); // the next read's bytes
    t.deepEqual(received, one);
  });
}

for (const mode of ['batch', 'own'] as const) for (const cids of [false, true]) runRoad12(mode, cids);

/**
 * 'batch' mode with CIDs: the application may write anywhere in the ArrayBuffer its messages view, the run's arena. A
 * handshake record and an alert inside the run were set aside when the run was opened: they reach the connection as
 * the one loop gives them, whatever the application wrote after the run's first message.
 */
(provider !== undefined && OPEN_RUNS ? test : test.skip)(
  'DTLS 1.2 with CIDs: what is not application data is read from the run before the application writes',
  (t) => {
    if (provider === undefined) return;
    const tx = new EpochCipher12(provider, suite12, keys12, 1, { cid: A });
    const seal = (type: number, seq: number, text: string): Uint8Array => tx.seal(type, seq, utf8.encode(text)).slice();
    const datagrams = [seal(23, 0, 'data 0'), seal(22, 1, 'a handshake message'), seal(21, 2, 'an alert')];
    datagrams.push(seal(23, 3, 'data 3'));
    const rx = reads12('batch', A);
    const batch = new Batch(datagrams);
    const received: string[] = [];
    const outer = beginReceiveBatch(batch);
    try {
      // The first message's ArrayBuffer, the arena the run opened into (no copy), overwritten by the application.
      readAlone12(rx, batch.deliver(0), (content) => {
        t.true(content.buffer.byteLength > content.byteLength, 'a view of the run');
        new Uint8Array(content.buffer).fill(0xee);
      });
      for (let i = 1; i < datagrams.length; i++) {
        batch.reach(i);
        const content = rx.reads.takeNext(batch.start(i), datagrams[i]!.length, 0, { sequenceNumber: -1, type: -1 });
        if (content === undefined) received.push(...readAlone12(rx, batch.deliver(i)));
        else received.push(`${i} 23:(the application's bytes)`);
      }
    } finally {
      endReceiveBatch(outer);
    }
    t.deepEqual(received, ['1 22:a handshake message', '2 21:an alert', "3 23:(the application's bytes)"]);
  },
);
