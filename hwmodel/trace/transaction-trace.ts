/**
 * The transactions of a device's sockets as Chrome trace slices: each
 * socket tapped (`TargetSocket.tap`), each transaction a slice on its
 * module's transaction tracks with its connection, operation and bytes, and
 * a flow per datagram received linking its stages: it starts where the
 * datagram enters the device, steps through every later transaction of
 * its connection, and ends at the one that consumes it (the crypto command
 * opening its record, or the handshake engine's call). A connection's
 * worker takes its datagrams in order, so a connection's flows are kept in
 * a queue and each stage binds to the oldest still open.
 */
import type { SimTime, Simulator } from '../kernel/index.js';
import type { GenericPayload, TransportTap } from '../tlm/index.js';
import type { ChromeTraceWriter, FlowStep, TransactionArgs } from './chrome-trace.js';

/** Where a transaction stands in its datagram's flow. */
export type FlowRole = 'start' | 'step' | 'end' | 'none';

/** A socket to trace: its module's name, what a transaction carries, and its role in a flow. */
export interface TracedSocket {
  /** The process the slices go under (the module's full name). */
  readonly module: string;
  readonly socket: { tap(tap: TransportTap): void };
  describe(gp: GenericPayload): TransactionArgs & { readonly flow: FlowRole };
}

/** One transaction begun and not ended. */
interface Open {
  readonly module: string;
  readonly tracks: SimTime[];
  readonly track: number;
  readonly start: SimTime;
  /** What it carries, read when it ends (a target may add to a command's operations while it runs). */
  readonly args: () => TransactionArgs;
  /** Its place in a datagram's flow, written with the slice. */
  flow: { readonly id: number; readonly step: FlowStep } | undefined;
  /** For a cancel: its track's free time before it (undefined: the track was new), and the connection of its flow. */
  readonly before: SimTime | undefined;
  readonly connection: number | undefined;
}

export class TransactionTracer {
  readonly #sim: Simulator;
  readonly #writer: ChromeTraceWriter;
  readonly #open = new Map<number, Open>();
  /** Per connection, its datagrams' flows not yet ended, oldest first. */
  readonly #flows = new Map<number, number[]>();
  #ids = 0;
  #nextFlow = 1;

  constructor(sim: Simulator, writer: ChromeTraceWriter, sockets: readonly TracedSocket[]) {
    this.#sim = sim;
    this.#writer = writer;
    // Tracks of one module: each one's free time (Infinity while a transaction on it has not ended).
    const tracksOf = new Map<string, SimTime[]>();
    for (const s of sockets) {
      let tracks = tracksOf.get(s.module);
      if (tracks === undefined) tracksOf.set(s.module, (tracks = []));
      const owned = tracks;
      s.socket.tap({
        begin: (gp, delay) => this.#begin(s, owned, gp, delay),
        end: (id, at) => this.#end(id, at),
        cancel: (id) => this.#cancel(id),
      });
    }
  }

  #begin(s: TracedSocket, tracks: SimTime[], gp: GenericPayload, delay: SimTime): number {
    const start = this.#sim.now + delay;
    // Strictly after: a flow event at a slice's start must not also lie at the end of the one before it on the track.
    let track = tracks.findIndex((free) => free < start);
    const before = track < 0 ? undefined : tracks[track];
    if (track < 0) track = tracks.push(0) - 1;
    tracks[track] = Number.POSITIVE_INFINITY;
    const { flow, connection: c } = s.describe(gp);
    const id = this.#ids++;
    const args = (): TransactionArgs => {
      const { flow: _flow, ...carried } = s.describe(gp);
      return carried;
    };
    const inFlow = c !== undefined && flow !== 'none' ? this.#flow(c, flow) : undefined;
    this.#open.set(id, { module: s.module, tracks, track, start, args, flow: inFlow, before, connection: c });
    return id;
  }

  /** Undoes the last `#begin` (a declined path without a generator): its track, its flow's place, its id. */
  #cancel(id: number): void {
    const o = this.#open.get(id);
    if (o === undefined || id !== this.#ids - 1)
      throw new Error(`transaction trace: cancel of ${id}, not the last transaction begun`);
    this.#open.delete(id);
    this.#ids--;
    if (o.before === undefined) o.tracks.pop();
    else o.tracks[o.track] = o.before;
    const flows = o.connection === undefined ? undefined : this.#flows.get(o.connection);
    if (o.flow?.step === 's') {
      flows?.pop();
      this.#nextFlow--;
    } else if (o.flow?.step === 'f') flows?.unshift(o.flow.id);
  }

  /** The flow a transaction of `connection` in role `role` belongs to, and its step in it. */
  #flow(connection: number, role: Exclude<FlowRole, 'none'>): { id: number; step: FlowStep } | undefined {
    let open = this.#flows.get(connection);
    if (role === 'start') {
      if (open === undefined) this.#flows.set(connection, (open = []));
      const id = this.#nextFlow++;
      open.push(id);
      return { id, step: 's' };
    }
    const id = open?.[0];
    if (id === undefined) return undefined;
    if (role === 'end') open!.shift();
    return { id, step: role === 'end' ? 'f' : 't' };
  }

  #end(id: number, at: SimTime): void {
    const o = this.#open.get(id);
    if (o === undefined) return;
    this.#open.delete(id);
    const finish = Math.max(at, o.start);
    o.tracks[o.track] = finish;
    const label = `transactions ${o.track}`;
    this.#writer.transaction(o.module, o.track, label, o.start, finish, o.args());
    // In the middle of its slice: a reader binding it to the slice open on the track at that instant finds this one, not the one before.
    if (o.flow !== undefined)
      this.#writer.flow(o.flow.id, o.flow.step, o.module, o.track, label, o.start + (finish - o.start) / 2);
  }
}
