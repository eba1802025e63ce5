/** Published hash, HMAC, HKDF and mask vectors held against the providers' parts (tests/crypto/native, node). */

/** FIPS 180-2 Appendix B.1 and D.1: "abc". */
export const DIGESTS = {
  sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  sha384: 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
} as const;

/** RFC 4231 §4.2 (test case 1): key 0x0b × 20, data "Hi There". */
export const HMAC_CASE_1 = {
  key: '0b'.repeat(20),
  data: '4869205468657265',
  sha256: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
  sha384: 'afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6',
} as const;

/** RFC 5869 Appendix A.1 (SHA-256). */
export const HKDF_CASE_1 = {
  ikm: '0b'.repeat(22),
  salt: '000102030405060708090a0b0c',
  info: 'f0f1f2f3f4f5f6f7f8f9',
  length: 42,
  prk: '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
  okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
} as const;

/**
 * Record number masks (RFC 9147 §4.2.3 is QUIC's header protection, RFC 9001 §5.4): AES-ECB of the sample (FIPS-197
 * Appendix C.1 and C.3), and ChaCha20 with the sample as counter and nonce (RFC 9001 Appendix A.5, first 5 bytes).
 */
export const MASKS = [
  {
    algorithm: 'aes-128',
    key: '000102030405060708090a0b0c0d0e0f',
    sample: '00112233445566778899aabbccddeeff',
    mask: '69c4e0d86a7b0430d8cdb78070b4c55a',
  },
  {
    algorithm: 'aes-256',
    key: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    sample: '00112233445566778899aabbccddeeff',
    mask: '8ea2b7ca516745bfeafc49904b496089',
  },
  {
    algorithm: 'aes-128',
    key: '9f50449e04a0e810283a1e9933adedd2',
    sample: 'd1b1c98dd7689fb8ec11d242b123dc9b',
    mask: '437b9aec36', // RFC 9001 Appendix A.2
  },
  {
    algorithm: 'chacha20',
    key: '25a282b9e82f06f21f488917a4fc8f1b73573685608597d0efcb076b0ab7a7a4',
    sample: '5e5cd55c41f69080575d7999c25a5bfb',
    mask: 'aefefe7d03',
  },
] as const;

/** RFC 7748 §6.1: X25519 between Alice and Bob. */
export const X25519_CASE = {
  alicePrivate: '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
  alicePublic: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
  bobPrivate: '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb',
  bobPublic: 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
  shared: '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
} as const;
