/**
 * The analytic start of the workload search: each unit at 100% busy under
 * the load (× (1 + margin)), the pipeline and the TX ring by Little's law, a small RX ring and
 * key slot count, the PCIe lanes its busier direction needs (a power of two); the search only adds from here, then trims.
 * The public-key lanes, whose full queue blocks the shared intake, start where that blocking is within the drop SLO
 * (intake-blocking.ts), not at their rate; inline, the TX ring holds the sealed records through a DRAM refresh
 * (tx-ring-refresh.ts), not only at their mean hold. The lanes' rate counts the protocol events' lane work.
 */
import { RECORD_OVERHEAD, type DeviceCosts, type DeviceKnobs } from './device.js';
import { recordsPerSecond, type Traffic } from './traffic.js';
import { pkLanesForIntake } from './intake-blocking.js';
import { txHold, txRingAtMeanHold, txRingForRefresh } from './tx-ring-refresh.js';

const pow2 = (x: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, x)));

/**
 * The least of each knob that can carry `traffic` (already scaled by the margin) at 100% busy; the public-key lanes
 * at least what keeps the intake's blocking within `dropSlo` (without one: their rate).
 */
export function workloadBounds(traffic: Traffic, costs: DeviceCosts, dropSlo?: number): DeviceKnobs {
  const totalWeight = traffic.mix.reduce((s, m) => s + m.weight, 0);
  const mean = (f: (i: number) => number): number =>
    traffic.mix.reduce((s, m, i) => s + (m.weight / totalWeight) * f(i), 0);
  const open = recordsPerSecond(traffic.openGbps, traffic.mix);
  const seal = recordsPerSecond(traffic.sealGbps, traffic.mix);
  const records = open + seal;
  // The protocol events' lane work (protocol-events.ts): a forged record's full open, a replay's check, a key update's.
  const ev = traffic.events;
  const forged = recordsPerSecond(ev.forgedGbps, traffic.mix);
  const symNs =
    (open + forged) * mean((i) => costs.openNs[i]!) +
    seal * mean((i) => costs.sealNs[i]!) +
    traffic.handshakesPerSecond * costs.handshakeSymNs +
    ev.replayShare * open * costs.replayCheckNs +
    ev.keyUpdatesPerSession * traffic.activeSessions * costs.keyUpdateNs;
  const bitsPerRecord = 2 * 8 * (mean((i) => traffic.mix[i]!.bytes) + RECORD_OVERHEAD);
  const dmaNsPerRecord = (bitsPerRecord / costs.dmaBitsPerSecond) * 1e9;
  const lookaside = costs.host.attach === 'lookaside';
  // Bits a second on one direction of the PCIe link (lookaside: every record fetched from the host and written back;
  // inline: the host's side is outside the model, none).
  const hostBits = (dir: 'up' | 'down'): number =>
    lookaside
      ? 8 *
        records *
        mean((i) => (dir === 'up' ? costs.host.fetchUp[i]! + costs.host.backUp[i]! : costs.host.fetchDown[i]!))
      : 0;
  // Lookaside: a record holds its slot for the host's read latency as well.
  const hostNs = lookaside ? costs.host.readLatencyNs : 0;
  const pkErlangs = (traffic.handshakesPerSecond * costs.handshakePkNs) / 1e9;
  const inFlight = (records * (mean((i) => (costs.openNs[i]! + costs.sealNs[i]!) / 2) + dmaNsPerRecord + hostNs)) / 1e9;
  return {
    lanes: Math.max(1, Math.ceil(symNs / 1e9)),
    // No public-key work (PSK handshakes): no public-key lanes.
    pkLanes:
      costs.handshakePkNs === 0
        ? 0
        : dropSlo === undefined
          ? Math.max(1, Math.ceil(pkErlangs))
          : pkLanesForIntake(pkErlangs, costs.queueDepth, dropSlo),
    dmaChannels: Math.max(1, Math.ceil((records * bitsPerRecord) / costs.dmaBitsPerSecond)),
    pipelineDepth: Math.max(8, pow2(inFlight)),
    rxRingDepth: 64,
    // Inline: Little's law at the longest hold a refresh gives; lookaside (no TX ring used): at the mean hold.
    txRingDepth: lookaside
      ? txRingAtMeanHold(traffic, costs)
      : txRingForRefresh(seal, txHold(traffic, costs, costs.dram.refreshNs)),
    keySlots: Math.min(pow2(traffic.activeSessions), 1024),
    memChannels: Math.max(1, Math.ceil((records * bitsPerRecord) / costs.memChannelBitsPerSecond)),
    // The busier direction of the PCIe link: what the records from the host and to it put on it.
    pcieLanes: pow2(Math.max(hostBits('up'), hostBits('down')) / costs.host.bitsPerSecondPerLane),
  };
}
