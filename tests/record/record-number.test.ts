import test from 'ava';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { RecordLayer, recordNumberKey, type RecordNumberKey } from '../../runtime/record/record-layer.js';
import type { ReceivedRecord } from '../../runtime/record/record-reader.js';
import { keysFor, recordPair } from '../support/record-pair.js';

/** seal / sealPlaintext return the record number an ACK will name (RFC 9147 §4, §7). */

function firstRecord(out: readonly ReceivedRecord[]): { epoch: number; sequenceNumber: number } | undefined {
  const r = out.find((x) => x.kind === 'record');
  return r?.kind === 'record' ? { epoch: r.epoch, sequenceNumber: r.sequenceNumber } : undefined;
}

test('seal returns the bytes and the record number the receiver reports', (t) => {
  const { tx, rx } = recordPair({ sender: nodeProvider, suite: 'tls_chacha20_poly1305_sha256', epoch: 3 });
  for (let i = 0; i < 300; i++) {
    const sealed = tx.writer.seal('application_data', Uint8Array.of(i & 0xff), {
      sequenceNumberLength: i % 2 === 0 ? 8 : 16,
    });
    t.deepEqual(sealed.number, { epoch: 3, sequenceNumber: i });
    t.deepEqual(firstRecord(rx.reader.receive(sealed.bytes, 0)), sealed.number);
  }
});

test('seal in an older epoch numbers from that epoch; sealPlaintext numbers epoch 0', (t) => {
  const suite = 'tls_aes_128_gcm_sha256';
  const tx = new RecordLayer({ provider: nodeProvider });
  const rx = new RecordLayer({ provider: nodeProvider });
  t.deepEqual(tx.writer.sealPlaintext('handshake', Uint8Array.of(1)).number, { epoch: 0, sequenceNumber: 0 });
  const second = tx.writer.sealPlaintext('handshake', Uint8Array.of(2));
  t.deepEqual(second.number, { epoch: 0, sequenceNumber: 1 });
  t.deepEqual(firstRecord(rx.reader.receive(second.bytes, 0)), second.number);
  tx.writer.continuePlaintextFrom(7);
  t.deepEqual(tx.writer.sealPlaintext('alert', Uint8Array.of(1, 0)).number, { epoch: 0, sequenceNumber: 7 });
  tx.installWriteKeys(2, suite, keysFor(nodeProvider, suite, 2));
  tx.installWriteKeys(3, suite, keysFor(nodeProvider, suite, 3));
  t.deepEqual(tx.writer.seal('application_data', Uint8Array.of(1)).number, { epoch: 3, sequenceNumber: 0 });
  t.deepEqual(tx.writer.seal('handshake', Uint8Array.of(1), { epoch: 2 }).number, { epoch: 2, sequenceNumber: 0 });
  t.deepEqual(tx.writer.seal('handshake', Uint8Array.of(1), { epoch: 2 }).number, { epoch: 2, sequenceNumber: 1 });
  t.deepEqual(tx.writer.seal('application_data', Uint8Array.of(1)).number, { epoch: 3, sequenceNumber: 1 });
  t.false('lastSealed' in tx, 'no side channel');
});

test('recordNumberKey: one key per record number, the same from numbers and from bigints', (t) => {
  const keys = new Set<RecordNumberKey>();
  for (const [e, s] of [
    [1, 23],
    [12, 3],
    [0, 0],
    [0, 1],
    [1, 0],
    [2 ** 16 - 1, 2 ** 48 - 1],
    [2 ** 16 - 1, 2 ** 48 - 2],
    [2 ** 53 - 1, 2 ** 53 - 1],
  ] as const) {
    const k = recordNumberKey(e, s);
    t.false(keys.has(k), `${e}/${s} collides`);
    keys.add(k);
    t.is(recordNumberKey(BigInt(e), BigInt(s)), k);
  }
  t.is(String(recordNumberKey(3, 17)), '3:17');
  // An ACK naming a number no double can hold matches no record of ours.
  t.false(keys.has(recordNumberKey(2n ** 64n - 1n, 0n)));
  t.not(recordNumberKey(2n ** 53n + 1n, 0n), recordNumberKey(2 ** 53, 0));
  const seen = new Map([[recordNumberKey(4, 9), 'x']]);
  t.is(seen.get(recordNumberKey(4n, 9n)), 'x');
});
