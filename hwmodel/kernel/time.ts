import { ConfigError } from './config-error.js';

/**
 * Simulated time: an integer count of picoseconds, SystemC's default time
 * resolution (IEEE 1666-2011 §5.11, `sc_time`). Safe up to
 * `Number.MAX_SAFE_INTEGER` ps, about 2.5 hours of simulated time.
 */
export type SimTime = number;

/** One picosecond (`SC_PS`). */
export const PS = 1;
/** One nanosecond (`SC_NS`) in picoseconds. */
export const NS = 1_000;
/** One microsecond (`SC_US`) in picoseconds. */
export const US = 1_000_000;
/** One millisecond (`SC_MS`) in picoseconds. */
export const MS = 1_000_000_000;
/** One second (`SC_SEC`) in picoseconds. */
export const SEC = 1_000_000_000_000;

/** The time units `time()`, `formatTime()` and `parseTime()` know. */
export type TimeUnit = 'ps' | 'ns' | 'us' | 'ms' | 's';

/** Picoseconds per unit. */
export const TIME_UNITS = { ps: PS, ns: NS, us: US, ms: MS, s: SEC } as const satisfies Record<TimeUnit, number>;

/** Largest unit first, for `formatTime`. */
const DESCENDING: readonly TimeUnit[] = ['s', 'ms', 'us', 'ns', 'ps'];

/**
 * Returns `t` when it is a valid `SimTime` (a non-negative safe integer);
 * throws `RangeError` naming `what` otherwise.
 */
export function checkTime(t: number, what = 'time'): SimTime {
  if (!Number.isSafeInteger(t) || t < 0) {
    throw new RangeError(
      `${what} must be a non-negative integer number of picoseconds up to ${Number.MAX_SAFE_INTEGER}, got ${String(t)}`,
    );
  }
  return t;
}

/**
 * `value` in `unit`, rounded to the 1 ps resolution (as `sc_time(v, unit)`
 * does). Throws `RangeError` for a negative, non-finite or too large result.
 */
export function time(value: number, unit: TimeUnit): SimTime {
  const scale = TIME_UNITS[unit] as number | undefined;
  if (scale === undefined) throw new RangeError(`unknown time unit ${String(unit)} (ps, ns, us, ms or s)`);
  const t = Math.round(value * scale);
  if (!Number.isSafeInteger(t) || t < 0) checkTime(t, `time(${String(value)}, '${unit}')`); // the text is built only to fail (fromMs runs per timer poll)
  return t;
}

/**
 * Prints `t` in the largest unit that represents it exactly, with no space
 * (`10us`, `1500ps`, `0s`), so `parseTime(formatTime(t)) === t`.
 */
export function formatTime(t: SimTime): string {
  checkTime(t);
  if (t === 0) return '0s';
  for (const unit of DESCENDING) {
    const scale = TIME_UNITS[unit];
    if (t % scale === 0) return `${t / scale}${unit}`;
  }
  return `${t}ps`;
}

const TIME_TEXT = /^\s*(\d+(?:\.\d*)?|\.\d+)(?:e([+-]?\d+))?\s*(ps|ns|us|ms|s)\s*$/i;

/**
 * Parses a time written for the CLI or a profile: a non-negative number and a
 * unit (`10us`, `2.5 ms`, `1e3ns`; a bare `0` is zero). Rounds to 1 ps.
 * Throws `ConfigError(option, ...)` quoting the text when it is not a time.
 */
export function parseTime(text: string, option = 'time'): SimTime {
  if (typeof text !== 'string') throw new ConfigError(option, `expected a time such as "10us", got ${typeof text}`);
  if (/^\s*0\s*$/.test(text)) return 0;
  const m = TIME_TEXT.exec(text);
  if (m === null)
    throw new ConfigError(option, `"${text}" is not a time (a number and one of ps, ns, us, ms, s, e.g. "10us")`);
  const unit = m[3]!.toLowerCase() as TimeUnit;
  const value = Number(`${m[1]!}e${m[2] ?? '0'}`);
  const t = Math.round(value * TIME_UNITS[unit]);
  if (!Number.isSafeInteger(t))
    throw new ConfigError(option, `"${text}" is beyond the simulated time range (${Number.MAX_SAFE_INTEGER} ps)`);
  return t;
}

/** `t` in milliseconds (fractional), the unit `DtlsConnection` takes as `now`. */
export function toMs(t: SimTime): number {
  return t / MS;
}

/** A duration in milliseconds (e.g. a `DtlsConnection` timer deadline) as `SimTime`, rounded to 1 ps. */
export function fromMs(ms: number): SimTime {
  return time(ms, 'ms');
}
