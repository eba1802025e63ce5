/**
 * The algorithm names the timing tables are keyed by: the IANA/RFC names of
 * TLS 1.3 (RFC 8446 §B.4 cipher suites, §4.2.7 groups, §4.2.3 signature
 * schemes). Lists are `as const` so profiles can be validated at run time.
 */
import type {
  HashAlgorithm,
  KeyExchangeGroup,
  MaskAlgorithm,
  SignatureAlgorithm,
} from '../../runtime/crypto/provider.js';

/** The five TLS 1.3 cipher suites (RFC 8446 §B.4), as the profile keys them. */
export const CIPHER_SUITES = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_CCM_SHA256',
  'TLS_AES_128_CCM_8_SHA256',
] as const;
/** A TLS 1.3 cipher suite name. */
export type CipherSuite = (typeof CIPHER_SUITES)[number];

/** Record number mask ciphers (RFC 9147 §4.2.3). */
export const MASK_ALGORITHMS = ['aes-128', 'aes-256', 'chacha20'] as const satisfies readonly MaskAlgorithm[];
/** Hash functions of the TLS 1.3 suites. */
export const HASH_ALGORITHMS = ['sha256', 'sha384'] as const satisfies readonly HashAlgorithm[];
/** Key exchange groups (RFC 8446 §4.2.7). */
export const KEY_EXCHANGE_GROUPS = [
  'x25519',
  'x448',
  'secp256r1',
  'secp384r1',
  'secp521r1',
  'x25519mlkem768',
] as const satisfies readonly KeyExchangeGroup[];
/** Signature schemes (RFC 8446 §4.2.3) with a cost entry. RSA figures assume 2048-bit keys. */
export const SIGNATURE_SCHEMES = [
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp384r1_sha384',
  'ecdsa_secp521r1_sha512',
  'ed25519',
  'ed448',
  'rsa_pss_rsae_sha256',
  'rsa_pss_rsae_sha384',
  'rsa_pss_rsae_sha512',
  'rsa_pss_pss_sha256',
  'rsa_pss_pss_sha384',
  'rsa_pss_pss_sha512',
  'rsa_pkcs1_sha256',
  'rsa_pkcs1_sha384',
  'rsa_pkcs1_sha512',
] as const satisfies readonly SignatureAlgorithm[];

/** The cost table's op classes; the hardware-acceleration speed-ups are given per class. */
export const OP_CLASSES = ['aead', 'mask', 'hash', 'hmac', 'hkdf', 'keyExchange', 'signature'] as const;
/** An op class. */
export type OpClass = (typeof OP_CLASSES)[number];

/** The crypto operations the timed provider logs (hwmodel/DESIGN.md, "Binding the real core"). */
export const CRYPTO_OPS = [
  'aead_seal',
  'aead_open',
  'mask',
  'kx_generate',
  'kx_derive',
  'sign',
  'verify',
  'hash',
  'hkdf',
  'hmac',
] as const;
/** A logged crypto operation kind. */
export type CryptoOpKind = (typeof CRYPTO_OPS)[number];

/** The op class each logged operation is charged to. */
export const OP_CLASS_OF: Readonly<Record<CryptoOpKind, OpClass>> = {
  aead_seal: 'aead',
  aead_open: 'aead',
  mask: 'mask',
  kx_generate: 'keyExchange',
  kx_derive: 'keyExchange',
  sign: 'signature',
  verify: 'signature',
  hash: 'hash',
  hkdf: 'hkdf',
  hmac: 'hmac',
};

/** What a suite means for timing: its AEAD (provider name), hash and mask cipher (RFC 8446 §B.4, RFC 9147 §4.2.3). */
export const SUITE_ALGORITHMS: Readonly<
  Record<CipherSuite, { readonly aead: string; readonly hash: HashAlgorithm; readonly mask: MaskAlgorithm }>
> = {
  TLS_AES_128_GCM_SHA256: { aead: 'aes-128-gcm', hash: 'sha256', mask: 'aes-128' },
  TLS_AES_256_GCM_SHA384: { aead: 'aes-256-gcm', hash: 'sha384', mask: 'aes-256' },
  TLS_CHACHA20_POLY1305_SHA256: { aead: 'chacha20-poly1305', hash: 'sha256', mask: 'chacha20' },
  TLS_AES_128_CCM_SHA256: { aead: 'aes-128-ccm', hash: 'sha256', mask: 'aes-128' },
  TLS_AES_128_CCM_8_SHA256: { aead: 'aes-128-ccm-8', hash: 'sha256', mask: 'aes-128' },
};

/** True when `list` holds `value` (a type guard over an `as const` list). */
export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}

/**
 * The cipher suite a logged name refers to: the RFC name in any letter case
 * (`TLS_AES_128_GCM_SHA256`, the runtime's `tls_aes_128_gcm_sha256`) or the
 * provider's AEAD name (`aes-128-gcm`); `undefined` when it is none of them.
 */
export function suiteFromName(name: string): CipherSuite | undefined {
  let s = SUITE_BY_NAME.get(name);
  if (s === undefined && !SUITE_BY_NAME.has(name)) {
    s = findSuite(name);
    if (SUITE_BY_NAME.size < 256) SUITE_BY_NAME.set(name, s);
  }
  return s;
}

/** Names already looked up (every AEAD operation the crypto engine costs asks; toUpperCase would make a string each time). */
const SUITE_BY_NAME = new Map<string, CipherSuite | undefined>();

function findSuite(name: string): CipherSuite | undefined {
  const upper = name.toUpperCase();
  if (isOneOf(CIPHER_SUITES, upper)) return upper;
  for (const s of CIPHER_SUITES) if (SUITE_ALGORITHMS[s].aead === name) return s;
  return undefined;
}
