/**
 * Load factor: a multiplier on compute costs standing for background load
 * on the machine being modelled (1 = idle). It may change over simulated
 * time as a step function.
 */
import { ConfigError } from '../../runtime/config-error.js';
import { checkTime } from '../kernel/time.js';
import type { SimTime } from './time.js';

/** From `from` on (until the next step), costs are multiplied by `factor`. */
export interface LoadStep {
  readonly from: SimTime;
  readonly factor: number;
}

/**
 * The factor for a background load that keeps a fraction `utilization` in
 * [0, 1) of the compute busy: the remaining share runs the model's work, so
 * it takes 1 / (1 − utilization) as long (processor sharing).
 */
export function loadFactorFromUtilization(utilization: number): number {
  if (!Number.isFinite(utilization) || utilization < 0 || utilization >= 1)
    throw new ConfigError('backgroundUtilization', `must be in [0, 1), got ${String(utilization)}`);
  return 1 / (1 - utilization);
}

/** A load factor over simulated time: `base` until the first step, then each step's factor. */
export class LoadFactor {
  readonly base: number;
  readonly steps: readonly LoadStep[];

  constructor(base = 1, steps: readonly LoadStep[] = []) {
    this.base = checkFactor('loadFactor', base);
    let previous = -1;
    steps.forEach((s, i) => {
      checkTime(s.from, `loadSteps[${i}].from`);
      if (s.from <= previous)
        throw new ConfigError(`loadSteps[${i}].from`, 'steps must be in strictly increasing time order');
      checkFactor(`loadSteps[${i}].factor`, s.factor);
      previous = s.from;
    });
    this.steps = [...steps];
  }

  /** The factor in force at `t`. */
  at(t: SimTime): number {
    let f = this.base;
    for (const s of this.steps) {
      if (s.from > t) break;
      f = s.factor;
    }
    return f;
  }

  /** `cost` stretched by the factor in force at `t`, in whole picoseconds. */
  apply(cost: SimTime, t: SimTime): SimTime {
    return Math.round(cost * this.at(t));
  }
}

function checkFactor(option: string, f: number): number {
  if (!Number.isFinite(f) || f <= 0)
    throw new ConfigError(option, `must be a positive finite number, got ${String(f)}`);
  return f;
}
