/**
 * The process-style engine co-simulation: `engine-process.cpp`, a second
 * model of the crypto engine and memory written with clocked SC_THREADs and
 * sc_fifos (docs/hwmodel/cocheck.md, "A second model, process style"),
 * run on an engine trace and compared with the TypeScript model's replay of
 * the same trace within a stated tolerance, not to the picosecond.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SimTime } from '../kernel/index.js';
import { GENERATED_SYSTEMC } from './engine-cosim.js';
import type { EngineTrace } from './engine-trace.js';
import { treePath } from './source-tree.js';
import { DRAM_TWIN_HEADER } from './dram-params.js';
import { buildSystemC } from './systemc.js';

/** The process-style model's source (handwritten), in the tree's hwmodel/cocheck/. */
export const ENGINE_PROCESS_SOURCE = treePath('hwmodel', 'cocheck', 'engine-process.cpp');

/** Compiles (or finds, cached) the process-style model; it reads only the cycle table from generated/systemc/engine/tables.h. */
export function buildEngineProcess(): string {
  const headers = readdirSync(join(GENERATED_SYSTEMC, 'engine'))
    .filter((f) => f.endsWith('.h'))
    .map((f) => join(GENERATED_SYSTEMC, 'engine', f))
    .concat(DRAM_TWIN_HEADER);
  return buildSystemC(ENGINE_PROCESS_SOURCE, 'engine-process', ['-I', GENERATED_SYSTEMC, '-Werror'], headers);
}

/** Runs an engine trace's text through the process-style model: each command's and memory access's finish time by id. */
export function runEngineProcess(binary: string, traceText: string): Map<number, SimTime> {
  const r = spawnSync(binary, [], {
    input: traceText,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`the process-style engine failed (status ${String(r.status)}):\n${r.stderr}`);
  const done = new Map<number, SimTime>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(\d+) (\d+)$/.exec(line);
    if (m !== null) done.set(Number(m[1]), Number(m[2]));
  }
  return done;
}

/** How the process-style model's finish times compare with the TypeScript model's over a trace's transactions. */
export interface ToleranceAgreement {
  readonly transactions: number;
  /** Transactions the process model did not finish. */
  readonly missing: number;
  /** The engine clock period (ps). */
  readonly period: SimTime;
  /** Transactions whose finish differs by at most `periods` clock periods. */
  readonly withinPeriods: number;
  readonly periods: number;
  /** Largest |difference| in clock periods. */
  readonly maxPeriods: number;
  /** Largest |difference| relative to the TypeScript model's latency (finish − start). */
  readonly maxRelative: number;
  /** Mean latency of each model (ps) and their relative difference. */
  readonly meanLatency: { readonly ts: number; readonly process: number; readonly relative: number };
  /** Last finish of each model (ps) and their relative difference. */
  readonly makespan: { readonly ts: number; readonly process: number; readonly relative: number };
}

/** Compares finish times: `ts` the TypeScript replay's, `other` the process model's. */
export function compareWithin(
  trace: EngineTrace,
  ts: ReadonlyMap<number, SimTime>,
  other: ReadonlyMap<number, SimTime>,
  periods: number,
): ToleranceAgreement {
  const period = trace.params.get('crypto_engine.clock_period') ?? 1;
  let missing = 0;
  let within = 0;
  let maxPeriods = 0;
  let maxRelative = 0;
  let latencyTs = 0;
  let latencyOther = 0;
  let lastTs = 0;
  let lastOther = 0;
  let n = 0;
  for (const r of trace.records) {
    const a = ts.get(r.id);
    const b = other.get(r.id);
    if (a === undefined) continue;
    if (b === undefined) {
      missing++;
      continue;
    }
    n++;
    const d = Math.abs(b - a) / period;
    if (d <= periods) within++;
    maxPeriods = Math.max(maxPeriods, d);
    maxRelative = Math.max(maxRelative, Math.abs(b - a) / Math.max(1, a - r.at));
    latencyTs += a - r.at;
    latencyOther += b - r.at;
    lastTs = Math.max(lastTs, a);
    lastOther = Math.max(lastOther, b);
  }
  const rel = (x: number, y: number): number => (x === 0 ? 0 : Math.abs(y - x) / x);
  const meanTs = n === 0 ? 0 : latencyTs / n;
  const meanOther = n === 0 ? 0 : latencyOther / n;
  return {
    transactions: n + missing,
    missing,
    period,
    withinPeriods: within,
    periods,
    maxPeriods,
    maxRelative,
    meanLatency: { ts: meanTs, process: meanOther, relative: rel(meanTs, meanOther) },
    makespan: { ts: lastTs, process: lastOther, relative: rel(lastTs, lastOther) },
  };
}
