/** A live statistics object as plain data: every getter of its class read now, in order (`toJSON`, `util.inspect`). */
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
