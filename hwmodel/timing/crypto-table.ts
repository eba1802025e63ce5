/**
 * The shape of a crypto cost table: for each operation a fixed cost per call
 * (µs) and, where the data length matters, a cost per byte (ns).
 */
import type { HashAlgorithm, KeyExchangeGroup, MaskAlgorithm } from '../../runtime/crypto/provider.js';
import type { CipherSuite, SIGNATURE_SCHEMES } from './names.js';

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
 * Cycles of one accelerated call: `setupCycles`, plus the data at
 * `bytesPerCycle` (0: no data term), rounded up to whole cycles: the issue
 * interval, for which the call occupies its lane. `latencyCycles` (absent:
 * 0) is the pipeline fill beyond it: the result is ready that many cycles
 * after the lane issued the call's last block, while the lane already
 * takes the next call (docs/hwmodel/spec-format.md, "Engines").
 */
export interface CycleCost {
  readonly setupCycles: number;
  readonly bytesPerCycle: number;
  readonly latencyCycles?: number;
}

/**
 * A hardware crypto engine's cost tables, in clock cycles (the clock, the
 * lanes of each unit and the DMA are spec/hw/crypto_engine.yaml's
 * parameters): the symmetric unit runs AEAD, record number masks, hashes,
 * HMAC and HKDF; the public-key unit runs key exchange and signatures. Not
 * derived from the software costs, so calibrating the host leaves the
 * accelerator as it is.
 */
export interface AcceleratedCrypto {
  readonly aead: Readonly<Record<CipherSuite, { readonly seal: CycleCost; readonly open: CycleCost }>>;
  readonly mask: Readonly<Record<MaskAlgorithm, CycleCost>>;
  readonly hash: Readonly<Record<HashAlgorithm, CycleCost>>;
  readonly hmac: Readonly<Record<HashAlgorithm, CycleCost>>;
  readonly hkdf: Readonly<Record<HashAlgorithm, CycleCost>>;
  readonly keyExchange: Readonly<
    Record<KeyExchangeGroup, { readonly generateCycles: number; readonly deriveCycles: number }>
  >;
  readonly signature: Readonly<Record<SignatureScheme, { readonly signCycles: number; readonly verifyCycles: number }>>;
}

/** The engine's two units. */
export type CryptoUnit = 'symmetric' | 'publicKey';
