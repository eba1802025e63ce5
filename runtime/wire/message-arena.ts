/** Plaintext memory for `messageBuffers: 'batch'`: a connection's records of one receive batch in one ArrayBuffer. */
import { markUntransferable } from './untransferable.js';

/** How received plaintext is held: per connection and batch ('batch', default) or an ArrayBuffer per record ('own'). */
export type MessageBuffers = 'own' | 'batch';

export const MESSAGE_BUFFERS: readonly MessageBuffers[] = ['own', 'batch'];

export interface ReceiveBatchSource {
  /** Bytes of the current datagram and every later one of the batch from its sender. */
  bytesAhead(): number;
  /** The batch's receive buffer, when the datagrams delivered are views of it. */
  readonly buffer?: Uint8Array | undefined;
  /** The datagram being delivered when lent from {@link buffer}, and where it starts there. */
  readonly current?: Uint8Array | undefined;
  readonly position?: number;
  /** The sender's datagrams of the batch from the current one on, as `at, length` pairs in {@link buffer}: how many. */
  datagramsAhead?(into: Float64Array): number;
  /**
   * The next datagram of the GRO run being delivered, if `accept` takes it by its place in {@link buffer}: it becomes
   * the one being delivered, at {@link position}, no view of it made yet ({@link current} undefined); its length, or -1
   * (runtime/node/datagram-io.ts). The caller delivers it at once.
   */
  nextInRun?(accept: (buffer: Uint8Array, at: number, length: number) => boolean): number;
  /** The datagram {@link nextInRun} moved to, as a view lent from {@link buffer}: {@link current} from now on. */
  lendCurrent?(): Uint8Array;
}

/** The largest arena: a batch of more than this from one sender fills several (the addon's pool serves up to this size). */
export const ARENA_MAX = 32_768;

/** Whether an arena's ArrayBuffer was detached since (byteLength 0; `detached` is newer than Node 20). */
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

/** `data`, or in 'batch' mode a copy when a waiting message views its ArrayBuffer (a transfer would detach it). */
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

export function beginReceiveBatch(from: ReceiveBatchSource): ReceiveBatchSource | undefined {
  const outer = source;
  batchId++;
  source = from;
  return outer;
}

/** The batch ends: every arena it wrote to is let go; `outer` (from {@link beginReceiveBatch}) goes on. */
export function endReceiveBatch(outer: ReceiveBatchSource | undefined): void {
  batchId++;
  source = outer;
  for (const a of touched) a.forget();
  touched.length = 0;
}

let lent: MessageArena | undefined;
let lentLeft = 0;

function takeLent(n: number): Uint8Array {
  return lent!.take(n, lentLeft);
}

/**
 * `arena.take(n, datagramLeft)` as an allocator for a provider's `openRecord`, called before it returns: one function
 * for every connection, so that none holds a closure of its own.
 */
export function lendArena(arena: MessageArena, datagramLeft: number): (n: number) => Uint8Array {
  lent = arena;
  lentLeft = datagramLeft;
  return takeLent;
}

/** What an arena tells when it lets go of its ArrayBuffer (an object, not a closure: an idle connection holds none). */
export interface ArenaListener {
  arenaForgotten(): void;
}

/** One connection's 'batch' memory: zeroed views of one untransferable ArrayBuffer per batch (new when full or detached). */
export class MessageArena {
  private buffer: ArrayBuffer | undefined;
  private used = 0;
  private batch = -1;
  private last: Uint8Array | undefined;
  /** Told when the arena lets go of its ArrayBuffer: what was opened ahead and not handed out is zeroed. */
  private listener: ArenaListener | undefined;

  onForget(listener: ArenaListener): void {
    this.listener = listener;
  }

  get arrayBuffer(): ArrayBuffer | undefined {
    return this.buffer;
  }

  /** Room for at least `least` bytes in {@link arrayBuffer} (new if need be): where it starts; {@link advance} takes it. */
  room(least: number, datagramLeft: number): number {
    const b = this.buffer;
    if (b === undefined || this.batch !== batchId || b.byteLength - this.used < least || isDetached(b)) {
      this.take(least, datagramLeft);
      this.used -= least;
      this.last = undefined;
    }
    return this.used;
  }

  advance(n: number): void {
    this.used += n;
    this.last = undefined;
  }

  /** `n` zeroed bytes; `datagramLeft` bounds what the records still to open need when no batch is delivered. */
  take(n: number, datagramLeft: number): Uint8Array {
    let b = this.buffer;
    if (b === undefined || this.batch !== batchId || b.byteLength - this.used < n || isDetached(b)) {
      const ahead = source === undefined ? datagramLeft : source.bytesAhead();
      b = zeroed(Math.max(n, 1, Math.min(ahead, ARENA_MAX)));
      // As Node's Buffer pool: a transfer list copies it (Node 20) or refuses it (later), never detaching the messages
      // kept from it. ArrayBuffer.prototype.transfer can still detach it on some Node: the readers check (isDetached).
      markUntransferable(b);
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

  /** `view` is not kept: zeroed, and when it is the last {@link take}, taken again next. */
  giveBack(view: Uint8Array): void {
    const gone = isDetached(view.buffer);
    if (!gone) view.fill(0);
    if (view !== this.last) return;
    this.last = undefined;
    if (!gone && view.buffer === this.buffer && view.byteOffset + view.length === this.used) this.used -= view.length;
  }

  failed(): void {
    if (this.last !== undefined) this.giveBack(this.last);
  }

  /** Outside a batch: the datagram's records are opened; the next datagram starts a new ArrayBuffer. */
  datagramDone(): void {
    if (source === undefined) this.forget();
  }

  /** Lets go of the current ArrayBuffer (the messages viewing it keep it alive). */
  forget(): void {
    this.listener?.arenaForgotten();
    this.buffer = undefined;
    this.last = undefined;
    this.used = 0;
  }
}
