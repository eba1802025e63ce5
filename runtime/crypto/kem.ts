/** A key-encapsulation mechanism (FIPS 203), the post-quantum half of the hybrid groups. */

/** ML-KEM at one parameter set, with its byte lengths (FIPS 203 Table 3). */
export interface Kem {
  /** `ml-kem-768`, ... */
  readonly name: string;
  readonly encapsulationKeyLength: number;
  readonly ciphertextLength: number;
  /** Keys from the 64-byte seed d ‖ z (FIPS 203 Algorithm 16, ML-KEM.KeyGen_internal). */
  keyGen(seed: Uint8Array): { readonly encapsulationKey: Uint8Array; readonly decapsulationKey: Uint8Array };
  /** ML-KEM.Encaps (FIPS 203 Alg. 17; `message` random when absent); throws when the key fails the §7.2 check. */
  encapsulate(
    encapsulationKey: Uint8Array,
    message?: Uint8Array,
  ): { readonly ciphertext: Uint8Array; readonly sharedSecret: Uint8Array };
  /** ML-KEM.Decaps (FIPS 203 Algorithm 18): never fails for a ciphertext of the right length (implicit rejection). */
  decapsulate(ciphertext: Uint8Array, decapsulationKey: Uint8Array): Uint8Array;
}
