import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createActor, createMachine, type AnyStateMachine } from 'xstate';
import { loadCharts } from '../../generator/charts/load.js';
import type { ChartIR } from '../../generator/charts/model.js';
import { TIMEOUT_EVENT } from '../../generator/charts/typed-machine.js';
import { ROOT } from './spec.js';

/**
 * XState's own interpreter over a chart of spec/charts, as the independent
 * oracle of the generated step functions (generated/charts/<id>-transitions.ts):
 * the chart JSON loaded with `createMachine`, every action recording its
 * name and parameters, every guard answering from the caller's table, every
 * delay a fixed number of milliseconds per name, timers on a clock that
 * records them and never fires. A machine's `timeout` event is XState's own
 * delayed event of the state (`xstate.after.<delay>.<chart>.<state>`).
 */

/** What one event did: whether a transition was enabled, the state after it, the actions run (entry ones included) and the timers set. */
export interface Outcome {
  readonly taken: boolean;
  readonly to: string;
  readonly steps: readonly string[];
  readonly timers: readonly number[];
}

/** A guard's answer: `answers` as a bit mask over the chart's guards, in their IR order. */
export type Answers = (guard: string) => boolean;

/** The delay each named delay stands for in both engines: distinct per name, so a timer armed with the wrong one shows. */
export function delayOf(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) % 9000;
  return 1000 + h;
}

/** How a step is written in an outcome: its name and the chart's literal parameters. */
export function stepName(name: string, params: unknown): string {
  return params === undefined ? name : `${name} ${JSON.stringify(params)}`;
}

type Json = Readonly<Record<string, unknown>>;

export interface OracleChart {
  readonly ir: ChartIR;
  readonly config: Json;
  readonly machine: AnyStateMachine;
  /** The chart's states that rest: not a state with `always`, which both engines only pass through. */
  readonly restingStates: readonly string[];
  /** The events the generated machine may be sent: the chart's, and `timeout` when a state has an `after` delay. */
  readonly events: readonly string[];
  /** The events XState's state node (and the root) takes in `state`, `after` ones as `timeout`; none in a final state. */
  accepts(state: string): ReadonlySet<string>;
  /** What XState does in `state` (resumed there, no entry run) with event `type`, the guards answering `answers`. */
  run(state: string, type: string, answers: Answers): Outcome;
  /** Every guard answer table for the chart (2^guards of them). */
  answerTables(): Answers[];
}

const charts = new Map<string, OracleChart>();

/** The oracle for chart `id` (spec/charts/<id>.json), built once per process. */
export function oracle(id: string): OracleChart {
  const known = charts.get(id);
  if (known) return known;
  const made = build(id);
  charts.set(id, made);
  return made;
}

function build(id: string): OracleChart {
  const config = JSON.parse(readFileSync(join(ROOT, `spec/charts/${id}.json`), 'utf8')) as Json;
  const ir = loadCharts(ROOT, 'spec/charts', { has: () => true } as unknown as ReadonlySet<string>).find(
    (c) => c.id === id,
  );
  if (!ir) throw new Error(`no chart ${id}`);
  const record: { steps: string[]; timers: number[]; answers: Answers } = {
    steps: [],
    timers: [],
    answers: () => false,
  };
  const machine = createMachine(config as never).provide({
    actions: Object.fromEntries(
      [...ir.actions.keys()].map((a) => [
        a,
        (_: unknown, params: unknown) => void record.steps.push(stepName(a, params)),
      ]),
    ),
    guards: Object.fromEntries(ir.guards.map((g) => [g, () => record.answers(g)])),
    delays: Object.fromEntries(ir.delays.map((d) => [d, () => delayOf(d)])),
  }) as unknown as AnyStateMachine;
  const clock = {
    setTimeout: (_fire: unknown, ms: number): number => record.timers.push(ms),
    clearTimeout: (): void => {},
  };
  const states = config.states as Readonly<Record<string, Json>>;
  const afterEvent = (state: string): string | undefined => {
    const after = states[state]?.after;
    return after === undefined ? undefined : `xstate.after.${Object.keys(after as Json)[0]!}.${id}.${state}`;
  };
  const node = (state: string): { readonly ownEvents: readonly string[] } =>
    (machine.states as Record<string, { readonly ownEvents: readonly string[] }>)[state]!;
  const rootEvents = (machine.root as unknown as { readonly ownEvents: readonly string[] }).ownEvents;
  return {
    ir,
    config,
    machine,
    restingStates: Object.keys(states).filter((s) => states[s]!.always === undefined),
    events: [...ir.events, ...(ir.delays.length > 0 ? [TIMEOUT_EVENT] : [])],
    accepts(state) {
      if (states[state]!.type === 'final') return new Set();
      const after = afterEvent(state);
      return new Set([...node(state).ownEvents, ...rootEvents].map((e) => (e === after ? TIMEOUT_EVENT : e)));
    },
    run(state, type, answers) {
      record.answers = answers;
      const actor = createActor(machine, { snapshot: machine.resolveState({ value: state, context: {} }), clock });
      actor.start();
      record.steps = [];
      record.timers = [];
      const event = { type: type === TIMEOUT_EVENT ? (afterEvent(state) ?? type) : type };
      const before = actor.getSnapshot();
      const taken = before.status === 'active' && machine.getTransitionData(before as never, event as never).length > 0;
      record.steps = [];
      actor.send(event);
      const after = actor.getSnapshot() as { readonly value: unknown };
      actor.stop();
      return { taken, to: String(after.value), steps: record.steps, timers: record.timers };
    },
    answerTables() {
      const tables: Answers[] = [];
      for (let mask = 0; mask < 1 << ir.guards.length; mask++)
        tables.push((g) => (mask & (1 << ir.guards.indexOf(g))) !== 0);
      return tables;
    },
  };
}

/** The states XState can reach from `state` on event `type`, over every answer of the chart's guards (empty: XState takes no transition). */
export function reachable(id: string, state: string, type: string): ReadonlySet<string> {
  const o = oracle(id);
  const out = new Set<string>();
  for (const answers of o.answerTables()) {
    const r = o.run(state, type, answers);
    if (r.taken) out.add(r.to);
  }
  return out;
}
