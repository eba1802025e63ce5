import type { CipherSuiteName } from '../../generated/wire/enums.js';
import type { AeadAlgorithm, HashAlgorithm, MaskAlgorithm } from './provider.js';

/** What a TLS 1.3 cipher suite means for the record layer and key schedule (RFC 8446 §B.4, RFC 9147 §4.2.3). */
export interface CipherSuiteParams {
  readonly name: SupportedCipherSuite;
  readonly aead: AeadAlgorithm;
  readonly hash: HashAlgorithm;
  readonly mask: MaskAlgorithm;
  /** AEAD key (and sn_key) length in bytes. */
  readonly keyLength: number;
  /** Per-record nonce length (RFC 8446 §5.3: max(8, N_MIN) = 12 for all five suites). */
  readonly ivLength: 12;
  readonly tagLength: number;
  readonly hashLength: number;
}

export type SupportedCipherSuite = Extract<
  CipherSuiteName,
  | 'tls_aes_128_gcm_sha256'
  | 'tls_aes_256_gcm_sha384'
  | 'tls_chacha20_poly1305_sha256'
  | 'tls_aes_128_ccm_sha256'
  | 'tls_aes_128_ccm_8_sha256'
>;

function suite(
  name: SupportedCipherSuite,
  aead: AeadAlgorithm,
  hash: HashAlgorithm,
  mask: MaskAlgorithm,
  tagLength = 16,
): CipherSuiteParams {
  return {
    name,
    aead,
    hash,
    mask,
    keyLength: aeadKeyLength(aead),
    ivLength: 12,
    tagLength,
    hashLength: hashLength(hash),
  };
}

export const CIPHER_SUITES: Readonly<Record<SupportedCipherSuite, CipherSuiteParams>> = {
  tls_aes_128_gcm_sha256: suite('tls_aes_128_gcm_sha256', 'aes-128-gcm', 'sha256', 'aes-128'),
  tls_aes_256_gcm_sha384: suite('tls_aes_256_gcm_sha384', 'aes-256-gcm', 'sha384', 'aes-256'),
  tls_chacha20_poly1305_sha256: suite('tls_chacha20_poly1305_sha256', 'chacha20-poly1305', 'sha256', 'chacha20'),
  tls_aes_128_ccm_sha256: suite('tls_aes_128_ccm_sha256', 'aes-128-ccm', 'sha256', 'aes-128'),
  tls_aes_128_ccm_8_sha256: suite('tls_aes_128_ccm_8_sha256', 'aes-128-ccm-8', 'sha256', 'aes-128', 8),
};

export const ALL_CIPHER_SUITES = Object.keys(CIPHER_SUITES) as SupportedCipherSuite[];

/** AEAD key length for an algorithm. */
export function aeadKeyLength(a: AeadAlgorithm): number {
  return a === 'aes-256-gcm' || a === 'chacha20-poly1305' ? 32 : 16;
}

/** Hash output length. */
export function hashLength(h: HashAlgorithm): number {
  return h === 'sha256' ? 32 : 48;
}
