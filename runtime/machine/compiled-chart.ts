import type { ManualClock } from '../handshake/manual-clock.js';

/**
 * A chart as the generator compiles it (`<id>Compiled` in
 * generated/charts/<id>-transitions.ts): the transition function with its
 * guards as plain branches, the entry steps, eventless and `after`
 * transitions and final states. Typed loosely here so that one runner runs
 * every chart; each generated module is typed exactly.
 */
export interface CompiledChart {
  readonly id: string;
  readonly initial: string;
  transition(state: string, args: Args, guards: object): CompiledTransition | undefined;
  always(state: string, args: Args, guards: object): CompiledTransition | undefined;
  afterTransition(state: string, args: Args, guards: object): CompiledTransition | undefined;
  readonly entry: Readonly<Record<string, readonly CompiledStep[]>>;
  readonly after: Readonly<Partial<Record<string, { readonly delay: string | number; readonly event: { readonly type: string } }>>>;
  readonly final: ReadonlySet<string>;
}

export interface CompiledStep {
  readonly type: string;
  readonly params?: unknown;
}

export interface CompiledTransition {
  readonly target: string | undefined;
  readonly steps: readonly CompiledStep[];
  readonly reenter: boolean;
  readonly fromRoot: boolean;
}

interface Args {
  readonly context: object;
  event: { readonly type: string };
}

type StepFn = (args: Args, params: unknown) => void;
type DelayFn = (args: Args) => number;

/** The implementation's tables, read by name (the generated types guarantee every name the chart uses is there). */
interface Tables {
  readonly actions: Readonly<Record<string, StepFn>>;
  readonly guards: object;
  readonly delays: Readonly<Record<string, DelayFn>>;
}

/** What a driver needs of a running chart. */
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

const INIT = { type: 'xstate.init' } as const;

/**
 * Runs a compiled chart with XState's semantics: per event it asks the
 * generated transition function, then runs exit (cancelling the state's
 * `after` timer), the transition's steps, the target's entry steps and its
 * `after` timer, then eventless transitions until none is enabled. A target
 * equal to the state re-enters it only with `reenter`; one from the root
 * `on` always does. Events sent while an event is being processed (from a
 * step) wait for it, like XState's mailbox; `value` and `status` change once
 * the whole event is done. Timers go on the connection's
 * {@link ManualClock}. A step that throws leaves the runner in `error` and
 * the error goes straight to the caller.
 */
export class CompiledChartRunner<E extends { readonly type: string }> implements RunningChart<E> {
  private readonly chart: CompiledChart;
  private readonly tables: Tables;
  private readonly clock: ManualClock;
  /** The committed state; `working` moves during an event. */
  private committed: string;
  private working: string;
  private committedStatus = 'active';
  private workingStatus = 'active';
  private timer: number | undefined;
  private fire: (() => void) | undefined;
  /** The one argument object every step, guard and delay of this runner gets (they read it during the call; none keeps it). */
  private readonly args: Args;
  private busy = false;
  private queue: { readonly type: string }[] | undefined;

  constructor(chart: CompiledChart, input: { readonly context: object; readonly implementation: object }, clock: ManualClock, at?: string) {
    this.chart = chart;
    this.tables = input.implementation as Tables;
    this.clock = clock;
    this.args = { context: input.context, event: INIT };
    const state = at ?? chart.initial;
    if (!(state in chart.entry)) throw new Error(`${chart.id} has no state ${state}`);
    this.committed = this.working = state;
    if (at === undefined) this.process(INIT);
    else if (chart.final.has(state)) this.committedStatus = this.workingStatus = 'done';
  }

  get value(): string {
    return this.committed;
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
    return t !== undefined && (t.target !== undefined || t.steps.length > 0);
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
      const after = this.chart.after[this.working];
      let t: CompiledTransition | undefined;
      this.args.event = event;
      if (after !== undefined && event === after.event) t = this.chart.afterTransition(this.working, this.args, this.tables.guards);
      else t = this.select(this.working, event);
      if (t) this.take(t, event);
    }
    // Eventless transitions are looked at after every event, taken or not (as XState's macrostep does).
    for (let n = 0; this.workingStatus === 'active'; n++) {
      if (n > 1000) throw new Error(`${this.chart.id}: eventless transitions do not settle in ${this.working}`);
      this.args.event = event;
      const t = this.chart.always(this.working, this.args, this.tables.guards);
      if (!t) break;
      this.take(t, event);
    }
  }

  private select(state: string, event: { readonly type: string }): CompiledTransition | undefined {
    this.args.event = event;
    return this.chart.transition(state, this.args, this.tables.guards);
  }

  private take(t: CompiledTransition, event: { readonly type: string }): void {
    const reenter = t.target !== undefined && (t.fromRoot || t.reenter || t.target !== this.working);
    if (reenter) this.cancelTimer(); // exit: the one exit step a compiled chart has
    this.run(t.steps, event);
    if (!reenter || t.target === undefined) return;
    this.working = t.target;
    this.enter(t.target, event);
  }

  private enter(state: string, event: { readonly type: string }): void {
    this.run(this.chart.entry[state] ?? [], event);
    const after = this.chart.after[state];
    if (after !== undefined) {
      let ms: number;
      if (typeof after.delay === 'number') ms = after.delay;
      else {
        this.args.event = event;
        ms = this.tables.delays[after.delay]!(this.args);
      }
      this.timer = this.clock.setTimeout((this.fire ??= () => this.fired()), ms);
    }
    if (this.chart.final.has(state)) this.workingStatus = 'done';
  }

  private run(steps: readonly CompiledStep[], event: { readonly type: string }): void {
    for (const s of steps) {
      this.args.event = event;
      this.tables.actions[s.type]!(this.args, s.params);
    }
  }

  /** The state's `after` timer fired (it is cancelled when the state is left, so the state is still the one that set it). */
  private fired(): void {
    this.timer = undefined;
    const after = this.chart.after[this.working];
    if (after) this.process(after.event);
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
