/** The one driver of a generated handshake chart for either DTLS version (bound in runtime/connection/role-drivers.ts). */

/** A chart's generated machine: the state `event` moves `state` to, or undefined when the state does not take it. */
export type ChartStep<C, S, E> = (context: C, state: S, event: E) => S | undefined;

/** The events each state of a chart takes (the generated `dtls*<Role>Takes`). */
export type ChartTakes = Readonly<Partial<Record<string, ReadonlySet<string>>>>;

/** One chart bound to its generated step function: what role-drivers.ts hands a version's driver. */
export interface ChartBinding<C, S, E> {
  readonly step: ChartStep<C, S, E>;
  readonly takes: ChartTakes;
}

/** XState's copy of the chart (runtime/machine/inspected-chart.ts), told each event the machine took. */
export interface ChartWatcher {
  took(event: { readonly type: string }, state: unknown, context: unknown): void;
}

export class Machine<C, S extends { readonly kind: string }, E extends { readonly type: string }> {
  protected state: S;
  readonly context: C;
  private readonly step: ChartStep<C, S, E>;
  private readonly takes: ChartTakes;
  /** XState's copy of the chart running beside the machine (the inspector's), fed each event taken. */
  protected running: ChartWatcher | undefined;
  private busy = false;
  private queue: E[] | undefined;

  constructor(initial: S, context: C, chart: ChartBinding<C, S, E>, watcher?: ChartWatcher) {
    this.state = initial;
    this.context = context;
    this.step = chart.step;
    this.takes = chart.takes;
    this.running = watcher;
  }

  /** Whether the state takes events of `type` (a state between two chart states, never at rest, takes none). */
  handles(type: string): boolean {
    return this.takes[this.state.kind]?.has(type) ?? false;
  }

  /** The state's kind: the chart state (`start`, …, `connected`, `closed`, `failed`). */
  stateKind(): string {
    return this.state.kind;
  }

  /** Takes `event`, then any a step sent; false when the state does not take it; a step's exception changes nothing. */
  dispatch(event: E): boolean {
    if (this.busy) {
      (this.queue ??= []).push(event);
      return true;
    }
    this.busy = true;
    let taken = true;
    try {
      for (let e: E | undefined = event; e; e = this.queue?.shift()) {
        const before = this.state;
        const next = this.step(this.context, before, e);
        if (next === undefined) {
          if (e === event) taken = false;
          continue;
        }
        this.state = next;
        // The driver's own fields first: the inspector's copy is compared with what the connection reports.
        this.took(before, e, next);
        this.running?.took(e, before, this.context);
      }
    } finally {
      this.busy = false;
      this.queue = undefined;
    }
    this.settle();
    return taken;
  }

  /** The machine moved from `before` on `event` to `next` (a driver's own report of it). */
  protected took(_before: S, _event: E, _next: S): void {}

  /** After each dispatch, with no event being taken (a driver lets go of what only the handshake needed). */
  protected settle(): void {}
}
