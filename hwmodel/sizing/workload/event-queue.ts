/**
 * The flow model's pending events, in time order, equal times in the order they were pushed: exactly the order of
 * one min-heap over (time, push number), such as hwmodel/trace/time-heap.ts, but cheaper for the flow model, whose
 * events all come in streams pushed in time order (a server that books one access after another, or one that takes
 * the same time for each: flow-model.ts names them).
 *
 * Each stream is a FIFO, where a push takes constant time; a binary heap keeps the streams that hold events by their
 * first event's (time, push number), one push counter for all, so it changes only when a stream's first event does:
 * when an empty stream gets one, and at a pop.
 */
export class EventQueue<T> {
  #seq = 0;
  readonly #streams: Stream<T>[];
  /** The streams that hold events, a binary heap by their first events' (time, push number), kept beside each. */
  readonly #ready: Int32Array;
  readonly #readyTime: Float64Array;
  readonly #readySeq: Float64Array;
  #readyCount = 0;
  /** The time of the event the last pop returned. */
  time = 0;

  /** A queue of `streams` in-order streams. */
  constructor(streams: number) {
    if (!(Number.isInteger(streams) && streams >= 1))
      throw new RangeError(`streams must be a whole number from 1, got ${String(streams)}`);
    this.#streams = Array.from({ length: streams }, () => new Stream<T>());
    this.#ready = new Int32Array(streams);
    this.#readyTime = new Float64Array(streams);
    this.#readySeq = new Float64Array(streams);
  }

  /** Events pending. */
  get size(): number {
    return this.#streams.reduce((n, s) => n + s.length, 0);
  }

  /** Adds `item` at `time` to stream `stream`: no earlier than the stream's last (RangeError otherwise). */
  push(stream: number, time: number, item: T): void {
    const s = this.#streams[stream];
    if (s === undefined) throw new RangeError(`no stream ${String(stream)} of ${this.#streams.length}`);
    if (time < s.last)
      throw new RangeError(`stream ${stream}: an event at ${String(time)} after one at ${String(s.last)}`);
    const seq = this.#seq++;
    s.push(time, seq, item);
    if (s.length === 1) this.#readyUp(stream, time, seq);
  }

  /** Removes and returns the earliest event (its time in `time`), or undefined when none is left. */
  pop(): T | undefined {
    if (this.#readyCount === 0) return undefined;
    this.time = this.#readyTime[0]!;
    const s = this.#streams[this.#ready[0]!]!;
    const item = s.shift();
    // The stream's next event is no earlier: it sinks from the top, or, none left, the last stream takes its place.
    if (s.length > 0) this.#readyDown(this.#ready[0]!, s.headTime, s.headSeq);
    else if (--this.#readyCount > 0) {
      const last = this.#readyCount;
      this.#readyDown(this.#ready[last]!, this.#readyTime[last]!, this.#readySeq[last]!);
    }
    return item;
  }

  /** Adds `stream`, which has just got its only event, at (`time`, `seq`), to the ready heap. */
  #readyUp(stream: number, time: number, seq: number): void {
    const ready = this.#ready;
    const times = this.#readyTime;
    const seqs = this.#readySeq;
    let i = this.#readyCount++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!(time < times[p]! || (time === times[p]! && seq < seqs[p]!))) break;
      ready[i] = ready[p]!;
      times[i] = times[p]!;
      seqs[i] = seqs[p]!;
      i = p;
    }
    ready[i] = stream;
    times[i] = time;
    seqs[i] = seq;
  }

  /** Puts `stream`, its first event at (`time`, `seq`), at the ready heap's top and sinks it to its place. */
  #readyDown(stream: number, time: number, seq: number): void {
    const ready = this.#ready;
    const times = this.#readyTime;
    const seqs = this.#readySeq;
    const n = this.#readyCount;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && (times[r]! < times[l]! || (times[r] === times[l] && seqs[r]! < seqs[l]!)) ? r : l;
      const mt = times[m]!;
      if (!(mt < time || (mt === time && seqs[m]! < seq))) break;
      ready[i] = ready[m]!;
      times[i] = mt;
      seqs[i] = seqs[m]!;
      i = m;
    }
    ready[i] = stream;
    times[i] = time;
    seqs[i] = seq;
  }
}

/** One in-order stream: a FIFO of (time, push number, item) in a ring that doubles when full. */
class Stream<T> {
  #times = new Float64Array(64);
  #seqs = new Float64Array(64);
  #items: (T | undefined)[] = new Array<T | undefined>(64);
  #head = 0;
  length = 0;
  /** The time of the last event pushed (−∞ before any). */
  last = -Infinity;

  get headTime(): number {
    return this.#times[this.#head]!;
  }

  get headSeq(): number {
    return this.#seqs[this.#head]!;
  }

  push(time: number, seq: number, item: T): void {
    if (this.length === this.#times.length) this.#grow();
    const mask = this.#times.length - 1;
    const i = (this.#head + this.length) & mask;
    this.#times[i] = time;
    this.#seqs[i] = seq;
    this.#items[i] = item;
    this.length++;
    this.last = time;
  }

  shift(): T | undefined {
    const h = this.#head;
    const item = this.#items[h];
    this.#items[h] = undefined; // let the item go
    this.#head = (h + 1) & (this.#times.length - 1);
    this.length--;
    return item;
  }

  #grow(): void {
    const n = this.#times.length;
    const times = new Float64Array(n * 2);
    const seqs = new Float64Array(n * 2);
    const items = new Array<T | undefined>(n * 2);
    for (let k = 0; k < n; k++) {
      const i = (this.#head + k) & (n - 1);
      times[k] = this.#times[i]!;
      seqs[k] = this.#seqs[i]!;
      items[k] = this.#items[i];
    }
    this.#times = times;
    this.#seqs = seqs;
    this.#items = items;
    this.#head = 0;
  }
}
