/** One read epoch's count of records that failed authentication, against its key's integrity limit. */
export interface ReadKeyFailures {
  readonly epoch: number;
  readonly failed: number;
  readonly integrityLimit: number;
}

/** What the integrity limit asks of the connection after a datagram (RFC 9147 §4.5.3). */
export type IntegrityVerdict =
  /** Past half the current read key's limit: a KeyUpdate with update_requested (once per read epoch). */
  | { readonly kind: 'request-key-update'; readonly epoch: number }
  /** An older read epoch reached its limit: it is dropped (its records are no longer opened). */
  | { readonly kind: 'drop-epoch'; readonly epoch: number }
  /** The current read key reached its limit: the connection closes with bad_record_mac. */
  | { readonly kind: 'fail'; readonly epoch: number; readonly limit: number };

const NONE: readonly IntegrityVerdict[] = [];

/**
 * Failed authentications (AEAD opens that failed), in two bounds:
 *
 * - CPU, per datagram (`limits.maxFailedAuthenticationsPerSecond`): within a
 *   second of the first failure counted, up to that many failures are
 *   opened as usual; past it, a datagram's records are not opened after its
 *   first failure (dropped as `authentication-rate`). A forged-record flood
 *   costs one decryption a datagram, and a genuine datagram still opens
 *   whole, so an off-path sender cannot stall the session.
 * - Keys, per read epoch (RFC 9147 §4.5.3): past half the current read
 *   key's integrity limit the peer is asked for new keys once; at the limit
 *   an older epoch is dropped and the current one ends the connection.
 *
 * The record layer feeds it ({@link datagramStarted}, {@link mayOpen},
 * {@link failed}); the connection asks for the {@link verdict} after each
 * datagram. It holds four numbers.
 */
export class IntegrityMonitor {
  private readonly maxFailuresPerSecond: number;
  /** The time the counted second began (at its first failure) and the failures in it. */
  private windowStart = -Infinity;
  private inWindow = 0;
  /** Failures in the datagram being read. */
  private inDatagram = 0;
  /** Failures counted when the last verdict was given: no failure since, no work. */
  private seen = 0;
  private total = 0;
  /** The read epoch the peer was last asked to leave (one request per epoch: its new keys end the count). */
  private updateRequestedFor: number | undefined;

  constructor(maxFailuresPerSecond: number) {
    this.maxFailuresPerSecond = maxFailuresPerSecond;
  }

  /** Whether a record failed authentication since the last {@link verdict} (nothing to look at otherwise). */
  get failedSinceVerdict(): boolean {
    return this.total !== this.seen;
  }

  /** A new datagram: its records are opened until one fails past the budget. */
  datagramStarted(): void {
    this.inDatagram = 0;
  }

  /** Whether the next record of this datagram may be opened at `now`. */
  mayOpen(now: number): boolean {
    return !(this.inDatagram > 0 && this.inWindow >= this.maxFailuresPerSecond && now - this.windowStart < 1000);
  }

  /** A record failed authentication at `now`. */
  failed(now: number): void {
    this.inDatagram++;
    this.total++;
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.inWindow = 0;
    }
    this.inWindow++;
  }

  /**
   * What the integrity limit asks after the datagram: `keys` the read
   * epochs' failure counts, `currentReadEpoch` the session's application
   * read epoch (undefined during the handshake, where any epoch at its limit
   * ends the connection), `canRequestUpdate` whether a KeyUpdate may start
   * now (none of ours outstanding). In read-epoch order, stopping at a
   * `fail`; nothing failed since the last call costs nothing.
   */
  verdict(keys: () => readonly ReadKeyFailures[], currentReadEpoch: number | undefined, canRequestUpdate: boolean): readonly IntegrityVerdict[] {
    if (this.total === this.seen) return NONE;
    this.seen = this.total;
    const out: IntegrityVerdict[] = [];
    for (const e of keys()) {
      if (e.failed >= e.integrityLimit) {
        if (currentReadEpoch !== undefined && e.epoch < currentReadEpoch) out.push({ kind: 'drop-epoch', epoch: e.epoch });
        else return [...out, { kind: 'fail', epoch: e.epoch, limit: e.integrityLimit }];
      } else if (e.epoch === currentReadEpoch && e.failed >= e.integrityLimit / 2 && this.updateRequestedFor !== e.epoch && canRequestUpdate) {
        this.updateRequestedFor = e.epoch;
        out.push({ kind: 'request-key-update', epoch: e.epoch });
      }
    }
    return out;
  }
}
