/** Byte-string helpers shared by the PKI code. */

/** Whether `a` and `b` hold the same octets (not constant time: for public data such as names and certificates). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
