/**
 * A chart of one level compiled for {@link FlatChartRunner}: states with
 * `on`, `entry`, `always`, one `after` delay and `type: 'final'`, and a root
 * `on`; transitions with a target (a sibling, or `.child` from the root),
 * a named guard, actions (names or `{ type, params }`) and `reenter`.
 * Anything else (nested or parallel states, exit actions, invocations,
 * history, wildcard events, guards with parameters, ...) makes
 * {@link flatChart} answer `undefined`, and the chart runs on XState.
 */

export interface FlatAction {
  readonly type: string;
  readonly params: unknown;
}

export interface FlatTransition {
  readonly target: string | undefined;
  readonly guard: string | undefined;
  readonly actions: readonly FlatAction[];
  readonly reenter: boolean;
  /** From the chart's root `on`: the current state is exited and the target entered, whatever they are. */
  readonly fromRoot: boolean;
}

export interface FlatState {
  readonly name: string;
  readonly on: ReadonlyMap<string, readonly FlatTransition[]>;
  readonly entry: readonly FlatAction[];
  readonly always: readonly FlatTransition[];
  /** The `after` delay (a delay's name or milliseconds), if the state has one. */
  readonly afterDelay: string | number | undefined;
  readonly after: readonly FlatTransition[];
  /** The event the delay raises (XState's `xstate.after.<delay>.<chart>.<state>`), one object for every time it fires. */
  readonly afterEvent: { readonly type: string } | undefined;
  readonly final: boolean;
}

export interface FlatChart {
  readonly id: string;
  readonly initial: string;
  readonly states: ReadonlyMap<string, FlatState>;
  readonly on: ReadonlyMap<string, readonly FlatTransition[]>;
}

/** Thrown inside the compiler only: the chart uses something the flat runner does not implement. */
class Unsupported extends Error {}

const ROOT_KEYS = new Set(['id', 'description', 'initial', 'meta', 'on', 'states']);
const STATE_KEYS = new Set(['description', 'meta', 'on', 'entry', 'always', 'after', 'type']);
const TRANSITION_KEYS = new Set(['description', 'meta', 'target', 'guard', 'actions', 'reenter']);

const compiled = new WeakMap<object, FlatChart | null>();

/** The chart compiled for the flat runner (once per chart object), or `undefined` when it has more than one level or another feature the runner lacks. */
export function flatChart(chart: object): FlatChart | undefined {
  let c = compiled.get(chart);
  if (c === undefined) {
    try {
      c = compile(chart as Record<string, unknown>);
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
      c = null;
    }
    compiled.set(chart, c);
  }
  return c ?? undefined;
}

function record(x: unknown): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Unsupported('not an object');
  return x as Record<string, unknown>;
}

function only(x: Record<string, unknown>, keys: ReadonlySet<string>): void {
  for (const k of Object.keys(x)) if (!keys.has(k)) throw new Unsupported(k);
}

function list(x: unknown): readonly unknown[] {
  return x === undefined ? [] : Array.isArray(x) ? x : [x];
}

function name(x: unknown): string {
  if (typeof x !== 'string') throw new Unsupported('not a name');
  return x;
}

function compile(root: Record<string, unknown>): FlatChart {
  only(root, ROOT_KEYS);
  const id = name(root.id);
  const statesConfig = record(root.states);
  const names = new Set(Object.keys(statesConfig));
  const actions = (x: unknown): readonly FlatAction[] =>
    list(x).map((a) => {
      if (typeof a === 'string') return { type: a, params: undefined };
      const o = record(a);
      only(o, new Set(['type', 'params']));
      if (typeof o.params === 'function') throw new Unsupported('params from a function');
      return { type: name(o.type), params: o.params };
    });
  const transitions = (x: unknown, fromRoot: boolean): readonly FlatTransition[] =>
    list(x).map((t) => {
      const o = typeof t === 'string' ? { target: t } : record(t);
      only(o, TRANSITION_KEYS);
      let target: string | undefined;
      if (o.target !== undefined) {
        target = name(o.target);
        if (fromRoot) {
          if (!target.startsWith('.')) throw new Unsupported('a root target that is not a child');
          target = target.slice(1);
        }
        if (!names.has(target)) throw new Unsupported(`target ${target}`);
      }
      if (o.reenter !== undefined && typeof o.reenter !== 'boolean') throw new Unsupported('reenter');
      return { target, guard: o.guard === undefined ? undefined : name(o.guard), actions: actions(o.actions), reenter: o.reenter === true, fromRoot };
    });
  const on = (x: unknown, fromRoot: boolean): ReadonlyMap<string, readonly FlatTransition[]> => {
    const m = new Map<string, readonly FlatTransition[]>();
    if (x === undefined) return m;
    for (const [event, t] of Object.entries(record(x))) {
      if (event.includes('*') || event === '') throw new Unsupported('a wildcard event');
      m.set(event, transitions(t, fromRoot));
    }
    return m;
  };
  const states = new Map<string, FlatState>();
  for (const [stateName, config] of Object.entries(statesConfig)) {
    const s = record(config);
    only(s, STATE_KEYS);
    if (s.type !== undefined && s.type !== 'final' && s.type !== 'atomic') throw new Unsupported(`state type ${String(s.type)}`);
    let afterDelay: string | number | undefined;
    let after: readonly FlatTransition[] = [];
    if (s.after !== undefined) {
      const delays = Object.entries(record(s.after));
      if (delays.length !== 1) throw new Unsupported('more than one delay');
      const [delay, t] = delays[0]!;
      afterDelay = Number.isNaN(Number(delay)) ? delay : Number(delay);
      after = transitions(t, false);
    }
    const state: FlatState = {
      name: stateName,
      on: on(s.on, false),
      entry: actions(s.entry),
      always: transitions(s.always, false),
      afterDelay,
      after,
      afterEvent: afterDelay === undefined ? undefined : { type: `xstate.after.${afterDelay}.${id}.${stateName}` },
      final: s.type === 'final',
    };
    states.set(stateName, state);
  }
  const initial = name(root.initial);
  if (!states.has(initial)) throw new Unsupported('initial');
  return { id, initial, states, on: on(root.on, true) };
}
