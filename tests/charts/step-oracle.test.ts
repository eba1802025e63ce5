import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileFunction } from 'node:vm';
import test from 'ava';
import { ts } from 'ts-morph';
import { loadCharts } from '../../generator/charts/load.js';
import { chartTransitionsModule, compilable } from '../../generator/charts/transitions.js';
import { TYPED_MACHINES } from '../../generator/charts/typed-machine.js';
import { ROOT } from '../support/spec.js';
import { delayOf, oracle, stepName, type Answers, type Outcome } from '../support/xstate-oracle.js';

/**
 * The generated step functions (generated/charts/<id>-transitions.ts, the
 * committed text) against XState's own interpreter of the same chart JSON
 * (tests/support/xstate-oracle.ts). Each module is loaded with its runtime
 * imports replaced by recording ones: a step records its name and the
 * chart's parameters and returns the variant of the target it is handed,
 * `arm` records its timer, each guard answers from a table. Then for every
 * resting state, every event and every table of guard answers, both must
 * agree on whether a transition is taken, the state it ends in, the steps
 * run in order (entry steps included) and the timers set; and the events
 * each state takes (`<b>Takes`, what the runtime answers unexpected_message
 * by) must be the events XState's state node takes.
 */

interface Recording {
  steps: string[];
  timers: number[];
  answers: Answers;
}

type Step = (
  c: object,
  state: { readonly kind: string },
  event: { readonly type: string },
) => { readonly kind: string } | undefined;

interface Loaded {
  readonly step: Step;
  readonly takes: Readonly<Record<string, ReadonlySet<string>>>;
  readonly recording: Recording;
}

/** The committed module of chart `id`, run with recording steps, guards, `move`, `arm` and delays in place of the runtime's. */
function load(id: string): Loaded {
  const bind = TYPED_MACHINES[id]!;
  const n = id.replace(/-(\w)/g, (_, ch: string) => ch.toUpperCase());
  const source = readFileSync(join(ROOT, `generated/charts/${id}-transitions.ts`), 'utf8');
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const recording: Recording = { steps: [], timers: [], answers: () => false };
  const named = <T>(make: (name: string) => T): Record<string, T> =>
    new Proxy({}, { get: (_, name) => make(String(name)) });
  const implementation = {
    [bind.steps]: named((name) => (_c: object, _s: object, _e: object, params: unknown, target: string) => {
      recording.steps.push(stepName(name, params));
      return { kind: target };
    }),
    [bind.guards]: named((name) => () => recording.answers(name)),
    ...(bind.move !== undefined ? { [bind.move]: (_c: object, _s: object, target: string) => ({ kind: target }) } : {}),
    ...(bind.arm !== undefined
      ? {
          [bind.arm]: (_c: object, _s: object, ms: number, target: string) => {
            recording.timers.push(ms);
            return { kind: target };
          },
        }
      : {}),
    ...(bind.delays !== undefined ? { [bind.delays]: named((name) => () => delayOf(name)) } : {}),
  };
  const required: string[] = [];
  const require = (path: string): object => {
    required.push(path);
    if (path !== `../../${bind.implementation}`) throw new Error(`${id}-transitions.ts imports ${path} at run time`);
    return implementation;
  };
  const exports: Record<string, unknown> = {};
  compileFunction(js, ['exports', 'require'])(exports, require);
  if (required.length !== 1) throw new Error(`${id}-transitions.ts did not import its implementation`);
  return { step: exports[`${n}Step`] as Step, takes: exports[`${n}Takes`] as Loaded['takes'], recording };
}

/** What the generated step function does in `state` with event `type`, the guards answering `answers`. */
function runStep(m: Loaded, state: string, type: string, answers: Answers): Outcome {
  m.recording.steps = [];
  m.recording.timers = [];
  m.recording.answers = answers;
  const next = m.step({}, { kind: state }, { type });
  return { taken: next !== undefined, to: next?.kind ?? state, steps: m.recording.steps, timers: m.recording.timers };
}

for (const id of Object.keys(TYPED_MACHINES)) {
  test(`${id}: for every state, event and answer of the guards, the generated step function does what XState does`, (t) => {
    const m = load(id);
    const o = oracle(id);
    const tables = o.answerTables();
    const disagreements: string[] = [];
    const targets = new Set<string>();
    let taken = 0;
    for (const state of o.restingStates) {
      const takes = [...(m.takes[state] ?? [])].sort();
      const accepts = [...o.accepts(state)].sort();
      if (takes.join() !== accepts.join())
        disagreements.push(`${state} takes ${takes.join(',')}; XState's state node takes ${accepts.join(',')}`);
      for (const type of o.events) {
        for (const [i, answers] of tables.entries()) {
          const viaXState = o.run(state, type, answers);
          const viaStep = runStep(m, state, type, answers);
          if (JSON.stringify(viaStep) !== JSON.stringify(viaXState))
            disagreements.push(
              `${state} --${type}--> (guard answers ${i}): generated ${JSON.stringify(viaStep)}, XState ${JSON.stringify(viaXState)}`,
            );
          if (viaXState.taken) {
            taken++;
            targets.add(`${state} --${type}--> ${viaXState.to}`);
          }
        }
      }
    }
    t.deepEqual(disagreements.slice(0, 20), [], `${disagreements.length} disagreements`);
    t.log(`${targets.size} distinct transitions (${taken} taken over ${tables.length} guard tables) agree`);
    // Not vacuous: every resting state but the initial one is where some transition ends.
    const reached = new Set([...targets].map((x) => x.split(' ').at(-1)));
    const initial = String(o.config.initial);
    t.deepEqual(
      o.restingStates.filter((s) => s !== initial && !reached.has(s)),
      [],
      'states no transition reaches',
    );
  });
}

test('the oracle is not blind: a step function that ignores a guard disagrees with XState', (t) => {
  const m = load('dtls13-client');
  const o = oracle('dtls13-client');
  // The generated function with firstHelloRetryRequest read as always true: XState still takes the alert branch when it is false.
  const forced: Loaded = {
    ...m,
    step: (c, s, e) => {
      const answers = m.recording.answers;
      m.recording.answers = (g) => g === 'firstHelloRetryRequest' || answers(g);
      return m.step(c, s, e);
    },
  };
  const never: Answers = () => false;
  t.notDeepEqual(
    runStep(forced, 'waitServerHello', 'HelloRetryRequest', never),
    o.run('waitServerHello', 'HelloRetryRequest', never),
  );
  t.deepEqual(
    runStep(m, 'waitServerHello', 'HelloRetryRequest', never),
    o.run('waitServerHello', 'HelloRetryRequest', never),
  );
});

test('a chart no runtime binds, or one with nested states, gets no machine module (it runs on XState alone)', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'dtls13-unbound-'));
  mkdirSync(join(root, 'charts'));
  writeFileSync(
    join(root, 'charts/nested.json'),
    JSON.stringify({ id: 'nested', initial: 'x', states: { x: { initial: 'y', states: { y: {} } } } }),
  );
  writeFileSync(
    join(root, 'charts/flat.json'),
    JSON.stringify({ id: 'flat', initial: 'x', states: { x: { on: { go: 'y' } }, y: { type: 'final' } } }),
  );
  const [flat, nested] = loadCharts(root, 'charts', new Set());
  t.true(compilable(flat!));
  t.false(compilable(nested!));
  t.is(chartTransitionsModule(flat!), undefined);
  t.is(chartTransitionsModule(nested!, TYPED_MACHINES['dtls13-client']), undefined);
  t.true(chartTransitionsModule(flat!, TYPED_MACHINES['dtls13-client'])!.includes('export function flatStep('));
});
