import type { SulSession, SystemUnderLearning } from '../sul.js';
import { DEFAULT_WAIT_MS } from './session.js';

/** A {@link SystemUnderLearning} whose sessions each have their own socket and address. */
export class SessionsOverUdp implements SystemUnderLearning {
  readonly version: '1.2' | '1.3';
  readonly role: 'server' | 'client';
  readonly inputs: readonly string[];
  readonly parallel: number;
  private readonly opener: () => Promise<SulSession>;
  private readonly open_ = new Set<SulSession>();
  private readonly onClose: (() => Promise<void>) | undefined;

  constructor(
    version: '1.2' | '1.3',
    role: 'server' | 'client',
    inputs: readonly string[],
    parallel: number,
    opener: () => Promise<SulSession>,
    onClose?: () => Promise<void>,
  ) {
    this.version = version;
    this.role = role;
    this.inputs = inputs;
    this.parallel = parallel;
    this.opener = opener;
    this.onClose = onClose;
  }

  async open(): Promise<SulSession> {
    const s = await this.opener();
    this.open_.add(s);
    return {
      step: (input) => s.step(input),
      close: async () => {
        this.open_.delete(s);
        await s.close();
      },
    };
  }

  async close(): Promise<void> {
    const all = [...this.open_];
    this.open_.clear();
    await Promise.all(all.map((s) => s.close()));
    await this.onClose?.();
  }
}

/** A positive integer option, or a RangeError naming it. */
export function checkedCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** The wait of a step, checked. */
export function checkedWait(value: number | undefined): number {
  if (value === undefined) return DEFAULT_WAIT_MS;
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`waitMs must be a positive number of milliseconds, got ${value}`);
  return value;
}
