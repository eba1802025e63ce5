/**
 * The model that answers `dtls13 size` against SystemC: the record-level
 * flow model (hwmodel/sizing/workload/flow-model.ts) and its process-style
 * SystemC twin (hwmodel/cocheck/flow-twin.cpp) on the same arrivals and
 * device, the steady window's p50, p99, p99.9 and drops within
 * FLOW_TWIN_TOLERANCE (3 % + 10 ns; drops within 1 % of the records):
 * light load, one lane, a key-slot-starved device, and the three headline
 * answers' devices (docs/hwmodel-sizing.md section 10) on their questions'
 * traffic. A twin given symmetric costs 1.5 times the model's fails every
 * case.
 */
import test from 'ava';
import { deviceCosts, type DeviceKnobs } from '../../../hwmodel/sizing/workload/device.js';
import { checkTraffic, IMIX, type Traffic } from '../../../hwmodel/sizing/workload/traffic.js';
import {
  buildFlowTwin,
  compareFlowTwin,
  flowTwinRun,
  twinComparisonText,
  type FlowTwinRun,
} from '../../../hwmodel/cocheck/index.js';
import { asicEngine, asicTargets } from '../sizing/workload-fixtures.js';

const binary = buildFlowTwin();
const engine = asicEngine;
const targets = asicTargets();
const knobs = (
  lanes: number,
  pkLanes: number,
  dmaChannels: number,
  pipelineDepth: number,
  rxRingDepth: number,
  txRingDepth: number,
  keySlots: number,
  memChannels: number,
): DeviceKnobs => ({
  lanes,
  pkLanes,
  dmaChannels,
  pipelineDepth,
  rxRingDepth,
  txRingDepth,
  keySlots,
  memChannels,
  pcieLanes: 16,
});
const moderate = checkTraffic({
  openGbps: 40,
  sealGbps: 40,
  mix: IMIX,
  trainRecords: 8,
  handshakesPerSecond: 50_000,
  sessions: 4096,
});
const headline = (gbps: number, more: Partial<Traffic> & Pick<Traffic, 'handshakesPerSecond'>): Traffic =>
  checkTraffic({ openGbps: gbps, sealGbps: gbps, mix: IMIX, sessions: 1_000_000, ...more });
const CASES: readonly (readonly [string, Traffic, DeviceKnobs, number])[] = [
  [
    'light load: 4 Gbit/s each way',
    checkTraffic({ ...moderate, openGbps: 4, sealGbps: 4 }),
    knobs(4, 2, 4, 64, 1024, 64, 8192, 2),
    200,
  ],
  [
    'one lane: 6 Gbit/s each way',
    checkTraffic({ ...moderate, openGbps: 6, sealGbps: 6 }),
    knobs(1, 2, 4, 64, 1024, 64, 8192, 2),
    100,
  ],
  ['key-slot-starved: 1,024 slots for 4,096 sessions', moderate, knobs(12, 4, 12, 128, 1024, 64, 1024, 3), 60],
  [
    '(a) 7/3/12/32/256/4/1/3 at 100 Gbit/s each way, trains of 4, a 1.5× burst',
    headline(100, { trainRecords: 4, burstFactor: 1.5, burstUs: 100, handshakesPerSecond: 50_000 }),
    knobs(7, 3, 12, 32, 256, 4, 1, 3),
    40,
  ],
  [
    '(b) 2/0/1/4/32/1/1/1 at 10 Gbit/s each way, PSK handshakes',
    headline(10, { handshake: 'psk', handshakesPerSecond: 10_000 }),
    knobs(2, 0, 1, 4, 32, 1, 1, 1),
    100,
  ],
  [
    '(c) 21/3/42/256/64/16/1/13 at 400 Gbit/s each way, trains of 4',
    headline(400, { trainRecords: 4, handshakesPerSecond: 50_000 }),
    knobs(21, 3, 42, 256, 64, 16, 1, 13),
    20,
  ],
];

/** The description with the symmetric costs × `f` (the twin's side only). */
const symmetricTimes = (text: string, f: number): string =>
  text.replace(
    /^l (open_ns|seal_ns) (.*)$/gm,
    (_, name: string, v: string) =>
      `l ${name} ${v
        .split(' ')
        .map((x) => Number(x) * f)
        .join(' ')}`,
  );

const runs = new Map<string, FlowTwinRun>();
for (const [name, traffic, k, windowUs] of CASES) {
  test.serial(`the flow model and its SystemC twin agree: ${name}`, (t) => {
    const run = flowTwinRun(traffic, k, deviceCosts(engine, targets, traffic), { warmupUs: 20, windowUs, seed: 1 });
    runs.set(name, run);
    const c = compareFlowTwin(binary, run);
    t.log(`${run.records.length} records\n${twinComparisonText(c, 'flow')}`);
    t.true(run.records.length > 200, 'enough records to resolve p99');
    t.true(c.agrees);
  });
}

test.serial('a twin with symmetric costs 1.5 times the model’s fails every case', (t) => {
  for (const [name] of CASES) {
    const run = runs.get(name);
    if (run === undefined) return t.fail(`${name} did not run`);
    t.false(compareFlowTwin(binary, run, symmetricTimes(run.text, 1.5)).agrees, name);
  }
});
