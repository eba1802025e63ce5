/**
 * The built-in profile: plausible figures, not measurements. Software costs
 * are for OpenSSL through node:crypto on a current x86-64 core with AES-NI
 * and SHA extensions, including the per-call JavaScript overhead (a few µs);
 * RSA figures are for 2048-bit keys. The accelerated engine is
 * spec/hw/engines/default.yaml's cycle table (DEFAULT_ACCELERATED_TABLE),
 * each figure with its published source. The processing figures (CPU time per handshake
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

const cycles = (setupCycles: number, bytesPerCycle: number, latencyCycles = 0) =>
  latencyCycles === 0 ? { setupCycles, bytesPerCycle } : { setupCycles, bytesPerCycle, latencyCycles };
const aeadCycles = (setupCycles: number, bytesPerCycle: number, latencyCycles = 0) => ({
  seal: cycles(setupCycles, bytesPerCycle, latencyCycles),
  open: cycles(setupCycles, bytesPerCycle, latencyCycles),
});
const rsa2048Cycles = { signCycles: 600_000, verifyCycles: 20_000 };

/**
 * Cycle table of the default accelerator: spec/hw/engines/default.yaml,
 * where every figure has its source (datasheet or paper, or the reasoning
 * of an estimate); tests/hwmodel/timing/engines.test.ts keeps the two
 * equal. Written out here so a run needs no YAML parser. AES-GCM at 16
 * bytes a cycle (CAST AES-GCM-X) with a 20-cycle pipeline, ChaCha20-Poly1305
 * at 8 (Design Gateway), SHA-256 at 65 cycles a block (Design Gateway),
 * X25519 in 5,190 cycles (10.38 µs, HPEC 2024, at 500 MHz), P-256 from the
 * AMD Vitis Security Library's times, Kyber from Bisheh-Niasar et al.
 */
export const DEFAULT_ACCELERATED_TABLE: AcceleratedCrypto = {
  aead: {
    TLS_AES_128_GCM_SHA256: aeadCycles(4, 16, 20),
    TLS_AES_256_GCM_SHA384: aeadCycles(4, 16, 24),
    TLS_CHACHA20_POLY1305_SHA256: aeadCycles(24, 8, 10),
    TLS_AES_128_CCM_SHA256: aeadCycles(22, 1.45),
    TLS_AES_128_CCM_8_SHA256: aeadCycles(22, 1.45),
  },
  mask: { 'aes-128': cycles(11, 0), 'aes-256': cycles(15, 0), chacha20: cycles(8, 0, 12) },
  hash: { sha256: cycles(65, 0.9846), sha384: cycles(81, 1.58) },
  hmac: { sha256: cycles(260, 0.9846), sha384: cycles(324, 1.58) },
  hkdf: { sha256: cycles(260, 0.9846), sha384: cycles(324, 1.58) },
  keyExchange: {
    x25519: { generateCycles: 5_190, deriveCycles: 5_190 },
    x448: { generateCycles: 27_005, deriveCycles: 27_005 },
    secp256r1: { generateCycles: 55_000, deriveCycles: 130_000 },
    secp384r1: { generateCycles: 185_625, deriveCycles: 438_750 },
    secp521r1: { generateCycles: 464_000, deriveCycles: 1_097_000 },
    x25519mlkem768: { generateCycles: 6_990, deriveCycles: 8_990 },
  },
  signature: {
    ecdsa_secp256r1_sha256: { signCycles: 55_000, verifyCycles: 260_000 },
    ecdsa_secp384r1_sha384: { signCycles: 185_625, verifyCycles: 877_500 },
    ecdsa_secp521r1_sha512: { signCycles: 464_000, verifyCycles: 2_194_000 },
    ed25519: { signCycles: 5_190, verifyCycles: 10_380 },
    ed448: { signCycles: 27_005, verifyCycles: 54_010 },
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
