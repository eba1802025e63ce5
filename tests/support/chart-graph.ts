/**
 * The transitions of a flat XState chart, read from its JSON, and shortest
 * event paths to each: the basis of model-based tests that drive the real
 * runtime through every transition. (xstate/graph explores snapshots, which
 * does not terminate for charts with eventless re-entering loops.)
 */

type Json = Readonly<Record<string, unknown>>;

export interface ChartEdge {
  readonly from: string;
  /** The event, `after:<delay>` for a delayed transition. */
  readonly event: string;
  /** Position among the event's guarded alternatives. */
  readonly alternative: number;
  readonly guard?: string;
  readonly to: string;
}

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

function targets(from: string, t: unknown): { to: string; guard?: string }[] {
  const list = Array.isArray(t) ? t : [t];
  return list.map((one) => {
    if (typeof one === 'string') return { to: one.replace(/^\./, '') };
    const o = one as Json;
    const to = typeof o.target === 'string' ? o.target.replace(/^\./, '') : from;
    return typeof o.guard === 'string' ? { to, guard: o.guard } : { to };
  });
}

/** Every transition of a chart whose states are all top-level; root `on` applies to every non-final state. */
export function chartEdges(chart: Json): ChartEdge[] {
  const states = chart.states as Json;
  const edges: ChartEdge[] = [];
  const finals = new Set(
    Object.entries(states)
      .filter(([, s]) => isObject(s) && s.type === 'final')
      .map(([n]) => n),
  );
  for (const [name, s] of Object.entries(states)) {
    if (!isObject(s) || finals.has(name)) continue;
    const on = { ...(isObject(chart.on) ? chart.on : {}), ...(isObject(s.on) ? s.on : {}) };
    for (const [event, t] of Object.entries(on))
      targets(name, t).forEach((x, i) => edges.push({ from: name, event, alternative: i, ...x }));
    if (isObject(s.after))
      for (const [delay, t] of Object.entries(s.after))
        targets(name, t).forEach((x, i) => edges.push({ from: name, event: `after:${delay}`, alternative: i, ...x }));
  }
  return edges;
}

/** The state an eventless (`always`) transition leads on to from `state`, if any. */
export function settle(chart: Json, state: string): string {
  const s = (chart.states as Json)[state];
  if (isObject(s) && s.always !== undefined) return settle(chart, targets(state, s.always)[0]!.to);
  return state;
}

/** For every edge, a shortest path of edges from the initial state that ends with it. */
export function pathsToEdges(chart: Json): ChartEdge[][] {
  const edges = chartEdges(chart);
  const initial = settle(chart, String(chart.initial));
  const via = new Map<string, ChartEdge[]>([[initial, []]]);
  const queue = [initial];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const e of edges.filter((x) => x.from === at)) {
      const to = settle(chart, e.to);
      if (!via.has(to)) {
        via.set(to, [...via.get(at)!, e]);
        queue.push(to);
      }
    }
  }
  return edges.filter((e) => via.has(e.from)).map((e) => [...via.get(e.from)!, e]);
}
