/**
 * Record numbers (RFC 9147 §4: epoch and sequence number together name a record; ACKs carry them, §7) and the one key
 * under which maps and sets of them are kept.
 */

/** A record's number: the epoch it was protected in and its sequence number in that epoch. */
export interface RecordNumber {
  readonly epoch: number;
  readonly sequenceNumber: number;
}

/** A record as {@link RecordLayer.seal} / `sealPlaintext` produced it: its bytes and the number an ACK of it will name. */
export interface SealedRecord {
  readonly bytes: Uint8Array;
  readonly number: RecordNumber;
}

declare const recordNumberKeyBrand: unique symbol;

/**
 * The key of a record number in a `Map` or `Set`: the decimal epoch and sequence number joined by a colon (`"3:17"`). A
 * string, because no number holds both: epochs are 16 bits on the wire for DTLSPlaintext and 64 bits in ACKs, sequence
 * numbers 48 or 64 bits, and a double is exact only to 2^53 (epoch × 2^48 + sequence would collide from epoch 32 on).
 * Branded so every key goes through {@link recordNumberKey}.
 */
export type RecordNumberKey = string & { readonly [recordNumberKeyBrand]: true };

/**
 * The key of the record number (`epoch`, `sequenceNumber`). Accepts numbers (what the record layer hands out) and
 * bigints (what a decoded ACK holds, uint64): a safe integer (below 2^53, as every record number this layer produces)
 * gives the same key either way, and distinct values give distinct keys, so an ACK naming a number past 2^53 can never
 * match a record of ours. Never throws.
 */
export function recordNumberKey(epoch: number | bigint, sequenceNumber: number | bigint): RecordNumberKey {
  return `${epoch}:${sequenceNumber}` as RecordNumberKey;
}
