/**
 * The built-in profile: plausible figures, not measurements. Software costs
 * are for OpenSSL through node:crypto on a current x86-64 core with AES-NI
 * and SHA extensions, including the per-call JavaScript overhead (a few µs);
 * RSA figures are for 2048-bit keys. The accelerated engine is a generic
 * crypto offload block described in cycles (DEFAULT_ACCELERATED_TABLE). The processing figures (CPU time per handshake
 * message and per record outside the costed crypto: this library's
 * codecs, charts and record framing in JavaScript) are plausible for one
 * such core, not measured. Replace it with `dtls13 simulate --calibrate`, which
 * measures the machine and builds a profile with {@link profileFromMeasurements}.
 */
import type { AcceleratedCrypto, CryptoCostTable } from './crypto-table.js';
import { PROFILE_FORMAT, PROFILE_VERSION } from './profile.js';
import type { TimingProfile } from './profile.js';

const aead = (setupUs: number, perByteNs: number) => ({ seal: { setupUs, perByteNs }, open: { setupUs, perByteNs } });
const rsa2048 = { signUs: 1000, verifyUs: 35 };

/** Software cost table of the default profile. */
export const DEFAULT_SOFTWARE_TABLE: CryptoCostTable = {
  aead: {
    TLS_AES_128_GCM_SHA256: aead(3, 0.4),
    TLS_AES_256_GCM_SHA384: aead(3, 0.5),
    TLS_CHACHA20_POLY1305_SHA256: aead(3, 1.0),
    TLS_AES_128_CCM_SHA256: aead(3.5, 1.6),
    TLS_AES_128_CCM_8_SHA256: aead(3.5, 1.6),
  },
  mask: {
    'aes-128': { setupUs: 2, perByteNs: 0 },
    'aes-256': { setupUs: 2, perByteNs: 0 },
    chacha20: { setupUs: 2, perByteNs: 0 },
  },
  hash: { sha256: { setupUs: 1, perByteNs: 0.6 }, sha384: { setupUs: 1, perByteNs: 1.2 } },
  hmac: { sha256: { setupUs: 2, perByteNs: 0.6 }, sha384: { setupUs: 2, perByteNs: 1.2 } },
  hkdf: { sha256: { setupUs: 3, perByteNs: 0.6 }, sha384: { setupUs: 3, perByteNs: 1.2 } },
  keyExchange: {
    x25519: { generateUs: 45, deriveUs: 45 },
    x448: { generateUs: 180, deriveUs: 180 },
    secp256r1: { generateUs: 25, deriveUs: 60 },
    secp384r1: { generateUs: 350, deriveUs: 750 },
    secp521r1: { generateUs: 150, deriveUs: 350 },
    // X25519 plus ML-KEM-768 in JavaScript (@noble/post-quantum): key generation; encapsulation or decapsulation.
    x25519mlkem768: { generateUs: 45 + 700, deriveUs: 45 + 800 },
  },
  signature: {
    ecdsa_secp256r1_sha256: { signUs: 30, verifyUs: 80 },
    ecdsa_secp384r1_sha384: { signUs: 650, verifyUs: 600 },
    ecdsa_secp521r1_sha512: { signUs: 300, verifyUs: 600 },
    ed25519: { signUs: 35, verifyUs: 90 },
    ed448: { signUs: 150, verifyUs: 250 },
    rsa_pss_rsae_sha256: rsa2048,
    rsa_pss_rsae_sha384: rsa2048,
    rsa_pss_rsae_sha512: rsa2048,
    rsa_pss_pss_sha256: rsa2048,
    rsa_pss_pss_sha384: rsa2048,
    rsa_pss_pss_sha512: rsa2048,
    rsa_pkcs1_sha256: rsa2048,
    rsa_pkcs1_sha384: rsa2048,
    rsa_pkcs1_sha512: rsa2048,
  },
};

const cycles = (setupCycles: number, bytesPerCycle: number) => ({ setupCycles, bytesPerCycle });
const aeadCycles = (setupCycles: number, bytesPerCycle: number) => ({ seal: cycles(setupCycles, bytesPerCycle), open: cycles(setupCycles, bytesPerCycle) });
const rsa2048Cycles = { signCycles: 600_000, verifyCycles: 20_000 };

/**
 * Cycle table of the default accelerator (plausible for a crypto offload
 * block, not measured): AES pipelines at 16 bytes a cycle (12 for AES-256),
 * ChaCha20-Poly1305 and CCM at 8; SHA-256 one 64-byte block in about 64
 * cycles, SHA-384 one 128-byte block in about 80; HMAC and HKDF the extra
 * compressions as setup; a public-key unit doing an X25519 scalar
 * multiplication in 3 000 cycles (6 µs at 500 MHz).
 */
export const DEFAULT_ACCELERATED_TABLE: AcceleratedCrypto = {
  aead: {
    TLS_AES_128_GCM_SHA256: aeadCycles(48, 16),
    TLS_AES_256_GCM_SHA384: aeadCycles(56, 12),
    TLS_CHACHA20_POLY1305_SHA256: aeadCycles(40, 8),
    TLS_AES_128_CCM_SHA256: aeadCycles(60, 8),
    TLS_AES_128_CCM_8_SHA256: aeadCycles(60, 8),
  },
  mask: { 'aes-128': cycles(14, 0), 'aes-256': cycles(18, 0), chacha20: cycles(24, 0) },
  hash: { sha256: cycles(80, 1), sha384: cycles(100, 1.6) },
  hmac: { sha256: cycles(240, 1), sha384: cycles(300, 1.6) },
  hkdf: { sha256: cycles(400, 1), sha384: cycles(500, 1.6) },
  keyExchange: {
    x25519: { generateCycles: 3_000, deriveCycles: 3_000 },
    x448: { generateCycles: 12_000, deriveCycles: 12_000 },
    secp256r1: { generateCycles: 4_000, deriveCycles: 8_000 },
    secp384r1: { generateCycles: 15_000, deriveCycles: 30_000 },
    secp521r1: { generateCycles: 30_000, deriveCycles: 60_000 },
    x25519mlkem768: { generateCycles: 3_000 + 20_000, deriveCycles: 3_000 + 25_000 },
  },
  signature: {
    ecdsa_secp256r1_sha256: { signCycles: 4_500, verifyCycles: 10_000 },
    ecdsa_secp384r1_sha384: { signCycles: 17_000, verifyCycles: 35_000 },
    ecdsa_secp521r1_sha512: { signCycles: 35_000, verifyCycles: 70_000 },
    ed25519: { signCycles: 3_500, verifyCycles: 8_000 },
    ed448: { signCycles: 15_000, verifyCycles: 30_000 },
    rsa_pss_rsae_sha256: rsa2048Cycles,
    rsa_pss_rsae_sha384: rsa2048Cycles,
    rsa_pss_rsae_sha512: rsa2048Cycles,
    rsa_pss_pss_sha256: rsa2048Cycles,
    rsa_pss_pss_sha384: rsa2048Cycles,
    rsa_pss_pss_sha512: rsa2048Cycles,
    rsa_pkcs1_sha256: rsa2048Cycles,
    rsa_pkcs1_sha384: rsa2048Cycles,
    rsa_pkcs1_sha512: rsa2048Cycles,
  },
};

/** The built-in profile (`metadata.source` is `default`). */
export const DEFAULT_PROFILE: TimingProfile = {
  format: PROFILE_FORMAT,
  version: PROFILE_VERSION,
  metadata: {
    machine: 'generic x86-64 core with AES-NI and SHA extensions (assumed, not measured)',
    date: '2026-11-21',
    provider: 'node',
    source: 'default',
    notes: 'Built-in plausible defaults; run `dtls13 simulate --calibrate` to measure this machine.',
  },
  crypto: {
    software: { lanes: 1, table: DEFAULT_SOFTWARE_TABLE },
    accelerated: DEFAULT_ACCELERATED_TABLE,
  },
  processing: { messageUs: 150, recordUs: 3 },
  loadFactor: 1,
};
