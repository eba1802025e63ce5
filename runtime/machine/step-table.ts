/** A role's step table as its generated machine calls it: `(context, state, event, params, target)`. */
export type StepTable<T> = { readonly [K in keyof T]: Uniform<T[K]> };

type Uniform<F> = F extends (...args: infer A) => infer R
  ? A['length'] extends 5
    ? F
    : A extends [infer C, infer S, ...infer Rest]
      ? (
          c: C,
          state: S,
          event: Rest extends [infer E, ...unknown[]] ? E : unknown,
          params?: unknown,
          target?: string,
        ) => R
      : A extends [infer C, ...unknown[]]
        ? (c: C, state: unknown, event: unknown, params?: unknown, target?: string) => R
        : F
  : F;

/** `steps` typed as {@link StepTable}: the same object (a step ignores the arguments it does not declare). */
export function stepTable<T extends object>(steps: T): StepTable<T> {
  return steps as StepTable<T>;
}

/** A role's guard table as its generated machine calls it: `(state, event, context)`, each keeping its own types. */
export type GuardTable<T> = { readonly [K in keyof T]: UniformGuard<T[K]> };

type UniformGuard<F> = F extends (...args: infer A) => boolean
  ? A['length'] extends 3
    ? F
    : A extends [infer S, infer E]
      ? (state: S, event: E, c?: unknown) => boolean
      : A extends [infer S]
        ? (state: S, event?: unknown, c?: unknown) => boolean
        : (state?: unknown, event?: unknown, c?: unknown) => boolean
  : F;

export function guardTable<T extends object>(guards: T): GuardTable<T> {
  return guards as GuardTable<T>;
}
