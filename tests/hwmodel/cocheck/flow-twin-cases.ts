/**
 * The cases the flow model is co-checked on against its SystemC twin (flow-twin.test.ts), and the table of their
 * figures that docs/hwmodel-sizing.md section 12 shows: scripts/size-flow-twin.ts writes it to
 * docs/hwmodel/size-flow-twin.csv, flow-twin.test.ts checks the stored CSV is what the cases give now, and
 * tests/docs/size-flow-twin-table.test.ts checks the docs' table against the CSV. Headline (a)'s case takes its
 * question's traffic and its knobs from docs/hwmodel/size-100g-pk3-knobs.json, the answer its search gave before the
 * public-key lanes were sized for the intake; (a), (b) and (c) have no answer under the current rules (their searches
 * end "not resolved"), and their cases keep the devices those searches answered before.
 */
import { readFileSync } from 'node:fs';
import { deviceCosts, type DeviceKnobs } from '../../../hwmodel/sizing/workload/device.js';
import { checkTraffic, IMIX, type Traffic } from '../../../hwmodel/sizing/workload/traffic.js';
import {
  compareFlowTwin,
  flowTwinRun,
  type FlowTwinComparison,
  type FlowTwinRun,
  type TwinComparison,
} from '../../../hwmodel/cocheck/index.js';
import { treePath } from '../../../hwmodel/cocheck/source-tree.js';
import { asicEngine, asicTargets } from '../sizing/workload-fixtures.js';

export interface FlowTwinCase {
  readonly name: string;
  readonly traffic: Traffic;
  readonly knobs: DeviceKnobs;
  /** The steady window (µs), after 20 µs of warm-up, seed 1. */
  readonly windowUs: number;
  /**
   * Whether an egress link at half the rate shows beyond the tolerance: it adds some 30 ns to a 1,500-byte record's
   * serialization, and where a lane's queue sets the tail (one lane; (b)'s two lanes, a 1.6 µs p99) that is inside the
   * 3 % the tolerance allows.
   */
  readonly halfLinkShows: boolean;
}

/** The saved headline answer (a): its question and knobs. */
export const ANSWER_A_FILE = 'docs/hwmodel/size-100g-pk3-knobs.json';
/** Where the cases' figures are kept for the docs. */
export const FLOW_TWIN_CSV = 'docs/hwmodel/size-flow-twin.csv';

const knobs = (k: readonly number[]): DeviceKnobs => {
  const [lanes, pkLanes, dmaChannels, pipelineDepth, rxRingDepth, txRingDepth, keySlots, memChannels] = k;
  return {
    lanes: lanes!,
    pkLanes: pkLanes!,
    dmaChannels: dmaChannels!,
    pipelineDepth: pipelineDepth!,
    rxRingDepth: rxRingDepth!,
    txRingDepth: txRingDepth!,
    keySlots: keySlots!,
    memChannels: memChannels!,
    pcieLanes: 16,
  };
};
/** The knobs as the docs write them: lanes / pk / DMA / pipeline / RX ring / TX ring / key slots / memory channels. */
export const knobsText = (k: DeviceKnobs): string =>
  [k.lanes, k.pkLanes, k.dmaChannels, k.pipelineDepth, k.rxRingDepth, k.txRingDepth, k.keySlots, k.memChannels].join(
    '/',
  );

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

/** Answer (a) as saved: its question's traffic and its knobs. */
function answerA(): { traffic: Traffic; knobs: DeviceKnobs } {
  const a = JSON.parse(readFileSync(treePath(ANSWER_A_FILE), 'utf8')) as {
    traffic: Traffic;
    answer: { knobs: DeviceKnobs };
  };
  return { traffic: checkTraffic(a.traffic), knobs: a.answer.knobs };
}

export function flowTwinCases(): readonly FlowTwinCase[] {
  const a = answerA();
  return [
    {
      name: 'light load: 4 Gbit/s each way',
      traffic: checkTraffic({ ...moderate, openGbps: 4, sealGbps: 4 }),
      knobs: knobs([4, 2, 4, 64, 1024, 64, 8192, 2]),
      windowUs: 200,
      halfLinkShows: true,
    },
    {
      name: 'one lane: 6 Gbit/s each way',
      traffic: checkTraffic({ ...moderate, openGbps: 6, sealGbps: 6 }),
      knobs: knobs([1, 2, 4, 64, 1024, 64, 8192, 2]),
      windowUs: 100,
      halfLinkShows: false,
    },
    {
      name: 'key-slot-starved: 1024 slots for 4096 sessions',
      traffic: moderate,
      knobs: knobs([12, 4, 12, 128, 1024, 64, 1024, 3]),
      windowUs: 60,
      halfLinkShows: true,
    },
    {
      name: `(a)'s earlier answer ${knobsText(a.knobs)}: its question's traffic`,
      traffic: a.traffic,
      knobs: a.knobs,
      windowUs: 40,
      halfLinkShows: true,
    },
    {
      name: "(b)'s earlier answer 2/0/1/4/32/1/1/1: 10 Gbit/s each way with PSK handshakes",
      traffic: headline(10, { handshake: 'psk', handshakesPerSecond: 10_000 }),
      knobs: knobs([2, 0, 1, 4, 32, 1, 1, 1]),
      windowUs: 100,
      halfLinkShows: false,
    },
    {
      name: "(c)'s earlier answer 21/3/42/256/64/16/1/13: 400 Gbit/s each way in trains of 4",
      traffic: headline(400, { trainRecords: 4, handshakesPerSecond: 50_000 }),
      knobs: knobs([21, 3, 42, 256, 64, 16, 1, 13]),
      windowUs: 20,
      halfLinkShows: true,
    },
  ];
}

/** The flow model's run of a case (its description for the twin and its outcomes). */
export function runFlowTwinCase(c: FlowTwinCase): FlowTwinRun {
  return flowTwinRun(c.traffic, c.knobs, deviceCosts(asicEngine, asicTargets(), c.traffic), {
    warmupUs: 20,
    windowUs: c.windowUs,
    seed: 1,
  });
}

/** The CSV's columns: per case, the flow model's and the twin's figures (µs, 3 decimals) to DMA out and to the wire. */
export const FLOW_TWIN_COLUMNS = [
  'case',
  'window_us',
  'records',
  'p50_flow',
  'p50_systemc',
  'p99_flow',
  'p99_systemc',
  'p999_flow',
  'p999_systemc',
  'wire_p50_flow',
  'wire_p50_systemc',
  'wire_p99_flow',
  'wire_p99_systemc',
  'wire_p999_flow',
  'wire_p999_systemc',
  'dropped_flow',
  'dropped_systemc',
  'agrees',
] as const;

/** A case's CSV row (a case's name holds no comma). */
export function flowTwinCsvRow(c: FlowTwinCase, run: FlowTwinRun, cmp: FlowTwinComparison): string {
  const us = (ps: number): string => (ps / 1e6).toFixed(3);
  const figures = (x: TwinComparison): string[] =>
    (['p50', 'p99', 'p999'] as const).flatMap((f) => [us(x.ts[f]), us(x.systemc[f])]);
  return [
    c.name,
    String(c.windowUs),
    String(run.records.length),
    ...figures(cmp.dma),
    ...figures(cmp.wire),
    String(cmp.dma.ts.dropped),
    String(cmp.dma.systemc.dropped),
    String(cmp.agrees),
  ].join(',');
}

/** The whole CSV of the cases, run on the twin `binary`. */
export function flowTwinCsv(binary: string): string {
  const rows = flowTwinCases().map((c) => {
    const run = runFlowTwinCase(c);
    return flowTwinCsvRow(c, run, compareFlowTwin(binary, run));
  });
  return `${[FLOW_TWIN_COLUMNS.join(','), ...rows].join('\n')}\n`;
}

/** docs/hwmodel-sizing.md section 12's table, made from the CSV's text: its header and a row a case. */
export function flowTwinTable(csv: string): string[] {
  const [header, ...lines] = csv.trimEnd().split('\n');
  const names = header!.split(',');
  const rows = lines.map((l) => new Map(l.split(',').map((v, i) => [names[i]!, v])));
  const pair = (r: Map<string, string>, f: string): string => `${r.get(`${f}_flow`)} / ${r.get(`${f}_systemc`)}`;
  return [
    '| case | window | records | to DMA out: p50 flow / SystemC (µs) | p99 | p99.9 | to the wire: p50 | p99 | p99.9 | drops |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.get('case')} | ${r.get('window_us')} µs | ${Number(r.get('records')).toLocaleString('en-US')} | ` +
        ['p50', 'p99', 'p999', 'wire_p50', 'wire_p99', 'wire_p999', 'dropped'].map((f) => pair(r, f)).join(' | ') +
        ' |',
    ),
  ];
}
