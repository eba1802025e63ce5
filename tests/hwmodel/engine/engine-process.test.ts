import test from 'ava';
import { readFileSync } from 'node:fs';
import {
  buildEngineProcess,
  compareWithin,
  ENGINE_PROCESS_SOURCE,
  parseEngineTrace,
  replayEngineTs,
  runEngineProcess,
  type ToleranceAgreement,
} from '../../../hwmodel/cocheck/index.js';
import { ENGINE_WORKLOADS, traceOf, type EngineWorkload } from './workloads.js';

// The process-style SystemC model (hwmodel/cocheck/engine-process.cpp: clocked SC_THREADs on sc_fifos, one
// thread per transaction), compiled once with g++ against libsystemc (cached by a hash of its source).
const binary = buildEngineProcess();

/**
 * The tolerance, and why. The process model starts each clocked step on a rising edge of the engine clock
 * (admission, the DMA read, the lane, the DMA write: up to one period each) and moves DMA data in whole
 * cycles (up to one period per transfer), where the TypeScript model books in picoseconds: an uncontended
 * command may finish up to 6 periods later. Under contention an edge-delayed command can lose a tie for a
 * lane and wait one more issue interval, so single transactions may differ by more (bounded relative to
 * their latency); the aggregate figures a sizing reads must agree closely.
 */
const PERIODS = 6;
const SHARE_WITHIN = 0.95;
const MAX_RELATIVE = 0.1;
const MEAN_RELATIVE = 0.01;

function describe(a: ToleranceAgreement): string {
  return (
    `${a.withinPeriods}/${a.transactions} within ${a.periods} clock periods (${a.period} ps), max ${a.maxPeriods.toFixed(1)} periods, ` +
    `max ${(100 * a.maxRelative).toFixed(2)}% of a latency; mean latency ${(a.meanLatency.ts / 1e3).toFixed(1)} vs ${(a.meanLatency.process / 1e3).toFixed(1)} ns ` +
    `(${(100 * a.meanLatency.relative).toFixed(3)}%), last finish ${(100 * a.makespan.relative).toFixed(4)}% apart`
  );
}

function withinTolerance(a: ToleranceAgreement): boolean {
  return (
    a.missing === 0 &&
    a.withinPeriods >= SHARE_WITHIN * a.transactions &&
    a.maxRelative <= MAX_RELATIVE &&
    a.meanLatency.relative <= MEAN_RELATIVE &&
    a.makespan.relative <= MEAN_RELATIVE
  );
}

const CASES: readonly EngineWorkload[] = [
  ...ENGINE_WORKLOADS,
  {
    name: 'two DMA channels at 16 Gbit/s, 2 symmetric lanes (the DMA contended)',
    options: { connections: 30, device: { cryptoEngine: { lanes: 2, dmaChannels: 2, dmaBandwidth: 16e9 } } },
  },
];

for (const c of CASES) {
  test(`process-style SystemC engine, ${c.name}: agrees with the TypeScript model within the stated tolerance`, (t) => {
    const text = traceOf(c.options);
    const trace = parseEngineTrace(text);
    const a = compareWithin(trace, replayEngineTs(trace), runEngineProcess(binary, text), PERIODS);
    t.log(describe(a));
    t.true(trace.records.filter((r) => r.kind === 'c').length >= 100, 'the trace holds a real workload');
    t.is(a.missing, 0);
    t.true(a.withinPeriods >= SHARE_WITHIN * a.transactions, describe(a));
    t.true(a.maxRelative <= MAX_RELATIVE, describe(a));
    t.true(a.meanLatency.relative <= MEAN_RELATIVE, describe(a));
    t.true(a.makespan.relative <= MEAN_RELATIVE, describe(a));
  });
}

test('test of the test: the process model given another command overhead, or half the DMA bandwidth, falls outside the tolerance', (t) => {
  const text = traceOf(CASES[0]!.options);
  const trace = parseEngineTrace(text);
  const ts = replayEngineTs(trace);
  for (const [from, to] of [
    [/^param crypto_engine\.command_cycles \d+$/m, 'param crypto_engine.command_cycles 200'],
    [/^param crypto_engine\.dma_bandwidth \d+$/m, 'param crypto_engine.dma_bandwidth 32000000000'],
  ] as const) {
    const broken = text.replace(from, to);
    t.not(broken, text);
    const a = compareWithin(trace, ts, runEngineProcess(binary, broken), PERIODS);
    t.log(`${to}: ${describe(a)}`);
    t.false(withinTolerance(a));
  }
});

test('the process model is its own: it uses neither the generated engine nor its lane-booking or DRAM arithmetic', (t) => {
  const source = readFileSync(ENGINE_PROCESS_SOURCE, 'utf8');
  const includes = [...source.matchAll(/^#include [<"]([^>"]+)[>"]/gm)].map((m) => m[1]);
  t.deepEqual(
    includes.filter((h) => h !== undefined && /\.h$/.test(h)),
    ['engine/tables.h', 'dram-twin.h'],
    "of the generated SystemC, the cycle table only; the twins' own DRAM channel beside it",
  );
  for (const borrowed of ['lane_pool', 'reserve(', 'free_at', 'dram_channel', '.book('])
    t.false(source.includes(borrowed), borrowed);
  for (const own of ['sc_fifo<job*>', 'sc_semaphore', 'sc_clock', 'posedge_event', 'sc_spawn'])
    t.true(source.includes(own), own);
});
