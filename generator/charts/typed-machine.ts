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
}

/** The charts whose machine is generated, and the runtime modules that implement them. */
export const TYPED_MACHINES: Readonly<Record<string, TypedMachineBinding>> = {
  'dtls13-client': {
    states: 'runtime/connection/client-states.js',
    state: 'ClientState',
    event: 'ClientEvent',
    implementation: 'runtime/connection/client-handshake.js',
    steps: 'CLIENT_STEPS',
    guards: 'CLIENT_GUARDS',
    context: 'ClientContext',
  },
  'dtls13-server': {
    states: 'runtime/connection/server-states.js',
    state: 'ServerState',
    event: 'ServerEvent',
    implementation: 'runtime/connection/server-handshake.js',
    steps: 'SERVER_STEPS',
    guards: 'SERVER_GUARDS',
    context: 'ServerContext',
  },
  'dtls12-client': {
    states: 'runtime/dtls12/client12.js',
    state: 'ClientState12',
    event: 'ClientEvent12',
    implementation: 'runtime/dtls12/client12.js',
    steps: 'CLIENT_STEPS12',
    guards: 'CLIENT_GUARDS12',
    context: 'Io12',
  },
  'dtls12-server': {
    states: 'runtime/dtls12/server12.js',
    state: 'ServerState12',
    event: 'ServerEvent12',
    implementation: 'runtime/dtls12/server12.js',
    steps: 'SERVER_STEPS12',
    guards: 'SERVER_GUARDS12',
    context: 'Io12',
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
  readonly steps: readonly { readonly type: string; readonly params: unknown }[];
}

function edges(x: unknown): readonly Edge[] {
  return list(x).map((t) => {
    const o: Json = typeof t === 'string' ? { target: t } : (t as Json);
    const target = typeof o.target === 'string' ? o.target.replace(/^\./, '') : undefined;
    const steps = list(o.actions).map((a) =>
      typeof a === 'string' ? { type: a, params: undefined } : { type: String((a as Json).type), params: (a as Json).params },
    );
    return { guard: typeof o.guard === 'string' ? o.guard : undefined, target, steps };
  });
}

/** The typed machine's lines for chart `c`, or none when no runtime binds it. A bound chart may use only `on`, a root `on` and final states. */
export function typedMachineSection(c: ChartIR): { readonly imports: readonly string[]; readonly body: readonly string[] } | undefined {
  const bind = TYPED_MACHINES[c.id];
  if (!bind) return undefined;
  const b = c.tsBase;
  const n = camel(b);
  const root = c.config;
  const states = isObject(root.states) ? root.states : {};
  const finals = Object.keys(states).filter((s) => (states[s] as Json).type === 'final');
  for (const [s, node] of Object.entries(states)) {
    const o = node as Json;
    if (o.entry !== undefined || o.exit !== undefined || o.after !== undefined || o.always !== undefined)
      throw new Error(`${c.path}: state ${s} has entry, exit, after or always, which a generated machine (generator/charts/typed-machine.ts) does not run`);
  }
  const params: string[] = [];
  const paramRef = (p: unknown): string => {
    if (p === undefined) return 'undefined';
    const text = JSON.stringify(p);
    let i = params.indexOf(text);
    if (i < 0) i = params.push(text) - 1;
    return `P${i}`;
  };
  const up = (p: string): string => `../../${p}`;
  /** One transition: its steps in order on the narrowed state and event, the last result checked against the target's variant. */
  const take = (e: Edge, from: string, indent: string): string[] => {
    const to = e.target ?? from;
    if (to === '') throw new Error(`${c.path}: a root transition without a target, which a generated machine (generator/charts/typed-machine.ts) does not run`);
    const out: string[] = [];
    let s = 'state';
    e.steps.forEach((step, i) => {
      const next = `s${i + 1}`;
      out.push(`${indent}const ${next} = ${bind.steps}.${step.type}(c, ${s}, event, ${paramRef(step.params)}, ${lit(to)});`);
      s = next;
    });
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
      out.push(`${indent}if (${bind.guards}.${t.guard}(state, event, c)) {`, ...take(t, from, `${indent}  `), `${indent}}`);
    }
    out.push(`${indent}break;`);
    return out;
  };
  const onSwitch = (on: unknown, from: string, indent: string): string[] => {
    if (!isObject(on)) return [];
    const out = [`${indent}switch (event.type) {`];
    for (const [event, t] of Object.entries(on)) out.push(`${indent}  case ${lit(event)}: {`, ...branches(edges(t), from, `${indent}    `), `${indent}  }`);
    out.push(`${indent}}`);
    return out;
  };
  const body: string[] = [];
  for (const [s, node] of Object.entries(states)) {
    const on = (node as Json).on;
    if (!isObject(on) || finals.includes(s)) continue;
    body.push(`    case ${lit(s)}:`, ...onSwitch(on, s, '      '), '      break;');
  }
  const rootOn = isObject(root.on) ? root.on : {};
  const takes = Object.keys(states).map((s) => {
    const own = isObject((states[s] as Json).on) ? Object.keys((states[s] as Json).on as Json) : [];
    const all = finals.includes(s) ? [] : [...new Set([...own, ...Object.keys(rootOn)])].sort();
    return `  ${s}: new Set([${all.map(lit).join(', ')}]),`;
  });
  const imports = [
    `import type { ${bind.state}, ${bind.event} } from '${up(bind.states)}';`,
    `import { ${bind.steps}, ${bind.guards}, type ${bind.context} } from '${up(bind.implementation)}';`,
  ];
  const lines = [
    '',
    `// ── the machine: ${bind.state} moved by the chart's steps (generator/charts/typed-machine.ts) ──`,
    '',
    `/** The variant of ${bind.state} for chart state \`K\`. */`,
    `type At<K extends ${bind.state}['kind']> = Extract<${bind.state}, { readonly kind: K }>;`,
    '',
    `/** Every state of the chart is a kind of ${bind.state}: a chart state the union lacks fails here, by name. */`,
    `type KindOf<K extends ${bind.state}['kind']> = K;`,
    `export type ${b}MachineKind = KindOf<${b}StateKind>;`,
    '',
    `/** What the implementation's step and guard tables hold: exactly the chart's actions and guards (\`satisfies\` on the tables makes a missing or extra name a type error). */`,
    `export type ${b}StepTable = { readonly [K in ${b}Action]: (...args: never) => unknown };`,
    `export type ${b}GuardTable = { readonly [K in ${b}Guard]: (...args: never) => boolean };`,
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
