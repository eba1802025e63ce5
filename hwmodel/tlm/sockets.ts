import type { Wait } from '../kernel/index.js';
import { BToNbAdapter } from './b-to-nb-adapter.js';
import type { GenericPayload } from './generic-payload.js';
import { claimName, type Module } from './module.js';
import { NbToBAdapter } from './nb-to-b-adapter.js';
import type { Delay, PhaseRef, SyncEnum } from './phase.js';
import { TlmError } from './tlm-error.js';
import type { BTransportFn, BTransportNowFn, NbTransportFn, TransportDbgFn } from './transport.js';
import type { TransportTap } from './transport-tap.js';

/** The forward interface a target socket exports: its registered callbacks. */
interface FwTable {
  bTransport: BTransportFn | undefined;
  bTransportNow: BTransportNowFn | undefined;
  nbTransportFw: NbTransportFn | undefined;
  transportDbg: TransportDbgFn | undefined;
}

/** The backward interface an initiator socket exports. */
interface BwTable {
  nbTransportBw: NbTransportFn | undefined;
}

/** Set up by TargetSocket's static block: lets `bind` reach the target's private state. */
let linkTarget: (target: TargetSocket, initiator: InitiatorSocket) => FwTable;
/** Set up by InitiatorSocket's static block: lets the target reach the initiator's backward table. */
let linkInitiator: (initiator: InitiatorSocket) => BwTable;

/**
 * An initiator socket (tlm_initiator_socket with the registration style of
 * tlm_utils::simple_initiator_socket, IEEE 1666-2011 §13, §16.1): the forward
 * calls (`bTransport`, `nbTransportFw`, `transportDbg`) go to the one bound
 * target socket; backward calls arrive at the callback given to
 * `registerNbTransportBw`. Created with its owner module and a name;
 * `fullName` is `owner.fullName + '.' + name`.
 */
export class InitiatorSocket {
  /** The module the socket belongs to. */
  readonly owner: Module;
  /** The socket's own name. */
  readonly name: string;
  /** `owner.fullName.name`, used in every error. */
  readonly fullName: string;
  #target: TargetSocket | undefined;
  #fw: FwTable | undefined;
  readonly #bw: BwTable = { nbTransportBw: undefined };
  /** What an unconsumed b_transport generator is reported as (made once, not per call). */
  readonly #bTransportName: string;

  constructor(owner: Module, name: string) {
    this.owner = owner;
    this.name = name;
    this.fullName = claimName(owner, owner.fullName, name, 'socket');
    this.#bTransportName = `${this.fullName}.bTransport`;
  }

  /** The bound target socket, or undefined. */
  get peer(): TargetSocket | undefined {
    return this.#target;
  }

  /** True once bound. */
  get isBound(): boolean {
    return this.#target !== undefined;
  }

  /** Binds to `target` (once; either socket already bound throws `TlmError` naming it). */
  bind(target: TargetSocket): void {
    if (!(target instanceof TargetSocket)) throw new TlmError(this.fullName, 'can only be bound to a TargetSocket');
    if (this.#target !== undefined)
      throw new TlmError(
        this.fullName,
        `is already bound to ${this.#target.fullName}; cannot bind it to ${target.fullName}`,
      );
    if (target.owner.sim !== this.owner.sim)
      throw new TlmError(this.fullName, `cannot bind to ${target.fullName}, which belongs to another simulator`);
    this.#fw = linkTarget(target, this);
    this.#target = target;
  }

  /** Registers the backward nb_transport callback (replaces an earlier one). */
  registerNbTransportBw(fn: NbTransportFn): void {
    this.#bw.nbTransportBw = fn;
  }

  /**
   * b_transport: returns the target's generator; run it with
   * `yield* socket.bTransport(gp, delay)` from a thread. Throws `TlmError`
   * naming the socket when unbound or when the target registered no b_transport.
   */
  bTransport(gp: GenericPayload, delay: Delay): Generator<Wait, void, void> {
    const fn = (this.#fw ?? this.#unbound()).bTransport;
    if (fn === undefined) throw this.#missing('b_transport');
    return this.owner.sim.watchConsumed(fn(gp, delay), this.#bTransportName);
  }

  /**
   * b_transport without a generator (see `BTransportNowFn`): true when the
   * target completed the call at once, the time left to wait added to
   * `delay.value` (wait it right after); false, nothing done, when it must
   * run as `yield* bTransport(gp, delay)` (or registered no such path).
   * The hot paths write
   * `if (!socket.bTransportNow(gp, delay)) yield* socket.bTransport(gp, delay); if (delay.value > 0) yield delay.value;`.
   * Throws `TlmError` naming the socket when unbound.
   */
  bTransportNow(gp: GenericPayload, delay: Delay): boolean {
    const fn = (this.#fw ?? this.#unbound()).bTransportNow;
    return fn !== undefined && fn(gp, delay);
  }

  /** nb_transport_fw: the target may change `phase.value` and `delay.value` in place. */
  nbTransportFw(gp: GenericPayload, phase: PhaseRef, delay: Delay): SyncEnum {
    const fn = (this.#fw ?? this.#unbound()).nbTransportFw;
    if (fn === undefined) throw this.#missing('nb_transport_fw');
    return fn(gp, phase, delay);
  }

  /** transport_dbg: bytes moved; 0 when the target registered none (as simple_target_socket). */
  transportDbg(gp: GenericPayload): number {
    const fn = (this.#fw ?? this.#unbound()).transportDbg;
    return fn === undefined ? 0 : fn(gp);
  }

  /** The backward table, for the bound target socket. */
  static {
    linkInitiator = (initiator) => initiator.#bw;
  }

  #unbound(): never {
    throw new TlmError(this.fullName, 'initiator socket is not bound');
  }

  #missing(what: string): TlmError {
    return new TlmError(this.fullName, `target ${this.#target?.fullName ?? '?'} registered no ${what}`);
  }
}

/**
 * A target socket (tlm_target_socket with the registration style of
 * tlm_utils::simple_target_socket): the owner registers the forward callbacks
 * (`registerBTransport`, `registerNbTransportFw`, `registerTransportDbg`) and
 * sends backward calls with `nbTransportBw`. One initiator may bind to it.
 */
export class TargetSocket {
  /** The module the socket belongs to. */
  readonly owner: Module;
  /** The socket's own name. */
  readonly name: string;
  /** `owner.fullName.name`, used in every error. */
  readonly fullName: string;
  #initiator: InitiatorSocket | undefined;
  #bw: BwTable | undefined;
  readonly #fw: FwTable = {
    bTransport: undefined,
    bTransportNow: undefined,
    nbTransportFw: undefined,
    transportDbg: undefined,
  };
  /** Set when b_transport is served through nb_transport_fw. */
  #adapter: BToNbAdapter | undefined;

  constructor(owner: Module, name: string) {
    this.owner = owner;
    this.name = name;
    this.fullName = claimName(owner, owner.fullName, name, 'socket');
  }

  /** The bound initiator socket, or undefined. */
  get peer(): InitiatorSocket | undefined {
    return this.#initiator;
  }

  /** True once bound. */
  get isBound(): boolean {
    return this.#initiator !== undefined;
  }

  /** Binds to `initiator`; the same as `initiator.bind(this)`. */
  bind(initiator: InitiatorSocket): void {
    if (!(initiator instanceof InitiatorSocket))
      throw new TlmError(this.fullName, 'can only be bound to an InitiatorSocket');
    initiator.bind(this);
  }

  /**
   * Registers the b_transport callback (replaces an earlier one, and the nb
   * adapter). When no nb_transport_fw is registered, nb_transport_fw calls
   * are then served through it (see `NbToBAdapter`).
   */
  registerBTransport(fn: BTransportFn): void {
    const fw = this.#fw;
    fw.bTransport = fn;
    this.#adapter = undefined;
    if (fw.nbTransportFw === undefined) {
      const adapter = new NbToBAdapter(
        this.owner.sim,
        this.fullName,
        () => fw.bTransport!,
        (gp, phase, delay) => this.nbTransportBw(gp, phase, delay),
      );
      fw.nbTransportFw = (gp, phase, delay) => adapter.nbTransportFw(gp, phase, delay);
    }
  }

  /**
   * Registers the b_transport path without a generator (`BTransportNowFn`),
   * beside the generator registered by `registerBTransport`: the initiator
   * tries it first and runs the generator when it returns false.
   */
  registerBTransportNow(fn: BTransportNowFn): void {
    this.#fw.bTransportNow = fn;
  }

  /**
   * Registers the forward nb_transport callback. When no b_transport is
   * registered, b_transport calls are then served through it (see
   * `BToNbAdapter`).
   */
  registerNbTransportFw(fn: NbTransportFn): void {
    const fw = this.#fw;
    fw.nbTransportFw = fn;
    if (fw.bTransport === undefined) {
      const adapter = new BToNbAdapter(this.owner.sim, this.fullName, (gp, phase, delay) =>
        fw.nbTransportFw!(gp, phase, delay),
      );
      this.#adapter = adapter;
      fw.bTransport = (gp, delay) => adapter.bTransport(gp, delay);
    }
  }

  /** Registers the transport_dbg callback. */
  registerTransportDbg(fn: TransportDbgFn): void {
    this.#fw.transportDbg = fn;
  }

  /**
   * Observes every transaction this socket receives from now on (the
   * callbacks registered so far are wrapped: tap after the owner has
   * registered them): b_transport (both paths) and nb_transport_fw's
   * BEGIN_REQ begin one, b_transport's return or the BEGIN_RESP (or early
   * completion) ends it. For tracing a workload (the engine trace).
   */
  tap(tap: TransportTap): void {
    const fw = this.#fw;
    const sim = this.owner.sim;
    const b = fw.bTransport;
    if (b !== undefined) {
      fw.bTransport = function* (gp, delay) {
        const id = tap.begin(gp, delay.value, true);
        yield* b(gp, delay);
        tap.end(id, sim.now + delay.value);
      };
    }
    const now = fw.bTransportNow;
    if (now !== undefined) {
      // Begun before the call, as on the generator path: what the target calls on (a nested tapped socket) begins after it.
      fw.bTransportNow = (gp, delay) => {
        const id = tap.begin(gp, delay.value, true);
        if (!now(gp, delay)) {
          tap.cancel(id);
          return false;
        }
        tap.end(id, sim.now + delay.value);
        return true;
      };
    }
    const nb = fw.nbTransportFw;
    if (nb !== undefined) {
      fw.nbTransportFw = (gp, phase, delay) => {
        if (phase.value !== 'BEGIN_REQ') return nb(gp, phase, delay);
        const id = tap.begin(gp, delay.value, false);
        const r = nb(gp, phase, delay);
        const after: string = phase.value;
        if (r === 'TLM_COMPLETED' || (r === 'TLM_UPDATED' && after === 'BEGIN_RESP'))
          tap.end(id, sim.now + delay.value);
        else {
          // Taps stack (each wraps the last): every one of them waits for this transaction's BEGIN_RESP.
          const open = this.#tapped.get(gp);
          if (open === undefined) this.#tapped.set(gp, [{ tap, id }]);
          else open.push({ tap, id });
        }
        return r;
      };
    }
  }

  /** Non-blocking transactions a tap has seen begin and not end. */
  readonly #tapped = new Map<GenericPayload, { readonly tap: TransportTap; readonly id: number }[]>();

  /** nb_transport_bw: the initiator may change `phase.value` and `delay.value` in place. */
  nbTransportBw(gp: GenericPayload, phase: PhaseRef, delay: Delay): SyncEnum {
    if (phase.value === 'BEGIN_RESP' && this.#tapped.size > 0) {
      const open = this.#tapped.get(gp);
      if (open !== undefined) {
        this.#tapped.delete(gp);
        for (const t of open) t.tap.end(t.id, this.owner.sim.now + delay.value);
      }
    }
    const bw = this.#bw;
    if (bw === undefined) throw new TlmError(this.fullName, 'target socket is not bound');
    const fn = bw.nbTransportBw;
    const adapter = this.#adapter;
    if (adapter !== undefined && adapter.inFlight > 0) {
      const handled = adapter.onBw(gp, phase, delay);
      if (handled !== undefined) return handled;
    }
    if (fn === undefined)
      throw new TlmError(this.fullName, `initiator ${this.#initiator?.fullName ?? '?'} registered no nb_transport_bw`);
    return fn(gp, phase, delay);
  }

  static {
    linkTarget = (target, initiator) => {
      if (target.#initiator !== undefined) {
        throw new TlmError(
          target.fullName,
          `is already bound to ${target.#initiator.fullName}; cannot bind it to ${initiator.fullName}`,
        );
      }
      target.#initiator = initiator;
      target.#bw = linkInitiator(initiator);
      return target.#fw;
    };
  }
}
