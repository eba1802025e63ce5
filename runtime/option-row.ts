/**
 * An option's row in a declarative option table: its type, its kind or range and default, the side that takes it. The
 * tables (shared/config-options.ts: the connection's; api/option-names.ts: listen's and connect's) type their options
 * from their rows ({@link OptionTypes}; a row's comment documents its option) and check them by them
 * ({@link checkRow}, {@link rowInteger}), so an option is named once, in its row, and where it is read.
 */
import { ConfigError, described, integerOption } from './config-error.js';

/** One option's row. `type` is never set: it only types the option ({@link option}). */
export interface OptionRow<T = unknown> {
  readonly type?: T;
  /** Only this side takes it: the other side's value (but `false`) is a ConfigError. */
  readonly side?: 'client' | 'server';
  /** Checked to be of this kind when given; a `function`'s `shape` is said in the error. */
  readonly kind?: 'boolean' | 'string' | 'function';
  readonly shape?: string;
  /** One of these strings. */
  readonly oneOf?: readonly string[];
  /** An integer in `min..max`, `default` when not given, `zero` for 0 when 0 means "no limit". */
  readonly min?: number;
  readonly max?: number;
  readonly default?: T;
  readonly zero?: number;
  /** An option read, not passed on under its own name: what it becomes, or who reads it (api/option-names.ts). */
  readonly to?: string;
}

/** An integer option's row: its range, and its default when it has one. */
export interface IntegerRow extends OptionRow<number> {
  readonly min: number;
  readonly max: number;
}

/** What types a row's option `T` in a table kept `as const` (whose `to` must stay literal): `{ ...of<T>(), to: 'x' }`. */
export function of<T>(): { readonly type?: T } {
  return {};
}

/** A row typing its option `T`, with the checks `row` names. */
export function option<T>(row: Omit<OptionRow<T>, 'type'> = {}): OptionRow<T> {
  return row;
}

/** An integer option's row: `min..max`, and `default` (`zero`, `side`, `to`) as `row` says. */
export function integer<const R extends Omit<IntegerRow, 'type'>>(row: R): R & IntegerRow {
  return row;
}

/** The type a row gives its option. */
export type RowType<Row> = Row extends OptionRow<infer T> ? T : never;

/** The options a table types: each optional, of its row's type, documented by its row's comment. */
export type OptionTypes<Table> = { readonly [K in keyof Table]?: RowType<Table[K]> };

/** The options of a table whose rows type them (not `true`, nor a row of unknown type), each documented by its row. */
export type TypedOptions<Table> = {
  readonly [
    K in keyof Table as Table[K] extends OptionRow<infer T> ? (unknown extends T ? never : K) : never
  ]?: Table[K] extends OptionRow<infer T> ? T : never;
};

/** `value` of the integer option `name`, checked against its `row`: its default when undefined, `zero` for 0. */
export function rowInteger(name: string, row: OptionRow, value: unknown): number {
  const n = integerOption(name, value ?? row.default, row.min ?? 0, row.max ?? Number.MAX_SAFE_INTEGER);
  return n === 0 && row.zero !== undefined ? row.zero : n;
}

/**
 * Throws a ConfigError naming `name`, what its row takes and what was given, when `value` is not of its row's kind or
 * choices, or, for `role`, is the other side's (`false` passes). Undefined is no option. Ranges are the reader's
 * ({@link rowInteger}), where the default is known.
 */
export function checkRow(name: string, row: OptionRow, value: unknown, role?: 'client' | 'server'): void {
  if (value === undefined) return;
  if (row.oneOf !== undefined) {
    if (typeof value !== 'string' || !row.oneOf.includes(value))
      throw new ConfigError(name, `must be ${listed(row.oneOf)}, got ${described(value)}`);
  } else if (row.kind !== undefined && typeof value !== row.kind) {
    const shape = row.shape !== undefined ? ` ${row.shape}` : '';
    throw new ConfigError(name, `must be a ${row.kind}${shape}, got ${described(value)}`, 'ERR_INVALID_ARG_TYPE');
  }
  if (role !== undefined && row.side !== undefined && row.side !== role && value !== false)
    throw new ConfigError(name, `is a ${row.side} option`);
}

/** {@link checkRow} for every option of `o` that `table` has a row for, in the table's order. */
export function checkRows(table: Readonly<Record<string, OptionRow>>, o: object, role?: 'client' | 'server'): void {
  for (const name in table) checkRow(name, table[name]!, o[name as keyof typeof o], role);
}

/** Every option of `table` from `given`, each checked by its row and its default when not given; `prefix` names them. */
export function resolveRows<Table extends Readonly<Record<string, OptionRow>>>(
  table: Table,
  given: object,
  prefix = '',
): Resolved<Table> {
  const resolved: Record<string, unknown> = {};
  for (const name in table) {
    const row = table[name]!;
    const value: unknown = given[name as keyof typeof given];
    if (row.min !== undefined) resolved[name] = rowInteger(prefix + name, row, value);
    else {
      checkRow(prefix + name, row, value);
      resolved[name] = value ?? row.default;
    }
  }
  return resolved as Resolved<Table>;
}

/** The options of a table resolved: each of its row's type. */
export type Resolved<Table> = { readonly [K in keyof Table]-?: RowType<Table[K]> };

/** `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`. */
function listed(choices: readonly string[]): string {
  const quoted = choices.map((v) => `'${v}'`);
  return quoted.length < 2 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}
