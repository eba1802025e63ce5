/**
 * Two copies of the sizing flow model (hwmodel/sizing/workload/flow-model.ts) timed against each other: records a CPU
 * second of each built `dist/` on `npm run bench -- size-flow`'s two cases ((c)'s last configuration and (a)'s
 * answer at their sizing load), in alternating rounds in this process (the order swapped each round, one seed a round,
 * the same seed for both copies), so both see the same load. Prints each case's medians, spreads and the ratio round
 * by round, with the load average before and after, by two clocks: the process's CPU time (what `npm run bench --
 * size-flow` reads: v8's compiler and collector threads included) and, on Linux, this thread's alone
 * (/proc/self/task/PID/schedstat). Two copies in one process sway the first (their compiler threads' work), so both
 * are shown; the second is the model's own work.
 *
 *   npx tsx scripts/size-flow-compare.ts OLD_DIST NEW_DIST [ROUNDS=6] [WINDOW_US=3000]
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { runFlow } from '../hwmodel/sizing/workload/flow-model.js';
import { scaleTraffic } from '../hwmodel/sizing/workload/traffic.js';
import { readAnswer } from './size-answer.js';

type RunFlow = typeof runFlow;

const [oldDist, newDist, roundsText, windowText] = process.argv.slice(2);
if (oldDist === undefined || newDist === undefined)
  throw new Error('usage: npx tsx scripts/size-flow-compare.ts OLD_DIST NEW_DIST [ROUNDS] [WINDOW_US]');
const rounds = Number(roundsText ?? 6);
const windowUs = Number(windowText ?? 3000);
const load = async (dist: string): Promise<RunFlow> => {
  const url = pathToFileURL(resolve(dist, 'hwmodel/sizing/workload/flow-model.js')).href;
  return ((await import(url)) as { runFlow: RunFlow }).runFlow;
};
const schedstat = `/proc/self/task/${process.pid}/schedstat`;
const perThread = existsSync(schedstat);
const copies = [await load(oldDist), await load(newDist)] as const;
const loadText = (): string =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, load ${loadText()}; ${rounds} rounds × ${windowUs} µs, old / new`);
const CASES = [
  ["(c)'s last configuration", 'size-400g-1.1s-last-knobs.json'],
  ["(a)'s answer", 'size-100g-tx-rule-answer-knobs.json'],
] as const;
for (const [name, file] of CASES) {
  const { a, knobs, costs } = readAnswer(new URL(`../docs/hwmodel/${file}`, import.meta.url).pathname);
  const traffic = scaleTraffic(a.traffic, 1 + a.slos.margin);
  const rates = { process: [[], []] as number[][], thread: [[], []] as number[][] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const which of order) {
      const t0 = process.cpuUsage();
      const s0 = threadSeconds();
      const r = copies[which]!(traffic, knobs, costs, { warmupUs: 50, windowUs, seed: 101 + round });
      const u = process.cpuUsage(t0);
      const records = r.steady.offered + (r.burst?.offered ?? 0);
      rates.process[which]!.push(records / ((u.user + u.system) / 1e6));
      rates.thread[which]!.push(records / (threadSeconds() - s0));
    }
  }
  const m = (x: number): string => (x / 1e6).toFixed(3);
  for (const [clock, [old, now]] of Object.entries(rates) as [string, [number[], number[]]][]) {
    if (clock === 'thread' && !perThread) continue;
    const [o, n] = [old, now].map((r) => [median(r), Math.min(...r), Math.max(...r)] as const);
    const ratios = now.map((x, i) => x / old[i]!);
    console.log(
      `  ${name}, ${clock} CPU: old ${m(o![0])} M records/CPU s (${m(o![1])} to ${m(o![2])}), new ${m(n![0])} M ` +
        `(${m(n![1])} to ${m(n![2])}); ${(n![0] / o![0]).toFixed(2)} × (round by round ` +
        `${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)} ×)`,
    );
  }
}
console.log(`  load after: ${loadText()}`);

/** This thread's CPU seconds (Linux; elsewhere 0 and not shown). */
function threadSeconds(): number {
  return perThread ? Number(readFileSync(schedstat, 'utf8').split(' ')[0]) / 1e9 : 0;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
