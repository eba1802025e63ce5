/** The (D)TLS 1.2 AEAD suites dtls13 knows (GCM, ChaCha20-Poly1305, CCM; no AES-256-CCM) and what each means. */
import type { CipherSuiteName } from '../../generated/wire/enums.js';
import type { AeadAlgorithm, HashAlgorithm } from '../crypto/provider.js';

/** How the premaster secret is agreed and the server authenticated (RFC 8422 §2, RFC 4279 §2, RFC 5489 §2). */
export type KeyExchange12 = 'ecdhe_ecdsa' | 'ecdhe_rsa' | 'psk' | 'ecdhe_psk';

/** How a suite's AEAD nonce is formed. */
export type NonceStyle12 =
  /** salt (4-byte client/server_write_IV) + 8-byte explicit nonce sent in each record (RFC 5288 §3, RFC 6655 §3). */
  | 'explicit'
  /** write_IV XOR the 64-bit epoch + sequence number, nothing on the wire (RFC 7905 §2). */
  | 'xor';

export interface Dtls12SuiteParams {
  readonly name: Dtls12CipherSuite;
  readonly keyExchange: KeyExchange12;
  readonly aead: AeadAlgorithm;
  /** The PRF's hash, also the handshake hash (RFC 5246 §5, §7.4.9). */
  readonly hash: HashAlgorithm;
  readonly keyLength: number;
  /** client/server_write_IV length in the key block: 4 (GCM, CCM) or 12 (ChaCha20-Poly1305). */
  readonly fixedIvLength: 4 | 12;
  readonly nonce: NonceStyle12;
  /** Bytes of explicit nonce at the front of each protected record: 8, or 0. */
  readonly recordIvLength: 8 | 0;
  readonly tagLength: 16 | 8;
}

export type Dtls12CipherSuite = Extract<
  CipherSuiteName,
  | 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256'
  | 'tls_ecdhe_ecdsa_with_aes_256_gcm_sha384'
  | 'tls_ecdhe_rsa_with_aes_128_gcm_sha256'
  | 'tls_ecdhe_rsa_with_aes_256_gcm_sha384'
  | 'tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256'
  | 'tls_ecdhe_rsa_with_chacha20_poly1305_sha256'
  | 'tls_ecdhe_ecdsa_with_aes_128_ccm'
  | 'tls_ecdhe_ecdsa_with_aes_128_ccm_8'
  | 'tls_psk_with_aes_128_gcm_sha256'
  | 'tls_psk_with_aes_256_gcm_sha384'
  | 'tls_psk_with_chacha20_poly1305_sha256'
  | 'tls_psk_with_aes_128_ccm'
  | 'tls_psk_with_aes_128_ccm_8'
  | 'tls_ecdhe_psk_with_aes_128_gcm_sha256'
  | 'tls_ecdhe_psk_with_aes_256_gcm_sha384'
  | 'tls_ecdhe_psk_with_chacha20_poly1305_sha256'
  | 'tls_ecdhe_psk_with_aes_128_ccm_sha256'
  | 'tls_ecdhe_psk_with_aes_128_ccm_8_sha256'
>;

/** What a suite's AEAD brings; GCM and CCM carry an 8-byte explicit nonce after a 4-byte salt. */
type Aead12 = Omit<Dtls12SuiteParams, 'name' | 'keyExchange'>;
const explicitNonce = { fixedIvLength: 4, nonce: 'explicit', recordIvLength: 8 } as const;
const gcm128: Aead12 = { aead: 'aes-128-gcm', hash: 'sha256', keyLength: 16, ...explicitNonce, tagLength: 16 };
const gcm256: Aead12 = { aead: 'aes-256-gcm', hash: 'sha384', keyLength: 32, ...explicitNonce, tagLength: 16 };
const chacha: Aead12 = {
  aead: 'chacha20-poly1305',
  hash: 'sha256',
  keyLength: 32,
  fixedIvLength: 12,
  nonce: 'xor',
  recordIvLength: 0,
  tagLength: 16,
};
const ccm: Aead12 = { aead: 'aes-128-ccm', hash: 'sha256', keyLength: 16, ...explicitNonce, tagLength: 16 };
const ccm8: Aead12 = { aead: 'aes-128-ccm-8', hash: 'sha256', keyLength: 16, ...explicitNonce, tagLength: 8 };

const SUITES: Readonly<Record<Dtls12CipherSuite, readonly [KeyExchange12, Aead12]>> = {
  tls_ecdhe_ecdsa_with_aes_128_gcm_sha256: ['ecdhe_ecdsa', gcm128],
  tls_ecdhe_ecdsa_with_aes_256_gcm_sha384: ['ecdhe_ecdsa', gcm256],
  tls_ecdhe_rsa_with_aes_128_gcm_sha256: ['ecdhe_rsa', gcm128],
  tls_ecdhe_rsa_with_aes_256_gcm_sha384: ['ecdhe_rsa', gcm256],
  tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256: ['ecdhe_ecdsa', chacha],
  tls_ecdhe_rsa_with_chacha20_poly1305_sha256: ['ecdhe_rsa', chacha],
  tls_ecdhe_ecdsa_with_aes_128_ccm: ['ecdhe_ecdsa', ccm],
  tls_ecdhe_ecdsa_with_aes_128_ccm_8: ['ecdhe_ecdsa', ccm8],
  tls_psk_with_aes_128_gcm_sha256: ['psk', gcm128],
  tls_psk_with_aes_256_gcm_sha384: ['psk', gcm256],
  tls_psk_with_chacha20_poly1305_sha256: ['psk', chacha],
  tls_psk_with_aes_128_ccm: ['psk', ccm],
  tls_psk_with_aes_128_ccm_8: ['psk', ccm8],
  tls_ecdhe_psk_with_aes_128_gcm_sha256: ['ecdhe_psk', gcm128],
  tls_ecdhe_psk_with_aes_256_gcm_sha384: ['ecdhe_psk', gcm256],
  tls_ecdhe_psk_with_chacha20_poly1305_sha256: ['ecdhe_psk', chacha],
  tls_ecdhe_psk_with_aes_128_ccm_sha256: ['ecdhe_psk', ccm],
  tls_ecdhe_psk_with_aes_128_ccm_8_sha256: ['ecdhe_psk', ccm8],
};

/** The table, by IANA name, in the order above. The CCM suites of RFC 6655/7251 use the SHA-256 PRF (RFC 6655 §3). */
export const DTLS12_CIPHER_SUITES = Object.fromEntries(
  Object.entries(SUITES).map(([name, [keyExchange, aead]]) => [name, { name, keyExchange, ...aead }]),
) as Readonly<Record<Dtls12CipherSuite, Dtls12SuiteParams>>;

/** The parameters of a 1.2 suite, or undefined for one dtls13 does not do in 1.2. */
export function dtls12Suite(name: CipherSuiteName | number): Dtls12SuiteParams | undefined {
  return typeof name === 'string' && Object.hasOwn(DTLS12_CIPHER_SUITES, name)
    ? DTLS12_CIPHER_SUITES[name as Dtls12CipherSuite]
    : undefined;
}
