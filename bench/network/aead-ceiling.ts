import { createCipheriv, randomBytes } from 'node:crypto';
import { nativeBinding } from '../../runtime/crypto/native/binding.js';
import { nativeRecordProtection } from '../../runtime/crypto/native/record.js';
import { aeadKeyLength, CIPHER_SUITES, type SupportedCipherSuite } from '../../runtime/crypto/suites.js';

/** How long each window seals, ms, and how many windows (the fastest counts: a busy machine takes the core away now and then). */
const SEAL_MS = 60;
const WINDOWS = 5;
const HEADER = 5;
const TAG = 16;

/**
 * The AEAD's own rate on one core, the ceiling of any receiver's goodput:
 * `payload`-byte records sealed in a loop on this thread, the fastest of
 * WINDOWS windows of SEAL_MS, by the
 * addon's record call (AEAD and record number mask, as the record layer
 * seals) when it is loaded, else by node:crypto (one cipher per record).
 * Payload bytes per ms; undefined for a suite this can not seal (CCM-8 under node:crypto).
 */
export function aeadCeiling(
  suite: SupportedCipherSuite,
  payload: number,
): { readonly bytesPerMs: number; readonly how: string } | undefined {
  let best: { readonly bytesPerMs: number; readonly how: string } | undefined;
  for (let w = 0; w < WINDOWS; w++) {
    const r = sealWindow(suite, payload);
    if (r !== undefined && (best === undefined || r.bytesPerMs > best.bytesPerMs)) best = r;
  }
  return best;
}

function sealWindow(
  suite: SupportedCipherSuite,
  payload: number,
): { readonly bytesPerMs: number; readonly how: string } | undefined {
  const { aead, mask } = CIPHER_SUITES[suite];
  const key = randomBytes(aeadKeyLength(aead));
  const iv = randomBytes(12);
  const record = new Uint8Array(HEADER + payload + TAG);
  record.set([0x2f, 0, 0, 0, 0], 0);
  let sealed = 0;
  const t0 = performance.now();
  let t1 = t0;
  if (nativeBinding !== undefined) {
    const p = nativeRecordProtection(
      nativeBinding,
      aead,
      mask,
      key,
      iv,
      randomBytes(mask === 'chacha20' ? 32 : mask === 'aes-256' ? 32 : 16),
    );
    try {
      for (; t1 - t0 < SEAL_MS; t1 = performance.now())
        for (let k = 0; k < 256; k++) p.sealRecord(sealed++, record, HEADER, payload, 1, 2);
    } finally {
      p.release();
    }
    return { bytesPerMs: (sealed * payload) / (t1 - t0), how: 'the addon sealing records' };
  }
  const name =
    aead === 'chacha20-poly1305'
      ? 'chacha20-poly1305'
      : aead === 'aes-128-ccm-8' || aead === 'aes-128-ccm'
        ? undefined
        : aead;
  if (name === undefined) return undefined;
  const plain = record.subarray(HEADER, HEADER + payload);
  for (; t1 - t0 < SEAL_MS; t1 = performance.now())
    for (let k = 0; k < 256; k++) {
      iv.writeUInt32BE(sealed++ >>> 0, 8);
      const c = createCipheriv(name as 'aes-128-gcm', key, iv, { authTagLength: TAG });
      c.setAAD(record.subarray(0, HEADER));
      c.update(plain);
      c.final();
      c.getAuthTag();
    }
  return { bytesPerMs: (sealed * payload) / (t1 - t0), how: 'node:crypto, a cipher per record' };
}
