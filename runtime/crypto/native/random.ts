import type { NativeBinding } from './binding.js';

/** The reserve's size: one RAND_bytes call fills it (about as dear as a 32-byte call), enough for some 20 handshakes. */
const RESERVE_BYTES = 1024;
/** Requests larger than this get a call of their own. */
const FROM_RESERVE_MAX = 256;

/** Random bytes from RAND_bytes via a refilled reserve; each hand-out is a copy and its reserve bytes are zeroed. */
export function nativeRandomBytes(binding: NativeBinding): (n: number) => Uint8Array {
  const reserve = new Uint8Array(new ArrayBuffer(RESERVE_BYTES));
  let used = RESERVE_BYTES;
  return (n) => {
    if (n > FROM_RESERVE_MAX) {
      const out = new Uint8Array(n);
      binding.randomFill(out);
      return out;
    }
    if (used + n > RESERVE_BYTES) {
      binding.randomFill(reserve);
      used = 0;
    }
    const out = reserve.slice(used, used + n);
    reserve.fill(0, used, used + n);
    used += n;
    return out;
  };
}
