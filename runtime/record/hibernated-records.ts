import type { DropCounters } from './drops.js';

/** A read epoch of a hibernated session: where its replay window stood and its key's usage (RFC 9147 §4.5.3). Its keys come back from its traffic secret. */
export interface HibernatedReadEpoch {
  readonly epoch: number;
  /** The highest sequence number opened, and the window's bit words (ReplayWindow). */
  readonly right: number;
  readonly words: readonly number[];
  readonly used: number;
  readonly failed: number;
  /** Records that failed authentication in a row since one opened (SequenceRecovery). */
  readonly failedInRow: number;
}

/** What the record layer of a hibernated session keeps beyond its secrets: sequence numbers, replay windows, usage, limits and drop counts. */
export interface HibernatedRecords {
  readonly write: { readonly epoch: number; readonly seq: number; readonly used: number };
  readonly reads: readonly HibernatedReadEpoch[];
  readonly highestDropped: number;
  readonly newestAuthenticated: number;
  /** record_size_limit both ways (RFC 8449), as negotiated. */
  readonly sendLimit: number | undefined;
  readonly receiveLimit: number | undefined;
  readonly drops: Readonly<DropCounters> | undefined;
}
