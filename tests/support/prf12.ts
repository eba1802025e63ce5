/** The TLS 1.2 PRF (RFC 5246 §5) written out with node:crypto, for tests to check 1.2 secrets against. */
import { createHmac } from 'node:crypto';

/** PRF(secret, label, seed) = P_hash(secret, label + seed) cut to `length`, as hex. */
export function prf12Hex(
  hash: 'sha256' | 'sha384',
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): string {
  const labelSeed = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const out: Buffer[] = [];
  let a: Buffer = labelSeed;
  let total = 0;
  while (total < length) {
    a = createHmac(hash, secret).update(a).digest();
    const block = createHmac(hash, secret)
      .update(Buffer.concat([a, labelSeed]))
      .digest();
    out.push(block);
    total += block.length;
  }
  return Buffer.concat(out).subarray(0, length).toString('hex');
}
