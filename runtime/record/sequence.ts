/** Sequence number reconstruction (RFC 9147 §4.2.2) and the per-record nonce (RFC 8446 §5.3). */

/** The full sequence number with low `bits` bits `low` closest to `expected` (RFC 9147 §4.2.2); never negative. */
export function reconstructSequenceNumber(low: number, bits: 8 | 16, expected: number): number {
  const span = bits === 8 ? 0x100 : 0x10000;
  const half = span / 2;
  let candidate = expected - (expected % span) + low;
  if (candidate - expected > half && candidate >= span) candidate -= span;
  else if (expected - candidate > half) candidate += span;
  return candidate;
}

/** nonce = iv XOR (64-bit big-endian sequence number left-padded to the IV length). Writes into `out`. */
export function recordNonce(iv: Uint8Array, seq: number, out: Uint8Array): Uint8Array {
  out.set(iv);
  const n = out.length;
  let lo = seq >>> 0;
  let hi = Math.floor(seq / 0x100000000);
  for (let i = 0; i < 4; i++, lo >>>= 8) out[n - 1 - i]! ^= lo & 0xff;
  for (let i = 4; i < 8; i++, hi >>>= 8) out[n - 1 - i]! ^= hi & 0xff;
  return out;
}
