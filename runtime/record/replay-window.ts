/** Bits per word of the window: a 30-bit word stays a small integer. */
const WORD = 30;

/** The anti-replay sliding window of RFC 9147 §4.5.1 (RFC 4303 §3.4.3), one per epoch. */
export class ReplayWindow {
  /** Window size in records. */
  readonly size: number;
  /** WORD bits per number: small integers V8 stores inline (a typed array would add a buffer per epoch). */
  private readonly bits: number[];
  /** The highest sequence number accepted so far, or -1 (read per record; only the window writes it). */
  right = -1;

  constructor(size = 64) {
    if (!Number.isInteger(size) || size < 64)
      throw new RangeError(`replay window size must be an integer >= 64, got ${size}`);
    this.size = size;
    this.bits = new Array<number>(Math.ceil(size / WORD)).fill(0);
  }

  /** The window's bit words, as kept (hibernation copies them; {@link restore} puts them back). */
  get words(): readonly number[] {
    return this.bits;
  }

  /** Puts back a window saved as {@link right} and {@link words} (a hibernated session's, of the same size). */
  restore(right: number, words: readonly number[]): void {
    if (words.length !== this.bits.length)
      throw new RangeError(`a replay window of ${words.length} words restored into one of ${this.bits.length}`);
    this.right = right;
    for (let i = 0; i < words.length; i++) this.bits[i] = words[i]!;
  }

  /** 'new' when `seq` may be accepted; 'duplicate' if seen; 'too-old' if left of the window. Does not change the window. */
  check(seq: number): 'new' | 'duplicate' | 'too-old' {
    if (seq > this.right) return 'new';
    const age = this.right - seq;
    if (age >= this.size) return 'too-old';
    const slot = seq % this.size;
    const w = (slot / WORD) | 0;
    return (this.bits[w]! & (1 << (slot - w * WORD))) !== 0 ? 'duplicate' : 'new';
  }

  /** Records `seq` as received (only once authentic: §4.5.1), answering as {@link check} would. */
  /** Whether {@link accept} would answer 'new' for `seq` (nothing changed). */
  fresh(seq: number): boolean {
    if (seq > this.right) return true;
    if (this.right - seq >= this.size) return false;
    const slot = seq % this.size;
    const w = (slot / WORD) | 0;
    return (this.bits[w]! & (1 << (slot - w * WORD))) === 0;
  }

  accept(seq: number): 'new' | 'duplicate' | 'too-old' {
    const size = this.size;
    const bits = this.bits;
    if (seq > this.right) {
      if (this.right < 0 || seq - this.right >= size) bits.fill(0);
      else
        for (let s = this.right + 1; s <= seq; s++) {
          const slot = s % size;
          const w = (slot / WORD) | 0;
          bits[w]! &= ~(1 << (slot - w * WORD));
        }
      this.right = seq;
    } else if (this.right - seq >= size) return 'too-old';
    const slot = seq % size;
    const w = (slot / WORD) | 0;
    const bit = 1 << (slot - w * WORD);
    if ((bits[w]! & bit) !== 0) return 'duplicate';
    bits[w]! |= bit;
    return 'new';
  }
}
