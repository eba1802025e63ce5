/**
 * Getting a read epoch back after a long run of lost records: past half the 8- or 16-bit span (RFC 9147 §4.2.2) every
 * record reconstructs wrong and the epoch never opens again. The first failure in a row, and every PROBE_EVERY-th
 * after it, gets one more attempt `span × k` ahead (k cycling to MAX_PROBES): the first record after a gap of one span
 * is the probe's, so none of the peer's records fails (a receiver stalled under a flood loses such gaps), and a flood
 * of forgeries costs one decryption in PROBE_EVERY more. Probes count toward the integrity limit (§4.5.3), so only
 * keys whose limit is at least MIN_INTEGRITY_LIMIT (GCM, ChaCha20) probe.
 */
export const PROBE_EVERY = 16;
export const MAX_PROBES = 8;
export const MIN_INTEGRITY_LIMIT = 2 ** 30;

export class SequenceRecovery {
  /** Failures in a row since a record last opened (read per record; a hibernated session keeps it). */
  inRow = 0;
  private probe = 0;

  /** A record failed: the `expected` to try it again with, or undefined (not now, or never for a small-limit key). */
  nextExpected(expected: number, bits: 8 | 16, integrityLimit: number): number | undefined {
    if (integrityLimit < MIN_INTEGRITY_LIMIT || this.inRow++ % PROBE_EVERY !== 0) return undefined;
    this.probe = (this.probe % MAX_PROBES) + 1;
    return expected + this.probe * (bits === 16 ? 0x10000 : 0x100);
  }

  opened(): void {
    this.inRow = 0;
    this.probe = 0;
  }

  restore(inRow: number): void {
    this.inRow = inRow;
    this.probe = Math.ceil(inRow / PROBE_EVERY) % MAX_PROBES; // the probes made: failures 1, 1 + PROBE_EVERY, ...
  }
}
