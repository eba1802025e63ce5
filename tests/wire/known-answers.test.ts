import test from 'ava';
import {
  cipherSuiteToNumber,
  decodeAck,
  decodeClientHello,
  decodeDtlsCiphertextHeader,
  decodeDtlsHandshake,
  encodeAck,
  encodeClientHello,
  encodeDtlsCiphertextHeader,
  encodeDtlsHandshake,
  extensionTypeToNumber,
} from '../../generated/wire/index.js';
import { canon, fromHex, hex } from '../support/canon.js';
import { clientHello } from '../vectors/rfc8448-simple-1rtt.js';

/**
 * Known answers written from the RFCs' struct definitions, independent of
 * the schemas (the Kaitai oracle shares the schemas, so it can't catch a
 * schema that misreads an RFC).
 */

test('RFC 8448 §3 ClientHello, made DTLS by inserting the empty legacy_cookie, decodes to the RFC fields and re-encodes', (t) => {
  const tls = fromHex(clientHello.hex).subarray(4);
  const sessionIdEnd = 2 + 32 + 1 + tls[34]!; // legacy_version, random, legacy_session_id<0..32>
  const dtls = Uint8Array.of(...tls.subarray(0, sessionIdEnd), 0x00, ...tls.subarray(sessionIdEnd));
  const ch = decodeClientHello(dtls);
  t.is(ch.legacyVersion, 'tls1_2'); // the TLS vector's 0x0303; a DTLS 1.3 client sends dtls1_2
  t.is(ch.legacyCookie.length, 0);
  t.deepEqual(ch.cipherSuites.map(cipherSuiteToNumber), [...clientHello.facts.cipherSuites]);
  t.deepEqual(
    ch.extensions.map((e) => extensionTypeToNumber(e.extensionType)),
    [...clientHello.facts.extensionTypes],
  );
  const ks = ch.extensions.find((e) => e.extensionType === 'key_share');
  if (ks?.extensionType !== 'key_share') return void t.fail('no key_share');
  t.is(ks.extensionData.clientShares[0]?.group, 'x25519');
  t.is(
    hex(ks.extensionData.clientShares[0]?.keyExchange ?? new Uint8Array()),
    '99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c',
  );
  t.is(hex(encodeClientHello(ch)), hex(dtls));
});

test('ACK (RFC 9147 §7): RecordNumber record_numbers<0..2^16-1> of uint64 epoch, uint64 sequence_number', (t) => {
  const bytes = fromHex('0020' + '0000000000000002' + '0000000000000005' + 'ffffffffffffffff' + '0000ffffffffffff');
  const ack = decodeAck(bytes);
  t.deepEqual(
    canon(ack),
    canon({
      recordNumbers: [
        { epoch: 2n, sequenceNumber: 5n },
        { epoch: 2n ** 64n - 1n, sequenceNumber: 2n ** 48n - 1n },
      ],
    }),
  );
  t.is(hex(encodeAck(ack)), hex(bytes));
});

test('the 12-byte DTLS handshake header (RFC 9147 §5.2): msg_type, uint24 length, message_seq, uint24 fragment_offset, uint24 fragment_length', (t) => {
  const bytes = fromHex('0b' + '000100' + '0003' + '000040' + '000004' + 'deadbeef');
  const h = decodeDtlsHandshake(bytes);
  t.deepEqual(
    canon(h),
    canon({ msgType: 'certificate', length: 256, messageSeq: 3, fragmentOffset: 64, fragment: fromHex('deadbeef') }),
  );
  t.is(hex(encodeDtlsHandshake(h)), hex(bytes));
});

test('unified headers of RFC 9147 Figure 4: full (C, S, L set) and minimal (8-bit sequence number only)', (t) => {
  // 001 1 1 1 10 | CID 2 bytes | 16-bit seq | 16-bit length
  const full = fromHex('3e' + 'c1d0' + '1234' + '0100');
  t.deepEqual(
    canon(decodeDtlsCiphertextHeader(full, 2)),
    canon({
      sequenceNumber16bit: true,
      epochLowBits: 2,
      connectionId: fromHex('c1d0'),
      sequenceNumber: 0x1234,
      length: 256,
    }),
  );
  t.is(hex(encodeDtlsCiphertextHeader(decodeDtlsCiphertextHeader(full, 2), 2)), hex(full));
  // 001 0 0 0 01 | 8-bit seq
  const minimal = fromHex('21' + '7f');
  t.deepEqual(
    canon(decodeDtlsCiphertextHeader(minimal, 0)),
    canon({ sequenceNumber16bit: false, epochLowBits: 1, sequenceNumber: 0x7f }),
  );
});
