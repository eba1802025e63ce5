/**
 * The closed-loop SystemC twin (hwmodel/cocheck/device-twin.cpp) against `simulate()` itself: the run's engine
 * trace made into the twin's traffic (hwmodel/cocheck/twin-sim.ts: the same datagrams, sizes, directions and
 * connections, and what each call did; when the device did it, the handshakes, flights and key slots' hits and
 * misses, the twin's own), the twin's per-record latency p50, p99, p99.9, drops and per-record finishes compared with
 * the run's own within SIM_TWIN_TOLERANCE, to the command's end and to the wire (each outgoing datagram through the TX
 * ring's credits and slots and the egress link; sim-twin-cases.ts, whose figures docs/hwmodel/sim-twin.csv holds); a
 * mutated cost on the SystemC side (10× the command cycles) must fail every case, and so must a model mutated to 10×
 * the command cycles (every case), the handshake engine's message cost or the key derivation, with the twin told the
 * spec figure; an egress link at half the rate, on either side alone, must fail every case to the wire; the run's seed
 * must give the same description byte for byte.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import {
  buildDeviceTwin,
  compareSimTwin,
  rawOp,
  runDeviceTwin,
  runDeviceTwinWithKeys,
  simTwinFromTrace,
  simTwinToWire,
  SIM_TWIN_TOLERANCE,
  SimTwinError,
  twinComparisonText,
  type SimTwin,
  type TwinOutcome,
} from '../../../hwmodel/cocheck/index.js';
import { treePath } from '../../../hwmodel/cocheck/source-tree.js';
import type { HostParams } from '../../../hwmodel/model/host.js';
import type { SimulationOptions } from '../../../hwmodel/model/simulate.js';
import {
  runSimTwinCase,
  SIM_TWIN_CASES,
  SIM_TWIN_COLUMNS,
  SIM_TWIN_CSV,
  simTwinCsvRow,
  traceOf,
  type SimTwinRun,
} from './sim-twin-cases.js';

const binary = buildDeviceTwin();
const CASES = SIM_TWIN_CASES.map((c) => [c.name, c.options] as const);

/** The records outside the per-record bound (SIM_TWIN_TOLERANCE), and how many of them are sealing requests. */
function outside(sim: SimTwin, twin: ReadonlyMap<number, TwinOutcome>): string {
  const period = sim.params.get('crypto_engine.clock_period') ?? 1;
  const out = sim.records.filter((r) => {
    const a = sim.simulated.get(r.id);
    const b = twin.get(r.id);
    if (a === undefined || b === undefined || !('finish' in a) || !('finish' in b)) return false;
    const d = Math.abs(a.finish - b.finish);
    return d > Math.max(SIM_TWIN_TOLERANCE.recordPeriods * period, SIM_TWIN_TOLERANCE.relative * (a.finish - r.at));
  });
  return `${out.length} outside the per-record bound (${out.filter((r) => r.seal === true).length} sealing)`;
}

const tenTimesCommands = (text: string): string =>
  text.replace(
    /^p crypto_engine\.command_cycles (\d+)$/m,
    (_, v: string) => `p crypto_engine.command_cycles ${Number(v) * 10}`,
  );

/** The description with the egress link's rate × `f` (the twin's side only). */
const linkTimes = (text: string, f: number): string =>
  text.replace(
    /^p network_channel\.bandwidth (\d+)$/m,
    (_, v: string) => `p network_channel.bandwidth ${Math.round(Number(v) * f)}`,
  );

const runs = new Map<string, SimTwinRun>();
const rows = new Map<string, string>();
for (const c of SIM_TWIN_CASES) {
  test.serial(`the twin agrees with simulate() to the command's end and to the wire: ${c.name}`, (t) => {
    const run = runSimTwinCase(binary, c);
    runs.set(c.name, run);
    rows.set(c.name, simTwinCsvRow(c, run));
    const { sim, twin } = run;
    t.true(sim.records.length > 100, `${sim.records.length} records compared`);
    t.true(sim.counts.sent >= 50, `${sim.counts.sent} datagrams sent`);
    t.log(
      `${JSON.stringify(sim.counts)}; ${sim.records.length} compared; worst record ${(run.command.worstRecord / 1e3).toFixed(1)} ns; ${outside(sim, twin)}\nto the command's end:\n${twinComparisonText(run.command, 'simulate')}\nto the wire (worst record ${(run.wire.worstRecord / 1e3).toFixed(1)} ns):\n${twinComparisonText(run.wire, 'simulate')}`,
    );
    t.true(run.command.agrees, twinComparisonText(run.command, 'simulate'));
    t.true(run.wire.agrees, twinComparisonText(run.wire, 'simulate'));
    // The wire comes after the command's end: the link's serialization at least.
    t.true(run.wire.ts.p999 >= run.command.ts.p999 || run.wire.ts.p99 > run.command.ts.p99, 'the wire is later');
  });
}

test.serial('10× the command cycles on the SystemC side fails every case', (t) => {
  for (const c of SIM_TWIN_CASES) {
    const run = runs.get(c.name);
    if (run === undefined) return t.fail(`${c.name} did not run`);
    const mutated = compareSimTwin(run.sim, runDeviceTwin(binary, tenTimesCommands(run.sim.text)));
    t.false(mutated.agrees, c.name);
    t.true(
      mutated.checks.some((k) => k.figure === 'p50' && !k.ok),
      c.name,
    );
  }
});

test.serial('a twin whose egress link runs at half the rate fails to the wire in every case', (t) => {
  let seenOnlyOnTheWire = 0;
  for (const c of SIM_TWIN_CASES) {
    const run = runs.get(c.name);
    if (run === undefined) return t.fail(`${c.name} did not run`);
    const half = runDeviceTwin(binary, linkTimes(run.sim.text, 0.5));
    const wire = compareSimTwin(simTwinToWire(run.sim), half);
    t.log(`${c.name}, the twin's link at half the rate, to the wire:\n${twinComparisonText(wire, 'simulate')}`);
    t.false(wire.agrees, c.name);
    if (compareSimTwin(run.sim, half).agrees) seenOnlyOnTheWire++;
  }
  // Where the TX credits hold nothing back, the command's end does not see the link: only the wire does.
  t.true(seenOnlyOnTheWire > 0, 'a case the comparison to the command alone would pass');
});

test.serial("simulate() with its egress link at half the rate fails to the wire, the twin told the run's rate", (t) => {
  for (const c of SIM_TWIN_CASES) {
    const run = runs.get(c.name);
    if (run === undefined) return t.fail(`${c.name} did not run`);
    const spec = run.sim.params.get('network_channel.bandwidth')!;
    const text = mutatedTrace(c.options, 'network_channel.bandwidth', spec, 0.5, (v) => ({
      ...c.options.device,
      networkChannel: { ...c.options.device?.networkChannel, bandwidth: v },
    }));
    const sim = simTwinFromTrace(text);
    const wire = compareSimTwin(simTwinToWire(sim), runDeviceTwin(binary, sim.text));
    t.log(`${c.name}, the model's link at half the rate, to the wire:\n${twinComparisonText(wire, 'simulate')}`);
    t.false(wire.agrees, c.name);
  }
});

test.serial("the TX ring is the twin's: its credits hold the sender back, its slots drop what credits let in", (t) => {
  const held = runs.get(SIM_TWIN_CASES[5]!.name);
  const drops = runs.get(SIM_TWIN_CASES[6]!.name);
  if (held === undefined || drops === undefined) return t.fail('the TX ring cases did not run');
  // Credits for every datagram on the SystemC side alone: nothing waits for the link to drain the ring, so no slot is
  // held and the records behind them go on. (A held datagram's own wire time is the same: the link is first in, first
  // out, whether it waits for a credit or in the link's queue.)
  const roomy = held.sim.text.replace(/^p record_layer\.tx_credits \d+$/m, 'p record_layer.tx_credits 1024');
  t.not(roomy, held.sim.text);
  const free = compareSimTwin(held.sim, runDeviceTwin(binary, roomy));
  t.log(`the held-back case with credits enough on the SystemC side:\n${twinComparisonText(free, 'simulate')}`);
  t.true(
    free.checks.some((k) => k.figure === 'p99' && !k.ok),
    'the credits hold back',
  );
  // The run's TX ring drops, and the twin drops the same datagrams; a deep ring on the SystemC side alone drops none.
  const dropped = drops.sim.wire.filter((r) => 'dropped' in drops.sim.simulated.get(r.id)! && r.seal === true);
  t.true(dropped.length > 10, `${dropped.length} datagrams dropped at the TX ring`);
  t.true(dropped.every((r) => drops.twin.get(r.id) !== undefined && 'dropped' in drops.twin.get(r.id)!));
  const deep = drops.sim.text.replace(/^p record_layer\.tx_ring_depth \d+$/m, 'p record_layer.tx_ring_depth 1024');
  const none = runDeviceTwin(binary, deep);
  t.true(dropped.every((r) => 'finish' in none.get(r.id)!));
  t.false(compareSimTwin(simTwinToWire(drops.sim), none).agrees, 'the drops are what the case measures');
});

test.serial('docs/hwmodel/sim-twin.csv holds these runs’ figures (scripts/sim-twin.ts writes it)', (t) => {
  const stored = readFileSync(treePath(SIM_TWIN_CSV), 'utf8').trimEnd().split('\n');
  t.is(stored[0], SIM_TWIN_COLUMNS.join(','));
  t.deepEqual(
    stored.slice(1),
    SIM_TWIN_CASES.map((c) => rows.get(c.name) ?? `${c.name} did not run`),
  );
});

test('the seal direction is compared on its own too: the outgoing records agree, and 10x command cycles fails them', (t) => {
  const sim = simTwinFromTrace(traceOf(CASES[1]![1]));
  const seals = { ...sim, records: sim.records.filter((r) => r.seal === true) };
  t.true(seals.records.length > 20, `${seals.records.length} sealing requests compared`);
  const c = compareSimTwin(seals, runDeviceTwin(binary, sim.text));
  t.log(twinComparisonText(c, 'simulate'));
  t.true(c.agrees, twinComparisonText(c, 'simulate'));
  t.false(compareSimTwin(seals, runDeviceTwin(binary, tenTimesCommands(sim.text))).agrees);
  // Their datagrams to the wire, alone: they agree, and a link at half the rate on the SystemC side fails them.
  const sent = { ...sim, records: sim.wire.filter((r) => r.seal === true) };
  t.true(sent.records.length > 20, `${sent.records.length} datagrams sent`);
  const w = compareSimTwin(sent, runDeviceTwin(binary, sim.text));
  t.log(twinComparisonText(w, 'simulate'));
  t.true(w.agrees, twinComparisonText(w, 'simulate'));
  t.false(compareSimTwin(sent, runDeviceTwin(binary, linkTimes(sim.text, 0.5))).agrees);
});

test('the drop case drops in simulate() and in the twin, the same datagrams', (t) => {
  const sim = simTwinFromTrace(traceOf(CASES[3]![1]));
  const out = runDeviceTwin(binary, sim.text);
  const dropped = sim.records.filter((r) => 'dropped' in sim.simulated.get(r.id)!);
  t.true(dropped.length > 0, 'simulate() dropped at the ring');
  t.true(
    dropped.every((r) => {
      const o = out.get(r.id);
      return o !== undefined && 'dropped' in o;
    }),
  );
});

test("the key slots are the twin's own: it finds about the run's misses, and given other slots it disagrees", (t) => {
  const text = traceOf(CASES[1]![1]);
  const sim = simTwinFromTrace(text);
  // i id at connection records n refs…, o id after at connection datagrams n refs…, h id after at connection messages
  // installs n refs…: no field for a key read's outcome.
  for (const line of sim.text.split('\n').filter((l) => /^[ioh] /.test(l))) {
    const w = line.split(' ');
    const n = { i: 5, o: 6, h: 7 }[line[0] as 'i' | 'o' | 'h'];
    t.is(w.length, n + 1 + Number(w[n]), line);
  }
  t.false(/^[dn] /m.test(sim.text), 'no derivation or install of the run: the twin derives on its own misses');
  // The run's misses: the key manager's derivations that install no key.
  const runMisses = text.split('\n').filter((l) => /^l \d+ \d+ key_manager \d+ (\d+|-)$/.test(l)).length;
  const twin = runDeviceTwinWithKeys(binary, sim.text);
  t.log(`key reads: simulate() missed ${runMisses}; the twin ${JSON.stringify(twin.keys)}`);
  t.true(runMisses > 10, `${runMisses} key reads missed in the run`);
  t.true(twin.keys !== undefined && Math.abs(twin.keys.misses - runMisses) <= Math.max(2, 0.05 * runMisses));
  // The slots decide: enough for every connection on the SystemC side alone (no misses), or a derivation 100× longer.
  const roomy = sim.text.replace(/^p key_manager\.key_slots \d+$/m, 'p key_manager.key_slots 1024');
  const many = runDeviceTwinWithKeys(binary, roomy);
  t.is(many.keys?.misses, 0);
  t.false(compareSimTwin(sim, many.outcomes).agrees, 'the misses are what the case measures');
  // Where the public-key queue sets the tail, its cycles move p99: twice the public-key cycles on the SystemC side.
  const pk = sim.text.replace(
    /^x (\d+) 1 (\S+) /gm,
    (_, row: string, cycles: string) => `x ${row} 1 ${Number(cycles) * 2} `,
  );
  t.not(pk, sim.text);
  const slowPk = compareSimTwin(sim, runDeviceTwin(binary, pk));
  t.log(`2x the public-key cycles on the SystemC side:\n${twinComparisonText(slowPk, 'simulate')}`);
  t.true(slowPk.checks.some((k) => k.figure === 'p99' && !k.ok));
  const slow = sim.text.replace(
    /^p key_manager\.derivation_cost (\d+)$/m,
    (_, v: string) => `p key_manager.derivation_cost ${Number(v) * 100}`,
  );
  t.false(compareSimTwin(sim, runDeviceTwin(binary, slow)).agrees);
});

test("the calls are the twin's to time: every handshake work and flight follows the datagram that caused it", (t) => {
  for (const [name, options] of [CASES[0]!, CASES[1]!]) {
    const sim = simTwinFromTrace(traceOf(options));
    const follow = sim.text.split('\n').filter((l) => /^[ho] /.test(l));
    t.true(follow.length > 50, `${name}: ${follow.length} handshake works and outgoing requests`);
    // No line at a traced time: each names the line it continues (a datagram's, or the handshake work its flight follows).
    t.is(sim.counts.timed, 0, name);
    t.true(
      follow.every((l) => /^[ho] \d+ \d+ /.test(l)),
      name,
    );
    // The handshake engine's lanes are the twin's: 10× its message cost on the SystemC side alone disagrees.
    const slow = sim.text.replace(
      /^p handshake_engine\.message_cost (\d+)$/m,
      (_, v: string) => `p handshake_engine.message_cost ${Number(v) * 10}`,
    );
    t.not(slow, sim.text);
    t.false(compareSimTwin(sim, runDeviceTwin(binary, slow)).agrees, name);
  }
});

/** `simulate()` with one parameter set to `times` its spec figure, the trace stating the spec figure (what the twin is told). */
function mutatedTrace(
  options: SimulationOptions,
  param: string,
  spec: number,
  times: number,
  device: (v: number) => HostParams,
): string {
  const text = traceOf({ ...options, device: device(spec * times) });
  const told = text.replace(new RegExp(`^param ${param.replace('.', '\\.')} \\d+$`, 'm'), `param ${param} ${spec}`);
  if (told === text) throw new Error(`the trace states no ${param} ${spec * times}`);
  return told;
}

// A cost the twin replayed (the handshake work's messages, the key installs, the flights: at their traced times)
// could be wrong in the model and pass; each one is the twin's own now. 10x the command cycles fails every case (p50
// and the records; p99 too where the tail is symmetric work: the deep-queue and drop cases. Where the public-key queue
// sets the tail, p99 moves under 1 % in the run as in the twin.)
const MUTATIONS: readonly {
  readonly param: string;
  readonly spec: number;
  readonly device: (o: SimulationOptions, v: number) => HostParams;
  readonly cases: readonly number[];
}[] = [
  {
    param: 'crypto_engine.command_cycles',
    spec: 20,
    device: (o, v) => ({ ...o.device, cryptoEngine: { ...o.device?.cryptoEngine, commandCycles: v } }),
    cases: [0, 1, 2, 3, 4],
  },
  {
    param: 'handshake_engine.message_cost',
    spec: 200_000,
    device: (o, v) => ({ ...o.device, handshakeEngine: { ...o.device?.handshakeEngine, messageCost: v } }),
    cases: [0, 1],
  },
  {
    param: 'key_manager.derivation_cost',
    spec: 150_000,
    device: (o, v) => ({ ...o.device, keyManager: { ...o.device?.keyManager, derivationCost: v } }),
    cases: [0, 1],
  },
];

for (const m of MUTATIONS)
  test(`a mutation of the model itself fails: simulate() with 10x ${m.param}, the twin told the spec figure`, (t) => {
    for (const i of m.cases) {
      const [name, options] = CASES[i]!;
      const sim = simTwinFromTrace(mutatedTrace(options, m.param, m.spec, 10, (v) => m.device(options, v)));
      const c = compareSimTwin(sim, runDeviceTwin(binary, sim.text));
      t.log(`${name}, the model 10x:\n${twinComparisonText(c, 'simulate')}`);
      t.false(c.agrees, name);
      if (m.param === 'crypto_engine.command_cycles' && (i === 2 || i === 3))
        t.true(
          c.checks.some((k) => k.figure === 'p99' && !k.ok),
          `${name}: p99 moves`,
        );
    }
  });

test('a seed is a run: the same options give the same description byte for byte, another seed another', (t) => {
  const options: SimulationOptions = { connections: 6, records: 5, arrivalRate: 2000 };
  const a = simTwinFromTrace(traceOf(options)).text;
  t.is(a, simTwinFromTrace(traceOf(options)).text);
  t.not(a, simTwinFromTrace(traceOf({ ...options, seed: 2 })).text);
});

test('a trace without the record layer (software platform) is refused with a typed error', (t) => {
  const text = traceOf({ connections: 2, records: 2, platform: 'software' });
  t.throws(() => simTwinFromTrace(text), { instanceOf: SimTwinError, message: /offload/ });
});

test("every timed operation of the run's commands reaches the description, HKDF steps included", (t) => {
  const text = traceOf({ connections: 4, records: 4, arrivalRate: 2000 });
  const timed = /^(aead_seal|aead_open|mask|hash|hmac|hkdf_extract|hkdf_expand|kx_generate|kx_derive|sign|verify):/;
  let inTrace = 0;
  for (const line of text.split('\n'))
    if (line.startsWith('c '))
      inTrace += line
        .split(' ')
        .slice(8)
        .filter((o) => timed.test(o)).length;
  const sim = simTwinFromTrace(text);
  let inDescription = 0;
  for (const line of sim.text.split('\n'))
    if (/^[ioh] /.test(line)) inDescription += line.split(' ').filter((f) => /^\d+:\d+$/.test(f)).length;
  t.true(inTrace > 0);
  t.is(inDescription, inTrace);
});

test('the operation figures come from the engine file: an HKDF step reads hkdf, an unknown one is refused', (t) => {
  t.deepEqual(rawOp('default', 'hkdf_expand', 'sha256'), {
    unit: 0,
    cycles: 260,
    bytesPerCycle: 0.9846,
    latencyCycles: 0,
    result: 5,
  });
  t.is(rawOp('default', 'kx_generate', 'x25519').unit, 1);
  t.is(rawOp('asic', 'aead_open', 'aes-128-gcm').bytesPerCycle, 16);
  t.throws(() => rawOp('default', 'sign', 'nonesuch'), { message: /no sign nonesuch figures/ });
});
