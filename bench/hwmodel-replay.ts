/**
 * The no-simulator baseline of `bench -- hwmodel`, in the simulation's own
 * order: one simulation is recorded (every call the model makes into a
 * DtlsConnection, with its arguments, and which side and index each
 * connection is), then the same calls are replayed on fresh connections
 * built the same way (one options object per side, each connection's
 * stream and log routed to it), with no kernel, TLM or timing model. The
 * runs are deterministic for a seed (Ed25519 or noble-signed ECDSA), so the
 * replayed connections produce and accept the recorded datagrams: the
 * baseline does exactly the protocol work of the simulation, 100
 * connections open at once as in the simulation, not one after another.
 * What only the model needs is left out: the `stats` the record layer reads
 * after each call to learn the messages and records it charges for. What
 * the simulated application does is kept: a client's records are sent from
 * one buffer of its payloads made at its first send (`payloads`, as the
 * simulation's send thread makes it), not from the recorded arrays, which
 * would give the baseline its data for free.
 */
import { DtlsConnection } from '../runtime/connection/connection.js';
import { CryptoOpLog } from '../hwmodel/model/crypto-ops.js';
import { SideConnections, type EnterConnection } from '../hwmodel/model/routed-crypto.js';
import { payloads, sideConnections, type Workload } from '../hwmodel/model/scenario.js';

/** What the model calls on a connection. */
const METHODS = [
  'connect',
  'receive',
  'send',
  'close',
  'handleTimeout',
  'pollTransmit',
  'pollEvent',
  'pollTimeout',
] as const;
type Method = (typeof METHODS)[number];
export const SEND = METHODS.indexOf('send');

/** One recorded call: connection number (creation order), the method (index into METHODS), its arguments. */
interface Call {
  readonly connection: number;
  readonly method: number;
  readonly args: readonly unknown[];
}

/** A recorded simulation: its connections (side and index, in creation order) and its calls in order. */
export interface CallLog {
  readonly connections: readonly { readonly side: 'client' | 'server'; readonly index: number }[];
  readonly calls: readonly Call[];
}

/** Runs `run` with every call into a DtlsConnection recorded. */
export function recordCalls(run: () => void): CallLog {
  const connections: { side: 'client' | 'server'; index: number }[] = [];
  const calls: Call[] = [];
  const ids = new WeakMap<DtlsConnection, number>();
  let entered: { side: 'client' | 'server'; index: number } | undefined;
  const proto = DtlsConnection.prototype as unknown as Record<Method, (...args: unknown[]) => unknown>;
  const saved = {
    client: DtlsConnection.client,
    server: DtlsConnection.server,
    enterer: SideConnections.prototype.enterer,
    methods: METHODS.map((m) => proto[m]),
  };
  const created = (side: 'client' | 'server', c: DtlsConnection): DtlsConnection => {
    if (entered === undefined || entered.side !== side)
      throw new Error(`a ${side} connection was created outside its route`);
    ids.set(c, connections.length);
    connections.push(entered);
    return c;
  };
  DtlsConnection.client = (o) => created('client', saved.client(o));
  DtlsConnection.server = (o) => created('server', saved.server(o));
  SideConnections.prototype.enterer = function (this: SideConnections, index, sink): EnterConnection {
    const enter = saved.enterer.call(this, index, sink);
    const side = this.options.trustAnchors !== undefined ? 'client' : 'server'; // a client's options carry its trust anchors
    return () => {
      entered = { side, index };
      enter();
    };
  };
  METHODS.forEach((m, i) => {
    const fn = saved.methods[i]!;
    proto[m] = function (this: DtlsConnection, ...args: unknown[]): unknown {
      calls.push({ connection: ids.get(this)!, method: i, args: m === 'receive' ? [args[0], args[1]] : args });
      return fn.apply(this, args);
    };
  });
  try {
    run();
  } finally {
    DtlsConnection.client = saved.client;
    DtlsConnection.server = saved.server;
    SideConnections.prototype.enterer = saved.enterer;
    METHODS.forEach((m, i) => (proto[m] = saved.methods[i]!));
  }
  return { connections, calls };
}

/** Replays `log` on fresh connections of workload `w` (no simulator); returns the wall time, ms. */
export function replayCalls(w: Workload, log: CallLog): number {
  const t0 = performance.now();
  const sides = { client: sideConnections(w, 'client'), server: sideConnections(w, 'server') };
  const conns: {
    c: DtlsConnection;
    enter: EnterConnection;
    log: CryptoOpLog;
    side: 'client' | 'server';
    index: number;
    data?: Uint8Array;
    sent: number;
  }[] = [];
  let made = 0;
  for (const call of log.calls) {
    while (made <= call.connection && made < log.connections.length) {
      const { side, index } = log.connections[made++]!;
      const ops = new CryptoOpLog();
      const enter = sides[side].enterer(index, ops);
      enter();
      const c =
        side === 'client' ? DtlsConnection.client(sides.client.options) : DtlsConnection.server(sides.server.options);
      conns.push({ c, enter, log: ops, side, index, sent: 0 });
    }
    const conn = conns[call.connection]!;
    const c = conn.c as unknown as Record<Method, (...args: unknown[]) => unknown>;
    conn.enter();
    if (call.method === SEND && conn.side === 'client') c.send!(nextPayload(w, conn));
    else c[METHODS[call.method]!]!(...call.args);
    if (call.method <= 4) conn.log.take(); // the model takes each call's operations
  }
  const ms = performance.now() - t0;
  for (const { c } of conns)
    if (c.state !== 'closed')
      throw new Error(`replay: a connection ended ${c.state}, not closed (the replay diverged from the recording)`);
  return ms;
}

/** A client's next record, as the simulation's send thread gives it: payload n of one buffer made at the first send. */
export function nextPayload(
  w: Workload,
  conn: { readonly index: number; data?: Uint8Array; sent: number },
): Uint8Array {
  conn.data ??= payloads(w, conn.index, w.records);
  const n = conn.sent++;
  return conn.data.subarray(n * w.payloadBytes, (n + 1) * w.payloadBytes);
}
