/** What kind of mistake a {@link ConfigError} is, as Node's argument errors say it. */
export type ConfigErrorCode = 'ERR_INVALID_ARG_TYPE' | 'ERR_OUT_OF_RANGE' | 'ERR_INVALID_ARG_VALUE';

/** A reason that says the value has the wrong type ("must be a boolean, got string", "must be a function ..."). */
const WRONG_TYPE =
  /^must be (?:a|an) (?:boolean|string|number|function|object|array|Buffer|Uint8Array|bigint)\b(?! in )/;

/** A bad option from the caller, thrown where it is given: names the option and what is wrong, with Node's `code`. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The option's name as the caller wrote it (`cidLength`, `replayWindow`). */
  readonly option: string;
  /** What is wrong with it, without the option's name (for re-raising it under another name). */
  readonly reason: string;
  /** `ERR_INVALID_ARG_TYPE` (wrong type), `ERR_OUT_OF_RANGE` (a number out of range) or `ERR_INVALID_ARG_VALUE`. */
  readonly code: ConfigErrorCode;

  /** Without `code`, a reason saying "must be a boolean / string / function / object ..." is ERR_INVALID_ARG_TYPE, any other ERR_INVALID_ARG_VALUE. */
  constructor(option: string, reason: string, code?: ConfigErrorCode) {
    super(`option ${option}: ${reason}`);
    this.option = option;
    this.reason = reason;
    this.code = code ?? (WRONG_TYPE.test(reason) ? 'ERR_INVALID_ARG_TYPE' : 'ERR_INVALID_ARG_VALUE');
  }

  /** Any error of this shape: the hardware model's kernel throws its own ConfigError, and both pass `instanceof`. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    const v = value as { option?: unknown; reason?: unknown };
    return (
      value instanceof Error &&
      value.name === 'ConfigError' &&
      typeof v.option === 'string' &&
      typeof v.reason === 'string'
    );
  }
}

/** `value` as Node's argument errors describe it, type included: "type string ('33732')", "an instance of Array". */
export function described(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return `function ${value.name}`;
  if (typeof value === 'object')
    return `an instance of ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'Object'}`;
  const shown =
    typeof value === 'string' ? `'${value.length > 25 ? `${value.slice(0, 25)}...` : value}'` : String(value);
  return `type ${typeof value} (${shown})`;
}

/** Returns `value` when it is an integer in [min, max]; else throws a ConfigError naming `option`. */
export function integerOption(option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number')
    throw new ConfigError(
      option,
      `must be an integer in ${min}..${max}, got ${described(value)}`,
      'ERR_INVALID_ARG_TYPE',
    );
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(option, `must be an integer in ${min}..${max}, got ${String(value)}`, 'ERR_OUT_OF_RANGE'); // a number: as Node's ERR_OUT_OF_RANGE, no type
  return value;
}

/** `value` when it is a boolean or undefined (not given); else a ConfigError (ERR_INVALID_ARG_TYPE) naming `option`. */
export function booleanOption(option: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean')
    throw new ConfigError(option, `must be a boolean, got ${described(value)}`, 'ERR_INVALID_ARG_TYPE');
  return value;
}

/** A UDP port (`min` 0 where 0 asks for any free port): a number, else ERR_INVALID_ARG_TYPE; in min..65535, else ERR_OUT_OF_RANGE. */
export function portOption(option: string, value: unknown, min: 0 | 1 = 1): number {
  return integerOption(option, value, min, 65535);
}
