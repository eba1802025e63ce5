/**
 * What a connection reports of itself, whichever version speaks (after rustls's `CommonState`): the version state
 * writes each fact as it changes (a field write, no call); DtlsConnection reads them and never asks the version.
 */
import type { FatalReason } from './alert-mapping.js';
import type { SessionParameters } from './events.js';
import { AmplificationLimit } from './amplification-limit.js';

/** Connection IDs once the hellos negotiated them (RFC 9146, RFC 9147 §9); see DtlsConnection.connectionIds. */
export interface ConnectionIds {
  readonly local: Uint8Array | undefined;
  readonly peer: Uint8Array | undefined;
  readonly spares: number;
  readonly rrc: boolean;
  readonly issued: readonly Uint8Array[];
}

/** What differs between the versions that a session above acts on (1.3: version-facts.ts; 1.2: version-facts.ts). */
export interface VersionFacts {
  /**
   * The most application data one `send()` carries: one record in one datagram of `mtu` bytes, after what `settled`
   * (the handshake's parameters; undefined before) and a peer CID of `peerCidLength` bytes take.
   */
  maxMessageSize(mtu: number, settled: SessionParameters | undefined, peerCidLength: number): number;
  /** The most bytes one exporter call gives (1.3: HKDF-Expand's 255 × the hash length). */
  exporterLengthLimit(settled: SessionParameters): number;
  /** The cipher suite as OpenSSL names it (IANA's name in DTLS 1.3). */
  cipherName(settled: SessionParameters): string;
  /** Whether tickets may come after the handshake completed (1.3's NewSessionTicket; a 1.2 ticket comes before it). */
  readonly ticketsAfterHandshake: boolean;
  /** Whether a client's handshake is done only once the server confirmed it (1.3: it may still refuse our certificate). */
  readonly clientAwaitsConfirmation: boolean;
  /** Whether a server's session at rest can be frozen (hibernation's frozen form is 1.3's; a 1.2 session stays parked). */
  readonly hibernates: boolean;
  /** Why a client with these CIDs cannot move to another address (1.2 without a CID of the server's: RFC 9146 §6), or undefined. */
  rebindRefusal(ids: ConnectionIds | undefined): Error | undefined;
}

/** The CIDs in use, as the version keeps them (1.3: `ConnectionIdState`; 1.2: fixed at the handshake). */
export interface NegotiatedIds {
  /** Ours: the one records to us carry now (undefined: zero-length), and every one the peer may use. */
  readonly local: { readonly current: Uint8Array | undefined; readonly active: readonly Uint8Array[] };
  /** The peer's: the one our records carry (empty: none), and how many spares we hold for a new path. */
  readonly peer: { readonly current: Uint8Array; readonly spares: number };
  /** Whether address changes are checked (RFC 9853). */
  readonly rrcNegotiated: boolean;
}

/** The one object a version keeps the peer's path and CIDs in, lent to the common state (1.3: its CID context). */
export interface PeerLink {
  /** The peer's current path (`address|port`, as given to `receive`), once one was named. */
  readonly current: string | undefined;
  readonly session: NegotiatedIds | undefined;
  /** We moved: our datagrams leave from `path` now. @throws Dtls12FeatureError when the version cannot (1.2 without a CID of the server's). */
  rebind(path: string): void;
}

/** Keying material for another protocol as the completed handshake settled it (1.3: RFC 8446 §7.5; 1.2: RFC 5705). */
export interface Exporter {
  /** The most bytes one call gives. */
  readonly maxLength: number;
  /** `length` bytes for `label` and `context`, the arguments already checked (DtlsConnection.exportKeyingMaterial). */
  derive(label: string, context: Uint8Array | undefined, length: number): Uint8Array;
}

/**
 * The facts. `protocolVersion`, `versionFacts` and `peer` are written as a version state is made (`adopt`), `state` by
 * its chart.
 */
export class ConnectionFacts {
  /** The handshake chart's state (`start`, …, `connected`, `closed`, `failed`). */
  state!: string;
  /** The version spoken; none while a connection doing both has not chosen. */
  protocolVersion: 'DTLSv1.2' | 'DTLSv1.3' | undefined;
  versionFacts!: VersionFacts;
  peer!: PeerLink;
  /** The alert that ended the connection, once it failed (set once). */
  failure: FatalReason | undefined = undefined;
  /** When the peer last sent a record that authenticated (never plaintext, forged or replayed): idle timers read it. */
  lastAuthenticatedReceive: number | undefined = undefined;
  /** Installed when the handshake completes (1.3: removed once the connection ends); undefined before. */
  exporter: Exporter | undefined = undefined;
  /** When the handshake completed as the deadlines count it (a 1.3 client: once the server confirmed it). */
  handshakeDoneAt: number | undefined = undefined;
  /**
   * When the handshake started (a client's `connect`, a server's first datagram), written once by the version state
   * that starts it: a 1.3 offer answered in 1.2 keeps its start (`adopt` leaves it).
   */
  startedAt: number | undefined = undefined;
  /**
   * A server's anti-amplification budget (amplification-limit.ts): limited by DtlsConnection as a server connection is
   * made, validated by the version state that sees the peer's address proven; it outlives a change of version state.
   */
  readonly amplification = new AmplificationLimit();

  /**
   * A version state becomes the connection's (made, or a client's 1.3 state taken back from a 1.2 one): its version
   * (undefined: not chosen yet), answers and peer path in; what an earlier state failed, authenticated, exported or
   * completed out.
   */
  adopt(version: 'DTLSv1.2' | 'DTLSv1.3' | undefined, facts: VersionFacts, peer: PeerLink): void {
    this.protocolVersion = version;
    this.versionFacts = facts;
    this.peer = peer;
    this.failure = undefined;
    this.lastAuthenticatedReceive = undefined;
    this.exporter = undefined;
    this.handshakeDoneAt = undefined;
  }
}

/** The CIDs of `ids` in the shape DtlsConnection reports them (`local` undefined for a zero-length CID, `peer` for none). */
export function connectionIdsOf(ids: NegotiatedIds | undefined): ConnectionIds | undefined {
  if (ids === undefined) return undefined;
  const peer = ids.peer.current;
  return {
    local: ids.local.current,
    peer: peer.length > 0 ? peer : undefined,
    spares: ids.peer.spares,
    rrc: ids.rrcNegotiated,
    issued: ids.local.active,
  };
}
