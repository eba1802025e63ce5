/**
 * The fields the four session blobs share: a 1.3 ticket's contents (ticket-contents.ts), a client's stored 1.3 ticket
 * (client-session.ts), a 1.2 ticket's contents and a client's stored 1.2 session (runtime/dtls12/ticket.ts,
 * session-blob.ts). A byte string follows its length; both are named in errors, `len_<field>` and `<field>`.
 */
import { cipherSuiteFromNumber, type CipherSuite } from '../../generated/wire/enums.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../crypto/suites.js';
import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';

const EMPTY = new Uint8Array(0);
/** One decoder for every call (a decoder per call was a handshake's garbage). */
const utf8Decoder = new TextDecoder();

/** `bytes` (undefined: none) after its `width`-byte length. */
export function writeVector(w: Writer, field: string, bytes: Uint8Array | undefined, width: 1 | 2 = 1): void {
  const b = bytes ?? EMPTY;
  if (width === 1) w.u8(b.length, `len_${field}`);
  else w.u16(b.length, `len_${field}`);
  w.bytes(b);
}

/** A byte string after its `width`-byte length, copied out of the blob. */
export function readVector(r: Reader, field: string, width: 1 | 2 = 1): Uint8Array {
  return r.bytes(width === 1 ? r.u8(`len_${field}`) : r.u16(`len_${field}`), field).slice();
}

/** A byte string that may be absent (written empty: undefined). */
export function readOptionalVector(r: Reader, field: string, width: 1 | 2 = 1): Uint8Array | undefined {
  const b = readVector(r, field, width);
  return b.length === 0 ? undefined : b;
}

/** A name (undefined: none) in UTF-8 after its one-byte length. */
export function writeName(w: Writer, field: string, name: string | undefined): void {
  const at = w.reserve(1);
  const start = w.pos;
  w.utf8(name ?? '');
  w.patchLength(at, 1, start, 0, 255, `len_${field}`);
}

export function readName(r: Reader, field: string): string | undefined {
  const b = r.bytes(r.u8(`len_${field}`), field);
  return b.length === 0 ? undefined : utf8Decoder.decode(b);
}

/** The 16-bit cipher suite, one that `known` takes (`what` says which: "a DTLS 1.2 suite"); a DecodeError otherwise. */
export function readSuite<T>(r: Reader, known: (suite: CipherSuite) => T | undefined, what: string): T {
  const n = r.u16('suite');
  const suite = known(cipherSuiteFromNumber(n));
  if (suite === undefined) throw r.error('suite', `cipher suite 0x${n.toString(16)} is not ${what}`, r.pos - 2);
  return suite;
}

/** `suite` when it is a DTLS 1.3 suite dtls13 does (for {@link readSuite}). */
export function supportedSuite13(suite: CipherSuite): SupportedCipherSuite | undefined {
  return typeof suite === 'string' && suite in CIPHER_SUITES ? (suite as SupportedCipherSuite) : undefined;
}
