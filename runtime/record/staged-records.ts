import type { RecordProtection } from '../crypto/provider.js';
/**
 * What seals staged records, either version's: 1.3's RecordProtection (crypto/provider.ts), or 1.2's EpochCipher12
 * (codec12.ts), which has no call for many records and seals each alone.
 */
export type StagedProtection = Pick<RecordProtection, 'sealRecord'> & Partial<Pick<RecordProtection, 'sealRecords'>>;

/** Numbers per record in a layout (RecordProtection.sealRecords): at, headerLength, plaintextLength, seq, snOffset, snBytes. */
const STRIDE = 6;
/** Spares kept per thread (as many as sessions that may have a burst waiting at once, in a turn that sends to many). */
const MAX_SPARE = 64;

/** Records laid out and numbered, protected together by {@link seal} (one call per slab buffer), then queued. */
export class StagedRecords {
  /** Emptied ones, for the next burst of any writer on this thread: an idle session holds none. */
  private static readonly spare: StagedRecords[] = [];

  static take(): StagedRecords {
    return StagedRecords.spare.pop() ?? new StagedRecords();
  }

  private protection: StagedProtection | undefined;
  private sink: Uint8Array[] | undefined;
  private readonly records: Uint8Array[] = [];
  /** Reused from one burst to the next (grown as needed): the protection reads it during the call only. */
  private layout = new Float64Array(STRIDE * 16);

  get count(): number {
    return this.records.length;
  }

  /** Adds a laid-out record to seal with `protection` into `sink`; records waiting for another key or queue seal first. */
  add(
    protection: StagedProtection,
    sink: Uint8Array[],
    record: Uint8Array,
    headerLength: number,
    plaintextLength: number,
    seq: number,
    snOffset: number,
    snBytes: 1 | 2,
  ): void {
    if (this.records.length > 0 && (protection !== this.protection || sink !== this.sink)) this.seal();
    this.protection = protection;
    this.sink = sink;
    const i = this.records.length;
    if (this.layout.length < STRIDE * (i + 1)) {
      const grown = new Float64Array(this.layout.length * 2);
      grown.set(this.layout);
      this.layout = grown;
    }
    const l = this.layout;
    const at = STRIDE * i;
    l[at] = record.byteOffset;
    l[at + 1] = headerLength;
    l[at + 2] = plaintextLength;
    l[at + 3] = seq;
    l[at + 4] = snOffset;
    l[at + 5] = snBytes;
    this.records.push(record);
  }

  /** Protects and queues every waiting record (wiped, none queued, if it throws); `giveBack` keeps this as a spare. */
  seal(giveBack = false): void {
    const records = this.records;
    const n = records.length;
    const protection = this.protection!;
    const sink = this.sink!;
    this.protection = undefined;
    this.sink = undefined;
    try {
      let start = 0;
      const runs = n > 1 && protection.sealRecords !== undefined;
      for (let i = 1; i <= n; i++) {
        const buffer = records[start]!.buffer;
        if (runs && i < n && records[i]!.buffer === buffer) continue;
        if (i - start === 1) {
          // A run of one (a lone send, a record of a buffer of its own): the single-record call, no layout to check.
          const l = this.layout;
          const at = STRIDE * start;
          const snBytes = l[at + 5] === 1 ? 1 : 2;
          protection.sealRecord(l[at + 3]!, records[start]!, l[at + 1]!, l[at + 2]!, l[at + 4]!, snBytes);
        } else
          protection.sealRecords!(
            new Uint8Array(buffer),
            start === 0 ? this.layout : this.layout.subarray(STRIDE * start),
            i - start,
          );
        start = i;
      }
      for (let i = 0; i < n; i++) sink.push(records[i]!);
    } catch (e) {
      for (const r of records) r.fill(0); // plaintext in a slab shared with other records goes, whatever the seal left
      throw e;
    } finally {
      records.length = 0;
      if (giveBack && StagedRecords.spare.length < MAX_SPARE) StagedRecords.spare.push(this);
    }
  }
}
