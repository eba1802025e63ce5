import type { ChartIR } from './model.js';

/**
 * The chart compiled into the machine itself: for a chart the runtime binds
 * here, `generated/charts/<id>-transitions.ts` also gets `<b>Step(c, state,
 * event)`, a function over the role's per-state union that calls each
 * transition's steps directly. A `switch` on the state's kind and one on the
 * event's type narrow both, so every step and guard is called with exactly
 * the state variant and event the chart gives it, and the state a
 * transition ends in must be the variant of its target: a step written for
 * another state, a guard over the wrong event, a transition whose steps do
 * not end in its target, or a chart state the union lacks is a type error.
 * Nothing is checked at run time; what a step throws leaves `<b>Step`.
 */

/** Where the runtime keeps what a chart's machine runs: module paths from the project root (`.js`), and the names they export. */
export interface TypedMachineBinding {
  /** The per-state union (`kind` is the chart state) and the event union the machine takes. */
  readonly states: string;
  readonly state: string;
  readonly event: string;
  /** The steps (`{ [action]: (c, state, event, params, to) => state }`), the guards (`{ [guard]: (state, event, c) => boolean }`: pure, `c` only for configuration) and the context type steps get. */
  readonly implementation: string;
  readonly steps: string;
  readonly guards: string;
  readonly context: string;
  /**
   * For a chart with `entry`, `after` or `always` (the flight chart): `move(c, state, target)` makes the
   * target's variant when a transition enters a state without `after`; `arm(c, state, ms, target)` makes it
   * for a state with `after`, the timer's deadline a datum of the variant; `delays` (`{ [delay]: (c, state) =>
   * ms }`) gives a named delay. The runtime sends `{ type: 'timeout' }` once the deadline has passed.
   */
  readonly move?: string;
  readonly arm?: string;
  readonly delays?: string;
}

/** The charts whose machine is generated, and the runtime modules that implement them. */
export const TYPED_MACHINES: Readonly<Record<string, TypedMachineBinding>> = {
  'dtls13-client': {
    states: 'runtime/dtls13/client-states.js',
    state: 'ClientState',
    event: 'ClientEvent',
    implementation: 'runtime/dtls13/client-handshake.js',
    steps: 'CLIENT_STEPS',
    guards: 'CLIENT_GUARDS',
    context: 'ClientContext',
  },
  'dtls13-server': {
    states: 'runtime/dtls13/server-states.js',
    state: 'ServerState',
    event: 'ServerEvent',
    implementation: 'runtime/dtls13/server-handshake.js',
    steps: 'SERVER_STEPS',
    guards: 'SERVER_GUARDS',
    context: 'ServerContext',
  },
  'dtls12-client': {
    states: 'runtime/dtls12/client.js',
    state: 'ClientState12',
    event: 'ClientEvent12',
    implementation: 'runtime/dtls12/client.js',
    steps: 'CLIENT_STEPS12',
    guards: 'CLIENT_GUARDS12',
    context: 'HandshakeParts12',
  },
  'dtls12-server': {
    states: 'runtime/dtls12/server.js',
    state: 'ServerState12',
    event: 'ServerEvent12',
    implementation: 'runtime/dtls12/server.js',
    steps: 'SERVER_STEPS12',
    guards: 'SERVER_GUARDS12',
    context: 'HandshakeParts12',
  },
  'dtls13-flight': {
    states: 'runtime/handshake/flight-steps.js',
    state: 'FlightState',
    event: 'FlightEvent',
    implementation: 'runtime/handshake/flight-steps.js',
    steps: 'FLIGHT_STEPS',
    guards: 'FLIGHT_GUARDS',
    context: 'AnyFlightContext',
    move: 'moveFlight',
    arm: 'armFlight',
    delays: 'FLIGHT_DELAYS',
  },
};

type Json = Readonly<Record<string, unknown>>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const list = (x: unknown): readonly unknown[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const lit = (s: string): string => `'${s}'`;
const camel = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

interface Edge {
  readonly guard: string | undefined;
  readonly target: string | undefined;
  readonly reenter: boolean;
  readonly steps: readonly { readonly type: string; readonly params: unknown }[];
}

function edges(x: unknown): readonly Edge[] {
  return list(x).map((t) => {
    const o: Json = typeof t === 'string' ? { target: t } : (t as Json);
    const target = typeof o.target === 'string' ? o.target.replace(/^\./, '') : undefined;
    const steps = list(o.actions).map((a) =>
      typeof a === 'string'
        ? { type: a, params: undefined }
        : { type: String((a as Json).type), params: (a as Json).params },
    );
    return { guard: typeof o.guard === 'string' ? o.guard : undefined, target, reenter: o.reenter === true, steps };
  });
}

/** The event a bound chart's machine takes when a state's `after` deadline has passed. */
export const TIMEOUT_EVENT = 'timeout';

/**
 * The typed machine's lines for chart `c`, bound to the runtime modules of `bind`. A bound chart may use `on`, a
 * root `on`, final states and, when its binding has `move`, `arm` and `delays`, `entry`, one `after` delay
 * and `always`; never `exit`.
 */
export function typedMachineSection(
  c: ChartIR,
  bind: TypedMachineBinding,
): { readonly imports: readonly string[]; readonly body: readonly string[] } {
  const b = c.tsBase;
  const n = camel(b);
  const root = c.config;
  const states = isObject(root.states) ? root.states : {};
  const finals = Object.keys(states).filter((s) => (states[s] as Json).type === 'final');
  const timed = bind.move !== undefined && bind.arm !== undefined && bind.delays !== undefined;
  const node = (s: string): Json => (isObject(states[s]) ? (states[s] as Json) : {});
  /** The state's one `after` delay and its transitions, if it has one. */
  const after = (s: string): { readonly delay: string; readonly transitions: unknown } | undefined => {
    const a = node(s).after;
    if (!isObject(a)) return undefined;
    const delays = Object.keys(a);
    if (delays.length !== 1 || /^\d+$/.test(delays[0]!))
      throw new Error(
        `${c.path}: state ${s} needs exactly one named after delay in a generated machine (generator/charts/typed-machine.ts)`,
      );
    return { delay: delays[0]!, transitions: a[delays[0]!] };
  };
  for (const [s, o] of Object.entries(states)) {
    if (!isObject(o)) continue;
    if (o.exit !== undefined)
      throw new Error(
        `${c.path}: state ${s} has exit, which a generated machine (generator/charts/typed-machine.ts) does not run`,
      );
    if (!timed && (o.entry !== undefined || o.after !== undefined || o.always !== undefined))
      throw new Error(
        `${c.path}: state ${s} has entry, after or always, which a generated machine runs only with a binding's move, arm and delays (generator/charts/typed-machine.ts)`,
      );
    after(s);
  }
  const initial = typeof root.initial === 'string' ? root.initial : '';
  if (node(initial).entry !== undefined || node(initial).after !== undefined || node(initial).always !== undefined)
    throw new Error(
      `${c.path}: the initial state ${initial} has entry, after or always, which a generated machine (generator/charts/typed-machine.ts) does not run at the start`,
    );
  const params: string[] = [];
  const paramRef = (p: unknown): string => {
    if (p === undefined) return 'undefined';
    const text = JSON.stringify(p);
    let i = params.indexOf(text);
    if (i < 0) i = params.push(text) - 1;
    return `P${i}`;
  };
  const up = (p: string): string => `../../${p}`;
  /**
   * One transition: its steps in order on the narrowed state and event; when it enters its target (another
   * state, a root transition, or `reenter`), with a timed binding, the target's variant (`move`, or `arm` with
   * its `after` delay), its entry steps, and its `always` transitions resolved in place (the first whose guard
   * holds is taken, and so on). The last result is checked against the variant of the state it ends in.
   */
  const take = (e: Edge, from: string, indent: string, state = 'state', n = { i: 0 }, depth = 0): string[] => {
    const to = e.target ?? from;
    if (to === '')
      throw new Error(
        `${c.path}: a root transition without a target, which a generated machine (generator/charts/typed-machine.ts) does not run`,
      );
    if (depth > Object.keys(states).length)
      throw new Error(
        `${c.path}: always transitions from ${from} do not settle, which a generated machine (generator/charts/typed-machine.ts) cannot run`,
      );
    const out: string[] = [];
    let s = state;
    const next = (): string => `s${++n.i}`;
    for (const step of e.steps) {
      const v = next();
      out.push(
        `${indent}const ${v} = ${bind.steps}.${step.type}(c, ${s}, event, ${paramRef(step.params)}, ${lit(to)});`,
      );
      s = v;
    }
    const enters = e.target !== undefined && (from === '' || e.reenter || e.target !== from);
    if (!timed || !enters) {
      out.push(`${indent}return ${s} satisfies At<${lit(to)}>;`);
      return out;
    }
    const timer = after(to);
    const v = next();
    if (timer)
      out.push(`${indent}const ${v} = ${bind.arm}(c, ${s}, ${bind.delays}.${timer.delay}(c, ${s}), ${lit(to)});`);
    else out.push(`${indent}const ${v} = ${bind.move}(c, ${s}, ${lit(to)});`);
    s = v;
    for (const step of list(node(to).entry).map((a) =>
      typeof a === 'string'
        ? { type: a, params: undefined }
        : { type: String((a as Json).type), params: (a as Json).params },
    )) {
      const w = next();
      out.push(
        `${indent}const ${w} = ${bind.steps}.${step.type}(c, ${s}, event, ${paramRef(step.params)}, ${lit(to)});`,
      );
      s = w;
    }
    for (const t of edges(node(to).always)) {
      const inner = take({ ...t, reenter: true }, to, `${indent}  `, s, n, depth + 1);
      if (t.guard === undefined) {
        out.push(`${indent}{`, ...inner, `${indent}}`);
        return out;
      }
      out.push(`${indent}if (${bind.guards}.${t.guard}(${s}, event, c)) {`, ...inner, `${indent}}`);
    }
    out.push(`${indent}return ${s} satisfies At<${lit(to)}>;`);
    return out;
  };
  const branches = (ts: readonly Edge[], from: string, indent: string): string[] => {
    const out: string[] = [];
    for (const t of ts) {
      if (t.guard === undefined) {
        out.push(`${indent}{`, ...take(t, from, `${indent}  `), `${indent}}`);
        return out;
      }
      out.push(
        `${indent}if (${bind.guards}.${t.guard}(state, event, c)) {`,
        ...take(t, from, `${indent}  `),
        `${indent}}`,
      );
    }
    out.push(`${indent}break;`);
    return out;
  };
  const onSwitch = (on: unknown, from: string, indent: string): string[] => {
    if (!isObject(on)) return [];
    const out = [`${indent}switch (event.type) {`];
    for (const [event, t] of Object.entries(on))
      out.push(`${indent}  case ${lit(event)}: {`, ...branches(edges(t), from, `${indent}    `), `${indent}  }`);
    out.push(`${indent}}`);
    return out;
  };
  const body: string[] = [];
  for (const [s, node] of Object.entries(states)) {
    const on = (node as Json).on;
    const timer = timed ? after(s) : undefined;
    const cases = { ...(isObject(on) ? on : {}), ...(timer ? { [TIMEOUT_EVENT]: timer.transitions } : {}) };
    if (Object.keys(cases).length === 0 || finals.includes(s)) continue;
    body.push(`    case ${lit(s)}:`, ...onSwitch(cases, s, '      '), '      break;');
  }
  const rootOn = isObject(root.on) ? root.on : {};
  const takes = Object.keys(states).map((s) => {
    const own = [
      ...(isObject((states[s] as Json).on) ? Object.keys((states[s] as Json).on as Json) : []),
      ...(timed && after(s) ? [TIMEOUT_EVENT] : []),
    ];
    const all = finals.includes(s) ? [] : [...new Set([...own, ...Object.keys(rootOn)])].sort();
    return `  ${s}: new Set([${all.map(lit).join(', ')}]),`;
  });
  const imports = [
    `import type { ${bind.state}, ${bind.event} } from '${up(bind.states)}';`,
    `import { ${[bind.steps, bind.guards, ...(timed ? [bind.move!, bind.arm!, bind.delays!] : [])].join(', ')}, type ${bind.context} } from '${up(bind.implementation)}';`,
  ];
  const lines = [
    '',
    `/** The variant of ${bind.state} for chart state \`K\`. */`,
    `type At<K extends ${bind.state}['kind']> = Extract<${bind.state}, { readonly kind: K }>;`,
    '',
    `/** Every state of the chart is a kind of ${bind.state}: a chart state the union lacks fails here, by name. */`,
    `type KindOf<K extends ${bind.state}['kind']> = K;`,
    `export type ${b}MachineKind = KindOf<${b}StateKind>;`,
    '',
    ...params.map((p, i) => `const P${i} = ${p} as const;`),
    '',
    `/**`,
    ` * The state \`event\` moves \`state\` to, running the steps of the chart's transition in order (guards are pure`,
    ` * branches over the state and the event); \`undefined\` when the state does not take the event (final states take none).`,
    ` * What a step throws leaves this function; the state is then unchanged.`,
    ` */`,
    `export function ${n}Step(c: ${bind.context}, state: ${bind.state}, event: ${bind.event}): ${bind.state} | undefined {`,
    `  switch (state.kind) {`,
    ...(finals.length > 0 ? [`    case ${finals.map(lit).join(':\n    case ')}:`, '      return undefined;'] : []),
    ...body,
    '  }',
    ...onSwitch(rootOn, '', '  '),
    '  return undefined;',
    '}',
    '',
    `/** The events each state takes (none in a final state). */`,
    `export const ${n}Takes: { readonly [S in ${b}StateKind]: ReadonlySet<string> } = {`,
    ...takes,
    '};',
    '',
  ];
  return { imports, body: lines };
}
