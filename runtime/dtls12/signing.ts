/**
 * Signatures in a DTLS 1.2 handshake: the ServerKeyExchange's over the randoms and the ECDHE parameters (RFC 8422
 * §5.4), the client's CertificateVerify over handshake_messages (RFC 5246 §7.4.8). TLS 1.2 keeps RSASSA-PKCS1-v1_5
 * beside RSASSA-PSS (RFC 5246 §7.4.1.4.1, RFC 8446 §4.2.3 for PSS in 1.2). An ECDSA scheme names only the hash in 1.2:
 * its SignatureAndHashAlgorithm is {hash, ecdsa} (RFC 5246 §7.4.1.4.1, RFC 8422 §5.10), so a P-384 or P-521 key may
 * sign with SHA-256 and the reverse; the curve binding of the ecdsa_secpXXXr1_* names is TLS 1.3's (RFC 8446 §4.2.3)
 * and the 1.3 handshake keeps it (handshake/certificate-verify.ts). wolfSSL 5.7, BoringSSL and OpenSSL 3.0 sign 1.2's
 * ServerKeyExchange and CertificateVerify with a P-384 or P-521 key and ecdsa_secp256r1_sha256 when it is offered
 * first, and BoringSSL offers no ECDSA with SHA-512 by default. Pairs other than the curve's own go through the
 * provider's `ecdsaSign` / `ecdsaVerify`.
 */
import type { SignatureScheme } from '../../generated/wire/enums.js';
import {
  CryptoError,
  type CryptoProvider,
  type EcdsaHash,
  type PrivateKeyHandle,
  type PublicKeyHandle,
  type SignatureAlgorithm,
} from '../crypto/provider.js';
import { SIGNATURE_SCHEMES } from '../crypto/signature-schemes.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import type { KeyExchange12 } from '../versions/suites12.js';

const BY_KEY_TYPE_12: Readonly<Record<string, readonly SignatureAlgorithm[]>> = {
  // The curve's own hash first, then the strongest the peer offers.
  'ec-p256': ['ecdsa_secp256r1_sha256', 'ecdsa_secp521r1_sha512', 'ecdsa_secp384r1_sha384'],
  'ec-p384': ['ecdsa_secp384r1_sha384', 'ecdsa_secp521r1_sha512', 'ecdsa_secp256r1_sha256'],
  'ec-p521': ['ecdsa_secp521r1_sha512', 'ecdsa_secp384r1_sha384', 'ecdsa_secp256r1_sha256'],
  ed25519: ['ed25519'],
  rsa: [
    'rsa_pss_rsae_sha256',
    'rsa_pss_rsae_sha384',
    'rsa_pss_rsae_sha512',
    'rsa_pkcs1_sha256',
    'rsa_pkcs1_sha384',
    'rsa_pkcs1_sha512',
  ],
  'rsa-pss': ['rsa_pss_pss_sha256', 'rsa_pss_pss_sha384', 'rsa_pss_pss_sha512'],
};

/**
 * The hash an ECDSA scheme names, when the key's curve is not the scheme's own (in 1.2 the curve does not bind); undefined
 * when the providers' `sign` / `verify` make the pair themselves (the curve's own scheme, or not ECDSA).
 */
function crossCurveHash(scheme: SignatureAlgorithm, keyType: string): EcdsaHash | undefined {
  const s = SIGNATURE_SCHEMES[scheme];
  return s.hash !== null && s.keyType.startsWith('ec-') && s.keyType !== keyType ? s.hash : undefined;
}

/** The 1.2 signature schemes a key can make, in our order of preference (ECDSA: any of the three hashes, the curve's own first). */
export function schemesForKey12(key: {
  readonly keyType: string;
  readonly pssHash?: string | undefined;
}): readonly SignatureAlgorithm[] {
  const all = BY_KEY_TYPE_12[key.keyType] ?? [];
  return key.keyType === 'rsa-pss' && key.pssHash !== undefined
    ? all.filter((s) => s.endsWith(`_${key.pssHash}`))
    : all;
}

/** The key exchange a certificate key can serve as a server (RFC 8422 §5.3: ECDHE_ECDSA wants an ECDSA key, ECDHE_RSA an RSA one). */
export function keyExchangeForKey(keyType: string): KeyExchange12 | undefined {
  if (keyType.startsWith('ec-') || keyType === 'ed25519') return 'ecdhe_ecdsa';
  if (keyType === 'rsa' || keyType === 'rsa-pss') return 'ecdhe_rsa';
  return undefined;
}

/** The offer's scheme names as strings (unknown numbers left out). */
const known = (list: readonly SignatureScheme[]): readonly string[] =>
  list.filter((s): s is SignatureScheme & string => typeof s === 'string');

/**
 * The scheme to sign with: the first of ours the key can make and the peer offered. A peer that sent no
 * signature_algorithms gets sha256 with the key's family (RFC 5246 §7.4.1.4.1 says SHA-1; dtls13 does not sign with
 * SHA-1, so such a peer must accept sha256 or fail).
 *
 * @throws ProtocolError handshake_failure when none is common.
 */
export function chooseScheme12(
  ours: readonly SignatureAlgorithm[],
  key: PrivateKeyHandle,
  offered: readonly SignatureScheme[] | undefined,
): SignatureAlgorithm {
  const canMake = schemesForKey12(key).filter((s) => ours.includes(s) || s.startsWith('rsa_pkcs1_'));
  const peer = offered === undefined ? undefined : known(offered);
  const pick = canMake.find((s) => peer === undefined || peer.includes(s));
  if (pick === undefined)
    throw new ProtocolError('handshake_failure', `no signature scheme the peer offered fits our ${key.keyType} key`);
  return pick;
}

/**
 * Signs `data` with a 1.2 scheme: ECDSA with a hash other than the key's curve's through the provider's `ecdsaSign`,
 * everything else through `sign`.
 *
 * @throws CryptoError when the provider has no `ecdsaSign` for such a pair.
 */
export function sign12(
  provider: CryptoProvider,
  scheme: SignatureAlgorithm,
  key: PrivateKeyHandle,
  data: Uint8Array,
): Uint8Array {
  const hash = crossCurveHash(scheme, key.keyType);
  if (hash === undefined) return provider.sign(scheme, key, data);
  if (provider.ecdsaSign === undefined)
    throw new CryptoError(`crypto provider '${provider.name}' cannot sign ${scheme} with a ${key.keyType} key`);
  return provider.ecdsaSign(hash, key, data);
}

/** True when `signature` is a valid `scheme` signature of `data` as TLS 1.2 reads the scheme (ECDSA: the hash, with any curve). */
function check12(
  provider: CryptoProvider,
  scheme: SignatureAlgorithm,
  key: PublicKeyHandle,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  const hash = crossCurveHash(scheme, key.keyType);
  if (hash === undefined) return provider.verify(scheme, key, data, signature);
  return provider.ecdsaVerify?.(hash, key, data, signature) ?? false;
}

/**
 * Checks a peer's 1.2 signature: a scheme we offered, that the peer's key can make, and a valid signature over
 * `signed`.
 *
 * @throws ProtocolError illegal_parameter (scheme) or decrypt_error (signature).
 */
export function verify12(
  provider: CryptoProvider,
  offered: readonly SignatureAlgorithm[],
  key: PublicKeyHandle,
  algorithm: SignatureScheme,
  signed: Uint8Array,
  signature: Uint8Array,
  what: string,
): SignatureAlgorithm {
  const scheme = offered.find((a) => a === algorithm);
  if (scheme === undefined)
    throw new ProtocolError('illegal_parameter', `${what} is signed with ${String(algorithm)}, which was not offered`);
  if (!schemesForKey12(key).includes(scheme))
    throw new ProtocolError('illegal_parameter', `${what} uses ${scheme}, which a ${key.keyType} key cannot make`);
  if (!check12(provider, scheme, key, signed, signature))
    throw new ProtocolError('decrypt_error', `the ${what} signature does not verify`);
  return scheme;
}
