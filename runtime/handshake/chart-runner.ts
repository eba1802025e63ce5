import { createActor, type AnyActorRef, type AnyStateMachine, type InspectionEvent } from 'xstate';
import { CompiledChartRunner, type CompiledChart, type RunningChart } from '../machine/compiled-chart.js';
import type { ManualClock } from './manual-clock.js';

export type { RunningChart } from '../machine/compiled-chart.js';

/** An actor's input in the generated shared machines: the caller's context and the implementation bound to it. */
export interface ChartInput {
  readonly context: object;
  readonly implementation: object;
}

/**
 * The context for an actor resumed from a resolved snapshot: the input's
 * context and implementation as non-enumerable properties. Restoring a
 * snapshot, XState walks the context's enumerable properties, recursively,
 * for actor references to revive; ours hold none, and walking them would go
 * through a whole connection on every resume.
 */
function resumedContext<T extends ChartInput>(input: T): T {
  return Object.defineProperties({}, { context: { value: input.context }, implementation: { value: input.implementation } }) as T;
}

/**
 * Starts a chart (no connection does any more: every chart in spec/charts is
 * a generated machine, generator/charts/typed-machine.ts; this runner stays
 * for tests/handshake/chart-runner.test.ts): at its initial state, or resumed in state `at` (no entry
 * actions run, as when XState resolves a snapshot). Without `inspect`, the
 * compiled chart (generated/charts/<id>-transitions.ts) runs on
 * {@link CompiledChartRunner}; with `inspect` the same chart runs on
 * XState's actor of the shared `machine`, so an inspector sees XState's own
 * events.
 */
export function runChart<E extends { readonly type: string }>(
  machine: AnyStateMachine,
  chart: CompiledChart,
  input: ChartInput,
  clock: ManualClock,
  at: string | undefined,
  inspect: ((event: InspectionEvent) => void) | undefined,
): RunningChart<E> {
  if (!inspect) return new CompiledChartRunner<E>(chart, input, clock, at);
  const options = { clock, inspect };
  const actor =
    at === undefined
      ? createActor(machine, { input, ...options })
      : createActor(machine, { snapshot: machine.resolveState({ value: at, context: resumedContext(input) }), ...options });
  actor.start();
  return new XStateChart<E>(actor);
}

/** XState's actor behind {@link RunningChart}. */
class XStateChart<E extends { readonly type: string }> implements RunningChart<E> {
  private readonly actor: AnyActorRef;

  constructor(actor: AnyActorRef) {
    this.actor = actor;
  }

  get value(): string {
    return String((this.actor.getSnapshot() as { readonly value: unknown }).value);
  }

  get status(): string {
    return (this.actor.getSnapshot() as { readonly status: string }).status;
  }

  send(event: E): void {
    this.actor.send(event);
  }

  can(event: E): boolean {
    return (this.actor.getSnapshot() as { can(event: E): boolean }).can(event);
  }

  stop(): void {
    this.actor.stop();
  }
}
