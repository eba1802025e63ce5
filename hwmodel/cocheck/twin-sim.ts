/**
 * The closed-loop SystemC twin driven by `simulate()` itself
 * (docs/hwmodel/cocheck.md, "The twin against simulate()"): an engine
 * trace (`simulate({ engineTrace })`, offload platform) turned into the
 * twin's traffic, and `simulate()`'s own per-record outcomes read from the
 * same trace, so the twin's latencies and drops are compared with the real
 * run's, not with a reduced TypeScript path.
 *
 * What the traffic carries from the run, per datagram reaching the RX ring:
 * its arrival, connection, the records it held, the operations of its
 * crypto command (every AEAD open and mask, with their bytes), and the
 * connection's protocol work between its previous datagram's release and
 * this one (the handshake engine, the flights: the real connection's work,
 * which has no C++ counterpart). Everything the device does with it is the
 * twin's own, closed loop: the ring (drops), RX credits, pipeline slots,
 * the header cost, the key slots (its own least-recently-used slots decide
 * each key read's hit or miss, and a miss's victim, write-back, read and
 * derivation), crypto credits, the intake, DMA, the memory's cache and
 * DRAM channel, lanes and latency. The connection's datagrams go in order
 * (one worker each, as the record layer's). The rest of the run's device
 * traffic goes in at its traced times: outgoing records (a slot, the header
 * cost, the key read, their seals), the handshake engine's commands
 * (public-key and symmetric), the key installs (the twin derives, places
 * the key in its slots and writes the contexts) and the connection
 * manager's table reads. Those times, the protocol's, are replayed, not
 * computed: the twin has no DTLS state machine.
 *
 * `simulate()`'s latency of a datagram is its slot's release less its
 * arrival at the ring (the slot is given back once its records are open);
 * a datagram the ring dropped is a drop. The compared records are the
 * datagrams whose command opened a record, and the seal direction: each
 * outgoing request whose command sealed records, from the request to the
 * command's end (the run's TX ring and link come after it).
 */
import type { SimTime } from '../kernel/index.js';
import { ConfigError } from '../../runtime/config-error.js';
import type { CryptoOp } from '../model/crypto-ops.js';
import { parseEngineTrace, type TraceAccess, type TraceCommand, type TraceSlotRequest } from './engine-trace.js';
import { rawOp, TIMED_KINDS, type RawOp } from './twin-raw-ops.js';
import type { TwinOutcome } from './twin-ts.js';
import { compareTwins, type TwinComparison, type TwinTolerance } from './twin.js';

/** A description built from a run, with the run's own outcomes. */
export interface SimTwin {
  readonly engine: string;
  readonly params: ReadonlyMap<string, number>;
  /**
   * The records compared: each datagram whose command opened a record (from its arrival at the ring to its slot's
   * release) or that the ring dropped, and each outgoing request whose command sealed one (`seal`: from the request
   * to its command's end).
   */
  readonly records: readonly { readonly id: number; readonly at: SimTime; readonly seal?: boolean }[];
  /** `simulate()`'s outcome of each compared datagram. */
  readonly simulated: ReadonlyMap<number, TwinOutcome>;
  /** The text the SystemC twin reads. */
  readonly text: string;
  /** Counts of what went in: datagrams, outgoing requests, handshake commands, key installs, memory accesses, ring holders. */
  readonly counts: Readonly<Record<'inbound' | 'outbound' | 'handshake' | 'installs' | 'accesses' | 'unread', number>>;
}

/** Thrown when a trace cannot drive the twin (no record layer lines: not an offload run). */
export class SimTwinError extends ConfigError {}

/** Builds the twin's traffic from an engine trace written by `simulate()` on the offload platform. */
export function simTwinFromTrace(traceText: string): SimTwin {
  const trace = parseEngineTrace(traceText);
  if (trace.recordLayer.length === 0)
    throw new SimTwinError('trace', 'has no record layer lines: run simulate() on the offload platform');
  const params = new Map(trace.params);
  for (const need of [
    'crypto_engine.clock_period',
    'record_layer.header_cost',
    'record_layer.rx_ring_depth',
    'key_manager.derivation_cost',
    'key_manager.key_slots',
  ])
    if (!params.has(need)) throw new SimTwinError('trace', `lacks the parameter ${need}`);
  // The twin's constructor reads these; the run's connection manager is upstream of the ring (not in a record's latency).
  if (!params.has('connection_manager.table_lookup_cost')) params.set('connection_manager.table_lookup_cost', 0);

  // The operation table: one row per kind and algorithm the run used.
  const rows = new Map<string, { index: number; raw: RawOp }>();
  const opRef = (o: CryptoOp): string | undefined => {
    if (!TIMED_KINDS.has(o.kind)) return undefined;
    const key = `${o.kind}:${o.algorithm}`;
    let row = rows.get(key);
    if (row === undefined) rows.set(key, (row = { index: rows.size, raw: rawOp(trace.engine, o.kind, o.algorithm) }));
    return `${row.index}:${o.bytes}`;
  };
  const opsText = (c: TraceCommand | undefined): string => {
    const refs = (c?.ops ?? []).map(opRef).filter((r): r is string => r !== undefined);
    return `${refs.length}${refs.map((r) => ` ${r}`).join('')}`;
  };

  const commands = trace.records.filter((r): r is TraceCommand => r.kind === 'c');
  const accesses = trace.records.filter((r): r is TraceAccess => r.kind === 'm');
  const arrivals = new Map(trace.recordLayer.filter((r) => r.kind === 'r').map((r) => [r.id, r]));
  const requests = trace.recordLayer.filter((r): r is TraceSlotRequest => r.kind === 'p');
  const used = new Set<number>(); // commands attributed to a slot request
  const within = (at: SimTime, from: SimTime, to: SimTime): boolean => at >= from && at <= to;

  const lines: string[] = [`engine ${trace.engine}`, ...[...params].map(([k, v]) => `p ${k} ${v}`)];
  const body: string[] = [];
  const records: { id: number; at: SimTime; seal?: boolean }[] = [];
  const simulated = new Map<number, TwinOutcome>();
  const counts = { inbound: 0, outbound: 0, handshake: 0, installs: 0, accesses: 0, unread: 0 };
  // Per connection: the previous inbound request's release in the run.
  const lastRelease = new Map<number, SimTime>();
  const requestOf = new Map<number, TraceSlotRequest>(); // ring entry -> its request

  for (const p of requests) if (p.inbound && p.ring !== undefined) requestOf.set(p.ring, p);
  // Each slot request's command, by time window on its connection (a worker is serial). Its key read's outcome is
  // not taken from the run: the twin's own key slots decide it.
  const attribute = (p: TraceSlotRequest): { command?: TraceCommand } => {
    if (p.granted === undefined || p.hold === undefined) return {};
    const from = p.granted;
    const to = p.granted + p.hold;
    const command = commands.find((c) => c.port === 0 && c.address === p.connection && within(c.at, from, to));
    if (command !== undefined) used.add(command.id);
    return command === undefined ? {} : { command };
  };
  const recordsOf = (c: TraceCommand | undefined): number =>
    Math.max(1, c?.ops.filter((o) => o.kind === 'aead_open' || o.kind === 'aead_seal').length ?? 0);
  // Attribute every slot request first, so what is left is the run's other device traffic.
  const attributed = new Map(requests.map((p) => [p.id, attribute(p)]));
  // Per connection: when its traced protocol work ended (outgoing requests' releases, handshake commands' finishes).
  const workEnds = new Map<number, SimTime[]>();
  const work = (connection: number, end: SimTime): void => {
    let list = workEnds.get(connection);
    if (list === undefined) workEnds.set(connection, (list = []));
    list.push(end);
  };
  for (const p of requests)
    if (!p.inbound && p.granted !== undefined && p.hold !== undefined) work(p.connection, p.granted + p.hold);
  const handshakes = commands.filter((c) => !used.has(c.id));
  for (const c of handshakes) if (c.done !== undefined) work(c.address, c.done);
  /** The latest end of the connection's traced work in (from, to], or `from`. */
  const lastWork = (connection: number, from: SimTime, to: SimTime): SimTime => {
    let t = from;
    for (const e of workEnds.get(connection) ?? []) if (e > t && e <= to) t = e;
    return t;
  };

  for (const r of [...arrivals.values()].sort((a, b) => a.at - b.at || a.id - b.id)) {
    if (r.outcome === 'refused') continue;
    const p = requestOf.get(r.id);
    if (r.outcome === 'dropped' || p === undefined) {
      if (r.outcome === 'taken' && r.left !== undefined) {
        body.push(`u ${r.id} ${r.at} ${r.left}`);
        counts.unread++;
        continue;
      }
      body.push(`i ${r.id} ${r.at} ${r.connection} 1 0 0`);
      counts.inbound++;
      if (r.outcome === 'dropped') {
        records.push({ id: r.id, at: r.at });
        simulated.set(r.id, { dropped: true });
      }
      continue;
    }
    const a = attributed.get(p.id)!;
    // The connection's protocol work since its previous datagram's release: a worker busy when the datagram came
    // asked for its slot when that work ended; an idle one asked at once (its work ended by the last traced step).
    const prev = lastRelease.get(r.connection);
    let tail = 0;
    if (prev !== undefined) tail = p.at > r.at ? p.at - prev : lastWork(r.connection, prev, p.at) - prev;
    if (p.granted !== undefined && p.hold !== undefined) lastRelease.set(r.connection, p.granted + p.hold);
    body.push(`i ${r.id} ${r.at} ${r.connection} ${recordsOf(a.command)} ${tail} ${opsText(a.command)}`);
    counts.inbound++;
    if (
      a.command?.ops.some((o) => o.kind === 'aead_open') === true &&
      p.hold !== undefined &&
      p.granted !== undefined
    ) {
      records.push({ id: r.id, at: r.at });
      simulated.set(r.id, { finish: p.granted + p.hold });
    }
  }
  for (const p of requests) {
    if (p.inbound) continue;
    const a = attributed.get(p.id)!;
    body.push(`o ${p.id} ${p.at} ${p.connection} ${recordsOf(a.command)} ${opsText(a.command)}`);
    counts.outbound++;
    // The seal direction: from the request to its command's end (the run's TX ring and link come after; the twin has neither).
    if (a.command?.ops.some((o) => o.kind === 'aead_seal') === true && a.command.done !== undefined) {
      records.push({ id: p.id, at: p.at, seal: true });
      simulated.set(p.id, { finish: a.command.done });
    }
  }
  for (const c of handshakes) {
    body.push(`h ${c.id} ${c.at} ${c.address} ${opsText(c)}`);
    counts.handshake++;
  }
  // Key installs (a handshake's keys), at their traced time: the twin derives, places the key in its own slots and
  // writes the contexts. A record's miss is the twin's to find, so no other derivation and no key-context access of
  // the run goes in.
  for (const l of trace.lanes) {
    if (l.module !== 'key_manager' || l.install === undefined) continue;
    body.push(`n ${l.id} ${l.at} ${l.install} ${l.service}`);
    counts.installs++;
  }
  for (const m of accesses) {
    if (m.port === 1) continue;
    body.push(`m ${m.id} ${m.at} ${m.write ? 1 : 0} ${m.address} ${m.length}`);
    counts.accesses++;
  }
  // The operation table, filled as the lines above named its rows.
  for (const [, { index, raw }] of [...rows].sort((a, b) => a[1].index - b[1].index))
    lines.push(`x ${index} ${raw.unit} ${raw.cycles} ${raw.bytesPerCycle} ${raw.latencyCycles} ${raw.result}`);
  return {
    engine: trace.engine,
    params,
    records,
    simulated,
    text: `${[...lines, ...body].join('\n')}\n`,
    counts,
  };
}

/** The tolerance of the twin against `simulate()`: the percentiles' (TwinTolerance), and per record. */
export interface SimTwinTolerance extends TwinTolerance {
  /** Each record's finish within this many engine clock periods of the run's (or `relative` of its latency, if more) … */
  readonly recordPeriods: number;
  /** … for at least this share of the records both finished. */
  readonly recordShare: number;
}

/**
 * Set from the runs of tests/hwmodel/cocheck/device-twin-sim.test.ts (figures in
 * docs/hwmodel/cocheck.md, "The twin against simulate()"). The twin starts
 * each clocked step on an edge and moves DMA data in whole cycles, where the
 * model books in picoseconds: a record's finish moves by a few periods (57 ns,
 * 28.6 periods at 2 ns, the worst of the short ones), a percentile by less
 * (the worst, 18 periods: p99.9 of the default engine, 36 ns on 984 ns); a
 * record held for hundreds of µs behind a queue of handshakes' public-key
 * commands drifts with that queue's edges (458 ns on 214 µs, 0.2%), and four
 * sealing requests queued for a slot behind the handshake burst come out 3.9
 * to 5.9 µs early (up to 4.5%, inside the 99% share: two handshake commands
 * 0.4 ns apart swap on the symmetric lanes when the twin puts them on the
 * same clock edges, and the slot grants behind them follow). Hence
 * every percentile within 1% plus 24 periods, 99% of the records within 32
 * periods or 1% of their latency each, and drops within 1% of the records
 * compared (at least 2), for the total and for the datagrams one dropped and
 * the other did not. A wrong cost moves every record by its whole size: 10×
 * the command cycles moves p50 by 180 periods.
 */
export const SIM_TWIN_TOLERANCE: SimTwinTolerance = {
  relative: 0.01,
  periods: 24,
  drops: 0.01,
  recordPeriods: 32,
  recordShare: 0.99,
};

/** The SystemC twin's outcomes against the run's, within `tolerance`: the percentile checks, drops, and per record. */
export function compareSimTwin(
  sim: SimTwin,
  systemc: ReadonlyMap<number, TwinOutcome>,
  tolerance: SimTwinTolerance = SIM_TWIN_TOLERANCE,
): TwinComparison & { readonly worstRecord: SimTime } {
  const base = compareTwins(sim, sim.simulated, systemc, tolerance);
  let both = 0;
  let near = 0;
  let worst = 0;
  let droppedByOne = 0;
  for (const r of sim.records) {
    const a = sim.simulated.get(r.id);
    const b = systemc.get(r.id);
    if (a === undefined || b === undefined) continue;
    if ('finish' in a && 'finish' in b) {
      both++;
      const d = Math.abs(a.finish - b.finish);
      worst = Math.max(worst, d);
      if (d <= Math.max(tolerance.recordPeriods * base.period, tolerance.relative * (a.finish - r.at))) near++;
    } else if ('finish' in a || 'finish' in b) droppedByOne++;
  }
  const share = both === 0 ? 1 : near / both;
  const allowedDrops = Math.max(2, tolerance.drops * sim.records.length);
  const checks = [
    ...base.checks,
    {
      figure: 'records',
      ts: 1,
      systemc: share,
      allowed: tolerance.recordShare,
      ok: share >= tolerance.recordShare,
    },
    {
      figure: 'dropsdiff',
      ts: 0,
      systemc: droppedByOne,
      allowed: allowedDrops,
      ok: droppedByOne <= allowedDrops,
    },
  ];
  return { ...base, checks, agrees: checks.every((c) => c.ok), worstRecord: worst };
}
