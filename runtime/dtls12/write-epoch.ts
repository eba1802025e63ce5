/**
 * One epoch of sent DTLS 1.2 records: the next sequence number and the
 * per-key limits. A 1.2 epoch cannot be rekeyed (renegotiation is refused,
 * and 1.2 has no KeyUpdate), so when either the 48-bit sequence number
 * (RFC 6347 §4.1: it must not wrap) or the AEAD's confidentiality limit
 * (RFC 9147 §4.5.3's figures, which hold for the same AEADs in 1.2) is
 * reached, `seal` refuses and the connection must close.
 */
import { DEFAULT_AEAD_LIMITS, type AeadLimits } from '../record/limits.js';
import type { EpochCipher12 } from './record-protection.js';

/** A write epoch that may protect no more records. */
export class EpochExhaustedError extends Error {
  override readonly name = 'EpochExhaustedError';
}

const LAST_SEQUENCE_NUMBER = 2 ** 48 - 1;

export class WriteEpoch12 {
  readonly cipher: EpochCipher12;
  readonly limits: AeadLimits;
  private next: number;
  private sealed = 0;

  /** `firstSequenceNumber`: 0 for a new epoch (RFC 6347 §4.1); larger only to resume counting. */
  constructor(cipher: EpochCipher12, firstSequenceNumber = 0, limits?: AeadLimits) {
    if (
      !Number.isInteger(firstSequenceNumber) ||
      firstSequenceNumber < 0 ||
      firstSequenceNumber > LAST_SEQUENCE_NUMBER
    ) {
      throw new RangeError(`sequence number ${firstSequenceNumber} is not a uint48`);
    }
    this.cipher = cipher;
    this.next = firstSequenceNumber;
    this.limits = limits ?? DEFAULT_AEAD_LIMITS[cipher.suite.aead];
  }

  /** The sequence number the next record gets. */
  get sequenceNumber(): number {
    return this.next;
  }

  /** Records sealed so far with this key. */
  get used(): number {
    return this.sealed;
  }

  /** Records this key may still seal (the sequence numbers and the confidentiality limit both bound it). */
  get remaining(): number {
    return Math.max(0, Math.min(LAST_SEQUENCE_NUMBER + 1 - this.next, this.limits.confidentiality - this.sealed));
  }

  /** True when no more record may be sealed. */
  get exhausted(): boolean {
    return this.next > LAST_SEQUENCE_NUMBER || this.sealed >= this.limits.confidentiality;
  }

  /**
   * The protected record of `content`, with the next sequence number.
   *
   * @throws EpochExhaustedError once the sequence numbers or the key's confidentiality limit run out.
   */
  seal(type: number, content: Uint8Array): Uint8Array {
    if (this.next > LAST_SEQUENCE_NUMBER)
      throw new EpochExhaustedError(
        `epoch ${this.cipher.epoch}: the 48-bit sequence number would wrap (RFC 6347 §4.1)`,
      );
    if (this.sealed >= this.limits.confidentiality) {
      throw new EpochExhaustedError(
        `epoch ${this.cipher.epoch}: ${this.sealed} records reached ${this.cipher.suite.aead}'s confidentiality limit, and 1.2 cannot rekey`,
      );
    }
    const record = this.cipher.seal(type, this.next, content);
    this.next++;
    this.sealed++;
    return record;
  }
}

/** The NSS key log line of a (D)TLS 1.2 session: `CLIENT_RANDOM <client_random> <master_secret>`, what Wireshark and `dtls13 dissect` read. */
export function keyLogLine12(clientRandom: Uint8Array, masterSecret: Uint8Array): string {
  const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `CLIENT_RANDOM ${hex(clientRandom)} ${hex(masterSecret)}`;
}
