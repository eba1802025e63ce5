/**
 * What one object graph holds that another of its kind does not share: the
 * objects reachable from `root` through properties (own data properties,
 * Map and Set entries, typed arrays' buffers, prototypes), less those
 * reachable from `twin` (a second session made the same way: what they
 * share is per-configuration, not per-session), each attributed to the first
 * property path that reaches it. Sizes are V8's object layouts estimated
 * (pointer-sized fields, 8 bytes; an ArrayBuffer's bytes plus its header);
 * closures' captured variables and native memory are not seen, so it is a
 * lower bound of the heap, used to say where a session's memory is and to
 * check by structure that handshake-only state is gone.
 */
export interface Retained {
  /** Estimated bytes of every object reached from the root and not from the twin. */
  readonly bytes: number;
  readonly objects: number;
  /** Estimated bytes by property path, cut to `depth` segments. */
  readonly byPath: ReadonlyMap<string, number>;
  /** Objects by constructor name. */
  readonly byConstructor: ReadonlyMap<string, number>;
  /** Every ArrayBuffer reached, with its length and path. */
  readonly buffers: readonly { readonly length: number; readonly path: string }[];
}

function isObject(o: unknown): o is object {
  return o !== null && (typeof o === 'object' || typeof o === 'function');
}

function children(o: object): [unknown, string][] {
  if (ArrayBuffer.isView(o)) return [[o.buffer, '']];
  const out: [unknown, string][] = [];
  if (o instanceof Map) {
    let i = 0;
    for (const [k, v] of o) out.push([k, `{${i}k}`], [v, `{${i++}}`]);
  }
  if (o instanceof Set) {
    let i = 0;
    for (const v of o) out.push([v, `{${i++}}`]);
  }
  for (const k of Reflect.ownKeys(o)) {
    const d = Object.getOwnPropertyDescriptor(o, k);
    if (d !== undefined && 'value' in d) out.push([d.value, `.${String(k)}`]);
  }
  if (typeof o !== 'function') out.push([Object.getPrototypeOf(o), '.__proto__']);
  return out;
}

function reachable(root: object): Set<object> {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const o = stack.pop();
    if (!isObject(o) || seen.has(o)) continue;
    seen.add(o);
    for (const [c] of children(o)) stack.push(c);
  }
  return seen;
}

function estimate(o: object): number {
  if (o instanceof ArrayBuffer) return o.byteLength + 48;
  if (ArrayBuffer.isView(o)) return 72;
  if (o instanceof Map) return 48 + 24 * o.size;
  if (o instanceof Set) return 48 + 16 * o.size;
  if (Array.isArray(o)) return 32 + 8 * o.length;
  if (typeof o === 'function') return 64;
  return 24 + 8 * Reflect.ownKeys(o).length;
}

export function retained(root: object, twin: object, depth = 3): Retained {
  const shared = reachable(twin);
  const byPath = new Map<string, number>();
  const byConstructor = new Map<string, number>();
  const buffers: { length: number; path: string }[] = [];
  const seen = new Set<object>();
  const queue: [unknown, string][] = [[root, '']];
  let bytes = 0;
  // Breadth first: each object goes to its shortest path.
  for (let i = 0; i < queue.length; i++) {
    const [o, path] = queue[i]!;
    if (!isObject(o) || seen.has(o) || shared.has(o)) continue;
    seen.add(o);
    const size = estimate(o);
    bytes += size;
    const key =
      path
        .split('.')
        .slice(0, depth + 1)
        .join('.') || '(root)';
    byPath.set(key, (byPath.get(key) ?? 0) + size);
    const name = (o as { constructor?: { name?: string } }).constructor?.name ?? '(null prototype)';
    byConstructor.set(name, (byConstructor.get(name) ?? 0) + 1);
    if (o instanceof ArrayBuffer) buffers.push({ length: o.byteLength, path });
    for (const [c, step] of children(o)) queue.push([c, path + step]);
  }
  return { bytes, objects: seen.size, byPath, byConstructor, buffers };
}
