import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pascalCase } from '../ir/names.js';
import { SchemaError } from '../schema-error.js';
import type { ActionUse, ChartIR } from './model.js';

type Json = Readonly<Record<string, unknown>>;

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Collects states, events, actions, guards and delays of one chart, rejecting inline code or unknown shapes. */
class ChartWalker {
  readonly states: string[] = [];
  readonly events = new Set<string>();
  readonly actions = new Map<string, ActionUse[]>();
  readonly guards = new Set<string>();
  readonly delays = new Set<string>();

  private readonly readonlyPath: string;

  constructor(path: string) {
    this.readonlyPath = path;
  }

  fail(where: string, message: string): SchemaError {
    return new SchemaError(this.readonlyPath, `${where}: ${message}`);
  }

  action(a: unknown, where: string): void {
    let name: string;
    let use: ActionUse = {};
    if (typeof a === 'string') name = a;
    else if (isObject(a) && typeof a.type === 'string') {
      name = a.type;
      if (a.params !== undefined) {
        if (
          !isObject(a.params) ||
          !Object.values(a.params).every((v) => ['string', 'number', 'boolean'].includes(typeof v))
        ) {
          throw this.fail(where, `action '${name}' params must be an object of literal values`);
        }
        use = { params: a.params as Readonly<Record<string, string | number | boolean>> };
      }
    } else throw this.fail(where, 'actions are named, never coded: a string or { type, params }');
    this.actions.set(name, [...(this.actions.get(name) ?? []), use]);
  }

  actionList(x: unknown, where: string): void {
    if (x === undefined) return;
    for (const a of Array.isArray(x) ? x : [x]) this.action(a, where);
  }

  transition(t: unknown, where: string): void {
    for (const one of Array.isArray(t) ? t : [t]) {
      if (typeof one === 'string') continue;
      if (!isObject(one)) throw this.fail(where, 'a transition is a target string or an object');
      const allowed = new Set(['target', 'guard', 'actions', 'reenter', 'description']);
      const extra = Object.keys(one).filter((k) => !allowed.has(k));
      if (extra.length > 0) throw this.fail(where, `unsupported transition key(s) ${extra.join(', ')}`);
      if (one.guard !== undefined) {
        if (typeof one.guard !== 'string') throw this.fail(where, 'guards are named, never coded');
        this.guards.add(one.guard);
      }
      this.actionList(one.actions, where);
    }
  }

  node(n: Json, path: string): void {
    const where = path === '' ? '(root)' : path;
    this.actionList(n.entry, `${where} entry`);
    this.actionList(n.exit, `${where} exit`);
    if (n.on !== undefined) {
      if (!isObject(n.on)) throw this.fail(where, "'on' must be an object");
      for (const [event, t] of Object.entries(n.on)) {
        this.events.add(event);
        this.transition(t, `${where} on ${event}`);
      }
    }
    if (n.after !== undefined) {
      if (!isObject(n.after)) throw this.fail(where, "'after' must be an object");
      for (const [delay, t] of Object.entries(n.after)) {
        if (!/^\d+$/.test(delay)) this.delays.add(delay);
        this.transition(t, `${where} after ${delay}`);
      }
    }
    if (n.always !== undefined) this.transition(n.always, `${where} always`);
    if (n.states !== undefined) {
      if (!isObject(n.states)) throw this.fail(where, "'states' must be an object");
      for (const [name, child] of Object.entries(n.states)) {
        if (!isObject(child)) throw this.fail(where, `state '${name}' must be an object`);
        const p = path === '' ? name : `${path}.${name}`;
        this.states.push(p);
        this.node(child, p);
      }
    }
  }
}

/** Reads every chart in `dir`, checking that payload types exist among `wireNames`. */
export function loadCharts(root: string, dir: string, wireNames: ReadonlySet<string>): ChartIR[] {
  const charts: ChartIR[] = [];
  for (const name of readdirSync(join(root, dir))
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const path = `${dir}/${name}`;
    let config: unknown;
    try {
      config = JSON.parse(readFileSync(join(root, path), 'utf8'));
    } catch (e) {
      throw new SchemaError(path, `not valid JSON: ${(e as Error).message}`);
    }
    if (!isObject(config)) throw new SchemaError(path, 'a chart is a JSON object');
    const id = name.slice(0, -'.json'.length);
    if (config.id !== id) throw new SchemaError(path, `id must be '${id}' (the file name), is '${String(config.id)}'`);
    const walker = new ChartWalker(path);
    walker.node(config, '');
    const payloads = new Map<string, string>();
    const meta = isObject(config.meta) ? config.meta : {};
    if (meta.payloads !== undefined) {
      if (!isObject(meta.payloads))
        throw new SchemaError(path, 'meta.payloads must map event names to wire type names');
      for (const [event, type] of Object.entries(meta.payloads)) {
        if (typeof type !== 'string' || !wireNames.has(type))
          throw new SchemaError(path, `meta.payloads.${event}: '${String(type)}' is not a generated wire type or enum`);
        if (!walker.events.has(event))
          throw new SchemaError(path, `meta.payloads.${event}: the chart has no such event`);
        payloads.set(event, type);
      }
    }
    charts.push({
      id,
      path,
      tsBase: pascalCase(id.replace(/-/g, '_')),
      ...(typeof config.description === 'string' ? { description: config.description } : {}),
      config,
      states: walker.states,
      events: [...walker.events].sort(),
      payloads,
      actions: new Map([...walker.actions].sort(([a], [b]) => a.localeCompare(b))),
      guards: [...walker.guards].sort(),
      delays: [...walker.delays].sort(),
    });
  }
  return charts;
}
