/**
 * The shape of a crypto cost table: for each operation a fixed cost per call
 * (µs) and, where the data length matters, a cost per byte (ns).
 */
import type { HashAlgorithm, KeyExchangeGroup, MaskAlgorithm } from '../../runtime/crypto/provider.js';
import type { CipherSuite, OpClass, SIGNATURE_SCHEMES } from './names.js';

/** A signature scheme with a cost entry. */
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];

/** Cost of one call: `setupUs` µs plus `perByteNs` ns for each byte processed. */
export interface LinearCost {
  readonly setupUs: number;
  readonly perByteNs: number;
}

/** AEAD cost of a suite, sealing and opening measured apart. */
export interface AeadCost {
  readonly seal: LinearCost;
  readonly open: LinearCost;
}

/** Key exchange cost of a group: making a key share, and deriving the shared secret. */
export interface KeyExchangeCost {
  readonly generateUs: number;
  readonly deriveUs: number;
}

/** Signature cost of a scheme. */
export interface SignatureCost {
  readonly signUs: number;
  readonly verifyUs: number;
}

/** A complete cost table: every operation the timed provider can log has an entry. */
export interface CryptoCostTable {
  readonly aead: Readonly<Record<CipherSuite, AeadCost>>;
  /** Record number mask (RFC 9147 §4.2.3), per call on its 16-byte sample. */
  readonly mask: Readonly<Record<MaskAlgorithm, LinearCost>>;
  readonly hash: Readonly<Record<HashAlgorithm, LinearCost>>;
  readonly hmac: Readonly<Record<HashAlgorithm, LinearCost>>;
  /** One HKDF-Extract or HKDF-Expand call; bytes are input plus output. */
  readonly hkdf: Readonly<Record<HashAlgorithm, LinearCost>>;
  readonly keyExchange: Readonly<Record<KeyExchangeGroup, KeyExchangeCost>>;
  readonly signature: Readonly<Record<SignatureScheme, SignatureCost>>;
}

/** A partial table: entries that replace the computed ones. */
export type CryptoCostOverrides = { readonly [K in keyof CryptoCostTable]?: Partial<CryptoCostTable[K]> };

/** Software crypto: the full table, and how many operations may run at once (CPU cores given to crypto). */
export interface SoftwareCrypto {
  readonly lanes: number;
  readonly table: CryptoCostTable;
}

/**
 * A hardware crypto engine: software cost divided by a speed-up per op
 * class, except where `overrides` gives an entry of its own; `lanes` is the
 * number of parallel engine lanes.
 */
export interface AcceleratedCrypto {
  readonly lanes: number;
  readonly speedup: Readonly<Record<OpClass, number>>;
  readonly overrides?: CryptoCostOverrides;
}
