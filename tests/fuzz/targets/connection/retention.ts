/**
 * What a connection retains, seen from outside: a walk over every object
 * reachable from it through own data properties, array elements and Map/Set
 * entries (functions and accessors are not followed), summing the bytes of
 * typed arrays and recording each container's entry count (with the path it
 * was first reached by, for the report). Objects in `shared` (reachable from some other
 * connection too: charts, provider, constants) are skipped, so the footprint
 * is the connection's own state. Comparing two footprints of the same
 * connection tells whether anything grew with the input.
 */
export interface Footprint {
  /** Bytes of all typed arrays and DataViews reached (their views, not their backing buffers). */
  readonly bytes: number;
  /** Entries of each array, Map and Set reached, and the path it was reached by. */
  readonly containers: ReadonlyMap<object, { readonly path: string; readonly size: number }>;
  readonly objects: number;
}

/** Every object reachable from `roots` (to make the `shared` set). */
export function reachable(roots: readonly object[]): Set<object> {
  const seen = new Set<object>();
  walk(roots, new Set(), (o) => {
    seen.add(o);
  });
  return seen;
}

export function footprint(root: object, shared: ReadonlySet<object>): Footprint {
  let bytes = 0;
  let objects = 0;
  const containers = new Map<object, { path: string; size: number }>();
  walk([root], shared, (o, path) => {
    objects++;
    if (ArrayBuffer.isView(o)) bytes += o.byteLength;
    else if (Array.isArray(o)) containers.set(o, { path, size: o.length });
    else if (o instanceof Map || o instanceof Set) containers.set(o, { path, size: o.size });
  });
  return { bytes, containers, objects };
}

const MAX_OBJECTS = 200_000;

function walk(roots: readonly object[], skip: ReadonlySet<object>, visit: (o: object, path: string) => void): void {
  const seen = new Set<object>();
  const queue: { o: object; path: string }[] = roots.map((o, i) => ({ o, path: `root${i}` }));
  const push = (v: unknown, path: string): void => {
    if (typeof v === 'object' && v !== null && !seen.has(v) && !skip.has(v)) {
      seen.add(v);
      queue.push({ o: v, path });
    }
  };
  for (const r of roots) seen.add(r);
  for (let i = 0; i < queue.length && i < MAX_OBJECTS; i++) {
    const { o, path } = queue[i]!;
    visit(o, path);
    if (ArrayBuffer.isView(o) || o instanceof ArrayBuffer) continue;
    if (Array.isArray(o)) {
      for (const e of o) push(e, `${path}[]`);
      continue;
    }
    if (o instanceof Map) {
      for (const [k, v] of o) {
        push(k, `${path}{k}`);
        push(v, `${path}{}`);
      }
      continue;
    }
    if (o instanceof Set) {
      for (const v of o) push(v, `${path}{}`);
      continue;
    }
    for (const key of Reflect.ownKeys(o)) {
      const d = Object.getOwnPropertyDescriptor(o, key);
      if (d && 'value' in d) push(d.value, `${path}.${String(key)}`);
    }
  }
}

/**
 * Entries a container may gain over one input, and typed-array bytes the
 * connection may gain. The connection's caps are in bytes (README, security
 * model: 64 KiB of reassembly, 16 KiB of deferred records, 32 ACK record
 * numbers, 4 read epochs); 16 KiB of the smallest protected records is under
 * 800 of them, so 1,024 entries or 256 KiB means something is not capped.
 */
export const RETENTION_LIMITS = { entries: 1024, bytes: 256 * 1024 } as const;

/** A description of what grew past the limits from `before` to `after`, or undefined. */
export function growth(before: Footprint, after: Footprint): string | undefined {
  const problems: string[] = [];
  if (after.bytes - before.bytes > RETENTION_LIMITS.bytes)
    problems.push(`typed arrays grew by ${after.bytes - before.bytes} bytes (${before.bytes} → ${after.bytes})`);
  // Containers are compared by identity: one made during the input counts from 0.
  for (const [container, { path, size }] of after.containers) {
    const was = before.containers.get(container)?.size ?? 0;
    if (size - was > RETENTION_LIMITS.entries) problems.push(`${path} grew from ${was} to ${size} entries`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}
