import { createActor, type AnyActorRef, type AnyStateMachine, type InspectionEvent } from 'xstate';
import { flatChart, type FlatAction, type FlatChart, type FlatState, type FlatTransition } from './flat-chart.js';
import type { ManualClock } from './manual-clock.js';
import { resumedContext } from './resumed-context.js';

/** What a driver needs of a running chart: XState's actor, or the flat runner for charts of one level. */
export interface RunningChart<E extends { readonly type: string }> {
  /** The current state's name (as committed after the last event, like an actor's snapshot). */
  readonly value: string;
  /** `active`, `done` (a final state), `stopped`, or `error`. */
  readonly status: string;
  send(event: E): void;
  /** Whether `event` would take a transition now (XState's `snapshot.can`). */
  can(event: E): boolean;
  stop(): void;
}

/** An actor's input in the generated shared machines: the caller's context and the implementation bound to it. */
export interface ChartInput {
  readonly context: object;
  readonly implementation: object;
}

/**
 * Starts a chart: at its initial state, or resumed in state `at` (no entry
 * actions run, as when XState resolves a snapshot). Without `inspect`, a
 * chart of one level (what {@link flatChart} accepts) runs on
 * {@link FlatChartRunner}; with `inspect` (or a chart it refuses) it runs on
 * XState's actor of the shared `machine`, so an inspector sees XState's own
 * events.
 */
export function runChart<E extends { readonly type: string }>(
  machine: AnyStateMachine,
  chart: object,
  input: ChartInput,
  clock: ManualClock,
  at: string | undefined,
  inspect: ((event: InspectionEvent) => void) | undefined,
): RunningChart<E> {
  const flat = inspect ? undefined : flatChart(chart);
  if (flat) return new FlatChartRunner<E>(flat, input, clock, at);
  const options = { clock, ...(inspect ? { inspect } : {}) };
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

type ActionFn = (args: { readonly context: object; readonly event: { readonly type: string } }, params: unknown) => void;
type GuardFn = (args: { readonly context: object; readonly event: { readonly type: string } }) => boolean;
type DelayFn = (args: { readonly context: object; readonly event: { readonly type: string } }) => number;

/** The implementation's three tables, read by name (the generated types guarantee every name the chart uses is there). */
interface Tables {
  readonly actions: Readonly<Record<string, ActionFn | undefined>>;
  readonly guards: Readonly<Record<string, GuardFn | undefined>>;
  readonly delays: Readonly<Record<string, DelayFn | undefined>>;
}

const INIT = { type: 'xstate.init' } as const;

/**
 * Runs a one-level chart with XState's semantics for what it has, without
 * XState's per-event machinery (state-node sets, snapshot objects, a
 * scheduler and system per actor): per event it looks up the state's
 * transitions (falling back to the chart's root `on` when none is enabled),
 * takes the first whose guard holds, then runs exit (cancelling the state's
 * `after` timer), the transition's actions, the target's entry actions and
 * its `after` timer, then eventless (`always`) transitions until none is
 * enabled. A transition to the state itself re-enters it only with
 * `reenter`; one from the root `on` always does. Events sent while an event
 * is being processed (from an action) wait for it, like XState's mailbox;
 * `value` and `status` change once the whole event is done, as an actor's
 * snapshot does. Timers go on the connection's {@link ManualClock}. An
 * action that throws leaves the runner in `error` and the error goes to the
 * caller (XState would report it asynchronously).
 */
export class FlatChartRunner<E extends { readonly type: string }> implements RunningChart<E> {
  private readonly chart: FlatChart;
  private readonly context: object;
  private readonly tables: Tables;
  private readonly clock: ManualClock;
  /** The committed state; `working` moves during an event. */
  private committed: FlatState;
  private working: FlatState;
  private committedStatus = 'active';
  private workingStatus = 'active';
  private timer: number | undefined;
  /** The timer callback, made with the first timer. */
  private fire: (() => void) | undefined;
  /** The one argument object every action, guard and delay of this runner gets (they read it during the call; none keeps it). */
  private readonly args: { readonly context: object; event: { readonly type: string } };
  private busy = false;
  private queue: { readonly type: string }[] | undefined;

  constructor(chart: FlatChart, input: ChartInput, clock: ManualClock, at?: string) {
    this.chart = chart;
    this.context = input.context;
    this.tables = input.implementation as Tables;
    this.clock = clock;
    this.args = { context: this.context, event: INIT };
    const state = chart.states.get(at ?? chart.initial);
    if (!state) throw new Error(`${chart.id} has no state ${String(at)}`);
    this.committed = this.working = state;
    if (at === undefined) this.process(INIT);
    else if (state.final) this.committedStatus = this.workingStatus = 'done';
  }

  get value(): string {
    return this.committed.name;
  }

  get status(): string {
    return this.committedStatus;
  }

  send(event: E): void {
    this.process(event);
  }

  /** Like XState's `snapshot.can`, this reads the state alone, not the status: callers check `status` first. */
  can(event: E): boolean {
    const t = this.select(this.committed, event);
    return t !== undefined && (t.target !== undefined || t.actions.length > 0);
  }

  stop(): void {
    if (this.committedStatus !== 'active') return;
    this.committedStatus = this.workingStatus = 'stopped';
    this.cancelTimer();
    this.queue = undefined;
  }

  private process(event: { readonly type: string }): void {
    if (this.busy) {
      if (this.workingStatus === 'active') (this.queue ??= []).push(event);
      return;
    }
    if (this.committedStatus !== 'active') return;
    this.busy = true;
    try {
      for (let e: { readonly type: string } | undefined = event; e; e = this.queue?.shift()) {
        if (this.workingStatus !== 'active') break;
        this.macrostep(e);
        this.committed = this.working;
        this.committedStatus = this.workingStatus;
      }
    } catch (error) {
      this.working = this.committed;
      this.committedStatus = this.workingStatus = 'error';
      this.cancelTimer();
      throw error;
    } finally {
      this.queue = undefined;
      this.busy = false;
    }
  }

  private macrostep(event: { readonly type: string }): void {
    if (event === INIT) this.enter(this.working, event);
    else {
      const t = event === this.working.afterEvent ? this.first(this.working.after, event) : this.select(this.working, event);
      if (t) this.take(t, event);
    }
    // Eventless transitions are looked at after every event, taken or not (as XState's macrostep does).
    for (let guard = 0; this.workingStatus === 'active'; guard++) {
      if (guard > 1000) throw new Error(`${this.chart.id}: eventless transitions do not settle in ${this.working.name}`);
      const t = this.first(this.working.always, event);
      if (!t) break;
      this.take(t, event);
    }
  }

  private select(state: FlatState, event: { readonly type: string }): FlatTransition | undefined {
    const own = state.on.get(event.type);
    const t = own && this.first(own, event);
    if (t) return t;
    const root = this.chart.on.get(event.type);
    return root && this.first(root, event);
  }

  private first(transitions: readonly FlatTransition[], event: { readonly type: string }): FlatTransition | undefined {
    for (const t of transitions) {
      if (t.guard === undefined) return t;
      const guard = this.tables.guards[t.guard];
      if (!guard) throw new Error(`${this.chart.id}: no guard ${t.guard}`);
      this.args.event = event;
      if (guard(this.args)) return t;
    }
    return undefined;
  }

  private take(t: FlatTransition, event: { readonly type: string }): void {
    const target = t.target === undefined ? undefined : this.chart.states.get(t.target);
    const reenter = target !== undefined && (t.fromRoot || t.reenter || target !== this.working);
    if (reenter) this.cancelTimer(); // exit: the one exit action a flat chart has
    this.run(t.actions, event);
    if (!reenter || !target) return;
    this.working = target;
    this.enter(target, event);
  }

  private enter(state: FlatState, event: { readonly type: string }): void {
    this.run(state.entry, event);
    if (state.afterDelay !== undefined) {
      const d = state.afterDelay;
      let ms: number;
      if (typeof d === 'number') ms = d;
      else {
        const delay = this.tables.delays[d];
        if (!delay) throw new Error(`${this.chart.id}: no delay ${d}`);
        this.args.event = event;
        ms = delay(this.args);
      }
      this.timer = this.clock.setTimeout((this.fire ??= () => this.fired()), ms);
    }
    if (state.final) this.workingStatus = 'done';
  }

  private run(actions: readonly FlatAction[], event: { readonly type: string }): void {
    for (const a of actions) {
      const fn = this.tables.actions[a.type];
      if (!fn) throw new Error(`${this.chart.id}: no action ${a.type}`);
      this.args.event = event;
      fn(this.args, a.params);
    }
  }

  /** The state's `after` timer fired (it is cancelled when the state is left, so the state is still the one that set it). */
  private fired(): void {
    this.timer = undefined;
    const e = this.working.afterEvent;
    if (e) this.process(e);
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
