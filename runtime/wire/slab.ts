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
  used = 0;
  /** Views carved and not given back (kept ones are never). */
  claims = 0;
  /** Per 8-byte unit, of a view carved starting there: its length, negative once handed off; 0 for none. */
  readonly views = new Int16Array(SLAB_SIZE / 8);

  constructor() {
    const bytes = new Uint8Array(SLAB_SIZE);
    markUntransferable(bytes.buffer);
    this.bytes = bytes;
  }
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
  s.used = at + ((n + 7) & ~7); // keep views 8-byte aligned
  s.claims++;
  return s.bytes.subarray(at, at + n);
}

/** The slab after a full one: a spare given back whole, or a new one; the full one is owed its views. */
function nextSlab(): Slab {
  if (owed.length === MAX_OWED) owed.shift();
  owed.push(current);
  current = spare.pop() ?? new Slab();
  return current;
}

/** The slab `view` was carved from, among those that may still be given back; the unit it starts at in `unit`. */
function slabOf(view: Uint8Array): Slab | undefined {
  const buffer = view.buffer;
  if (current.bytes.buffer === buffer) return current;
  for (let i = owed.length - 1; i >= 0; i--) if (owed[i]!.bytes.buffer === buffer) return owed[i];
  return undefined;
}

/**
 * Marks `view` (as {@link allocate} carved it, whole) as one its holder gives back once done: call only where nothing
 * else will hold it. Anything else is left kept.
 */
export function handOff(view: Uint8Array): void {
  const s = slabOf(view);
  if (s !== undefined) mark(s, view);
}

/** `view` of slab `s` marked handed off, if it is one carved whole and kept. */
function mark(s: Slab, view: Uint8Array): void {
  const at = view.byteOffset;
  if ((at & 7) === 0 && s.views[at >>> 3] === view.length) s.views[at >>> 3] = -view.length;
}

/** {@link handOff} of `views[from, to)` (a run of staged records). */
export function handOffRun(views: readonly Uint8Array[], from: number, to: number): void {
  forEachInSlabs(views, from, to, false);
}

/** Takes back the hand-off of `view`: whoever holds it now may keep it (an observer, the application). */
export function keep(view: Uint8Array): void {
  const s = slabOf(view);
  const at = view.byteOffset;
  if (s !== undefined && (at & 7) === 0 && s.views[at >>> 3] === -view.length) s.views[at >>> 3] = view.length;
}

/**
 * Gives back a view {@link handOff} marked, once nothing reads it any more (the kernel took its bytes): its slab is
 * carved again from the start once all its views are back. Call once per view; a kept view, a part of one, or a view
 * of another buffer is left as it is.
 */
export function giveBack(view: Uint8Array): void {
  const s = slabOf(view);
  if (s !== undefined) release(s, view);
}

/** {@link giveBack} of `views[from, to)` (the datagrams of one batched send). */
export function giveBackRun(views: readonly Uint8Array[], from: number, to: number): void {
  forEachInSlabs(views, from, to, true);
}

/**
 * Each of `views[from, to)` that lies in a slab marked handed off ({@link mark}) or given back ({@link release}), a
 * view's slab looked up only when its buffer changes. (A flag, not a function: both calls stay direct and inlined.)
 */
function forEachInSlabs(views: readonly Uint8Array[], from: number, to: number, givingBack: boolean): void {
  let s: Slab | undefined;
  let buffer: ArrayBufferLike | undefined;
  for (let i = from; i < to; i++) {
    const view = views[i]!;
    if (view.buffer !== buffer) {
      buffer = view.buffer;
      s = slabOf(view);
    }
    if (s === undefined) continue;
    if (givingBack) release(s, view);
    else mark(s, view);
  }
}

/** `view` of slab `s` given back, if it is one handed off whole; the slab carved again once all are back. */
function release(s: Slab, view: Uint8Array): void {
  const at = view.byteOffset;
  const unit = at >>> 3;
  if ((at & 7) !== 0 || s.views[unit] !== -view.length) return;
  s.views[unit] = 0;
  if (--s.claims > 0) return;
  s.used = 0;
  if (s === current) return;
  owed.splice(owed.indexOf(s), 1);
  if (spare.length < MAX_SPARE) spare.push(s);
}
