import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { nativeBinding, type NativeBinding } from '../../runtime/crypto/native/binding.js';
import { hex } from './canon.js';

/** The addon's id for ChaCha20-Poly1305 (runtime/crypto/native/binding.ts's order). */
const CHACHA20_POLY1305 = 2;
const TAG = 16;

/** Lengths either side of ChaCha20's 64-byte blocks, Poly1305's 16-byte blocks and OpenSSL's wide passes (4 and 16 blocks). */
const LENGTHS = [
  0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025, 1200, 1279,
];
const AAD_LENGTHS = [0, 1, 13, 16, 17];

/**
 * The addon's ChaCha20-Poly1305 against node:crypto's at every length above: the same sealed bytes, each opens the
 * other's, and a flipped bit anywhere (ciphertext or tag) is refused with the output zeroed. What differs, as text.
 */
export function chachaDisagreements(binding: NativeBinding): string[] {
  const wrong: string[] = [];
  const key = crypto.randomBytes(32);
  const handle = binding.aeadCreate(CHACHA20_POLY1305, key);
  try {
    for (const length of LENGTHS)
      for (const aadLength of AAD_LENGTHS) {
        const nonce = crypto.randomBytes(12);
        const aad = crypto.randomBytes(aadLength);
        const plaintext = crypto.randomBytes(length);
        const cipher = crypto.createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
        cipher.setAAD(aad, { plaintextLength: length });
        const expected = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
        const sealed = new Uint8Array(length + TAG);
        sealed.set(plaintext);
        binding.aeadSeal(handle, nonce, aad, sealed, 0, length);
        const at = `length ${length}, aad ${aadLength}`;
        if (hex(sealed) !== hex(expected)) wrong.push(`${at}: sealed bytes differ from node:crypto's`);
        const out = new Uint8Array(length).fill(0xee);
        if (!binding.aeadOpen(handle, nonce, aad, expected, 0, expected.length, out, 0) || hex(out) !== hex(plaintext))
          wrong.push(`${at}: node:crypto's record did not open to its plaintext`);
        const flip = (length * 7 + aadLength) % expected.length;
        const forged = Uint8Array.from(expected);
        forged[flip]! ^= 0x40;
        out.fill(0xee);
        if (binding.aeadOpen(handle, nonce, aad, forged, 0, forged.length, out, 0))
          wrong.push(`${at}: a flipped bit at ${flip} opened`);
        else if (out.some((b) => b !== 0)) wrong.push(`${at}: a refused record left bytes in the output`);
      }
  } finally {
    binding.release(handle);
  }
  return wrong;
}

// Run as a script (the test's child process, DTLS13_NATIVE_CHACHA set): which path the addon took, and what differed.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (nativeBinding === undefined) throw new Error('no native addon');
  process.stdout.write(
    JSON.stringify({ direct: nativeBinding.chachaDirect?.(), disagreements: chachaDisagreements(nativeBinding) }),
  );
}
