/** Record numbers (RFC 9147 §4: epoch and sequence number; ACKs carry them, §7) and their one map key. */

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

/** The key of a record number in a `Map` or `Set` (`"3:17"`): no double holds both numbers; branded. */
export type RecordNumberKey = string & { readonly [recordNumberKeyBrand]: true };

/** The key of a record number from numbers or bigints (an ACK's uint64): the same for a safe integer. Never throws. */
export function recordNumberKey(epoch: number | bigint, sequenceNumber: number | bigint): RecordNumberKey {
  return `${epoch}:${sequenceNumber}` as RecordNumberKey;
}
