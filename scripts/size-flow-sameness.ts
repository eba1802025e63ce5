/**
 * Whether this tree's sizing flow model (hwmodel/sizing/workload/flow-model.ts) runs exactly as another copy's does:
 * every case below is run by both, and each run's data (run-encoding.ts's `runData`: every figure and histogram bin,
 * each number as its 64 bits, by name) and the stream of its observer's calls (every arrival, outcome and record sent,
 * with its times) must be the same byte for byte. The other copy is a built `dist/` (such as main's, before a change to the model):
 *
 *   npx tsx scripts/size-flow-sameness.ts OTHER_DIST [--quick]
 *
 * The cases: the two `npm run bench -- size-flow` cases at 2,000 µs; (a)'s, (b)'s and (c)'s saved knobs in
 * docs/hwmodel/*.json on three seeds; one lane; a key-slot-starved device; bursts; handshake-heavy traffic of each
 * kind; protocol events; Zipf popularity; Poisson arrivals and long trains; a lookaside host; a ring that grows past
 * 1,024 entries. Prints a line a case (its records, events and the first bytes of the SHA-256 of its run) and exits 1
 * if any case differs. Both copies are given the same traffic, knobs and costs (this tree's), so only the model's code
 * differs.
 *
 * Not `encodeRun`'s bytes themselves: v8's serializer writes a whole number held as a small integer and one held as a
 * double differently, and which one a figure is depends on how v8 compiled the code that made it (the same code, run
 * earlier or later in a process, can give either), so those bytes differ between two runs of the same copy; the
 * values they decode to do not.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DeviceCosts, DeviceKnobs } from '../hwmodel/sizing/workload/device.js';
import { runFlow } from '../hwmodel/sizing/workload/flow-model.js';
import type { FlowObserver, FlowRun, RunPlan } from '../hwmodel/sizing/workload/flow-run.js';
import { runData } from '../hwmodel/sizing/workload/run-encoding.js';
import type { ProtocolEvents } from '../hwmodel/sizing/workload/protocol-events.js';
import { checkTraffic, scaleTraffic, type Traffic } from '../hwmodel/sizing/workload/traffic.js';
import { readAnswer } from './size-answer.js';

type RunFlow = typeof runFlow;
type RunDataOf = typeof runData;

const [otherDist, ...flags] = process.argv.slice(2);
if (otherDist === undefined) throw new Error('usage: npx tsx scripts/size-flow-sameness.ts OTHER_DIST [--quick]');
const quick = flags.includes('--quick');
const base = pathToFileURL(resolve(otherDist, 'hwmodel/sizing/workload/')).href;
const other = {
  runFlow: ((await import(`${base}/flow-model.js`)) as { runFlow: RunFlow }).runFlow,
  runData: ((await import(`${base}/run-encoding.js`)) as { runData: RunDataOf }).runData,
};

interface Case {
  readonly name: string;
  readonly traffic: Traffic;
  readonly knobs: DeviceKnobs;
  readonly costs: DeviceCosts;
  readonly plan: RunPlan;
}

const docs = new URL('../docs/hwmodel/', import.meta.url).pathname;
/** A saved answer's question at its sizing load, its knobs and costs, with `change`s. */
const saved = (
  file: string,
  change: {
    readonly knobs?: Partial<DeviceKnobs>;
    readonly traffic?: Partial<Omit<Traffic, 'events'>> & { readonly events?: Partial<ProtocolEvents> };
    readonly costs?: (c: DeviceCosts) => DeviceCosts;
  } = {},
): Omit<Case, 'name' | 'plan'> => {
  const { a, knobs, costs } = readAnswer(docs + file);
  const traffic = checkTraffic({ ...scaleTraffic(a.traffic, 1 + a.slos.margin), ...change.traffic });
  return { traffic, knobs: { ...knobs, ...change.knobs }, costs: change.costs?.(costs) ?? costs };
};
const plan = (windowUs: number, seed: number, warmupUs = 50): RunPlan => ({ warmupUs, windowUs, seed });

const cases: Case[] = [];
const add = (name: string, c: Omit<Case, 'name' | 'plan'>, p: RunPlan): void =>
  void cases.push({ name, ...c, plan: p });
const C = 'size-400g-1.1s-last-knobs.json';
const A = 'size-100g-tx-rule-answer-knobs.json';
const B = 'size-iot-10s-answer.json';
const seeds = quick ? [101] : [101, 102, 103];
// The bench's two cases at 2,000 µs.
add(`bench (c) ${C}`, saved(C), plan(quick ? 500 : 2000, 101));
add(`bench (a) ${A}`, saved(A), plan(quick ? 500 : 2000, 101));
// Every saved workload answer's knobs at its sizing load.
for (const file of readdirSync(docs).filter((f) => /^size-(100g|400g|iot)-.*\.json$/.test(f))) {
  if (file.includes('search')) continue;
  const window = file.startsWith('size-400g') ? 200 : 500;
  for (const seed of seeds) add(`${file} seed ${seed}`, saved(file), plan(window, seed));
}
// One lane (overloaded: the drain runs long), a key-slot-starved device (every record a connection lookup on one
// memory channel), bursts, a one-entry ring.
add('one lane (b)', saved(B, { knobs: { lanes: 1 } }), plan(300, 7));
add('one lane (a)', saved(A, { knobs: { lanes: 1 } }), plan(40, 7, 10));
for (const seed of seeds) {
  add(`starved key slots (c) seed ${seed}`, saved(C, { knobs: { keySlots: 1, memChannels: 4 } }), plan(100, seed));
  add(`starved key slots (a) seed ${seed}`, saved(A, { knobs: { keySlots: 2, memChannels: 1 } }), plan(200, seed));
  add(`bursts ×4 (a) seed ${seed}`, saved(A, { traffic: { burstFactor: 4, burstUs: 60 } }), plan(200, seed));
  add(
    `bursts ×2 zipf (c) seed ${seed}`,
    saved(C, { traffic: { burstFactor: 2, burstUs: 30, zipf: 1.1, activeSessions: 50_000 } }),
    plan(100, seed),
  );
}
add('rx ring 1 (a)', saved(A, { knobs: { rxRingDepth: 1 } }), plan(300, 5));
add('rx ring 8192, tx ring 1 (c)', saved(C, { knobs: { rxRingDepth: 8192, txRingDepth: 1 } }), plan(100, 5));
// Handshake-heavy traffic of each kind, a public-key queue that fills.
for (const handshake of ['full', 'psk-dhe', 'psk'] as const)
  add(
    `handshakes 2e6/s ${handshake} (a)`,
    saved(A, { traffic: { handshakesPerSecond: 2e6, handshake, sessions: 2_000_000, activeSessions: 1_000_000 } }),
    plan(200, 11),
  );
add('handshakes 1e7/s (b), one pk lane', saved(B, { traffic: { handshakesPerSecond: 1e7 } }), plan(100, 12));
// Protocol events: forged and replayed records, key updates; alone and together, with a burst.
const events = [
  { forgedGbps: 30 },
  { replayShare: 0.2 },
  { keyUpdatesPerSession: 200 },
  { forgedGbps: 10, replayShare: 0.05, keyUpdatesPerSession: 50 },
];
for (const e of events) add(`events ${JSON.stringify(e)} (a)`, saved(A, { traffic: { events: e } }), plan(200, 21));
add(
  'events all, burst (c)',
  saved(C, {
    traffic: { events: { forgedGbps: 20, replayShare: 0.1, keyUpdatesPerSession: 20 }, burstFactor: 1.5 },
  }),
  plan(100, 22),
);
// Arrivals: Poisson (trains of 1) and long trains.
add('poisson (c)', saved(C, { traffic: { trainRecords: 1 } }), plan(100, 31));
add('trains of 64 (a)', saved(A, { traffic: { trainRecords: 64 } }), plan(300, 32));
add('single size 1200 (a)', saved(A, { traffic: { mix: [{ bytes: 1200, weight: 1 }] } }), plan(300, 33));
// A lookaside host: every record fetched and written back over PCIe.
const lookaside = (lanes: number) => ({
  knobs: { pcieLanes: lanes },
  costs: (c: DeviceCosts): DeviceCosts => ({ ...c, host: { ...c.host, attach: 'lookaside' as const } }),
});
add('lookaside 16 lanes (a)', saved(A, lookaside(16)), plan(200, 41));
add('lookaside 4 lanes (a), burst', saved(A, lookaside(4)), plan(100, 42));
add(
  'lookaside 32 lanes (c), events',
  saved(C, { ...lookaside(32), traffic: { events: { keyUpdatesPerSession: 30, forgedGbps: 5 } } }),
  plan(100, 43),
);

/** A run and the SHA-256 of its observer's calls. */
function run(f: RunFlow, c: Case): { run: FlowRun; calls: string } {
  const h = createHash('sha256');
  const line = (...xs: (number | undefined)[]): void => void h.update(`${xs.map(String).join(' ')}\n`);
  const observer: FlowObserver = {
    arrival: (id, at, kind, size, session, phase) => line(0, id, at, kind, size, session, phase),
    outcome: (id, at) => line(1, id, at),
    sent: (id, at) => line(2, id, at),
  };
  return { run: f(c.traffic, c.knobs, c.costs, c.plan, observer), calls: h.digest('hex') };
}

/** `data` as bytes: each name, each number's 64 bits (NaN's included), each array's length; in the order it holds them. */
function canonical(data: unknown): Buffer {
  const parts: Buffer[] = [];
  const number = (x: number): void => {
    const b = Buffer.alloc(9);
    b[0] = 0x6e;
    b.writeDoubleLE(x, 1);
    parts.push(b);
  };
  const text = (t: string): void => void parts.push(Buffer.from(`${JSON.stringify(t)}:`));
  const walk = (x: unknown): void => {
    if (typeof x === 'number') return number(x);
    if (x === undefined) return text('(undefined)');
    if (x instanceof Float64Array || Array.isArray(x)) {
      text(`array ${x.length}`);
      for (let i = 0; i < x.length; i++) walk(x[i]);
      return;
    }
    if (typeof x !== 'object' || x === null) throw new TypeError(`a run holds ${typeof x}`);
    for (const [k, v] of Object.entries(x)) {
      text(k);
      walk(v);
    }
  };
  walk(data);
  return Buffer.concat(parts);
}

let differ = 0;
for (const c of cases) {
  const mine = run(runFlow, c);
  const theirs = run(other.runFlow, c);
  // Without an observer too: the model may take another path when none is given.
  const bare = canonical(runData(runFlow(c.traffic, c.knobs, c.costs, c.plan)));
  const bytes = canonical(runData(mine.run));
  const same = bytes.equals(canonical(other.runData(theirs.run))) && bytes.equals(bare) && mine.calls === theirs.calls;
  if (!same) differ++;
  const records = mine.run.steady.offered + (mine.run.burst?.offered ?? 0);
  const sha = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  console.log(
    `${same ? 'same     ' : 'DIFFERENT'} ${c.name}: ${records} records, ${mine.run.events} events, run ${sha}, ` +
      `calls ${mine.calls.slice(0, 16)}`,
  );
}
console.log(`${cases.length} cases, ${differ} different`);
process.exitCode = differ === 0 ? 0 : 1;
