/**
 * How long the runs that accept an answer are, and what must hold before
 * any run is made. The search screens each configuration on short runs
 * (they order the suspects and reject what visibly fails); a
 * configuration is accepted only on runs long enough to resolve its SLOs:
 * the steady window sized so the records offered over every seed reach
 * those that resolve the drop SLO (and a p99.9's tail), with 5% to spare
 * for the draw, and enough seeds that the bursts' records resolve the
 * burst's SLO. A run longer than the longest allowed is capped, and a row
 * it cannot resolve stays "not resolved".
 *
 * Stability first: a link offered more than its rate on the wire (the
 * application data and every record's 29 bytes of header and tag) cannot
 * be held by any buffer, however long the window would have to be to show
 * it; such a question is outside the device.
 */
import { recordsToResolve } from './binomial-bound.js';
import { RECORD_OVERHEAD } from './device.js';
import type { RunSettings } from './replicate.js';
import { SLO_CONFIDENCE, type Slos } from './slo.js';
import { meanRecordBytes, recordsPerSecond, type Traffic } from './traffic.js';

/** The longest steady window an acceptance run may take by default (µs a seed). */
export const MAX_WINDOW_US = 1_000_000;
/** The most seeds an acceptance may take (for the bursts' records). */
export const MAX_REPLICATIONS = 30;

export interface AcceptancePlan {
  /** The search's short runs: ordering and rejecting, never accepting. */
  readonly screen: RunSettings;
  /** The runs an answer is accepted on. */
  readonly accept: RunSettings;
  /** Records (and handshakes) the steady windows offer over every seed, expected, and those the drop SLO needs. */
  readonly recordsOffered: number;
  readonly recordsNeeded: number;
  /** The burst's records over every seed, expected, and those its SLO needs (0: not held). */
  readonly burstRecordsOffered: number;
  readonly burstRecordsNeeded: number;
  /** The window or the seeds were capped short of what the SLOs need: a row may stay not resolved. */
  readonly capped: boolean;
}

/** Records and handshakes a µs under `t`. */
function perUs(t: Traffic): number {
  return (recordsPerSecond(t.openGbps, t.mix) + recordsPerSecond(t.sealGbps, t.mix) + t.handshakesPerSecond) / 1e6;
}

/** The acceptance runs for `load` (the traffic the SLOs are judged under) from the screening settings `run`. */
export function acceptancePlan(
  load: Traffic,
  slos: Slos,
  run: RunSettings,
  maxWindowUs: number = MAX_WINDOW_US,
): AcceptancePlan {
  const rate = perUs(load);
  const quantileTail = slos.p999Us !== undefined ? 1e-3 : slos.p99Us !== undefined ? 1e-2 : 1;
  const target = Math.min(slos.dropProbability, quantileTail);
  const needed = recordsToResolve(target, SLO_CONFIDENCE);
  const bursting = load.burstFactor > 1 && slos.burstDropProbability !== undefined;
  const burstNeeded = bursting ? recordsToResolve(slos.burstDropProbability!, SLO_CONFIDENCE) : 0;
  // The burst and its recovery as long.
  const burstPerSeed = bursting ? rate * load.burstUs * (load.burstFactor + 1) : 0;
  const wantSeeds = bursting ? Math.ceil((burstNeeded * 1.05) / burstPerSeed) : 0;
  const replications = Math.min(MAX_REPLICATIONS, Math.max(run.replications, wantSeeds));
  const wantWindow = Math.ceil((needed * 1.05) / (replications * rate));
  const windowUs = Math.min(maxWindowUs, Math.max(run.windowUs, wantWindow));
  return {
    screen: run,
    accept: { ...run, windowUs, replications },
    recordsOffered: rate * windowUs * replications,
    recordsNeeded: needed,
    burstRecordsOffered: burstPerSeed * replications,
    burstRecordsNeeded: burstNeeded,
    capped: windowUs < wantWindow || replications < wantSeeds,
  };
}

/**
 * The link a direction of `load` overloads, said plainly (undefined: both
 * carry it): the wire rate is the data rate × (mean record + 29 B) / mean
 * record, against the link's rate.
 */
export function linkOverload(load: Traffic): string | undefined {
  const mean = meanRecordBytes(load.mix);
  const wire = (gbps: number): number => (gbps * (mean + RECORD_OVERHEAD)) / mean;
  for (const [side, gbps] of [
    ['the egress link (sealed records)', load.sealGbps],
    ['the ingress link (opened records)', load.openGbps],
  ] as const) {
    const w = wire(gbps);
    if (w > load.linkGbps)
      return (
        `${side} is offered ${w.toFixed(2)} Gbit/s on the wire (${gbps.toFixed(2)} Gbit/s of data in records of ${mean.toFixed(0)} B ` +
        `and ${RECORD_OVERHEAD} B each of header and tag) against its ${load.linkGbps} Gbit/s: ${(w / load.linkGbps).toFixed(3)} × its rate, ` +
        'which no buffer holds; a faster link or less traffic, not a larger device'
      );
  }
  return undefined;
}
