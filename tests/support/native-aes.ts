import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nativeBinding, type NativeBinding } from '../../runtime/crypto/native/binding.js';
import { MASK_ID } from '../../runtime/crypto/native/ids.js';
import { hex } from './canon.js';
import { openProblems } from './native-chacha.js';

/** The addon's ids for AES-128-GCM and AES-256-GCM (runtime/crypto/native/binding.ts's order), with their key lengths. */
const GCM = [
  { id: 0, name: 'aes-128-gcm', keyLength: 16 },
  { id: 1, name: 'aes-256-gcm', keyLength: 32 },
] as const;
const TAG = 16;

/**
 * Lengths either side of AES's 16-byte blocks, the stitched AES-CTR+GHASH passes of 96 bytes and their thresholds
 * (96 bytes to open, 288 to seal), and a full record.
 */
const LENGTHS = [0, 1, 15, 16, 17, 95, 96, 97, 191, 192, 193, 287, 288, 289, 383, 384, 385, 1200, 1217, 1500];
/** No additional data, a DTLS 1.3 header, a 1.2 one, a block, and a header with a 20-byte connection ID. */
const AAD_LENGTHS = [0, 5, 13, 16, 25];

/**
 * The addon's AES-GCM against node:crypto's at every length above, in place and into another buffer: the same sealed
 * bytes, each opens the other's, and a flipped bit anywhere (ciphertext or tag) is refused with the output zeroed.
 * What differs, as text.
 */
export function aesGcmDisagreements(binding: NativeBinding): string[] {
  const wrong: string[] = [];
  for (const gcm of GCM) {
    const key = crypto.randomBytes(gcm.keyLength);
    const handle = binding.aeadCreate(gcm.id, key);
    try {
      for (const length of LENGTHS)
        for (const aadLength of AAD_LENGTHS) {
          const nonce = crypto.randomBytes(12);
          const aad = crypto.randomBytes(aadLength);
          const plaintext = crypto.randomBytes(length);
          const cipher = crypto.createCipheriv(gcm.name, key, nonce, { authTagLength: TAG });
          cipher.setAAD(aad);
          const expected = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
          const sealed = new Uint8Array(length + TAG);
          sealed.set(plaintext);
          binding.aeadSeal(handle, nonce, aad, sealed, 0, length);
          const at = `${gcm.name}, length ${length}, aad ${aadLength}`;
          if (hex(sealed) !== hex(expected)) wrong.push(`${at}: sealed bytes differ from node:crypto's`);
          wrong.push(...openProblems(binding, handle, nonce, aad, expected, plaintext, at));
          const inPlace = Uint8Array.from(expected);
          if (!binding.aeadOpen(handle, nonce, aad, inPlace, 0, inPlace.length, inPlace, 0))
            wrong.push(`${at}: node:crypto's record did not open in place`);
          else if (hex(inPlace.subarray(0, length)) !== hex(plaintext))
            wrong.push(`${at}: opened in place to other bytes`);
        }
    } finally {
      binding.release(handle);
    }
  }
  return wrong;
}

/** The addon's AES record number masks (RFC 9147 §4.2.3: AES-ECB of the sample under sn_key) against node:crypto's. */
export function aesMaskDisagreements(binding: NativeBinding): string[] {
  const wrong: string[] = [];
  for (const [alg, keyLength, name] of [
    [MASK_ID['aes-128'], 16, 'aes-128-ecb'],
    [MASK_ID['aes-256'], 32, 'aes-256-ecb'],
  ] as const) {
    const snKey = crypto.randomBytes(keyLength);
    const handle = binding.maskCreate(alg, snKey);
    try {
      for (let k = 0; k < 8; k++) {
        const sample = crypto.randomBytes(16);
        const expected = crypto.createCipheriv(name, snKey, null).setAutoPadding(false).update(sample);
        const out = new Uint8Array(16);
        // The sample inside a longer record, at an offset, as the record layer passes it.
        const record = Buffer.concat([crypto.randomBytes(5), sample, crypto.randomBytes(3)]);
        binding.maskCompute(handle, record, 5, out);
        if (hex(out) !== hex(expected)) wrong.push(`${name}, sample ${hex(sample)}: mask differs from node:crypto's`);
      }
    } finally {
      binding.release(handle);
    }
  }
  return wrong;
}

/**
 * Whether the addon can take the direct AES-GCM path here: node's own OpenSSL 3 on x86-64 with AES-NI, PCLMULQDQ,
 * AVX and MOVBE (the CPU's flags as Linux lists them; elsewhere not known, so not expected).
 */
export function aesDirectExpected(): boolean {
  const bundled3 = process.config.variables.node_shared_openssl !== true && process.versions.openssl.startsWith('3.');
  if (!bundled3 || process.arch !== 'x64' || process.platform !== 'linux') return false;
  const flags = new Set(/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim().split(/\s+/) ?? []);
  return ['aes', 'pclmulqdq', 'avx', 'movbe'].every((f) => flags.has(f));
}

// Run as a script (the test's child process, DTLS13_NATIVE_AES set): which path the addon took, and what differed.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (nativeBinding === undefined) throw new Error('no native addon');
  process.stdout.write(
    JSON.stringify({
      direct: nativeBinding.aesDirect?.(),
      disagreements: [...aesGcmDisagreements(nativeBinding), ...aesMaskDisagreements(nativeBinding)],
    }),
  );
}
