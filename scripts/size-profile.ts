/**
 * Where a flow-model run spends its CPU: one seed of a `dtls13 size --json` answer's knobs (or of them with
 * `knob=value` changes: (c)'s last configuration is size-400g-1.1s-last-knobs.json with pipelineDepth=1024) at the
 * sizing load, WINDOW µs of steady window (default 20,000), under V8's sampling profiler; prints the records, events,
 * CPU seconds and records a CPU second, then the functions by their own (self) share of the samples. Under tsx the
 * model's closures show as `(anonymous) flow-model.ts`; docs/hwmodel-sizing.md names them from a profile of tsc's
 * unminified output (`node --cpu-prof`), which keeps their names.
 *
 *   node --import=tsx scripts/size-profile.ts docs/hwmodel/size-400g-1.1s-last-knobs.json 20000 1 pipelineDepth=1024
 *
 * The profile is taken in-process (node:inspector), so the figures are those of this run alone.
 */
import { Session, type Profiler } from 'node:inspector';
import { cpus, loadavg } from 'node:os';
import { KNOBS, type DeviceKnobs, type KnobName } from '../hwmodel/sizing/workload/device.js';
import { runFlow } from '../hwmodel/sizing/workload/flow-model.js';
import { scaleTraffic } from '../hwmodel/sizing/workload/traffic.js';
import { readAnswer } from './size-answer.js';

const [file, windowText, seedText, ...changes] = process.argv.slice(2);
if (file === undefined)
  throw new Error('usage: node --import=tsx scripts/size-profile.ts ANSWER.json [WINDOW_US] [SEED] [knob=value ...]');
const { a, knobs: saved, costs } = readAnswer(file);
const knobs: DeviceKnobs = { ...saved };
for (const c of changes) {
  const [name = '', value] = c.split('=');
  if (!KNOBS.includes(name as KnobName) || !(Number(value) > 0)) throw new Error(`not a knob=value: ${c}`);
  (knobs as Record<KnobName, number>)[name as KnobName] = Number(value);
}
const load = scaleTraffic(a.traffic, 1 + a.slos.margin);
const plan = { warmupUs: a.run.warmupUs ?? 50, windowUs: Number(windowText ?? 20_000), seed: Number(seedText ?? 1) };

const session = new Session();
session.connect();
const post = <T>(method: string, params?: object): Promise<T> =>
  new Promise((resolve, reject) => session.post(method, params, (e, r) => (e === null ? resolve(r as T) : reject(e))));
await post('Profiler.enable');
await post('Profiler.setSamplingInterval', { interval: 500 });
await post('Profiler.start');
const t0 = process.cpuUsage();
const r = runFlow(load, knobs, costs, plan);
const used = process.cpuUsage(t0);
const { profile } = await post<{ profile: Profiler.Profile }>('Profiler.stop');
session.disconnect();

const cpu = (used.user + used.system) / 1e6;
const records = r.steady.offered + (r.burst?.offered ?? 0);
console.log(
  `${cpus()[0]?.model ?? 'unknown CPU'}, load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}: ${KNOBS.map((k) => `${k} ${knobs[k]}`).join(', ')}; seed ${plan.seed}, ` +
    `${plan.windowUs.toLocaleString('en-US')} µs: ${records.toLocaleString('en-US')} records, ` +
    `${r.events.toLocaleString('en-US')} events, ${cpu.toFixed(2)} CPU s (profiled), ` +
    `${(records / cpu / 1e6).toFixed(3)} M records a CPU second`,
);
// Self time by function: each sample's node, by name and file.
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
for (const id of profile.samples ?? []) {
  const f = byId.get(id)!.callFrame;
  const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').at(-1) ?? ''}`.trim();
  self.set(name, (self.get(name) ?? 0) + 1);
}
const total = profile.samples?.length ?? 0;
for (const [name, n] of [...self].sort((x, y) => y[1] - x[1]).slice(0, 15))
  console.log(`  ${((100 * n) / total).toFixed(1).padStart(5)}%  ${name}`);
