import type { Socket } from 'node:dgram';
import { peekClientHello, type ClientHelloPeek } from './client-hello-peek.js';
import { DatagramIo } from './datagram-io.js';
import { pathOf, type RemoteAddress } from './peer-paths.js';
import { receiveBatch } from '../wire/message-arena.js';
import type { SessionPlace } from './session-place.js';

/** A session as the demux sees it (runtime/api/session-driver.ts, which sends through this file). */
export interface Receiver {
  /** Hands the connection a datagram (`from`: where it came from, when it may differ from `remote`); true when a record of it authenticated. */
  deliver(datagram: Uint8Array, from?: RemoteAddress, path?: string): boolean;
  /**
   * The datagram the receive batch is at (`at`, `length` in `buffer`), placed by its address or by its CID (`from`: its
   * sender, the run's first's), taken without a view of it where the connection can (runtime/api/session-driver.ts);
   * false, nothing done, and it is delivered instead.
   */
  deliverNext?(buffer: Uint8Array, at: number, length: number, path?: string, from?: RemoteAddress): boolean;
  readonly remote: RemoteAddress;
  readonly isEnded: boolean;
  /** Its place in the demux (a listener's session: the listener places it). */
  readonly place: SessionPlace;
}

/** The sessions of one peer address and port: the current one, and a restarted client's successor (RFC 9147 §5.11). */
export interface Slot<P extends Receiver = Receiver> {
  primary: P | undefined;
  successor: P | undefined;
}

/**
 * What a listener does with what the demux does not place: `waiting.hold` takes an address's datagrams first (while its
 * 0-RTT ClientHello waits for the store), `unplaced` gets those no session took.
 */
export interface Admitter<P extends Receiver> {
  readonly waiting: { readonly paths: ReadonlyMap<string, unknown>; hold(key: string, d: Uint8Array): boolean };
  unplaced(
    d: Uint8Array,
    address: string,
    port: number,
    key: string,
    slot: Slot<P> | undefined,
    hello: ClientHelloPeek | undefined,
  ): void;
}

/**
 * A worker's routing by the CID's owner, before the demux (true: taken). A function: the demux places the datagram and
 * calls it with the session a record of it authenticated at (a route moves only for its peer's own records).
 */
export type DatagramRoute = (
  datagram: Uint8Array,
  address: string,
  port: number,
) => boolean | ((authenticated: Receiver | undefined) => void);

/** A DTLSPlaintext handshake record's content type: only such a record may carry a ClientHello. */
const HANDSHAKE = 22;
/** The tls12_cid content type (RFC 9146 §4), and where its CID starts: after type (1), version (2), epoch (2) and sequence number (6). */
const TLS12_CID = 25;
const TLS12_CID_AT = 11;

/** The routing key of a CID. */
export function cidKey(cid: Uint8Array): string {
  return Buffer.from(cid.buffer, cid.byteOffset, cid.length).toString('latin1');
}

/**
 * One socket and its demux: a datagram goes to the session of the CID its first record carries (RFC 9146), whatever
 * its address, else to the sessions of its address and port, else to the listener's {@link Admitter}. A client's
 * transport reads and places the same way, with one session (at its server's address and port) and no admitter.
 */
export class Transport<P extends Receiver = Receiver> {
  private static readonly bySocket = new WeakMap<Socket, Transport>();

  /** The one transport of `socket` (made on first use: a client's, or a test's). */
  static of(socket: Socket): Transport {
    let t = Transport.bySocket.get(socket);
    if (t === undefined) {
      t = new Transport(socket);
      Transport.bySocket.set(socket, t);
    }
    return t;
  }

  /** A listener's transport of `socket`, made now (before any session on it): `of(socket)` finds it from now on. */
  static forListener<P extends Receiver>(socket: Socket): Transport<P> {
    const t = new Transport<P>(socket);
    Transport.bySocket.set(socket, t);
    return t;
  }

  readonly socket: Socket;
  /** The datagram I/O under this transport, every session's way out ({@link DatagramIo.send}): counts, batching, observers, a fleet's divert. */
  readonly datagrams: DatagramIo;
  private readonly slots = new Map<string, Slot<P>>();
  /** Sessions by connection ID (latin1 string of its bytes), for datagrams whose records carry one. */
  private readonly cids = new Map<string, P>();
  /** The length of our CIDs (0: none, datagrams are placed by address only). */
  private cidLength = 0;
  private admitter: Admitter<P> | undefined;
  /** A client's: the name of the path its datagrams come over (its socket's local address and port), told with each. */
  private named: { readonly path: string | undefined } | undefined;
  /** The sender of the last datagram routed by CID ({@link sender}). */
  private lastSender: RemoteAddress = { address: '', port: -1 };
  /** Whether the demux hands the rest of a GRO run to the session its first datagram went to (no worker's route). */
  private runs = false;
  /** While a run is handed on: where its first datagram's CID lies in it (0: placed by address), and that datagram. */
  private runCidAt = 0;
  private runFirst: Uint8Array | undefined;
  /** Datagrams whose CID was no session's (or cut short). */
  unknownConnectionId = 0;
  /** Whether a CID is already one of this transport's sessions' (a connection never issues a duplicate). */
  readonly connectionIdTaken = (cid: Uint8Array): boolean => this.cids.has(cidKey(cid));

  private constructor(socket: Socket) {
    this.socket = socket;
    this.datagrams = DatagramIo.of(socket);
  }

  /** A listener's: reads and places every datagram from now on; `route` (a worker's) sees each first. */
  serve(
    admitter: Admitter<P>,
    options: { readonly cidLength: number; readonly lend: boolean; readonly route?: DatagramRoute },
  ): void {
    this.admitter = admitter;
    this.cidLength = options.cidLength;
    const taken = options.route;
    this.runs = taken === undefined;
    this.datagrams.receive(
      taken === undefined
        ? this.receive
        : (d, address, port, path) => {
            const routed = taken(d, address, port);
            if (routed === true) return;
            const authenticated = this.receive(d, address, port, path);
            if (routed !== false) routed(authenticated);
          },
      { lend: options.lend },
    );
  }

  /**
   * A client's: reads every datagram from now on as a listener's transport does; `session` sits at its server's address
   * and port (`remote`; a connected socket's peer as the kernel names it, once connected) and is told each came over
   * `named.path`. `lend`: protected records lent, as {@link serve}'s.
   */
  serveClient(session: P, named: { readonly path: string | undefined }, lend: boolean): void {
    const serving = this.named !== undefined;
    this.named = named;
    this.migrated(session);
    if (serving) return;
    // A connected socket's datagrams come from its peer as the kernel names it (an IPv6 literal may be written otherwise).
    this.socket.on('connect', () => this.migrated(session, pathOf(this.socket.remoteAddress())));
    this.runs = true;
    this.datagrams.receive(this.receive, { lend });
  }

  /**
   * The demux: one datagram (from the socket or a fleet's link) to the session of its CID, else of its address and
   * port. Returns the session when a record of it authenticated there after a CID lookup.
   */
  readonly receive = (d: Uint8Array, address: string, port: number, path?: string): P | undefined => {
    const at = this.cidAt(d);
    const cidLength = this.cidLength;
    if (at !== 0) {
      const cid = d.length < at + cidLength ? undefined : cidKey(d.subarray(at, at + cidLength));
      const session = cid === undefined ? undefined : this.cids.get(cid);
      if (session === undefined) {
        this.unknownConnectionId++;
        return undefined;
      }
      const from = this.sender(address, port);
      const authenticated = session.deliver(d, from);
      if (this.runs) this.handOnRun(session, d, at, cid, undefined, from, undefined);
      return authenticated ? session : undefined;
    }
    // No CID of ours: to the sessions of its address and port, else to the admitter.
    const key = path ?? `${address}|${port}`;
    const admitter = this.admitter;
    if (admitter !== undefined && admitter.waiting.paths.size > 0 && admitter.waiting.hold(key, d)) return undefined;
    const slot = this.slots.get(key);
    const hello = d[0] === HANDSHAKE ? peekClientHello(d) : undefined; // a record of a session's data goes on at once
    const over = this.named?.path;
    if (slot !== undefined && hello === undefined) {
      // Everything but a ClientHello goes to every session of the address; each drops what does not authenticate under its keys.
      const { primary, successor } = slot;
      primary?.deliver(d, undefined, over);
      successor?.deliver(d, undefined, over);
      if (this.runs && primary !== undefined && successor === undefined && (admitter?.waiting.paths.size ?? 0) === 0)
        this.handOnRun(primary, d, 0, undefined, slot, undefined, over);
      return undefined;
    }
    const known = slot !== undefined && hello !== undefined ? this.matching(slot, hello) : undefined;
    if (known !== undefined) known.deliver(d, undefined, over);
    else admitter?.unplaced(d, address, port, key, slot, hello);
    return undefined;
  };

  /**
   * The rest of `first`'s GRO run (one sender's datagrams the kernel coalesced: datagram-io.ts), each to `session` at
   * once, while the demux would place it there too: a datagram with `first`'s CID while that CID is still `session`'s
   * (`cid`), or (placed by address: `slot`) one without a CID while `session` is still the slot's only session and no
   * 0-RTT ClientHello of the address waits. The first that would go elsewhere ends the run, and the read loop hands it
   * and the rest to the demux one by one.
   */
  private handOnRun(
    session: P,
    first: Uint8Array,
    cidAt: number,
    cid: string | undefined,
    slot: Slot<P> | undefined,
    from: RemoteAddress | undefined,
    over: string | undefined,
  ): void {
    const batch = receiveBatch();
    if (batch?.nextInRun === undefined || batch.current !== first) return;
    this.runCidAt = cidAt;
    this.runFirst = first;
    const waiting = this.admitter?.waiting.paths;
    try {
      for (let n = batch.nextInRun(this.sameRoute); n >= 0; n = batch.nextInRun(this.sameRoute)) {
        // First without a view of it, where the session's connection can take it so.
        if (session.deliverNext?.(batch.buffer!, batch.position!, n, over, from) !== true)
          session.deliver(batch.lendCurrent!(), from, over);
        if (
          slot !== undefined
            ? slot.primary !== session || slot.successor !== undefined || (waiting?.size ?? 0) > 0
            : this.cids.get(cid!) !== session
        )
          return;
      }
    } finally {
      this.runFirst = undefined;
    }
  }

  /** {@link handOnRun}'s test of the run's next datagram (at `at` in `buffer`): the demux would place it as the first. */
  private readonly sameRoute = (buffer: Uint8Array, at: number, length: number): boolean => {
    const cidAt = this.runCidAt;
    const b0 = buffer[at]!;
    const n = this.cidLength;
    const withCid = n !== 0 && ((b0 & 0xe0) === 0x20 ? (b0 & 0x10) !== 0 : b0 === TLS12_CID);
    if (cidAt === 0 || !withCid) return cidAt === 0 && !withCid;
    if ((b0 === TLS12_CID ? TLS12_CID_AT : 1) !== cidAt || length < cidAt + n) return false;
    const first = this.runFirst!;
    for (let k = 0; k < n; k++) if (buffer[at + cidAt + k] !== first[cidAt + k]) return false;
    return true;
  };

  /** The sender of a datagram routed by CID: the last one's object again while it is the same (none per datagram). */
  private sender(address: string, port: number): RemoteAddress {
    const last = this.lastSender;
    return last.port === port && last.address === address ? last : (this.lastSender = { address, port });
  }

  /** Where a datagram's first record carries its CID: after a unified header's first byte, or in a tls12_cid record; 0 without one. */
  private cidAt(d: Uint8Array): number {
    const first = d[0];
    if (this.cidLength === 0 || first === undefined) return 0;
    // Unified header (001CSLEE, RFC 9147 §4) with the C bit: the CID right after the first byte. A DTLS 1.2 tls12_cid
    // record (content type 25, RFC 9146 §4): the CID after type, version, epoch and sequence number.
    return (first & 0xe0) === 0x20 && (first & 0x10) !== 0 ? 1 : first === TLS12_CID ? TLS12_CID_AT : 0;
  }

  /** Whether `d`'s first record carries a CID of a session held here (not that the record authenticates). */
  holdsConnectionId(d: Uint8Array): boolean {
    const at = this.cidAt(d);
    return at !== 0 && d.length >= at + this.cidLength && this.cids.has(cidKey(d.subarray(at, at + this.cidLength)));
  }

  get connectionIds(): number {
    return this.cids.size;
  }

  slot(key: string): Slot<P> | undefined {
    return this.slots.get(key);
  }

  /** The session of `slot` that `hello` belongs to: the one its ClientHello.random started, or a handshake that has not seen its random yet. */
  matching(slot: Slot<P>, hello: ClientHelloPeek): P | undefined {
    if (hello.random === undefined) return undefined;
    for (const p of [slot.successor, slot.primary]) {
      if (p === undefined) continue;
      const place = p.place;
      if (place.random === hello.random) return p;
      if (place.random === undefined && place.handshaking) {
        place.random = hello.random;
        return p;
      }
    }
    return undefined;
  }

  slotOf(key: string): Slot<P> {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = { primary: undefined, successor: undefined };
      this.slots.set(key, slot);
    }
    return slot;
  }

  /** A handshake completed: a successor takes its slot; returns the session it replaces, for the listener to end. */
  established(session: P): P | undefined {
    const slot = this.slots.get(session.place.key);
    if (slot?.successor !== session) return undefined;
    const old = slot.primary;
    slot.primary = session;
    slot.successor = undefined;
    return old;
  }

  /** A CID the session issued: datagrams carrying it go to the session (one of our length, never a duplicate). */
  issued(session: P, cid: Uint8Array): void {
    if (cid.length !== this.cidLength) return;
    const k = cidKey(cid);
    if (this.cids.has(k)) return; // never a duplicate: connectionIdTaken keeps the connection from issuing one
    this.cids.set(k, session);
    (session.place.cids ??= new Set()).add(k);
  }

  /** A CID the session retired: no longer placed by. */
  retired(session: P, cid: Uint8Array): void {
    const k = cidKey(cid);
    session.place.cids?.delete(k);
    if (this.cids.get(k) === session) this.cids.delete(k);
  }

  /** The session moved (to `key`): its address slot follows unless another session holds it (then its CID alone finds it). */
  migrated(session: P, key = pathOf(session.remote)): void {
    this.leaveSlot(session);
    session.place.key = key;
    const target = this.slots.get(key);
    if (target === undefined) this.slots.set(key, { primary: session, successor: undefined });
    else if (target.primary === undefined) target.primary = session;
  }

  /** The session ended: out of both tables. */
  ended(session: P): void {
    const place = session.place;
    for (const k of place.cids ?? []) if (this.cids.get(k) === session) this.cids.delete(k);
    place.cids = undefined;
    this.leaveSlot(session);
  }

  private leaveSlot(session: P): void {
    const key = session.place.key;
    const slot = this.slots.get(key);
    if (!slot) return;
    if (slot.primary === session) {
      slot.primary = slot.successor;
      slot.successor = undefined;
    } else if (slot.successor === session) slot.successor = undefined;
    if (slot.primary === undefined) this.slots.delete(key);
  }

  sessions(): P[] {
    const all: P[] = [];
    for (const s of this.slots.values()) {
      if (s.primary) all.push(s.primary);
      if (s.successor) all.push(s.successor);
    }
    return all;
  }
}
