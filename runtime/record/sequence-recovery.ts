/**
 * Getting a read epoch back after a long run of lost records: past half the 8- or 16-bit span (RFC 9147 §4.2.2) every
 * record reconstructs wrong and the epoch never opens again. A failed record gets one more attempt `span × k` ahead:
 * the k-th failure in a row for k up to MAX_PROBES, so that after a gap of k spans only k - 1 of the peer's records
 * fail (a receiver stalled under a flood loses such gaps: none after one span), then every PROBE_EVERY-th failure, k
 * cycling from 1 to MAX_PROBES again. A forged record costs at most one decryption more, a flood of them one in
 * PROBE_EVERY more past its first MAX_PROBES. Probes count toward the integrity limit (§4.5.3), so only keys whose
 * limit is at least MIN_INTEGRITY_LIMIT (GCM, ChaCha20) probe.
 */
export const PROBE_EVERY = 16;
export const MAX_PROBES = 8;
export const MIN_INTEGRITY_LIMIT = 2 ** 30;

/** How many spans ahead the record after `failedBefore` failures in a row is tried again (0: it is not). */
export function probeSpans(failedBefore: number): number {
  if (failedBefore < MAX_PROBES) return failedBefore + 1;
  if (failedBefore % PROBE_EVERY !== 0) return 0;
  return ((MAX_PROBES + failedBefore / PROBE_EVERY - 1) % MAX_PROBES) + 1;
}

export class SequenceRecovery {
  /** Failures in a row since a record last opened (read per record; a hibernated session keeps it). */
  inRow = 0;

  /** A record failed: the `expected` to try it again with, or undefined (not now, or never for a small-limit key). */
  nextExpected(expected: number, bits: 8 | 16, integrityLimit: number): number | undefined {
    if (integrityLimit < MIN_INTEGRITY_LIMIT) return undefined;
    const spans = probeSpans(this.inRow++);
    return spans === 0 ? undefined : expected + spans * (bits === 16 ? 0x10000 : 0x100);
  }

  opened(): void {
    this.inRow = 0;
  }

  restore(inRow: number): void {
    this.inRow = inRow;
  }
}
