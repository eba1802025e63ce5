/**
 * Direct timing of the length-dependent operations at a spread of sizes,
 * through the same logging provider as the handshakes (so each sample
 * carries the same per-call overhead): AEAD seal and open, the record
 * number mask, incremental hashing and HMAC. The handshakes alone give only
 * the sizes a handshake uses, too narrow a range for a per-byte slope.
 */
import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import type { CryptoOp, CryptoOpLog } from '../model/crypto-ops.js';

/** Payload sizes timed directly, in bytes (RFC 8446 §5.1: a record holds at most 2^14). */
export const DIRECT_SIZES = [16, 64, 256, 1024, 1200, 4096, 16384] as const;

/**
 * Times each suite's AEAD seal and open, its mask, and its hash and HMAC,
 * `repeats` times at every size in {@link DIRECT_SIZES} (sizes interleaved, so
 * a burst of noise spreads over all of them). `provider` must report to
 * `log` with measuring on; returns the logged operations.
 */
export function directSamples(
  provider: CryptoProvider,
  log: CryptoOpLog,
  suites: readonly SupportedCipherSuite[],
  repeats: number,
): CryptoOp[] {
  log.take();
  const out: CryptoOp[] = [];
  const data = new Uint8Array(Math.max(...DIRECT_SIZES)).fill(0xa5);
  const nonce = new Uint8Array(12).fill(7);
  const aad = new Uint8Array(5).fill(0x2f);
  const sample = new Uint8Array(16).fill(0x3c);
  for (const suite of suites) {
    const p = CIPHER_SUITES[suite];
    const aead = provider.aead(p.aead, new Uint8Array(p.keyLength).fill(1));
    const mask = provider.mask(p.mask, new Uint8Array(p.keyLength).fill(2));
    const macKey = new Uint8Array(p.hashLength).fill(3);
    for (let r = 0; r < repeats; r++) {
      for (const size of DIRECT_SIZES) {
        const pt = data.subarray(0, size);
        const ct = aead.seal(nonce, aad, pt);
        if (aead.open(nonce, aad, ct) === undefined) throw new Error(`${p.aead} did not open its own seal`);
        const h = provider.createHash(p.hash);
        h.update(pt);
        h.digest();
        provider.hmac(p.hash, macKey, pt);
        mask.mask(sample);
      }
    }
    aead.release();
    mask.release();
    out.push(...log.take());
  }
  return out;
}
