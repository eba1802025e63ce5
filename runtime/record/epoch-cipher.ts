import type { AeadKey, CryptoProvider, MaskKey } from '../crypto/provider.js';
import { CIPHER_SUITES, type CipherSuiteParams, type SupportedCipherSuite } from '../crypto/suites.js';
import type { TrafficKeys } from '../keyschedule/derived-keys.js';
import { DEFAULT_AEAD_LIMITS, KEY_UPDATE_THRESHOLD, type AeadLimits } from './limits.js';
import { recordNonce } from './sequence.js';
import { copyOf } from '../wire/bytes.js';

/**
 * The protection state of one epoch in one direction: AEAD key, IV, record
 * number mask, and the per-key usage counters of RFC 9147 §4.5.3.
 */
export class EpochCipher {
  readonly epoch: number;
  readonly suite: CipherSuiteParams;
  readonly limits: AeadLimits;
  private readonly aead: AeadKey;
  private readonly snMask: MaskKey;
  private readonly iv: Uint8Array;
  private readonly nonce: Uint8Array;
  /** Records protected (send) or successfully deprotected (receive) with this key. */
  used = 0;
  /** Records that failed authentication with this key (receive). */
  failed = 0;

  constructor(provider: CryptoProvider, epoch: number, suite: SupportedCipherSuite, keys: TrafficKeys, limits?: AeadLimits) {
    this.epoch = epoch;
    this.suite = CIPHER_SUITES[suite];
    this.limits = limits ?? DEFAULT_AEAD_LIMITS[this.suite.aead];
    this.aead = provider.aead(this.suite.aead, keys.key);
    this.snMask = provider.mask(this.suite.mask, keys.snKey);
    this.iv = copyOf(keys.iv);
    this.nonce = new Uint8Array(this.iv.length);
  }

  /** True once protecting more records would pass the confidentiality limit. */
  get exhausted(): boolean {
    return this.used >= this.limits.confidentiality;
  }

  /** True once a KeyUpdate should be under way (RFC 9147 §4.5.3: initiate before the limit). */
  get keyUpdateDue(): boolean {
    return this.used >= this.limits.confidentiality * KEY_UPDATE_THRESHOLD;
  }

  /** True once more records failed authentication than the integrity limit allows: the connection should close. */
  get integrityExceeded(): boolean {
    return this.failed > this.limits.integrity;
  }

  /**
   * AEAD-encrypts a DTLSInnerPlaintext given as parts (content, then type
   * and padding) with the record's header (sequence number unmasked) as
   * additional data, writing ciphertext and tag into `out` at `offset`.
   */
  sealInto(seq: number, aad: Uint8Array, inner: readonly Uint8Array[], out: Uint8Array, offset: number): number {
    this.used++;
    return this.aead.sealInto(recordNonce(this.iv, seq, this.nonce), aad, inner, out, offset);
  }

  /** Deprotects; undefined (and counted) when authentication fails. */
  open(seq: number, aad: Uint8Array, encrypted: Uint8Array): Uint8Array | undefined {
    const inner = this.aead.open(recordNonce(this.iv, seq, this.nonce), aad, encrypted);
    if (inner === undefined) this.failed++;
    else this.used++;
    return inner;
  }

  /** The record number mask for a ciphertext (its first 16 bytes). */
  mask(encrypted: Uint8Array): Uint8Array {
    return this.snMask.mask(encrypted);
  }

  release(): void {
    this.aead.release();
    this.snMask.release();
    this.iv.fill(0);
  }
}
