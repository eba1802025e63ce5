import type { CryptoProvider, OpenRunArguments, RecordProtection } from '../crypto/provider.js';
import { CIPHER_SUITES, type CipherSuiteParams, type SupportedCipherSuite } from '../crypto/suites.js';
import type { TrafficKeys } from '../keyschedule/derived-keys.js';
import { DEFAULT_AEAD_LIMITS, type AeadLimits } from './limits.js';
import { ComposedRecordProtection } from './composed-protection.js';
import type { FailureWindow } from './failure-window.js';

/**
 * The protection state of one epoch in one direction: its {@link RecordProtection} (the provider's own record path, or
 * one composed from its AEAD and mask keys: {@link ComposedRecordProtection}) and the per-key usage counters of RFC
 * 9147 §4.5.3.
 */
export class EpochCipher {
  readonly epoch: number;
  readonly suite: CipherSuiteParams;
  readonly limits: AeadLimits;
  private readonly protection: RecordProtection;
  /** Records protected or numbered to be (send), or successfully deprotected (receive), with this key. */
  used = 0;
  /** Records that failed authentication with this key (receive). */
  failed = 0;
  /** The key's failures this second, against its per-key rate (IntegrityMonitor; made at the first failure). */
  failureWindow: FailureWindow | undefined = undefined;
  /**
   * The sequence number of the record {@link openRecord} last opened (a field, not a getter: read once per record).
   * The usage limits are read as `used` and `failed` against {@link limits} where they are checked (RecordWriter's
   * confidentiality limit and KeyUpdate threshold, ReadState13's integrity limit): no getter per record.
   */
  openedSequenceNumber = 0;

  /** `transient`: released before the call that made it returns (see CryptoProvider.recordProtection). */
  constructor(
    provider: CryptoProvider,
    epoch: number,
    suite: SupportedCipherSuite,
    keys: TrafficKeys,
    limits?: AeadLimits,
    transient?: boolean,
  ) {
    this.epoch = epoch;
    this.suite = CIPHER_SUITES[suite];
    this.limits = limits ?? DEFAULT_AEAD_LIMITS[this.suite.aead];
    this.protection =
      provider.recordProtection?.(this.suite.aead, this.suite.mask, keys.key, keys.iv, keys.snKey, transient) ??
      new ComposedRecordProtection(provider, this.suite, keys);
  }

  /** True once more records failed authentication than the integrity limit allows: the connection should close. */
  get integrityExceeded(): boolean {
    return this.failed > this.limits.integrity;
  }

  /**
   * Seals a record in place (see {@link RecordProtection.sealRecord}): `record` holds the header with the record number
   * in clear, then the DTLSInnerPlaintext, then room for the tag. Counted in {@link used} when its sequence number was
   * taken (RecordWriter), not here.
   */
  sealRecord(
    seq: number,
    record: Uint8Array,
    headerLength: number,
    plaintextLength: number,
    snOffset: number,
    snBytes: 1 | 2,
  ): void {
    this.protection.sealRecord(seq, record, headerLength, plaintextLength, snOffset, snBytes);
  }

  /**
   * Seals `count` records of one epoch laid out in `buffer` as `layout` says (six numbers each: at, headerLength,
   * plaintextLength, seq, snOffset, snBytes): one call where the provider has a record path. They were counted in
   * {@link used} when their sequence numbers were taken (RecordWriter.stage), not here.
   */
  sealRecords(buffer: Uint8Array, layout: Float64Array, count: number): void {
    this.protection.sealRecords(buffer, layout, count);
  }

  /**
   * Opens the record at `datagram[at, at + headerLength + ciphertextLength)` without writing to the datagram: unmasks
   * the record number (`snBytes` bytes at `snOffset` of the header), takes the sequence number closest to `expected`
   * (left in {@link openedSequenceNumber}), and returns the DTLSInnerPlaintext, or undefined (and counted) when it does
   * not authenticate. `ciphertextLength` is at least 16.
   */
  openRecord(
    datagram: Uint8Array,
    at: number,
    headerLength: number,
    ciphertextLength: number,
    snOffset: number,
    snBytes: 1 | 2,
    expected: number,
    allocate: ((n: number) => Uint8Array) | undefined,
  ): Uint8Array | undefined {
    const inner = this.protection.openRecord(
      datagram,
      at,
      headerLength,
      ciphertextLength,
      snOffset,
      snBytes,
      expected,
      allocate,
    );
    if (inner === undefined) this.failed++;
    else {
      this.used++;
      this.openedSequenceNumber = this.protection.openedSequenceNumber;
    }
    return inner;
  }

  /** Whether {@link openRun} can open a run in one call (the protection has it). */
  get opensRuns(): boolean {
    return this.protection.openRun !== undefined;
  }

  /**
   * A run of records in one call (see {@link RecordProtection.openRun}); 0 where the protection opens one at a time.
   * Nothing is counted: the caller counts each record in {@link used} or {@link failed} when it takes its result, as
   * {@link openRecord} would have.
   */
  openRun(...args: OpenRunArguments): number {
    return this.protection.openRun?.(...args) ?? 0;
  }

  release(): void {
    this.protection.release();
  }

  /** See {@link RecordProtection.park}. */
  park(): void {
    this.protection.park?.();
  }
}
