/** ML-KEM-768 (FIPS 203) from @noble/post-quantum for both providers (node 20's OpenSSL has none). */
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import type { Kem } from '../kem.js';

export const nobleMlKem768: Kem = {
  name: 'ml-kem-768',
  encapsulationKeyLength: 1184,
  ciphertextLength: 1088,
  keyGen: (seed) => {
    const { publicKey, secretKey } = ml_kem768.keygen(seed);
    return { encapsulationKey: publicKey, decapsulationKey: secretKey };
  },
  encapsulate: (encapsulationKey, message) => {
    // noble performs the §7.2 checks (length, modulus) and throws on failure.
    const { cipherText, sharedSecret } = ml_kem768.encapsulate(encapsulationKey, message);
    return { ciphertext: cipherText, sharedSecret };
  },
  decapsulate: (ciphertext, decapsulationKey) => ml_kem768.decapsulate(ciphertext, decapsulationKey),
};
