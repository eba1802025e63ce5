/**
 * The anti-replay sliding window of RFC 9147 §4.5.1 (RFC 4303 §3.4.3): the
 * right edge is the highest sequence number deprotected in the epoch; a bit
 * per sequence number below it remembers what was seen. One per epoch.
 */
export class ReplayWindow {
  /** Window size in records. */
  readonly size: number;
  private readonly bits: Uint32Array;
  private highest = -1;

  constructor(size = 64) {
    if (!Number.isInteger(size) || size < 64) throw new RangeError(`replay window size must be an integer >= 64, got ${size}`);
    this.size = size;
    this.bits = new Uint32Array(Math.ceil(size / 32));
  }

  /** The highest sequence number accepted so far, or -1. */
  get right(): number {
    return this.highest;
  }

  /** 'new' when `seq` may be accepted; 'duplicate' if seen; 'too-old' if left of the window. Does not change the window. */
  check(seq: number): 'new' | 'duplicate' | 'too-old' {
    if (seq > this.highest) return 'new';
    const age = this.highest - seq;
    if (age >= this.size) return 'too-old';
    return this.test(seq) ? 'duplicate' : 'new';
  }

  /** Records `seq` as received (call only after the record deprotected: §4.5.1). */
  accept(seq: number): void {
    if (seq > this.highest) {
      const shift = this.highest < 0 ? this.size : seq - this.highest;
      if (shift >= this.size) this.bits.fill(0);
      else for (let s = this.highest + 1; s <= seq; s++) this.clear(s);
      this.highest = seq;
    }
    this.set(seq);
  }

  private index(seq: number): [number, number] {
    const slot = seq % this.size;
    return [slot >>> 5, 1 << (slot & 31)];
  }

  private test(seq: number): boolean {
    const [w, m] = this.index(seq);
    return (this.bits[w]! & m) !== 0;
  }

  private set(seq: number): void {
    const [w, m] = this.index(seq);
    this.bits[w]! |= m;
  }

  private clear(seq: number): void {
    const [w, m] = this.index(seq);
    this.bits[w]! &= ~m;
  }
}
