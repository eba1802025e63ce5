import {
  CryptoError,
  type AeadAlgorithm,
  type MaskAlgorithm,
  type OpenRunArguments,
  type RecordProtection,
} from '../provider.js';
import { aeadKeyLength } from '../suites.js';
import type { NativeBinding, NativeHandle } from './binding.js';
import { HeldKey } from './handle-owners.js';
import { AEAD_ID, MASK_ID, maskKeyLength } from './ids.js';

/** Key (up to 32 bytes), IV (12) and sn_key (up to 32) on their way to the addon. */
const keys = new Uint8Array(new ArrayBuffer(76));
/** Where recordOpenOwned leaves the sequence number of the record it opened. */
const opened = new Float64Array(1);

/** One epoch's record protection in the addon: a record, or a batch of them, sealed or opened in one call. */
class NativeRecordProtection extends HeldKey implements RecordProtection {
  readonly tagLength: number;
  openedSequenceNumber = 0;

  constructor(
    binding: NativeBinding,
    aead: AeadAlgorithm,
    mask: MaskAlgorithm,
    key: Uint8Array,
    iv: Uint8Array,
    snKey: Uint8Array,
    transient: boolean,
  ) {
    if (key.length !== aeadKeyLength(aead))
      throw new CryptoError(`${aead} needs a ${aeadKeyLength(aead)}-byte key, got ${key.length}`);
    if (snKey.length !== maskKeyLength(mask))
      throw new CryptoError(`${mask} mask needs a ${maskKeyLength(mask)}-byte sn_key, got ${snKey.length}`);
    if (iv.length !== 12) throw new CryptoError(`the record IV must be 12 bytes, got ${iv.length}`);
    // The keys go through one kept buffer: fresh small Uint8Arrays are copied to a backing store when N-API reads them.
    keys.set(key, 0);
    keys.set(iv, 32);
    keys.set(snKey, 44);
    let handle: NativeHandle;
    try {
      handle = binding.recordCreate(
        AEAD_ID[aead],
        keys.subarray(0, key.length),
        keys.subarray(32, 44),
        MASK_ID[mask],
        keys.subarray(44, 44 + snKey.length),
      );
    } finally {
      keys.fill(0);
    }
    super(binding, handle, transient);
    this.tagLength = aead === 'aes-128-ccm-8' ? 8 : 16;
  }

  private live(): NativeHandle {
    if (this.handle === undefined) throw released();
    return this.handle;
  }

  // sealRecord and openRecord (one call per record) check the handle inline rather than through live().

  sealRecord(
    seq: number,
    record: Uint8Array,
    headerLength: number,
    plaintextLength: number,
    snOffset: number,
    snBytes: 1 | 2,
  ): void {
    const handle = this.handle;
    if (handle === undefined) throw released();
    this.binding.recordSeal(handle, record, 0, headerLength, plaintextLength, seq, snOffset, snBytes);
  }

  sealRecords(buffer: Uint8Array, layout: Float64Array, count: number): void {
    this.binding.recordSealBatch(this.live(), buffer, layout, count);
  }

  openRecord(
    datagram: Uint8Array,
    at: number,
    headerLength: number,
    ciphertextLength: number,
    snOffset: number,
    snBytes: 1 | 2,
    expected: number,
    allocate: ((length: number) => Uint8Array) | undefined,
  ): Uint8Array | undefined {
    const handle = this.handle;
    if (handle === undefined) throw released();
    if (allocate === undefined && this.binding.recordOpenOwned !== undefined) {
      const owned = this.binding.recordOpenOwned(
        handle,
        datagram,
        at,
        headerLength,
        ciphertextLength,
        snOffset,
        snBytes,
        expected,
        opened,
      );
      if (owned !== undefined) this.openedSequenceNumber = opened[0]!;
      return owned;
    }
    const out =
      allocate === undefined
        ? new Uint8Array(ciphertextLength - this.tagLength)
        : allocate(ciphertextLength - this.tagLength);
    const seq = this.binding.recordOpen(
      handle,
      datagram,
      at,
      headerLength,
      ciphertextLength,
      snOffset,
      snBytes,
      expected,
      out,
      0,
    );
    if (seq < 0) return undefined;
    this.openedSequenceNumber = seq;
    return out;
  }

  /** RecordProtection.openRun: a method, not a closure per key; 0 with an addon that lacks it. */
  openRun(...args: OpenRunArguments): number {
    const run = this.binding.recordOpenRun;
    return run === undefined ? 0 : run.call(this.binding, this.live(), ...args);
  }
}

export function nativeRecordProtection(
  binding: NativeBinding,
  aead: AeadAlgorithm,
  mask: MaskAlgorithm,
  key: Uint8Array,
  iv: Uint8Array,
  snKey: Uint8Array,
  transient = false,
): RecordProtection {
  return new NativeRecordProtection(binding, aead, mask, key, iv, snKey, transient);
}

function released(): CryptoError {
  return new CryptoError('record keys were released');
}
