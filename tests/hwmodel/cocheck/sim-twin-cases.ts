/**
 * The cases of the SystemC twin against `simulate()` (device-twin-sim.test.ts), and their figures as
 * docs/hwmodel/sim-twin.csv: per case the run's and the twin's p50, p99 and p99.9 to the command's end and to the
 * wire, and the drops. scripts/sim-twin.ts writes the CSV, device-twin-sim.test.ts checks the stored CSV is what the
 * cases give now, and tests/docs/sim-twin-table.test.ts checks the table in docs/hwmodel/cocheck.md against it.
 */
import { compareSimTwin, runDeviceTwin, simTwinFromTrace, simTwinToWire } from '../../../hwmodel/cocheck/index.js';
import type { SimTwin, TwinComparison, TwinOutcome } from '../../../hwmodel/cocheck/index.js';
import { engineProfile } from '../../../hwmodel/cocheck/index.js';
import { simulate, type SimulationOptions } from '../../../hwmodel/model/simulate.js';
import { StringSink } from '../../../hwmodel/trace/index.js';

/** The run's engine trace (offload platform, the noble provider, seed 1 unless the options say). */
export function traceOf(options: SimulationOptions): string {
  const sink = new StringSink();
  simulate({ provider: 'noble', hwAccel: true, seed: 1, ...options, engineTrace: sink });
  return sink.text;
}

export interface SimTwinCase {
  /** No comma: it is the CSV's first field. */
  readonly name: string;
  readonly options: SimulationOptions;
}

const oneLane = { lanes: 1, pkLanes: 1, dmaChannels: 1 };
/** 100 Mbit/s each way, connections opened at 20,000 a second: the device's egress link queues. */
const slowLink = { connections: 20, records: 20, arrivalRate: 20_000, bandwidth: 1e8 };

export const SIM_TWIN_CASES: readonly SimTwinCase[] = [
  {
    name: 'default engine: 20 connections in Poisson arrivals',
    options: { connections: 20, records: 20, arrivalRate: 2000 },
  },
  {
    name: '1/1/1 lanes; queue depth 2; 8 key slots for 30 connections (misses); all at once',
    options: {
      connections: 30,
      records: 30,
      device: { cryptoEngine: { ...oneLane, queueDepth: 2 }, keyManager: { keySlots: 8 } },
    },
  },
  {
    name: '1/1/1 lanes; queue depth 1; 4 RX and 1 crypto credit before 2 slots: deep queues',
    options: {
      connections: 40,
      records: 30,
      arrivalRate: 20_000,
      device: {
        cryptoEngine: { ...oneLane, queueDepth: 1 },
        recordLayer: { rxRingDepth: 8, pipelineDepth: 2, rxCredits: 4, cryptoCredits: 1 },
      },
    },
  },
  {
    name: 'a 2-entry RX ring before 1 slot: the RX ring drops',
    options: {
      connections: 40,
      records: 30,
      arrivalRate: 20_000,
      device: {
        cryptoEngine: { ...oneLane, queueDepth: 1 },
        recordLayer: { rxRingDepth: 2, pipelineDepth: 1, rxCredits: 1, cryptoCredits: 1 },
      },
    },
  },
  {
    name: 'asic 3/3/9 at 1 GHz; round-robin DMA; 100 connections at once',
    options: {
      connections: 100,
      records: 10,
      profile: engineProfile('asic'),
      device: {
        cryptoEngine: { clockPeriod: 1000, lanes: 3, pkLanes: 3, dmaChannels: 9, dmaRoundRobin: true },
        recordLayer: { rxRingDepth: 128, pipelineDepth: 16, rxCredits: 24, cryptoCredits: 8 },
      },
    },
  },
  {
    name: '100 Mbit/s link; 2 TX credits for an 8-entry TX ring before 2 slots: the sender held back',
    options: { ...slowLink, device: { recordLayer: { txRingDepth: 8, txCredits: 2, pipelineDepth: 2 } } },
  },
  {
    name: '100 Mbit/s link; 4 TX credits for a 2-entry TX ring: the TX ring drops',
    options: { ...slowLink, device: { recordLayer: { txRingDepth: 2, txCredits: 4 } } },
  },
];

/** One case run: the description, the twin's outcomes, and the two comparisons. */
export interface SimTwinRun {
  readonly sim: SimTwin;
  readonly twin: ReadonlyMap<number, TwinOutcome>;
  readonly command: ReturnType<typeof compareSimTwin>;
  readonly wire: ReturnType<typeof compareSimTwin>;
}

export function runSimTwinCase(binary: string, c: SimTwinCase): SimTwinRun {
  const sim = simTwinFromTrace(traceOf(c.options));
  const twin = runDeviceTwin(binary, sim.text);
  return { sim, twin, command: compareSimTwin(sim, twin), wire: compareSimTwin(simTwinToWire(sim), twin) };
}

export const SIM_TWIN_CSV = 'docs/hwmodel/sim-twin.csv';

/** The CSV's columns: per case, the run's and the twin's figures (µs, 3 decimals) to the command's end and to the wire. */
export const SIM_TWIN_COLUMNS = [
  'case',
  'records',
  'datagrams_sent',
  ...['command', 'wire'].flatMap((to) =>
    ['p50', 'p99', 'p999'].flatMap((f) => [`${to}_${f}_simulate`, `${to}_${f}_systemc`]),
  ),
  'command_dropped_simulate',
  'command_dropped_systemc',
  'wire_dropped_simulate',
  'wire_dropped_systemc',
  'command_within',
  'wire_within',
  'agrees',
];

/** A case's CSV row. */
export function simTwinCsvRow(c: SimTwinCase, run: SimTwinRun): string {
  const us = (ps: number): string => (ps / 1e6).toFixed(3);
  const figures = (x: TwinComparison): string[] =>
    (['p50', 'p99', 'p999'] as const).flatMap((f) => [us(x.ts[f]), us(x.systemc[f])]);
  const within = (x: TwinComparison): string =>
    `${((x.checks.find((k) => k.figure === 'records')?.systemc ?? 0) * 100).toFixed(1)}%`;
  return [
    c.name,
    run.sim.records.length,
    run.sim.counts.sent,
    ...figures(run.command),
    ...figures(run.wire),
    run.command.ts.dropped,
    run.command.systemc.dropped,
    run.wire.ts.dropped,
    run.wire.systemc.dropped,
    within(run.command),
    within(run.wire),
    run.command.agrees && run.wire.agrees,
  ].join(',');
}

/** The whole CSV of the cases, run on the twin `binary`. */
export function simTwinCsv(binary: string): string {
  const rows = SIM_TWIN_CASES.map((c) => simTwinCsvRow(c, runSimTwinCase(binary, c)));
  return `${[SIM_TWIN_COLUMNS.join(','), ...rows].join('\n')}\n`;
}

/** docs/hwmodel/cocheck.md's table of the twin against simulate(), made from the CSV's text: its header and a row a case. */
export function simTwinTable(csv: string): string[] {
  const [header, ...lines] = csv.trimEnd().split('\n');
  const names = header!.split(',');
  const rows = lines.map((l) => new Map(l.split(',').map((v, i) => [names[i]!, v])));
  const pair = (r: Map<string, string>, f: string): string => `${r.get(`${f}_simulate`)} / ${r.get(`${f}_systemc`)}`;
  const count = (v: string | undefined): string => Number(v).toLocaleString('en-US');
  return [
    "| case | records (datagrams sent) | to the command's end: p50 simulate / twin (µs) | p99 | p99.9 | drops | to the wire: p50 | p99 | p99.9 | drops | within (end, wire) |",
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.get('case')} | ${count(r.get('records'))} (${count(r.get('datagrams_sent'))}) | ${pair(r, 'command_p50')} | ${pair(r, 'command_p99')} | ${pair(r, 'command_p999')} | ${pair(r, 'command_dropped')} | ${pair(r, 'wire_p50')} | ${pair(r, 'wire_p99')} | ${pair(r, 'wire_p999')} | ${pair(r, 'wire_dropped')} | ${r.get('command_within')}, ${r.get('wire_within')} |`,
    ),
  ];
}
