import { bytesEqual } from '../wire/index.js';

/** The peer's CIDs: the one our records carry, and spares used in the order given (RFC 9147 §9), at most `max`. */
export class PeerConnectionIds {
  private currentCid: Uint8Array;
  private readonly spareCids: Uint8Array[] = [];
  /** Every CID the peer gave us, so a repeated one is not taken as new (bounded by what was kept). */
  private readonly seen: Uint8Array[] = [];

  private readonly max: number;

  constructor(first: Uint8Array, max: number) {
    this.max = max;
    this.currentCid = first;
    this.seen.push(first);
  }

  /** The CID our records carry now (empty: none). */
  get current(): Uint8Array {
    return this.currentCid;
  }

  /** What hibernation keeps besides {@link current}: the spares and every CID the peer gave. */
  get kept(): { readonly spares: readonly Uint8Array[]; readonly seen: readonly Uint8Array[] } {
    return { spares: [...this.spareCids], seen: [...this.seen] };
  }

  /** Takes up what {@link kept} gave (on a new set made with the same current CID). */
  restore(kept: { readonly spares: readonly Uint8Array[]; readonly seen: readonly Uint8Array[] }): void {
    this.spareCids.push(...kept.spares);
    this.seen.splice(0, this.seen.length, ...kept.seen);
  }

  get spares(): number {
    return this.spareCids.length;
  }

  /** Takes the CIDs of a NewConnectionId; `immediate`: switch to the first new one now. Returns how many were kept. */
  add(cids: readonly Uint8Array[], immediate: boolean): number {
    let kept = 0;
    let first: Uint8Array | undefined;
    for (const cid of cids) {
      if (this.seen.some((s) => bytesEqual(s, cid))) continue;
      if (1 + this.spareCids.length >= this.max) break;
      this.spareCids.push(cid);
      this.seen.push(cid);
      if (this.seen.length > 4 * this.max) this.seen.shift();
      first ??= cid;
      kept++;
    }
    if (immediate && first !== undefined) {
      while (this.spareCids.length > 0 && this.spareCids[0] !== first) this.spareCids.shift();
      this.next();
    }
    return kept;
  }

  /** Moves to the next spare (a new path: RFC 9146 §8, RFC 9147 §9); false when there is none. */
  next(): boolean {
    const cid = this.spareCids.shift();
    if (cid === undefined) return false;
    this.currentCid = cid;
    return true;
  }
}
