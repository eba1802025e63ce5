/** DTLS 1.2 record protection in the addon (native/src/record12.c): a record sealed or opened in one call. */
import type { AeadAlgorithm, CryptoProvider } from '../provider.js';
import { nativeBinding, type NativeBinding, type NativeHandle } from './binding.js';
import { HeldKey } from './handle-owners.js';
import { AEAD_ID } from './ids.js';
import { nativeProvider } from './index.js';

/** Key, IV and CID on their way to the addon (fresh small arrays would be copied to a backing store by N-API). */
const staging = new Uint8Array(new ArrayBuffer(32 + 12 + 255));

/** One epoch and direction's DTLS 1.2 record keys in the addon. */
export class NativeRecord12 extends HeldKey {
  /** Header bytes of a record: 13, plus the CID. */
  readonly headerLength: number;
  /** Whether {@link openRun} works: an addon built with record12OpenRun (a CID key's run: its tls12_cid records). */
  readonly opensRuns: boolean;

  constructor(
    binding: NativeBinding,
    aead: AeadAlgorithm,
    key: Uint8Array,
    iv: Uint8Array,
    epoch: number,
    cid: Uint8Array,
  ) {
    staging.set(key, 0);
    staging.set(iv, 32);
    staging.set(cid, 44);
    let handle: NativeHandle;
    try {
      handle = binding.record12Create(
        AEAD_ID[aead],
        staging.subarray(0, key.length),
        staging.subarray(32, 32 + iv.length),
        epoch,
        staging.subarray(44, 44 + cid.length),
      );
    } finally {
      staging.fill(0);
    }
    super(binding, handle);
    this.opensRuns = binding.record12OpenRun !== undefined;
    this.headerLength = 13 + cid.length;
  }

  /** Seals the record at out[0..] around its plaintext in place: header, explicit nonce (unless given) and tag written. */
  seal(out: Uint8Array, type: number, sequenceNumber: number, plaintextLength: number, explicitGiven: boolean): void {
    this.binding.record12Seal(
      this.handle ?? throwReleased(),
      out,
      0,
      type,
      sequenceNumber,
      plaintextLength,
      explicitGiven ? 1 : 0,
    );
  }

  /** Whether {@link sealBatch} seals in one call (an addon built with record12SealBatch). */
  get sealsBatches(): boolean {
    return this.binding.record12SealBatch !== undefined;
  }

  /**
   * Seals `count` records of `buffer` laid out as StagedRecords lays them out (staged-records.ts: at, header length,
   * plaintext length, sequence number, ...), each as {@link seal} with its type at its first byte, in one call.
   */
  sealBatch(buffer: Uint8Array, layout: Float64Array, count: number): void {
    this.binding.record12SealBatch!(this.handle ?? throwReleased(), buffer, layout, count);
  }

  /**
   * Opens the fragment (explicit nonce, ciphertext, tag) at buffer[at..at + fragmentLength) in place, into its own
   * ArrayBuffer or `into`; undefined when it does not authenticate.
   */
  openAt(
    buffer: Uint8Array,
    at: number,
    fragmentLength: number,
    type: number,
    sequenceNumber: number,
    plaintextLength: number,
    into?: Uint8Array,
  ): Uint8Array | undefined {
    const handle = this.handle ?? throwReleased();
    if (into !== undefined)
      return this.binding.record12Open(handle, buffer, at, fragmentLength, type, sequenceNumber, into, 0) ===
        plaintextLength
        ? into
        : undefined;
    if (this.binding.record12OpenOwned !== undefined) {
      const owned = this.binding.record12OpenOwned(handle, buffer, at, fragmentLength, type, sequenceNumber);
      return owned === undefined || owned.length === plaintextLength ? owned : undefined;
    }
    const out = new Uint8Array(plaintextLength);
    return this.binding.record12Open(handle, buffer, at, fragmentLength, type, sequenceNumber, out, 0) < 0
      ? undefined
      : out;
  }

  /**
   * Opens a run of datagrams' records in one call, as RecordProtection.openRun lays them out: application_data records,
   * or with a CID tls12_cid records of this key's CID, their inner content length and type found (a method, not a
   * closure per key: an idle session's keys hold no function of their own).
   */
  openRun(buffer: Uint8Array, pairs: Float64Array, count: number, out: Uint8Array, results: Float64Array): number {
    const run = this.binding.record12OpenRun;
    return run === undefined || !this.opensRuns
      ? 0
      : run.call(this.binding, this.handle ?? throwReleased(), buffer, pairs, count, out, results);
  }
}

/** A record call on released keys (checked inline per record: no live() call). */
function throwReleased(): never {
  throw new RangeError('DTLS 1.2 record keys were released');
}

const supported = nativeBinding !== undefined && typeof nativeBinding.record12Create === 'function';

/** The addon's 1.2 record protection for `provider`'s keys: only for the native provider with an addon that has it. */
export function nativeRecord12(
  provider: CryptoProvider,
  aead: AeadAlgorithm,
  key: Uint8Array,
  iv: Uint8Array,
  epoch: number,
  cid: Uint8Array | undefined,
): NativeRecord12 | undefined {
  if (!supported || nativeBinding === undefined || provider !== nativeProvider) return undefined;
  return new NativeRecord12(nativeBinding, aead, key, iv, epoch, cid ?? new Uint8Array(0));
}
