/** The contract every crypto provider (`node`, `noble`, `native`) meets: the protocol core talks only to this. */

/** AEAD algorithms of the five TLS 1.3 cipher suites (RFC 8446 §B.4). */
export type AeadAlgorithm = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' | 'aes-128-ccm' | 'aes-128-ccm-8';

/** Hash functions of the TLS 1.3 cipher suites. */
export type HashAlgorithm = 'sha256' | 'sha384';

/** The hashes TLS 1.2 pairs with "ecdsa" (RFC 5246 §7.4.1.4.1, RFC 8422 §5.10), whatever the key's curve. */
export type EcdsaHash = 'sha256' | 'sha384' | 'sha512';

/** The cipher that makes the record number mask (RFC 9147 §4.2.3): AES-ECB with the suite's key size, or ChaCha20. */
export type MaskAlgorithm = 'aes-128' | 'aes-256' | 'chacha20';

/** Key exchange groups (RFC 8446 §4.2.7), and the hybrid KEM `x25519mlkem768` (runtime/crypto/x25519-mlkem768.ts). */
export type KeyExchangeGroup = 'x25519' | 'x448' | 'secp256r1' | 'secp384r1' | 'secp521r1' | 'x25519mlkem768';

/** Every {@link KeyExchangeGroup}: the node and noble providers have them all. */
export const KEY_EXCHANGE_GROUPS: readonly KeyExchangeGroup[] = [
  'x25519',
  'x448',
  'secp256r1',
  'secp384r1',
  'secp521r1',
  'x25519mlkem768',
];

/** Signature schemes (RFC 8446 §4.2.3 names): those for CertificateVerify, plus rsa_pkcs1_* for certificate signatures. */
export type SignatureAlgorithm =
  | 'ecdsa_secp256r1_sha256'
  | 'ecdsa_secp384r1_sha384'
  | 'ecdsa_secp521r1_sha512'
  | 'rsa_pss_rsae_sha256'
  | 'rsa_pss_rsae_sha384'
  | 'rsa_pss_rsae_sha512'
  | 'rsa_pss_pss_sha256'
  | 'rsa_pss_pss_sha384'
  | 'rsa_pss_pss_sha512'
  | 'ed25519'
  | 'ed448'
  | 'rsa_pkcs1_sha256'
  | 'rsa_pkcs1_sha384'
  | 'rsa_pkcs1_sha512';

/** Something a provider may or may not do; ask with {@link CryptoProvider.supports} before relying on it. */
export type Capability =
  | { readonly kind: 'aead'; readonly algorithm: AeadAlgorithm }
  | { readonly kind: 'hash'; readonly algorithm: HashAlgorithm }
  | { readonly kind: 'mask'; readonly algorithm: MaskAlgorithm }
  | { readonly kind: 'keyExchange'; readonly group: KeyExchangeGroup }
  | { readonly kind: 'signature'; readonly algorithm: SignatureAlgorithm };

/** An AEAD key for one algorithm (RFC 5116): seal and open with a fresh nonce per record. */
export interface AeadKey {
  readonly algorithm: AeadAlgorithm;
  /** Tag length in bytes (16, or 8 for AES-128-CCM-8). */
  readonly tagLength: number;
  /** `plaintext` encrypted, followed by the tag. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Seals the concatenation of `parts`, writing ciphertext then tag into `out` at `offset`; returns the bytes written. */
  sealInto(nonce: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array, offset: number): number;
  /** The plaintext, or `undefined` when authentication fails (never throws for bad input). */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | undefined;
  /** Zero the key material this object holds (where the platform allows); the key is unusable after. */
  release(): void;
  /** As {@link RecordProtection.park}: frees the key's contexts, keeping it usable. */
  park?(): void;
}

/** The record number mask generator for one sn_key (RFC 9147 §4.2.3). */
export interface MaskKey {
  readonly algorithm: MaskAlgorithm;
  /** 16 mask bytes from the first 16 bytes of a record's ciphertext (`sample`). */
  mask(sample: Uint8Array): Uint8Array;
  release(): void;
  /** As {@link RecordProtection.park}. */
  park?(): void;
}

/** {@link RecordProtection.openRun}'s arguments: buffer, pairs, count, cid, epochBits, expected, out, results. */
export type OpenRunArguments = [
  buffer: Uint8Array,
  pairs: Float64Array,
  count: number,
  cid: Uint8Array,
  epochBits: number,
  expected: number,
  out: Uint8Array,
  results: Float64Array,
];

/** One epoch's record protection in one direction (RFC 9147 §4): AEAD, record number mask, sequence numbers. */
export interface RecordProtection {
  readonly tagLength: number;
  /** The sequence number of the record {@link openRecord} last opened (that authenticated). */
  readonly openedSequenceNumber: number;
  /** Seals the record laid out in `record` (header, then DTLSInnerPlaintext in place, room for the tag); masks last. */
  sealRecord(
    seq: number,
    record: Uint8Array,
    headerLength: number,
    plaintextLength: number,
    snOffset: number,
    snBytes: 1 | 2,
  ): void;
  /** Several records in one call: `layout` holds `at, headerLength, plaintextLength, seq, snOffset, snBytes` per record. */
  sealRecords(buffer: Uint8Array, layout: Float64Array, count: number): void;
  /**
   * Opens the record at `datagram[at..]` without writing to it: its DTLSInnerPlaintext, or undefined if forged.
   * `allocate` (the plaintext's memory in 'batch' mode, one function for every connection) is valid only until this
   * call returns: never keep it.
   */
  openRecord(
    datagram: Uint8Array,
    at: number,
    headerLength: number,
    ciphertextLength: number,
    snOffset: number,
    snBytes: 1 | 2,
    expected: number,
    allocate: ((length: number) => Uint8Array) | undefined,
  ): Uint8Array | undefined;
  /**
   * Opens `count` datagrams' records in one call; six results per record from `results[6k]` (RUN_STRIDE,
   * runtime/record/opened-ahead.ts): datagram, offset, length, sequence number, content length, content type.
   */
  openRun?(...args: OpenRunArguments): number;
  /** Zero the key material (the contexts are freed); unusable after. */
  release(): void;
  /** Frees the keys' extra cost (OpenSSL contexts), keeping them usable: for a session gone quiet. */
  park?(): void;
}

/** An incremental hash whose running state can be forked (transcript hashes at several points). */
export interface IncrementalHash {
  readonly algorithm: HashAlgorithm;
  /** Takes `data` in before returning (or copies it): the caller may write over the array afterwards. */
  update(data: Uint8Array): void;
  /** The digest of everything so far; the hash stays usable. */
  digest(): Uint8Array;
  /** An independent copy of the running state. */
  clone(): IncrementalHash;
}

/** An ephemeral (or test-fixed) key share for one group. */
export interface KeyShare {
  readonly group: KeyExchangeGroup;
  /** The public value in its TLS wire form (RFC 8446 §4.2.8.2: uncompressed point for NIST curves, raw u-coordinate for X25519/X448). */
  readonly publicKey: Uint8Array;
  /** The shared secret with the peer's public value (wire form). Throws {@link CryptoError} for an invalid peer value. */
  deriveSecret(peerPublicKey: Uint8Array): Uint8Array;
  release(): void;
}

/** A fresh share's public value (wire form) and its shared secret with the peer's: {@link CryptoProvider.answerKeyShare}. */
export interface KeyShareAnswer {
  readonly publicKey: Uint8Array;
  readonly secret: Uint8Array;
}

/** A public key imported from DER SubjectPublicKeyInfo (a certificate's key, or a raw public key, RFC 7250). */
export interface PublicKeyHandle {
  /** Key type as read from the SPKI algorithm: 'ec-p256', 'rsa', 'ed25519', ... */
  readonly keyType: string;
  /** The hash an RSASSA-PSS key is bound to by its parameters (RFC 4055), when it is. */
  readonly pssHash?: string | undefined;
}

/** A private key imported from DER PKCS#8. */
export interface PrivateKeyHandle {
  readonly keyType: string;
  /** The hash an RSASSA-PSS key is bound to by its parameters (RFC 4055), when it is. */
  readonly pssHash?: string | undefined;
  release(): void;
}

/** The operations dtls13 needs from a cryptography library. */
export interface CryptoProvider {
  readonly name: string;
  supports(capability: Capability): boolean;
  randomBytes(length: number): Uint8Array;

  digest(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array;
  createHash(algorithm: HashAlgorithm): IncrementalHash;
  hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array;
  /** HKDF-Extract (RFC 5869 §2.2). */
  hkdfExtract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  /** HKDF-Expand (RFC 5869 §2.3). */
  hkdfExpand(algorithm: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;

  /**
   * Optional: HKDF-Expand with one PRK for several infos, `lengths[i]` bytes for `infos[i]`: what {@link hkdfExpand}
   * gives each, in one call into the library where each would be one (`native`: a traffic secret's key, iv and sn).
   */
  hkdfExpandMany?(
    algorithm: HashAlgorithm,
    prk: Uint8Array,
    infos: readonly Uint8Array[],
    lengths: readonly number[],
  ): Uint8Array[];

  /**
   * Optional: TLS 1.2's P_hash (RFC 5246 §5), the label already in `seed`: the bytes its HMAC chain gives, in one call
   * into the library where each HMAC would be one (`native`). At most 255 * HashLen bytes.
   */
  pHash?(algorithm: HashAlgorithm, secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array;

  aead(algorithm: AeadAlgorithm, key: Uint8Array): AeadKey;
  mask(algorithm: MaskAlgorithm, snKey: Uint8Array): MaskKey;
  /** Optional: one epoch's record path in one object (`native`); `transient`: released before the caller returns. */
  recordProtection?(
    aead: AeadAlgorithm,
    mask: MaskAlgorithm,
    key: Uint8Array,
    iv: Uint8Array,
    snKey: Uint8Array,
    transient?: boolean,
  ): RecordProtection;

  /** A fresh key share. */
  generateKeyShare(group: KeyExchangeGroup): KeyShare;
  /** A key share from a known private key (tests with published vectors). */
  keyShareFromPrivate(group: KeyExchangeGroup, privateKey: Uint8Array): KeyShare;
  /**
   * Optional: a fresh share used once, as a server answers a ClientHello's (RFC 8446 §4.2.8): its public value and its
   * shared secret with `peerPublicKey`, the private key gone when this returns; what {@link generateKeyShare}, then
   * deriveSecret and release give, in one call (`native`: X25519, from the shares it holds ahead when it holds one). Undefined for a group it does not answer this way. Throws
   * {@link CryptoError} for an invalid peer value.
   */
  answerKeyShare?(group: KeyExchangeGroup, peerPublicKey: Uint8Array): KeyShareAnswer | undefined;
  /**
   * Optional: a fresh share for a server's key exchange (DTLS 1.2's ServerKeyExchange), as {@link generateKeyShare}
   * gives, where the provider holds shares made ahead for servers (`native`, X25519: native/src/x25519-ahead.h).
   * Undefined for a group it does not make this way.
   */
  serverKeyShare?(group: KeyExchangeGroup): KeyShare | undefined;

  importPublicKey(spki: Uint8Array): PublicKeyHandle;
  importPrivateKey(pkcs8: Uint8Array): PrivateKeyHandle;
  /** Signs `data` (the provider applies the scheme's hash); ECDSA signatures are DER, as TLS carries them. */
  sign(algorithm: SignatureAlgorithm, key: PrivateKeyHandle, data: Uint8Array): Uint8Array;
  /** True when `signature` is valid; false for any invalid or malformed signature or a key of the wrong type. */
  verify(algorithm: SignatureAlgorithm, key: PublicKeyHandle, data: Uint8Array, signature: Uint8Array): boolean;
  /** Optional, DTLS 1.2 only: ECDSA with `hash` on a key of any curve (RFC 8422 §5.10); DER signature. */
  ecdsaSign?(hash: EcdsaHash, key: PrivateKeyHandle, data: Uint8Array): Uint8Array;
  /** Optional, DTLS 1.2 only: {@link ecdsaSign}'s check; false for any bad signature or non-ECDSA key. */
  ecdsaVerify?(hash: EcdsaHash, key: PublicKeyHandle, data: Uint8Array, signature: Uint8Array): boolean;
}

/** A provider was asked for something it cannot do, or was given a malformed key. */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';
}

/** The provider lacks an algorithm; {@link CryptoProvider.supports} says so up front. */
export class UnsupportedAlgorithmError extends CryptoError {
  readonly provider: string;
  readonly capability: Capability;

  constructor(provider: string, capability: Capability) {
    super(`crypto provider '${provider}' does not support ${capabilityName(capability)}`);
    this.provider = provider;
    this.capability = capability;
  }
}

export function capabilityName(c: Capability): string {
  switch (c.kind) {
    case 'aead':
    case 'hash':
    case 'mask':
      return `${c.kind} ${c.algorithm}`;
    case 'keyExchange':
      return `key exchange ${c.group}`;
    case 'signature':
      return `signature ${c.algorithm}`;
  }
}
