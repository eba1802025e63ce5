/** True when `a` and `b` hold the same bytes. Not constant-time: for wire constants only, never for secrets. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A copy of `b` in a plain Uint8Array of its own (unlike `Buffer#slice`, which returns a view). */
export function copyOf(b: Uint8Array): Uint8Array {
  return new Uint8Array(b);
}

/** True when `a` and `b` hold the same bytes, in time that depends only on their lengths: for MACs and secrets. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The two hex digits of every byte value, made once (a server formats five key log lines per handshake). */
const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, x) => x.toString(16).padStart(2, '0'));

export function toHex(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i++) out += HEX_PAIRS[b[i]!]!;
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
