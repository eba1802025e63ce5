/**
 * Plaintext memory for `messageBuffers: 'batch'` (docs/security/buffers.md): the records one connection opens from one
 * receive batch of its socket are decrypted into one ArrayBuffer of that connection's, one after the other, instead of
 * into an ArrayBuffer each. V8's cost per ArrayBuffer (its backing store, its extension, its sweeping) is then paid
 * once per batch.
 *
 * The socket reader (runtime/node/datagram-io.ts) says when a batch starts and ends; a connection outside any batch
 * (sans-I/O, or a socket read by node:dgram) shares one ArrayBuffer among the records of one datagram. An arena is
 * never shared between connections: each holds its own.
 */

/** How the plaintext of received records is held: an ArrayBuffer per record ('own', the default) or per connection and receive batch ('batch'). */
export type MessageBuffers = 'own' | 'batch';

/** The choices of {@link MessageBuffers}, for option checks. */
export const MESSAGE_BUFFERS: readonly MessageBuffers[] = ['own', 'batch'];

/** What the socket reader tells of the batch it delivers. */
export interface ReceiveBatchSource {
  /** Bytes of the datagram being delivered and of every later one in the batch from its sender: what one connection may still open from the batch. */
  bytesAhead(): number;
  /**
   * The batch's receive buffer, where the socket reader lends the datagrams it delivers as views of it (undefined: it
   * does not).
   */
  readonly buffer?: Uint8Array | undefined;
  /** The datagram being delivered (the very object handed on), when it is lent from {@link buffer}, and where it starts there. */
  readonly current?: Uint8Array | undefined;
  readonly position?: number;
  /**
   * The datagrams of the batch from the sender of the one being delivered, from that one on, as `at, length` pairs in
   * {@link buffer}: written to `into` (as many as fit), how many returned.
   */
  datagramsAhead?(into: Float64Array): number;
}

/** The largest arena: a batch of more than this from one sender fills several (the addon's pool serves up to this size). */
export const ARENA_MAX = 32_768;

/**
 * Whether `buffer`, an arena's ArrayBuffer (never empty), was detached since: the application transferred a message's
 * `data.buffer` (a postMessage or structuredClone transfer list, ArrayBuffer.prototype.transfer). A detached
 * ArrayBuffer's byteLength is 0 (the `detached` getter is newer than Node 20), and no view of it can be made or filled.
 */
export function isDetached(buffer: ArrayBufferLike): boolean {
  return buffer.byteLength === 0;
}

/** Whether `view`'s ArrayBuffer was detached (an empty view of an empty ArrayBuffer is not). */
export function viewDetached(view: Uint8Array): boolean {
  if (view.byteLength !== 0 || view.buffer.byteLength !== 0) return false;
  try {
    view.slice(); // throws for a detached ArrayBuffer only
    return false;
  } catch {
    return true;
  }
}

/** An event waiting for the application, as far as {@link apartFromWaiting} looks at it. */
interface WaitingEvent {
  readonly type: string;
  readonly data?: unknown;
}

/**
 * `data`, a message about to wait in `waiting` (a connection's events) for the application, or in 'batch' mode a copy
 * of its own when a message already waiting there views the same ArrayBuffer: the records of one datagram are all
 * opened before the first is handed over, and an application that transfers that one's `data.buffer` in its callback
 * would otherwise detach the next before it is handed over. Only a second record of a datagram (or of records released
 * together, held data and deferred records) is copied; a message per datagram never is.
 */
export function apartFromWaiting(data: Uint8Array, waiting: readonly WaitingEvent[]): Uint8Array {
  const b = data.buffer;
  for (const e of waiting)
    if (e.type === 'data' && e.data instanceof Uint8Array && e.data.buffer === b) return data.slice();
  return data;
}

/** Where arenas come from: a zeroed ArrayBuffer of 1..ARENA_MAX bytes (a record's plaintext is at most 2^14 + 256). */
let zeroed = (n: number): ArrayBuffer => new ArrayBuffer(n);

/** Arenas from `memory` (the native addon's pool: runtime/crypto/native/binding.ts) for sizes up to ARENA_MAX. */
export function setArenaMemory(memory: (n: number) => ArrayBuffer): void {
  zeroed = memory;
}

/** Changes with every batch started and ended: an arena of another batch is not written to again. */
let batchId = 0;
let source: ReceiveBatchSource | undefined;
/** The arenas written to in the current batch: let go when it ends, so an idle connection keeps none. */
const touched: MessageArena[] = [];

/** The receive batch being delivered (undefined: none), and a number that changes with every batch started or ended. */
export function receiveBatch(): ReceiveBatchSource | undefined {
  return source;
}
export function receiveBatchId(): number {
  return batchId;
}

/** A receive batch starts (datagrams are delivered from `from` until {@link endReceiveBatch}); returns the batch it interrupts, if any. */
export function beginReceiveBatch(from: ReceiveBatchSource): ReceiveBatchSource | undefined {
  const outer = source;
  batchId++;
  source = from;
  return outer;
}

/** The batch ends: every arena it wrote to is let go. `outer` is what {@link beginReceiveBatch} returned; a new batch of it goes on. */
export function endReceiveBatch(outer: ReceiveBatchSource | undefined): void {
  batchId++;
  source = outer;
  for (const a of touched) a.forget();
  touched.length = 0;
}

/**
 * One connection's plaintext memory in 'batch' mode. {@link take} hands out consecutive zeroed views of one ArrayBuffer
 * for as long as one batch (or, outside a batch, one datagram) lasts; a new ArrayBuffer when the batch changes, when
 * one is full, or when one was transferred (detached) meanwhile.
 */
export class MessageArena {
  private buffer: ArrayBuffer | undefined;
  private used = 0;
  private batch = -1;
  /** The last view {@link take} handed out. */
  private last: Uint8Array | undefined;
  /** Called when the arena lets go of its ArrayBuffer (batch over): what was opened ahead and not handed out is zeroed. */
  private readonly forgetHooks: (() => void)[] = [];

  /** Calls `hook` whenever the arena lets go of its ArrayBuffer. */
  onForget(hook: () => void): void {
    this.forgetHooks.push(hook);
  }

  /** The ArrayBuffer {@link take} hands out views of now. */
  get arrayBuffer(): ArrayBuffer | undefined {
    return this.buffer;
  }

  /**
   * Room for at least `least` bytes in this connection's current ArrayBuffer ({@link arrayBuffer}, a new one if need
   * be), not handed out yet: where it starts. {@link advance} then takes what was written.
   */
  room(least: number, datagramLeft: number): number {
    const b = this.buffer;
    if (b === undefined || this.batch !== batchId || b.byteLength - this.used < least || isDetached(b)) {
      this.take(least, datagramLeft);
      this.used -= least;
      this.last = undefined;
    }
    return this.used;
  }

  /** `n` bytes of the {@link room} are taken (written by the caller). */
  advance(n: number): void {
    this.used += n;
    this.last = undefined;
  }

  /**
   * `n` zeroed bytes of this connection's current ArrayBuffer. `datagramLeft` (the bytes of the datagram from the
   * record on) bounds what the records still to open can need when no batch is being delivered.
   */
  take(n: number, datagramLeft: number): Uint8Array {
    let b = this.buffer;
    if (b === undefined || this.batch !== batchId || b.byteLength - this.used < n || isDetached(b)) {
      const ahead = source === undefined ? datagramLeft : source.bytesAhead();
      b = zeroed(Math.max(n, 1, Math.min(ahead, ARENA_MAX)));
      if (source !== undefined && this.batch !== batchId) touched.push(this);
      this.buffer = b;
      this.used = 0;
      this.batch = batchId;
    }
    const view = new Uint8Array(b, this.used, n);
    this.used += n;
    this.last = view;
    return view;
  }

  /**
   * `view` is not kept (its record was dropped, or is copied elsewhere): zeroed, and when it is the last {@link take},
   * taken again next.
   */
  giveBack(view: Uint8Array): void {
    const gone = isDetached(view.buffer);
    if (!gone) view.fill(0);
    if (view !== this.last) return;
    this.last = undefined;
    if (!gone && view.buffer === this.buffer && view.byteOffset + view.length === this.used) this.used -= view.length;
  }

  /** The last {@link take} held a record that did not authenticate: zeroed, and taken again next. */
  failed(): void {
    if (this.last !== undefined) this.giveBack(this.last);
  }

  /** Outside a batch: the datagram's records are opened; the next datagram starts a new ArrayBuffer. */
  datagramDone(): void {
    if (source === undefined) this.forget();
  }

  /** Lets go of the current ArrayBuffer (the messages viewing it keep it alive). */
  forget(): void {
    for (const hook of this.forgetHooks) hook();
    this.buffer = undefined;
    this.last = undefined;
    this.used = 0;
  }
}
