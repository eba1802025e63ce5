import {
  encodeReturnRoutabilityCheck,
  type ReturnRoutabilityCheck,
  type ServerHelloExtension,
} from '../../generated/wire/index.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { ManualClock } from '../handshake/manual-clock.js';
import type { RecordLayer } from '../record/record-layer.js';
import type { ResolvedConnectionIds, RrcProcedure } from './cid-options.js';
import { ConnectionIdState } from './cid-state.js';
import { LocalConnectionIds } from './local-cids.js';
import { NO_CID_ANSWER, type CidNegotiationHost } from './negotiation.js';
import { OffPathForwarding } from './off-path-forwarding.js';
import type { CidEventSink } from './cid-events.js';
import type { HibernatedCids } from './hibernated-cids.js';
import type { PathStats } from './path-stats.js';
import { PathValidation } from './path-validation.js';

export { NO_PATH_STATS, type PathStats } from './path-stats.js';

/** A datagram for a path other than the current one (RRC probes and answers). */
export interface PathDatagram {
  readonly path: string;
  readonly datagram: Uint8Array;
}

/** Queued probe datagrams kept at once (a peer cannot make us hold more answers than this). */
const MAX_PATH_DATAGRAMS = 16;

/** Records carrying path_responses (or path_drops) remembered, so copies of them count for the path they come over. */
const MAX_REMEMBERED_ANSWERS = 16;

/** A path_challenge's message beyond the record's protection overhead: its msg_type and 8-byte cookie. */
const CHALLENGE_OVERHEAD = 9;

/** Paths remembered as left by us (answered with path_drop). */
const MAX_LEFT_PATHS = 4;

/** Datagrams held while the peer's address is checked (RFC 9853 §5); past this the oldest are dropped. */
export const MAX_HELD_DATAGRAMS = 64;

/**
 * A connection's CIDs and paths (opaque strings), sans-I/O, with RRC (RFC 9853); the connection calls {@link arrived}
 * per datagram and {@link observe} per authenticated application record.
 */
export class CidContext implements CidNegotiationHost {
  readonly options: ResolvedConnectionIds | undefined;
  readonly records: RecordLayer;
  readonly taken: ((cid: Uint8Array) => boolean) | undefined;
  offered: LocalConnectionIds | undefined;
  session: ConnectionIdState | undefined;
  /** Server: the ServerHello's connection_id / rrc answer, settled with the ClientHello. */
  answer: readonly ServerHelloExtension[] = NO_CID_ANSWER;
  /** The peer's validated path (undefined until a datagram names one). */
  current: string | undefined;
  /** The path of the datagram being handled. */
  arriving: string | undefined;
  /** Made with the first path left. */
  private left: string[] | undefined;
  /** Made with the first datagram for another path. */
  private pathOutgoing: PathDatagram[] | undefined;
  private validation: PathValidation | undefined;
  private readonly provider: CryptoProvider;
  private readonly clock: ManualClock;
  private readonly events: CidEventSink;
  private readonly follows: boolean;
  private readonly outgoing: Uint8Array[];
  /** The newest record number authenticated (RFC 9146 §6: only a newer record moves a session without RRC). */
  private newestEpoch = -1;
  private newestSequence = -1;
  private readonly counts = {
    migrations: 0,
    challengesAnswered: 0,
    answersIgnored: 0,
    probesDropped: 0,
    copiesDetected: 0,
    datagramsHeld: 0,
    heldDropped: 0,
  };
  /** The off-path forwarder watch (RFC 9853 §8.1.2), made when a check or a move first needs it. */
  private forwarding: OffPathForwarding | undefined;
  /** The epoch and sequence number of the last authenticated record observed (-1: none yet), as numbers: one per record. */
  private lastEpoch = -1;
  private lastSequence = 0;
  /** Answers to our path_challenges by the record that carried them, so a copy over another path counts as its answer (made with the first). */
  private answers:
    Map<string, { readonly msgType: 'path_response' | 'path_drop'; readonly cookie: Uint8Array }> | undefined;
  /** While a check of the path just left runs on copies that came over both: the path it would leave, which carried them. */
  private copiedOver: string | undefined;
  /** Datagrams waiting at the last poll while holding (counted as held when the check ends). */
  private waiting = 0;
  /** A thawed session's checks before it hibernated (its PathValidation was not kept). */
  private earlierTotals: PathValidation['totals'] | undefined;

  constructor(p: {
    options: ResolvedConnectionIds | undefined;
    records: RecordLayer;
    taken: ((cid: Uint8Array) => boolean) | undefined;
    provider: CryptoProvider;
    clock: ManualClock;
    /** Where this context's events go: the connection's queue. */
    events: CidEventSink;
    /** Whether a record from a new path may move the session (a server: a client's UDP socket is connected, its paths are its own). */
    follows: boolean;
    /** Where datagrams for the current path go (`pollTransmit`). */
    outgoing: Uint8Array[];
  }) {
    this.outgoing = p.outgoing;
    this.follows = p.follows;
    this.options = p.options;
    this.records = p.records;
    this.taken = p.taken;
    this.provider = p.provider;
    this.clock = p.clock;
    this.events = p.events;
    if (p.follows) this.records.reader.onDuplicate = this;
  }

  issued(cid: Uint8Array): void {
    this.events.push({ type: 'connectionIdIssued', cid });
  }

  get stats(): PathStats {
    const t = this.validation?.totals;
    const e = this.earlierTotals;
    return {
      checks: (t?.checks ?? 0) + (e?.checks ?? 0),
      validated: (t?.validated ?? 0) + (e?.validated ?? 0),
      abandoned: (t?.abandoned ?? 0) + (e?.abandoned ?? 0),
      unvalidatedBytesSent: (t?.unvalidatedBytesSent ?? 0) + (e?.unvalidatedBytesSent ?? 0),
      unvalidatedBytesReceived: (t?.unvalidatedBytesReceived ?? 0) + (e?.unvalidatedBytesReceived ?? 0),
      ...this.counts,
    };
  }

  /** Whether, for hibernation, nothing is under way at `now` (no check, nothing held, the off-path watch over). */
  atRest(now: number): boolean {
    if (
      this.validation?.candidate !== undefined ||
      this.pathOutgoing !== undefined ||
      this.waiting > 0 ||
      this.left !== undefined
    )
      return false;
    return this.forwarding === undefined || this.forwarding.quietAt(now);
  }

  /** What a hibernated session keeps of its CIDs and path counters; undefined without CIDs (then only the counters matter, and they are all 0 but the ones kept with {@link stats}). */
  hibernation(): HibernatedCids | undefined {
    const s = this.session;
    if (s === undefined) return undefined;
    const peer = s.peer.kept;
    return {
      ...s.local.kept,
      peerCurrent: s.peer.current,
      peerSpares: peer.spares,
      peerSeen: peer.seen,
      rrcNegotiated: s.rrcNegotiated,
      requestOutstanding: s.requestOutstanding,
      requestsReceived: s.requestsReceived,
      newestEpoch: this.newestEpoch,
      newestSequence: this.newestSequence,
      counts: this.stats,
    };
  }

  /** A hibernated session's CIDs again (server, on a new context): as negotiated, with what was issued, retired and given since. */
  restore(h: HibernatedCids): void {
    const o = this.options;
    if (o === undefined)
      throw new TypeError('a hibernated session with connection IDs on a configuration without them');
    const local = new LocalConnectionIds(o.length, o.generate, this.taken);
    local.restore(h);
    const s = new ConnectionIdState(o, local, h.peerCurrent, h.rrcNegotiated);
    s.peer.restore({ spares: h.peerSpares, seen: h.peerSeen });
    s.requestOutstanding = h.requestOutstanding;
    s.requestsReceived = h.requestsReceived;
    this.session = s;
    this.records.setConnectionIds({ length: local.length, ours: (c) => local.has(c) }, s.peer.current);
    this.newestEpoch = h.newestEpoch;
    this.newestSequence = h.newestSequence;
    this.earlierTotals = h.counts;
    for (const k of Object.keys(this.counts) as (keyof typeof this.counts)[]) this.counts[k] = h.counts[k];
  }

  /** A datagram came over `path` (undefined: the current one). */
  arrived(path: string | undefined): void {
    if (path !== undefined && this.current === undefined) this.current = path;
    this.arriving = path ?? this.current;
  }

  /**
   * An authenticated application record arrived: it may retire older CIDs of ours, and from another path starts a
   * check (without RRC, the newest record moves the session, RFC 9146 §6).
   */
  observe(
    record: { readonly epoch: number; readonly sequenceNumber: number; readonly connectionId?: Uint8Array | undefined },
    bytes: number,
  ): void {
    const s = this.session;
    if (s === undefined) return;
    if (record.connectionId !== undefined)
      for (const cid of s.local.used(record.connectionId)) this.events.push({ type: 'connectionIdRetired', cid });
    const newer =
      record.epoch > this.newestEpoch ||
      (record.epoch === this.newestEpoch && record.sequenceNumber > this.newestSequence);
    if (newer) {
      this.newestEpoch = record.epoch;
      this.newestSequence = record.sequenceNumber;
    }
    this.lastEpoch = record.epoch;
    this.lastSequence = record.sequenceNumber;
    const path = this.arriving;
    if (!this.follows || path === undefined || this.current === undefined || !s.receivesCid) return;
    if (path === this.current) {
      if (this.holding || this.forwarding?.previous !== undefined)
        this.forwarding?.record(record.epoch, record.sequenceNumber, path);
      return;
    }
    if (s.rrc !== undefined && path === this.forwarding?.previous && !this.forwarding.suspected(path)) {
      // RFC 9853 §8.1.2: the newest record over the path just left may mean the peer still sends there: that path is
      // checked again, never taken on the record's word.
      if (newer) this.recheckPrevious(bytes, false);
      return this.forwarding?.record(record.epoch, record.sequenceNumber, path);
    }
    if (this.left?.includes(path) === true || this.forwarding?.suspected(path) === true) return;
    if (s.rrc !== undefined) {
      const validation = this.pathValidation(s.rrc, s.options.rrcTimeoutMs);
      if (!this.holding) {
        this.watch().checking(this.current, path);
        this.copiedOver = undefined;
      }
      validation.observed(this.current, path, bytes);
      if (validation.candidate === path) this.forwarding?.record(record.epoch, record.sequenceNumber, path);
    } else if (newer) {
      this.moved(this.current, path, false);
    }
  }

  /** While a check runs, datagrams for the peer are held (RFC 9853 §5) for the address it leaves bound; true then. */
  holdsBack(): boolean {
    if (this.validation?.candidate === undefined) {
      // Not holding ({@link holding}, inline: asked per datagram sent).
      this.counts.datagramsHeld += this.waiting;
      this.waiting = 0;
      return false;
    }
    const over = this.outgoing.length - MAX_HELD_DATAGRAMS;
    if (over > 0) {
      this.outgoing.splice(0, over);
      this.counts.heldDropped += over;
    }
    this.waiting = this.outgoing.length;
    return true;
  }

  /**
   * The record layer dropped an authenticated duplicate: seen over both paths watched, someone copies the peer's
   * records (RFC 9853 §8.1.2): a check then ends without moving, a move just made goes back; that path waits.
   */
  duplicate(epoch: number, sequenceNumber: number): void {
    const path = this.arriving;
    const s = this.session;
    if (path === undefined || s === undefined) return;
    // A copy of a record that carried an answer to our path_challenge counts as that answer from the path the copy came
    // over: a tap that races the peer's path_response from its own address must not make the genuine one a mere replay.
    const answer = this.answers?.get(`${epoch}.${sequenceNumber}`);
    if (answer !== undefined && this.validation !== undefined)
      this.validation.answered(answer.msgType, answer.cookie, path);
    // A copy from a third path during a check (decoys racing a genuine rebinding): that path is probed too.
    if (
      this.validation?.candidate !== undefined &&
      path !== this.current &&
      this.left?.includes(path) !== true &&
      this.forwarding?.suspected(path) !== true
    )
      this.validation.also(path, CHALLENGE_OVERHEAD + this.records.writer.protectedOverhead());
    if (this.forwarding?.crossed(epoch, sequenceNumber, path) !== true) return;
    if (this.validation?.candidate !== undefined) {
      this.counts.copiesDetected++;
      // A check of the path left, started on copies, asks there already; asking the current path would let its copier answer.
      if (this.copiedOver === undefined) this.validation.copied();
    } else if (this.forwarding?.previous !== undefined) {
      this.recheckPrevious(0, true);
    }
  }

  /** A return_routability_check message arrived (RFC 9853 §4); unknown message types are ignored. */
  rrcMessage(m: ReturnRoutabilityCheck): void {
    const path = this.arriving;
    if (m.msgType === 'path_challenge') {
      // §5.4: exactly one answer per valid challenge, to where it came from; path_drop for a path we left.
      this.counts.challengesAnswered++;
      this.sendTo(path, {
        msgType: path !== undefined && this.left?.includes(path) === true ? 'path_drop' : 'path_response',
        cookie: m.cookie,
      });
    } else if (m.msgType === 'path_response' || m.msgType === 'path_drop') {
      if (this.validation === undefined || path === undefined) this.counts.answersIgnored++;
      else {
        this.rememberAnswer(m.msgType, m.cookie);
        this.validation.answered(m.msgType, m.cookie, path);
      }
    }
  }

  /** We moved (our datagrams leave from `path` now): the old path is answered with path_drop, and a spare CID of the peer's is used on the new one. */
  rebind(path: string): void {
    const old = this.current;
    this.current = path;
    if (old !== undefined && old !== path) {
      const left = (this.left ??= []);
      left.push(old);
      if (left.length > MAX_LEFT_PATHS) left.shift();
    }
    this.freshPeerCid();
  }

  /** Stops the running check (the connection ended). */
  stop(): void {
    this.validation?.stop();
  }

  /** Datagrams for the peer wait: a check of its address runs. */
  private get holding(): boolean {
    return this.validation?.candidate !== undefined;
  }

  /**
   * The path just left still carries the peer's records (`copies`: copies of records the current path carried first):
   * it is checked like a new one, never taken on a record's word (a copier spoofing the old address would pull the
   * session back to a dead address). Not a path found carrying copies.
   */
  private recheckPrevious(bytes: number, copies: boolean): void {
    const previous = this.forwarding?.previous;
    const from = this.current;
    const s = this.session;
    if (previous === undefined || from === undefined || s === undefined || s.rrc === undefined || this.holding) return;
    if (this.forwarding?.suspected(previous) === true) return;
    this.counts.copiesDetected++;
    const validation = this.pathValidation(s.rrc, s.options.rrcTimeoutMs);
    this.watch().checkingPrevious(from);
    this.copiedOver = copies ? from : undefined;
    // The path was validated before: its budget is what it sent now, and at least one path_challenge's worth.
    validation.observed(from, previous, Math.max(bytes, CHALLENGE_OVERHEAD + this.records.writer.protectedOverhead()));
  }

  private watch(): OffPathForwarding {
    return (this.forwarding ??= new OffPathForwarding(this.clock));
  }

  /** The return routability checker, made on first use (RFC 9853 §5). */
  private pathValidation(procedure: RrcProcedure, timeoutMs: number): PathValidation {
    this.validation ??= new PathValidation(procedure, timeoutMs, this.clock, {
      send: (to, msgType, cookie) => this.sendTo(to, { msgType, cookie }),
      challengeSize: () => this.records.writer.protectedOverhead() + CHALLENGE_OVERHEAD,
      random: (n) => this.provider.randomBytes(n),
      validated: (from, to) => this.validated(from, to),
      forwarderFound: (candidate) => this.forwarderFound(candidate),
    });
    return this.validation;
  }

  /** A contested check ended with the current path answering: the candidate carried copies and starts no check for a while. */
  private forwarderFound(candidate: string): void {
    const s = this.session;
    if (s === undefined) return;
    this.watch().suspect(candidate, s.options.rrcTimeoutMs);
    this.forwarding?.stop();
  }

  /** The path_response or path_drop just handled, by the number of the record that carried it (a copy elsewhere counts too). */
  private rememberAnswer(msgType: 'path_response' | 'path_drop', cookie: Uint8Array): void {
    if (this.lastEpoch < 0) return;
    const lastRecord = `${this.lastEpoch}.${this.lastSequence}`;
    const answers = (this.answers ??= new Map());
    if (answers.size >= MAX_REMEMBERED_ANSWERS) answers.delete(answers.keys().next().value ?? lastRecord);
    answers.set(lastRecord, { msgType, cookie: cookie.slice() });
  }

  /**
   * A check passed: the path left is watched a while for the genuine records still coming over it. Back on a path
   * whose copies came after the current one's records and that answered there, the path left carried copies: it
   * starts no check for a while (RFC 9853 §8.1.2).
   */
  private validated(from: string, to: string): void {
    this.moved(from, to, true);
    const s = this.session;
    if (s === undefined) return;
    this.watch().moved(from, to, s.options.rrcTimeoutMs);
    if (this.copiedOver === from) this.watch().suspect(from, s.options.rrcTimeoutMs);
    this.copiedOver = undefined;
  }

  private moved(from: string, to: string, validated: boolean): void {
    this.current = to;
    this.counts.migrations++;
    this.freshPeerCid();
    this.events.push({ type: 'pathMigrated', from, to, validated });
  }

  /** RFC 9146 §8 / RFC 9147 §9: a new path gets a CID the old one never carried, when the peer gave us a spare. */
  private freshPeerCid(): void {
    const s = this.session;
    if (s?.peer.next()) this.records.writer.setSendConnectionId(s.peer.current);
  }

  /** The next datagram for a path other than the current one, if any (`DtlsConnection.pollPathTransmit`). */
  takePathDatagram(): PathDatagram | undefined {
    const d = this.pathOutgoing?.shift();
    if (this.pathOutgoing?.length === 0) this.pathOutgoing = undefined;
    return d;
  }

  /** Seals an RRC message for `path`: the current path's go out with the rest, another's through `pathOutgoing`. */
  private sendTo(to: string | undefined, m: ReturnRoutabilityCheck): void {
    const path = to ?? this.current;
    const current = path === undefined || (path === this.current && !this.holding);
    if (!current && (this.pathOutgoing?.length ?? 0) >= MAX_PATH_DATAGRAMS) {
      this.counts.probesDropped++;
      return;
    }
    const datagram = this.records.writer.seal('return_routability_check', encodeReturnRoutabilityCheck(m)).bytes;
    if (current) this.outgoing.push(datagram);
    else (this.pathOutgoing ??= []).push({ path, datagram });
  }
}
