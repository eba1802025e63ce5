/**
 * Which CIDs each worker holds, in one SharedArrayBuffer (a table per worker, written by it only), so a record whose
 * CID names another worker is looked up before it is handed over: a forged CID is dropped where it arrived (one
 * lookup; docs/scale-out.md, "Forged CIDs"). A CID is published before the peer can learn it, withdrawn when retired.
 *
 * Each table: linear probing over slots of an atomic state word and `cidLength` bytes; a state is 0 (empty), odd (a
 * CID) or even (freed), bumped by every write so a reader sees a rewrite. A probe looks at {@link MAX_PROBE} slots at
 * most; a CID that finds none stays unpublished, and the table then answers "maybe" for every CID.
 */
import { datagramCidAt } from '../../cid/cid-owner.js';

/** Slots looked at per insert or lookup at most. */
export const MAX_PROBE = 32;
/** Slots per worker: the fewest, and the most (8-byte CIDs: 12 bytes a slot, 3 MiB a worker at most). */
const MIN_SLOTS = 1024;
const MAX_SLOTS = 1 << 18;
/** CIDs a session holds at once, for sizing (its first, spares issued with NewConnectionId, one being retired). */
const CIDS_PER_SESSION = 4;

/** The shared memory of a directory, made by the primary and handed to every worker. */
export interface CidDirectoryInit {
  readonly buffer: SharedArrayBuffer;
  readonly workers: number;
  readonly slots: number;
  readonly cidLength: number;
}

/** Slots per worker for `sessions` sessions a worker (load factor at most 1/2 at CIDS_PER_SESSION CIDs each). */
export function directorySlots(sessions: number): number {
  let slots = MIN_SLOTS;
  while (slots < MAX_SLOTS && slots < 2 * CIDS_PER_SESSION * sessions) slots *= 2;
  return slots;
}

/** The directory's memory for `workers` workers of `slots` slots each (per worker: an unpublished count, the states, the bytes). */
export function cidDirectoryInit(workers: number, slots: number, cidLength: number): CidDirectoryInit {
  return { buffer: new SharedArrayBuffer(workers * tableBytes(slots, cidLength)), workers, slots, cidLength };
}

function tableBytes(slots: number, cidLength: number): number {
  return 4 + 4 * slots + Math.ceil((slots * cidLength) / 4) * 4;
}

/** One worker's view of the directory: it writes its own table and reads the others'. */
export class CidDirectory {
  private readonly states: Int32Array[] = [];
  private readonly keys: Uint8Array[] = [];
  private readonly unpublishedCount: Int32Array[] = [];
  private readonly mask: number;
  private readonly cidLength: number;
  private readonly self: number;
  /** This worker's CIDs that found no slot (latin1 keys): published as "maybe" through the unpublished count. */
  private readonly unplaced = new Set<string>();

  constructor(init: CidDirectoryInit, self: number) {
    this.mask = init.slots - 1;
    this.cidLength = init.cidLength;
    this.self = self;
    const size = tableBytes(init.slots, init.cidLength);
    for (let w = 0; w < init.workers; w++) {
      const at = w * size;
      this.unpublishedCount.push(new Int32Array(init.buffer, at, 1));
      this.states.push(new Int32Array(init.buffer, at + 4, init.slots));
      this.keys.push(new Uint8Array(init.buffer, at + 4 + 4 * init.slots, init.slots * init.cidLength));
    }
  }

  /** Empties this worker's table: a worker started in a dead one's place holds none of the CIDs the dead one published. */
  clear(): void {
    const states = this.states[this.self]!;
    for (let slot = 0; slot < states.length; slot++) {
      const s = states[slot]!;
      if ((s & 1) === 1) Atomics.store(states, slot, s + 1);
    }
    this.unplaced.clear();
    Atomics.store(this.unpublishedCount[this.self]!, 0, 0);
  }

  /** Publishes one of this worker's CIDs (its session issued it). */
  add(cid: Uint8Array): void {
    if (cid.length !== this.cidLength || this.find(this.self, cid, 0) >= 0) return;
    const states = this.states[this.self]!;
    const keys = this.keys[this.self]!;
    let slot = this.home(cid);
    for (let i = 0; i < MAX_PROBE; i++, slot = (slot + 1) & this.mask) {
      const s = states[slot]!; // this thread is the only writer: a plain read is current
      if ((s & 1) === 1) continue;
      keys.set(cid, slot * this.cidLength);
      Atomics.store(states, slot, s === 0 ? 1 : s + 1);
      return;
    }
    this.unplaced.add(latin1(cid));
    Atomics.store(this.unpublishedCount[this.self]!, 0, this.unplaced.size);
  }

  /** Withdraws one of this worker's CIDs (retired, or its session ended). */
  remove(cid: Uint8Array): void {
    if (cid.length !== this.cidLength) return;
    const slot = this.find(this.self, cid, 0);
    if (slot >= 0) {
      const states = this.states[this.self]!;
      Atomics.store(states, slot, states[slot]! + 1);
      return;
    }
    if (this.unplaced.delete(latin1(cid))) Atomics.store(this.unpublishedCount[this.self]!, 0, this.unplaced.size);
  }

  /** Whether a session of `worker` may hold the CID of `datagram`'s first record (always, with unpublished ones). */
  mayHold(worker: number, datagram: Uint8Array): boolean {
    const states = this.states[worker];
    if (states === undefined) return false;
    const at = datagramCidAt(datagram, this.cidLength);
    if (at < 0) return false;
    return this.find(worker, datagram, at) >= 0 || Atomics.load(this.unpublishedCount[worker]!, 0) > 0;
  }

  /** The slot of `worker`'s table holding the `cidLength` bytes of `bytes` at `at`, or -1. */
  private find(worker: number, bytes: Uint8Array, at: number): number {
    const states = this.states[worker]!;
    const keys = this.keys[worker]!;
    const n = this.cidLength;
    let slot = this.home(bytes, at);
    for (let i = 0; i < MAX_PROBE; i++, slot = (slot + 1) & this.mask) {
      const before = Atomics.load(states, slot);
      if (before === 0) return -1;
      if ((before & 1) === 0) continue;
      const base = slot * n;
      let same = true;
      for (let j = 0; j < n && same; j++) same = keys[base + j] === bytes[at + j];
      if (same && Atomics.load(states, slot) === before) return slot;
    }
    return -1;
  }

  /** The first slot probed for a CID: its first random bytes after the owner's two (the CSPRNG's: uniform as they are). */
  private home(bytes: Uint8Array, at = 0): number {
    return (bytes[at + 2]! | (bytes[at + 3]! << 8) | (bytes[at + 4]! << 16) | (bytes[at + 5]! << 24)) & this.mask;
  }
}

function latin1(cid: Uint8Array): string {
  return Buffer.from(cid.buffer, cid.byteOffset, cid.length).toString('latin1');
}
