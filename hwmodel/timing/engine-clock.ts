/**
 * The `clock` section of an engine file (spec/hw/engines, docs/hwmodel/spec-format.md
 * "Engines"): the range of `crypto_engine.clock_period` the engine's cycle
 * counts hold over, fastest and slowest, with its basis and source.
 * `dtls13 size` searches the clock within it; every cost stays in cycles of
 * the engine clock, so a slower clock stretches them all.
 */
import { ConfigError } from '../../runtime/config-error.js';
import { parseTime } from '../kernel/time.js';
import type { Basis } from './engine-power-area.js';
import { BASES } from './engine-power-area.js';
import { object, onlyKeys, string } from './validate.js';

/** The clock periods (ps) the engine may run at, fastest (shortest period) to slowest. */
export interface ClockRange {
  readonly fastest: number;
  readonly slowest: number;
  readonly basis: Basis;
  readonly source: string;
}

/**
 * The `clock` section (undefined when neither the engine nor its base gives
 * one). `defaultPeriod` (the engine's `crypto_engine.clock_period`) must lie
 * in the range.
 */
export function readClock(
  value: unknown,
  base: ClockRange | undefined,
  defaultPeriod: number | undefined,
): ClockRange | undefined {
  if (value === undefined) return base;
  const o = object(value, 'clock');
  onlyKeys(o, 'clock', ['fastest', 'slowest', 'basis', 'source']);
  const period = (key: 'fastest' | 'slowest'): number => {
    const text = string(o[key], `clock.${key}`);
    const t = parseTime(text, `clock.${key}`);
    if (t <= 0) throw new ConfigError(`clock.${key}`, `must be a clock period above 0, got '${text}'`);
    return t;
  };
  const fastest = period('fastest');
  const slowest = period('slowest');
  if (slowest < fastest)
    throw new ConfigError(
      'clock.slowest',
      `must be a period no shorter than clock.fastest (${fastest} ps), got ${slowest} ps`,
    );
  const basis = string(o['basis'], 'clock.basis');
  if (!(BASES as readonly string[]).includes(basis))
    throw new ConfigError('clock.basis', `must be one of ${BASES.join(', ')}, got '${basis}'`);
  const source = string(o['source'], 'clock.source').trim();
  if (source === '')
    throw new ConfigError('clock.source', 'must name the source (or, for an estimate, give the reasoning)');
  if (defaultPeriod !== undefined && (defaultPeriod < fastest || defaultPeriod > slowest))
    throw new ConfigError(
      'clock',
      `must hold the engine's crypto_engine.clock_period (${defaultPeriod} ps), got ${fastest} to ${slowest} ps`,
    );
  return { fastest, slowest, basis: basis as Basis, source };
}

/**
 * `steps` clock periods over `range`, evenly spaced in frequency from the
 * fastest to the slowest (ps, whole): the clocks `dtls13 size` tries.
 */
export function clockSteps(range: Pick<ClockRange, 'fastest' | 'slowest'>, steps: number): number[] {
  if (steps <= 1 || range.fastest === range.slowest) return [range.fastest];
  const [fMax, fMin] = [1 / range.fastest, 1 / range.slowest];
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const period = i === steps - 1 ? range.slowest : Math.round(1 / (fMax - ((fMax - fMin) * i) / (steps - 1)));
    if (!out.includes(period)) out.push(period);
  }
  return out;
}

/** A clock period as the engine file and `--set` write it (`1000ps`), and as a frequency (`1000 MHz`). */
export const periodText = (ps: number): string => `${ps}ps`;
export const mhzText = (ps: number): string => `${(1e6 / ps).toFixed(ps % 1000 === 0 || 1e6 % ps === 0 ? 0 : 1)} MHz`;
