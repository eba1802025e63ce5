import type { AeadKey, CryptoProvider, MaskKey, RecordProtection } from '../crypto/provider.js';
import { CIPHER_SUITES, type CipherSuiteParams, type SupportedCipherSuite } from '../crypto/suites.js';
import type { TrafficKeys } from '../keyschedule/derived-keys.js';
import { DEFAULT_AEAD_LIMITS, KEY_UPDATE_THRESHOLD, type AeadLimits } from './limits.js';
import { reconstructSequenceNumber, recordNonce } from './sequence.js';

/** Where an incoming record's header is unmasked to serve as additional data (1 + CID + 2 + 2 bytes at most); one for all (opening is synchronous). */
const AAD_SCRATCH = new Uint8Array(1 + 255 + 4);

/**
 * The protection state of one epoch in one direction: AEAD key, IV, record
 * number mask, and the per-key usage counters of RFC 9147 §4.5.3. When the
 * provider offers a {@link RecordProtection} (the native one), a record is
 * sealed or opened in one call through it; otherwise through the provider's
 * AEAD and mask keys, to the same bytes.
 */
export class EpochCipher {
  readonly epoch: number;
  readonly suite: CipherSuiteParams;
  readonly limits: AeadLimits;
  private readonly protection: RecordProtection | undefined;
  private readonly aead: AeadKey | undefined;
  private readonly snMask: MaskKey | undefined;
  /** The IV and a nonce scratch of its length, in one buffer; only without a {@link RecordProtection} (which keeps its own). */
  private readonly iv: Uint8Array | undefined;
  private readonly nonce: Uint8Array | undefined;
  /** Records protected (send) or successfully deprotected (receive) with this key. */
  used = 0;
  /** Records that failed authentication with this key (receive). */
  failed = 0;
  /** The sequence number of the record {@link openRecord} last opened. */
  openedSequenceNumber = 0;

  constructor(provider: CryptoProvider, epoch: number, suite: SupportedCipherSuite, keys: TrafficKeys, limits?: AeadLimits) {
    this.epoch = epoch;
    this.suite = CIPHER_SUITES[suite];
    this.limits = limits ?? DEFAULT_AEAD_LIMITS[this.suite.aead];
    this.protection = provider.recordProtection?.(this.suite.aead, this.suite.mask, keys.key, keys.iv, keys.snKey);
    if (this.protection === undefined) {
      this.aead = provider.aead(this.suite.aead, keys.key);
      this.snMask = provider.mask(this.suite.mask, keys.snKey);
      const n = keys.iv.length;
      const both = new Uint8Array(2 * n);
      both.set(keys.iv);
      this.iv = both.subarray(0, n);
      this.nonce = both.subarray(n);
    }
  }

  /** True once protecting more records would pass the confidentiality limit. */
  get exhausted(): boolean {
    return this.used >= this.limits.confidentiality;
  }

  /** True once a KeyUpdate should be under way (RFC 9147 §4.5.3: initiate before the limit). */
  get keyUpdateDue(): boolean {
    return this.used >= this.limits.confidentiality * KEY_UPDATE_THRESHOLD;
  }

  /** True once more records failed authentication than the integrity limit allows: the connection should close. */
  get integrityExceeded(): boolean {
    return this.failed > this.limits.integrity;
  }

  /**
   * Seals a record in place (see {@link RecordProtection.sealRecord}):
   * `record` holds the header with the record number in clear, then the
   * DTLSInnerPlaintext, then room for the tag.
   */
  sealRecord(seq: number, record: Uint8Array, headerLength: number, plaintextLength: number, snOffset: number, snBytes: 1 | 2): void {
    this.used++;
    if (this.protection) return this.protection.sealRecord(seq, record, headerLength, plaintextLength, snOffset, snBytes);
    const header = record.subarray(0, headerLength);
    this.aead!.sealInto(recordNonce(this.iv!, seq, this.nonce!), header, [record.subarray(headerLength, headerLength + plaintextLength)], record, headerLength);
    const mask = this.snMask!.mask(record.subarray(headerLength));
    record[snOffset]! ^= mask[0]!;
    if (snBytes === 2) record[snOffset + 1]! ^= mask[1]!;
  }

  /**
   * Seals `count` records of one epoch laid out in `buffer` as `layout`
   * says (six numbers each: at, headerLength, plaintextLength, seq,
   * snOffset, snBytes): one call where the provider has a record path.
   */
  sealRecords(buffer: Uint8Array, layout: Float64Array, count: number): void {
    if (this.protection) {
      this.used += count;
      return this.protection.sealRecords(buffer, layout, count);
    }
    for (let i = 0; i < count; i++) {
      const [at, headerLength, plaintextLength, seq, snOffset, snBytes] = layout.subarray(i * 6, i * 6 + 6);
      const record = buffer.subarray(at!, at! + headerLength! + plaintextLength! + this.suite.tagLength);
      this.sealRecord(seq!, record, headerLength!, plaintextLength!, snOffset!, snBytes === 1 ? 1 : 2);
    }
  }

  /**
   * Opens the record at `datagram[at, at + headerLength + ciphertextLength)`
   * without writing to the datagram: unmasks the record number (`snBytes`
   * bytes at `snOffset` of the header), takes the sequence number closest
   * to `expected` (left in {@link openedSequenceNumber}), and returns the
   * DTLSInnerPlaintext, or undefined (and counted) when it does not
   * authenticate. `ciphertextLength` is at least 16.
   */
  openRecord(
    datagram: Uint8Array,
    at: number,
    headerLength: number,
    ciphertextLength: number,
    snOffset: number,
    snBytes: 1 | 2,
    expected: number,
    allocate: (n: number) => Uint8Array,
  ): Uint8Array | undefined {
    const bodyAt = at + headerLength;
    const plaintextLength = ciphertextLength - this.suite.tagLength;
    let inner: Uint8Array | undefined;
    if (this.protection) {
      inner = allocate(plaintextLength);
      const seq = this.protection.openRecord(datagram, at, headerLength, ciphertextLength, snOffset, snBytes, expected, inner, 0);
      if (seq < 0) inner = undefined;
      else this.openedSequenceNumber = seq;
    } else {
      const encrypted = datagram.subarray(bodyAt, bodyAt + ciphertextLength);
      const mask = this.snMask!.mask(encrypted);
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
      inner = this.aead!.open(recordNonce(this.iv!, seq, this.nonce!), aad, encrypted);
      this.openedSequenceNumber = seq;
    }
    if (inner === undefined) this.failed++;
    else this.used++;
    return inner;
  }

  release(): void {
    this.protection?.release();
    this.aead?.release();
    this.snMask?.release();
    this.iv?.fill(0);
  }
}
