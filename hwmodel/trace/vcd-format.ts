/**
 * Value and identifier encodings of the Value Change Dump format
 * (IEEE 1364-2005 §18.2): identifier codes of printable ASCII, scalar
 * changes `0!`, vector changes `b1010 !`, real changes `r1.5 !`.
 */

/** A value to dump: a number or bigint (integers; any finite number for reals), a boolean, or `x`/`z` (unknown, high impedance). */
export type VcdValue = number | bigint | boolean | 'x' | 'z';

const FIRST = 33; // '!'
const RADIX = 94; // '!'..'~'

/** The `n`th (0-based) identifier code: `!`, `"`, …, `~`, `!!`, `"!`, … (bijective base 94, shortest first). */
export function identifierCode(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`identifier index must be a non-negative integer, got ${String(n)}`);
  let s = '';
  let k = n;
  do {
    s += String.fromCharCode(FIRST + (k % RADIX));
    k = Math.floor(k / RADIX) - 1;
  } while (k >= 0);
  return s;
}

/** A scalar (1-bit) value: `0`, `1`, `x` or `z`. */
export function scalarValue(v: VcdValue, name: string): string {
  if (v === 'x' || v === 'z') return v;
  if (v === true || v === 1 || v === 1n) return '1';
  if (v === false || v === 0 || v === 0n) return '0';
  throw new RangeError(`signal ${name}: a 1-bit value must be 0, 1, true, false, 'x' or 'z', got ${String(v)}`);
}

/**
 * The binary digits of an integer value `width` bits wide (negative values in
 * two's complement), without leading zeros (the VCD reader zero-extends).
 */
export function vectorValue(v: VcdValue, width: number, name: string): string {
  if (v === 'x' || v === 'z') return v;
  let n: bigint;
  if (typeof v === 'boolean') n = v ? 1n : 0n;
  else if (typeof v === 'bigint') n = v;
  else if (Number.isSafeInteger(v)) n = BigInt(v);
  else throw new RangeError(`signal ${name}: value must be an integer, got ${String(v)}`);
  const w = BigInt(width);
  if (n < -(1n << (w - 1n)) || n >= 1n << w)
    throw new RangeError(`signal ${name}: value ${n} does not fit in ${width} bits`);
  if (n < 0n) n += 1n << w;
  return n.toString(2);
}

/** A real value in a form C's `strtod` reads back exactly. */
export function realValue(v: VcdValue, name: string): string {
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new RangeError(`signal ${name}: a real value must be a finite number, got ${String(v)}`);
  return String(n);
}
