/**
 * What kind of mistake a {@link ConfigError} is, as Node's own argument
 * errors say it: a value of the wrong type, a number out of its range, or
 * any other value that cannot be used.
 */
export type ConfigErrorCode = 'ERR_INVALID_ARG_TYPE' | 'ERR_OUT_OF_RANGE' | 'ERR_INVALID_ARG_VALUE';

/** A reason that says the value has the wrong type ("must be a boolean, got string", "must be a function ..."). */
const WRONG_TYPE = /^must be (?:a|an) (?:boolean|string|number|function|object|array|Buffer|Uint8Array|bigint)\b(?! in )/;

/**
 * A bad option from the caller, thrown synchronously where the option is
 * given; names the option and what is wrong with it, and has a `code` as
 * Node's argument errors do (`ERR_INVALID_ARG_TYPE`, `ERR_OUT_OF_RANGE`,
 * `ERR_INVALID_ARG_VALUE`).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The option's name as the caller wrote it (`cidLength`, `replayWindow`). */
  readonly option: string;
  /** What is wrong with it, without the option's name (for re-raising it under another name). */
  readonly reason: string;
  /**
   * The kind of mistake: `ERR_INVALID_ARG_TYPE` (a value of the wrong type),
   * `ERR_OUT_OF_RANGE` (a number outside its range) or
   * `ERR_INVALID_ARG_VALUE` (anything else: an unknown option, a name
   * nothing matches, options that cannot go together).
   */
  readonly code: ConfigErrorCode;

  /** Without `code`, a reason saying "must be a boolean / string / function / object ..." is ERR_INVALID_ARG_TYPE, any other ERR_INVALID_ARG_VALUE. */
  constructor(option: string, reason: string, code?: ConfigErrorCode) {
    super(`option ${option}: ${reason}`);
    this.option = option;
    this.reason = reason;
    this.code = code ?? (WRONG_TYPE.test(reason) ? 'ERR_INVALID_ARG_TYPE' : 'ERR_INVALID_ARG_VALUE');
  }

  /**
   * Any error of this shape: the hardware model's kernel, which imports
   * nothing from the runtime, throws its own ConfigError, and callers test
   * both with `instanceof ConfigError`.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    const v = value as { option?: unknown; reason?: unknown };
    return value instanceof Error && value.name === 'ConfigError' && typeof v.option === 'string' && typeof v.reason === 'string';
  }
}

/**
 * Returns `value` when it is an integer in [min, max]; else throws
 * ConfigError naming `option`: ERR_INVALID_ARG_TYPE when it is no number at
 * all, ERR_OUT_OF_RANGE when it is one outside the range (or not an integer).
 */
export function integerOption(option: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number') throw new ConfigError(option, `must be an integer in ${min}..${max}, got ${String(value)}`, 'ERR_INVALID_ARG_TYPE');
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(option, `must be an integer in ${min}..${max}, got ${String(value)}`, 'ERR_OUT_OF_RANGE');
  return value;
}
