/**
 * The context for an actor resumed from a resolved snapshot
 * (`machine.resolveState({ value, context })` passed to `createActor`): the
 * same binding of caller's context and implementation as the actor's input,
 * with both properties non-enumerable. Restoring a snapshot, XState walks
 * the context's enumerable properties, recursively, for actor references
 * to revive; our bindings hold none, and walking them would go through a
 * whole connection (records, keys, certificates) on every resume.
 */
export function resumedContext<T extends { readonly context: object; readonly implementation: object }>(input: T): T {
  return Object.defineProperties({}, { context: { value: input.context }, implementation: { value: input.implementation } }) as T;
}
