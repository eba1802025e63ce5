/**
 * The closed-loop SystemC twin driven by `simulate()` itself
 * (docs/hwmodel/cocheck.md, "The twin against simulate()"): an engine
 * trace (`simulate({ engineTrace })`, offload platform) turned into the
 * twin's traffic, and `simulate()`'s own per-record outcomes read from the
 * same trace, so the twin's latencies and drops are compared with the real
 * run's, not with a reduced TypeScript path.
 *
 * What the traffic carries from the run is what the DTLS state machine and
 * the peers decided, never when the device did it: per datagram reaching
 * the RX ring, its arrival, connection, records and the operations of its
 * crypto command (every AEAD open and mask, with their bytes); per call of
 * a connection's worker, what followed the datagram: the handshake work
 * (its messages, the operations of its crypto command, the keys it
 * installs) and the outgoing records (their datagrams and seals). The twin
 * runs all of it itself, closed loop, on the connection's one worker (in
 * order, as the record layer's): the ring (drops), RX credits, pipeline
 * slots, the header cost, its own least-recently-used key slots (each key
 * read's hit or miss, a miss's victim, write-back, read and derivation),
 * crypto credits, the intake, DMA, the memory's cache and DRAM channel,
 * lanes and latency, then the handshake engine's lanes (`message_cost` a
 * message), the handshake's command, its key installs (derived, placed in
 * the twin's slots, contexts written), and the outgoing records (a slot,
 * the header cost, the key read, their seals, the connection manager's
 * lookup and table read per datagram). So a cost that is wrong on one side
 * moves the whole chain on that side only: the handshakes, the flights
 * and the records queued behind them.
 *
 * What stays the run's: the arrivals at the ring (the peers' and the
 * links'), the connection manager's lookups and table reads of received
 * datagrams (upstream of the ring, at their traced times, on the twin's
 * lookup lane), and the calls a timer made (a retransmission: none in these
 * workloads), which start at their traced time on the connection's worker
 * (`counts.timed`).
 *
 * The outgoing records end on the wire: each datagram takes a TX credit
 * (`tx_credits`, in arrival order: the worker and its slot wait), then a
 * slot of the TX ring (dropped at a full one, which only credits above
 * `tx_ring_depth` allow), then the connection manager's lookup and table
 * read, then the egress link (`network_channel.bandwidth`, first in first
 * out, its bytes and 28 of headers); the slot and the credit come back when
 * the link has serialized it. Which datagram carries what is the run's
 * (`t` lines: the request and the bytes); when it leaves, the twin's.
 *
 * `simulate()`'s latency of a datagram is its slot's release less its
 * arrival at the ring (the slot is given back once its records are open);
 * a datagram the ring dropped is a drop. Two comparisons: to the command's
 * end (`records`: the datagrams whose command opened a record, and each
 * outgoing request whose command sealed records, from the request to the
 * command's end) and to the wire (`wire`: the same opened records, and each
 * outgoing datagram from its request to the link's end of it, or its drop
 * at the TX ring).
 */
import type { SimTime } from '../kernel/index.js';
import { ConfigError } from '../../runtime/config-error.js';
import type { CryptoOp } from '../model/crypto-ops.js';
import {
  parseEngineTrace,
  type TraceAccess,
  type TraceCommand,
  type TraceHandshakeWork,
  type TraceSent,
  type TraceSlotRequest,
} from './engine-trace.js';
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
  /**
   * The records compared to the wire: the opened datagrams and the ring's drops as in `records`, and each outgoing
   * datagram (`seal`), from its request to the end of its serialization on the egress link, or dropped at the TX ring.
   */
  readonly wire: readonly { readonly id: number; readonly at: SimTime; readonly seal?: boolean }[];
  /** `simulate()`'s outcome of each compared datagram (and of each outgoing one, by its `t` line's id). */
  readonly simulated: ReadonlyMap<number, TwinOutcome>;
  /** The text the SystemC twin reads. */
  readonly text: string;
  /**
   * Counts of what went in: datagrams, outgoing requests, handshake work, received datagrams' lookups and memory
   * accesses (replayed), ring holders, and the calls that start at their traced time (a timer's) rather than after
   * the datagram that caused them.
   */
  readonly counts: Readonly<
    Record<'inbound' | 'outbound' | 'sent' | 'handshake' | 'lookups' | 'accesses' | 'unread' | 'timed', number>
  >;
}

/** Thrown when a trace cannot drive the twin (no record layer lines: not an offload run). */
export class SimTwinError extends ConfigError {}

/** One step of a connection's worker after a datagram: its `i` line's id or a handshake work's, and when it ended. */
interface ChainEnd {
  readonly id: number;
  readonly kind: 'i' | 'h' | 'o';
  /** An inbound call's release; a handshake work's: whether a flight follows. */
  readonly end?: SimTime;
  readonly flight?: boolean;
}

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
    'record_layer.tx_ring_depth',
    'record_layer.tx_credits',
    'network_channel.bandwidth',
    'network_channel.mtu',
    'key_manager.derivation_cost',
    'key_manager.key_slots',
    'connection_manager.table_lookup_cost',
    'connection_manager.max_connections',
    'handshake_engine.message_cost',
    'handshake_engine.concurrent_handshakes',
  ])
    if (!params.has(need)) throw new SimTwinError('trace', `lacks the parameter ${need}`);

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
  const used = new Set<number>(); // commands attributed to a slot request or a handshake work
  const within = (at: SimTime, from: SimTime, to: SimTime): boolean => at >= from && at <= to;

  const lines: string[] = [`engine ${trace.engine}`, ...[...params].map(([k, v]) => `p ${k} ${v}`)];
  const body: string[] = [];
  const records: { id: number; at: SimTime; seal?: boolean }[] = [];
  const wire: { id: number; at: SimTime; seal?: boolean }[] = [];
  const simulated = new Map<number, TwinOutcome>();
  const counts = { inbound: 0, outbound: 0, sent: 0, handshake: 0, lookups: 0, accesses: 0, unread: 0, timed: 0 };
  // Each outgoing request's datagrams at the TX ring, in the order they asked for a credit.
  const sentOf = new Map<number, TraceSent[]>();
  for (const d of trace.sent) {
    if (d.request === undefined) continue;
    let list = sentOf.get(d.request);
    if (list === undefined) sentOf.set(d.request, (list = []));
    list.push(d);
  }
  const requestOf = new Map<number, TraceSlotRequest>(); // ring entry -> its request
  for (const p of requests) if (p.inbound && p.ring !== undefined) requestOf.set(p.ring, p);

  // Each slot request's command (the record layer's port 0), by time window on its connection (a worker is serial).
  // Its key read's outcome is not taken from the run: the twin's own key slots decide it.
  const commandOf = new Map<number, TraceCommand>();
  for (const p of requests) {
    if (p.granted === undefined || p.hold === undefined) continue;
    const from = p.granted;
    const to = p.granted + p.hold;
    const c = commands.find((x) => x.port === 0 && x.address === p.connection && within(x.at, from, to));
    if (c === undefined) continue;
    used.add(c.id);
    commandOf.set(p.id, c);
  }
  // Each handshake work's command (the handshake engine's port 1): the connection's next one from its lane's end.
  const workCommand = new Map<number, TraceCommand>();
  for (const w of trace.handshakes) {
    const c = commands.find(
      (x) => x.port === 1 && !used.has(x.id) && x.address === w.connection && x.at >= (w.done ?? w.at),
    );
    if (c === undefined || (w.done !== undefined && c.at !== w.done)) continue; // no operations: no command
    used.add(c.id);
    workCommand.set(w.id, c);
  }
  const recordsOf = (c: TraceCommand | undefined): number =>
    Math.max(1, c?.ops.filter((o) => o.kind === 'aead_open' || o.kind === 'aead_seal').length ?? 0);
  // The outgoing datagrams' lookups are the twin's own (the k-th table read is the k-th lookup's: one lane, in order).
  const lookups = trace.lanes.filter((l) => l.module === 'connection_manager');
  const tableReads = accesses.filter((m) => m.port === 0);
  const sentReads = new Set<number>();
  lookups.forEach((l, k) => {
    const m = tableReads[k];
    if (l.direction === 'tx' && m !== undefined) sentReads.add(m.id);
  });

  // Per connection, its worker's steps in the order they began: each handshake work and outgoing request follows
  // the step it came from (a datagram's release, or a handshake work with a flight), or starts at its traced time.
  type Step = TraceSlotRequest | TraceHandshakeWork;
  const steps = new Map<number, Step[]>();
  for (const x of [...requests, ...trace.handshakes].sort((a, b) => a.id - b.id)) {
    let list = steps.get(x.connection);
    if (list === undefined) steps.set(x.connection, (list = []));
    list.push(x);
  }
  const inboundOf = new Map<number, number>(); // slot request -> the `i` line's id (its ring entry)
  for (const [ring, p] of requestOf) inboundOf.set(p.id, ring);
  for (const list of steps.values()) {
    let last: ChainEnd | undefined;
    for (const x of list) {
      if (x.kind === 'p' && x.inbound) {
        const i = inboundOf.get(x.id);
        last =
          i === undefined || x.granted === undefined || x.hold === undefined
            ? undefined
            : { id: i, kind: 'i', end: x.granted + x.hold };
        continue;
      }
      let after: number | undefined;
      if (x.kind === 'w') {
        if (last?.kind === 'i' && x.at === last.end) after = last.id;
        const c = workCommand.get(x.id);
        body.push(
          `h ${x.id} ${after ?? '-'} ${x.at} ${x.connection} ${x.messages} ${x.installs} ${c === undefined ? '0' : opsText(c)}`,
        );
        counts.handshake++;
        last = { id: x.id, kind: 'h', flight: x.flight };
      } else {
        if (last?.kind === 'h' && last.flight === true) after = last.id;
        else if (last?.kind === 'i' && x.at === last.end) after = last.id;
        const c = commandOf.get(x.id);
        body.push(`o ${x.id} ${after ?? '-'} ${x.at} ${x.connection} ${x.datagrams ?? recordsOf(c)} ${opsText(c)}`);
        counts.outbound++;
        // Its datagrams (which bytes, the run's; when they leave, the twin's), compared to the wire from the request.
        for (const d of sentOf.get(x.id) ?? []) {
          body.push(`t ${d.id} ${x.id} ${d.bytes}`);
          counts.sent++;
          wire.push({ id: d.id, at: x.at, seal: true });
          simulated.set(d.id, d.wire === undefined ? { dropped: true } : { finish: d.wire });
        }
        // The seal direction: from the request to its command's end (the run's TX ring and link come after).
        if (c?.ops.some((o) => o.kind === 'aead_seal') === true && c.done !== undefined) {
          records.push({ id: x.id, at: x.at, seal: true });
          simulated.set(x.id, { finish: c.done });
        }
        last = { id: x.id, kind: 'o' };
      }
      if (after === undefined) counts.timed++;
    }
  }
  // A handshake command no work line names (none on the offload platform): at its traced time.
  for (const c of commands) {
    if (used.has(c.id)) continue;
    body.push(`h ${c.id} - ${c.at} ${c.address} 0 0 ${opsText(c)}`);
    counts.handshake++;
    counts.timed++;
  }

  for (const r of [...arrivals.values()].sort((a, b) => a.at - b.at || a.id - b.id)) {
    if (r.outcome === 'refused') continue;
    const p = requestOf.get(r.id);
    if (r.outcome === 'dropped' || p === undefined) {
      if (r.outcome === 'taken' && r.left !== undefined) {
        body.push(`u ${r.id} ${r.at} ${r.left}`);
        counts.unread++;
        continue;
      }
      body.push(`i ${r.id} ${r.at} ${r.connection} 1 0`);
      counts.inbound++;
      if (r.outcome === 'dropped') {
        records.push({ id: r.id, at: r.at });
        simulated.set(r.id, { dropped: true });
      }
      continue;
    }
    const c = commandOf.get(p.id);
    body.push(`i ${r.id} ${r.at} ${r.connection} ${recordsOf(c)} ${opsText(c)}`);
    counts.inbound++;
    if (c?.ops.some((o) => o.kind === 'aead_open') === true && p.hold !== undefined && p.granted !== undefined) {
      records.push({ id: r.id, at: r.at });
      simulated.set(r.id, { finish: p.granted + p.hold });
    }
  }
  // Received datagrams' lookups and table reads, upstream of the ring: at their traced times.
  for (const l of lookups) {
    if (l.direction === 'tx') continue;
    body.push(`L ${l.id} ${l.at} ${l.service}`);
    counts.lookups++;
  }
  for (const m of tableReads) {
    if (sentReads.has(m.id)) continue;
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
    wire: [...records.filter((r) => r.seal !== true), ...wire],
    simulated,
    text: `${[...lines, ...body].join('\n')}\n`,
    counts,
  };
}

/** The same run compared to the wire: its `wire` records in place of `records`. */
export function simTwinToWire(sim: SimTwin): SimTwin {
  return { ...sim, records: sim.wire };
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
