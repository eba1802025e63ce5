import type { NativeBinding } from './binding.js';

/** The reserve's size: one RAND_bytes call fills it (about as dear as a 32-byte call), enough for some 20 handshakes. */
const RESERVE_BYTES = 1024;
/** Requests larger than this get a call of their own. */
const FROM_RESERVE_MAX = 256;

/**
 * Random bytes from OpenSSL's public generator (RAND_bytes, as node's randomBytes), handed out from a kept reserve that
 * one addon call refills: a call costs about 0.7 us whatever its size up to a few KiB, and a server handshake asks
 * three times (the random, a ticket's age_add and its sealing nonce). What is handed out is a copy, and its bytes in
 * the reserve are zeroed at once, so no two callers ever get the same bytes.
 */
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
