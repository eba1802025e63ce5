import type { ChartIR } from './model.js';
import { typedMachineSection } from './typed-machine.js';

/**
 * The chart compiled into TypeScript (`generated/charts/<id>-transitions.ts`):
 * its state kinds, the events each state accepts, and a transition function
 * whose guards are plain branches over the state and the event. The runtime
 * can run it directly (runtime/machine/compiled-chart.ts); the XState machine is
 * built from the same chart for the inspector only. Charts of one level
 * (every chart in spec/charts is one); anything else is a SchemaError-free
 * `undefined` here and gets no module.
 */

type Json = Readonly<Record<string, unknown>>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const list = (x: unknown): readonly unknown[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const lit = (s: string): string => `'${s}'`;
const union = (xs: readonly string[]): string => (xs.length === 0 ? 'never' : xs.map(lit).join(' | '));
const camel = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

interface Step {
  readonly type: string;
  readonly params: unknown;
}

interface Transition {
  readonly target: string | undefined;
  readonly guard: string | undefined;
  readonly steps: readonly Step[];
  readonly reenter: boolean;
  readonly fromRoot: boolean;
}

function steps(x: unknown): readonly Step[] {
  return list(x).map((a) => (typeof a === 'string' ? { type: a, params: undefined } : { type: String((a as Json).type), params: (a as Json).params }));
}

function transitions(x: unknown, fromRoot: boolean): readonly Transition[] {
  return list(x).map((t) => {
    const o: Json = typeof t === 'string' ? { target: t } : (t as Json);
    let target = typeof o.target === 'string' ? o.target : undefined;
    if (target !== undefined && fromRoot) target = target.replace(/^\./, '');
    return { target, guard: typeof o.guard === 'string' ? o.guard : undefined, steps: steps(o.actions), reenter: o.reenter === true, fromRoot };
  });
}

/** Whether the generator compiles `c`: one level of states (every chart in spec/charts today). */
export function compilable(c: ChartIR): boolean {
  return c.states.every((s) => !s.includes('.'));
}

/** The module for one chart of one level. */
export function chartTransitionsModule(c: ChartIR): string {
  const b = c.tsBase;
  const n = camel(b);
  const root = c.config;
  const states = isObject(root.states) ? root.states : {};
  const table: Transition[] = [];
  const ref = (t: Transition): string => {
    table.push(t);
    return `T[${table.length - 1}]`;
  };
  /** The branches for one list of transitions: each guard an `if`, the first unguarded one returned. */
  const branches = (ts: readonly Transition[], indent: string): string[] => {
    const out: string[] = [];
    for (const t of ts) {
      if (t.guard === undefined) {
        out.push(`${indent}return ${ref(t)};`);
        return out;
      }
      out.push(`${indent}if (guards.${t.guard}(args)) return ${ref(t)};`);
    }
    out.push(`${indent}break;`);
    return out;
  };
  const onSwitch = (on: unknown, fromRoot: boolean, indent: string): string[] => {
    if (!isObject(on)) return [];
    const out = [`${indent}switch (args.event.type) {`];
    for (const [event, t] of Object.entries(on)) {
      out.push(`${indent}  case ${lit(event)}:`, ...branches(transitions(t, fromRoot), `${indent}    `));
    }
    out.push(`${indent}}`);
    return out;
  };
  const names = Object.keys(states);
  const accepts = names.map((s) => {
    const own = isObject((states[s] as Json).on) ? Object.keys((states[s] as Json).on as Json) : [];
    const rootOn = isObject(root.on) ? Object.keys(root.on) : [];
    return `  readonly ${s}: ${union([...new Set([...own, ...rootOn])].sort())};`;
  });
  const body: string[] = [];
  body.push('  switch (state) {');
  for (const s of names) {
    const on = (states[s] as Json).on;
    if (!isObject(on)) continue;
    body.push(`    case ${lit(s)}:`, ...onSwitch(on, false, '      '), '      break;');
  }
  body.push('  }');
  body.push(...onSwitch(root.on, true, '  '));
  body.push('  return undefined;');
  const always: string[] = ['  switch (state) {'];
  const after: string[] = [];
  const afterBody: string[] = ['  switch (state) {'];
  const entry: string[] = [];
  const finals: string[] = [];
  for (const s of names) {
    const st = states[s] as Json;
    if (st.type === 'final') finals.push(s);
    entry.push(`  ${s}: ${JSON.stringify(steps(st.entry).map((x) => (x.params === undefined ? { type: x.type } : x)))},`);
    if (st.always !== undefined) always.push(`    case ${lit(s)}:`, ...branches(transitions(st.always, false), '      '));
    if (isObject(st.after)) {
      const [delay, t] = Object.entries(st.after)[0]!;
      const d = /^\d+$/.test(delay) ? delay : lit(delay);
      after.push(`  ${s}: { delay: ${d}, event: { type: 'xstate.after.${delay}.${c.id}.${s}' } },`);
      afterBody.push(`    case ${lit(s)}:`, ...branches(transitions(t, false), '      '));
    }
  }
  always.push('  }', '  return undefined;');
  afterBody.push('  }', '  return undefined;');
  const stepType = (t: Step): string => (t.params === undefined ? `{ type: ${lit(t.type)} }` : `{ type: ${lit(t.type)}, params: ${JSON.stringify(t.params)} }`);
  const tableLines = table.map(
    (t) =>
      `  { target: ${t.target === undefined ? 'undefined' : lit(t.target)}, steps: [${t.steps.map(stepType).join(', ')}], reenter: ${t.reenter}, fromRoot: ${t.fromRoot} },`,
  );
  const typed = typedMachineSection(c);
  const lines = [
    `// @generated by dtls13 generate from ${c.path} — DO NOT EDIT.`,
    `/** ${c.id} compiled: state kinds, the events each accepts and the transition function (generator/charts/README.md). */`,
    `import type { ${b}Action, ${b}ActionParams, ${b}Event, ${b}Implementation } from './${c.id}.js';`,
    ...(typed?.imports ?? []),
    '',
    `/** The states of ${c.id}. */`,
    `export type ${b}StateKind = ${union(names)};`,
    '',
    `/** The state the chart starts in. */`,
    `export const ${n}Initial: ${b}StateKind = ${lit(String(root.initial))};`,
    '',
    `/** The events each state takes (its own \`on\` and the chart's root \`on\`); any other event is ignored there. */`,
    `export interface ${b}Accepts {`,
    ...accepts,
    '}',
    '',
    `/** One step of a transition: an action the chart names, with its literal parameters. */`,
    `export type ${b}Step = { readonly [K in ${b}Action]: undefined extends ${b}ActionParams[K] ? { readonly type: K; readonly params?: ${b}ActionParams[K] } : { readonly type: K; readonly params: ${b}ActionParams[K] } }[${b}Action];`,
    '',
    `/** What a transition does: the steps in order, then the target (\`undefined\`: stay, no exit or entry). */`,
    `export interface ${b}Transition {`,
    `  readonly target: ${b}StateKind | undefined;`,
    `  readonly steps: readonly ${b}Step[];`,
    `  /** A target equal to the current state is exited and entered again. */`,
    `  readonly reenter: boolean;`,
    `  /** From the chart's root \`on\`: the current state is always exited. */`,
    `  readonly fromRoot: boolean;`,
    '}',
    '',
    `/** The guards the transition function asks: pure predicates over the context and the event. */`,
    `export type ${b}Guards<TContext> = ${b}Implementation<TContext>['guards'];`,
    '',
    `/** The event a state's \`after\` delay raises (XState's name, so an inspector sees the same). */`,
    `export interface ${b}AfterEvent {`,
    `  readonly type: \`xstate.after.\${string}\`;`,
    '}',
    '',
    `/** Arguments of guards: the context and the event being handled (for \`always\` and \`after\`, the last one). */`,
    `export interface ${b}Args<TContext> {`,
    `  readonly context: TContext;`,
    `  readonly event: ${b}Event;`,
    '}',
    '',
    `const T: readonly ${b}Transition[] = [`,
    ...tableLines,
    '];',
    '',
    `/** The transition \`event\` takes in \`state\` (its own \`on\` first, then the root's), or \`undefined\`: ignored. */`,
    `export function ${n}Transition<TContext>(state: ${b}StateKind, args: ${b}Args<TContext>, guards: ${b}Guards<TContext>): ${b}Transition | undefined {`,
    ...body,
    '}',
    '',
    `/** The eventless (\`always\`) transition enabled in \`state\`, if any. */`,
    `export function ${n}Always<TContext>(state: ${b}StateKind, args: ${b}Args<TContext>, guards: ${b}Guards<TContext>): ${b}Transition | undefined {`,
    ...(always.length > 3 ? always : ['  void state, args, guards;', '  return undefined;']),
    '}',
    '',
    `/** The transition a state's \`after\` delay takes when it fires, if any. */`,
    `export function ${n}AfterTransition<TContext>(state: ${b}StateKind, args: ${b}Args<TContext>, guards: ${b}Guards<TContext>): ${b}Transition | undefined {`,
    ...(after.length > 0 ? afterBody : ['  void state, args, guards;', '  return undefined;']),
    '}',
    '',
    `/** The steps each state runs on entry. */`,
    `export const ${n}Entry: { readonly [S in ${b}StateKind]: readonly ${b}Step[] } = {`,
    ...entry,
    '};',
    '',
    `/** The states with an \`after\` delay: the delay (a name the implementation's \`delays\` answer, or milliseconds) and the event it raises. */`,
    `export const ${n}After: { readonly [S in ${b}StateKind]?: { readonly delay: ${c.delays.length > 0 ? `keyof ${b}Implementation<unknown>['delays'] | number` : 'number'}; readonly event: ${b}AfterEvent } } = {`,
    ...after,
    '};',
    '',
    `/** The final states: the machine is done on entering one. */`,
    `export const ${n}Final: ReadonlySet<${b}StateKind> = new Set<${b}StateKind>([${finals.map(lit).join(', ')}]);`,
    '',
    `/** The compiled chart as one object: what the runtime's chart runner (runtime/handshake/chart-runner.ts) runs. */`,
    `export const ${n}Compiled = {`,
    `  id: ${lit(c.id)},`,
    `  initial: ${n}Initial,`,
    `  transition: ${n}Transition,`,
    `  always: ${n}Always,`,
    `  afterTransition: ${n}AfterTransition,`,
    `  entry: ${n}Entry,`,
    `  after: ${n}After,`,
    `  final: ${n}Final,`,
    `} as const;`,
    ...(typed?.body ?? ['']),
  ];
  return lines.join('\n');
}
