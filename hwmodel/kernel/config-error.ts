/**
 * A bad option given to the kernel, naming the option. The kernel imports
 * nothing from the runtime, so it has its own class; it has the runtime
 * ConfigError's shape (`name`, `option`, `reason`), and each class's `instanceof`
 * accepts the other's errors.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly option: string;
  readonly reason: string;

  constructor(option: string, reason: string) {
    super(`option ${option}: ${reason}`);
    this.option = option;
    this.reason = reason;
  }

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
