/**
 * The inspection events a connection's charts emit (the `inspect` option), declared here rather than imported from
 * xstate: the package's public declarations then never load xstate's, which do not compile in a project with
 * `exactOptionalPropertyTypes` and `skipLibCheck: false`.
 */

/** One inspection event of a chart actor (XState's `InspectionEvent`): the fields every kind has. */
export interface ChartInspectionEvent {
  /** The kind, `@xstate.` followed by actor, event, snapshot, microstep, action, ... */
  readonly type: string;
  /** The session id of the root actor (the connection's chart or a flight's). */
  readonly rootId: string;
  /** The actor the event is about (XState's ActorRef). */
  readonly actorRef: { readonly sessionId: string };
}
