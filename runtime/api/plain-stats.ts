import { inspect } from 'node:util';

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

/**
 * Live statistics read by `Readers`, a table of how each value is read from what is counted, in the order `toJSON`
 * writes them: the table types (and its comments document) each value.
 */
export type LiveStats<Readers> = {
  readonly [K in keyof Readers]: Readers[K] extends (source: never) => infer V ? V : never;
} & {
  /** Every value now, as plain data (what `JSON.stringify` writes). */
  toJSON(): Record<string, unknown>;
};

const SOURCE = Symbol('source');

/**
 * Live statistics of one kind (`session.stats`, `listener.stats`): a getter per value on one prototype, each reading
 * the source when asked; `toJSON` and `util.inspect` (`name {...}`) give the values now, as plain data.
 */
export function liveStats<S, Readers extends Readonly<Record<keyof Readers, (source: S) => unknown>>>(
  name: string,
  readers: Readers,
): (source: S) => LiveStats<Readers> {
  const prototype = {
    toJSON(): Record<string, unknown> {
      return plainStats(this);
    },
    [inspect.custom](_depth: number, options: object, show: typeof inspect): string {
      return `${name} ${show(plainStats(this), options)}`;
    },
  };
  for (const [key, read] of Object.entries<(source: S) => unknown>(readers))
    Object.defineProperty(prototype, key, {
      get(this: { readonly [SOURCE]: S }) {
        return read(this[SOURCE]);
      },
    });
  return (source) => Object.create(prototype, { [SOURCE]: { value: source } }) as LiveStats<Readers>;
}
