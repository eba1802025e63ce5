import { markUntransferable } from './untransferable.js';

/**
 * Outgoing records carved from 64 KiB untransferable slabs: a view costs nothing, an ArrayBuffer an AEAD (and a fresh
 * one its zeroing: a new slab every ~50 full-size records was a tenth of a sender's CPU).
 *
 * **The rule: a slab is written again only once every view carved from it has been given back, and a view is given
 * back only by its one holder, once nothing will read its bytes again.** A view is carved kept ({@link allocate}): its
 * bytes stay as long as anything holds it, and its slab is never reused under it. Only a view marked {@link handOff}
 * may be given back ({@link giveBack}): the record writer marks the records it stages into a connection's outgoing queue
 * (nothing in the connection keeps those: retransmissions are sealed afresh; 0-RTT records resent with the ClientHello
 * are sealed, not staged, and stay kept), and the datagram I/O gives back what the kernel took in a synchronous batched
 * send (runtime/node/datagram-io.ts). What node:dgram queues (the fallback: no addon, IPv6, `DTLS13_UDP_BATCH=0`), what
 * the application or an `onDatagram` observer gets ({@link keep}), and what is diverted elsewhere is never given back:
 * its slab is dropped and collected with the last view of it, as every slab was before reuse.
 *
 * A view carved from a slab given back whole is not zeroed: every caller writes each byte it hands on (a record's
 * header, content, padding and tag; a datagram's records).
 */
const SLAB_SIZE = 64 * 1024;
/** Larger requests get a buffer of their own. */
const MAX_CARVED = 8 * 1024;
/** Slabs given back whole and kept for the next burst (a turn's burst may take several). */
const MAX_SPARE = 3;
/** Full slabs still owed views that may come back; past this many the oldest is left to the collector. */
const MAX_OWED = 4;

class Slab {
  readonly bytes: Uint8Array;
  /** `bytes.buffer`, read once: a typed array's `buffer` getter is a call into V8's C++ (hundreds of instructions). */
  readonly buffer: ArrayBuffer;
  used = 0;
  /** Views carved and not given back (kept ones are never). */
  claims = 0;
  /** Per 8-byte unit, of a view carved starting in it: its length, negative once handed off; 0 for none. */
  readonly views = new Int16Array(SLAB_SIZE / 8);
  /** Per 8-byte unit, where in it that view starts (0 to 7). */
  readonly starts = new Uint8Array(SLAB_SIZE / 8);

  constructor() {
    const bytes = new Uint8Array(SLAB_SIZE);
    markUntransferable(bytes.buffer);
    this.bytes = bytes;
    this.buffer = bytes.buffer;
  }
}

/**
 * The views carved last and where each lies, in carving order (a ring): a turn's records are read in the order they
 * were carved (sealed, handed off, laid out for the send, given back), so {@link locate} finds each by identity,
 * mostly at the place after the one found last. A typed array's `buffer` is a call into V8's C++ and its `byteOffset`
 * a builtin call where the view's type is not known to the compiler: hundreds of instructions a record, where this is
 * a few.
 */
const RECENT = 128;
const recentViews: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(RECENT).fill(undefined);
const recentBuffers: (ArrayBuffer | undefined)[] = new Array<ArrayBuffer | undefined>(RECENT).fill(undefined);
const recentOffsets = new Int32Array(RECENT);
const recentLengths = new Int32Array(RECENT);
/** Where the next carved view goes in the ring. */
let recentNext = 0;
/** Where {@link locate} looks first: the place after the view it found last. */
let recentProbe = 0;

/** Where a view lies: {@link locate}'s answer, one object rewritten by each call (read it before the next). */
export interface ViewPlace {
  buffer: ArrayBufferLike;
  offset: number;
  length: number;
}
const place: ViewPlace = { buffer: new ArrayBuffer(0), offset: 0, length: 0 };

/**
 * Where `view` lies (its buffer, offset and length): from the ring of views carved last when it is one of them (an
 * identity check), else read from the view. The same answer either way; cheaper for a record carved in this turn.
 */
export function locate(view: Uint8Array): ViewPlace {
  let k = recentProbe;
  if (recentViews[k] !== view) {
    // Back from the newest: a turn's first record was carved a burst ago.
    k = -1;
    for (let i = 1, at = recentNext; i <= RECENT; i++) {
      at = at === 0 ? RECENT - 1 : at - 1;
      if (recentViews[at] === view) {
        k = at;
        break;
      }
    }
    if (k < 0) {
      place.buffer = view.buffer;
      place.offset = view.byteOffset;
      place.length = view.length;
      return place;
    }
  }
  recentProbe = k + 1 === RECENT ? 0 : k + 1;
  place.buffer = recentBuffers[k]!;
  place.offset = recentOffsets[k]!;
  place.length = recentLengths[k]!;
  return place;
}

let current = new Slab();
const spare: Slab[] = [];
const owed: Slab[] = [];

/**
 * An exclusively owned view of `n` bytes, kept: its slab is not reused while it lives. Not zeroed if its slab was
 * given back before: write every byte before handing the view on.
 */
export function allocate(n: number): Uint8Array {
  if (n > MAX_CARVED || n === 0) return new Uint8Array(n);
  let s = current;
  if (s.used + n > SLAB_SIZE) s = nextSlab();
  const at = s.used;
  s.views[at >>> 3] = n;
  s.starts[at >>> 3] = at & 7;
  // Back to back, so that a burst's records lie in one piece of memory (the send hands the kernel one iovec for them:
  // native/src/udp.c); a view shorter than 8 bytes ends its unit, so that no two views start in one.
  s.used = n >= 8 ? at + n : (at + n + 7) & ~7;
  s.claims++;
  const view = new Uint8Array(s.buffer, at, n);
  const k = recentNext;
  recentViews[k] = view;
  recentBuffers[k] = s.buffer;
  recentOffsets[k] = at;
  recentLengths[k] = n;
  recentNext = k + 1 === RECENT ? 0 : k + 1;
  lastSlab = s;
  return view;
}

/** The slab of the view {@link allocate} carved last (its ring place is the one before `recentNext`). */
let lastSlab: Slab | undefined;

/**
 * {@link handOff} of `view` when it is the view {@link allocate} carved last (a record the writer stages, marked as it
 * is laid out): its offset in its slab; -1, nothing marked, for any other view.
 */
export function handOffCarved(view: Uint8Array): number {
  const k = recentNext === 0 ? RECENT - 1 : recentNext - 1;
  const s = lastSlab;
  if (recentViews[k] !== view || s === undefined) return -1;
  const at = recentOffsets[k]!;
  mark(s, at, recentLengths[k]!);
  return at;
}

/** The slab after a full one: a spare given back whole, or a new one; the full one is owed its views. */
function nextSlab(): Slab {
  if (owed.length === MAX_OWED) owed.shift();
  owed.push(current);
  current = spare.pop() ?? new Slab();
  return current;
}

/**
 * Marks `view` (as {@link allocate} carved it, whole) as one its holder gives back once done: call only where nothing
 * else will hold it. Anything else is left kept.
 */
export function handOff(view: Uint8Array): void {
  const p = locate(view);
  const s = slabIn(p.buffer);
  if (s !== undefined) mark(s, p.offset, p.length);
}

/** The slab of `buffer` among those that may still be given back. */
function slabIn(buffer: ArrayBufferLike): Slab | undefined {
  if (current.buffer === buffer) return current;
  for (let i = owed.length - 1; i >= 0; i--) if (owed[i]!.buffer === buffer) return owed[i];
  return undefined;
}

/** The view at `at` of `length` bytes in slab `s` marked handed off, if it is one carved whole and kept. */
function mark(s: Slab, at: number, length: number): void {
  if (s.starts[at >>> 3] === (at & 7) && s.views[at >>> 3] === length) s.views[at >>> 3] = -length;
}

/** {@link handOff} of `views[from, to)` (a run of staged records). */
export function handOffRun(views: readonly Uint8Array[], from: number, to: number): void {
  forEachInSlabs(views, from, to, false);
}

/** Takes back the hand-off of `view`: whoever holds it now may keep it (an observer, the application). */
export function keep(view: Uint8Array): void {
  const p = locate(view);
  const s = slabIn(p.buffer);
  const at = p.offset;
  if (s !== undefined && s.starts[at >>> 3] === (at & 7) && s.views[at >>> 3] === -p.length)
    s.views[at >>> 3] = p.length;
}

/**
 * Gives back a view {@link handOff} marked, once nothing reads it any more (the kernel took its bytes): its slab is
 * carved again from the start once all its views are back. Call once per view; a kept view, a part of one, or a view
 * of another buffer is left as it is.
 */
export function giveBack(view: Uint8Array): void {
  const p = locate(view);
  const s = slabIn(p.buffer);
  if (s !== undefined) release(s, p.offset, p.length);
}

/** {@link giveBack} of `views[from, to)` (the datagrams of one batched send). */
export function giveBackRun(views: readonly Uint8Array[], from: number, to: number): void {
  forEachInSlabs(views, from, to, true);
}

/**
 * {@link giveBackRun} of a send laid out as places (runtime/node/send-layout.ts): per view, three numbers of `layout`
 * (the index of its buffer in `buffers`, its offset, its length), the first `n` of them; no view read.
 */
export function giveBackLaid(buffers: readonly ArrayBufferLike[], layout: Int32Array, n: number): void {
  let s: Slab | undefined;
  let buffer: ArrayBufferLike | undefined;
  for (let i = 0; i < n; i++) {
    const at = 3 * i;
    const b = buffers[layout[at]!]!;
    if (b !== buffer) {
      buffer = b;
      s = slabIn(b);
    }
    if (s !== undefined) release(s, layout[at + 1]!, layout[at + 2]!);
  }
}

/**
 * Each of `views[from, to)` that lies in a slab marked handed off ({@link mark}) or given back ({@link release}), a
 * view's slab looked up only when its buffer changes. (A flag, not a function: both calls stay direct and inlined.)
 */
function forEachInSlabs(views: readonly Uint8Array[], from: number, to: number, givingBack: boolean): void {
  let s: Slab | undefined;
  let buffer: ArrayBufferLike | undefined;
  for (let i = from; i < to; i++) {
    const p = locate(views[i]!);
    if (p.buffer !== buffer) {
      buffer = p.buffer;
      s = slabIn(buffer);
    }
    if (s === undefined) continue;
    if (givingBack) release(s, p.offset, p.length);
    else mark(s, p.offset, p.length);
  }
}

/** The view at `at` of `length` bytes in slab `s` given back, if it is one handed off whole; the slab carved again once all are back. */
function release(s: Slab, at: number, length: number): void {
  const unit = at >>> 3;
  if (s.starts[unit] !== (at & 7) || s.views[unit] !== -length) return;
  s.views[unit] = 0;
  if (--s.claims > 0) return;
  s.used = 0;
  if (s === current) return;
  owed.splice(owed.indexOf(s), 1);
  if (spare.length < MAX_SPARE) spare.push(s);
}
