import {
  CryptoError,
  type AeadKey,
  type CryptoProvider,
  type MaskKey,
  type RecordProtection,
} from '../crypto/provider.js';
import type { CipherSuiteParams } from '../crypto/suites.js';
import type { TrafficKeys } from '../keyschedule/derived-keys.js';
import { reconstructSequenceNumber, recordNonce } from './sequence.js';

/** Where an incoming record's header is unmasked to serve as additional data; one for all (opening is synchronous). */
const AAD_SCRATCH = new Uint8Array(1 + 255 + 4);
/**
 * Where a record's nonce is made, one for all as the AAD's: the AEADs use it before they return (node:crypto copies
 * it into its cipher, noble reads it in the call), so no epoch holds a scratch of its own.
 */
const NONCE_SCRATCH = new Uint8Array(12);

/** The {@link RecordProtection} of a provider without a record path of its own, composed from its AEAD and mask keys. */
export class ComposedRecordProtection implements RecordProtection {
  readonly tagLength: number;
  openedSequenceNumber = 0;
  private readonly aead: AeadKey;
  private readonly snMask: MaskKey;
  /** The IV (RFC 8446 §5.3: 12 bytes for every TLS 1.3 AEAD), a copy of its own; zeroed by {@link release}. */
  private readonly iv: Uint8Array;

  constructor(provider: CryptoProvider, suite: CipherSuiteParams, keys: TrafficKeys) {
    this.tagLength = suite.tagLength;
    this.aead = provider.aead(suite.aead, keys.key);
    this.snMask = provider.mask(suite.mask, keys.snKey);
    if (keys.iv.length !== NONCE_SCRATCH.length)
      throw new CryptoError(`${suite.aead} needs a ${NONCE_SCRATCH.length}-byte IV, got ${keys.iv.length}`);
    this.iv = new Uint8Array(keys.iv); // a copy (Buffer#slice would alias)
  }

  sealRecord(
    seq: number,
    record: Uint8Array,
    headerLength: number,
    plaintextLength: number,
    snOffset: number,
    snBytes: 1 | 2,
  ): void {
    const header = record.subarray(0, headerLength);
    this.aead.sealInto(
      recordNonce(this.iv, seq, NONCE_SCRATCH),
      header,
      [record.subarray(headerLength, headerLength + plaintextLength)],
      record,
      headerLength,
    );
    const mask = this.snMask.mask(record.subarray(headerLength));
    record[snOffset]! ^= mask[0]!;
    if (snBytes === 2) record[snOffset + 1]! ^= mask[1]!;
  }

  sealRecords(buffer: Uint8Array, layout: Float64Array, count: number): void {
    for (let i = 0; i < count; i++) {
      const [at, headerLength, plaintextLength, seq, snOffset, snBytes] = layout.subarray(i * 6, i * 6 + 6);
      const record = buffer.subarray(at!, at! + headerLength! + plaintextLength! + this.tagLength);
      this.sealRecord(seq!, record, headerLength!, plaintextLength!, snOffset!, snBytes === 1 ? 1 : 2);
    }
  }

  /**
   * Decrypts into an array of the AEAD's own making; with `allocate` ('batch' mode) the plaintext is copied into the
   * memory it lends (the connection's untransferable arena, runtime/wire/message-arena.ts) and the AEAD's array zeroed,
   * so that a message's buffer is the same kind of memory whichever provider opened it. The room is taken before the
   * AEAD runs, as the addon takes it: when the record is forged, it is the arena's last take, which the caller gives back.
   */
  openRecord(
    datagram: Uint8Array,
    at: number,
    headerLength: number,
    ciphertextLength: number,
    snOffset: number,
    snBytes: 1 | 2,
    expected: number,
    allocate?: (length: number) => Uint8Array,
  ): Uint8Array | undefined {
    const bodyAt = at + headerLength;
    const encrypted = datagram.subarray(bodyAt, bodyAt + ciphertextLength);
    const mask = this.snMask.mask(encrypted);
    const aad = AAD_SCRATCH.subarray(0, headerLength);
    aad.set(datagram.subarray(at, bodyAt));
    let low = aad[snOffset]! ^ mask[0]!;
    aad[snOffset] = low;
    if (snBytes === 2) {
      const second = aad[snOffset + 1]! ^ mask[1]!;
      aad[snOffset + 1] = second;
      low = (low << 8) | second;
    }
    const seq = reconstructSequenceNumber(low, snBytes === 2 ? 16 : 8, expected);
    const into = allocate?.(Math.max(0, ciphertextLength - this.tagLength));
    const inner = this.aead.open(recordNonce(this.iv, seq, NONCE_SCRATCH), aad, encrypted);
    if (inner === undefined) return undefined;
    this.openedSequenceNumber = seq;
    if (into === undefined) return inner;
    into.set(inner);
    inner.fill(0);
    return into;
  }

  park(): void {
    this.aead.park?.();
    this.snMask.park?.();
  }

  release(): void {
    this.aead.release();
    this.snMask.release();
    this.iv.fill(0);
  }
}
