/**
 * The built-in profile: plausible figures, not measurements. Software costs
 * are for OpenSSL through node:crypto on a current x86-64 core with AES-NI
 * and SHA extensions, including the per-call JavaScript overhead (a few µs);
 * RSA figures are for 2048-bit keys. The accelerated engine is a generic
 * crypto offload block. The processing figures (CPU time per handshake
 * message and per record outside the costed crypto: this library's
 * codecs, charts and record framing in JavaScript) are plausible for one
 * such core, not measured. Replace it with `dtls13 simulate --calibrate`, which
 * measures the machine and builds a profile with {@link profileFromMeasurements}.
 */
import type { CryptoCostTable } from './crypto-table.js';
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
    accelerated: {
      lanes: 4,
      speedup: { aead: 10, mask: 10, hash: 6, hmac: 6, hkdf: 6, keyExchange: 20, signature: 20 },
    },
  },
  network: { latencyUs: 50, bandwidthBitsPerSecond: 1e9, jitterUs: 5, lossProbability: 0, reorder: false, overheadBytes: 28 },
  memory: { lineBytes: 64, sets: 64, ways: 4, hitLatencyNs: 1, missLatencyNs: 80, perByteNs: 0.05 },
  processing: { messageUs: 150, recordUs: 3 },
  loadFactor: 1,
};
