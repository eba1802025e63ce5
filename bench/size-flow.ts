import { availableParallelism, cpus, loadavg } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { SeededRandom } from '../hwmodel/kernel/index.js';
import { TimeHeap } from '../hwmodel/trace/index.js';
import { growKnob, KNOB_LIMITS, KNOBS } from '../hwmodel/sizing/workload/device.js';
import { runFlow } from '../hwmodel/sizing/workload/flow-model.js';
import { FlowPool } from '../hwmodel/sizing/workload/flow-pool.js';
import { sequentialRunner } from '../hwmodel/sizing/workload/flow-runner.js';
import { runData } from '../hwmodel/sizing/workload/run-encoding.js';
import { scaleTraffic } from '../hwmodel/sizing/workload/traffic.js';
import { readAnswer } from '../scripts/size-answer.js';

/**
 * The sizing flow model's speed (`npm run bench -- size-flow`, only when named: about a minute): records simulated a
 * CPU second by hwmodel/sizing/workload/flow-model.ts on two saved answers' knobs at their sizing load, one seed a
 * round, `DTLS13_BENCH_SIZE_FLOW_ROUNDS` rounds (default 5) of `DTLS13_BENCH_SIZE_FLOW_WINDOW_US` µs of steady window
 * (default 5,000): (c)'s last configuration (400 Gbit/s each way; docs/hwmodel/size-400g-1.1s-last-knobs.json) and
 * (a)'s answer (100 Gbit/s each way with a burst; size-100g-tx-rule-answer-knobs.json). A search's CPU time is its
 * records over this rate (an acceptance of 1e9 records at 1e6 records a CPU second is some 17 minutes).
 *
 * The code it was sped up from is gone, so the figures are absolute, printed with the machine's CPU and its load
 * average (the load changes no record, only the rate); docs/hwmodel-sizing.md keeps the old and the new code's figures
 * measured in alternating rounds. The baseline, in alternating rounds in this process: as many events as the round's
 * run through a bare event loop (hwmodel/trace's TimeHeap holding 64 events, each pop pushing one an exponential
 * draw later, nothing else), its CPU time an event, so the ratio says what the model costs an event over the loop.
 */
const ROUNDS = positive('DTLS13_BENCH_SIZE_FLOW_ROUNDS', 5);
const WINDOW_US = positive('DTLS13_BENCH_SIZE_FLOW_WINDOW_US', 5000);

const CASES = [
  { name: "(c)'s last configuration", file: 'docs/hwmodel/size-400g-1.1s-last-knobs.json' },
  { name: "(a)'s answer", file: 'docs/hwmodel/size-100g-tx-rule-answer-knobs.json' },
] as const;

export function benchSizeFlow(log: (line: string) => void): void {
  const load = (): string =>
    loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
  log(`\n=== sizing flow model: records a CPU second (${cpus()[0]?.model ?? 'unknown CPU'}, load ${load()}) ===`);
  for (const c of CASES) {
    const { a, knobs, costs } = readAnswer(new URL(`../${c.file}`, import.meta.url).pathname);
    const traffic = scaleTraffic(a.traffic, 1 + a.slos.margin);
    const rates: number[] = [];
    const ratios: number[] = [];
    let perRecord = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const t0 = process.cpuUsage();
      const r = runFlow(traffic, knobs, costs, { warmupUs: 50, windowUs: WINDOW_US, seed: 101 + round });
      const cpu = seconds(process.cpuUsage(t0));
      const records = r.steady.offered + (r.burst?.offered ?? 0);
      const t1 = process.cpuUsage();
      bareLoop(r.events, round);
      const bare = seconds(process.cpuUsage(t1));
      rates.push(records / cpu);
      ratios.push(cpu / bare);
      perRecord = r.events / records;
    }
    const m = (x: number): string => `${(x / 1e6).toFixed(3)} M`;
    const spread = `${m(Math.min(...rates))} to ${m(Math.max(...rates))}`;
    const bare = `${median(ratios).toFixed(1)} × the bare event loop's CPU time for as many events`;
    log(
      `  ${c.name}: ${m(median(rates))} records/CPU s (median of ${ROUNDS} × ${WINDOW_US} µs; ${spread}), ` +
        `${perRecord.toFixed(2)} events a record, ${bare}`,
    );
  }
  benchJobs(log);
  log(`  load after: ${load()}`);
}

/**
 * `--jobs`: a proof's runs (each knob of (c)'s last configuration grown one step, 3 seeds each, 1,000 µs) in this
 * thread and on a pool of `DTLS13_BENCH_SIZE_FLOW_JOBS` workers (default: the cores), in alternating rounds: the wall
 * time of each (the pool's gain is the cores left free by other work), and that the runs are the same.
 */
function benchJobs(log: (line: string) => void): void {
  const jobs = positive('DTLS13_BENCH_SIZE_FLOW_JOBS', availableParallelism());
  const { a, knobs, costs } = readAnswer(new URL(`../${CASES[0].file}`, import.meta.url).pathname);
  const traffic = scaleTraffic(a.traffic, 1 + a.slos.margin);
  const last = { ...knobs, pipelineDepth: 1024 };
  const grown = KNOBS.map((k) => growKnob(last, k)).filter((g, i) => g[KNOBS[i]!] <= KNOB_LIMITS[KNOBS[i]!]);
  const runs = grown.flatMap((k) =>
    [101, 102, 103].map((seed) => ({ traffic, knobs: k, costs, plan: { warmupUs: 50, windowUs: 1000, seed } })),
  );
  const pool = new FlowPool(jobs);
  const walls: [number[], number[]] = [[], []];
  let same = true;
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = performance.now();
    const one = sequentialRunner.runs(runs);
    const t1 = performance.now();
    const many = pool.runs(runs);
    walls[0].push((t1 - t0) / 1000);
    walls[1].push((performance.now() - t1) / 1000);
    same &&= isDeepStrictEqual(one.map(runData), many.map(runData));
  }
  void pool.close();
  const [w1, wn] = walls.map(median) as [number, number];
  log(
    `  a proof's ${runs.length} runs (${grown.length} configurations × 3 seeds × 1,000 µs): ${w1.toFixed(1)} s in one ` +
      `thread, ${wn.toFixed(1)} s on --jobs ${jobs} (wall, medians of ${ROUNDS} alternating rounds; ` +
      `${(w1 / wn).toFixed(2)} ×), the same runs: ${same ? 'yes' : 'NO'}`,
  );
}

function positive(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!(Number.isInteger(v) && v > 0)) throw new RangeError(`${name} must be a whole number from 1, got ${text}`);
  return v;
}

/** `events` events through a bare loop: a heap of 64 pending, each pop pushing one an exponential draw later. */
function bareLoop(events: number, seed: number): void {
  const r = new SeededRandom(seed);
  const heap = new TimeHeap<number>();
  for (let i = 0; i < 64; i++) heap.push(r.exponential(100), i);
  for (let n = 0; n < events; n++) {
    const t = heap.peekTime()!;
    heap.push(t + r.exponential(100), heap.pop()!);
  }
}

function seconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
