import type { CryptoProvider, RecordProtection } from '../crypto/provider.js';
import { CIPHER_SUITES, type CipherSuiteParams, type SupportedCipherSuite } from '../crypto/suites.js';
import type { TrafficKeys } from '../keyschedule/derived-keys.js';
import { DEFAULT_AEAD_LIMITS, type AeadLimits } from './limits.js';
import { ComposedRecordProtection } from './composed-protection.js';
import type { FailureWindow } from './failure-window.js';

/** One epoch's protection in one direction: its {@link RecordProtection} and the usage counters of RFC 9147 §4.5.3. */
export class EpochCipher {
  readonly epoch: number;
  readonly suite: CipherSuiteParams;
  readonly limits: AeadLimits;
  /** Records are sealed, and runs of them opened, with it directly: the callers count them (RecordWriter, ReadState13). */
  readonly protection: RecordProtection;
  /** Records protected or numbered to be (send), or successfully deprotected (receive), with this key. */
  used = 0;
  failed = 0;
  /** The key's failures this second, against its per-key rate (IntegrityMonitor; made at the first failure). */
  failureWindow: FailureWindow | undefined = undefined;
  /** The sequence number of the record {@link openRecord} last opened (a field: read once per record). */
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

  /** Opens a record as {@link RecordProtection.openRecord} does, counting it in {@link used} or {@link failed}. */
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

  release(): void {
    this.protection.release();
  }

  park(): void {
    this.protection.park?.();
  }
}
