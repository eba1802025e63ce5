import type { ParamKind } from './model.js';

/** The outcome of reading one parameter value: the plain value, or why it cannot be read. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: 'bad_unit' | 'bad_value'; readonly reason: string };

/** Picoseconds per time unit (SimTime's resolution is 1 ps). */
export const TIME_UNITS: Readonly<Record<string, bigint>> = {
  ps: 1n,
  ns: 1_000n,
  us: 1_000_000n,
  µs: 1_000_000n,
  ms: 1_000_000_000n,
  s: 1_000_000_000_000n,
};
/** Bits per second per bandwidth unit (decimal SI prefixes, as link rates are quoted). */
export const BANDWIDTH_UNITS: Readonly<Record<string, bigint>> = {
  bps: 1n,
  kbps: 1_000n,
  Mbps: 1_000_000n,
  Gbps: 1_000_000_000n,
  Tbps: 1_000_000_000_000n,
};
/** Bytes per size unit: IEC binary prefixes (KiB) and SI decimal ones (kB). */
export const SIZE_UNITS: Readonly<Record<string, bigint>> = {
  B: 1n,
  KiB: 1n << 10n,
  MiB: 1n << 20n,
  GiB: 1n << 30n,
  kB: 1_000n,
  MB: 1_000_000n,
  GB: 1_000_000_000n,
};

const UNITS: Readonly<
  Partial<Record<ParamKind, { readonly table: Readonly<Record<string, bigint>>; readonly plain: string }>>
> = {
  time: { table: TIME_UNITS, plain: 'ps' },
  bandwidth: { table: BANDWIDTH_UNITS, plain: 'bit/s' },
  size: { table: SIZE_UNITS, plain: 'bytes' },
};

const bad = (problem: 'bad_unit' | 'bad_value', reason: string): Parsed<never> => ({ ok: false, problem, reason });

/**
 * Reads a quantity with a unit (`50us`, `1.5Gbps`, `64KiB`) into a whole
 * number of the kind's plain unit, exactly (decimal arithmetic, no rounding):
 * a value that is not a whole number of picoseconds, bits/s or bytes, or that
 * exceeds Number.MAX_SAFE_INTEGER, is refused.
 */
export function parseQuantity(kind: 'time' | 'bandwidth' | 'size', raw: unknown): Parsed<number> {
  const units = UNITS[kind]!;
  const names = Object.keys(units.table).join(', ');
  if (typeof raw === 'number') return bad('bad_unit', `${kind} ${raw} needs a unit (one of ${names})`);
  if (typeof raw !== 'string')
    return bad(
      'bad_value',
      `${kind} must be a string like '10${Object.keys(units.table)[1]}', got ${JSON.stringify(raw)}`,
    );
  const m = /^\s*(\d+)(?:\.(\d+))?\s*([A-Za-zµ/]+)\s*$/.exec(raw);
  if (!m)
    return bad(
      'bad_value',
      `'${raw}' is not a ${kind}: a non-negative decimal number followed by a unit (one of ${names})`,
    );
  const [, whole, frac = '', unit = ''] = m;
  const factor = units.table[unit];
  if (factor === undefined) return bad('bad_unit', `unknown ${kind} unit '${unit}' in '${raw}' (one of ${names})`);
  const scaled = BigInt(`${whole}${frac}`) * factor;
  const divisor = 10n ** BigInt(frac.length);
  if (scaled % divisor !== 0n) return bad('bad_value', `'${raw}' is not a whole number of ${units.plain}`);
  const value = scaled / divisor;
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    return bad('bad_value', `'${raw}' exceeds ${Number.MAX_SAFE_INTEGER} ${units.plain}`);
  return { ok: true, value: Number(value) };
}

/** Reads a parameter value of any kind: quantities through {@link parseQuantity}, the rest as plain YAML scalars. */
export function parseParamValue(kind: ParamKind, raw: unknown): Parsed<number | boolean> {
  switch (kind) {
    case 'time':
    case 'bandwidth':
    case 'size':
      return parseQuantity(kind, raw);
    case 'count':
      return typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0
        ? { ok: true, value: raw }
        : bad('bad_value', `a count is a non-negative integer, got ${JSON.stringify(raw)}`);
    case 'ratio':
      return typeof raw === 'number' && raw >= 0 && raw <= 1
        ? { ok: true, value: raw }
        : bad('bad_value', `a ratio is a number in 0..1, got ${JSON.stringify(raw)}`);
    case 'number':
      return typeof raw === 'number' && Number.isFinite(raw)
        ? { ok: true, value: raw }
        : bad('bad_value', `expected a finite number, got ${JSON.stringify(raw)}`);
    case 'flag':
      return typeof raw === 'boolean'
        ? { ok: true, value: raw }
        : bad('bad_value', `a flag is true or false, got ${JSON.stringify(raw)}`);
  }
}

/** The plain unit values of a kind are in, for docs (`ps`, `bit/s`, `bytes`), or undefined for unitless kinds. */
export function plainUnit(kind: ParamKind): string | undefined {
  return UNITS[kind]?.plain;
}
