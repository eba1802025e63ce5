import test from 'ava';
import fc from 'fast-check';
import { setup, type AnyStateMachine } from 'xstate';
import { sharedDtls13ClientMachine } from '../../generated/charts/dtls13-client-machine.js';
import { dtls13ClientChart } from '../../generated/charts/dtls13-client.js';
import { sharedDtls13FlightMachine } from '../../generated/charts/dtls13-flight-machine.js';
import { dtls13FlightChart } from '../../generated/charts/dtls13-flight.js';
import { sharedDtls13ServerMachine } from '../../generated/charts/dtls13-server-machine.js';
import { dtls13ServerChart } from '../../generated/charts/dtls13-server.js';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dtls13ClientCompiled } from '../../generated/charts/dtls13-client-transitions.js';
import { dtls13FlightCompiled } from '../../generated/charts/dtls13-flight-transitions.js';
import { dtls13ServerCompiled } from '../../generated/charts/dtls13-server-transitions.js';
import { loadCharts } from '../../generator/charts/load.js';
import { chartTransitionsModule, compilable } from '../../generator/charts/transitions.js';
import { runChart, type RunningChart } from '../../runtime/handshake/chart-runner.js';
import { ManualClock } from '../../runtime/handshake/manual-clock.js';
import { CompiledChartRunner, type CompiledChart } from '../../runtime/machine/compiled-chart.js';

/**
 * The compiled charts (generated/charts/<id>-transitions.ts) on their runner against XState on the project's three charts: random
 * event sequences (with timers fired, guards answering at random, and
 * actions that send the actor another event while it works) must give the
 * same actions, with the same events, parameters and visible state, in the
 * same order; the same state and status after every step; the same `can`
 * for every event; and the same pending timer.
 */

type Ev = { readonly type: string };

/**
 * What the project's charts do not have yet but the runner claims: entry
 * actions with parameters, re-entering a state and staying in it, a root
 * transition under a state's own guarded one, a root transition to the current state, a named and a numeric delay,
 * eventless transitions, targetless root transitions.
 */
const SYNTHETIC = {
  id: 'synthetic',
  initial: 'a',
  on: { fail: { target: '.z', actions: ['rootFail'] }, reset: { target: '.a', actions: ['rootReset'] }, poke: { actions: ['rootPoke'] } },
  states: {
    a: {
      entry: ['enterA'],
      on: {
        fail: { guard: 'g1', target: 'b', actions: ['aFail'] },
        go: [
          { guard: 'g2', target: 'a', reenter: true, actions: ['again'] },
          { target: 'a', actions: ['stay'] },
        ],
        next: 'b',
      },
      after: { slow: { target: 'b', actions: ['late'] } },
    },
    b: {
      entry: [{ type: 'enterB', params: { n: 1 } }],
      always: [{ guard: 'g3', target: 'c', actions: ['skip'] }],
      on: { go: 'a', poke: { guard: 'g1', actions: ['bPoke'] } },
    },
    c: { entry: ['enterC'], after: { 500: [{ guard: 'g2', target: 'a' }, { target: 'z' }] }, on: { go: { target: 'c', reenter: true }, next: 'c' } },
    z: { type: 'final' },
  },
} as const;

/** A machine for SYNTHETIC built like the generated ones: every action, guard and delay read from the actor's input. */
function syntheticMachine(): AnyStateMachine {
  type Bound = { readonly context: object; readonly implementation: Record<'actions' | 'guards' | 'delays', Record<string, (...a: unknown[]) => never>> };
  type Args = { readonly context: Bound; readonly event: Ev };
  const names = {
    actions: ['rootFail', 'rootReset', 'rootPoke', 'enterA', 'aFail', 'again', 'stay', 'late', 'enterB', 'skip', 'bPoke', 'enterC'],
    guards: ['g1', 'g2', 'g3'],
    delays: ['slow'],
  };
  const table = (kind: 'actions' | 'guards' | 'delays') =>
    Object.fromEntries(
      names[kind].map((n) => [n, ({ context, event }: Args, params: unknown) => context.implementation[kind][n]!({ context: context.context, event }, params)]),
    );
  const machine = setup({
    types: { context: {} as Bound, input: {} as Bound, events: {} as Ev },
    actions: table('actions'),
    guards: table('guards'),
    delays: table('delays'),
  }).createMachine({
    ...(SYNTHETIC as unknown as object),
    context: ({ input }: { input: Bound }) => input,
  } as never);
  return machine as unknown as AnyStateMachine;
}

/** SYNTHETIC compiled by the generator, as `npm run generate` compiles spec/charts. */
async function compileSynthetic(): Promise<CompiledChart> {
  const root = mkdtempSync(join(tmpdir(), 'dtls13-synthetic-'));
  mkdirSync(join(root, 'charts'));
  writeFileSync(join(root, 'charts/synthetic.json'), JSON.stringify(SYNTHETIC));
  const [ir] = loadCharts(root, 'charts', new Set());
  writeFileSync(join(root, 'synthetic-transitions.ts'), chartTransitionsModule(ir!));
  const module = (await import(pathToFileURL(join(root, 'synthetic-transitions.ts')).href)) as { readonly syntheticCompiled: CompiledChart };
  return module.syntheticCompiled;
}

const CHARTS: Record<string, { readonly machine: AnyStateMachine; readonly chart: object; readonly compiled: CompiledChart }> = {
  client: { machine: sharedDtls13ClientMachine(), chart: dtls13ClientChart, compiled: dtls13ClientCompiled },
  server: { machine: sharedDtls13ServerMachine(), chart: dtls13ServerChart, compiled: dtls13ServerCompiled },
  flight: { machine: sharedDtls13FlightMachine(), chart: dtls13FlightChart, compiled: dtls13FlightCompiled },
  synthetic: { machine: syntheticMachine(), chart: SYNTHETIC, compiled: await compileSynthetic() },
};

interface ChartConfig {
  readonly on?: Record<string, unknown>;
  readonly states: Record<string, { readonly on?: Record<string, unknown> }>;
}

function eventTypes(chart: object): string[] {
  const c = chart as ChartConfig;
  const types = new Set(Object.keys(c.on ?? {}));
  for (const s of Object.values(c.states)) for (const t of Object.keys(s.on ?? {})) types.add(t);
  return [...types].sort();
}

type Step = { readonly kind: 'send'; readonly type: string } | { readonly kind: 'advance'; readonly ms: number } | { readonly kind: 'stop' };

interface Script {
  readonly at: string | undefined;
  readonly steps: readonly Step[];
  /** Guard answers: one bit per (guard, step), so repeated evaluations in a step agree. */
  readonly bits: readonly boolean[];
  /** Per action name: an event it sends to its own actor (once per step), or none. */
  readonly reentrant: Readonly<Record<string, string | undefined>>;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Runs `script` on one implementation of the chart; returns what it observed. */
function play(name: string, script: Script, start: (input: { context: object; implementation: object }, clock: ManualClock) => RunningChart<Ev>): string[] {
  const out: string[] = [];
  const clock = new ManualClock(0);
  const holder: { chart?: RunningChart<Ev>; step: number; nested: boolean } = { step: -1, nested: false };
  const context = { name };
  const implementation = {
    actions: new Proxy(
      {},
      {
        get: (_, action: string) => (args: { context: object; event: Ev }, params: unknown) => {
          out.push(
            `action ${action} ${JSON.stringify(params) ?? '-'} on ${args.event.type} in ${holder.chart?.value ?? '(starting)'} ctx ${args.context === context}`,
          );
          const again = script.reentrant[action];
          if (again !== undefined && !holder.nested && holder.chart) {
            holder.nested = true;
            holder.chart.send({ type: again });
          }
        },
      },
    ),
    guards: new Proxy(
      {},
      {
        get: (_, guard: string) => () => script.bits[hash(`${guard}/${holder.step}`) % script.bits.length] ?? false,
      },
    ),
    delays: new Proxy({}, { get: () => () => 100 + (holder.step % 3) * 250 }),
  };
  holder.chart = start({ context, implementation }, clock);
  const types = eventTypes(CHARTS[name]!.chart);
  const observe = (what: string): void => {
    const c = holder.chart!;
    out.push(`${what}: ${c.value} ${c.status} can ${types.filter((t) => c.can({ type: t })).join(',')} timer ${String(clock.nextDeadline())}`);
  };
  observe('start');
  script.steps.forEach((step, i) => {
    holder.step = i;
    holder.nested = false;
    if (step.kind === 'send') holder.chart!.send({ type: step.type });
    else if (step.kind === 'advance') clock.advanceTo(clock.now + step.ms);
    else holder.chart!.stop();
    observe(`${i} ${step.kind} ${step.kind === 'send' ? step.type : step.kind === 'advance' ? step.ms : ''}`);
  });
  return out;
}

function scriptOf(name: string): fc.Arbitrary<Script> {
  const { chart } = CHARTS[name]!;
  const types = eventTypes(chart);
  const states = Object.keys((chart as ChartConfig).states);
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...types).map((type) => ({ kind: 'send' as const, type })) },
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 2000 }).map((ms) => ({ kind: 'advance' as const, ms })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'stop' as const }) },
  );
  const actions = new Set<string>();
  JSON.stringify(chart, (k, v: unknown) => {
    if (k === 'actions' || k === 'entry') for (const a of Array.isArray(v) ? v : [v]) actions.add(typeof a === 'string' ? a : (a as { type: string }).type);
    return v;
  });
  return fc.record({
    at: fc.option(fc.constantFrom(...states), { nil: undefined }),
    steps: fc.array(step, { maxLength: 40 }),
    bits: fc.array(fc.boolean(), { minLength: 1, maxLength: 64 }),
    reentrant: fc.record(Object.fromEntries([...actions].map((a) => [a, fc.option(fc.constantFrom(...types), { nil: undefined, freq: 4 })]))),
  });
}

for (const name of Object.keys(CHARTS)) {
  test(`${name} chart: the compiled chart does what XState does`, (t) => {
    const { machine, compiled } = CHARTS[name]!;
    fc.assert(
      fc.property(scriptOf(name), (script) => {
        const viaXState = play(name, script, (input, clock) => runChart<Ev>(machine, compiled, input, clock, script.at, () => {}));
        const viaCompiled = play(name, script, (input, clock) => new CompiledChartRunner<Ev>(compiled, input, clock, script.at));
        t.deepEqual(viaCompiled, viaXState);
        return true;
      }),
      { numRuns: 300 },
    );
  });
}

test('the generator compiles only charts of one level', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'dtls13-nested-'));
  mkdirSync(join(root, 'charts'));
  writeFileSync(join(root, 'charts/nested.json'), JSON.stringify({ id: 'nested', initial: 'x', states: { x: { initial: 'y', states: { y: {} } } } }));
  writeFileSync(join(root, 'charts/flat.json'), JSON.stringify({ id: 'flat', initial: 'x', states: { x: { on: { go: 'y' } }, y: { type: 'final' } } }));
  const [flat, nested] = loadCharts(root, 'charts', new Set());
  t.true(compilable(flat!));
  t.false(compilable(nested!));
});
