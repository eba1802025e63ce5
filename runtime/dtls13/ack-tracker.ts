import { recordNumberKey, type RecordNumber, type RecordNumberKey } from '../record/record-number.js';

/**
 * The record numbers an ACK would name (RFC 9147 §7), deduplicated, at most `capacity` (the oldest make room): an ACK
 * always fits one record and a flood of fragments cannot grow it.
 */
export class AckTracker {
  private readonly capacity: number;
  /** Allocated with the first record (an idle session holds none). */
  private pending: Map<RecordNumberKey, RecordNumber> | undefined;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** A record whose content was accepted (processed or buffered). */
  add(epoch: number, sequenceNumber: number): void {
    const key = recordNumberKey(epoch, sequenceNumber);
    const pending = (this.pending ??= new Map());
    if (pending.has(key)) return;
    if (pending.size >= this.capacity) {
      const oldest = pending.keys().next();
      if (!oldest.done) pending.delete(oldest.value);
    }
    pending.set(key, { epoch, sequenceNumber });
  }

  get size(): number {
    return this.pending?.size ?? 0;
  }

  /** What an ACK sent now names; the tracker keeps them (a later ACK repeats them) until `clear`. */
  list(): RecordNumber[] {
    return this.pending ? [...this.pending.values()] : [];
  }

  clear(): void {
    this.pending = undefined;
  }
}
