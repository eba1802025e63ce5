/**
 * The closed-loop twin compared: one traffic description (twin-traffic.ts)
 * run by the TypeScript model's parts (twin-ts.ts) and by the SystemC twin
 * (device-twin.cpp, built and cached like the other co-check programs),
 * their per-record latency distributions (p50, p99, p99.9) and drops
 * compared within a stated tolerance that can fail.
 */
import { spawnSync } from 'node:child_process';
import type { SimTime } from '../kernel/index.js';
import { treePath } from './source-tree.js';
import { DRAM_TWIN_HEADER } from './dram-params.js';
import { buildSystemC } from './systemc.js';
import type { TwinOutcome } from './twin-ts.js';
import type { TwinTraffic } from './twin-traffic.js';

/** The SystemC twin's source (handwritten), in the tree's hwmodel/cocheck/. */
export const DEVICE_TWIN_SOURCE = treePath('hwmodel', 'cocheck', 'device-twin.cpp');

/** Compiles (or finds, cached under ~/.cache/dtls13/systemc by a hash of its source, flags and compiler) the SystemC twin. */
export function buildDeviceTwin(): string {
  return buildSystemC(DEVICE_TWIN_SOURCE, 'device-twin', ['-Werror'], [DRAM_TWIN_HEADER]);
}

/** Runs a description's text through the SystemC twin: each record's outcome by id. */
export function runDeviceTwin(binary: string, text: string): Map<number, TwinOutcome> {
  return runDeviceTwinWithKeys(binary, text).outcomes;
}

/**
 * `runDeviceTwin`, and on a description built from a `simulate()` run (twin-sim.ts) the key reads the twin's own
 * key slots found (hits and misses of connections with a key: a read before the first install counts as neither);
 * from the flow model's twin (flow-twin.cpp), when the egress link sent each sealed record (`W` lines, ps).
 */
export function runDeviceTwinWithKeys(
  binary: string,
  text: string,
): {
  readonly outcomes: Map<number, TwinOutcome>;
  readonly keys?: { readonly hits: number; readonly misses: number };
  readonly sent: Map<number, SimTime>;
} {
  const r = spawnSync(binary, [], { input: text, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`the SystemC twin failed (status ${String(r.status)}):\n${r.stderr}`);
  const outcomes = new Map<number, TwinOutcome>();
  let keys: { hits: number; misses: number } | undefined;
  const sent = new Map<number, SimTime>();
  for (const line of r.stdout.split('\n')) {
    const w = /^W (\d+) (\d+)$/.exec(line);
    if (w !== null) sent.set(Number(w[1]), Number(w[2]));
    const m = /^(\d+) (\d+|D)$/.exec(line);
    if (m !== null) outcomes.set(Number(m[1]), m[2] === 'D' ? { dropped: true } : { finish: Number(m[2]) });
    const k = /^K (\d+) (\d+)$/.exec(line);
    if (k !== null) keys = { hits: Number(k[1]), misses: Number(k[2]) };
  }
  return keys === undefined ? { outcomes, sent } : { outcomes, keys, sent };
}

/** One model's figures over a description. */
export interface TwinFigures {
  readonly finished: number;
  readonly dropped: number;
  /** Records neither finished nor dropped (a model that lost them). */
  readonly missing: number;
  /** Per-record latency (ps), nearest rank. */
  readonly p50: SimTime;
  readonly p99: SimTime;
  readonly p999: SimTime;
  readonly mean: number;
}

/** The tolerance: each percentile within `relative` of the TypeScript model's plus `periods` engine clock periods; drops within `drops` of the offered records (at least 2). */
export interface TwinTolerance {
  readonly relative: number;
  readonly periods: number;
  readonly drops: number;
}

/**
 * The stated tolerance. The SystemC twin starts every clocked step (the
 * intake's admission, each DMA transfer, each lane's issue) on a clock edge
 * and rounds DMA transfers up to whole cycles, where the TypeScript model
 * starts them at once: up to about 6 periods a record, and a record that
 * loses a tie for a lane by an edge waits one more issue interval, which a
 * queue carries on to the records behind it. Hence 5% of the latency plus
 * 12 periods at every percentile, and drops within 1% of the records offered.
 */
export const TWIN_TOLERANCE: TwinTolerance = { relative: 0.05, periods: 12, drops: 0.01 };

/** What a comparison reads of a description: the records compared (id, arrival) and the parameters (the clock period). */
export type TwinCompared = Pick<TwinTraffic, 'params'> & {
  readonly records: readonly { readonly id: number; readonly at: SimTime }[];
};

/** A model's figures from its outcomes. */
export function twinFigures(t: TwinCompared, outcomes: ReadonlyMap<number, TwinOutcome>): TwinFigures {
  const latencies: number[] = [];
  let dropped = 0;
  let missing = 0;
  for (const r of t.records) {
    const o = outcomes.get(r.id);
    if (o === undefined) missing++;
    else if ('dropped' in o) dropped++;
    else latencies.push(o.finish - r.at);
  }
  latencies.sort((a, b) => a - b);
  const rank = (q: number): number =>
    latencies.length === 0 ? 0 : latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]!;
  const mean = latencies.length === 0 ? 0 : latencies.reduce((n, x) => n + x, 0) / latencies.length;
  return { finished: latencies.length, dropped, missing, p50: rank(0.5), p99: rank(0.99), p999: rank(0.999), mean };
}

/** The comparison: both models' figures, each check with its margin, and whether all hold. */
export interface TwinComparison {
  readonly ts: TwinFigures;
  readonly systemc: TwinFigures;
  readonly period: SimTime;
  readonly checks: readonly {
    readonly figure: string;
    readonly ts: number;
    readonly systemc: number;
    readonly allowed: number;
    readonly ok: boolean;
  }[];
  readonly agrees: boolean;
}

/** Compares the SystemC twin's outcomes with the TypeScript model's within `tolerance`. */
export function compareTwins(
  t: TwinCompared,
  ts: ReadonlyMap<number, TwinOutcome>,
  systemc: ReadonlyMap<number, TwinOutcome>,
  tolerance: TwinTolerance = TWIN_TOLERANCE,
): TwinComparison {
  const a = twinFigures(t, ts);
  const b = twinFigures(t, systemc);
  const period = t.params.get('crypto_engine.clock_period') ?? 1;
  const checks = (['p50', 'p99', 'p999'] as const).map((f) => {
    const allowed = tolerance.relative * a[f] + tolerance.periods * period;
    return { figure: f, ts: a[f], systemc: b[f], allowed, ok: Math.abs(b[f] - a[f]) <= allowed };
  });
  const drops = Math.max(2, tolerance.drops * t.records.length);
  const all = [
    ...checks,
    {
      figure: 'dropped',
      ts: a.dropped,
      systemc: b.dropped,
      allowed: drops,
      ok: Math.abs(b.dropped - a.dropped) <= drops,
    },
    { figure: 'missing', ts: a.missing, systemc: b.missing, allowed: 0, ok: a.missing === 0 && b.missing === 0 },
  ];
  return { ts: a, systemc: b, period, checks: all, agrees: all.every((c) => c.ok) };
}

/** The comparison as a table (µs), for a test's log and the docs. */
export function twinComparisonText(c: TwinComparison, left = 'TS'): string {
  const us = (ps: number): string => (ps / 1e6).toFixed(3);
  const row = (k: TwinComparison['checks'][number], a: string, b: string, allowed: string): string =>
    `${k.figure.padEnd(9)} ${a.padStart(10)} ${b.padStart(10)} ${allowed.padStart(10)}  ${k.ok ? 'ok' : 'FAIL'}`;
  const rows = c.checks.map((k) =>
    k.figure === 'records'
      ? row(k, '', `${(k.systemc * 100).toFixed(1)}%`, `>=${(k.allowed * 100).toFixed(0)}%`)
      : k.figure === 'dropped' || k.figure === 'missing' || k.figure === 'dropsdiff'
        ? row(k, String(k.ts), String(k.systemc), `±${k.allowed.toFixed(0)}`)
        : row(k, us(k.ts), us(k.systemc), `±${us(k.allowed)}`),
  );
  return [
    `${'figure'.padEnd(9)} ${`${left} µs`.padStart(10)} ${'SystemC µs'.padStart(10)} ${'allowed'.padStart(10)}`,
    ...rows,
  ].join('\n');
}
