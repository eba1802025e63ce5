/**
 * What the workload-sizing tests share: the ASIC engine with its checked targets (1 Gbit/s of 1,500-byte
 * AES-128-GCM records, P-256: the targets only pick the suite and group whose cycle tables the workload model reads),
 * a roomy device no test's traffic fills, the default SLOs at margin 0, and (c)'s question.
 */
import { checkTargets, type CheckedTargets } from '../../../hwmodel/sizing/targets.js';
import type { DeviceKnobs } from '../../../hwmodel/sizing/workload/device.js';
import type { Slos } from '../../../hwmodel/sizing/workload/slo.js';
import { checkTraffic, IMIX } from '../../../hwmodel/sizing/workload/traffic.js';
import { loadEngine } from '../../../hwmodel/timing/engine-file.js';

export const asicEngine = loadEngine('asic');

export function asicTargets(): CheckedTargets {
  return checkTargets({
    gbps: 1,
    recordSize: 1500,
    handshakesPerSecond: 1,
    group: 'P-256',
    suite: 'TLS_AES_128_GCM_SHA256',
    profile: 'asic',
    minimize: 'area',
  });
}

export const roomy: DeviceKnobs = {
  lanes: 8,
  pkLanes: 4,
  dmaChannels: 8,
  pipelineDepth: 256,
  rxRingDepth: 1024,
  txRingDepth: 1024,
  keySlots: 4096,
  memChannels: 4,
  pcieLanes: 16,
};

export const defaultSlos: Slos = {
  dropProbability: 1e-6,
  p99Us: 10,
  p999Us: undefined,
  handshakesPerSecond: 1000,
  burstDropProbability: undefined,
  margin: 0,
};

/** 20 Gbit/s of IMIX each way, 20,000 handshakes a second, 10,000 sessions: a light load for `roomy` (unchecked). */
export const TWENTY_GBPS = {
  openGbps: 20,
  sealGbps: 20,
  mix: IMIX,
  handshakesPerSecond: 20_000,
  sessions: 10_000,
} as const;

/** (c)'s question in docs/hwmodel-sizing.md: 400 Gbit/s each way, IMIX in trains of 4, 50,000 handshakes a second. */
export const QUESTION_C = checkTraffic({
  openGbps: 400,
  sealGbps: 400,
  mix: IMIX,
  trainRecords: 4,
  handshakesPerSecond: 50_000,
  sessions: 1_000_000,
});

/** An egress link offered 1.05 × its rate: 97 Gbit/s of sealed IMIX records, 104.9 Gbit/s on the wire of a 100 Gbit/s link. */
export const EGRESS_OVERLOAD = checkTraffic({
  openGbps: 0,
  sealGbps: 97,
  mix: IMIX,
  handshakesPerSecond: 1000,
  sessions: 1000,
  linkGbps: 100,
});
