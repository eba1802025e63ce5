/** What the generator reads from one XState chart in spec/charts. */
export interface ChartIR {
  readonly id: string;
  /** Path relative to the project root. */
  readonly path: string;
  /** PascalCase base for generated names (`dtls13-client` → `Dtls13Client`). */
  readonly tsBase: string;
  readonly description?: string;
  /** The chart as written (what the visualizer and createMachine load). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Every state, as dotted paths from the root (`waitServerHello`). */
  readonly states: readonly string[];
  /** Every event the chart handles, sorted. */
  readonly events: readonly string[];
  /** Event → the generated wire type or enum its payload is (`meta.payloads`). */
  readonly payloads: ReadonlyMap<string, string>;
  /** Action name → the parameter objects it is used with (none: used without). */
  readonly actions: ReadonlyMap<string, readonly ActionUse[]>;
  readonly guards: readonly string[];
  /** Named delays (`after` keys that are not numbers). */
  readonly delays: readonly string[];
}

/** One use of an action: without parameters, or with literal ones. */
export type ActionUse = { readonly params?: Readonly<Record<string, string | number | boolean>> };
