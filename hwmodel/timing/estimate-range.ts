/**
 * The plausible range of an estimated figure (spec/hw/engines and
 * spec/hw/costs, `range:` beside an estimate): multipliers on the figure as
 * written, `low` (the optimistic end: less time, area or energy) to `high`
 * (the pessimistic end), and why the figure could be anywhere in between.
 * `field` narrows a range to one field of a cycle entry (the AES-GCM
 * lane's `setup_cycles`, whose data rate is published). `dtls13 size`
 * evaluates its answer at both ends of every range the answer rests on
 * (hwmodel/sizing/workload/estimate-sensitivity.ts).
 */
import { ConfigError } from '../../runtime/config-error.js';
import { number, object, onlyKeys, string } from './validate.js';

export interface EstimateRange {
  readonly low: number;
  readonly high: number;
  readonly why: string;
  /** One field of the entry the range applies to (snake_case, as the file writes it); all its figures when absent. */
  readonly field?: string;
}

/** The `range` at `path` (undefined when absent): 0 < low ≤ 1 ≤ high, a reason, and `field` one of `fields` when given. */
export function readRange(value: unknown, path: string, fields: readonly string[] = []): EstimateRange | undefined {
  if (value === undefined) return undefined;
  const o = object(value, path);
  onlyKeys(o, path, fields.length > 0 ? ['low', 'high', 'why', 'field'] : ['low', 'high', 'why']);
  const low = number(o['low'], `${path}.low`, { min: 0, exclusiveMin: true, max: 1 });
  const high = number(o['high'], `${path}.high`, { min: 1 });
  const why = string(o['why'], `${path}.why`).trim();
  if (why === '') throw new ConfigError(`${path}.why`, 'must say why the figure could be anywhere in the range');
  if (o['field'] === undefined) return { low, high, why };
  const field = string(o['field'], `${path}.field`);
  if (!fields.includes(field))
    throw new ConfigError(`${path}.field`, `must be one of ${fields.join(', ')}, got '${field}'`);
  return { low, high, why, field };
}
