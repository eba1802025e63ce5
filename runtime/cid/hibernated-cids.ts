import type { PathStats } from './path-stats.js';

/** What a hibernated session keeps of its connection IDs (RFC 9146, RFC 9147 §9) and its paths' counters (RFC 9853). */
export interface HibernatedCids {
  /** Ours: those issued and not retired, with their sequence numbers, the next sequence number, and the one the peer uses. */
  readonly issued: readonly { readonly cid: Uint8Array; readonly sequence: number }[];
  readonly nextSequence: number;
  readonly inUse: number;
  /** The peer's: the one our records carry, the spares, and every one it gave (so a repeat is not taken as new). */
  readonly peerCurrent: Uint8Array;
  readonly peerSpares: readonly Uint8Array[];
  readonly peerSeen: readonly Uint8Array[];
  readonly rrcNegotiated: boolean;
  readonly requestOutstanding: boolean;
  readonly requestsReceived: number;
  /** The newest record number authenticated (RFC 9146 §6: only a newer one moves a session without RRC). */
  readonly newestEpoch: number;
  readonly newestSequence: number;
  readonly counts: PathStats;
}
