/** A receive batch for tests below the socket: datagrams laid out in one buffer, lent as the socket reader lends them. */
import type { ReceiveBatchSource } from '../../runtime/wire/message-arena.js';

/** The datagrams laid out in one buffer, 32 bytes apart, as a receive batch whose datagrams are all one sender's. */
export class Batch implements ReceiveBatchSource {
  readonly buffer: Uint8Array;
  readonly views: Uint8Array[] = [];
  private readonly starts: number[] = [];
  current: Uint8Array | undefined;
  position = 0;
  private index = 0;

  constructor(datagrams: readonly Uint8Array[]) {
    this.buffer = new Uint8Array(datagrams.reduce((n, d) => n + d.length + 32, 0));
    let at = 0;
    for (const d of datagrams) {
      this.buffer.set(d, at);
      this.starts.push(at);
      this.views.push(this.buffer.subarray(at, at + d.length));
      at += d.length + 32;
    }
  }

  /** Where the `i`-th datagram starts in {@link buffer}. */
  start(i: number): number {
    return this.starts[i]!;
  }

  /** The `i`-th datagram is the one being delivered, as the run road reaches it: no view of it ({@link current} unset). */
  reach(i: number): void {
    this.index = i;
    this.current = undefined;
    this.position = this.starts[i]!;
  }

  /** The `i`-th datagram is the one being delivered. */
  deliver(i: number): Uint8Array {
    this.index = i;
    this.current = this.views[i];
    this.position = this.starts[i]!;
    return this.views[i]!;
  }

  bytesAhead(): number {
    return this.views.slice(this.index).reduce((n, v) => n + v.length, 0);
  }

  datagramsAhead(into: Float64Array): number {
    let n = 0;
    for (let i = this.index; i < this.views.length && 2 * n < into.length; i++, n++) {
      into[2 * n] = this.starts[i]!;
      into[2 * n + 1] = this.views[i]!.length;
    }
    return n;
  }
}
