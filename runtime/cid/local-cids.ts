import { bytesEqual } from '../wire/index.js';
import type { HibernatedCids } from './hibernated-cids.js';

/** What {@link LocalConnectionIds.used} returns when it retires nothing: one empty list for every record. */
const NONE_RETIRED: readonly Uint8Array[] = Object.freeze([]);

/** One CID we issued, with its place in the order the peer should use them in (RFC 9147 §9). */
interface Issued {
  readonly cid: Uint8Array;
  readonly sequence: number;
}

/**
 * The CIDs this side issued (the handshake's, then NewConnectionId's); once the peer's records carry a newer one, the
 * older ones retire (a CID it moved past would only link its old path to its new one).
 */
export class LocalConnectionIds {
  private readonly issued: Issued[] = [];
  private nextSequence = 0;
  /** The sequence of the newest CID the peer's authenticated records carried. */
  private inUse = 0;

  /** `length`: every CID's; `make`: the generator option; `taken`: whether a CID is in use already. */
  readonly length: number;
  private readonly make: (length: number) => Uint8Array;
  private readonly taken: (cid: Uint8Array) => boolean;

  constructor(length: number, make: (length: number) => Uint8Array, taken: (cid: Uint8Array) => boolean = () => false) {
    this.length = length;
    this.make = make;
    this.taken = taken;
  }

  /** What hibernation keeps: those issued and not retired, the next sequence number, the one in use. */
  get kept(): Pick<HibernatedCids, 'issued' | 'nextSequence' | 'inUse'> {
    return {
      issued: this.issued.map((i) => ({ cid: i.cid, sequence: i.sequence })),
      nextSequence: this.nextSequence,
      inUse: this.inUse,
    };
  }

  /** Takes up what {@link kept} gave (on a new, empty set). */
  restore(kept: Pick<HibernatedCids, 'issued' | 'nextSequence' | 'inUse'>): void {
    this.issued.push(...kept.issued.map((i) => ({ cid: i.cid, sequence: i.sequence })));
    this.nextSequence = kept.nextSequence;
    this.inUse = kept.inUse;
  }

  /** CIDs issued and not retired. */
  get active(): readonly Uint8Array[] {
    return this.issued.map((i) => i.cid);
  }

  /** The CID records to us carry now (the handshake's until the peer moves to a newer one). */
  get current(): Uint8Array | undefined {
    return this.issued.find((i) => i.sequence === this.inUse)?.cid ?? this.issued[0]?.cid;
  }

  /** Issues up to `count` new CIDs (fewer when the generator keeps repeating taken ones); returns them. */
  issue(count: number): Uint8Array[] {
    const made: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const cid = this.fresh();
      if (cid === undefined) break;
      this.issued.push({ cid, sequence: this.nextSequence++ });
      made.push(cid);
    }
    return made;
  }

  /** Whether a record carrying `cid` is for us. */
  has(cid: Uint8Array): boolean {
    return this.issued.some((i) => bytesEqual(i.cid, cid));
  }

  /**
   * The peer's authenticated record carried `cid`: when newer than the one in use, returns the older ones, retired
   * (most records carry the one in use: nothing is made for them).
   */
  used(cid: Uint8Array): readonly Uint8Array[] {
    const entry = this.issued.find((i) => bytesEqual(i.cid, cid));
    if (entry === undefined || entry.sequence <= this.inUse) return NONE_RETIRED;
    this.inUse = entry.sequence;
    const retired = this.issued.filter((i) => i.sequence < entry.sequence);
    this.issued.splice(0, retired.length);
    return retired.map((i) => i.cid);
  }

  private fresh(): Uint8Array | undefined {
    // A short CID space can be nearly full (1-byte CIDs on a busy server): a few tries, then fewer CIDs rather than a loop.
    for (let attempt = 0; attempt < 8; attempt++) {
      const cid = this.make(this.length);
      if (!this.has(cid) && !this.taken(cid)) return cid;
    }
    return undefined;
  }
}
