/**
 * The fields the session blobs share (runtime/session/blob-fields.ts): a byte string after its one- or two-byte
 * length, a UTF-8 name after its one-byte length, and the suite, each named in errors; truncated or forged blobs are a
 * DecodeError at the field, never another throw.
 */
import test from 'ava';
import {
  readName,
  readOptionalVector,
  readSuite,
  readVector,
  supportedSuite13,
  writeName,
  writeVector,
} from '../../runtime/session/blob-fields.js';
import { dtls12Suite } from '../../runtime/versions/suites12.js';
import { DecodeError, EncodeError } from '../../runtime/wire/errors.js';
import { Reader } from '../../runtime/wire/reader.js';
import { Writer } from '../../runtime/wire/writer.js';

test('a vector after its one- or two-byte length, read back as a copy; an absent one written empty', (t) => {
  const w = new Writer('T');
  writeVector(w, 'psk', Uint8Array.of(1, 2, 3));
  writeVector(w, 'ticket', Uint8Array.of(9), 2);
  writeVector(w, 'psk_identity', undefined, 2);
  const bytes = w.finish();
  t.deepEqual(bytes, Uint8Array.of(3, 1, 2, 3, 0, 1, 9, 0, 0));
  const r = new Reader(bytes, 'T');
  const psk = readVector(r, 'psk');
  t.deepEqual(psk, Uint8Array.of(1, 2, 3));
  t.not(psk.buffer, bytes.buffer, 'a copy, not a view of the blob');
  t.deepEqual(readOptionalVector(r, 'ticket', 2), Uint8Array.of(9));
  t.is(readOptionalVector(r, 'psk_identity', 2), undefined);
  r.finish();
});

test('a name in UTF-8 after its length; none is empty; one over 255 bytes is an EncodeError naming its length', (t) => {
  const w = new Writer('T');
  writeName(w, 'server_name', 'bücher.example');
  writeName(w, 'alpn', undefined);
  const r = new Reader(w.finish(), 'T');
  t.is(readName(r, 'server_name'), 'bücher.example');
  t.is(readName(r, 'alpn'), undefined);
  r.finish();
  const error = t.throws(() => writeName(new Writer('T'), 'server_name', 'a'.repeat(256)), { instanceOf: EncodeError });
  t.regex(error?.message ?? '', /len_server_name/);
});

test('attacker: a truncated vector is a DecodeError naming the field', (t) => {
  const error = t.throws(() => readVector(new Reader(Uint8Array.of(5, 1, 2), 'T'), 'grant'), {
    instanceOf: DecodeError,
  });
  t.regex(error?.message ?? '', /grant/);
});

test('the suite: one the version knows; another is a DecodeError at the suite field, saying what was wanted', (t) => {
  t.is(readSuite(new Reader(Uint8Array.of(0x13, 0x01), 'T'), supportedSuite13, 'supported'), 'tls_aes_128_gcm_sha256');
  const suite12 = readSuite(new Reader(Uint8Array.of(0xc0, 0x2b), 'T'), dtls12Suite, 'a DTLS 1.2 suite');
  t.is(suite12.name, 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256');
  // A 1.3 suite is not a 1.2 one, nor the reverse; the error points at the field's first byte.
  const r = new Reader(Uint8Array.of(0xff, 0x13, 0x01), 'T');
  r.u8('format');
  const error = t.throws(() => readSuite(r, dtls12Suite, 'a DTLS 1.2 suite'), { instanceOf: DecodeError });
  t.is(error?.offset, 1);
  t.regex(error?.message ?? '', /0x1301 is not a DTLS 1\.2 suite/);
  t.throws(() => readSuite(new Reader(Uint8Array.of(0xc0, 0x2b), 'T'), supportedSuite13, 'supported'), {
    instanceOf: DecodeError,
  });
});
