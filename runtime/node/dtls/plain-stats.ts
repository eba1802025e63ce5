/**
 * Live statistics objects (`session.stats`, `listener.stats`: getters over counters that keep moving) as plain data:
 * every getter of the object's class read now, in declaration order. What `toJSON` returns, so
 * `JSON.stringify(session.stats)` writes the values, not the object's insides, and what `util.inspect` prints.
 */
export function plainStats(stats: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const prototype = Object.getPrototypeOf(stats) as object;
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(prototype))) {
    if (descriptor.get === undefined) continue;
    const value: unknown = descriptor.get.call(stats);
    out[name] =
      typeof value === 'object' && value !== null && 'toJSON' in value && typeof value.toJSON === 'function'
        ? (value.toJSON as () => unknown)()
        : value;
  }
  return out;
}
