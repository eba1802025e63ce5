import type { AnyActorRef, AnyStateMachine, InspectionEvent } from 'xstate';
import { xstate } from './xstate-module.js';

/** A role's guards as the inspector's copy asks them: pure over the state before the event, the event and the context. */
export type GuardTable = Readonly<Record<string, (state: never, event: never, context: never) => boolean>>;

/** What the XState copy reads while it takes an event: the machine's state before it, and the steps' context. */
interface Before {
  state: unknown;
  context: unknown;
}

type Guard = (state: unknown, event: unknown, context: unknown) => boolean;

/** The clock of a copy whose timers are the machine's: nothing it schedules fires. */
const NEVER = { setTimeout: (): number => 0, clearTimeout: (): void => {} };

/** The inspector's view: XState's actor of the same chart, fed every event the machine took, guards the machine's. */
export class InspectedChart {
  private readonly actor: AnyActorRef;
  private readonly before: Before = { state: undefined, context: undefined };

  /** The chart's generated machine and input binder, its actions, guards and delays (whose timers never fire). */
  constructor(
    machine: () => AnyStateMachine,
    bind: (implementation: never, context: never) => object,
    actions: readonly string[],
    guards: GuardTable,
    inspect: (event: InspectionEvent) => void,
    delays: readonly string[] = [],
  ) {
    const nothing = (): void => {};
    const implementation = {
      actions: Object.fromEntries(actions.map((name) => [name, nothing])),
      guards: Object.fromEntries(
        Object.entries(guards).map(([name, guard]) => [
          name,
          (args: { readonly context: Before; readonly event: unknown }): boolean =>
            (guard as Guard)(args.context.state, args.event, args.context.context),
        ]),
      ),
      delays: Object.fromEntries(delays.map((name) => [name, (): number => 0])),
    };
    const options = { input: bind(implementation as never, this.before as never), inspect };
    // xstate first: without it, the ConfigError saying what to install, before the generated machine requires it.
    const { createActor } = xstate();
    this.actor = createActor(machine(), delays.length === 0 ? options : { ...options, clock: NEVER });
    this.actor.start();
  }

  /** The machine took `event` in `state` (with the steps' `context`): the XState copy takes it too. */
  took(event: { readonly type: string }, state: unknown, context: unknown): void {
    this.before.state = state;
    this.before.context = context;
    try {
      this.actor.send(event);
    } finally {
      this.before.state = undefined;
    }
  }
}
