import type { CryptoProvider } from '../crypto/provider.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import type { TrafficKeys } from '../keyschedule/derived-keys.js';
import { DecodeError, Reader } from '../wire/index.js';
import { isLengthAboveMaximum, readRecord } from '../wire/record-splitter.js';
import { Header13, MAX_CIPHERTEXT_13, readHeader13 } from './codec13.js';
import type { DropCounters, DropReason } from './drops.js';
import { EpochCipher } from './epoch-cipher.js';
import { INTEGRITY_KEY_UPDATE_THRESHOLD } from './limits.js';
import { lapsedOrAhead } from './read-epochs.js';
import { ReplayWindow } from './replay-window.js';
import { MAX_PROBES, MIN_INTEGRITY_LIMIT, PROBE_EVERY } from './sequence-recovery.js';

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
const reader = new Reader(EMPTY, 'Datagram');
/** The unified header being screened (codec13.ts): screening is synchronous, one object serves every session. */
const header = new Header13();

/** Reads `datagram` as the sleeping session would: one failed authentication a datagram; `tally` if nothing thaws. */
export function screenDatagram(
  reads: ReadsAtRest,
  tally: ScreeningTally,
  datagram: Uint8Array,
  context: ScreeningContext,
): Screening {
  const state: Screened = { drops: [], ciphers: new Map(), failedIn: undefined };
  try {
    if (screenRecords(reads, tally, datagram, context, state) === 'thaw') return 'thaw';
  } finally {
    for (const c of state.ciphers.values()) c.release();
    reader.buf = EMPTY;
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

/** One datagram's screening: drops by reason, the ciphers it made (by epoch index), the epoch a record failed in. */
interface Screened {
  readonly drops: DropReason[];
  readonly ciphers: Map<number, EpochCipher>;
  failedIn: number | undefined;
}

function screenRecords(
  reads: ReadsAtRest,
  tally: ScreeningTally,
  d: Uint8Array,
  context: ScreeningContext,
  state: Screened,
): 'thaw' | undefined {
  const drops = state.drops;
  for (let at = 0, records = 0; at < d.length; records++) {
    if (records === context.maxRecordsPerDatagram) {
      drops.push('records-per-datagram');
      return;
    }
    if (!readHeader13(d, at, reads.cidLength, header)) {
      // Not a protected record whose header fits: read as the record layer reads it, for the reason it is dropped.
      const r = reader;
      r.buf = d;
      r.pos = at;
      r.end = d.length;
      let rec;
      try {
        rec = readRecord(r, reads.cidLength);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        drops.push(isLengthAboveMaximum(e) ? 'too-long' : 'malformed');
        return endOfDatagram(r.pos, d, drops);
      }
      if (rec === undefined) {
        drops.push('unknown-record-type');
        return endOfDatagram(r.pos, d, drops);
      }
      // A session at rest refuses plaintext; a protected record here did not fit the fast read.
      if (rec.kind === 'plaintext') drops.push(rec.record.epoch !== 0 ? 'plaintext-epoch' : 'plaintext-refused');
      else drops.push('malformed');
      at = r.pos;
      continue;
    }
    const { headerLength, length, end } = header;
    const cid = header.hasCid ? d.subarray(at + 1, at + 1 + reads.cidLength) : undefined;
    if (reads.cidLength === 0 ? cid !== undefined : cid === undefined || !context.ownsConnectionId(cid)) {
      drops.push('connection-id');
      return endOfDatagram(end, d, drops);
    }
    const record = { at, headerLength, length, seq16: header.seq16 };
    at = end;
    if (length > MAX_CIPHERTEXT_13) drops.push('too-long');
    else if (length < 16) drops.push('too-short');
    else {
      const epoch = heldEpoch(reads, header.epochBits);
      if (typeof epoch === 'string') drops.push(epoch);
      else if (state.failedIn !== undefined) drops.push('authentication-rate');
      else {
        const opened = open(reads, tally, epoch, d, record, state.ciphers, context);
        if (opened === 'thaw') return opened;
        if (opened === 'failed') state.failedIn = epoch;
        drops.push(opened === 'failed' ? 'authentication' : opened);
      }
    }
  }
  return undefined;
}

function endOfDatagram(at: number, d: Uint8Array, drops: DropReason[]): undefined {
  if (at < d.length) drops.push('datagram-remainder');
  return undefined;
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
  r: { readonly at: number; readonly headerLength: number; readonly length: number; readonly seq16: boolean },
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
    // SequenceRecovery.nextExpected: every PROBE_EVERY-th failure in a row, one attempt a span further ahead.
    if (limit >= MIN_INTEGRITY_LIMIT && inRow % PROBE_EVERY === 0) {
      const probe = (((inRow / PROBE_EVERY - 1) % MAX_PROBES) + 1) * (r.seq16 ? 0x10000 : 0x100);
      inner = cipher.openRecord(d, r.at, r.headerLength, r.length, snOffset, snBytes, expected + probe, undefined);
    }
    if (inner === undefined) return 'failed';
  }
  const window = new ReplayWindow(context.replayWindow);
  window.restore(epoch.right, epoch.words);
  const fresh = window.check(cipher.openedSequenceNumber);
  return fresh === 'new' ? 'thaw' : fresh === 'duplicate' ? 'replay' : 'too-old';
}
