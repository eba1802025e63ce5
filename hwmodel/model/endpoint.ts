import type { SimEvent } from '../kernel/index.js';
import { GenericPayload, type Delay } from '../tlm/index.js';
import type { DtlsConnection } from '../../runtime/connection/connection.js';
import { CryptoCommand, HandshakeWork, NONE } from './commands.js';
import type { CryptoOp, CryptoOpLog } from './crypto-ops.js';
import type { EnterConnection } from './routed-crypto.js';

/** One connection the record layer serves: the real connection, its operation log, and what waits for its worker. */
export interface Endpoint {
  readonly index: number;
  readonly connection: DtlsConnection;
  readonly log: CryptoOpLog;
  /** Routes the shared provider's randomness and log to this connection: called before every call into it. */
  readonly enter: EnterConnection;
  /** Datagrams received, not yet processed. */
  readonly inbox: Uint8Array[];
  /** Application data from the host, not yet sent. */
  readonly sends: Uint8Array[];
  /** Notified when something arrives for the worker. */
  readonly wake: SimEvent;
  /** Client endpoints start the handshake when their worker starts (cleared once it has). */
  initiate: boolean;
  /** Counters at the end of the previous call, for the deltas of the next. */
  readonly seen: { messages: number; records: number };
  /**
   * The worker's last real call: datagrams it received (0 or 1), whether
   * it was `send`; the instant of its last timeout call; whether no call
   * was charged yet (the first carries the connection's creation).
   */
  readonly call: { received: number; sent: boolean; lastTimeout: number; first: boolean };
  /** The host asked for close_notify once the queued data is sent. */
  closing: boolean;
  done: boolean;
  /** What the worker reuses from call to call (see {@link CallScratch}). */
  readonly scratch: CallScratch;
}

/**
 * The payloads a worker sends to the key manager, the crypto engine and the
 * handshake engine, and its delay, reused from call to call: one worker
 * makes one call at a time, and no target keeps a payload past its
 * b_transport. (Datagram payloads are new each time: the network holds
 * them until delivery.) The operation and datagram arrays are refilled
 * by each call; nothing reads them after the call that filled them.
 */
export interface CallScratch {
  readonly key: GenericPayload;
  /** Carries `command` as a sticky extension. */
  readonly crypto: GenericPayload;
  readonly command: CryptoCommand;
  /** Carries `work` as a sticky extension. */
  readonly handshake: GenericPayload;
  readonly work: HandshakeWork;
  /** The delay of the key, crypto and datagram calls. */
  readonly delay: Delay;
  /** The delay of the handshake engine's call (its flight's records go out inside it, on `delay`). */
  readonly handshakeDelay: Delay;
  /**
   * A call's operations sorted: records received, handshake work (its
   * records sent are `out.ops`). Each list is its store's first entries, or
   * an empty array of its own when there are none (the stores are refilled,
   * never emptied: see `RecordLayer.sortCall`).
   */
  inbound: readonly CryptoOp[];
  readonly inboundStore: CryptoOp[];
  handshakeOps: readonly CryptoOp[];
  readonly handshakeStore: CryptoOp[];
  /** A call's datagrams and their seals and masks, for the connection manager (lists and stores as above). */
  readonly out: {
    readonly connection: number;
    ops: readonly CryptoOp[];
    readonly opsStore: CryptoOp[];
    datagrams: readonly Uint8Array[];
    readonly datagramStore: Uint8Array[];
  };
  readonly plan: CallPlan;
}

/** What one real call asks of the device, beside the sorted operations. */
export interface CallPlan {
  /** The records received: record processing (and socket) time, ps; -1 when the call received nothing to open. */
  inboundService: number;
  /** Handshake messages the call consumed and built. */
  messages: number;
  /** Traffic keys it installed. */
  keys: number;
}

/** A worker's reused payloads (see {@link CallScratch}) for connection `index`. */
export function newScratch(index: number): CallScratch {
  const key = new GenericPayload();
  key.command = 'read';
  key.address = index;
  const crypto = new GenericPayload();
  crypto.command = 'write';
  crypto.address = index;
  const command = new CryptoCommand();
  crypto.setExtension(command);
  const handshake = new GenericPayload();
  handshake.command = 'write';
  handshake.address = index;
  const work = new HandshakeWork();
  work.connection = index;
  handshake.setExtension(work);
  return {
    key,
    crypto,
    command,
    handshake,
    work,
    delay: { value: 0 },
    handshakeDelay: { value: 0 },
    inbound: NONE,
    inboundStore: [],
    handshakeOps: NONE,
    handshakeStore: [],
    out: { connection: index, ops: NONE, opsStore: [], datagrams: NONE, datagramStore: [] },
    plan: { inboundService: -1, messages: 0, keys: 0 },
  };
}

/** The handshake engine's work for the call `plan` describes, ready for b_transport with a zero delay. */
export function handshakeWork(scratch: CallScratch, plan: CallPlan): GenericPayload {
  const gp = scratch.handshake;
  gp.responseStatus = 'incomplete';
  const work = scratch.work;
  work.messages = plan.messages;
  work.ops = scratch.handshakeOps;
  work.keysInstalled = plan.keys;
  work.outbound = scratch.out;
  scratch.handshakeDelay.value = 0;
  return gp;
}

/** The key read of a record (the record's traffic key), ready for b_transport with a zero delay. */
export function keyRead(scratch: CallScratch): GenericPayload {
  scratch.key.responseStatus = 'incomplete';
  scratch.delay.value = 0;
  return scratch.key;
}

/** One crypto command for `ops`, ready for b_transport with a zero delay. */
export function cryptoCommand(scratch: CallScratch, ops: readonly CryptoOp[]): GenericPayload {
  scratch.command.ops = ops;
  scratch.crypto.responseStatus = 'incomplete';
  scratch.delay.value = 0;
  return scratch.crypto;
}
