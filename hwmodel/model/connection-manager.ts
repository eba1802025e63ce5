import type { SimTime, Simulator, Wait } from '../kernel/index.js';
import { GenericPayload, type Delay } from '../tlm/index.js';
import type { Module } from '../tlm/index.js';
import { ConnectionManagerSkeleton, type ConnectionManagerParams } from '../../generated/tlm/index.js';
import { computeLanes, type ModelEnv } from './env.js';
import type { Lanes } from './lanes.js';

/** Table entries are 32 bytes each from this address. */
const TABLE_BASE = 0x2000_0000;

/**
 * The connection manager: each datagram (the payload's address is the
 * connection number) costs a table lookup and a memory read of the entry;
 * a datagram for a connection not in the table takes a free entry or, with
 * the table full, is dropped and counted as refused.
 */
export class ConnectionManager extends ConnectionManagerSkeleton {
  private readonly lanes: Lanes;
  /**
   * Trace hook (the engine trace): each table lookup booked on the lane, with the ps until it finishes (-1: queued by
   * admission), the datagram's connection and whether it was received (else sent).
   */
  laneTrace: ((service: SimTime, left: SimTime, connection: number, received: boolean) => void) | undefined;
  private readonly software: boolean;
  private readonly table = new Set<number>();
  /** The table read and its delay when the memory completes it at once (read at once, kept by nobody). */
  readonly #entry = new GenericPayload();
  readonly #annotated = { value: 0 };
  /** Datagrams of new connections dropped because the table was full. */
  refused = 0;

  constructor(
    sim: Simulator,
    env: ModelEnv,
    name = 'connectionManager',
    params: Partial<ConnectionManagerParams> = {},
    parent?: Module,
  ) {
    super(sim, name, params, parent);
    this.lanes = computeLanes(env, this.fullName, 1);
    this.software = env.cpu !== undefined;
  }

  /** Frees a closed connection's entry. */
  forget(connection: number): void {
    this.table.delete(connection);
  }

  /** Takes an entry for `connection` (a client opening one); false when the table is full. */
  admit(connection: number): boolean {
    if (this.table.has(connection)) return true;
    if (this.table.size >= this.params.maxConnections) return false;
    this.table.add(connection);
    return true;
  }

  protected override bTransportNowNetworkRx(gp: GenericPayload, delay: Delay): boolean {
    return this.lookupThenNow(gp, delay, true);
  }

  protected override bTransportNowRecordsTx(gp: GenericPayload, delay: Delay): boolean {
    return this.lookupThenNow(gp, delay, false);
  }

  /**
   * `lookupThen` without a generator, where it does not wait before passing
   * the datagram on: on the software platform (no lookup of its own), when
   * the next target completes at once too. Admitting a connection into the
   * table again is a no-op, so a call declined after it leaves nothing the
   * generator would do differently.
   */
  private lookupThenNow(gp: GenericPayload, delay: Delay, received: boolean): boolean {
    if (!this.software) return false;
    if (!received) return this.networkTx.bTransportNow(gp, delay);
    if (!this.admit(gp.address)) {
      this.refused++;
      gp.responseStatus = 'generic_error';
      return true;
    }
    return this.recordsRx.bTransportNow(gp, delay);
  }

  protected bTransportNetworkRx(gp: GenericPayload, delay: Delay): Generator<Wait, void, void> {
    return this.lookupThen(gp, delay, true);
  }

  protected bTransportRecordsTx(gp: GenericPayload, delay: Delay): Generator<Wait, void, void> {
    return this.lookupThen(gp, delay, false);
  }

  /**
   * The datagram's table lookup, then the datagram on: received (admitted
   * into the table, to the record layer) or sent (to the network). One
   * generator for both steps: a lookup generator of its own was one more
   * object and level for every datagram.
   */
  private *lookupThen(gp: GenericPayload, delay: Delay, received: boolean): Generator<Wait, void, void> {
    // On the software platform the lookup is the library's own map, inside the per-record and per-message
    // figures the calibration measured; charging it again on the one CPU, from the network's delivery
    // thread, queued every datagram behind all the work booked before it.
    if (!this.software) {
      const service = this.params.tableLookupCost + delay.value;
      const left = this.lanes.book(this.sim, service);
      this.laneTrace?.(service, left, gp.address, received);
      if (left > 0) yield left;
      else if (left < 0) yield* this.lanes.serve(this.sim, service);
      delay.value = 0;
      // b_transport written out (DESIGN.md, "b_transport without a generator"); the entry's read completes at once (memory's path without a
      // generator) with the reused payload and delay, else on new ones: the generator keeps them while it waits.
      const address = TABLE_BASE + (gp.address % this.params.maxConnections) * 32;
      let annotated = this.#annotated;
      annotated.value = 0;
      if (!this.memory.bTransportNow(tableRead(this.#entry, address), annotated)) {
        annotated = { value: 0 };
        yield* this.memory.bTransport(tableRead(new GenericPayload(), address), annotated);
      }
      if (annotated.value > 0) yield annotated.value;
    }
    if (!received) {
      if (!this.networkTx.bTransportNow(gp, delay)) yield* this.networkTx.bTransport(gp, delay);
      return;
    }
    if (!this.admit(gp.address)) {
      this.refused++;
      gp.responseStatus = 'generic_error';
      return;
    }
    if (!this.recordsRx.bTransportNow(gp, delay)) yield* this.recordsRx.bTransport(gp, delay);
  }
}

/** `gp` made the read of the 32-byte table entry at `address`. */
function tableRead(gp: GenericPayload, address: number): GenericPayload {
  gp.command = 'read';
  gp.address = address;
  gp.dataLength = 32;
  gp.responseStatus = 'incomplete';
  return gp;
}
