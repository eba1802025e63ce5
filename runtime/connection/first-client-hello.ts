/**
 * A server's hello phase before its first whole ClientHello (hello-phase.ts), with no version state: the datagrams that
 * come first read here, as a DTLS 1.3 server waiting for its ClientHello reads them (RFC 9147 §4.5.2: what is invalid
 * is dropped and counted, never answered), and the ClientHello made whole from its fragments for the phase to choose on.
 *
 * - Records are read with the 1.3 record reader (runtime/record): junk, records too long or short, with a CID, of an
 *   epoch with no keys are dropped by reason in its counters; protected records of an epoch still to come are copied,
 *   within `limits.maxDeferredBytes`, for the 1.3 state to open once it has their keys.
 * - Plaintext records go through the record-rule table (runtime/shared/record-rules.ts); what it refuses, a handshake
 *   message other than a first ClientHello, a fragment that disagrees or an alert that does not decode is set aside
 *   by reason; a user_canceled alert is reported.
 * - Whatever ends the connection before a ClientHello (the peer's alert, `close`, the handshake deadline, an
 *   application callback that failed) ends it as the 1.3 state ends it: that state is made then, given what was read
 *   here (`ReadBeforeHello`: the reader and its drop counts, the records set aside, the records held, the path).
 *
 * A 1.2 state chosen counts on from the drops and records set aside here (this phase's `versionStats`), as the 1.3
 * state counts on from its reader and set-aside counts.
 *
 * The datagram that makes the ClientHello whole is read by the state chosen: as it came when the ClientHello is its
 * first record, whole in one fragment; else the ClientHello in one record (in records of 2^14 bytes when longer, for
 * the 1.3 state, which refuses it), then the rest of the datagram.
 */
import { decodeAlert } from '../../generated/wire/alert.js';
import { readDtlsHandshake, type DtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import type { Header13 } from '../record/codec13.js';
import { ALERT, HANDSHAKE, plainRecord12 } from '../record/codec12.js';
import { encodeFragmentView } from '../handshake/fragmenter.js';
import { contentTypeFromByte, RecordReader } from '../record/record-reader.js';
import type { RecordSink } from '../record/record-loop.js';
import { HandshakeReassembler } from '../handshake/reassembler.js';
import { flightTimers } from '../handshake/flight-timer-config.js';
import type { CallbackName } from '../handshake/callback-error.js';
import { NO_PATH_STATS } from '../cid/path-stats.js';
import type { ResolvedConfig } from '../shared/config.js';
import { ConnectionStateError, type VersionState, type VersionStats } from '../shared/connection-api.js';
import type { PeerLink } from '../shared/connection-facts.js';
import { Delivery } from '../shared/delivery.js';
import { recordRule } from '../shared/record-rules.js';
import { Dtls13Connection } from '../dtls13/connection.js';
import { epochAllows, handlerFor } from '../dtls13/handler-table.js';
import { HeldRecords } from '../dtls13/held-records.js';
import { recordLayerConfig } from '../dtls13/parts-assembly.js';
import { NOT_CONNECTED } from '../dtls13/session-calls.js';
import { FACTS13 } from '../dtls13/version-facts.js';
import type { Dtls13Feature } from '../dtls12/feature-error.js';
import { concatBytes } from '../wire/bytes.js';
import { Reader } from '../wire/reader.js';
import type { CommonState } from './common-state.js';
import type { DtlsOptions } from './options.js';
import { CHARTS13 } from './role-drivers.js';

/** The first ClientHello made whole: its body, and the datagram the state chosen reads. */
export interface WholeClientHello {
  readonly body: Uint8Array;
  readonly datagram: Uint8Array;
}

/** Where the ClientHello was made whole in the datagram being read. */
interface Completed {
  readonly body: Uint8Array;
  /** The record that made it whole: its number and where it ends. */
  readonly recordSequence: number;
  readonly end: number;
  /** Whether that record is the datagram's first and holds the whole ClientHello in one fragment, alone. */
  readonly alone: boolean;
}

/** The peer's path before any version state: the first one named, or ours moved (`rebind`). */
class FirstPath implements PeerLink {
  current: string | undefined = undefined;
  readonly session = undefined;

  arrived(path: string | undefined): void {
    if (path !== undefined && this.current === undefined) this.current = path;
  }

  rebind(path: string): void {
    this.current = path;
  }
}

export class FirstClientHello implements VersionState, RecordSink<Header13> {
  readonly role = 'server';
  private readonly common: CommonState;
  private readonly options: DtlsOptions;
  private readonly config13: ResolvedConfig;
  private readonly reader: RecordReader;
  private readonly delivery: Delivery;
  /** The first ClientHello's fragments (message 0 only, bounded by `limits.maxReassemblyBytes`). */
  private readonly reassembler: HandshakeReassembler;
  /** Protected records of an epoch to come, copied (the 1.3 state's budget: `limits.maxDeferredBytes`). */
  private readonly waiting: HeldRecords;
  private readonly path = new FirstPath();
  /** The first retransmission timeout, as the 1.3 state reports it before its first flight. */
  private readonly initialTimeout: number;
  /** Whether a fragment of the ClientHello came before the one that makes it whole. */
  private fragmented = false;
  /** The ClientHello made whole by the datagram being read. */
  private completed: Completed | undefined;
  /** The 1.3 state, once made: by an end before any ClientHello, or by the phase choosing 1.3 ({@link state13}). */
  private made: Dtls13Connection | undefined;

  /** @throws ConfigError naming the option, for what the 1.3 state would refuse as it is made. */
  constructor(common: CommonState, options: DtlsOptions, config13: ResolvedConfig) {
    this.common = common;
    this.options = options;
    this.config13 = config13;
    this.initialTimeout = flightTimers(config13.retransmission).initialTimeout;
    this.reader = new RecordReader(recordLayerConfig(config13));
    this.delivery = new Delivery(common.events, common.counters, config13.messageBuffers === 'batch');
    this.reassembler = new HandshakeReassembler({
      maxBufferedBytes: config13.limits.maxReassemblyBytes,
      maxMessagesAhead: 0,
    });
    this.waiting = new HeldRecords({ capacity: config13.limits.maxDeferredBytes, used: 0 });
    common.adopt(undefined, FACTS13, this.path);
    common.state = 'waitClientHello';
  }

  /** The 1.3 state an end before any ClientHello made (the connection's from then on). */
  get ended(): Dtls13Connection | undefined {
    return this.made;
  }

  /**
   * The 1.3 state, made once with what was read here: the phase chose 1.3 (or leaves the 1.3 state to refuse a
   * ClientHello no version takes), or the connection ends before any ClientHello.
   */
  state13(): Dtls13Connection {
    if (this.made !== undefined) return this.made;
    const { reader, delivery, waiting, path } = this;
    const before = { reader, ignored: delivery.ignored, held: waiting.take(), path: path.current };
    const { config13, options, common } = this;
    this.made = Dtls13Connection.sharing('server', config13, options, CHARTS13, common, true, before);
    return this.made;
  }

  /**
   * A datagram from the peer: read here, and counted, unless it makes the first ClientHello whole: then returned for the
   * phase to choose on, the datagram the state chosen reads with it.
   */
  receive(d: Uint8Array, now: number, path: string | undefined): WholeClientHello | undefined {
    const common = this.common;
    common.clock.advanceTo(now);
    common.startedAt ??= now; // a server's handshake starts with its first datagram
    this.path.arrived(path);
    this.reader.read(d, now, this);
    const c = this.completed;
    if (c === undefined) {
      common.counters.datagramsReceived++;
      return undefined;
    }
    this.completed = undefined;
    const rest = d.subarray(c.end);
    const records = c.alone ? d : helloRecords(c.body, c.recordSequence);
    const datagram = c.alone || rest.length === 0 ? records : concatBytes([records, rest]);
    return { body: c.body, datagram };
  }

  /** The record loop hands each plaintext record here (its `RecordSink`). False to stop reading the datagram. */
  take(d: Uint8Array, h: Header13, content: Uint8Array): boolean {
    if (this.made !== undefined) return this.made.take(d, h, content); // ended by an earlier record of the datagram
    if (h.contentType === ALERT) return this.alert(d, h, content);
    const record = { epoch: 0, contentType: contentTypeFromByte(h.contentType), protected: false };
    const rule = recordRule('DTLSv1.3', record, 'handshake', 0);
    if (typeof rule === 'string') this.delivery.ignore(rule);
    else if (rule.handler === 'handshake' && !this.handshake(d, h, content)) return false;
    this.common.counters.recordsReceived++;
    return true;
  }

  /** A protected record of an epoch whose keys may come: a copy held for the 1.3 state, within its budget. */
  held(d: Uint8Array, h: Header13): void {
    if (this.made !== undefined) return this.made.held(d, h);
    if (!this.waiting.push(d.slice(h.at, h.end))) this.delivery.ignore('deferred-cap');
  }

  /**
   * A plaintext alert: one that does not decode is set aside, user_canceled reported; any other ends the connection as
   * the 1.3 state ends it (RFC 8446 §6), which reads it.
   */
  private alert(d: Uint8Array, h: Header13, content: Uint8Array): boolean {
    let description: string | number;
    try {
      description = decodeAlert(content).description;
    } catch {
      description = -1;
    }
    if (description !== -1 && description !== 'user_canceled') return this.state13().take(d, h, content);
    if (description === -1) this.delivery.ignore('unauthenticated-violation');
    else this.common.events.push({ type: 'alert', level: 'warning', description: 'user_canceled', sent: false });
    this.common.counters.recordsReceived++;
    return true;
  }

  /**
   * A plaintext handshake record: fragments of the first ClientHello (message 0) reassembled; anything else set aside,
   * as a 1.3 state waiting for its ClientHello sets it aside. False when it made the ClientHello whole.
   */
  private handshake(d: Uint8Array, h: Header13, content: Uint8Array): boolean {
    const fragments: DtlsHandshake[] = [];
    try {
      const r = new Reader(content, 'HandshakeRecord');
      while (r.pos < r.end) fragments.push(readDtlsHandshake(r));
    } catch {
      this.delivery.ignore('unauthenticated-violation');
      return true;
    }
    for (const f of fragments) {
      const handler = handlerFor('server', f.msgType);
      // Plaintext carries only the hellos, and nothing ahead of the first ClientHello is kept for an unauthenticated sender.
      if (handler === undefined || !epochAllows(handler, 0, false) || f.messageSeq > 0) {
        this.delivery.ignore('unauthenticated-violation');
        return true;
      }
      const r = this.reassembler.receive(f);
      if (r.kind === 'inconsistent') {
        this.delivery.ignore('unauthenticated-violation');
        return true;
      }
      if (r.kind === 'complete') {
        const alone = h.at === 0 && !this.fragmented && fragments.length === 1;
        this.completed = { body: r.messages[0]!.body, recordSequence: h.sequenceNumber, end: h.end, alone };
        return false;
      }
      if (r.kind === 'progress') this.fragmented = true;
      else if (r.kind !== 'old') this.delivery.ignore('reassembly-refused');
    }
    return true;
  }

  // ── the version state's surface while the version is open ─────────────

  connect(): void {
    throw new ConnectionStateError('only a client connects');
  }

  send(): void {
    throw new ConnectionStateError('the handshake is not complete');
  }

  /** Before any ClientHello, as a 1.3 state refuses it (runtime/dtls13/session-calls.ts). @throws ConnectionStateError. */
  refuse(feature: Dtls13Feature): never {
    throw new ConnectionStateError(NOT_CONNECTED[feature]);
  }

  onTimer(now: number): void {
    this.common.clock.advanceTo(now);
  }

  close(): void {
    this.state13().close();
  }

  failForCallback(callback: CallbackName, thrown: unknown): void {
    this.state13().failForCallback(callback, thrown);
  }

  expire(deadline: 'handshake' | 'idle', message: string): void {
    this.state13().expire(deadline, message);
  }

  park(): void {}

  releaseKeys(): void {}

  /** What a 1.3 state waiting for its ClientHello reports: the drops and records set aside here, what is held. */
  get versionStats(): VersionStats {
    return {
      drops: { ...this.reader.drops },
      ignored: this.delivery.ignored,
      retransmissions: 0,
      flightState: 'idle',
      retransmitTimeout: this.initialTimeout,
      handshakeDuration: undefined,
      retained: {
        reassemblyBytes: this.reassembler.retainedBytes,
        deferredBytes: this.waiting.bytes,
        ackRecords: 0,
        readEpochs: 0,
      },
      paths: NO_PATH_STATS,
    };
  }
}

/** The most a plaintext record carries (RFC 6347 §4.1, RFC 9147 §4): 2^14 bytes, the fragment's header included. */
const MOST_PER_RECORD = 16_384 - 12;

/** The whole ClientHello `body` in epoch-0 records numbered `recordSequence`: one when it fits, as 1.2 reads it. */
function helloRecords(body: Uint8Array, recordSequence: number): Uint8Array {
  const records: Uint8Array[] = [];
  for (let at = 0; at === 0 || at < body.length; at += MOST_PER_RECORD) {
    const fragment = body.subarray(at, at + MOST_PER_RECORD);
    const message = {
      msgType: 'client_hello',
      length: body.length,
      messageSeq: 0,
      fragmentOffset: at,
      fragment,
    } as const;
    records.push(plainRecord12(HANDSHAKE, recordSequence, encodeFragmentView(message)));
  }
  return records.length === 1 ? records[0]! : concatBytes(records);
}
