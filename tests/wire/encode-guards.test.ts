import test from 'ava';
import {
  decodeDtlsHandshake,
  encodeAck,
  encodeDtlsCiphertextHeader,
  encodeEncryptedExtensions,
  validateDtlsCiphertextHeader,
  validateDtlsHandshake,
  type Ack,
  type EncryptedExtensions,
} from '../../generated/wire/index.js';
import { ConfigError } from '../../runtime/config-error.js';
import { decodeDatagram, encodeDatagram } from '../../runtime/wire/datagram.js';
import { DecodeError, EncodeError, Writer } from '../../runtime/wire/index.js';

/** What encoders and the datagram API refuse, and how they say so. */

const header = {
  sequenceNumber16bit: true,
  epochLowBits: 3,
  connectionId: Uint8Array.of(1, 2),
  sequenceNumber: 9,
  length: undefined,
};

test('a connection ID must have the negotiated length on the way out, as on the way in', (t) => {
  t.is(validateDtlsCiphertextHeader(header, 2), undefined);
  const e = validateDtlsCiphertextHeader(header, 4);
  t.is(e?.path, 'DtlsCiphertextHeader.connection_id');
  t.regex(e?.reason ?? '', /must be 4 bytes, is 2/);
  t.throws(
    () => encodeDatagram([{ kind: 'ciphertext', header, encryptedRecord: new Uint8Array(16) }], { cidLength: 3 }),
    { instanceOf: EncodeError },
  );
});

test('parameters and options outside their range are refused by name', (t) => {
  t.regex(
    t.throws(() => encodeDtlsCiphertextHeader(header, -5), { instanceOf: RangeError })?.message ?? '',
    /parameter cid_length must be an integer in 0\.\.255, got -5/,
  );
  for (const cidLength of [-5, 1.5, 256, Number.NaN]) {
    const e = t.throws(() => decodeDatagram(Uint8Array.of(0x20, 0, ...new Uint8Array(16)), { cidLength }), {
      instanceOf: ConfigError,
    });
    t.is(e?.option, 'cidLength');
  }
});

test('encodeDatagram refuses DTLSPlaintext content types a receiver would not read as plaintext', (t) => {
  const e = t.throws(
    () =>
      encodeDatagram([
        {
          kind: 'plaintext',
          record: {
            type: 'application_data',
            legacyRecordVersion: 'dtls1_2',
            epoch: 0,
            sequenceNumber: 0,
            fragment: new Uint8Array(1),
          },
        },
      ]),
    { instanceOf: EncodeError },
  );
  t.is(e?.path, 'Datagram.records[0].type');
});

test('a known extension type given as a number is refused: its body would decode parsed', (t) => {
  const ee: EncryptedExtensions = { extensions: [{ extensionType: 10, extensionData: Uint8Array.of(0, 2, 0, 0x1d) }] };
  const e = t.throws(() => encodeEncryptedExtensions(ee), { instanceOf: EncodeError });
  t.is(e?.path, 'EncryptedExtensions.extensions[0].extension_type');
  t.regex(e?.reason ?? '', /10 is supported_groups/);
  // An unknown number is fine, opaque.
  t.is(
    encodeEncryptedExtensions({ extensions: [{ extensionType: 0x7777, extensionData: Uint8Array.of(1) }] }).length,
    2 + 4 + 1,
  );
});

test('uint64 fields take bigints; a number is an EncodeError, not a TypeError', (t) => {
  const bad = { recordNumbers: [{ epoch: 1, sequenceNumber: 2n }] } as unknown as Ack;
  t.regex(
    t.throws(() => encodeAck(bad), { instanceOf: EncodeError })?.message ?? '',
    /record_numbers\[0\]\.epoch: 1 is not an unsigned 64-bit integer/,
  );
});

test('a handshake fragment must lie within its message (fragment_offset + fragment_length <= length)', (t) => {
  const frag = (length: number, offset: number, n: number): Uint8Array =>
    Uint8Array.of(1, 0, 0, length, 0, 0, 0, 0, offset, 0, 0, n, ...new Uint8Array(n));
  t.notThrows(() => decodeDtlsHandshake(frag(8, 5, 3)));
  const e = t.throws(() => decodeDtlsHandshake(frag(1, 5, 3)), { instanceOf: DecodeError });
  t.is(e?.path, 'DtlsHandshake.len_fragment');
  t.regex(e?.reason ?? '', /above the maximum length - fragment_offset/);
  const v = {
    msgType: 'client_hello' as const,
    length: 8,
    messageSeq: 0,
    fragmentOffset: 6,
    fragment: new Uint8Array(3),
  };
  t.is(validateDtlsHandshake(v)?.path, 'DtlsHandshake.fragment');
  t.is(validateDtlsHandshake({ ...v, fragmentOffset: 5 }), undefined);
});

test('a Writer made with no initial room grows instead of hanging', (t) => {
  const w = new Writer('X', 0);
  for (let i = 0; i < 100; i++) w.u16(i, 'n');
  t.is(w.finish().length, 200);
});

test("Writer.utf8 writes TextEncoder's bytes: ASCII byte by byte, anything else encoded, after what was there and growing as needed", (t) => {
  const utf8 = new TextEncoder();
  for (const s of [
    '',
    '192.0.2.7:4433',
    'h3',
    'bücher.example',
    '[2001:db8::1]:443',
    'x'.repeat(300),
    'ab\u{1F600}c',
    'tail é',
  ]) {
    const w = new Writer('X', 4);
    w.u8(7, 'before');
    w.utf8(s);
    w.u8(9, 'after');
    t.deepEqual([...w.finish()], [7, ...utf8.encode(s), 9], s);
  }
});
