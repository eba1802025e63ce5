import type { AeadAlgorithm } from '../../runtime/crypto/provider.js';

const GCM_P =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39';
const GCM_A = 'feedfacedeadbeeffeedfacedeadbeefabaddad2';
const GCM_IV = 'cafebabefacedbaddecaf888';

/** Published AEAD test vectors, one per TLS 1.3 AEAD family, held against every provider. */
export const AEAD_KNOWN_ANSWERS: readonly {
  name: string;
  algorithm: AeadAlgorithm;
  key: string;
  nonce: string;
  aad: string;
  plaintext: string;
  sealed: string;
}[] = [
  {
    // McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B, Test Case 4.
    name: 'GCM spec test case 4 (AES-128)',
    algorithm: 'aes-128-gcm',
    key: 'feffe9928665731c6d6a8f9467308308',
    nonce: GCM_IV,
    aad: GCM_A,
    plaintext: GCM_P,
    sealed:
      '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091' +
      '5bc94fbc3221a5db94fae95ae7121a47',
  },
  {
    // McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B, Test Case 16.
    name: 'GCM spec test case 16 (AES-256)',
    algorithm: 'aes-256-gcm',
    key: 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308',
    nonce: GCM_IV,
    aad: GCM_A,
    plaintext: GCM_P,
    sealed:
      '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662' +
      '76fc6ece0f4e1768cddf8853bb2d551b',
  },
  {
    // RFC 8439 §2.8.2, Example and Test Vector for AEAD_CHACHA20_POLY1305.
    name: 'RFC 8439 §2.8.2',
    algorithm: 'chacha20-poly1305',
    key: '808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f',
    nonce: '070000004041424344454647',
    aad: '50515253c0c1c2c3c4c5c6c7',
    plaintext: Buffer.from(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    ).toString('hex'),
    sealed:
      'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36' +
      '92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116' +
      '1ae10b594f09e26a7e902ecbd0600691',
  },
  {
    // NIST SP 800-38C Appendix C, Example 3 (Tlen = 64, Nlen = 96: a 12-byte nonce and 8-byte tag, as AES_128_CCM_8).
    name: 'SP 800-38C Example 3 (CCM-8)',
    algorithm: 'aes-128-ccm-8',
    key: '404142434445464748494a4b4c4d4e4f',
    nonce: '101112131415161718191a1b',
    aad: '000102030405060708090a0b0c0d0e0f10111213',
    plaintext: '202122232425262728292a2b2c2d2e2f3031323334353637',
    sealed: 'e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5484392fbc1b09951',
  },
];
