import type { CryptoProvider } from '../crypto/provider.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import type { TrafficKeys } from '../keyschedule/derived-keys.js';
import { Reader } from '../wire/index.js';
import { CODEC13, Header13, MAX_CIPHERTEXT_13 } from './codec13.js';
import { readRecordOrDrop, type DropCounters, type DropReason } from './drops.js';
import { EpochCipher } from './epoch-cipher.js';
import { INTEGRITY_KEY_UPDATE_THRESHOLD } from './limits.js';
import { lapsedOrAhead } from './read-epochs.js';
import { readRecords, type LoopVersion, type RecordSink } from './record-loop.js';
import { ReplayWindow } from './replay-window.js';
import { MIN_INTEGRITY_LIMIT, probeSpans } from './sequence-recovery.js';

/** One read epoch of a hibernated session, kept to open a record without thawing: its keys and replay window. */
export interface ReadEpochAtRest {
  readonly epoch: number;
  readonly right: number;
  readonly words: readonly number[];
  /** Read when a record of the epoch is opened (a kept form decodes them then). */
  readonly keys: TrafficKeys;
}

/** What a hibernated session keeps to screen a datagram without thawing; unchanged while it sleeps. */
export interface ReadsAtRest {
  readonly suite: SupportedCipherSuite;
  readonly cidLength: number;
  /** The newest read epoch whose keys went (ReadEpochs.marks). */
  readonly highestDropped: number;
  readonly epochs: readonly ReadEpochAtRest[];
}

/** What screening counts while the session sleeps: datagrams, drops by reason, and per read epoch its failures. */
export interface ScreeningTally {
  datagrams: number;
  readonly drops: Partial<DropCounters>;
  readonly failed: number[];
  readonly failedInRow: number[];
}

/** What screening needs beyond the session: the provider, the limits it was made with, and which CIDs are its. */
export interface ScreeningContext {
  readonly provider: CryptoProvider;
  readonly replayWindow: number;
  readonly maxRecordsPerDatagram: number;
  ownsConnectionId(cid: Uint8Array): boolean;
}

/** `thaw`: a new authentic record or a key near its limit (the session reads the datagram awake); else `dropped`. */
export type Screening = 'thaw' | 'dropped';

const EMPTY = new Uint8Array(0);
/** What the screening read state hands the loop for a new authentic record: the sink stops there, the session thaws. */
const THAW = new Uint8Array(0);

/**
 * A hibernated session's read state on the one record loop (record-loop.ts): its kept epochs open records without
 * thawing it; plaintext is refused; one failed authentication a datagram; a new record (or a key near its integrity
 * limit) stops the loop to thaw. One object serves every session: screening is synchronous.
 */
class ScreeningState implements LoopVersion<Header13>, RecordSink<Header13> {
  readonly codec = CODEC13;
  readonly wholeDatagrams = false;
  /** A CID not the session's: the records after it are not its to parse either. */
  readonly endsDatagram: DropReason = 'connection-id';
  cidLength = 0;
  reads!: ReadsAtRest;
  tally!: ScreeningTally;
  context!: ScreeningContext;
  /** This datagram's drops by reason, the ciphers it made (by epoch index), the epoch a record failed in. */
  readonly drops: DropReason[] = [];
  readonly ciphers = new Map<number, EpochCipher>();
  failedIn: number | undefined;
  thawed = false;
  private readonly reader = new Reader(EMPTY, 'Datagram');

  start(reads: ReadsAtRest, tally: ScreeningTally, context: ScreeningContext): void {
    this.reads = reads;
    this.tally = tally;
    this.context = context;
    this.cidLength = reads.cidLength;
    this.drops.length = 0;
    this.ciphers.clear();
    this.failedIn = undefined;
    this.thawed = false;
  }

  drop(reason: DropReason): void {
    this.drops.push(reason);
  }

  /** Not a protected record whose header fits: read as the record layer reads it, for the reason it is dropped. */
  unframed(d: Uint8Array, at: number): number {
    const r = this.reader;
    r.buf = d;
    r.pos = at;
    r.end = d.length;
    try {
      const rec = readRecordOrDrop(r, this.cidLength, this);
      if (rec === undefined) return this.remainder(r.pos, d);
      // A session at rest refuses plaintext; a protected record here did not fit the fast read.
      if (rec.kind === 'plaintext') this.drop(rec.record.epoch !== 0 ? 'plaintext-epoch' : 'plaintext-refused');
      else this.drop('malformed');
      return r.pos;
    } finally {
      r.buf = EMPTY;
    }
  }

  private remainder(at: number, d: Uint8Array): -1 {
    if (at < d.length) this.drop('datagram-remainder');
    return -1;
  }

  open(d: Uint8Array, h: Header13): Uint8Array | DropReason {
    const reads = this.reads;
    const cid = h.hasCid ? d.subarray(h.at + 1, h.at + 1 + reads.cidLength) : undefined;
    if (reads.cidLength === 0 ? cid !== undefined : cid === undefined || !this.context.ownsConnectionId(cid))
      return 'connection-id';
    if (h.length > MAX_CIPHERTEXT_13) return 'too-long';
    if (h.length < 16) return 'too-short';
    const epoch = heldEpoch(reads, h.epochBits);
    if (typeof epoch === 'string') return epoch;
    if (this.failedIn !== undefined) return 'authentication-rate';
    const opened = open(reads, this.tally, epoch, d, h, this.ciphers, this.context);
    if (opened === 'thaw') return THAW;
    if (opened !== 'failed') return opened;
    this.failedIn = epoch;
    return 'authentication';
  }

  take(): boolean {
    this.thawed = true;
    return false;
  }

  held(): void {}
}

const screening = new ScreeningState();
/** The unified header being screened (codec13.ts): screening is synchronous, one object serves every session. */
const header = new Header13();

/** Reads `datagram` as the sleeping session would: one failed authentication a datagram; `tally` if nothing thaws. */
export function screenDatagram(
  reads: ReadsAtRest,
  tally: ScreeningTally,
  datagram: Uint8Array,
  context: ScreeningContext,
): Screening {
  const state = screening;
  state.start(reads, tally, context);
  try {
    readRecords(state, datagram, header, 0, context.maxRecordsPerDatagram, state);
    if (state.thawed) return 'thaw';
  } finally {
    for (const c of state.ciphers.values()) c.release();
  }
  tally.datagrams++;
  for (const reason of state.drops) tally.drops[reason] = (tally.drops[reason] ?? 0) + 1;
  for (const [i, cipher] of state.ciphers) {
    tally.failed[i] = tally.failed[i]! + cipher.failed;
    // SequenceRecovery: a record opened (a replay) ends the run of failures; a record that failed adds to it.
    if (cipher.used > 0) tally.failedInRow[i] = 0;
    else if (state.failedIn === i) tally.failedInRow[i] = tally.failedInRow[i]! + 1;
  }
  return 'dropped';
}

/** The index of the kept epoch two epoch bits name, or why none is (an epoch ahead is not waited for at rest). */
function heldEpoch(reads: ReadsAtRest, bits: number): number | 'epoch-dropped' | 'unknown-epoch' {
  let held = -1;
  let newest = -1;
  reads.epochs.forEach((e, i) => {
    if ((e.epoch & 3) === bits && (held < 0 || e.epoch > reads.epochs[held]!.epoch)) held = i;
    newest = Math.max(newest, e.epoch);
  });
  if (held >= 0) return held;
  // A session at rest waits for no keys: the peer's new epoch follows an acknowledged KeyUpdate (RFC 9147 §8).
  const lapsed = lapsedOrAhead(bits, newest, reads.highestDropped);
  return lapsed === 'deferred' ? 'unknown-epoch' : lapsed;
}

/** Opens one record with its epoch's keys: `thaw` when new or near the limit, `failed`, or the window's reason. */
function open(
  reads: ReadsAtRest,
  tally: ScreeningTally,
  i: number,
  d: Uint8Array,
  r: Header13,
  ciphers: Map<number, EpochCipher>,
  context: ScreeningContext,
): 'thaw' | 'failed' | 'replay' | 'too-old' {
  const epoch = reads.epochs[i]!;
  let cipher = ciphers.get(i);
  if (cipher === undefined) {
    cipher = new EpochCipher(context.provider, epoch.epoch, reads.suite, epoch.keys, undefined, true);
    ciphers.set(i, cipher);
  }
  const limit = cipher.limits.integrity;
  // A failure and its probe: past INTEGRITY_KEY_UPDATE_THRESHOLD the awake session asks for new keys.
  if (tally.failed[i]! + cipher.failed + 2 >= limit * INTEGRITY_KEY_UPDATE_THRESHOLD) return 'thaw';
  const snOffset = 1 + ((d[r.at]! & 0x10) !== 0 ? reads.cidLength : 0);
  const snBytes = r.seq16 ? 2 : 1;
  const expected = epoch.right + 1;
  let inner = cipher.openRecord(d, r.at, r.headerLength, r.length, snOffset, snBytes, expected, undefined);
  if (inner === undefined) {
    const inRow = (cipher.used > 0 ? 0 : tally.failedInRow[i]!) + 1;
    // SequenceRecovery.nextExpected: one attempt some spans further ahead, for the first failures in a row and then
    // every PROBE_EVERY-th.
    const spans = limit >= MIN_INTEGRITY_LIMIT ? probeSpans(inRow - 1) : 0;
    if (spans !== 0) {
      const probe = spans * (r.seq16 ? 0x10000 : 0x100);
      inner = cipher.openRecord(d, r.at, r.headerLength, r.length, snOffset, snBytes, expected + probe, undefined);
    }
    if (inner === undefined) return 'failed';
  }
  const window = new ReplayWindow(context.replayWindow);
  window.restore(epoch.right, epoch.words);
  const fresh = window.check(cipher.openedSequenceNumber);
  return fresh === 'new' ? 'thaw' : fresh === 'duplicate' ? 'replay' : 'too-old';
}
