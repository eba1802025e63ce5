/**
 * What a flow-model run (flow-model.ts) reports: its figures per phase of
 * arrival, the handshakes, the protocol events beside the records
 * (protocol-events.ts), the units' busy time and the drops charged to
 * what held the intake; and the observer the co-check against the SystemC
 * twin sees every arrival and outcome through.
 */
import type { KnobName } from './device.js';
import type { LatencyHistogram } from './latency-histogram.js';

/** Sees every arrival and each record's outcome (the co-check against the SystemC twin, hwmodel/cocheck/flow-twin.ts). */
export interface FlowObserver {
  /** `kind`: 0 opened, 1 sealed, 2 a handshake; `size`: its mix entry; `phase`: 0 warm-up, 1 steady, 2 burst, 3 recovery. */
  arrival(id: number, atNs: number, kind: number, size: number, session: number, phase: number): void;
  /** A record's end (ns), or undefined: the ring dropped the arrival. */
  outcome(id: number, finishNs: number | undefined): void;
  /** A sealed record's last bit sent on the egress link (ns; inline only): its latency to the wire ends here. */
  sent?(id: number, atNs: number): void;
}

/** How long a run is (µs) and its seed. */
export interface RunPlan {
  readonly warmupUs: number;
  readonly windowUs: number;
  readonly seed: number;
}

/** The figures of the records (and handshakes) that arrived in one phase. */
export interface PhaseFigures {
  readonly offered: number;
  readonly dropped: number;
  /** Dropped / offered (records and handshakes). */
  readonly dropProbability: number;
  readonly delivered: number;
  /** Per-record latency, arrival at the intake to the end of its DMA out, µs (records still inside at the end count as never delivered: +∞). */
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly p999Us: number;
  /** The same records' latency to the wire: a sealed record's ends when the egress link has sent it, an opened one's at its DMA out. */
  readonly wireP50Us: number;
  readonly wireP99Us: number;
  readonly wireP999Us: number;
  /** Those latencies' records (ns), to be pooled over seeds (quantile-bound.ts), and the records never sent (+∞). */
  readonly wireRecords: LatencyHistogram;
  readonly wireLost: number;
  /** Drop episodes that opened in the phase (drops less than EPISODE_GAP_US apart are one episode) and the most drops in one. */
  readonly episodes: number;
  readonly largestEpisode: number;
  /** The episodes that lost at least each of EPISODE_SIZES' records (1, 2, 4, ...), by the phase they opened in. */
  readonly episodesAtLeast: readonly number[];
}

export interface FlowRun {
  readonly steady: PhaseFigures;
  /** The burst and the recovery after it (undefined without a burst). */
  readonly burst: PhaseFigures | undefined;
  /** Handshakes that arrived in the steady window: offered, completed, dropped; their rate kept up with (/s) and p99 latency (µs). */
  readonly handshakes: {
    readonly offered: number;
    readonly completed: number;
    readonly dropped: number;
    readonly perSecond: number;
    readonly p99Us: number;
    /** The public-key lanes' capacity (/s): lanes / a handshake's public-key time (∞ without public-key work). */
    readonly capacityPerSecond: number;
  };
  /** Application Gbit/s delivered in the steady window (both directions). */
  readonly deliveredGbps: number;
  /** Busy fraction in the steady window: lanes, public-key lanes, DMA channels, memory; buffers: mean occupancy / depth; key slots: hit ratio. */
  readonly utilization: Readonly<Record<KnobName, number>>;
  /** Time (µs) the intake's head was blocked in the steady window, charged to what it waited for. */
  readonly blockedUs: Readonly<Record<KnobName, number>>;
  /** Drops in the steady window and in the burst, charged to what held the intake's head when they fell. */
  readonly steadyDropsBy: Readonly<Record<KnobName, number>>;
  readonly burstDropsBy: Readonly<Record<KnobName, number>>;
  readonly events: number;
  /** The protocol events of the steady window (protocol-events.ts). */
  readonly protocol: ProtocolFigures;
}

/** One kind of protocol event in the steady window: arrived, dropped at a full intake, done (rejected or installed). */
export interface EventCounts {
  readonly offered: number;
  readonly dropped: number;
  readonly done: number;
  /** Symmetric-lane time they took in the window, µs. */
  readonly laneUs: number;
}

export interface ProtocolFigures {
  readonly keyUpdates: EventCounts;
  readonly forged: EventCounts;
  readonly replays: EventCounts;
}
