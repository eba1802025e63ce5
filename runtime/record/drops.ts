import { DecodeError, type Reader } from '../wire/index.js';
import { isLengthAboveMaximum, readRecord, type DtlsRecord } from '../wire/record-splitter.js';

/** Why an incoming record was dropped (RFC 9147 §4.5.2: invalid records are discarded and counted, never thrown). */
export const DROP_REASONS = [
  /** The record header or framing could not be parsed. */
  'malformed',
  /** First byte is neither a DTLSPlaintext content type (alert, handshake, ack) nor a unified header. */
  'unknown-record-type',
  /** A DTLSPlaintext record with an epoch other than 0. */
  'plaintext-epoch',
  /** A DTLSPlaintext record once plaintext is no longer accepted (after the handshake). */
  'plaintext-refused',
  /** Longer than 2^14 (+256 for ciphertext) or than the negotiated limit. */
  'too-long',
  /** Ciphertext shorter than the 16 bytes the record number mask needs (RFC 9147 §4.2.3). */
  'too-short',
  /** The connection ID is missing, unexpected or not ours. */
  'connection-id',
  /** The epoch bits match no epoch this side has or expects. */
  'unknown-epoch',
  /** The epoch's keys were dropped (too old). */
  'epoch-dropped',
  /** AEAD authentication failed. */
  'authentication',
  /** The key already failed past its integrity limit (RFC 9147 §4.5.3): it opens nothing more. */
  'integrity-limit',
  /** Already received (anti-replay, RFC 9147 §4.5.1). */
  'replay',
  /** Left of the replay window. */
  'too-old',
  /** The decrypted DTLSInnerPlaintext has no non-zero content type. */
  'no-content-type',
  /** The rest of a datagram after a record that ended it (a bad CID, or a record without length). */
  'datagram-remainder',
  /** The rest of a datagram past `maxRecordsPerDatagram` records, unread (counted once per datagram). */
  'records-per-datagram',
  /** A protected record not tried: past `maxFailedAuthenticationsPerSecond` this second (a flood costs bounded work). */
  'authentication-rate',
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

/** Counters of dropped records by reason. */
export type DropCounters = Record<DropReason, number>;

/** Every reason at zero: copied per record layer (cheaper than building it from the list each time). */
const ZERO: DropCounters = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as DropCounters;

export function emptyDropCounters(): DropCounters {
  return { ...ZERO };
}

/**
 * The next record at `r`'s position, or undefined once it is dropped for its framing (`too-long`, `malformed`,
 * `unknown-record-type`, counted by `counter`): the caller then drops the datagram's remainder from `r.pos`.
 */
export function readRecordOrDrop(
  r: Reader,
  cidLength: number,
  counter: { drop(reason: DropReason): void },
): DtlsRecord | undefined {
  let rec: DtlsRecord | undefined;
  try {
    rec = readRecord(r, cidLength);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    counter.drop(isLengthAboveMaximum(e) ? 'too-long' : 'malformed');
    return undefined;
  }
  if (rec === undefined) counter.drop('unknown-record-type');
  return rec;
}
