import { allocate, giveBack, handOff, handOffCarved, handOffRun, locate } from '../wire/slab.js';
import type { StagedProtection } from './write-form.js';

export type { StagedProtection } from './write-form.js';

/** Numbers per record in a layout (RecordProtection.sealRecords): at, headerLength, plaintextLength, seq, snOffset, snBytes. */
const STRIDE = 6;
/** Spares kept per thread (as many as sessions that may have a burst waiting at once, in a turn that sends to many). */
const MAX_SPARE = 64;

/**
 * Records laid out and numbered, protected together by {@link seal} (one call per run of one key's records in one slab
 * buffer), then queued in staging order: each a datagram of its own, or joined with the records staged after it into
 * one (a flight's). A record staged whole (plaintext) is only queued, in its place. What is queued is handed off
 * (wire/slab.ts): nothing here or in the writer holds it after, so whoever takes it from its queue is its one holder.
 */
export class StagedRecords {
  /** Emptied ones, for the next burst of any writer on this thread: an idle session holds none. */
  private static readonly spare: StagedRecords[] = [];

  static take(): StagedRecords {
    return StagedRecords.spare.pop() ?? new StagedRecords();
  }

  /**
   * The records, each one's protection (undefined for a record staged whole), queue and whether it shares a datagram
   * with the next, the first {@link n} of each: written by index and cleared by element, never shortened (an array's
   * `length` set is a call into V8's runtime).
   */
  private readonly records: (Uint8Array | undefined)[] = [];
  private readonly protections: (StagedProtection | undefined)[] = [];
  private readonly sinks: (Uint8Array[] | undefined)[] = [];
  private readonly joined: boolean[] = [];
  private n = 0;
  /** How many of {@link joined} are true. */
  private joins = 0;
  /** Records not yet marked handed off (wire/slab.ts): those {@link add} could not mark as the slab's last carved. */
  private unmarked = 0;
  /** Reused from one burst to the next (grown as needed): the protection reads it during the call only. */
  private layout = new Float64Array(STRIDE * 16);

  get count(): number {
    return this.n;
  }

  /**
   * Adds a laid-out record to seal with `protection` and queue into `sink` (`joinsNext`: in one datagram with the
   * next); without a protection, a record queued as it is ({@link addWhole}).
   */
  add(
    protection: StagedProtection | undefined,
    sink: Uint8Array[],
    record: Uint8Array,
    headerLength: number,
    plaintextLength: number,
    seq: number,
    snOffset: number,
    snBytes: 1 | 2,
    joinsNext = false,
  ): void {
    const i = this.n;
    if (this.layout.length < STRIDE * (i + 1)) {
      const grown = new Float64Array(this.layout.length * 2);
      grown.set(this.layout);
      this.layout = grown;
    }
    const l = this.layout;
    const at = STRIDE * i;
    // Handed off now, while this is its one holder; a record never queued (a seal that throws) keeps its slab, as kept.
    const offset = handOffCarved(record);
    if (offset < 0) this.unmarked++;
    l[at] = offset < 0 ? record.byteOffset : offset;
    l[at + 1] = headerLength;
    l[at + 2] = plaintextLength;
    l[at + 3] = seq;
    l[at + 4] = snOffset;
    l[at + 5] = snBytes;
    if (i === this.records.length) {
      this.records.push(record);
      this.protections.push(protection);
      this.sinks.push(sink);
      this.joined.push(joinsNext);
    } else {
      this.records[i] = record;
      this.protections[i] = protection;
      this.sinks[i] = sink;
      this.joined[i] = joinsNext;
    }
    this.n = i + 1;
    if (joinsNext) this.joins++;
  }

  /** Adds a record that needs no sealing (a plaintext one), queued in its place. */
  addWhole(sink: Uint8Array[], record: Uint8Array, joinsNext = false): void {
    this.add(undefined, sink, record, 0, 0, 0, 0, 2, joinsNext);
  }

  /** Protects and queues every waiting record (wiped, none queued, if it throws); `giveBack` keeps this as a spare. */
  seal(giveBack = false): void {
    const { records, protections, n } = this;
    try {
      let start = 0;
      let buffer = n > 0 ? locate(records[0]!).buffer : undefined;
      for (let i = 1; i <= n; i++) {
        const protection = protections[start];
        const next = i < n ? locate(records[i]!).buffer : undefined;
        if (i < n && protections[i] === protection && protection?.sealRecords !== undefined && next === buffer)
          continue;
        if (protection === undefined) {
          // staged whole: nothing to seal
        } else if (i - start === 1) {
          // A run of one (a lone send, a record of a buffer of its own): the single-record call, no layout to check.
          const l = this.layout;
          const at = STRIDE * start;
          const snBytes = l[at + 5] === 1 ? 1 : 2;
          protection.sealRecord(l[at + 3]!, records[start]!, l[at + 1]!, l[at + 2]!, l[at + 4]!, snBytes);
        } else
          protection.sealRecords!(
            new Uint8Array(buffer!),
            start === 0 ? this.layout : this.layout.subarray(STRIDE * start),
            i - start,
          );
        start = i;
        buffer = next;
      }
      if (this.joins === 0) {
        if (this.unmarked > 0) handOffRun(records as readonly Uint8Array[], 0, n);
        const sinks = this.sinks;
        for (let i = 0; i < n; i++) sinks[i]!.push(records[i]!);
      } else this.queueDatagrams();
    } catch (e) {
      for (let i = 0; i < n; i++) records[i]!.fill(0); // plaintext in a slab shared with other records goes
      throw e;
    } finally {
      const sinks = this.sinks;
      for (let i = 0; i < n; i++) {
        records[i] = undefined;
        protections[i] = undefined;
        sinks[i] = undefined;
      }
      this.n = 0;
      this.joins = 0;
      this.unmarked = 0;
      if (giveBack && StagedRecords.spare.length < MAX_SPARE) StagedRecords.spare.push(this);
    }
  }

  /** Queues the sealed records, those joined to the next copied into one datagram with it. */
  private queueDatagrams(): void {
    const { records, joined, n } = this;
    for (let from = 0, i = 0; i < n; i++) {
      if (joined[i] && i < n - 1) continue;
      if (i === from) {
        handOff(records[i]!);
        this.sinks[i]!.push(records[i]!);
      } else {
        let size = 0;
        for (let r = from; r <= i; r++) size += records[r]!.length;
        const datagram = allocate(size);
        for (let r = from, at = 0; r <= i; r++) {
          const record = records[r]!;
          datagram.set(record, at);
          at += record.length;
          handOff(record); // copied: nothing reads it again
          giveBack(record);
        }
        handOff(datagram);
        this.sinks[i]!.push(datagram);
      }
      from = i + 1;
    }
  }
}
