/**
 * What a DTLS connection of either version is to whatever drives it: the `Connection` surface DtlsConnection presents,
 * its options, counters and state error, and what its version states share with it.
 */
import type { ChartInspectionEvent } from '../chart-inspection.js';
import type { PathDatagram, PathStats } from '../cid/cid-context.js';
import type { ConnectionEvent } from './events.js';
import type { DropCounters } from '../record/drops.js';
import type { CallbackName } from '../handshake/callback-error.js';
import type { FatalReason } from './alert-mapping.js';
import type { CONNECTION_OPTIONS } from './config-options.js';
import type { OptionTypes } from '../option-row.js';
import type { DeadlineOptions } from './deadlines.js';
import type { FrozenSession } from './hibernation.js';
import type { IgnoreReason } from './record-rules.js';
import type { ManualClock } from '../handshake/manual-clock.js';
import type { DatagramLimit } from './datagram-limit.js';
import type { ConnectionFacts, ConnectionIds, VersionFacts } from './connection-facts.js';

export type { ConnectionIds, VersionFacts } from './connection-facts.js';

/** Options of a connection: the rows of `CONNECTION_OPTIONS` (config-options.ts), and `inspect`. */
export interface ConnectionOptions extends OptionTypes<typeof CONNECTION_OPTIONS> {
  /** Receives the chart actor's inspection events (XState's `inspect`). */
  // A method, so a callback typed with xstate's own InspectionEvent fits (parameters of methods are checked both ways).
  inspect?(event: ChartInspectionEvent): void;
}

/** What a connection holds for its peer now, against the caps of `limits`. */
export interface RetainedState {
  readonly reassemblyBytes: number;
  readonly deferredBytes: number;
  readonly ackRecords: number;
  readonly readEpochs: number;
}

/** Per-connection counters (RFC 9147 §4.5.2 drops by reason) and the handshake's timing, in the caller's time. */
export interface ConnectionStats extends Readonly<ConnectionCounters> {
  readonly drops: Readonly<DropCounters>;
  /** Records set aside after the record layer accepted them (not allowed in their epoch, refused, over a cap). */
  readonly ignored: Readonly<Record<IgnoreReason, number>>;
  /** Flights sent again: on timeout, on a partial ACK, or because the peer retransmitted. */
  readonly retransmissions: number;
  readonly flightState: string;
  readonly retransmitTimeout: number;
  /** From the first ClientHello (client) or the first message (server) to connected, in the caller's time units. */
  readonly handshakeDuration: number | undefined;
  readonly retained: RetainedState;
  /** Connection IDs and return routability (RFC 9853): checks, bytes to unvalidated addresses, migrations. */
  readonly paths: PathStats;
}

/** The counters of one connection, whichever version speaks, as `stats` names them. */
export interface ConnectionCounters {
  datagramsReceived: number;
  datagramsSent: number;
  /** Records the record layer delivered (not dropped). */
  recordsReceived: number;
  applicationBytesSent: number;
  applicationBytesReceived: number;
  /** Whole handshake messages handed to the handshake logic (after reassembly). */
  handshakeMessagesReceived: number;
  /** Handshake messages sent, retransmissions included. */
  handshakeMessagesSent: number;
}

export function newConnectionCounters(): ConnectionCounters {
  return {
    datagramsReceived: 0,
    datagramsSent: 0,
    recordsReceived: 0,
    applicationBytesSent: 0,
    applicationBytesReceived: 0,
    handshakeMessagesReceived: 0,
    handshakeMessagesSent: 0,
  };
}

/**
 * What DtlsConnection's common state lends its version state: the one event queue, counter set, outbound queue, clock
 * and datagram limit, and the facts the version state writes, with the objects it lends for what only it has.
 */
export interface SharedState extends ConnectionFacts {
  readonly events: ConnectionEvent[];
  readonly counters: ConnectionCounters;
  readonly outgoing: Uint8Array[];
  readonly clock: ManualClock;
  readonly datagramLimit: DatagramLimit;
  pathQueue: PathQueue | undefined;
  recordTimer: RecordTimer | undefined;
  transmitGate: TransmitGate | undefined;
}

/** A call the connection's state does not allow (sending before the handshake completed, after a failure or close). */
export class ConnectionStateError extends Error {
  override readonly name = 'ConnectionStateError';
}

/**
 * The sans-I/O surface of a connection of either version, documented on `DtlsConnection`; a version without a feature
 * throws for it (DTLS 1.2: `Dtls12FeatureError`).
 */
export interface Connection {
  readonly role: 'client' | 'server';
  /** The version spoken, once known. */
  readonly protocolVersion: 'DTLSv1.2' | 'DTLSv1.3' | undefined;
  connect(now: number): void;
  receive(datagram: Uint8Array, now: number, path?: string): void;
  /**
   * @internal The datagram the receive batch is at (`at`, `length` in `buffer`: runtime/wire/message-arena.ts), taken
   * as `receive` would take it, without a view of it; false, with nothing changed, when `receive` must read it.
   */
  receiveNext?(buffer: Uint8Array, at: number, length: number, now: number, path?: string): boolean;
  pollTransmit(): Uint8Array | undefined;
  /** Every datagram `pollTransmit` would give now, appended to `out` in order; how many. */
  pollTransmitAll(out: Uint8Array[]): number;
  pollPathTransmit(): PathDatagram | undefined;
  pollTimeout(): number | undefined;
  handleTimeout(now: number): void;
  pollEvent(): ConnectionEvent | undefined;
  send(data: Uint8Array, now?: number): void;
  close(): void;
  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Uint8Array;
  /** @internal An application callback the node layer calls failed: the connection ends with internal_error. */
  failForCallback(callback: CallbackName, thrown: unknown): void;
  updateKeys(requestPeer?: boolean, now?: number): void;
  requestClientCertificate(now?: number): void;
  issueConnectionIds(count: number, options?: { readonly immediate?: boolean; readonly now?: number }): Uint8Array[];
  requestConnectionIds(count: number, now?: number): void;
  rebind(path: string): void;
  pathMtuExceeded(size: number): boolean;
  park(now: number): void;
  releaseKeys(): void;
  /** Server: the session frozen for hibernation, or undefined when it is not at rest (or its version cannot hibernate). */
  hibernate(now: number): FrozenSession | undefined;
  /** Whether its version can hibernate at all (DTLS 1.2 cannot). */
  readonly canHibernate: boolean;
  readonly state: string;
  readonly stats: ConnectionStats;
  readonly failure: FatalReason | undefined;
  readonly expired: 'handshake' | 'idle' | undefined;
  readonly deadlineOptions: Required<DeadlineOptions>;
  readonly lastAuthenticatedReceive: number | undefined;
  readonly path: string | undefined;
  readonly connectionIds: ConnectionIds | undefined;
  /** The length of the connection ID our records carry now (0 for none): `connectionIds.peer`'s, without its object. */
  readonly peerConnectionIdLength: number;
  /** What the version spoken (before it is known: offered first) means for a session above. */
  readonly versionFacts: VersionFacts;
}

/** Our first ClientHello as the 1.3 client sent it: what a 1.2 state takes up from when the server answers in 1.2. */
export interface SentOffer {
  /** The ClientHello's body exactly as sent (its transcript starts with it). */
  readonly body: Uint8Array;
  readonly messageSeq: number;
  /** The next epoch-0 record sequence number (after every record the ClientHello went in, retransmissions included). */
  readonly nextRecordSequenceNumber: number;
}

/** What a version state's statistics add to the one counter set (DtlsConnection assembles `stats` from both). */
export type VersionStats = Omit<ConnectionStats, keyof ConnectionCounters>;

/** Datagrams a version state keeps for paths other than the current one (DTLS 1.3's return routability, RFC 9853). */
export interface PathQueue {
  takePathDatagram(): PathDatagram | undefined;
}

/** Asked before the outbound queue gives up a datagram (DTLS 1.3: seals what it staged; false holds it back, RFC 9853 §5). */
export interface TransmitGate {
  transmitReady(): boolean;
}

/** A timer kept beside the one clock (DTLS 1.3's record layer: the retention of old read keys). */
export interface RecordTimer {
  nextTimeout(): number | undefined;
}

/**
 * A version state of DtlsConnection: the surface less what DtlsConnection answers from its common state
 * (runtime/connection/common-state.ts) and less what only DTLS 1.3 has, plus the part DtlsConnection calls.
 */
export interface VersionState extends Omit<
  Connection,
  | 'state'
  | 'protocolVersion'
  | 'failure'
  | 'lastAuthenticatedReceive'
  | 'path'
  | 'connectionIds'
  | 'peerConnectionIdLength'
  | 'rebind'
  | 'versionFacts'
  | 'exportKeyingMaterial'
  | 'expired'
  | 'deadlineOptions'
  | 'pollEvent'
  | 'pollTransmit'
  | 'pollTransmitAll'
  | 'pollPathTransmit'
  | 'pollTimeout'
  | 'handleTimeout'
  | 'stats'
  | 'updateKeys'
  | 'requestClientCertificate'
  | 'issueConnectionIds'
  | 'requestConnectionIds'
  | 'pathMtuExceeded'
  | 'hibernate'
  | 'canHibernate'
> {
  /** Runs the version's timers due by `now`; never throws for what the peer sent. */
  onTimer(now: number): void;
  readonly versionStats: VersionStats;
  /** A deadline passed: `handshake` fails with handshake_failure, `idle` closes; either is reported `closed` as `timeout`. */
  expire(deadline: 'handshake' | 'idle', message: string): void;
}
