import { receiveBatch, receiveBatchId, type MessageArena, type ReceiveBatchSource } from '../wire/message-arena.js';
import { APPLICATION_DATA } from './codec12.js';
import { reconstructSequenceNumber } from './sequence.js';

const MAX_AHEAD = 64;
const EMPTY = new Uint8Array(0);
/**
 * Numbers per record in a run's results (the addon's RUN_RESULT_STRIDE): the datagram's index in the pairs, the
 * plaintext's offset and length, the sequence number (-1 minus it: not authentic), the content's length and type
 * (DTLSInnerPlaintext, 1.3's and 1.2's tls12_cid: its last non-zero byte, found by the addon, and where it is; -1 and 0
 * when none).
 */
export const RUN_STRIDE = 6;
/** DTLS13_OPEN_RUN=0 opens every record alone (a comparison: `npm run bench -- receive-instructions`). */
export const OPEN_RUNS = !['0', 'off', 'false', 'no'].includes((process.env.DTLS13_OPEN_RUN ?? '').toLowerCase());
/**
 * Records whose result {@link OpenedAhead.take} handed out, in this thread, and of those how many on the run road
 * ({@link OpenedAhead.takeFound}: no view of the datagram made); tests and benches read it.
 */
export const OPENED_AHEAD = { taken: 0, opened: 0, next: 0 };

/** Opens the records of `count` datagrams (`at, length` pairs in `buffer`) into `out`: openRun's results, how many. */
export type OpenRun = (
  buffer: Uint8Array,
  pairs: Float64Array,
  count: number,
  out: Uint8Array,
  results: Float64Array,
) => number;

/** What a run needs while it is live: lent to a connection for one batch at most, so an idle one holds none. */
interface RunScratch {
  /** The batch's datagrams from the current one on, as `at, length` pairs. */
  readonly pairs: Float64Array;
  /** openRun's results, {@link RUN_STRIDE} numbers per record. */
  readonly results: Float64Array;
  /** Per record of the run: its plaintext copied out of the arena (inner type not application data), or undefined. */
  readonly copies: (Uint8Array | undefined)[];
}

/** Scratch given back by runs that ended; at most as many are kept as a batch can have runs live. */
const spare: RunScratch[] = [];
const MAX_SPARE = 64;

function lend(): RunScratch {
  return (
    spare.pop() ?? {
      pairs: new Float64Array(2 * MAX_AHEAD),
      results: new Float64Array(RUN_STRIDE * MAX_AHEAD),
      copies: [],
    }
  );
}

/**
 * A connection's records of one receive batch opened ahead in one call; each taken only if opening it now agrees.
 *
 * The application runs between the run's opening and the taking of its later records, and may write anywhere in the
 * ArrayBuffer its messages view. So what the library reads of a record is read when the run is opened: the addon
 * finds each record's content type as it opens it (DTLSInnerPlaintext: its last non-zero byte), and with
 * `innerPlaintext` a record that is not application data is copied out and zeroed there at once (a plain 1.2 run holds
 * only application data records, whose type is in the header; a 1.2 run with a CID holds DTLSInnerPlaintext as 1.3's).
 * An application data record is handed out as one view of its content alone.
 */
export class OpenedAhead {
  private readonly arena: MessageArena;
  private readonly innerPlaintext: boolean;
  /** The run's scratch while one is live (or being opened); given back when it is discarded. */
  private scratch: RunScratch | undefined;
  private count = 0;
  private next = 0;
  private batch = -1;
  private generation = -1;
  /** The key the records were opened with (an epoch's cipher: its identity). */
  private key: object | undefined;
  private source: ReceiveBatchSource | undefined;
  /** The batch in which a run's ArrayBuffer was found detached (the rest of it opens alone). */
  private detachedIn = -1;
  /**
   * The arena's ArrayBuffer the plaintexts lie in, from `base` on, and a view of all of it: its length is 0 once the
   * application detached the ArrayBuffer (a load the compiler inlines, where `byteLength` is a call).
   */
  private out: ArrayBuffer | undefined;
  private all: Uint8Array = EMPTY;
  private base = 0;
  /**
   * What {@link take} found: the sequence number, and the plaintext (undefined: the record did not authenticate); a
   * DTLSInnerPlaintext application data record's content alone, its type and padding after it in the arena
   * ({@link typeAt}).
   */
  seq = 0;
  inner: Uint8Array | undefined;
  /** Inner application data: where the taken record's content type is (`inner`'s length), found at opening; else -1. */
  typeAt = -1;
  /** The taken record's DTLSInnerPlaintext length (its record_size_limit check), content type and padding included. */
  plaintextLength = 0;

  /** `innerPlaintext`: the records are DTLSInnerPlaintext (DTLS 1.3, 1.2's tls12_cid), their type read at opening. */
  constructor(arena: MessageArena, innerPlaintext = false) {
    this.arena = arena;
    this.innerPlaintext = innerPlaintext;
    arena.onForget(this);
  }

  /** The arena let go of its ArrayBuffer (the batch ended): the run is discarded. */
  arenaForgotten(): void {
    if (this.count !== 0 || this.scratch !== undefined) this.discard();
  }

  /**
   * Whether {@link open} could start a run at `datagram`: it is the datagram the receive batch lends, and more of the
   * batch comes from its sender. A cheap test first, so that a batch of one datagram (a request and its answer) costs
   * no run's scratch.
   */
  mayOpen(datagram: Uint8Array): boolean {
    const source = receiveBatch();
    return (
      source !== undefined &&
      source.current === datagram &&
      source.datagramsAhead !== undefined &&
      source.bytesAhead() > datagram.length
    );
  }

  /** The result for the record that is all of `datagram`, if opening it now would give it; else false. */
  take(datagram: Uint8Array, key: object, generation: number, snBits: 0 | 8 | 16, expected: number): boolean {
    if (this.count === 0) return false;
    // The application transferred a message's buffer meanwhile: the plaintexts went with it. Each record is opened
    // again alone, and no new run starts in this batch (else an application transferring every message is quadratic).
    if (this.all.length === 0) {
      this.discard();
      this.detachedIn = receiveBatchId();
      return false;
    }
    const source = receiveBatch();
    if (source !== this.source || this.batch !== receiveBatchId() || this.generation !== generation) {
      this.discard();
      return false;
    }
    // A record of another epoch (kept after a KeyUpdate) is opened alone; the run's records of its own epoch stay.
    if (this.key !== key) return false;
    // The very datagram the socket reader lent, found by where it lies.
    if (source === undefined || source.current !== datagram) return false;
    const at = source.position;
    const { results: r, pairs: p, copies } = this.scratch!;
    let k = this.next;
    while (k < this.count && p[2 * r[RUN_STRIDE * k]!] !== at) k++;
    if (k === this.count || p[2 * r[RUN_STRIDE * k]! + 1] !== datagram.length) return false;
    // The ones passed over were not delivered here (another connection's, or dropped before the record layer).
    for (let j = this.next; j < k; j++) this.zero(j);
    this.next = k + 1;
    const i = RUN_STRIDE * k;
    const s = r[i + 3]!;
    const seq = s >= 0 ? s : -1 - s;
    if (snBits !== 0 && reconstructSequenceNumber(seq % (snBits === 8 ? 0x100 : 0x10000), snBits, expected) !== seq) {
      this.zero(k);
      return false;
    }
    this.seq = seq;
    this.plaintextLength = r[i + 2]!;
    const copy = copies[k];
    if (s < 0) {
      this.inner = undefined;
      this.typeAt = -1;
    } else if (copy !== undefined || !this.innerPlaintext) {
      this.inner = copy ?? new Uint8Array(this.out!, this.base + r[i + 1]!, r[i + 2]!);
      this.typeAt = -1;
    } else {
      // Application data (DTLSInnerPlaintext): the content alone, its length the type's place the addon found.
      const typeAt = r[i + 4]!;
      this.inner = new Uint8Array(this.out!, this.base + r[i + 1]!, typeAt);
      this.typeAt = typeAt;
    }
    OPENED_AHEAD.taken++;
    return true;
  }

  /**
   * The run road's look (read-state13.ts and epochs12.ts `takeNext`): whether the run's next record is the datagram the
   * receive batch is at now (`at`, `length` in its buffer: no view of it made), an authentic application data record of
   * `key`, in the sequence numbers the header's `snBits` give from `expected` (0: a DTLS 1.2 header carries the whole
   * number). Nothing is taken: its sequence number and lengths are left in {@link seq}, {@link plaintextLength} and
   * {@link typeAt} (a 1.2 record's: its plaintext's length, all of it the content), for {@link takeFound}.
   */
  findNext(at: number, length: number, key: object, generation: number, snBits: 0 | 8 | 16, expected: number): boolean {
    const k = this.next;
    if (k >= this.count || this.key !== key || this.generation !== generation || this.all.length === 0) return false;
    if (receiveBatch() !== this.source || this.batch !== receiveBatchId()) return false;
    const { results: r, pairs: p, copies } = this.scratch!;
    const i = RUN_STRIDE * k;
    if (p[2 * r[i]!] !== at || p[2 * r[i]! + 1] !== length) return false;
    const seq = r[i + 3]!;
    const typeAt = r[i + 4]!;
    if (seq < 0 || typeAt < 0 || r[i + 5] !== APPLICATION_DATA || copies[k] !== undefined) return false;
    if (snBits !== 0 && reconstructSequenceNumber(seq % (snBits === 8 ? 0x100 : 0x10000), snBits, expected) !== seq)
      return false;
    this.seq = seq;
    this.plaintextLength = r[i + 2]!;
    this.typeAt = typeAt;
    return true;
  }

  /** The record {@link findNext} found, taken: its content in {@link inner}, as {@link take} hands it out. */
  takeFound(): Uint8Array {
    const i = RUN_STRIDE * this.next++;
    OPENED_AHEAD.taken++;
    OPENED_AHEAD.next++;
    return (this.inner = new Uint8Array(this.out!, this.base + this.scratch!.results[i + 1]!, this.typeAt));
  }

  /**
   * 'own' mode: the record {@link findNext} found, taken as {@link takeFound} takes it, its content copied into an
   * ArrayBuffer of its own. The run's arena is never handed out: what it still holds is let go with it (an arena is
   * zeroed before it is used again).
   */
  takeFoundOwn(): Uint8Array {
    const i = RUN_STRIDE * this.next++;
    OPENED_AHEAD.taken++;
    OPENED_AHEAD.next++;
    // Copied straight out of the whole arena's view: no view of the record made.
    const at = this.base + this.scratch!.results[i + 1]!;
    return (this.inner = this.all.slice(at, at + this.typeAt));
  }

  /** 'own' mode: what {@link take} last handed out, copied into an ArrayBuffer of its own; the run's copy zeroed. */
  takenOwn(): Uint8Array | undefined {
    const inner = this.inner?.slice();
    this.zeroTaken();
    return inner;
  }

  /** The record {@link take} last handed out, dropped after all (a replay, too long): its whole plaintext zeroed. */
  zeroTaken(): void {
    if (this.next > 0 && this.count !== 0) this.zero(this.next - 1);
  }

  /** Opens `datagram` and the batch's records after it with `run` for {@link take}; false without a batch. */
  open(datagram: Uint8Array, key: object, generation: number, run: OpenRun): boolean {
    const source = receiveBatch();
    const buf = source?.buffer;
    if (buf === undefined || source?.datagramsAhead === undefined || source.current !== datagram) return false;
    if (this.detachedIn === receiveBatchId()) return false;
    // A datagram inside the run that the run left out is opened alone, the run kept (else quadratic re-opening).
    if (
      this.next < this.count &&
      this.source === source &&
      this.batch === receiveBatchId() &&
      (source.position ?? 0) < this.lastPosition()
    )
      return false;
    this.discard();
    const scratch = (this.scratch = lend());
    const pairs = scratch.pairs;
    const n = source.datagramsAhead(pairs);
    if (n < 2 || pairs[0] !== source.position || pairs[1] !== datagram.length) return this.giveBack();
    let bytes = 0;
    for (let i = 0; i < n; i++) bytes += pairs[2 * i + 1]!;
    const arena = this.arena;
    const base = arena.room(datagram.length, bytes);
    const out = arena.arrayBuffer!;
    const r = scratch.results;
    const count = run(buf, pairs, n, new Uint8Array(out, base, Math.min(bytes, out.byteLength - base)), r);
    if (count === 0) return this.giveBack();
    OPENED_AHEAD.opened += count;
    this.count = count;
    this.out = out;
    this.all = new Uint8Array(out);
    this.base = base;
    if (this.innerPlaintext) this.setAside(count);
    const last = RUN_STRIDE * (count - 1);
    arena.advance(r[last + 1]! + r[last + 2]!);
    this.next = 0;
    this.source = source;
    this.batch = receiveBatchId();
    this.generation = generation;
    this.key = key;
    return true;
  }

  /**
   * Before the application runs (DTLSInnerPlaintext): a record that is not application data (or has no content type),
   * as the addon found its type, is copied out of the arena, which it leaves zeroed. No view is made for the others.
   */
  private setAside(count: number): void {
    const { results: r, copies } = this.scratch!;
    for (let i = 0; i < RUN_STRIDE * count; i += RUN_STRIDE) {
      if (r[i + 3]! < 0 || (r[i + 4]! >= 0 && r[i + 5] === APPLICATION_DATA)) continue;
      const plaintext = new Uint8Array(this.out!, this.base + r[i + 1]!, r[i + 2]!);
      copies[i / RUN_STRIDE] = plaintext.slice();
      plaintext.fill(0);
    }
  }

  discard(): void {
    for (let k = this.next; k < this.count; k++) this.zero(k);
    this.count = 0;
    this.next = 0;
    this.key = undefined;
    this.source = undefined;
    this.out = undefined;
    this.all = EMPTY;
    this.giveBack();
  }

  /** The scratch back to the spares (false: for open's early returns). */
  private giveBack(): false {
    const scratch = this.scratch;
    if (scratch !== undefined) {
      this.scratch = undefined;
      scratch.copies.length = 0;
      if (spare.length < MAX_SPARE) spare.push(scratch);
    }
    return false;
  }

  private lastPosition(): number {
    const { pairs, results } = this.scratch!;
    return pairs[2 * results[RUN_STRIDE * (this.count - 1)]!]!;
  }

  private zero(k: number): void {
    const r = this.scratch!.results;
    // A detached ArrayBuffer (transferred by the application) has nothing left to zero: `all` is empty then.
    const i = RUN_STRIDE * k;
    const at = this.base + r[i + 1]!;
    if (r[i + 3]! >= 0 && this.all.length !== 0) this.all.fill(0, at, at + r[i + 2]!);
  }
}
