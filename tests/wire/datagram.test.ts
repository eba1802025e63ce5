import test from 'ava';
import { decodeDatagram, encodeDatagram, type DtlsRecord } from '../../runtime/wire/datagram.js';
import { DecodeError, EncodeError } from '../../runtime/wire/index.js';
import { canon, fromHex, hex } from '../support/canon.js';

/** Several records in one datagram (RFC 9147 §4.1, §4.2). */

const plaintext: DtlsRecord = {
  kind: 'plaintext',
  record: { type: 'handshake', legacyRecordVersion: 'dtls1_2', epoch: 0, sequenceNumber: 0x0102_0304_0506, fragment: fromHex('0100') },
};
const withLength: DtlsRecord = {
  kind: 'ciphertext',
  header: { sequenceNumber16bit: true, epochLowBits: 3, connectionId: fromHex('abcd'), sequenceNumber: 0x1234, length: 3 },
  encryptedRecord: fromHex('010203'),
};
const lastWithoutLength: DtlsRecord = {
  kind: 'ciphertext',
  header: { sequenceNumber16bit: false, epochLowBits: 2, connectionId: fromHex('abcd'), sequenceNumber: 7, length: undefined },
  encryptedRecord: fromHex('ffeeddccbbaa'),
};

test('a datagram of plaintext, length-bearing and trailing length-less records round-trips', (t) => {
  const records = [plaintext, withLength, lastWithoutLength];
  const bytes = encodeDatagram(records, { cidLength: 2 });
  t.is(
    hex(bytes),
    '16fefd0000010203040506000201' + '00' + // DTLSPlaintext
      '3f' + 'abcd' + '1234' + '0003' + '010203' + // 001 C=1 S=1 L=1 E=11
      '32' + 'abcd' + '07' + 'ffeeddccbbaa', // 001 C=1 S=0 L=0 E=10
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
  for (const ct of [21, 22, 26]) t.is(decodeDatagram(Uint8Array.of(ct, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))[0]?.kind, 'plaintext');
  for (const first of [20, 23, 24, 25, 0x40, 0x80, 0x00]) {
    const e = t.throws(() => decodeDatagram(Uint8Array.of(...fromHex('15fefd0000000000000000000000'), first, 0, 0)), { instanceOf: DecodeError });
    t.is(e?.path, 'Datagram.records[1].type');
    t.is(e?.offset, 13);
  }
});

test('a truncated second record names it', (t) => {
  const bytes = encodeDatagram([plaintext, withLength], { cidLength: 2 });
  const e = t.throws(() => decodeDatagram(bytes.subarray(0, bytes.length - 1), { cidLength: 2 }), { instanceOf: DecodeError });
  t.is(e?.path, 'Datagram.records[1].encrypted_record');
});

test('only the last record may omit its length, and a length must match the encrypted record', (t) => {
  t.is(t.throws(() => encodeDatagram([lastWithoutLength, plaintext]), { instanceOf: EncodeError })?.path, 'Datagram.records[0].length');
  const wrong: DtlsRecord = {
    kind: 'ciphertext',
    header: { sequenceNumber16bit: true, epochLowBits: 3, connectionId: undefined, sequenceNumber: 1, length: 4 },
    encryptedRecord: fromHex('010203'),
  };
  t.regex(t.throws(() => encodeDatagram([wrong]), { instanceOf: EncodeError })?.message ?? '', /records\[0\]\.length: is 4/);
});

test('an empty datagram has no records', (t) => {
  t.deepEqual(decodeDatagram(new Uint8Array()), []);
});
