/**
 * ML-KEM accumulated test vectors: C2SP CCTV, ML-KEM/README.md, "Accumulated
 * pq-crystals vectors" (CC0), for final FIPS 203 (d ‖ k into G).
 *
 * A SHAKE-128 instance with empty input is the RNG; each test draws d, z, m
 * (32 bytes each) and an invalid ciphertext (the ciphertext length); it runs
 * KeyGen(d, z), Encaps(ek, m), Decaps of that ciphertext (must equal the
 * encapsulated key) and Decaps of the random one; ek, dk, ct, K and the
 * implicit-rejection K go into a running SHAKE-128, whose first 32 bytes
 * after 10 000 tests are the published hash below.
 */
export const ML_KEM_768_ACCUMULATED = {
  tests: 10_000,
  /** The RNG stream's first 16 bytes, as the README gives them. */
  rngStart: '7f9c2ba4e88f827d616045507605853e',
  hash: 'f959d18d3d1180121433bf0e05f11e7908cf9d03edc150b2b07cb90bef5bc1c1',
} as const;
