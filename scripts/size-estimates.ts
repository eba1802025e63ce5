/**
 * The estimates a `dtls13 size --json` answer rests on, each at its range's ends, on the answer's knobs as they are
 * (hwmodel/sizing/workload/estimate-sensitivity.ts; what `dtls13 size` prints for its own answer): for an answer
 * searched before the ranges were written, or to see an answer's estimates without searching again. The JSON is the
 * one scripts/size-rerun.ts reads (the question's traffic, SLOs and clock, and the answer's knobs). Runs at the
 * sizing load on screening runs (SEEDS × WINDOW µs, default the answer's own, else 3 × 500), two an estimate, after
 * one at the sizing load with every figure as written (the nominal) and one at the target load (the utilization the
 * whole device is priced at); prints the table, the verdict, the whole device's cost table and the wall time.
 *
 *   npx tsx scripts/size-estimates.ts a.json [SEEDS] [WINDOW]
 */
import { estimateText } from '../cli/size-workload-output.js';
import { deviceCostText } from '../hwmodel/sizing/device-cost-text.js';
import { KNOBS, type KnobName } from '../hwmodel/sizing/workload/device.js';
import { estimateSensitivity, estimateVerdict } from '../hwmodel/sizing/workload/estimate-sensitivity.js';
import { replicate, type RunSettings } from '../hwmodel/sizing/workload/replicate.js';
import { evaluateSlos } from '../hwmodel/sizing/workload/slo.js';
import { scaleTraffic } from '../hwmodel/sizing/workload/traffic.js';
import { answerPricing } from '../hwmodel/sizing/workload/workload-search.js';
import { readAnswer } from './size-answer.js';

const [file, seedsText, windowText] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: npx tsx scripts/size-estimates.ts ANSWER.json [SEEDS] [WINDOW_US]');
const { a, knobs, targets, engine, costs } = readAnswer(file);
const t0 = performance.now();
const run: RunSettings = {
  warmupUs: a.run.warmupUs ?? 50,
  windowUs: Number(windowText ?? a.run.windowUs ?? 500),
  replications: Number(seedsText ?? a.run.replications ?? 3),
  seed: a.run.seed ?? 1,
};
const load = scaleTraffic(a.traffic, 1 + a.slos.margin);
const nominal = replicate(load, knobs, costs, run);
const atTarget = replicate(a.traffic, knobs, costs, run);
const mean = (k: KnobName): number => atTarget.runs.reduce((s, r) => s + r.utilization[k], 0) / atTarget.runs.length;
const utilization = Object.fromEntries(KNOBS.map((k) => [k, mean(k)])) as Record<KnobName, number>;
const v = evaluateSlos(nominal, a.slos, 'screen');
const pricing = answerPricing({
  engine,
  targets,
  traffic: a.traffic,
  knobs,
  utilization,
  maxRecord: Math.max(...a.traffic.mix.map((m) => m.bytes)),
});
const rows = estimateSensitivity({
  nominalMet: v.met,
  engine,
  targets,
  traffic: a.traffic,
  load,
  knobs,
  slos: a.slos,
  run,
  ...pricing,
});
const whole = pricing.wholeDevice(engine, pricing.costFile);
process.stdout.write(
  `${file}: knobs ${JSON.stringify(knobs)}\n` +
    `nominal (every figure as written) at the sizing load (× ${1 + a.slos.margin}), ${run.replications} × ${run.windowUs} µs: ` +
    `p99 ${nominal.metrics.p99Us.mean.toPrecision(4)} µs, drops ${nominal.metrics.dropProbability.mean.toExponential(2)}, ` +
    `${v.met ? 'passes the screen' : `fails the screen (${v.limiting.metric})`}\n` +
    `${estimateText(rows, run).join('\n')}\n` +
    `Estimates: ${estimateVerdict(rows)}\n` +
    (whole === undefined ? '' : `The knobs' whole device, priced at the target load:\n${deviceCostText(whole)}`) +
    `${2 + 2 * rows.filter((r) => r.kind === 'timing').length} replicated runs, ${((performance.now() - t0) / 1000).toFixed(1)} s wall time\n`,
);
