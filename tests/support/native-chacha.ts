import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { nativeBinding, type NativeBinding, type NativeHandle } from '../../runtime/crypto/native/binding.js';
import { MASK_ID } from '../../runtime/crypto/native/ids.js';
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
        wrong.push(...openProblems(binding, handle, nonce, aad, expected, plaintext, at));
      }
  } finally {
    binding.release(handle);
  }
  return wrong;
}

/** Samples whose first word, ChaCha20's block counter, sits at its edges; then random ones. */
const SAMPLES = [
  '00000000000000000000000000000000',
  'ffffffff000000000000000000000000',
  'feffffffffffffffffffffffffffffff',
  'ffffffffffffffffffffffffffffffff',
];

/**
 * The addon's ChaCha20 record number masks (RFC 9147 §4.2.3: ChaCha20 keyed with sn_key, the sample's first 4 bytes
 * the block counter and the next 12 the nonce, over zeros) against node:crypto's ChaCha20 with the sample as its IV.
 */
export function chachaMaskDisagreements(binding: NativeBinding): string[] {
  const wrong: string[] = [];
  for (let k = 0; k < 8; k++) {
    const snKey = crypto.randomBytes(32);
    const handle = binding.maskCreate(MASK_ID.chacha20, snKey);
    try {
      for (const sample of [
        ...SAMPLES.map((h) => Buffer.from(h, 'hex')),
        ...[0, 1, 2, 3].map(() => crypto.randomBytes(16)),
      ]) {
        const expected = crypto.createCipheriv('chacha20', snKey, sample).update(Buffer.alloc(16));
        const out = new Uint8Array(16);
        // The sample inside a longer record, at an offset, as the record layer passes it.
        const record = Buffer.concat([crypto.randomBytes(5), sample, crypto.randomBytes(3)]);
        binding.maskCompute(handle, record, 5, out);
        if (hex(out) !== hex(expected)) wrong.push(`key ${k}, sample ${hex(sample)}: mask differs from node:crypto's`);
      }
    } finally {
      binding.release(handle);
    }
  }
  return wrong;
}

// Run as a script (the test's child process, DTLS13_NATIVE_CHACHA set): which paths the addon took, and what differed.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (nativeBinding === undefined) throw new Error('no native addon');
  process.stdout.write(
    JSON.stringify({
      direct: nativeBinding.chachaDirect?.(),
      block: nativeBinding.chachaBlockOpenssl?.(),
      disagreements: [...chachaDisagreements(nativeBinding), ...chachaMaskDisagreements(nativeBinding)],
    }),
  );
}

/**
 * What is wrong when the binding opens `expected` (a genuine record of `plaintext`): it does not open to `plaintext`,
 * or the record with bit 0x40 of one byte flipped opens, or its refusal leaves bytes in the output. Each problem named
 * after `at`.
 */
export function openProblems(
  binding: NativeBinding,
  handle: NativeHandle,
  nonce: Uint8Array,
  aad: Uint8Array,
  expected: Uint8Array,
  plaintext: Uint8Array,
  at: string,
): string[] {
  const problems: string[] = [];
  const out = new Uint8Array(plaintext.length).fill(0xee);
  if (!binding.aeadOpen(handle, nonce, aad, expected, 0, expected.length, out, 0) || hex(out) !== hex(plaintext))
    problems.push(`${at}: node:crypto's record did not open to its plaintext`);
  const flip = (plaintext.length * 7 + aad.length) % expected.length;
  const forged = Uint8Array.from(expected);
  forged[flip]! ^= 0x40;
  out.fill(0xee);
  if (binding.aeadOpen(handle, nonce, aad, forged, 0, forged.length, out, 0))
    problems.push(`${at}: a flipped bit at ${flip} opened`);
  else if (out.some((b) => b !== 0)) problems.push(`${at}: a refused record left bytes in the output`);
  return problems;
}
