/** Bits per word of the window: a 30-bit word stays a small integer. */
const WORD = 30;

/**
 * The anti-replay sliding window of RFC 9147 §4.5.1 (RFC 4303 §3.4.3): the right edge is the highest sequence number
 * deprotected in the epoch; a bit per sequence number below it remembers what was seen. One per epoch.
 */
export class ReplayWindow {
  /** Window size in records. */
  readonly size: number;
  /** WORD bits per number, so every word is a small integer V8 stores inline (a typed array would add a buffer of its own per epoch). */
  private readonly bits: number[];
  private highest = -1;

  constructor(size = 64) {
    if (!Number.isInteger(size) || size < 64)
      throw new RangeError(`replay window size must be an integer >= 64, got ${size}`);
    this.size = size;
    this.bits = new Array<number>(Math.ceil(size / WORD)).fill(0);
  }

  /** The highest sequence number accepted so far, or -1. */
  get right(): number {
    return this.highest;
  }

  /** The window's bit words, as kept (hibernation copies them; {@link restore} puts them back). */
  get words(): readonly number[] {
    return this.bits;
  }

  /** Puts back a window saved as {@link right} and {@link words} (a hibernated session's, of the same size). */
  restore(right: number, words: readonly number[]): void {
    if (words.length !== this.bits.length)
      throw new RangeError(`a replay window of ${words.length} words restored into one of ${this.bits.length}`);
    this.highest = right;
    for (let i = 0; i < words.length; i++) this.bits[i] = words[i]!;
  }

  /** 'new' when `seq` may be accepted; 'duplicate' if seen; 'too-old' if left of the window. Does not change the window. */
  check(seq: number): 'new' | 'duplicate' | 'too-old' {
    if (seq > this.highest) return 'new';
    const age = this.highest - seq;
    if (age >= this.size) return 'too-old';
    const slot = seq % this.size;
    const w = (slot / WORD) | 0;
    return (this.bits[w]! & (1 << (slot - w * WORD))) !== 0 ? 'duplicate' : 'new';
  }

  /** Records `seq` as received (call only after the record deprotected: §4.5.1). */
  accept(seq: number): void {
    if (seq > this.highest) {
      const shift = this.highest < 0 ? this.size : seq - this.highest;
      if (shift >= this.size) this.bits.fill(0);
      else for (let s = this.highest + 1; s <= seq; s++) this.clear(s);
      this.highest = seq;
    }
    const slot = seq % this.size;
    const w = (slot / WORD) | 0;
    this.bits[w]! |= 1 << (slot - w * WORD);
  }

  private clear(seq: number): void {
    const slot = seq % this.size;
    const w = (slot / WORD) | 0;
    this.bits[w]! &= ~(1 << (slot - w * WORD));
  }
}
