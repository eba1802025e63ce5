/**
 * The model that answers `dtls13 size` checked: the record-level flow model
 * (hwmodel/sizing/workload/flow-model.ts) and its SystemC twin
 * (flow-twin.cpp, process style, no shared code) run on the same arrivals
 * (the flow model's own, seen through its observer) and the same device
 * (knobs, per-record costs, the platform's DRAM and PCIe figures, the TX
 * ring and the egress link's rate), compared on the steady window's
 * records: p50, p99, p99.9 and drops within FLOW_TWIN_TOLERANCE (twin.ts's
 * comparison), twice: the latency to the end of each record's DMA out, and
 * to the wire (a sealed record's when the egress link has sent its last
 * bit, so its wait for a TX ring entry and its place in the link's queue
 * count; an opened record's, and every record's in lookaside, at its end).
 */
import type { DeviceCosts, DeviceKnobs } from '../sizing/workload/device.js';
import { runFlow, type RunPlan } from '../sizing/workload/flow-model.js';
import { anyEvents } from '../sizing/workload/protocol-events.js';
import type { Traffic } from '../sizing/workload/traffic.js';
import { treePath } from './source-tree.js';
import { buildSystemC } from './systemc.js';
import { compareTwins, runDeviceTwinWithKeys, type TwinComparison, type TwinTolerance } from './twin.js';
import type { TwinOutcome } from './twin-ts.js';

export const FLOW_TWIN_SOURCE = treePath('hwmodel', 'cocheck', 'flow-twin.cpp');

/** Compiles (or finds, cached by a hash of its source, flags and compiler) the flow model's SystemC twin. */
export function buildFlowTwin(): string {
  return buildSystemC(FLOW_TWIN_SOURCE, 'flow-twin', ['-Werror']);
}

/**
 * The stated tolerance. Both sides time every stage alike (no clock edges on either), and units that finish at one
 * instant hand their records on oldest first on both; they still differ where two bookings of the shared memory
 * fall at one instant from different causes (a key fetch and a DMA transfer: the flow model's event heap and
 * SystemC's delta cycles take them in another order), a couple of ns that a queue carries on to the records behind
 * it, and which an overloaded device (the headline answer (a) at its question's load drops some 6 % of its records)
 * turns into other records dropped. 3 % of each percentile plus 10 ns, and drops within 1 % of the records
 * compared (as the device twin's, twin.ts).
 */
export const FLOW_TWIN_TOLERANCE: TwinTolerance = { relative: 0.03, periods: 10, drops: 0.01 };
/** The period the tolerance's `periods` count in: 1 ns. */
const PERIOD_PS = 1000;

/** One run's description for the twin, and the flow model's outcomes of it. */
export interface FlowTwinRun {
  readonly text: string;
  /** The steady window's records (not handshakes): id and arrival (ps). */
  readonly records: readonly { readonly id: number; readonly at: number }[];
  readonly flow: ReadonlyMap<number, TwinOutcome>;
  /** The flow model's outcomes to the wire. */
  readonly flowWire: ReadonlyMap<number, TwinOutcome>;
  readonly params: ReadonlyMap<string, number>;
}

/** A record's outcome to the wire: when the link sent it (a sealed record, inline), else its end or its drop. */
function toWire(
  outcomes: ReadonlyMap<number, TwinOutcome>,
  sent: ReadonlyMap<number, number>,
): Map<number, TwinOutcome> {
  const wire = new Map<number, TwinOutcome>();
  for (const [id, o] of outcomes) {
    const at = sent.get(id);
    wire.set(id, at === undefined ? o : { finish: at });
  }
  return wire;
}

/** Runs the flow model on `traffic` and `knobs` and writes what it saw as the twin's description. */
export function flowTwinRun(traffic: Traffic, knobs: DeviceKnobs, costs: DeviceCosts, plan: RunPlan): FlowTwinRun {
  // The observer sees the records and handshakes only: the twin has no protocol events to run beside them.
  if (anyEvents(traffic.events))
    throw new RangeError('the flow twin does not model protocol events (protocol-events.ts)');
  const arrivals: string[] = [];
  const records: { id: number; at: number }[] = [];
  const flow = new Map<number, TwinOutcome>();
  const sent = new Map<number, number>();
  const ps = (ns: number): number => Math.round(ns * 1000);
  runFlow(traffic, knobs, costs, plan, {
    arrival(id, atNs, kind, size, session, phase) {
      arrivals.push(`a ${id} ${atNs} ${kind} ${size} ${session}`);
      if (phase === 1 && kind !== 2) records.push({ id, at: ps(atNs) });
    },
    outcome(id, finishNs) {
      flow.set(id, finishNs === undefined ? { dropped: true } : { finish: ps(finishNs) });
    },
    sent(id, atNs) {
      sent.set(id, ps(atNs));
    },
  });
  const p: Record<string, number> = {
    ...knobs,
    activeSessions: traffic.activeSessions,
    linkGbps: traffic.linkGbps,
    handshakePkNs: costs.handshakePkNs,
    handshakeSymNs: costs.handshakeSymNs,
    dmaBitsPerSecond: costs.dmaBitsPerSecond,
    memChannelBitsPerSecond: costs.memChannelBitsPerSecond,
    dramLatencyNs: costs.dramLatencyNs,
    contextBytes: costs.contextBytes,
    lookupBucketBytes: costs.lookupBucketBytes,
    connectionEntryBytes: costs.connectionEntryBytes,
    queueDepth: costs.queueDepth,
    ...costs.dram,
    lookaside: costs.host.attach === 'lookaside' ? 1 : 0,
    pcieBitsPerSecondPerLane: costs.host.bitsPerSecondPerLane,
    hostReadLatencyNs: costs.host.readLatencyNs,
  };
  const list = (name: string, v: readonly number[]): string => `l ${name} ${v.join(' ')}`;
  const text = [
    ...Object.entries(p).map(([k, v]) => `p ${k} ${v}`),
    list('open_ns', costs.openNs),
    list('seal_ns', costs.sealNs),
    list(
      'bytes',
      traffic.mix.map((m) => m.bytes),
    ),
    // The mix's entries (a key update's record, the last, is not in the twin).
    list('fetch_up', costs.host.fetchUp.slice(0, traffic.mix.length)),
    list('fetch_down', costs.host.fetchDown.slice(0, traffic.mix.length)),
    list('back_up', costs.host.backUp.slice(0, traffic.mix.length)),
    ...arrivals,
    '',
  ].join('\n');
  return {
    text,
    records,
    flow,
    flowWire: toWire(flow, sent),
    params: new Map([['crypto_engine.clock_period', PERIOD_PS]]),
  };
}

/** The two comparisons of one run: to the end of DMA out (or the write-back) and to the wire; agreeing in both. */
export interface FlowTwinComparison {
  readonly dma: TwinComparison;
  readonly wire: TwinComparison;
  readonly agrees: boolean;
}

/** The twin run on `run`'s description (or `text`, a changed one), compared with the flow model. */
export function compareFlowTwin(
  binary: string,
  run: FlowTwinRun,
  text: string = run.text,
  tolerance: TwinTolerance = FLOW_TWIN_TOLERANCE,
): FlowTwinComparison {
  const twin = runDeviceTwinWithKeys(binary, text);
  const dma = compareTwins(run, run.flow, twin.outcomes, tolerance);
  const wire = compareTwins(run, run.flowWire, toWire(twin.outcomes, twin.sent), tolerance);
  return { dma, wire, agrees: dma.agrees && wire.agrees };
}
