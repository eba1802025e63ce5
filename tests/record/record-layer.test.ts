import test from 'ava';
import { encodeDtlsPlaintext } from '../../generated/wire/index.js';
import { ALL_CIPHER_SUITES } from '../../runtime/crypto/suites.js';
import { padToMultipleOf } from '../../runtime/record/inner-plaintext.js';
import { RecordLayer } from '../../runtime/record/record-layer.js';
import type { ReceivedRecord } from '../../runtime/record/record-reader.js';
import { RecordLayerError } from '../../runtime/record/record-writer.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { hex } from '../support/canon.js';
import { PROVIDERS } from '../support/providers.js';
import { keysFor, recordPair, totalDrops } from '../support/record-pair.js';

const utf8 = new TextEncoder();
const payload = (n: number, fill = 7): Uint8Array => new Uint8Array(n).fill(fill);

function delivered(out: readonly ReceivedRecord[]): Extract<ReceivedRecord, { kind: 'record' }>[] {
  return out.filter((r): r is Extract<ReceivedRecord, { kind: 'record' }> => r.kind === 'record');
}

for (const sender of PROVIDERS) {
  for (const receiver of PROVIDERS) {
    for (const suite of ALL_CIPHER_SUITES) {
      test(`${suite}: sealed by ${sender.name}, opened by ${receiver.name}, every header form`, (t) => {
        for (const cid of [undefined, Uint8Array.of(0xca, 0xfe, 0x01)]) {
          for (const sequenceNumberLength of [8, 16] as const) {
            for (const includeLength of [true, false]) {
              const { tx, rx } = recordPair({ sender, receiver, suite, ...(cid ? { cid } : {}) });
              for (const content of [new Uint8Array(0), utf8.encode('hello'), payload(1200)]) {
                const record = tx.writer.seal('application_data', content, {
                  sequenceNumberLength,
                  includeLength,
                }).bytes;
                const [got] = delivered(rx.reader.receive(record, 0));
                const what = `cid=${cid !== undefined} seq=${sequenceNumberLength} length=${includeLength} n=${content.length}`;
                t.truthy(got, what);
                t.is(got?.contentType, 'application_data', what);
                t.is(hex(got?.content ?? new Uint8Array([1])), hex(content), what);
              }
              t.is(totalDrops(rx), 0);
            }
          }
        }
      });
    }
  }
}

test('the unified header is as RFC 9147 §4 draws it, with the sequence number encrypted', (t) => {
  const { tx } = recordPair({
    sender: nodeProvider,
    suite: 'tls_aes_128_gcm_sha256',
    epoch: 3,
    cid: Uint8Array.of(0xab),
  });
  const r = tx.writer.seal('application_data', payload(20), { sequenceNumberLength: 16, includeLength: true }).bytes;
  t.is(r[0], 0b0011_1111); // 001 C S L EE=11
  t.is(r[1], 0xab);
  t.is((r[4]! << 8) | r[5]!, r.length - 6); // length covers the encrypted record
  const r8 = tx.writer.seal('application_data', payload(20), { sequenceNumberLength: 8, includeLength: false }).bytes;
  t.is(r8[0], 0b0011_0011);
  // Encrypted record numbers: the low byte on the wire is not just the counter (1, then masked).
  const plainSeqs = [0, 1];
  t.false(r[2] === 0 && r[3] === plainSeqs[0] && r8[2] === plainSeqs[1]);
});

test('any flipped bit makes the record drop (or wait for keys it will never open with)', (t) => {
  for (const suite of ALL_CIPHER_SUITES) {
    const { tx } = recordPair({ sender: nodeProvider, suite, cid: Uint8Array.of(9, 9) });
    const record = tx.writer.seal('application_data', utf8.encode('flip me')).bytes;
    for (let bit = 0; bit < record.length * 8; bit++) {
      const { rx } = recordPair({ sender: nodeProvider, suite, cid: Uint8Array.of(9, 9) });
      const bad = record.slice();
      bad[bit >> 3]! ^= 0x80 >> (bit & 7);
      const out = rx.reader.receive(bad, 0);
      t.is(delivered(out).length, 0, `${suite} bit ${bit}`);
      t.true(totalDrops(rx) >= 1 || out.some((o) => o.kind === 'deferred'), `${suite} bit ${bit}: dropped or deferred`);
    }
  }
});

test('replays drop; reordering within the window is accepted, outside it is dropped', (t) => {
  const { tx, rx } = recordPair({
    sender: nodeProvider,
    suite: 'tls_aes_128_gcm_sha256',
    config: { replayWindow: 64 },
  });
  const records = Array.from({ length: 200 }, (_, i) => tx.writer.seal('application_data', utf8.encode(`#${i}`)).bytes);
  t.is(delivered(rx.reader.receive(records[150]!, 0))[0]?.sequenceNumber, 150);
  t.is(delivered(rx.reader.receive(records[150]!, 0)).length, 0);
  t.is(rx.reader.drops.replay, 1);
  t.is(delivered(rx.reader.receive(records[87]!, 0))[0]?.sequenceNumber, 87); // 150 - 63: inside
  t.is(delivered(rx.reader.receive(records[86]!, 0)).length, 0); // 150 - 64: left of the window
  t.is(rx.reader.drops['too-old'], 1);
  t.is(delivered(rx.reader.receive(records[120]!, 0))[0]?.sequenceNumber, 120);
  t.is(delivered(rx.reader.receive(records[120]!, 0)).length, 0);
  t.is(rx.reader.drops.replay, 2);
  t.is(delivered(rx.reader.receive(records[199]!, 0))[0]?.sequenceNumber, 199);
});

test('a larger replay window accepts older reordered records', (t) => {
  const { tx, rx } = recordPair({
    sender: nodeProvider,
    suite: 'tls_chacha20_poly1305_sha256',
    config: { replayWindow: 256 },
  });
  const records = Array.from({ length: 300 }, () => tx.writer.seal('application_data', payload(3)).bytes);
  rx.reader.receive(records[299]!, 0);
  t.is(delivered(rx.reader.receive(records[44]!, 0))[0]?.sequenceNumber, 44); // 299 - 255
  t.is(delivered(rx.reader.receive(records[43]!, 0)).length, 0);
  t.throws(
    () =>
      new RecordLayer({ provider: nodeProvider, replayWindow: 32 }).reader.installReadKeys(
        3,
        'tls_aes_128_gcm_sha256',
        keysFor(nodeProvider, 'tls_aes_128_gcm_sha256', 3),
        0,
      ),
    {
      message: /at least 64|>= 64/,
    },
  );
});

for (const bits of [8, 16] as const) {
  test(`${bits}-bit sequence numbers reconstruct across wrap-around, well past 65,536 records`, (t) => {
    const { tx, rx } = recordPair({
      sender: nodeProvider,
      suite: 'tls_aes_128_gcm_sha256',
      config: { sequenceNumberLength: bits },
    });
    const gap = bits === 8 ? 100 : 20_000; // deliver with holes smaller than half the sequence space
    let expected = 0;
    let checked = 0;
    for (let i = 0; i < 70_000; i++) {
      const record = tx.writer.seal('application_data', Uint8Array.of(i & 0xff)).bytes;
      if (i % gap === 0 || i % 7 === 0 || i > 69_990) {
        const [got] = delivered(rx.reader.receive(record, 0));
        if (got?.sequenceNumber !== i) return void t.fail(`record ${i} came back as ${String(got?.sequenceNumber)}`);
        expected = i;
        checked++;
      }
    }
    t.is(expected, 69_999);
    t.true(checked > 10_000);
    t.is(totalDrops(rx), 0);
  });
}

test('records of an old epoch are read until its keys are dropped, then counted as epoch-dropped', (t) => {
  const suite = 'tls_aes_256_gcm_sha384';
  const tx = new RecordLayer({ provider: nodeProvider });
  const rx = new RecordLayer({ provider: nodeProvider, previousEpochRetention: 100 });
  tx.installWriteKeys(3, suite, keysFor(nodeProvider, suite, 3));
  rx.reader.installReadKeys(3, suite, keysFor(nodeProvider, suite, 3), 0);
  const old1 = tx.writer.seal('application_data', payload(5)).bytes;
  const old2 = tx.writer.seal('application_data', payload(5)).bytes;
  tx.installWriteKeys(4, suite, keysFor(nodeProvider, suite, 4));
  rx.reader.installReadKeys(4, suite, keysFor(nodeProvider, suite, 4), 1000);
  t.is(rx.reader.nextTimeout(), undefined, 'epoch 3 stays while nothing of epoch 4 arrived');
  t.is(delivered(rx.reader.receive(tx.writer.seal('application_data', payload(5)).bytes, 1010))[0]?.epoch, 4);
  t.is(rx.reader.nextTimeout(), 1110, 'the first record of epoch 4 starts the retention of epoch 3');
  t.is(delivered(rx.reader.receive(old1, 1050))[0]?.epoch, 3); // reordered, within retention
  rx.reader.handleTimeout(1110);
  t.is(rx.reader.nextTimeout(), undefined);
  t.is(delivered(rx.reader.receive(old2, 1200)).length, 0);
  t.is(rx.reader.drops['epoch-dropped'], 1);
});

test('a record of an epoch whose keys are not yet installed is handed back deferred, then opens', (t) => {
  const suite = 'tls_aes_128_gcm_sha256';
  const tx = new RecordLayer({ provider: nodeProvider });
  const rx = new RecordLayer({ provider: nodeProvider });
  tx.installWriteKeys(2, suite, keysFor(nodeProvider, suite, 2));
  const early = tx.writer.seal('handshake', utf8.encode('encrypted extensions')).bytes;
  const [d] = rx.reader.receive(early, 0);
  if (d?.kind !== 'deferred') return void t.fail('not deferred');
  t.is(d.epochBits, 2);
  t.is(totalDrops(rx), 0);
  rx.reader.installReadKeys(2, suite, keysFor(nodeProvider, suite, 2), 0);
  const [got] = delivered(rx.reader.receive(d.record, 0));
  t.is(got?.contentType, 'handshake');
  t.is(got?.epoch, 2);
});

test('a plaintext record with an epoch other than 0 drops; plaintext can be refused after the handshake', (t) => {
  const rx = new RecordLayer({ provider: nodeProvider });
  const pt = (epoch: number): Uint8Array =>
    encodeDtlsPlaintext({
      type: 'handshake',
      legacyRecordVersion: 'dtls1_2',
      epoch,
      sequenceNumber: 1,
      fragment: payload(4),
    });
  t.is(delivered(rx.reader.receive(pt(2), 0)).length, 0);
  t.is(rx.reader.drops['plaintext-epoch'], 1);
  t.is(delivered(rx.reader.receive(pt(0), 0))[0]?.protected, false);
  rx.reader.setAcceptPlaintext(false);
  t.is(delivered(rx.reader.receive(pt(0), 0)).length, 0);
  t.is(rx.reader.drops['plaintext-refused'], 1);
});

test('several records in one datagram; a foreign connection ID discards the rest of the datagram', (t) => {
  const cid = Uint8Array.of(1, 2, 3, 4);
  const { tx, rx } = recordPair({ sender: nodeProvider, suite: 'tls_aes_128_ccm_sha256', cid });
  const a = tx.writer.seal('application_data', utf8.encode('a')).bytes;
  const b = tx.writer.seal('alert', Uint8Array.of(1, 0)).bytes;
  const c = tx.writer.seal('application_data', utf8.encode('c'), { includeLength: false }).bytes;
  const all = delivered(rx.reader.receive(Uint8Array.of(...a, ...b, ...c), 0));
  t.deepEqual(
    all.map((r) => [r.contentType, r.sequenceNumber]),
    [
      ['application_data', 0],
      ['alert', 1],
      ['application_data', 2],
    ],
  );
  const foreign = recordPair({
    sender: nodeProvider,
    suite: 'tls_aes_128_ccm_sha256',
    cid: Uint8Array.of(9, 9, 9, 9),
  }).tx.writer.seal('application_data', payload(3)).bytes;
  const d = tx.writer.seal('application_data', payload(3)).bytes;
  const got = delivered(
    rx.reader.receive(Uint8Array.of(...d, ...foreign, ...tx.writer.seal('application_data', payload(3)).bytes), 0),
  );
  t.is(got.length, 1);
  t.is(rx.reader.drops['connection-id'], 1);
  t.is(rx.reader.drops['datagram-remainder'], 1);
});

test('malformed, short and unknown records are dropped and counted by reason', (t) => {
  const { tx, rx } = recordPair({ sender: nodeProvider, suite: 'tls_aes_128_gcm_sha256' });
  rx.reader.receive(Uint8Array.of(0x2f, 0x00, 0x01, 0x00, 0x0a, ...payload(10)), 0); // length 10 < 16
  t.is(rx.reader.drops['too-short'], 1);
  rx.reader.receive(Uint8Array.of(0x2f, 0x00), 0); // header cut short
  t.is(rx.reader.drops.malformed, 1);
  rx.reader.receive(Uint8Array.of(0x17, 0xfe, 0xfd, 0, 0), 0); // DTLS 1.2 application data
  t.is(rx.reader.drops['unknown-record-type'], 1);
  rx.reader.receive(Uint8Array.of(0x2c, 0x00, 0x00, 0x41, 0x01, ...payload(16)), 0); // length 16641 > 2^14 + 256
  t.is(rx.reader.drops['too-long'], 1);
  const sealed = tx.writer.seal('application_data', payload(8)).bytes;
  const wrongKey = recordPair({ sender: nodeProvider, suite: 'tls_aes_128_gcm_sha256', epoch: 7 }).tx.writer.seal(
    'application_data',
    payload(8),
  ).bytes;
  rx.reader.receive(wrongKey, 0); // epoch bits 3 like ours, other keys
  t.is(rx.reader.drops.authentication, 1);
  t.is(delivered(rx.reader.receive(sealed, 0)).length, 1);
});

test('AEAD usage limits: KeyUpdate is signalled before the limit, sealing stops at it, forgeries are counted', (t) => {
  const limits = { confidentiality: 8, integrity: 2 };
  const { tx, rx } = recordPair({
    sender: nodeProvider,
    suite: 'tls_aes_128_gcm_sha256',
    config: { limits, integrityBudgetSeconds: 0 },
  });
  for (let i = 0; i < 5; i++) tx.writer.seal('application_data', payload(1));
  t.false(tx.writer.keyUpdateDue);
  tx.writer.seal('application_data', payload(1));
  t.true(tx.writer.keyUpdateDue); // 6 >= 0.75 * 8
  tx.writer.seal('application_data', payload(1));
  tx.writer.seal('application_data', payload(1));
  t.throws(() => tx.writer.seal('application_data', payload(1)), {
    instanceOf: RecordLayerError,
    message: /usage limit/,
  });
  t.deepEqual(tx.usage().write, { epoch: 3, used: 8, limit: 8 });
  const forged = recordPair({ sender: nodeProvider, suite: 'tls_aes_128_gcm_sha256', epoch: 7 }).tx;
  for (let i = 0; i < 2; i++) rx.reader.receive(forged.writer.seal('application_data', payload(4)).bytes, 0);
  t.false(rx.reader.integrityLimitExceeded);
  rx.reader.receive(forged.writer.seal('application_data', payload(4)).bytes, 0);
  t.true(rx.reader.integrityLimitExceeded);
  t.is(rx.reader.drops.authentication, 3);
});

test('short records are padded so the ciphertext covers the 16-byte mask sample (CCM_8); padding policies hide lengths', (t) => {
  const { tx, rx } = recordPair({ sender: nodeProvider, suite: 'tls_aes_128_ccm_8_sha256' });
  const empty = tx.writer.seal('application_data', new Uint8Array(0), { includeLength: true }).bytes;
  t.true(empty.length - 5 >= 16);
  t.is(delivered(rx.reader.receive(empty, 0))[0]?.content.length, 0);
  const padded = recordPair({
    sender: nodeProvider,
    suite: 'tls_aes_128_gcm_sha256',
    config: { padding: padToMultipleOf(64) },
  });
  const withZeros = Uint8Array.of(1, 2, 0, 0);
  const rec = padded.tx.writer.seal('application_data', withZeros).bytes;
  t.is((rec.length - 5 - 16) % 64, 0);
  t.is(hex(delivered(padded.rx.reader.receive(rec, 0))[0]?.content ?? new Uint8Array()), '01020000'); // content's own zeros survive
});

test('sealing without keys, or content over 2^14, is refused with a RecordLayerError', (t) => {
  const rl = new RecordLayer({ provider: nodeProvider });
  t.throws(() => rl.writer.seal('application_data', payload(1)), { instanceOf: RecordLayerError });
  const { tx } = recordPair({ sender: nodeProvider, suite: 'tls_aes_128_gcm_sha256' });
  t.throws(() => tx.writer.seal('application_data', payload(16385)), { instanceOf: RecordLayerError });
});

for (const provider of PROVIDERS) {
  test(`${provider.name}: nothing handed up is a view of the datagram: contents, connection IDs and plaintext fragments survive its reuse`, (t) => {
    // The server lends datagrams from its receive buffer (DatagramIo.receive's `lend`): the next read overwrites them.
    const cid = Uint8Array.of(0xca, 0xfe, 0x01);
    const { tx, rx } = recordPair({ sender: provider, suite: 'tls_aes_128_gcm_sha256', cid });
    const protectedRecord = tx.writer.seal('application_data', utf8.encode('protected')).bytes;
    const plaintext = tx.writer.sealPlaintext('handshake', utf8.encode('plaintext')).bytes;
    const datagram = new Uint8Array(protectedRecord.length + plaintext.length);
    datagram.set(protectedRecord);
    datagram.set(plaintext, protectedRecord.length);
    const got = delivered(rx.reader.receive(datagram, 0));
    t.is(got.length, 2);
    datagram.fill(0xee);
    t.is(new TextDecoder().decode(got[0]!.content), 'protected');
    t.is(hex(got[0]!.connectionId!), hex(cid));
    t.is(new TextDecoder().decode(got[1]!.content), 'plaintext');
    for (const r of got) {
      t.not(r.content.buffer, datagram.buffer);
      if (r.connectionId) t.not(r.connectionId.buffer, datagram.buffer);
    }
  });
}

test('a DTLSInnerPlaintext of zeros only (no content type) is dropped as no-content-type; the content type byte ends the content', (t) => {
  for (const provider of PROVIDERS) {
    const { tx, rx } = recordPair({ sender: provider, suite: 'tls_aes_128_gcm_sha256' });
    // Content type 0 and zero content: the inner plaintext is all zeros (RFC 8446 §5.4: no content type, unexpected_message).
    const zeros = tx.writer.seal(0, new Uint8Array(8)).bytes;
    t.deepEqual(rx.reader.receive(zeros, 0), [], provider.name);
    t.is(rx.reader.drops['no-content-type'], 1, provider.name);
    // Zero bytes inside the content stay; the last non-zero byte is the type.
    const [got] = delivered(rx.reader.receive(tx.writer.seal('application_data', Uint8Array.of(0, 1, 0, 0)).bytes, 0));
    t.is(hex(got!.content), '00010000', provider.name);
    t.is(got!.contentType, 'application_data', provider.name);
  }
});
