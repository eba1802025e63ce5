/**
 * A bad option from the caller, thrown synchronously where the option is
 * given; names the option and what is wrong with it.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The option's name as the caller wrote it (`cidLength`, `replayWindow`). */
  readonly option: string;
  /** What is wrong with it, without the option's name (for re-raising it under another name). */
  readonly reason: string;

  constructor(option: string, reason: string) {
    super(`option ${option}: ${reason}`);
    this.option = option;
    this.reason = reason;
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

/** Returns `value` when it is an integer in [min, max]; else throws ConfigError naming `option`. */
export function integerOption(option: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(option, `must be an integer in ${min}..${max}, got ${String(value)}`);
  return value;
}
