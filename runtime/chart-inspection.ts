/**
 * The inspection events a connection's charts emit (the `inspect` option), declared here rather than imported from
 * xstate: the package's public declarations then never load xstate's, which do not compile in a project with
 * `exactOptionalPropertyTypes` and `skipLibCheck: false`.
 */

/**
 * One inspection event of a chart actor. At run time it is XState's `InspectionEvent` (`@xstate.actor`,
 * `@xstate.event`, `@xstate.snapshot`, `@xstate.microstep`, `@xstate.action`, ...); this type names the fields every
 * kind has. A callback typed with xstate's own `InspectionEvent` is accepted where one of these is expected (the
 * `inspect` options are declared as methods), so `(e: InspectionEvent) => inspector.inspect.next(e)` compiles as it is.
 */
export interface ChartInspectionEvent {
  /** The kind, `@xstate.` followed by actor, event, snapshot, microstep, action, ... */
  readonly type: string;
  /** The session id of the root actor (the connection's chart or a flight's). */
  readonly rootId: string;
  /** The actor the event is about (XState's ActorRef). */
  readonly actorRef: { readonly sessionId: string };
}
