/**
 * A bad option from the caller, thrown synchronously where the option is
 * given; names the option and what is wrong with it.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The option's name as the caller wrote it (`cidLength`, `replayWindow`). */
  readonly option: string;

  constructor(option: string, reason: string) {
    super(`option ${option}: ${reason}`);
    this.option = option;
  }

  /**
   * Any error of this shape: the hardware model's kernel, which imports
   * nothing from the runtime, throws its own ConfigError, and callers test
   * both with `instanceof ConfigError`.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Error && value.name === 'ConfigError' && typeof (value as { option?: unknown }).option === 'string';
  }
}

/** Returns `value` when it is an integer in [min, max]; else throws ConfigError naming `option`. */
export function integerOption(option: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(option, `must be an integer in ${min}..${max}, got ${String(value)}`);
  return value;
}
