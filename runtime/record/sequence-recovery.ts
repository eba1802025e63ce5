/**
 * Getting a read epoch back after a long run of lost records. A DTLS 1.3 record carries only the low 8 or 16 bits of
 * its sequence number, and the receiver takes the number closest to one past the highest it has opened (RFC 9147
 * §4.2.2). After more than half that span lost in a row (32,768 records with 16 bits: 40 ms of a 1 Gbit/s stream whose
 * receiver stalls) every later record reconstructs to the wrong number, fails to authenticate, and the epoch never
 * opens a record again: the session goes on sending into nothing.
 *
 * So every PROBE_EVERY-th failure in a row is followed by one more attempt, with the number `span × k` ahead (k = 1 …
 * MAX_PROBES, in turn): a stream that lost up to MAX_PROBES spans in a row opens again within PROBE_EVERY × MAX_PROBES
 * records (128: a fraction of a millisecond of such a stream). Forged records cost at most 1/PROBE_EVERY more
 * decryptions than before. The probes are real forgery attempts and count toward the key's integrity limit (RFC 9147
 * §4.5.3), so an AEAD whose limit is small (AES-CCM, and AES-CCM_8's 2^7) never probes: only keys whose limit is at
 * least MIN_INTEGRITY_LIMIT do (AES-GCM, ChaCha20-Poly1305: 2^36). A probe's success is an authenticated record like
 * any other, and the replay window moves to it.
 */
export const PROBE_EVERY = 16;
export const MAX_PROBES = 8;
export const MIN_INTEGRITY_LIMIT = 2 ** 30;

export class SequenceRecovery {
  /**
   * Failures in a row since a record last opened (a hibernated session keeps them; {@link restore} puts them back): read
   * per record, so a field; only the recovery writes it. {@link opened} has work only while it is not 0.
   */
  inRow = 0;
  private probe = 0;

  /**
   * A record of the epoch failed to authenticate: the `expected` to try it again with (a record number of `bits` bits),
   * or undefined (not this time, or never for a key whose `integrityLimit` is small).
   */
  nextExpected(expected: number, bits: 8 | 16, integrityLimit: number): number | undefined {
    if (integrityLimit < MIN_INTEGRITY_LIMIT || ++this.inRow % PROBE_EVERY !== 0) return undefined;
    this.probe = (this.probe % MAX_PROBES) + 1;
    return expected + this.probe * (bits === 16 ? 0x10000 : 0x100);
  }

  /** A record of the epoch opened. */
  opened(): void {
    this.inRow = 0;
    this.probe = 0;
  }

  /** Goes on from `inRow` failures in a row, with the probes they made (every PROBE_EVERY-th, cycling through MAX_PROBES). */
  restore(inRow: number): void {
    this.inRow = inRow;
    this.probe = Math.floor(inRow / PROBE_EVERY) % MAX_PROBES;
  }
}
