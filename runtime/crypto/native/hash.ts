import type { HashAlgorithm, IncrementalHash } from '../provider.js';
import { hashLength } from '../suites.js';
import type { NativeBinding } from './binding.js';
import { HASH_ID } from './ids.js';

/** Updates up to this many bytes are copied into `small` first. */
const SMALL = 256;

/** Buffers shared by the hashes of one provider (JavaScript runs one call at a time). */
interface Buffers {
  readonly out: Uint8Array;
  readonly small: Uint8Array;
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
    if (data.length > SMALL) this.binding.hashUpdate(this.state, data);
    else {
      // Small arrays live on V8's heap and N-API would copy them to a backing store: copied into a kept buffer instead.
      this.buffers.small.set(data);
      this.binding.hashUpdate(this.state, this.buffers.small.subarray(0, data.length));
    }
  }

  digest(): Uint8Array {
    this.binding.hashDigest(this.state, this.buffers.out);
    return this.buffers.out.slice(0, hashLength(this.algorithm));
  }

  clone(): IncrementalHash {
    return new NativeIncrementalHash(this.binding, this.algorithm, this.buffers, this.state.slice());
  }
}

export function nativeHash(binding: NativeBinding): (algorithm: HashAlgorithm) => IncrementalHash {
  // Kept buffers, off V8's heap (their own ArrayBuffers): every digest is written to `out` first, then copied out.
  const buffers: Buffers = { out: new Uint8Array(new ArrayBuffer(64)), small: new Uint8Array(new ArrayBuffer(SMALL)) };
  return (algorithm) => new NativeIncrementalHash(binding, algorithm, buffers);
}

/** The provider's one-shot digest on one kept state, without node:crypto's object or per-call algorithm lookup. */
export function nativeDigest(binding: NativeBinding): (algorithm: HashAlgorithm, data: Uint8Array) => Uint8Array {
  const buffers: Buffers = { out: new Uint8Array(new ArrayBuffer(64)), small: new Uint8Array(new ArrayBuffer(SMALL)) };
  const state = new Uint8Array(new ArrayBuffer(binding.hashStateLength));
  return (algorithm, data) => {
    binding.hashInit(HASH_ID[algorithm], state);
    const hash = new NativeIncrementalHash(binding, algorithm, buffers, state);
    hash.update(data);
    return hash.digest();
  };
}
