/** Bytes several queues may hold together: `limits.maxDeferredBytes` for a connection's two. */
export interface ByteBudget {
  readonly capacity: number;
  used: number;
}

/**
 * A bounded FIFO of byte strings; the queues of one connection share one {@link ByteBudget} (`limits.maxDeferredBytes`),
 * and a push past it is refused (the caller counts it).
 */
export class HeldRecords {
  private readonly budget: ByteBudget;
  private items: Uint8Array[] | undefined;
  private held = 0;
  /** Items held now: a field, read after every datagram. Only the queue moves it. */
  length = 0;

  constructor(budget: ByteBudget) {
    this.budget = budget;
  }

  /** Bytes this queue holds now. */
  get bytes(): number {
    return this.held;
  }

  /** Keeps `item` (as it is: copy it first if its buffer is reused); false when the budget has no room for it. */
  push(item: Uint8Array): boolean {
    if (this.budget.used + item.length > this.budget.capacity) return false;
    (this.items ??= []).push(item);
    this.length++;
    this.held += item.length;
    this.budget.used += item.length;
    return true;
  }

  /** Everything held, oldest first; the queue is empty afterwards and its bytes go back to the budget. */
  take(): readonly Uint8Array[] {
    const items = this.items ?? [];
    this.items = undefined;
    this.length = 0;
    this.budget.used -= this.held;
    this.held = 0;
    return items;
  }
}
