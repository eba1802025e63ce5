import assert from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { RecordLayer } from '../../runtime/record/record-layer.js';
import { decodeDatagram, encodeDatagram, type DtlsRecord } from '../../runtime/wire/datagram.js';
import { DecodeError, EncodeError } from '../../runtime/wire/index.js';
import { canon, fromHex, hex } from '../support/canon.js';

/** Several records in one datagram (RFC 9147 §4.1, §4.2). */

const plaintext: DtlsRecord = {
  kind: 'plaintext',
  record: {
    type: 'handshake',
    legacyRecordVersion: 'dtls1_2',
    epoch: 0,
    sequenceNumber: 0x0102_0304_0506,
    fragment: fromHex('0100'),
  },
};
const withLength: DtlsRecord = {
  kind: 'ciphertext',
  header: {
    sequenceNumber16bit: true,
    epochLowBits: 3,
    connectionId: fromHex('abcd'),
    sequenceNumber: 0x1234,
    length: 3,
  },
  encryptedRecord: fromHex('010203'),
};
const lastWithoutLength: DtlsRecord = {
  kind: 'ciphertext',
  header: {
    sequenceNumber16bit: false,
    epochLowBits: 2,
    connectionId: fromHex('abcd'),
    sequenceNumber: 7,
    length: undefined,
  },
  encryptedRecord: fromHex('ffeeddccbbaa'),
};

test('a datagram of plaintext, length-bearing and trailing length-less records round-trips', (t) => {
  const records = [plaintext, withLength, lastWithoutLength];
  const bytes = encodeDatagram(records, { cidLength: 2 });
  t.is(
    hex(bytes),
    '16fefd0000010203040506000201' +
      '00' + // DTLSPlaintext
      '3f' +
      'abcd' +
      '1234' +
      '0003' +
      '010203' + // 001 C=1 S=1 L=1 E=11
      '32' +
      'abcd' +
      '07' +
      'ffeeddccbbaa', // 001 C=1 S=0 L=0 E=10
  );
  t.deepEqual(canon(decodeDatagram(bytes, { cidLength: 2 })), canon(records));
});

test('a record without length takes the rest of the datagram', (t) => {
  const [rec] = decodeDatagram(fromHex('2001aabbcc'));
  if (rec?.kind !== 'ciphertext') return void t.fail('not a ciphertext record');
  t.is(hex(rec.encryptedRecord), 'aabbcc');
  t.is(rec.header.length, undefined);
});

test('the first byte decides the record kind; anything else is a DecodeError naming the record', (t) => {
  for (const ct of [21, 22, 26])
    t.is(decodeDatagram(Uint8Array.of(ct, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))[0]?.kind, 'plaintext');
  for (const first of [20, 23, 24, 25, 0x40, 0x80, 0x00]) {
    const e = t.throws(() => decodeDatagram(Uint8Array.of(...fromHex('15fefd0000000000000000000000'), first, 0, 0)), {
      instanceOf: DecodeError,
    });
    t.is(e?.path, 'Datagram.records[1].type');
    t.is(e?.offset, 13);
  }
});

test('a truncated second record names it', (t) => {
  const bytes = encodeDatagram([plaintext, withLength], { cidLength: 2 });
  const e = t.throws(() => decodeDatagram(bytes.subarray(0, bytes.length - 1), { cidLength: 2 }), {
    instanceOf: DecodeError,
  });
  t.is(e?.path, 'Datagram.records[1].encrypted_record');
});

test('only the last record may omit its length, and a length must match the encrypted record', (t) => {
  t.is(
    t.throws(() => encodeDatagram([lastWithoutLength, plaintext]), { instanceOf: EncodeError })?.path,
    'Datagram.records[0].length',
  );
  const wrong: DtlsRecord = {
    kind: 'ciphertext',
    header: { sequenceNumber16bit: true, epochLowBits: 3, connectionId: undefined, sequenceNumber: 1, length: 4 },
    encryptedRecord: fromHex('010203'),
  };
  t.regex(
    t.throws(() => encodeDatagram([wrong]), { instanceOf: EncodeError })?.message ?? '',
    /records\[0\]\.length: is 4/,
  );
});

test('an empty datagram has no records', (t) => {
  t.deepEqual(decodeDatagram(new Uint8Array()), []);
});

test('the record layer splits datagrams as decodeDatagram does (one splitter): same records, and the records before a fault', (t) => {
  const arbRecord = fc.record({
    type: fc.constantFrom('alert' as const, 'handshake' as const, 'ack' as const),
    sequenceNumber: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
    fragment: fc.uint8Array({ maxLength: 300 }),
  });
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.array(arbRecord, { minLength: 1, maxLength: 6 }), fc.nat(), (parts, cut) => {
        const records: DtlsRecord[] = parts.map((p) => ({
          kind: 'plaintext',
          record: { ...p, legacyRecordVersion: 'dtls1_2', epoch: 0 },
        }));
        const bytes = encodeDatagram(records);
        const seen = (d: Uint8Array): string[] =>
          new RecordLayer({ provider: nodeProvider }).reader
            .receive(d, 0)
            .flatMap((r) =>
              r.kind === 'record' ? [`${String(r.contentType)}/${r.sequenceNumber}/${hex(r.content)}`] : [],
            );
        const expected = decodeDatagram(bytes).map((r) =>
          r.kind === 'plaintext' ? `${String(r.record.type)}/${r.record.sequenceNumber}/${hex(r.record.fragment)}` : '',
        );
        assert.deepEqual(seen(bytes), expected);
        // Cut short: decodeDatagram refuses the datagram; the record layer hands up the whole records before the cut.
        const at = cut % bytes.length;
        const whole = records.filter((_, i) => encodeDatagram(records.slice(0, i + 1)).length <= at).length;
        const rx = new RecordLayer({ provider: nodeProvider });
        const got = rx.reader.receive(bytes.subarray(0, at), 0);
        assert.equal(got.length, whole);
        const boundary = encodeDatagram(records.slice(0, whole)).length === at;
        assert.equal(rx.reader.drops.malformed, boundary ? 0 : 1);
        if (!boundary) assert.throws(() => decodeDatagram(bytes.subarray(0, at)), DecodeError);
      }),
      { numRuns: 300 },
    ),
  );
});
