import type { HashAlgorithm, IncrementalHash } from '../provider.js';
import { hashLength } from '../suites.js';
import type { NativeBinding } from './binding.js';
import { HASH_ID } from './ids.js';

/** Updates up to this many bytes are copied into `small` first (an addon without `hashAbsorb`). */
const SMALL = 256;
/** The staging buffer's size: a flight's messages up to a digest fit (a certificate chain of a few KiB may not). */
const STAGE = 4096;

/**
 * Buffers shared by the hashes of one provider (JavaScript runs one call at a time). With the addon's `hashAbsorb`,
 * updates are staged: copied into `stage` for the one hash that owns it, hashed in the call that next needs the state
 * (its digest or clone, a larger update, another hash's update), so a transcript's messages between two digests cost
 * one addon call, not two per message.
 */
interface Buffers {
  readonly out: Uint8Array;
  readonly small: Uint8Array;
  readonly stage: Uint8Array;
  /** The hash whose bytes `stage[0, staged)` hold, if any. */
  owner: NativeIncrementalHash | undefined;
  staged: number;
}

function buffers(): Buffers {
  // Kept, off V8's heap (their own ArrayBuffers), so N-API reads them in place.
  return {
    out: new Uint8Array(new ArrayBuffer(64)),
    small: new Uint8Array(new ArrayBuffer(SMALL)),
    stage: new Uint8Array(new ArrayBuffer(STAGE)),
    owner: undefined,
    staged: 0,
  };
}

/** An incremental SHA-256/384 whose state this object holds as bytes: clone() copies them (native/src/kdf.c). */
class NativeIncrementalHash implements IncrementalHash {
  readonly algorithm: HashAlgorithm;
  private readonly binding: NativeBinding;
  private readonly state: Uint8Array;
  private readonly buffers: Buffers;

  constructor(binding: NativeBinding, algorithm: HashAlgorithm, buffers: Buffers, state?: Uint8Array) {
    this.binding = binding;
    this.algorithm = algorithm;
    this.buffers = buffers;
    if (state) this.state = state;
    else {
      this.state = new Uint8Array(new ArrayBuffer(binding.hashStateLength));
      binding.hashInit(HASH_ID[algorithm], this.state);
    }
  }

  update(data: Uint8Array): void {
    const b = this.buffers;
    if (this.binding.hashAbsorb !== undefined) {
      if (b.owner !== this) {
        b.owner?.flush();
        b.owner = this;
      }
      if (data.length <= STAGE - b.staged) {
        b.stage.set(data, b.staged);
        b.staged += data.length;
        return;
      }
      this.flush();
    }
    if (data.length > SMALL) this.binding.hashUpdate(this.state, data);
    else {
      // Small arrays live on V8's heap and N-API would copy them to a backing store: copied into a kept buffer instead.
      b.small.set(data);
      this.binding.hashUpdate(this.state, b.small.subarray(0, data.length));
    }
  }

  /** Hashes what is staged for this hash, if anything. */
  private flush(): void {
    const b = this.buffers;
    if (b.owner !== this || b.staged === 0) return;
    this.binding.hashAbsorb!(this.state, b.stage, b.staged);
    b.staged = 0;
  }

  digest(): Uint8Array {
    const b = this.buffers;
    if (b.owner === this && b.staged > 0) {
      this.binding.hashAbsorb!(this.state, b.stage, b.staged, b.out);
      b.staged = 0;
    } else this.binding.hashDigest(this.state, b.out);
    return b.out.slice(0, hashLength(this.algorithm));
  }

  clone(): IncrementalHash {
    this.flush();
    return new NativeIncrementalHash(this.binding, this.algorithm, this.buffers, this.state.slice());
  }
}

export function nativeHash(binding: NativeBinding): (algorithm: HashAlgorithm) => IncrementalHash {
  const kept = buffers();
  return (algorithm) => new NativeIncrementalHash(binding, algorithm, kept);
}

/** The provider's one-shot digest on one kept state, without node:crypto's object or per-call algorithm lookup. */
export function nativeDigest(binding: NativeBinding): (algorithm: HashAlgorithm, data: Uint8Array) => Uint8Array {
  const kept = buffers();
  const state = new Uint8Array(new ArrayBuffer(binding.hashStateLength));
  return (algorithm, data) => {
    binding.hashInit(HASH_ID[algorithm], state);
    // Nothing of an earlier call is left staged: each ends with its digest.
    kept.owner = undefined;
    const hash = new NativeIncrementalHash(binding, algorithm, kept, state);
    hash.update(data);
    return hash.digest();
  };
}
