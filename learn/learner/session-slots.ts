/**
 * The SUL's `parallel` sessions as slots the query runner's sessions take in turn: a session waits for a free slot,
 * the one asked with the lower `rank` first, in the order asked among equals. So the sessions the oracle asks ahead
 * (query-runner.ts `prefetch`, rank 1) fill only the slots the batch being checked (rank 0) leaves free, and a worker
 * that finishes its session takes the next one at once instead of waiting for its batch's slowest.
 */
export class SessionSlots {
  private free: number;
  private readonly waiting: { readonly rank: number; readonly resume: () => void }[] = [];

  constructor(slots: number) {
    this.free = Math.max(1, slots);
  }

  /** Resolves once a slot is this caller's; `give` it back when its session is over. */
  take(rank: number): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resume) => {
      const at = this.waiting.findIndex((w) => w.rank > rank);
      this.waiting.splice(at === -1 ? this.waiting.length : at, 0, { rank, resume });
    });
  }

  /** Hands the slot to the first waiting caller, or frees it. */
  give(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next.resume();
    else this.free++;
  }
}
